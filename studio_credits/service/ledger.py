"""Spending and granting credits: the generation service's and the admins' writes. A spend that
crosses the account's auto top-up threshold is stored first, then the top-up is charged.

Each use case answers with what it recorded, or one of the refusals its return type names; the
caller's role and malformed input are exceptions (NotAllowed, InvalidInput naming the field in
these functions' own parameter names).
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from studio_credits.domain import spending
from studio_credits.domain.access import Principal, check_may_grant, check_may_spend
from studio_credits.domain.account import Account
from studio_credits.domain.creatives import Creative
from studio_credits.domain.credit_limits import CreditLimitExceeded
from studio_credits.domain.errors import InvalidInput
from studio_credits.domain.idempotency import IdempotencyRecord
from studio_credits.domain.ids import parse_public_id
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.domain.lots import LotSource
from studio_credits.domain.payments import Payment
from studio_credits.domain.reservations import Reservation, reservation_as_of
from studio_credits.domain.spending import FeatureNotInPlan, InsufficientCredits, NotHeld, Rejected
from studio_credits.service.auto_top_ups import charge_after_spend
from studio_credits.service.execution import (
    Decision,
    Idempotency,
    IdempotencyConflict,
    Planned,
    Refusal,
    Refused,
    execute,
)
from studio_credits.service.ports import AlreadyRefunded, Services

MAX_RESERVATION_TTL = timedelta(hours=24)
DEFAULT_RESERVATION_TTL_SECONDS = 3600


@dataclass(frozen=True)
class Recorded:
    """A write's result: the entry it answers with, the account after it, the reservation it touched."""

    entry: LedgerEntry | None
    account: Account
    reservation: Reservation | None = None
    top_up: Payment | None = None
    """The auto top-up whose payment the write opened, crossing its threshold."""


def _decided(result: spending.LedgerWrite | Refusal) -> Decision[Recorded, Refusal]:
    if not isinstance(result, spending.LedgerWrite):
        return Refused(result)
    entry, reservation, top_up = result.entry, result.reservation, result.top_up
    return Planned(
        result.change,
        result.made_id,
        lambda committed: Recorded(entry, committed.account, reservation, top_up),
    )


def _replay_entry(services: Services) -> Callable[[IdempotencyRecord, Account], Recorded]:
    def replay(record: IdempotencyRecord, account: Account) -> Recorded:
        return Recorded(services.repository.get_entry(account.id, record.result_id), account)

    return replay


def consume(
    services: Services, principal: Principal, account_id: str, creative: Creative, job_id: str, key: str
) -> Recorded | InsufficientCredits | FeatureNotInPlan | IdempotencyConflict:
    check_may_spend(principal)
    request = {"creative": creative.model_dump(mode="json"), "job_id": job_id}

    def decide(account: Account, now: datetime) -> Decision[Recorded, InsufficientCredits | FeatureNotInPlan]:
        return _decided(spending.consume(account, creative, job_id, principal.actor, now))

    keyed = Idempotency(key, principal.actor, "consume", request, _replay_entry(services))
    outcome = execute(services, account_id, decide, keyed)
    if isinstance(outcome, Recorded) and outcome.top_up is not None:
        charge_after_spend(services, outcome.account, outcome.top_up)
    return outcome.reason if isinstance(outcome, Refused) else outcome


def reserve(
    services: Services,
    principal: Principal,
    account_id: str,
    creative: Creative,
    job_id: str,
    ttl_seconds: int,
    key: str,
) -> Recorded | InsufficientCredits | FeatureNotInPlan | IdempotencyConflict:
    check_may_spend(principal)
    ttl = timedelta(seconds=ttl_seconds)
    if not timedelta(seconds=1) <= ttl <= MAX_RESERVATION_TTL:
        raise InvalidInput("ttl_seconds", f"a reservation lasts 1 s to 24 h, not {ttl_seconds} s")
    request = {"creative": creative.model_dump(mode="json"), "job_id": job_id, "ttl": ttl_seconds}

    def decide(account: Account, now: datetime) -> Decision[Recorded, InsufficientCredits | FeatureNotInPlan]:
        return _decided(spending.reserve(account, creative, job_id, ttl, principal.actor, now))

    def replay(record: IdempotencyRecord, account: Account) -> Recorded:
        made = services.repository.get_reservation(account.id, record.result_id)
        return Recorded(
            None, account, None if made is None else reservation_as_of(made, services.clock.now())
        )

    keyed = Idempotency(key, principal.actor, "reserve", request, replay)
    outcome = execute(services, account_id, decide, keyed)
    if isinstance(outcome, Recorded) and outcome.top_up is not None:
        charge_after_spend(services, outcome.account, outcome.top_up)
    return outcome.reason if isinstance(outcome, Refused) else outcome


def capture(
    services: Services, principal: Principal, reservation_id: str, delivered_outputs: int | None
) -> Recorded | NotHeld:
    check_may_spend(principal)
    account_id, reservation = _find_reservation(services, reservation_id)
    if delivered_outputs is not None and not 1 <= delivered_outputs <= reservation.outputs:
        raise InvalidInput(
            "delivered_outputs",
            f"1 to {reservation.outputs} outputs were reserved, not {delivered_outputs}; "
            "to capture none, release the reservation",
        )

    def decide(account: Account, now: datetime) -> Decision[Recorded, NotHeld]:
        return _decided(
            _as_settled_now(
                services,
                account_id,
                reservation,
                lambda held: spending.capture(account, held, delivered_outputs, principal.actor, now),
            )
        )

    outcome = execute(services, account_id, decide)
    return outcome.reason if isinstance(outcome, Refused) else outcome


def release(services: Services, principal: Principal, reservation_id: str, reason: str) -> Recorded | NotHeld:
    check_may_spend(principal)
    account_id, reservation = _find_reservation(services, reservation_id)

    def decide(account: Account, now: datetime) -> Decision[Recorded, NotHeld]:
        return _decided(
            _as_settled_now(
                services,
                account_id,
                reservation,
                lambda held: spending.release(account, held, reason, principal.actor, now),
            )
        )

    outcome = execute(services, account_id, decide)
    return outcome.reason if isinstance(outcome, Refused) else outcome


def refund(
    services: Services, principal: Principal, entry_id: str, credits: int | None, reason: str, key: str
) -> Recorded | Rejected | CreditLimitExceeded | IdempotencyConflict:
    check_may_spend(principal)
    account_id, local_id = parse_public_id(entry_id, "entry_id")
    spent = services.repository.get_entry(account_id, local_id)
    if spent is None:
        raise InvalidInput("entry_id", "no such ledger entry")
    request = {"entry": local_id, "credits": credits, "reason": reason}

    def decide(account: Account, now: datetime) -> Decision[Recorded, Rejected | CreditLimitExceeded]:
        return _decided(spending.refund(account, spent, credits, reason, principal.actor, now))

    try:
        keyed = Idempotency(key, principal.actor, "refund", request, _replay_entry(services))
        outcome = execute(services, account_id, decide, keyed)
    except AlreadyRefunded:
        return Rejected("this entry was already refunded; a consumption is refunded once")
    return outcome.reason if isinstance(outcome, Refused) else outcome


def grant(
    services: Services,
    principal: Principal,
    account_id: str,
    amount: int,
    source: LotSource,
    expires_at: datetime | None,
    note: str,
    key: str,
) -> Recorded | Rejected | CreditLimitExceeded | IdempotencyConflict:
    check_may_grant(principal, account_id)
    request = {"amount": amount, "source": source.value, "expires_at": expires_at, "note": note}

    def decide(account: Account, now: datetime) -> Decision[Recorded, Rejected | CreditLimitExceeded]:
        return _decided(spending.grant(account, amount, source, expires_at, note, principal.actor, now))

    keyed = Idempotency(key, principal.actor, "grant", request, _replay_entry(services))
    outcome = execute(services, account_id, decide, keyed)
    return outcome.reason if isinstance(outcome, Refused) else outcome


def _as_settled_now(
    services: Services,
    account_id: str,
    reservation: Reservation,
    settle: Callable[[Reservation], spending.LedgerWrite | NotHeld],
) -> spending.LedgerWrite | NotHeld:
    """`settle` on the reservation as first read; if it is no longer held, on the reservation as
    stored now, so the refusal tells its status: a race, or this very write whose answer was lost
    and which is being retried, may have settled it since."""
    result = settle(reservation)
    if not isinstance(result, NotHeld):
        return result
    stored = services.repository.get_reservation(account_id, reservation.id)
    return result if stored is None else settle(stored)


def _find_reservation(services: Services, reservation_id: str) -> tuple[str, Reservation]:
    account_id, local_id = parse_public_id(reservation_id, "reservation_id")
    reservation = services.repository.get_reservation(account_id, local_id)
    if reservation is None:
        raise InvalidInput("reservation_id", "no such reservation")
    return account_id, reservation
