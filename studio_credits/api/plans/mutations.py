"""The plan page's writes: change the plan, cancel with a confirmation, resume."""

import strawberry

from studio_credits.api.accounts.types import Account
from studio_credits.api.context import Info
from studio_credits.api.idempotency import IdempotencyConflict
from studio_credits.api.plans.inputs import ChangePlanInput
from studio_credits.api.plans.types import (
    CancellationConfirmed,
    CancellationRequest,
    ChangePlanResult,
    ConfirmCancellationResult,
    InvalidPlanChange,
    InvalidToken,
    NothingToResume,
    PlanChanged,
    PlanChangeScheduled,
    PlanResumed,
    ResumePlanResult,
)
from studio_credits.domain import cancellation, plan_changes
from studio_credits.service import execution, plans


@strawberry.type
class PlanMutations:
    @strawberry.mutation
    def change_plan(self, info: Info, input: ChangePlanInput) -> ChangePlanResult:
        context = info.context
        outcome = plans.change_plan(
            context.services, context.principal, str(input.plan_id), input.interval, input.idempotency_key
        )
        if isinstance(outcome, execution.IdempotencyConflict):
            return IdempotencyConflict.of(outcome)
        if isinstance(outcome, plan_changes.InvalidPlanChange):
            return InvalidPlanChange(message=outcome.message)
        account, terms = Account.of(outcome.account), outcome.terms
        if terms.immediate:
            return PlanChanged(
                account=account,
                credits_granted=terms.credits_granted_now,
                amount_due_cents=terms.amount_due_now_cents,
                billing_credit_applied_cents=terms.billing_credit_applied_cents,
                billing_credit_after_cents=terms.billing_credit_after_cents,
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
