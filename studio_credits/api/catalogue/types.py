"""The catalogue's GraphQL types: plans and what they include, and quotes."""

import strawberry

from studio_credits.api.enums import Resolution
from studio_credits.domain import catalogue, pricing


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
