"""The plan page: preview and change a plan, cancel with a confirmation, resume.

Only the person whose account it is may do these; each write is one atomic
change under the account's version, recorded in the ledger.
"""

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import TypeVar

from studio_credits.domain import cancellation, plan_changes
from studio_credits.domain.access import Principal, check_may_change_plan
from studio_credits.domain.account import Account
from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.change import Change
from studio_credits.domain.errors import DomainError, InvalidInput
from studio_credits.domain.idempotency import IdempotencyRecord
from studio_credits.domain.plan_terms import PlanChangeTerms
from studio_credits.service.accounts import viewer_account
from studio_credits.service.execution import (
    Decision,
    Idempotency,
    IdempotencyConflict,
    Outcome,
    Planned,
    Refused,
    execute,
)
from studio_credits.service.ports import Services

TOKEN_BYTES = 32

Result = TypeVar("Result")
Refusal = TypeVar("Refusal")


@dataclass(frozen=True)
class PlanChangeMade:
    account: Account
    terms: PlanChangeTerms


def preview_plan_change(
    services: Services, principal: Principal, plan_id: str, interval: BillingInterval
) -> PlanChangeTerms:
    account = _own_account(services, principal)
    terms = plan_changes.preview_plan_change(account, plan_id, interval, services.clock.now())
    if isinstance(terms, plan_changes.InvalidPlanChange):
        raise DomainError(terms.message)
    return terms


def change_plan(
    services: Services, principal: Principal, plan_id: str, interval: BillingInterval, key: str
) -> PlanChangeMade | plan_changes.InvalidPlanChange | IdempotencyConflict:
    if not key.strip():
        raise InvalidInput("input.idempotencyKey", "must not be empty")
    account_id = _own_account(services, principal).id

    def decide(account: Account, now: datetime) -> Decision[PlanChangeMade]:
        decided = plan_changes.plan_change(account, plan_id, interval, now, principal.actor)
        if isinstance(decided, plan_changes.InvalidPlanChange):
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
    outcome = execute(services, account_id, decide, Idempotency(key, "changePlan", request, replay))
    if isinstance(outcome, IdempotencyConflict):
        return outcome
    return _settled(outcome, plan_changes.InvalidPlanChange)


def request_cancellation(services: Services, principal: Principal) -> cancellation.CancellationOffer:
    account_id = _own_account(services, principal).id
    nonce = secrets.token_urlsafe(TOKEN_BYTES)

    def decide(account: Account, now: datetime) -> Decision[cancellation.CancellationOffer]:
        pending, offer = cancellation.offer_cancellation(account, nonce, now)
        # No idempotency key here, so nothing ever looks the result id up.
        return Planned(Change(pending), "", lambda _: offer)

    outcome = execute(services, account_id, decide)
    if not isinstance(outcome, cancellation.CancellationOffer):
        raise TypeError(f"a cancellation request is offered, or refused with an error, not {outcome!r}")
    return outcome


def confirm_cancellation(
    services: Services, principal: Principal, token: str
) -> Account | cancellation.InvalidToken:
    account_id = _own_account(services, principal).id

    def decide(account: Account, now: datetime) -> Decision[Account]:
        return _recorded(cancellation.confirm_cancellation(account, token, now, principal.actor))

    outcome = execute(services, account_id, decide)
    return _settled(outcome, cancellation.InvalidToken)


def resume_plan(services: Services, principal: Principal) -> Account | cancellation.NothingToResume:
    account_id = _own_account(services, principal).id

    def decide(account: Account, now: datetime) -> Decision[Account]:
        return _recorded(cancellation.resume_plan(account, now, principal.actor))

    outcome = execute(services, account_id, decide)
    return _settled(outcome, cancellation.NothingToResume)


def _recorded(decided: object) -> Decision[Account]:
    if not isinstance(decided, cancellation.PlanEvent):
        return Refused(decided)
    return Planned(
        Change(decided.account, (decided.entry,)), decided.entry.id, lambda committed: committed.account
    )


def _settled(outcome: Outcome[Result], refusal: type[Refusal]) -> Result | Refusal:
    """The result, or the one kind of refusal the decision makes (as data for the caller)."""
    if isinstance(outcome, Refused):
        if isinstance(outcome.reason, refusal):
            return outcome.reason
        raise TypeError(f"unexpected refusal {outcome.reason!r}")
    if isinstance(outcome, IdempotencyConflict):
        raise TypeError("a change without an idempotency key cannot conflict on one")
    return outcome


def _own_account(services: Services, principal: Principal) -> Account:
    check_may_change_plan(principal)
    return viewer_account(services, principal)
