"""The plan page: preview and change a plan, cancel with a confirmation, resume.

Only the person whose account it is may do these; each write is one atomic
change under the account's version, recorded in the ledger.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime

from studio_credits.domain import cancellation, plan_changes
from studio_credits.domain.access import Principal, check_may_change_plan
from studio_credits.domain.account import Account
from studio_credits.domain.cancellation import (
    CancellationOffer,
    CancellationRefused,
    InvalidToken,
    NothingToResume,
)
from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.change import Change
from studio_credits.domain.idempotency import IdempotencyRecord
from studio_credits.domain.plan_changes import InvalidPlanChange
from studio_credits.domain.plan_terms import PlanChangeTerms
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
from studio_credits.service.ports import Services

TOKEN_BYTES = 32


@dataclass(frozen=True)
class PlanChangeMade:
    account: Account
    terms: PlanChangeTerms


def preview_plan_change(
    services: Services, principal: Principal, plan_id: str, interval: BillingInterval
) -> PlanChangeTerms | InvalidPlanChange:
    account = _own_account(services, principal)
    return plan_changes.preview_plan_change(account, plan_id, interval, services.clock.now())


def change_plan(
    services: Services, principal: Principal, plan_id: str, interval: BillingInterval, key: str
) -> PlanChangeMade | InvalidPlanChange | IdempotencyConflict:
    account_id = _own_account(services, principal).id

    def decide(account: Account, now: datetime) -> Decision[PlanChangeMade, InvalidPlanChange]:
        decided = plan_changes.plan_change(account, plan_id, interval, now, principal.actor)
        if isinstance(decided, InvalidPlanChange):
            return Refused(decided)
        terms = decided.terms
        return Planned(
            Change(decided.account, decided.entries),
            decided.event.id,
            lambda committed: PlanChangeMade(committed.account, terms),
        )

    def replay(record: IdempotencyRecord, account: Account) -> PlanChangeMade:
        event = services.repository.get_entry(account.id, record.result_id)
        if event is None or event.plan_change is None:
            raise RuntimeError(f"plan change {record.result_id!r} has no event with its terms")
        return PlanChangeMade(account, event.plan_change)

    request = {"plan_id": plan_id, "interval": interval.value}
    keyed = Idempotency(key, principal.actor, "changePlan", request, replay)
    outcome = execute(services, account_id, decide, keyed)
    return outcome.reason if isinstance(outcome, Refused) else outcome


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
