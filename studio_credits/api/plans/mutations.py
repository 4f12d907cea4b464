"""The plan page's writes: change the plan, cancel with a confirmation, resume."""

from typing import assert_never

import strawberry

from studio_credits.api.accounts.types import Account
from studio_credits.api.context import Info
from studio_credits.api.errors import inputs_at, refused
from studio_credits.api.idempotency import IdempotencyConflict
from studio_credits.api.payments.results import card_required, unpaid
from studio_credits.api.payments.types import Payment
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
from studio_credits.domain import account, cancellation, plan_changes
from studio_credits.domain.inputs import IDEMPOTENCY_KEY, PLAN_ID
from studio_credits.service import execution, plans
from studio_credits.service import payments as paying


@strawberry.type
class PlanMutations:
    @strawberry.mutation
    def change_plan(self, info: Info, input: ChangePlanInput) -> ChangePlanResult:
        context = info.context
        with inputs_at("input"):
            outcome = plans.change_plan(
                context.services,
                context.principal,
                PLAN_ID.check("plan_id", input.plan_id),
                input.interval,
                IDEMPOTENCY_KEY.check("idempotency_key", input.idempotency_key),
            )
        match outcome:
            case plans.PlanChangeMade(account=changed, terms=terms, payment=payment) if terms.immediate:
                return PlanChanged(
                    charged=None if payment is None else Payment.of(payment),
                    account=Account.of(changed),
                    credits_granted=terms.credits_granted_now,
                    amount_due_cents=terms.amount_due_now_cents,
                    billing_credit_applied_cents=terms.billing_credit_applied_cents,
                    billing_credit_after_cents=terms.billing_credit_after_cents,
                )
            case plans.PlanChangeMade(account=changed, terms=terms):
                return PlanChangeScheduled(account=Account.of(changed), effective_at=terms.effective_at)
            case plan_changes.InvalidPlanChange(message=message):
                return InvalidPlanChange(message=message)
            case execution.IdempotencyConflict():
                return IdempotencyConflict.of(outcome)
            case paying.PaymentMethodRequired():
                return card_required(outcome)
            case paying.PaymentDeclined() | paying.PaymentActionRequired() | paying.PaymentPending():
                return unpaid(outcome)
            case _:
                assert_never(outcome)

    @strawberry.mutation
    def request_cancellation(self, info: Info) -> CancellationRequest:
        context = info.context
        outcome = plans.request_cancellation(context.services, context.principal)
        match outcome:
            case cancellation.CancellationOffer():
                return CancellationRequest(
                    token=outcome.token,
                    effective_at=outcome.effective_at,
                    credits_forfeited=outcome.credits_forfeited,
                    token_expires_at=outcome.token_expires_at,
                )
            case cancellation.CancellationRefused(message=message):
                raise refused(message)
            case _:
                assert_never(outcome)

    @strawberry.mutation
    def confirm_cancellation(self, info: Info, token: str) -> ConfirmCancellationResult:
        context = info.context
        outcome = plans.confirm_cancellation(context.services, context.principal, token)
        match outcome:
            case cancellation.InvalidToken(message=message):
                return InvalidToken(message=message)
            case account.Account():
                return CancellationConfirmed(account=Account.of(outcome))
            case _:
                assert_never(outcome)

    @strawberry.mutation
    def resume_plan(self, info: Info) -> ResumePlanResult:
        context = info.context
        outcome = plans.resume_plan(context.services, context.principal)
        match outcome:
            case cancellation.NothingToResume(message=message):
                return NothingToResume(message=message)
            case account.Account():
                return PlanResumed(account=Account.of(outcome))
            case _:
                assert_never(outcome)
