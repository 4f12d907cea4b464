"""The campaign planner's figures by hand: a campaign spanning a renewal, an annual plan's monthly
grants, an expiring top-up, a blocked feature, and the cheapest fixes with their prices; and the
property that a campaign the planner says fits now can be spent, line by line, to the predicted
balance."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio_credits.domain.account import Account
from studio_credits.domain.as_of import as_of
from studio_credits.domain.campaigns import (
    CampaignLine,
    CampaignPlan,
    cheapest_packs,
    check_campaign,
    plan_campaign,
)
from studio_credits.domain.catalogue import PLANS, BillingInterval, Resolution
from studio_credits.domain.creatives import (
    IMAGE_RESOLUTIONS,
    VIDEO_RESOLUTIONS,
    Creative,
    CreativeKind,
)
from studio_credits.domain.errors import InvalidInput
from studio_credits.domain.lots import Lot, LotSource
from studio_credits.domain.spending import LedgerWrite, consume
from tests.support.accounts import subscribed
from tests.support.renewals import CARD

MONTHLY, ANNUAL = BillingInterval.MONTHLY, BillingInterval.ANNUAL
ANCHOR = datetime(2026, 3, 1, 9, tzinfo=UTC)
NOW = datetime(2026, 3, 20, 9, tzinfo=UTC)
"""12 started days of March's 31 left: an upgrade costs 12/31 of the monthly difference."""

MULTI_SHOT = Creative(
    kind=CreativeKind.MULTI_SHOT_VIDEO, resolution=Resolution.RES_1080P, duration_seconds=15, shots=3
)
"""15 s × 15 credits = 225, × 1.25 = 281.25: 282 credits."""
IMAGE_4K = Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_4K)
"""16 credits."""
LAUNCH = (CampaignLine(MULTI_SHOT, 20), CampaignLine(IMAGE_4K, 200))
"""5,640 + 3,200 = 8,840 credits."""


def account(plan: str, interval: BillingInterval = MONTHLY, card: bool = True) -> Account:
    subscribed_at = subscribed("a", plan, interval, ANCHOR, "a@example.com")
    return as_of(replace(subscribed_at, card=CARD if card else None), NOW).account


def planned(holder: Account, by: datetime, lines: tuple[CampaignLine, ...] = LAUNCH) -> CampaignPlan:
    check_campaign(lines, by, NOW)
    return plan_campaign(holder, lines, by, NOW)


def fixes(plan: CampaignPlan) -> list[tuple[str | None, int, list[tuple[str, int]], int, int]]:
    return [
        (
            None if fix.upgrade is None else fix.upgrade.plan_id,
            0 if fix.upgrade is None else fix.upgrade.amount_due_now_cents,
            [(packs.pack.id, packs.count) for packs in fix.packs],
            fix.price_cents,
            fix.credits_after,
        )
        for fix in plan.fixes
    ]


def test_each_line_costs_its_quote_times_its_count() -> None:
    plan = planned(account("pro"), datetime(2026, 3, 25, tzinfo=UTC))

    assert [(line.quote.credits, line.credits) for line in plan.lines] == [(282, 5_640), (16, 3_200)]
    assert plan.total == 8_840
    assert (plan.allowed, plan.blocked_by, plan.cheapest_plan_allowing) == (True, (), None)


def test_a_campaign_spanning_a_renewal_counts_the_renewal_s_credits_as_paid_by_the_card() -> None:
    plan = planned(account("pro"), datetime(2026, 4, 15, tzinfo=UTC))

    assert plan.available_now == 3_000
    assert [(refresh.at, refresh.plan.id, refresh.credits) for refresh in plan.refreshes] == [
        (datetime(2026, 4, 1, 9, tzinfo=UTC), "pro", 3_000)
    ]
    # March's 3,000 unused credits roll over (cap 3,000) until May 1: nothing is lost by Apr 15.
    assert (plan.credits_by, plan.expiring_credits) == (6_000, 0)
    assert (plan.fits_now, plan.fits_by, plan.shortfall) == (False, False, 2_840)


def test_the_cheapest_fixes_are_an_upgrade_at_its_prorated_price_then_packs() -> None:
    plan = planned(account("pro"), datetime(2026, 4, 15, tzinfo=UTC))

    # Business: (9,900 - 4,900) × 12/31 = 1,935 cents, 4,000 more credits now and 7,000 on Apr 1.
    # Packs: 2,840 short, 2 × 500 + 2,000 for $55 (6 × 500 would be $60, one 5,000 $80).
    assert fixes(plan) == [
        ("business", 1_935, [], 1_935, 3_000 + 4_000 + 7_000),
        (None, 0, [("pack-500", 2), ("pack-2000", 1)], 5_500, 9_000),
    ]


def test_by_a_second_renewal_the_rolled_over_credits_expire_unspent() -> None:
    plan = planned(account("pro"), datetime(2026, 5, 15, tzinfo=UTC))

    assert [refresh.credits for refresh in plan.refreshes] == [3_000, 3_000]
    # On May 1 March's rolled-over 3,000 expire; April's 3,000 roll over in their place.
    assert (plan.credits_by, plan.expiring_credits) == (3_000 + 6_000 - 3_000, 3_000)
    assert (plan.fits_now, plan.fits_by, plan.shortfall) == (False, False, 8_840 - 6_000)


def test_a_campaign_that_fits_by_the_date_needs_no_fix() -> None:
    images = (CampaignLine(IMAGE_4K, 300),)  # 4,800

    plan = planned(account("pro"), datetime(2026, 4, 15, tzinfo=UTC), images)

    assert (plan.fits_now, plan.fits_by, plan.shortfall, plan.fixes) == (False, True, 0, ())


def test_without_a_card_the_renewal_goes_unpaid_and_the_plan_ends_after_its_grace() -> None:
    plan = planned(account("pro", card=False), datetime(2026, 4, 15, tzinfo=UTC))

    # Due Apr 1, tried and failed at once; on Apr 8 the plan ends: the Free plan's 100 credits.
    assert [(refresh.at, refresh.plan.id, refresh.credits) for refresh in plan.refreshes] == [
        (datetime(2026, 4, 8, 9, tzinfo=UTC), "free", 100)
    ]
    # The plan's end takes the 3,000 rolled over with it: made now, the campaign could use 3,000.
    assert (plan.credits_by, plan.expiring_credits, plan.usable) == (100, 3_000, 3_000)


def test_an_annual_plan_grants_each_month_within_its_term_without_a_renewal() -> None:
    plan = planned(account("pro", ANNUAL, card=False), datetime(2026, 6, 10, tzinfo=UTC))

    assert [(refresh.at.month, refresh.plan.id, refresh.credits) for refresh in plan.refreshes] == [
        (4, "pro", 3_000),
        (5, "pro", 3_000),
        (6, "pro", 3_000),
    ]
    # The free plan's 100 unused credits rolled into the year's first period: 3,100 now. They expire
    # Apr 1; each month's unused plan credits roll over once, so on Jun 10 there are June's 3,000 and
    # May's rolled over: 6,000, and 3,100 + 9,000 - 6,000 expired on the way.
    assert (plan.available_now, plan.credits_by, plan.expiring_credits) == (3_100, 6_000, 6_100)
    assert (plan.fits_now, plan.fits_by, plan.shortfall) == (False, False, 2_840)


def test_a_top_up_expiring_before_the_date_counts_if_spent_first_and_is_said_to_expire() -> None:
    holder = account("starter")
    top_up = Lot("top-up", LotSource.TOP_UP, 500, 500, NOW + timedelta(days=5), NOW - timedelta(days=360))
    holder = replace(holder, lots=(*holder.lots, top_up))
    images = (CampaignLine(Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_2K), 180),)

    plan = planned(holder, datetime(2026, 3, 30, tzinfo=UTC), images)

    assert (plan.total, plan.available_now, plan.refreshes) == (1_440, 1_500, ())
    # Made now it fits; waiting for the date, the top-up's 500 would expire first.
    assert (plan.expiring_credits, plan.credits_by, plan.fits_now, plan.fits_by) == (500, 1_000, True, True)


def test_a_blocked_feature_names_what_blocks_it_and_only_upgrades_fix_it() -> None:
    plan = planned(account("starter"), datetime(2026, 3, 25, tzinfo=UTC))

    assert plan.blocked_by == (
        "multi-shot video is not in the Starter plan",
        "4K images: the Starter plan allows images up to 2K",
    )
    assert plan.cheapest_plan_allowing is not None and plan.cheapest_plan_allowing.id == "pro"
    assert (plan.fits_now, plan.fits_by) == (False, False)
    # Business: 8,000 × 12/31 = 3,097 cents and 6,000 more credits: 7,000, short 1,840, which one
    # 2,000 pack covers ($35; four 500s would be $40). Pro: 3,000 × 12/31 = 1,161 cents, 3,000
    # credits, short 5,840: one 5,000 and two 500 packs for $100.
    assert fixes(plan) == [
        ("business", 3_097, [("pack-2000", 1)], 3_097 + 3_500, 7_000 + 2_000),
        ("pro", 1_161, [("pack-500", 2), ("pack-5000", 1)], 1_161 + 10_000, 3_000 + 6_000),
    ]


def test_the_free_plan_buys_no_packs_so_its_fixes_are_upgrades() -> None:
    holder = account("free", card=False)
    images = (CampaignLine(Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_1080P), 30),)

    plan = planned(holder, datetime(2026, 3, 25, tzinfo=UTC), images)

    assert (plan.total, plan.available_now, plan.shortfall) == (120, 100, 20)
    assert [fix[0] for fix in fixes(plan)] == ["starter", "pro", "business"]
    assert all(not fix.packs for fix in plan.fixes)


@pytest.mark.parametrize(
    ("lines", "by", "field"),
    [
        ((), NOW, "items"),
        ((CampaignLine(IMAGE_4K, 0),), NOW, "items.0.count"),
        ((CampaignLine(IMAGE_4K, 1_001),), NOW, "items.0.count"),
        ((CampaignLine(IMAGE_4K, 1),), NOW - timedelta(seconds=1), "by"),
        ((CampaignLine(IMAGE_4K, 1),), datetime(2027, 3, 20, 9, 0, 1, tzinfo=UTC), "by"),
    ],
    ids=["no lines", "none of a line", "too many of a line", "by in the past", "by past a year"],
)
def test_a_campaign_that_cannot_be_planned_names_the_field(
    lines: tuple[CampaignLine, ...], by: datetime, field: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        check_campaign(lines, by, NOW)

    assert refused.value.field == field


@pytest.mark.parametrize(
    ("short", "packs"),
    [
        (0, []),
        (1, [(500, 1)]),
        (1_500, [(500, 3)]),
        (2_500, [(500, 1), (2_000, 1)]),
        (6_000, [(500, 2), (5_000, 1)]),
    ],
)
def test_the_cheapest_packs_cover_the_shortfall(short: int, packs: list[tuple[int, int]]) -> None:
    assert [(p.pack.credits, p.count) for p in cheapest_packs(short)] == packs


def creatives() -> st.SearchStrategy[Creative]:
    images = st.builds(
        Creative,
        kind=st.just(CreativeKind.IMAGE),
        resolution=st.sampled_from(IMAGE_RESOLUTIONS),
        outputs=st.integers(1, 4),
        premium_model=st.booleans(),
        advanced_template=st.booleans(),
    )
    videos = st.builds(
        Creative,
        kind=st.just(CreativeKind.VIDEO),
        resolution=st.sampled_from(VIDEO_RESOLUTIONS),
        duration_seconds=st.integers(2, 30),
        premium_model=st.booleans(),
    )
    multi_shot = st.integers(3, 5).flatmap(
        lambda shots: st.builds(
            Creative,
            kind=st.just(CreativeKind.MULTI_SHOT_VIDEO),
            resolution=st.sampled_from(VIDEO_RESOLUTIONS),
            duration_seconds=st.integers(shots, 30),
            shots=st.just(shots),
        )
    )
    return images | videos | multi_shot


@given(
    plan_id=st.sampled_from([plan.id for plan in PLANS]),
    interval=st.sampled_from(list(BillingInterval)),
    lines=st.lists(st.builds(CampaignLine, creatives(), st.integers(1, 12)), min_size=1, max_size=4),
    days_in=st.integers(0, 27),
    days_ahead=st.integers(0, 90),
)
def test_what_the_planner_says_fits_now_spends_line_by_line_to_the_predicted_balance(
    plan_id: str, interval: BillingInterval, lines: list[CampaignLine], days_in: int, days_ahead: int
) -> None:
    if plan_id == "free":
        interval = MONTHLY
    now = ANCHOR + timedelta(days=days_in, hours=1)
    holder = as_of(subscribed("a", plan_id, interval, ANCHOR), now).account
    campaign = tuple(lines)
    check_campaign(campaign, now + timedelta(days=days_ahead), now)

    plan = plan_campaign(holder, campaign, now + timedelta(days=days_ahead), now)

    if not plan.fits_now:
        return
    for priced in plan.lines:
        for made in range(priced.line.count):
            spent = consume(holder, priced.line.creative, f"job-{made}", "service", now)
            assert isinstance(spent, LedgerWrite), spent
            assert spent.entry is not None and -spent.entry.amount == priced.quote.credits
            holder = spent.change.account
    assert holder.available == plan.available_now - plan.total
