"""The account's GraphQL types: the account, its period and its scheduled plan change."""

from datetime import datetime, timedelta

import strawberry

from studio_credits.api.auto_top_up.types import AutoTopUp
from studio_credits.api.catalogue.types import Plan
from studio_credits.api.context import Info
from studio_credits.api.enums import BillingInterval, PlanStatus
from studio_credits.api.errors import bad_user_input
from studio_credits.api.ledger.queries import account_history, account_notices, account_usage
from studio_credits.api.ledger.types import (
    CreditBalance,
    ExpiringCredits,
    Forecast,
    LedgerEntryConnection,
    Notice,
    UsageReport,
    WouldBuy,
)
from studio_credits.api.notices.types import NoticePreference
from studio_credits.api.payments.queries import account_payments
from studio_credits.api.payments.types import PaymentConnection, SavedCard
from studio_credits.domain import account, catalogue, notice_preferences
from studio_credits.domain.forecast import BASIS_DAYS, MIN_BASIS_DAYS
from studio_credits.service import history

MAX_EXPIRING_DAYS = 366


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


@strawberry.type(description="A paid term's renewal not paid yet: the account is PAST_DUE until it is.")
class RenewalDue:
    plan: Plan
    interval: BillingInterval
    owed_cents: int = strawberry.field(description="What is charged: the price less billing credit applied.")
    price_cents: int
    billing_credit_applied_cents: int
    since: datetime = strawberry.field(description="The boundary the renewal fell due at.")
    attempts: int = strawberry.field(description="Charges tried so far (the refresh job's and the person's).")
    next_attempt_at: datetime | None = strawberry.field(
        description="When the refresh job tries the card again; null after the last try or while a "
        "charge is in flight."
    )
    ends_at: datetime = strawberry.field(
        description="When the plan ends unpaid, and the account drops to the free plan."
    )
    charge_in_flight: bool = strawberry.field(
        description="A charge awaits the bank or the person's authentication: pay again only after it."
    )

    @classmethod
    def of(cls, holder: account.Account) -> "RenewalDue | None":
        due = holder.renewal
        if due is None:
            return None
        in_flight = due.open_payment_id is not None
        return cls(
            plan=Plan.of(catalogue.plan_by_id(due.plan_id)),
            interval=due.interval,
            owed_cents=due.owed_cents,
            price_cents=due.price_cents,
            billing_credit_applied_cents=due.credit_applied_cents,
            since=due.due_at,
            attempts=due.scheduled_attempts + due.attempts_by_person,
            next_attempt_at=None if in_flight else due.next_attempt_at,
            ends_at=due.lapses_at(holder.next_refresh_at),
            charge_in_flight=in_flight,
        )


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
    renewal_due: RenewalDue | None = strawberry.field(
        description="Set while PAST_DUE: the renewal to pay, and when the plan ends unpaid."
    )
    notice_preferences: list[NoticePreference] = strawberry.field(
        description="Which notices are emailed, one for each kind (the Plan page's Emails section)."
    )
    auto_top_up: AutoTopUp | None = strawberry.field(description="Null until it is first turned on.")
    usage: UsageReport = strawberry.field(resolver=account_usage)
    history: LedgerEntryConnection = strawberry.field(resolver=account_history)
    notices: list[Notice] = strawberry.field(resolver=account_notices)
    payments: PaymentConnection = strawberry.field(resolver=account_payments)
    holder: strawberry.Private[account.Account]

    @strawberry.field(
        description=f"When the credits available now run out at the pace of the last {BASIS_DAYS} days' "
        f"spending (whole UTC days; fewer for a newer account); null with fewer than {MIN_BASIS_DAYS} "
        "days of history."
    )
    def forecast(self, info: Info) -> Forecast | None:
        found = history.forecast(info.context.services, self.holder)
        return None if found is None else Forecast.of(found)

    @strawberry.field(
        description=f"Credits that expire within the days (1 to {MAX_EXPIRING_DAYS}), soonest first, each "
        "with what it would still make of the creative the person makes most."
    )
    def expiring_soon(self, info: Info, within_days: int = 30) -> list[ExpiringCredits]:
        if not 1 <= within_days <= MAX_EXPIRING_DAYS:
            raise bad_user_input("withinDays", f"withinDays is 1 to {MAX_EXPIRING_DAYS}, not {within_days}")
        expiring = history.expiring_soon(info.context.services, self.holder, timedelta(days=within_days))
        return [
            ExpiringCredits(
                lot_id=strawberry.ID(found.lot.id),
                source=found.lot.source,
                credits=found.lot.remaining,
                expires_at=found.expires_at,
                would_buy=None if found.would_buy is None else WouldBuy.of(found.would_buy),
            )
            for found in expiring
        ]

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
            renewal_due=RenewalDue.of(holder),
            notice_preferences=[
                NoticePreference.of(preference)
                for preference in notice_preferences.notice_preferences(holder)
            ],
            auto_top_up=AutoTopUp.of(holder),
            holder=holder,
        )
