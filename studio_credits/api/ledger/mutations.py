"""The ledger's writes, for the generation service (and grants for admins too)."""

from typing import TypeVar

import strawberry

from studio_credits.api.catalogue.types import Plan
from studio_credits.api.context import Info
from studio_credits.api.idempotency import IdempotencyConflict
from studio_credits.api.ledger.inputs import (
    CaptureInput,
    ConsumeInput,
    GrantInput,
    RefundInput,
    ReleaseInput,
    ReserveInput,
)
from studio_credits.api.ledger.types import (
    ConsumeResult,
    CreditBalance,
    CreditsConsumed,
    CreditsGranted,
    CreditsRefunded,
    CreditsReserved,
    FeatureNotInPlan,
    GrantRejected,
    GrantResult,
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
from studio_credits.domain import spending
from studio_credits.service import execution, ledger
from studio_credits.service.execution import Outcome, Refused

_T = TypeVar("_T")


def _spend_refusal(
    outcome: Refused | execution.IdempotencyConflict,
) -> InsufficientCredits | FeatureNotInPlan | IdempotencyConflict:
    if isinstance(outcome, execution.IdempotencyConflict):
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


def _rejection(outcome: Refused | execution.IdempotencyConflict) -> str | IdempotencyConflict:
    """A rejected refund or grant: its message (or the key conflict)."""
    if isinstance(outcome, execution.IdempotencyConflict):
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
        creative = input.creative.to_domain("input.creative")
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
        creative = input.creative.to_domain("input.creative")
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
