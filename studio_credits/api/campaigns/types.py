"""The planner's GraphQL types: a campaign's plan, its lines, the refreshes on the way and its fixes."""

from datetime import datetime

import strawberry

from studio_credits.api.catalogue.types import CreditQuote, Plan
from studio_credits.api.payments.types import CreditPack
from studio_credits.api.plans.types import PlanChangePreview
from studio_credits.domain import campaigns, outlook, payments


@strawberry.type
class CampaignLine:
    count: int
    quote: CreditQuote = strawberry.field(description="One of the line's creatives, on the account's plan.")
    credits: int = strawberry.field(description="The line's credits: the quote's times the count.")

    @classmethod
    def of(cls, line: campaigns.PricedLine) -> "CampaignLine":
        return cls(count=line.line.count, quote=CreditQuote.of(line.quote), credits=line.credits)


@strawberry.type(description="A boundary before the date that grants credits.")
class PlannedRefresh:
    at: datetime
    plan: Plan
    credits: int

    @classmethod
    def of(cls, refresh: outlook.Refresh) -> "PlannedRefresh":
        return cls(at=refresh.at, plan=Plan.of(refresh.plan), credits=refresh.credits)


@strawberry.type
class PackCount:
    pack: CreditPack
    count: int


@strawberry.type(
    description="One way to make the campaign fit by its date: an upgrade, credit packs, or both."
)
class CampaignFix:
    upgrade: PlanChangePreview | None = strawberry.field(
        description="The plan change to make, exactly as previewPlanChange shows it; null for packs alone."
    )
    packs: list[PackCount] = strawberry.field(description="Credit packs to buy, after the upgrade if any.")
    price_cents: int = strawberry.field(
        description="Due now: the upgrade's amount due now plus the packs' prices (later renewals not "
        "counted)."
    )
    credits_after: int = strawberry.field(
        description="The most the campaign can use once the fix is made (now, or at `by`), packs included."
    )

    @classmethod
    def of(cls, fix: campaigns.Fix, card: payments.Card | None) -> "CampaignFix":
        return cls(
            upgrade=None if fix.upgrade is None else PlanChangePreview.of(fix.upgrade, card),
            packs=[PackCount(pack=CreditPack.of(packs.pack), count=packs.count) for packs in fix.packs],
            price_cents=fix.price_cents,
            credits_after=fix.credits_after,
        )


@strawberry.type(
    description="A campaign planned on the account as of now. It assumes a job's reserved credits are "
    "spent, and a paid term's renewal on an account with a card on file paid as it falls due."
)
class CampaignPlan:
    by: datetime
    lines: list[CampaignLine]
    total_credits: int
    allowed: bool = strawberry.field(description="The plan allows every line.")
    blocked_by: list[str] = strawberry.field(description="What in the plan blocks a line, each once.")
    cheapest_plan_allowing: Plan | None = strawberry.field(
        description="Where a line is blocked: the cheapest plan that allows every line."
    )
    available_now: int
    refreshes: list[PlannedRefresh] = strawberry.field(
        description="The boundaries up to `by` that grant credits: each month's refresh (within an annual "
        "term too) and each renewal, taken as paid."
    )
    refresh_credits: int
    expiring_credits: int = strawberry.field(
        description="Credits that expire by `by` if nothing is spent until then, after what rolls over."
    )
    credits_by: int = strawberry.field(
        description="The credits at `by` had nothing been spent until then: available now, plus the "
        "refreshes' credits, less those expiring."
    )
    fits_now: bool
    fits_by: bool = strawberry.field(description="It fits now, or in the credits at `by`.")
    shortfall: int = strawberry.field(
        description="Credits missing to make it by `by`, now or then; 0 when it fits."
    )
    available_after: int | None = strawberry.field(
        description="What is left available once the campaign is spent now; null where it does not fit now."
    )
    fixes: list[CampaignFix] = strawberry.field(
        description="Where it does not fit by `by`: the cheapest ways to make it, cheapest first."
    )

    @classmethod
    def of(cls, plan: campaigns.CampaignPlan, card: payments.Card | None) -> "CampaignPlan":
        cheapest = plan.cheapest_plan_allowing
        return cls(
            by=plan.by,
            lines=[CampaignLine.of(line) for line in plan.lines],
            total_credits=plan.total,
            allowed=plan.allowed,
            blocked_by=list(plan.blocked_by),
            cheapest_plan_allowing=None if cheapest is None else Plan.of(cheapest),
            available_now=plan.available_now,
            refreshes=[PlannedRefresh.of(refresh) for refresh in plan.refreshes],
            refresh_credits=plan.refresh_credits,
            expiring_credits=plan.expiring_credits,
            credits_by=plan.credits_by,
            fits_now=plan.fits_now,
            fits_by=plan.fits_by,
            shortfall=plan.shortfall,
            available_after=plan.available_now - plan.total if plan.fits_now else None,
            fixes=[CampaignFix.of(fix, card) for fix in plan.fixes],
        )
