"""The plan page's GraphQL types: a change's preview and results, cancellation, resumption."""

from datetime import datetime
from typing import Annotated

import strawberry

from studio_credits.api.accounts.types import Account
from studio_credits.api.catalogue.types import Plan
from studio_credits.api.enums import BillingInterval
from studio_credits.api.errors import RefusalAnswer
from studio_credits.api.idempotency import IdempotencyConflict
from studio_credits.api.payments.results import (
    PaymentActionRequired,
    PaymentDeclined,
    PaymentMethodRequired,
    PaymentPending,
)
from studio_credits.api.payments.types import Payment, SavedCard
from studio_credits.domain import catalogue, payments, plan_terms


@strawberry.type
class PlanChangePreview:
    plan: Plan
    interval: BillingInterval
    immediate: bool
    effective_at: datetime
    credits_granted_now: int
    amount_due_now_cents: int = strawberry.field(description="Due now, after the billing credit applied.")
    billing_credit_applied_cents: int = strawberry.field(
        description="The account's billing credit that pays toward this change."
    )
    billing_credit_after_cents: int = strawberry.field(
        description="The account's billing credit after the change, surplus paid value included."
    )
    card: SavedCard | None = strawberry.field(
        description="The card on file, that the amount due now is charged to; null when there is none."
    )

    @classmethod
    def of(cls, terms: plan_terms.PlanChangeTerms, card: payments.Card | None) -> "PlanChangePreview":
        return cls(
            plan=Plan.of(catalogue.plan_by_id(terms.plan_id)),
            interval=terms.interval,
            immediate=terms.immediate,
            effective_at=terms.effective_at,
            credits_granted_now=terms.credits_granted_now,
            amount_due_now_cents=terms.amount_due_now_cents,
            billing_credit_applied_cents=terms.billing_credit_applied_cents,
            billing_credit_after_cents=terms.billing_credit_after_cents,
            card=None if card is None else SavedCard.of(card),
        )


@strawberry.type
class PlanChanged:
    account: Account
    credits_granted: int
    amount_due_cents: int
    billing_credit_applied_cents: int
    billing_credit_after_cents: int
    charged: Payment | None = strawberry.field(
        description="The payment that paid for the change; null when nothing was charged. (Not "
        "`payment`: the payment of the other members of ChangePlanResult is never null.)"
    )


@strawberry.type
class PlanChangeScheduled:
    account: Account
    effective_at: datetime


@strawberry.type
class InvalidPlanChange(RefusalAnswer):
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
class InvalidToken(RefusalAnswer):
    message: str


@strawberry.type
class PlanResumed:
    account: Account


@strawberry.type
class NothingToResume(RefusalAnswer):
    message: str


ChangePlanResult = Annotated[
    PlanChanged
    | PlanChangeScheduled
    | InvalidPlanChange
    | IdempotencyConflict
    | PaymentMethodRequired
    | PaymentDeclined
    | PaymentActionRequired
    | PaymentPending,
    strawberry.union("ChangePlanResult"),
]
ConfirmCancellationResult = Annotated[
    CancellationConfirmed | InvalidToken, strawberry.union("ConfirmCancellationResult")
]
ResumePlanResult = Annotated[PlanResumed | NothingToResume, strawberry.union("ResumePlanResult")]
