"""The plans: the product's plan table, in tier order."""

from itertools import pairwise

import pytest

from studio_credits.domain.catalogue import (
    BUSINESS,
    FREE,
    PLANS,
    PRO,
    STARTER,
    BillingInterval,
    Resolution,
    UnknownPlan,
    plan_by_id,
)

R = Resolution


def test_tiers_are_ordered_free_starter_pro_business() -> None:
    assert [plan.id for plan in PLANS] == ["free", "starter", "pro", "business"]
    assert [plan.tier for plan in PLANS] == sorted(plan.tier for plan in PLANS)
    assert len({plan.tier for plan in PLANS}) == len(PLANS)


def test_prices_and_credits() -> None:
    assert [
        (p.monthly_price_cents, p.annual_price_cents, p.monthly_credits, p.rollover.cap_credits)
        for p in PLANS
    ] == [
        (0, None, 100, 0),
        (1_900, 18_200, 1_000, 1_000),
        (4_900, 47_000, 3_000, 3_000),
        (9_900, 95_000, 7_000, 7_000),
    ]


def test_features() -> None:
    assert [
        (
            p.features.max_image_resolution,
            p.features.max_video_resolution,
            p.features.max_video_seconds,
            p.features.multi_shot_video,
            p.features.premium_models,
            p.features.advanced_templates,
            p.features.max_batch_size,
            p.features.top_ups,
        )
        for p in PLANS
    ] == [
        (R.RES_1080P, R.RES_720P, 10, False, False, False, 1, False),
        (R.RES_2K, R.RES_1080P, 15, False, False, False, 4, True),
        (R.RES_4K, R.RES_1080P, 30, True, True, True, 10, True),
        (R.RES_4K, R.RES_4K, 60, True, True, True, 25, True),
    ]


def test_rolled_over_credits_live_one_period() -> None:
    assert {plan.rollover.expires_after_periods for plan in PLANS} == {1}


def test_every_paid_tier_gives_more_credits_and_costs_more() -> None:
    for lower, higher in pairwise(PLANS):
        assert higher.monthly_credits > lower.monthly_credits
        assert higher.monthly_price_cents > lower.monthly_price_cents


def test_the_free_plan_is_monthly_only() -> None:
    assert FREE.offers(BillingInterval.MONTHLY)
    assert not FREE.offers(BillingInterval.ANNUAL)
    with pytest.raises(ValueError, match="cannot be bought yearly"):
        FREE.price_cents(BillingInterval.ANNUAL)


def test_paid_plans_have_both_intervals() -> None:
    assert STARTER.price_cents(BillingInterval.MONTHLY) == 1_900
    assert PRO.price_cents(BillingInterval.ANNUAL) == 47_000


def test_plans_by_id() -> None:
    assert plan_by_id("business") is BUSINESS
    with pytest.raises(UnknownPlan, match="no plan named 'gold'; plans are free, starter, pro, business"):
        plan_by_id("gold")


def test_the_resolution_ladder_is_ordered() -> None:
    assert [r.rank for r in (R.RES_480P, R.RES_720P, R.RES_1080P, R.RES_2K, R.RES_4K)] == [0, 1, 2, 3, 4]
