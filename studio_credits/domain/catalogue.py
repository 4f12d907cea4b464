"""The plans: one place for every number of the plan table (prices, credits, features, rollover)."""

from dataclasses import dataclass
from enum import Enum


class BillingInterval(Enum):
    MONTHLY = "MONTHLY"
    ANNUAL = "ANNUAL"


class Resolution(Enum):
    """One ladder, lowest first: comparisons follow this order."""

    RES_480P = "RES_480P"
    RES_720P = "RES_720P"
    RES_1080P = "RES_1080P"
    RES_2K = "RES_2K"
    RES_4K = "RES_4K"

    @property
    def rank(self) -> int:
        return _RESOLUTION_LADDER.index(self)


_RESOLUTION_LADDER = list(Resolution)


@dataclass(frozen=True)
class PlanFeatures:
    max_image_resolution: Resolution
    max_video_resolution: Resolution
    max_video_seconds: int
    multi_shot_video: bool
    premium_models: bool
    advanced_templates: bool
    max_batch_size: int
    top_ups: bool


@dataclass(frozen=True)
class RolloverRule:
    cap_credits: int
    expires_after_periods: int


@dataclass(frozen=True)
class Plan:
    id: str
    name: str
    tier: int
    monthly_credits: int
    monthly_price_cents: int
    annual_price_cents: int | None
    features: PlanFeatures
    rollover: RolloverRule

    def price_cents(self, interval: BillingInterval) -> int:
        if interval is BillingInterval.MONTHLY:
            return self.monthly_price_cents
        if self.annual_price_cents is None:
            raise ValueError(f"the {self.name} plan cannot be bought yearly")
        return self.annual_price_cents

    def offers(self, interval: BillingInterval) -> bool:
        return interval is BillingInterval.MONTHLY or self.annual_price_cents is not None


FREE = Plan(
    id="free",
    name="Free",
    tier=0,
    monthly_credits=100,
    monthly_price_cents=0,
    annual_price_cents=None,
    features=PlanFeatures(
        max_image_resolution=Resolution.RES_1080P,
        max_video_resolution=Resolution.RES_720P,
        max_video_seconds=10,
        multi_shot_video=False,
        premium_models=False,
        advanced_templates=False,
        max_batch_size=1,
        top_ups=False,
    ),
    rollover=RolloverRule(cap_credits=0, expires_after_periods=1),
)
STARTER = Plan(
    id="starter",
    name="Starter",
    tier=1,
    monthly_credits=1_000,
    monthly_price_cents=1_900,
    annual_price_cents=18_200,
    features=PlanFeatures(
        max_image_resolution=Resolution.RES_2K,
        max_video_resolution=Resolution.RES_1080P,
        max_video_seconds=15,
        multi_shot_video=False,
        premium_models=False,
        advanced_templates=False,
        max_batch_size=4,
        top_ups=True,
    ),
    rollover=RolloverRule(cap_credits=1_000, expires_after_periods=1),
)
PRO = Plan(
    id="pro",
    name="Pro",
    tier=2,
    monthly_credits=3_000,
    monthly_price_cents=4_900,
    annual_price_cents=47_000,
    features=PlanFeatures(
        max_image_resolution=Resolution.RES_4K,
        max_video_resolution=Resolution.RES_1080P,
        max_video_seconds=30,
        multi_shot_video=True,
        premium_models=True,
        advanced_templates=True,
        max_batch_size=10,
        top_ups=True,
    ),
    rollover=RolloverRule(cap_credits=3_000, expires_after_periods=1),
)
BUSINESS = Plan(
    id="business",
    name="Business",
    tier=3,
    monthly_credits=7_000,
    monthly_price_cents=9_900,
    annual_price_cents=95_000,
    features=PlanFeatures(
        max_image_resolution=Resolution.RES_4K,
        max_video_resolution=Resolution.RES_4K,
        max_video_seconds=60,
        multi_shot_video=True,
        premium_models=True,
        advanced_templates=True,
        max_batch_size=25,
        top_ups=True,
    ),
    rollover=RolloverRule(cap_credits=7_000, expires_after_periods=1),
)

PLANS: tuple[Plan, ...] = (FREE, STARTER, PRO, BUSINESS)
"""Every plan, cheapest tier first."""

_PLANS_BY_ID = {plan.id: plan for plan in PLANS}


class UnknownPlan(LookupError):
    def __init__(self, plan_id: str) -> None:
        super().__init__(f"no plan named {plan_id!r}; plans are {', '.join(_PLANS_BY_ID)}")


def plan_by_id(plan_id: str) -> Plan:
    try:
        return _PLANS_BY_ID[plan_id]
    except KeyError:
        raise UnknownPlan(plan_id) from None
