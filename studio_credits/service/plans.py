"""The plan page: preview and change a plan, cancel with a confirmation, resume.

Only the person whose account it is may do these; each write is one atomic
change under the account's version, recorded in the ledger.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from studio_credits.domain import cancellation, plan_changes
from studio_credits.domain.access import Principal, check_may_change_plan
from studio_credits.domain.account import Account, ScheduledChange
from studio_credits.domain.cancellation import (
    CancellationOffer,
    CancellationRefused,
    InvalidToken,
    NothingToResume,
)
from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.change import Change
from studio_credits.domain.idempotency import IdempotencyRecord
from studio_credits.domain.payments import Card, Payment, PaymentPurpose
from studio_credits.domain.plan_changes import InvalidPlanChange, offer_text
from studio_credits.domain.plan_terms import PlanChangeTerms
from studio_credits.domain.purchases import request_of
from studio_credits.service.accounts import viewer_account
from studio_credits.service.execution import (
    Decision,
    Idempotency,
    IdempotencyConflict,
    Planned,
    Refusal,
    Refused,
    execute,
)
from studio_credits.service.payments import (
    Charge,
    PaymentMethodRequired,
    PaymentSucceeded,
    Unpaid,
    card_on_file,
    charge_for,
    collect,
)
from studio_credits.service.ports import Services

TOKEN_BYTES = 32


@dataclass(frozen=True)
class PlanChangeMade:
    account: Account
    terms: PlanChangeTerms
    payment: Payment | None = None
    """The payment that paid for it; None where nothing was due."""


@dataclass(frozen=True)
class PlanChangePreview:
    terms: PlanChangeTerms
    card: Card | None
    """The card the amount due now would be charged to."""


@dataclass(frozen=True)
class ChargeFirst:
    """The change has an amount due: it applies once its payment has succeeded."""

    terms: PlanChangeTerms


def preview_plan_change(
    services: Services, principal: Principal, plan_id: str, interval: BillingInterval
) -> PlanChangePreview | InvalidPlanChange:
    account = _own_account(services, principal)
    terms = plan_changes.preview_plan_change(account, plan_id, interval, services.clock.now())
    return terms if isinstance(terms, InvalidPlanChange) else PlanChangePreview(terms, account.card)


def change_plan(
    services: Services, principal: Principal, plan_id: str, interval: BillingInterval, key: str
) -> PlanChangeMade | InvalidPlanChange | IdempotencyConflict | PaymentMethodRequired | Unpaid:
    """A change with nothing due applies at once; one with an amount due is charged to the card on
    file first and applies when the payment succeeds (service/payments.py)."""
    account = _own_account(services, principal)

    def decide(current: Account, now: datetime) -> Decision[PlanChangeMade, InvalidPlanChange | ChargeFirst]:
        decided = plan_changes.plan_change(current, plan_id, interval, now, principal.actor)
        if isinstance(decided, InvalidPlanChange):
            return Refused(decided)
        terms = decided.terms
        if terms.amount_due_now_cents > 0:
            return Refused(ChargeFirst(terms))
        return Planned(
            Change(decided.account, decided.entries),
            decided.event.id,
            lambda committed: PlanChangeMade(committed.account, terms),
        )

    def replay(record: IdempotencyRecord, current: Account) -> PlanChangeMade:
        event = services.repository.get_entry(current.id, record.result_id)
        if event is None or event.plan_change is None:
            raise RuntimeError(f"plan change {record.result_id!r} has no event with its terms")
        payment = (
            None
            if event.payment_id is None
            else services.repository.get_payment(current.id, event.payment_id)
        )
        return PlanChangeMade(current, event.plan_change, payment)

    request = {"plan_id": plan_id, "interval": interval.value}
    keyed = Idempotency(key, principal.actor, "changePlan", request, replay)
    payment = services.repository.payment_for_key(account.id, keyed.stored_key)
    if payment is not None:
        if request_of(payment) != request:
            return IdempotencyConflict(f"idempotency key {key!r} was used before with different input")
        return _made(services, collect(services, account.id, payment.id, principal.actor))
    outcome = execute(services, account.id, decide, keyed)
    if not isinstance(outcome, Refused):
        return outcome
    if not isinstance(outcome.reason, ChargeFirst):
        return outcome.reason
    terms = outcome.reason.terms
    card = card_on_file(account, terms.amount_due_now_cents)
    if isinstance(card, PaymentMethodRequired):
        return card
    description = offer_text(ScheduledChange(plan_id, interval))
    charge = Charge(
        keyed.stored_key,
        PaymentPurpose.PLAN_CHANGE,
        terms.amount_due_now_cents,
        f"Change to {description}",
        plan_id=plan_id,
        interval=interval,
    )
    return _made(services, charge_for(services, account, card, charge, principal.actor))


def _made(
    services: Services, result: PaymentSucceeded | Unpaid
) -> PlanChangeMade | InvalidPlanChange | Unpaid:
    if not isinstance(result, PaymentSucceeded):
        return result
    event = services.repository.get_entry(result.account.id, result.payment.entry_id or "")
    if event is None or event.plan_change is None:
        # Paid after another change came first: the amount was kept as billing credit.
        return InvalidPlanChange(
            event.description if event is not None else "The plan change no longer applies."
        )
    return PlanChangeMade(result.account, event.plan_change, result.payment)


def request_cancellation(services: Services, principal: Principal) -> CancellationOffer | CancellationRefused:
    account_id = _own_account(services, principal).id
    nonce = secrets.token_urlsafe(TOKEN_BYTES)

    def decide(account: Account, now: datetime) -> Decision[CancellationOffer, CancellationRefused]:
        offered = cancellation.offer_cancellation(account, nonce, now)
        if isinstance(offered, CancellationRefused):
            return Refused(offered)
        pending, offer = offered
        # No idempotency key here, so nothing ever looks the result id up.
        return Planned(Change(pending), "", lambda _: offer)

    outcome = execute(services, account_id, decide)
    return outcome.reason if isinstance(outcome, Refused) else outcome


def confirm_cancellation(services: Services, principal: Principal, token: str) -> Account | InvalidToken:
    account_id = _own_account(services, principal).id

    def decide(account: Account, now: datetime) -> Decision[Account, InvalidToken]:
        return _recorded(cancellation.confirm_cancellation(account, token, now, principal.actor))

    outcome = execute(services, account_id, decide)
    return outcome.reason if isinstance(outcome, Refused) else outcome


def resume_plan(services: Services, principal: Principal) -> Account | NothingToResume:
    account_id = _own_account(services, principal).id

    def decide(account: Account, now: datetime) -> Decision[Account, NothingToResume]:
        return _recorded(cancellation.resume_plan(account, now, principal.actor))

    outcome = execute(services, account_id, decide)
    return outcome.reason if isinstance(outcome, Refused) else outcome


def _recorded(decided: cancellation.PlanEvent | Refusal) -> Decision[Account, Refusal]:
    if not isinstance(decided, cancellation.PlanEvent):
        return Refused(decided)
    return Planned(
        Change(decided.account, (decided.entry,)), decided.entry.id, lambda committed: committed.account
    )


def _own_account(services: Services, principal: Principal) -> Account:
    check_may_change_plan(principal)
    return viewer_account(services, principal)
