"""Properties over many dates and accounts: periods tile the terms, prorations stay in bounds,
and every plan change adds up and matches its preview."""

import calendar
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio_credits.domain.account import PlanStatus
from studio_credits.domain.catalogue import PLANS, BillingInterval, plan_by_id
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import take
from studio_credits.domain.periods import Period, period, term
from studio_credits.domain.plan_changes import (
    InvalidPlanChange,
    plan_change,
    preview_plan_change,
    prorated_cents,
)
from tests.support.accounts import ANNUAL, MONTHLY, on_plan
from tests.support.ledger import assert_ledger_adds_up

EDGE_ANCHORS = [
    datetime(year, month, day, 9, tzinfo=UTC)
    for year in (2027, 2028)
    for month in (1, 2, 3, 12)
    for day in range(28, calendar.monthrange(year, month)[1] + 1)
]
anchors = st.sampled_from(EDGE_ANCHORS) | st.datetimes(
    min_value=datetime(2024, 1, 1), max_value=datetime(2032, 12, 31), timezones=st.just(UTC)
).map(lambda moment: moment.replace(microsecond=0))
intervals = st.sampled_from(list(BillingInterval))


@given(anchor=anchors, index=st.integers(0, 60))
def test_each_period_starts_where_the_last_ended_and_twelve_make_a_year(anchor: datetime, index: int) -> None:
    assert period(anchor, index).end == period(anchor, index + 1).start
    assert period(anchor, index).start < period(anchor, index).end
    year = term(anchor, 0, index, ANNUAL)
    first = (index // 12) * 12
    assert (period(anchor, first).start, period(anchor, first + 11).end) == (year.start, year.end)
    assert year.start <= period(anchor, index).start and period(anchor, index).end <= year.end
    assert term(anchor, 0, index, MONTHLY) == period(anchor, index)


@given(
    anchor=anchors,
    index=st.integers(0, 40),
    interval=intervals,
    price=st.integers(0, 200_000),
    shares=st.tuples(st.floats(0, 1), st.floats(0, 1)),
)
def test_a_proration_is_never_negative_never_over_the_price_and_falls_with_time(
    anchor: datetime, index: int, interval: BillingInterval, price: int, shares: tuple[float, float]
) -> None:
    term = on_plan("pro", interval, anchor, index).current_term
    length = term.end - term.start
    earlier, later = (term.start + length * share for share in sorted(shares))

    assert prorated_cents(price, term, term.start) == price
    assert 0 <= prorated_cents(price, term, later) <= prorated_cents(price, term, earlier) <= price
    assert prorated_cents(price, term, term.end) == 0


@pytest.mark.parametrize(
    ("price", "cents"),
    [(1_214, 40), (1_215, 41), (1_218, 41), (1_229, 41)],
    ids=["40.47", "40.5", "40.6", "40.97"],
)
def test_a_proration_rounds_to_the_nearest_whole_cent_half_up(price: int, cents: int) -> None:
    """One day left of 30: price / 30, rounded to a whole number of cents."""
    november = Period(datetime(2026, 11, 1, tzinfo=UTC), datetime(2026, 12, 1, tzinfo=UTC))

    prorated = prorated_cents(price, november, datetime(2026, 11, 30, tzinfo=UTC))

    assert (prorated, type(prorated)) == (cents, int)


@given(
    plan_id=st.sampled_from([plan.id for plan in PLANS]),
    interval=intervals,
    anchor=anchors,
    index=st.integers(0, 11),
    share=st.floats(0, 0.999),
    spent=st.integers(0, 10_000),
    target=st.sampled_from([plan.id for plan in PLANS]),
    target_interval=intervals,
    scheduled=st.booleans(),
)
def test_every_change_adds_up_and_does_what_its_preview_says(
    plan_id: str,
    interval: BillingInterval,
    anchor: datetime,
    index: int,
    share: float,
    spent: int,
    target: str,
    target_interval: BillingInterval,
    scheduled: bool,
) -> None:
    if not plan_by_id(plan_id).offers(interval):
        interval = MONTHLY
    account = on_plan(plan_id, interval, anchor, index)
    lots, _ = take(account.lots, min(spent, account.balance), {})
    account = replace(account, lots=lots)
    current = account.current_period
    now = current.start + (current.end - current.start) * share
    if scheduled and plan_id != "free":
        downgrade = plan_change(account, "free", MONTHLY, now, "user:u-1")
        assert not isinstance(downgrade, InvalidPlanChange)
        account = downgrade.account

    planned = plan_change(account, target, target_interval, now, "user:u-1")
    previewed = preview_plan_change(account, target, target_interval, now)

    if isinstance(planned, InvalidPlanChange):
        assert previewed == planned
        return
    terms = planned.terms
    assert previewed == terms
    after = planned.account
    assert_ledger_adds_up(list(planned.entries), after, before=account)
    assert planned.entries[0].kind is EntryKind.PLAN_CHANGE and planned.entries[0].plan_change == terms
    rolled = sum(e.amount for e in planned.entries if e.kind is EntryKind.ROLLOVER)
    assert rolled <= plan_by_id(target).rollover.cap_credits
    assert terms.credits_granted_now == sum(e.amount for e in planned.entries if e.kind is EntryKind.GRANT)
    assert 0 <= terms.amount_due_now_cents <= plan_by_id(terms.plan_id).price_cents(terms.interval)
    assert after.status is PlanStatus.ACTIVE and after.available >= 0
    if terms.immediate:
        assert (after.plan_id, after.interval, after.scheduled_change) == (target, target_interval, None)
        assert after.current_period.contains(now)
    else:
        assert terms.effective_at == account.term_end
        assert replace(after, scheduled_change=account.scheduled_change) == account
