"""GraphQL object types, each built from a domain object."""

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry

from studio_credits.api.enums import BillingInterval, CreativeKind, LotSource, PlanStatus, Resolution
from studio_credits.domain import catalogue, pricing
from studio_credits.domain.account import Account as DomainAccount
from studio_credits.domain.history import HistoryFilter as DomainHistoryFilter
from studio_credits.service import history

if TYPE_CHECKING:
    from studio_credits.api.ledger import HistoryFilter
    from studio_credits.api.ledger_types import LedgerEntryConnection, Notice, UsageReport


@strawberry.type
class PlanFeatures:
    max_image_resolution: Resolution
    max_video_resolution: Resolution
    max_video_seconds: int
    multi_shot_video: bool
    premium_models: bool
    advanced_templates: bool
    max_batch_size: int
    top_ups: bool


@strawberry.type
class RolloverRule:
    cap_credits: int = strawberry.field(
        description="Most plan credits that may roll into the next period; 0 means no rollover."
    )
    expires_after_periods: int = strawberry.field(
        description="How many periods a rolled-over lot lives after it is created."
    )


@strawberry.type
class Plan:
    id: strawberry.ID
    name: str
    monthly_credits: int
    monthly_price_cents: int
    annual_price_cents: int | None = strawberry.field(
        description="Null where the plan cannot be bought yearly."
    )
    features: PlanFeatures
    rollover: RolloverRule

    @classmethod
    def of(cls, plan: catalogue.Plan) -> "Plan":
        return cls(
            id=strawberry.ID(plan.id),
            name=plan.name,
            monthly_credits=plan.monthly_credits,
            monthly_price_cents=plan.monthly_price_cents,
            annual_price_cents=plan.annual_price_cents,
            features=PlanFeatures(**vars(plan.features)),
            rollover=RolloverRule(**vars(plan.rollover)),
        )


@strawberry.type
class Period:
    start: datetime
    end: datetime


@strawberry.type
class CreditLot:
    id: strawberry.ID
    source: LotSource
    granted: int
    remaining: int
    expires_at: datetime | None


@strawberry.type
class CreditBalance:
    available: int = strawberry.field(
        description="Spendable now: the lots' remaining credits minus what is reserved."
    )
    reserved: int
    used_this_period: int
    granted_this_period: int
    lots: list[CreditLot]

    @classmethod
    def of(cls, account: DomainAccount) -> "CreditBalance":
        return cls(
            available=account.available,
            reserved=account.reserved,
            used_this_period=account.period_used,
            granted_this_period=account.period_granted,
            lots=[
                CreditLot(
                    id=strawberry.ID(lot.id),
                    source=lot.source,
                    granted=lot.granted,
                    remaining=lot.remaining,
                    expires_at=lot.expires_at,
                )
                for lot in account.lots
            ],
        )


@strawberry.type
class ScheduledPlanChange:
    plan: Plan
    interval: BillingInterval
    effective_at: datetime

    @classmethod
    def of(cls, account: DomainAccount) -> "ScheduledPlanChange | None":
        scheduled = account.scheduled_change
        if scheduled is None:
            return None
        plan = catalogue.plan_by_id(scheduled.plan_id)
        return cls(plan=Plan.of(plan), interval=scheduled.interval, effective_at=account.term_end)


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

    @strawberry.field(description="TEMP until issue 9: billing credit kept on the account, in cents.")
    def billing_credit_cents(self) -> int:
        return 0

    @strawberry.field
    def usage(
        self,
        info: strawberry.Info,
        year: int | None = None,
        from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
        to: datetime | None = None,
    ) -> Annotated["UsageReport", strawberry.lazy("studio_credits.api.ledger_types")]:
        from studio_credits.api.ledger_types import UsageReport

        spent = history.usage(info.context.services, str(self.id), year, from_, to)
        return UsageReport.of(spent)

    @strawberry.field
    def history(
        self,
        info: strawberry.Info,
        filter: Annotated["HistoryFilter", strawberry.lazy("studio_credits.api.ledger")] | None = None,
        first: int | None = 20,
        after: str | None = None,
    ) -> Annotated["LedgerEntryConnection", strawberry.lazy("studio_credits.api.ledger_types")]:
        from studio_credits.api.ledger_types import (
            LedgerEntry,
            LedgerEntryConnection,
            LedgerEntryEdge,
            PageInfo,
        )

        selected = filter.to_domain() if filter is not None else DomainHistoryFilter()
        page = history.history(
            info.context.services, str(self.id), selected, 20 if first is None else first, after
        )
        return LedgerEntryConnection(
            edges=[
                LedgerEntryEdge(cursor=cursor, node=LedgerEntry.of(entry))
                for entry, cursor in zip(page.entries, page.cursors, strict=True)
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        )

    @strawberry.field
    def notices(
        self, info: strawberry.Info, first: int | None = 20
    ) -> list[Annotated["Notice", strawberry.lazy("studio_credits.api.ledger_types")]]:
        from studio_credits.api.ledger_types import Notice

        recorded = history.notices(info.context.services, str(self.id), 20 if first is None else first)
        return [Notice.of(notice) for notice in recorded]

    @classmethod
    def of(cls, account: DomainAccount) -> "Account":
        current = account.current_period
        return cls(
            id=strawberry.ID(account.id),
            email=account.email,
            plan=Plan.of(account.plan),
            interval=account.interval,
            status=account.status,
            current_period=Period(start=current.start, end=current.end),
            renews_at=account.renews_at,
            ends_at=account.ends_at,
            next_refresh_at=account.next_refresh_at,
            scheduled_change=ScheduledPlanChange.of(account),
            credits=CreditBalance.of(account),
        )


@strawberry.type
class CostLine:
    label: str
    credits: int


@strawberry.type
class CreditQuote:
    credits: int
    unit_credits: int
    breakdown: list[CostLine]
    allowed: bool = strawberry.field(
        description="False where the plan does not include a feature the creative needs."
    )
    blocked_by: list[str]
    cheapest_plan_allowing: Plan | None = strawberry.field(
        description="The cheapest plan that allows this creative, where the current one does not."
    )

    @classmethod
    def of(cls, quote: pricing.Quote) -> "CreditQuote":
        cheapest = quote.cheapest_plan_allowing
        return cls(
            credits=quote.credits,
            unit_credits=quote.unit_credits,
            breakdown=[CostLine(label=line.label, credits=line.credits) for line in quote.breakdown],
            allowed=quote.allowed,
            blocked_by=list(quote.blocked_by),
            cheapest_plan_allowing=None if cheapest is None else Plan.of(cheapest),
        )


@strawberry.input
class CreativeInput:
    kind: CreativeKind
    resolution: Resolution
    outputs: int = 1
    duration_seconds: int | None = None
    shots: int | None = None
    premium_model: bool = False
    advanced_template: bool = False
