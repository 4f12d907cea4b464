"""The account's GraphQL types: the account, its period and its scheduled plan change."""

from datetime import datetime

import strawberry

from studio_credits.api.auto_top_up.types import AutoTopUp
from studio_credits.api.catalogue.types import Plan
from studio_credits.api.enums import BillingInterval, PlanStatus
from studio_credits.api.ledger.queries import account_history, account_notices, account_usage
from studio_credits.api.ledger.types import CreditBalance, LedgerEntryConnection, Notice, UsageReport
from studio_credits.api.payments.queries import account_payments
from studio_credits.api.payments.types import PaymentConnection, SavedCard
from studio_credits.domain import account, catalogue


@strawberry.type
class Period:
    start: datetime
    end: datetime


@strawberry.type
class ScheduledPlanChange:
    plan: Plan
    interval: BillingInterval
    effective_at: datetime

    @classmethod
    def of(cls, holder: account.Account) -> "ScheduledPlanChange | None":
        scheduled = holder.upcoming_change
        if scheduled is None:
            return None
        plan = catalogue.plan_by_id(scheduled.plan_id)
        return cls(plan=Plan.of(plan), interval=scheduled.interval, effective_at=holder.term_end)


@strawberry.type
class Account:
    id: strawberry.ID
    email: str | None
    plan: Plan
    interval: BillingInterval
    status: PlanStatus
    current_period: Period = strawberry.field(description="The current credit cycle.")
    renews_at: datetime | None = strawberry.field(
        description="When the paid term renews; null while CANCELING."
    )
    ends_at: datetime | None = strawberry.field(description="When access ends; set only while CANCELING.")
    next_refresh_at: datetime
    scheduled_change: ScheduledPlanChange | None
    credits: CreditBalance
    billing_credit_cents: int = strawberry.field(
        description="Paid value kept from plan changes (cents), applied first to the next amounts due."
    )
    card: SavedCard | None = strawberry.field(description="The card on file; null when there is none.")
    auto_top_up: AutoTopUp | None = strawberry.field(description="Null until it is first turned on.")
    usage: UsageReport = strawberry.field(resolver=account_usage)
    history: LedgerEntryConnection = strawberry.field(resolver=account_history)
    notices: list[Notice] = strawberry.field(resolver=account_notices)
    payments: PaymentConnection = strawberry.field(resolver=account_payments)

    @classmethod
    def of(cls, holder: account.Account) -> "Account":
        current = holder.current_period
        return cls(
            id=strawberry.ID(holder.id),
            email=holder.email,
            plan=Plan.of(holder.plan),
            interval=holder.interval,
            status=holder.status,
            current_period=Period(start=current.start, end=current.end),
            renews_at=holder.renews_at,
            ends_at=holder.ends_at,
            next_refresh_at=holder.next_refresh_at,
            scheduled_change=ScheduledPlanChange.of(holder),
            credits=CreditBalance.of(holder),
            billing_credit_cents=holder.billing_credit_cents,
            card=None if holder.card is None else SavedCard.of(holder.card),
            auto_top_up=AutoTopUp.of(holder),
        )
