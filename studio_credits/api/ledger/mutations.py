"""The ledger's writes, for the generation service (and grants for admins too)."""

from typing import TypeVar, assert_never

import strawberry

from studio_credits.api.catalogue.types import Plan
from studio_credits.api.context import Info
from studio_credits.api.errors import inputs_at
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
    CreditLimitExceeded,
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
from studio_credits.domain import credit_limits, spending
from studio_credits.domain.inputs import ACCOUNT_ID, IDEMPOTENCY_KEY, INSTANT, JOB_ID, PUBLIC_ID, TEXT
from studio_credits.service import execution, ledger

_T = TypeVar("_T")


def _spend_refusal(
    refusal: spending.InsufficientCredits | spending.FeatureNotInPlan | execution.IdempotencyConflict,
) -> InsufficientCredits | FeatureNotInPlan | IdempotencyConflict:
    match refusal:
        case spending.InsufficientCredits(required=required, available=available):
            return InsufficientCredits(required=required, available=available)
        case spending.FeatureNotInPlan(blocked_by=blocked_by, cheapest_plan_allowing=cheapest):
            return FeatureNotInPlan(
                blocked_by=list(blocked_by),
                cheapest_plan_allowing=None if cheapest is None else Plan.of(cheapest),
            )
        case execution.IdempotencyConflict():
            return IdempotencyConflict.of(refusal)
        case _:
            assert_never(refusal)


def _settled(outcome: ledger.Recorded | spending.NotHeld) -> SettleResult:
    match outcome:
        case ledger.Recorded():
            return ReservationSettled(
                reservation=Reservation.of(_required(outcome.reservation)),
                entry=None if outcome.entry is None else LedgerEntry.of(outcome.entry),
                balance=CreditBalance.of(outcome.account),
            )
        case spending.NotHeld(reservation=reservation, message=message):
            return ReservationNotHeld(reservation=Reservation.of(reservation), message=message)
        case _:
            assert_never(outcome)


def _required[T](value: T | None) -> T:
    if value is None:
        raise RuntimeError("a recorded change lost what it made")
    return value


@strawberry.type
class LedgerMutations:
    @strawberry.mutation
    def consume_credits(self, info: Info, input: ConsumeInput) -> ConsumeResult:
        context = info.context
        with inputs_at("input"):
            outcome = ledger.consume(
                context.services,
                context.principal,
                ACCOUNT_ID.check("account_id", input.account_id),
                input.creative.to_domain(),
                JOB_ID.check("job_id", input.job_id),
                IDEMPOTENCY_KEY.check("idempotency_key", input.idempotency_key),
            )
        match outcome:
            case ledger.Recorded():
                entry = LedgerEntry.of(_required(outcome.entry))
                return CreditsConsumed(entry=entry, balance=CreditBalance.of(outcome.account))
            case (
                spending.InsufficientCredits() | spending.FeatureNotInPlan() | execution.IdempotencyConflict()
            ):
                return _spend_refusal(outcome)
            case _:
                assert_never(outcome)

    @strawberry.mutation
    def reserve_credits(self, info: Info, input: ReserveInput) -> ReserveResult:
        context = info.context
        ttl_seconds = (
            ledger.DEFAULT_RESERVATION_TTL_SECONDS if input.ttl_seconds is None else input.ttl_seconds
        )
        with inputs_at("input"):
            outcome = ledger.reserve(
                context.services,
                context.principal,
                ACCOUNT_ID.check("account_id", input.account_id),
                input.creative.to_domain(),
                JOB_ID.check("job_id", input.job_id),
                ttl_seconds,
                IDEMPOTENCY_KEY.check("idempotency_key", input.idempotency_key),
            )
        match outcome:
            case ledger.Recorded():
                reservation = Reservation.of(_required(outcome.reservation))
                return CreditsReserved(reservation=reservation, balance=CreditBalance.of(outcome.account))
            case (
                spending.InsufficientCredits() | spending.FeatureNotInPlan() | execution.IdempotencyConflict()
            ):
                return _spend_refusal(outcome)
            case _:
                assert_never(outcome)

    @strawberry.mutation
    def capture_reservation(self, info: Info, input: CaptureInput) -> SettleResult:
        context = info.context
        with inputs_at("input"):
            outcome = ledger.capture(
                context.services,
                context.principal,
                PUBLIC_ID.check("reservation_id", input.reservation_id),
                input.delivered_outputs,
            )
        return _settled(outcome)

    @strawberry.mutation
    def release_reservation(self, info: Info, input: ReleaseInput) -> SettleResult:
        context = info.context
        with inputs_at("input"):
            outcome = ledger.release(
                context.services,
                context.principal,
                PUBLIC_ID.check("reservation_id", input.reservation_id),
                TEXT.check("reason", input.reason),
            )
        return _settled(outcome)

    @strawberry.mutation
    def refund_credits(self, info: Info, input: RefundInput) -> RefundResult:
        context = info.context
        with inputs_at("input"):
            outcome = ledger.refund(
                context.services,
                context.principal,
                PUBLIC_ID.check("entry_id", input.entry_id),
                input.credits,
                TEXT.check("reason", input.reason),
                IDEMPOTENCY_KEY.check("idempotency_key", input.idempotency_key),
            )
        match outcome:
            case ledger.Recorded():
                entry = LedgerEntry.of(_required(outcome.entry))
                return CreditsRefunded(entry=entry, balance=CreditBalance.of(outcome.account))
            case spending.Rejected(message=message):
                return RefundRejected(message=message)
            case credit_limits.CreditLimitExceeded():
                return CreditLimitExceeded.of(outcome)
            case execution.IdempotencyConflict():
                return IdempotencyConflict.of(outcome)
            case _:
                assert_never(outcome)

    @strawberry.mutation
    def grant_credits(self, info: Info, input: GrantInput) -> GrantResult:
        context = info.context
        with inputs_at("input"):
            outcome = ledger.grant(
                context.services,
                context.principal,
                ACCOUNT_ID.check("account_id", input.account_id),
                input.amount,
                input.source,
                INSTANT.check_optional("expires_at", input.expires_at),
                TEXT.check("note", input.note),
                IDEMPOTENCY_KEY.check("idempotency_key", input.idempotency_key),
            )
        match outcome:
            case ledger.Recorded():
                entry = LedgerEntry.of(_required(outcome.entry))
                return CreditsGranted(entry=entry, balance=CreditBalance.of(outcome.account))
            case spending.Rejected(message=message):
                return GrantRejected(message=message)
            case credit_limits.CreditLimitExceeded():
                return CreditLimitExceeded.of(outcome)
            case execution.IdempotencyConflict():
                return IdempotencyConflict.of(outcome)
            case _:
                assert_never(outcome)
