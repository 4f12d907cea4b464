"""The ledger's mutations, for the generation service (and grants for admins too)."""

from datetime import datetime
from typing import TypeVar

import strawberry

from studio_credits.api.context import Info
from studio_credits.api.enums import CreativeKind, EntryKind, LotSource
from studio_credits.api.ledger_types import (
    ConsumeResult,
    CreditsConsumed,
    CreditsGranted,
    CreditsRefunded,
    CreditsReserved,
    FeatureNotInPlan,
    GrantRejected,
    GrantResult,
    IdempotencyConflict,
    InsufficientCredits,
    LedgerEntry,
    RefundRejected,
    RefundResult,
    Reservation,
    ReservationNotHeld,
    ReservationSettled,
    ReserveResult,
    SettleResult,
)
from studio_credits.api.types import CreativeInput, CreditBalance, Plan
from studio_credits.domain import spending
from studio_credits.domain.creatives import parse_creative
from studio_credits.domain.history import HistoryFilter as DomainHistoryFilter
from studio_credits.service import ledger
from studio_credits.service.execution import IdempotencyConflict as Conflict
from studio_credits.service.execution import Outcome, Refused

_T = TypeVar("_T")


@strawberry.input
class HistoryFilter:
    from_: datetime | None = strawberry.field(name="from", default=None)
    to: datetime | None = None
    year: int | None = None
    kinds: list[EntryKind] | None = None
    creative_kinds: list[CreativeKind] | None = None

    def to_domain(self) -> DomainHistoryFilter:
        return DomainHistoryFilter(
            since=self.from_,
            until=self.to,
            year=self.year,
            kinds=frozenset(self.kinds or ()),
            creative_kinds=frozenset(self.creative_kinds or ()),
        )


@strawberry.input
class ConsumeInput:
    account_id: strawberry.ID
    creative: CreativeInput
    job_id: str
    idempotency_key: str


@strawberry.input
class ReserveInput:
    account_id: strawberry.ID
    creative: CreativeInput
    job_id: str
    idempotency_key: str
    ttl_seconds: int | None = ledger.DEFAULT_RESERVATION_TTL_SECONDS


@strawberry.input
class CaptureInput:
    reservation_id: strawberry.ID
    delivered_outputs: int | None = strawberry.field(
        default=None,
        description="Outputs actually delivered; fewer than reserved captures only their share "
        "and releases the rest.",
    )


@strawberry.input
class ReleaseInput:
    reservation_id: strawberry.ID
    reason: str


@strawberry.input
class RefundInput:
    entry_id: strawberry.ID
    reason: str
    idempotency_key: str
    credits: int | None = strawberry.field(
        default=None, description="Part of the entry to refund; all of it by default."
    )


@strawberry.input
class GrantInput:
    account_id: strawberry.ID
    amount: int
    source: LotSource
    expires_at: datetime | None = None
    note: str
    idempotency_key: str


def _spend_refusal(
    outcome: Refused | Conflict,
) -> InsufficientCredits | FeatureNotInPlan | IdempotencyConflict:
    if isinstance(outcome, Conflict):
        return IdempotencyConflict.of(outcome)
    reason = outcome.reason
    if isinstance(reason, spending.InsufficientCredits):
        return InsufficientCredits(required=reason.required, available=reason.available)
    if isinstance(reason, spending.FeatureNotInPlan):
        cheapest = reason.cheapest_plan_allowing
        return FeatureNotInPlan(
            blocked_by=list(reason.blocked_by),
            cheapest_plan_allowing=None if cheapest is None else Plan.of(cheapest),
        )
    raise TypeError(f"no GraphQL answer for {reason!r}")


def _rejection(outcome: Refused | Conflict) -> str | IdempotencyConflict:
    """A rejected refund or grant: its message (or the key conflict)."""
    if isinstance(outcome, Conflict):
        return IdempotencyConflict.of(outcome)
    if isinstance(outcome.reason, spending.Rejected):
        return outcome.reason.message
    raise TypeError(f"no GraphQL answer for {outcome.reason!r}")


def _settled(outcome: Outcome[ledger.Recorded]) -> ReservationSettled | ReservationNotHeld:
    if isinstance(outcome, ledger.Recorded):
        return ReservationSettled(
            reservation=Reservation.of(_required(outcome.reservation)),
            entry=None if outcome.entry is None else LedgerEntry.of(outcome.entry),
            balance=CreditBalance.of(outcome.account),
        )
    if isinstance(outcome, Refused) and isinstance(outcome.reason, spending.NotHeld):
        return ReservationNotHeld(
            reservation=Reservation.of(outcome.reason.reservation), message=outcome.reason.message
        )
    raise TypeError(f"no GraphQL answer for {outcome!r}")


def _required(value: _T | None) -> _T:
    if value is None:
        raise RuntimeError("a recorded change lost what it made")
    return value


@strawberry.type
class LedgerMutations:
    @strawberry.mutation
    def consume_credits(self, info: Info, input: ConsumeInput) -> ConsumeResult:
        context = info.context
        creative = parse_creative(strawberry.asdict(input.creative), "input.creative")
        outcome = ledger.consume(
            context.services,
            context.principal,
            str(input.account_id),
            creative,
            input.job_id,
            input.idempotency_key,
        )
        if isinstance(outcome, ledger.Recorded):
            entry = LedgerEntry.of(_required(outcome.entry))
            return CreditsConsumed(entry=entry, balance=CreditBalance.of(outcome.account))
        return _spend_refusal(outcome)

    @strawberry.mutation
    def reserve_credits(self, info: Info, input: ReserveInput) -> ReserveResult:
        context = info.context
        creative = parse_creative(strawberry.asdict(input.creative), "input.creative")
        outcome = ledger.reserve(
            context.services,
            context.principal,
            str(input.account_id),
            creative,
            input.job_id,
            ledger.DEFAULT_RESERVATION_TTL_SECONDS if input.ttl_seconds is None else input.ttl_seconds,
            input.idempotency_key,
        )
        if isinstance(outcome, ledger.Recorded):
            reservation = Reservation.of(_required(outcome.reservation))
            return CreditsReserved(reservation=reservation, balance=CreditBalance.of(outcome.account))
        return _spend_refusal(outcome)

    @strawberry.mutation
    def capture_reservation(self, info: Info, input: CaptureInput) -> SettleResult:
        context = info.context
        outcome = ledger.capture(
            context.services, context.principal, str(input.reservation_id), input.delivered_outputs
        )
        return _settled(outcome)

    @strawberry.mutation
    def release_reservation(self, info: Info, input: ReleaseInput) -> SettleResult:
        context = info.context
        outcome = ledger.release(context.services, context.principal, str(input.reservation_id), input.reason)
        return _settled(outcome)

    @strawberry.mutation
    def refund_credits(self, info: Info, input: RefundInput) -> RefundResult:
        context = info.context
        outcome = ledger.refund(
            context.services,
            context.principal,
            str(input.entry_id),
            input.credits,
            input.reason,
            input.idempotency_key,
        )
        if isinstance(outcome, ledger.Recorded):
            entry = LedgerEntry.of(_required(outcome.entry))
            return CreditsRefunded(entry=entry, balance=CreditBalance.of(outcome.account))
        rejection = _rejection(outcome)
        return RefundRejected(message=rejection) if isinstance(rejection, str) else rejection

    @strawberry.mutation
    def grant_credits(self, info: Info, input: GrantInput) -> GrantResult:
        context = info.context
        outcome = ledger.grant(
            context.services,
            context.principal,
            str(input.account_id),
            input.amount,
            input.source,
            input.expires_at,
            input.note,
            input.idempotency_key,
        )
        if isinstance(outcome, ledger.Recorded):
            entry = LedgerEntry.of(_required(outcome.entry))
            return CreditsGranted(entry=entry, balance=CreditBalance.of(outcome.account))
        rejection = _rejection(outcome)
        return GrantRejected(message=rejection) if isinstance(rejection, str) else rejection
