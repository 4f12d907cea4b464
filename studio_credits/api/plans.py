"""The plan page over GraphQL: preview and change the plan, cancel with a confirmation, resume."""

from datetime import datetime
from typing import Annotated

import strawberry

from studio_credits.api.context import Info
from studio_credits.api.enums import BillingInterval
from studio_credits.api.ledger_types import IdempotencyConflict
from studio_credits.api.types import Account, Plan
from studio_credits.domain import cancellation, plan_changes
from studio_credits.domain.catalogue import plan_by_id
from studio_credits.domain.plan_terms import PlanChangeTerms
from studio_credits.service import plans
from studio_credits.service.execution import IdempotencyConflict as Conflict


@strawberry.type
class PlanChangePreview:
    plan: Plan
    interval: BillingInterval
    immediate: bool
    effective_at: datetime
    credits_granted_now: int
    amount_due_now_cents: int

    @strawberry.field(description="TEMP until issue 9: billing credit used toward the amount due.")
    def billing_credit_applied_cents(self) -> int:
        return 0

    @strawberry.field(description="TEMP until issue 9: the account's billing credit after the change.")
    def billing_credit_after_cents(self) -> int:
        return 0

    @classmethod
    def of(cls, terms: PlanChangeTerms) -> "PlanChangePreview":
        return cls(
            plan=Plan.of(plan_by_id(terms.plan_id)),
            interval=terms.interval,
            immediate=terms.immediate,
            effective_at=terms.effective_at,
            credits_granted_now=terms.credits_granted_now,
            amount_due_now_cents=terms.amount_due_now_cents,
        )


@strawberry.input
class ChangePlanInput:
    plan_id: strawberry.ID
    interval: BillingInterval
    idempotency_key: str


@strawberry.type
class PlanChanged:
    account: Account
    credits_granted: int
    amount_due_cents: int

    @strawberry.field(description="TEMP until issue 9: billing credit used toward the amount due.")
    def billing_credit_applied_cents(self) -> int:
        return 0

    @strawberry.field(description="TEMP until issue 9: the account's billing credit after the change.")
    def billing_credit_after_cents(self) -> int:
        return 0


@strawberry.type
class PlanChangeScheduled:
    account: Account
    effective_at: datetime


@strawberry.type
class InvalidPlanChange:
    message: str


@strawberry.type
class CancellationRequest:
    token: str = strawberry.field(description="Pass to confirmCancellation; short-lived and single-use.")
    effective_at: datetime
    credits_forfeited: int
    token_expires_at: datetime


@strawberry.type
class CancellationConfirmed:
    account: Account


@strawberry.type
class InvalidToken:
    message: str


@strawberry.type
class PlanResumed:
    account: Account


@strawberry.type
class NothingToResume:
    message: str


ChangePlanResult = Annotated[
    PlanChanged | PlanChangeScheduled | InvalidPlanChange | IdempotencyConflict,
    strawberry.union("ChangePlanResult"),
]
ConfirmCancellationResult = Annotated[
    CancellationConfirmed | InvalidToken, strawberry.union("ConfirmCancellationResult")
]
ResumePlanResult = Annotated[PlanResumed | NothingToResume, strawberry.union("ResumePlanResult")]


@strawberry.type
class PlanQueries:
    @strawberry.field
    def preview_plan_change(
        self, info: Info, plan_id: strawberry.ID, interval: BillingInterval
    ) -> PlanChangePreview:
        context = info.context
        terms = plans.preview_plan_change(context.services, context.principal, str(plan_id), interval)
        return PlanChangePreview.of(terms)


@strawberry.type
class PlanMutations:
    @strawberry.mutation
    def change_plan(self, info: Info, input: ChangePlanInput) -> ChangePlanResult:
        context = info.context
        outcome = plans.change_plan(
            context.services, context.principal, str(input.plan_id), input.interval, input.idempotency_key
        )
        if isinstance(outcome, Conflict):
            return IdempotencyConflict.of(outcome)
        if isinstance(outcome, plan_changes.InvalidPlanChange):
            return InvalidPlanChange(message=outcome.message)
        account, terms = Account.of(outcome.account), outcome.terms
        if terms.immediate:
            return PlanChanged(
                account=account,
                credits_granted=terms.credits_granted_now,
                amount_due_cents=terms.amount_due_now_cents,
            )
        return PlanChangeScheduled(account=account, effective_at=terms.effective_at)

    @strawberry.mutation
    def request_cancellation(self, info: Info) -> CancellationRequest:
        context = info.context
        offer = plans.request_cancellation(context.services, context.principal)
        return CancellationRequest(
            token=offer.token,
            effective_at=offer.effective_at,
            credits_forfeited=offer.credits_forfeited,
            token_expires_at=offer.token_expires_at,
        )

    @strawberry.mutation
    def confirm_cancellation(self, info: Info, token: str) -> ConfirmCancellationResult:
        context = info.context
        outcome = plans.confirm_cancellation(context.services, context.principal, token)
        if isinstance(outcome, cancellation.InvalidToken):
            return InvalidToken(message=outcome.message)
        return CancellationConfirmed(account=Account.of(outcome))

    @strawberry.mutation
    def resume_plan(self, info: Info) -> ResumePlanResult:
        context = info.context
        outcome = plans.resume_plan(context.services, context.principal)
        if isinstance(outcome, cancellation.NothingToResume):
            return NothingToResume(message=outcome.message)
        return PlanResumed(account=Account.of(outcome))
