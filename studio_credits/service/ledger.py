"""Spending and granting credits: the generation service's and the admins' writes."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from studio_credits.domain import spending
from studio_credits.domain.access import Principal, check_may_grant, check_may_spend
from studio_credits.domain.account import Account
from studio_credits.domain.creatives import Creative
from studio_credits.domain.errors import InvalidInput
from studio_credits.domain.idempotency import IdempotencyRecord
from studio_credits.domain.ids import parse_public_id
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.domain.lots import LotSource
from studio_credits.domain.reservations import Reservation, ReservationStatus
from studio_credits.service.execution import Decision, Idempotency, Outcome, Planned, Refused, execute
from studio_credits.service.ports import AlreadyRefunded, Services

MAX_RESERVATION_TTL = timedelta(hours=24)
DEFAULT_RESERVATION_TTL_SECONDS = 3600


@dataclass(frozen=True)
class Recorded:
    """A write's result: the entry it answers with, the account after it, the reservation it touched."""

    entry: LedgerEntry | None
    account: Account
    reservation: Reservation | None = None


def _decided(result: object) -> Decision[Recorded]:
    if not isinstance(result, spending.Spending):
        return Refused(result)
    entry, reservation = result.entry, result.reservation
    return Planned(
        result.change, result.made_id, lambda committed: Recorded(entry, committed.account, reservation)
    )


def _replay_entry(services: Services) -> Callable[[IdempotencyRecord, Account], Recorded]:
    def replay(record: IdempotencyRecord, account: Account) -> Recorded:
        return Recorded(services.repository.get_entry(account.id, record.result_id), account)

    return replay


def consume(
    services: Services, principal: Principal, account_id: str, creative: Creative, job_id: str, key: str
) -> Outcome[Recorded]:
    check_may_spend(principal)
    request = {"creative": creative.model_dump(mode="json"), "job_id": job_id}

    def decide(account: Account, now: datetime) -> Decision[Recorded]:
        return _decided(spending.consume(account, creative, job_id, principal.actor, now))

    return execute(
        services, account_id, decide, Idempotency(key, "consume", request, _replay_entry(services))
    )


def reserve(
    services: Services,
    principal: Principal,
    account_id: str,
    creative: Creative,
    job_id: str,
    ttl_seconds: int,
    key: str,
) -> Outcome[Recorded]:
    check_may_spend(principal)
    ttl = timedelta(seconds=ttl_seconds)
    if not timedelta(seconds=1) <= ttl <= MAX_RESERVATION_TTL:
        raise InvalidInput("input.ttlSeconds", f"a reservation lasts 1 s to 24 h, not {ttl_seconds} s")
    request = {"creative": creative.model_dump(mode="json"), "job_id": job_id, "ttl": ttl_seconds}

    def decide(account: Account, now: datetime) -> Decision[Recorded]:
        return _decided(spending.reserve(account, creative, job_id, ttl, principal.actor, now))

    def replay(record: IdempotencyRecord, account: Account) -> Recorded:
        return Recorded(None, account, services.repository.get_reservation(account.id, record.result_id))

    return execute(services, account_id, decide, Idempotency(key, "reserve", request, replay))


def capture(
    services: Services, principal: Principal, reservation_id: str, delivered_outputs: int | None
) -> Outcome[Recorded]:
    check_may_spend(principal)
    account_id, reservation = _find_reservation(services, reservation_id, "input.reservationId")
    if delivered_outputs is not None and not 1 <= delivered_outputs <= reservation.outputs:
        raise InvalidInput(
            "input.deliveredOutputs",
            f"1 to {reservation.outputs} outputs were reserved, not {delivered_outputs}; "
            "to capture none, release the reservation",
        )

    def decide(account: Account, now: datetime) -> Decision[Recorded]:
        return _decided(spending.capture(account, reservation, delivered_outputs, principal.actor, now))

    return execute(services, account_id, decide)


def release(
    services: Services,
    principal: Principal,
    reservation_id: str,
    reason: str,
    status: ReservationStatus = ReservationStatus.RELEASED,
) -> Outcome[Recorded]:
    check_may_spend(principal)
    account_id, reservation = _find_reservation(services, reservation_id, "input.reservationId")

    def decide(account: Account, now: datetime) -> Decision[Recorded]:
        return _decided(spending.release(account, reservation, reason, principal.actor, now, status))

    return execute(services, account_id, decide)


def refund(
    services: Services, principal: Principal, entry_id: str, credits: int | None, reason: str, key: str
) -> Outcome[Recorded]:
    check_may_spend(principal)
    account_id, local_id = parse_public_id(entry_id, "input.entryId")
    spent = services.repository.get_entry(account_id, local_id)
    if spent is None:
        raise InvalidInput("input.entryId", "no such ledger entry")
    request = {"entry": local_id, "credits": credits, "reason": reason}

    def decide(account: Account, now: datetime) -> Decision[Recorded]:
        return _decided(spending.refund(account, spent, credits, reason, principal.actor, now))

    try:
        return execute(
            services, account_id, decide, Idempotency(key, "refund", request, _replay_entry(services))
        )
    except AlreadyRefunded:
        return Refused(spending.Rejected("this entry was already refunded; a consumption is refunded once"))


def grant(
    services: Services,
    principal: Principal,
    account_id: str,
    amount: int,
    source: LotSource,
    expires_at: datetime | None,
    note: str,
    key: str,
) -> Outcome[Recorded]:
    check_may_grant(principal)
    request = {"amount": amount, "source": source.value, "expires_at": expires_at, "note": note}

    def decide(account: Account, now: datetime) -> Decision[Recorded]:
        return _decided(spending.grant(account, amount, source, expires_at, note, principal.actor, now))

    return execute(services, account_id, decide, Idempotency(key, "grant", request, _replay_entry(services)))


def _find_reservation(services: Services, reservation_id: str, field: str) -> tuple[str, Reservation]:
    account_id, local_id = parse_public_id(reservation_id, field)
    reservation = services.repository.get_reservation(account_id, local_id)
    if reservation is None:
        raise InvalidInput(field, "no such reservation")
    return account_id, reservation
