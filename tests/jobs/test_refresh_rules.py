"""The refresh as pure rules: hand-computed figures per plan, catch-up, plan switches, rollover property."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st
from ulid import ULID

from studio_credits.domain.account import Account, Hold, PlanStatus, ScheduledChange
from studio_credits.domain.as_of import as_of
from studio_credits.domain.catalogue import PLANS, BillingInterval
from studio_credits.domain.change import Change
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import Lot, LotMovement, LotSource
from tests.support.accounts import subscribed
from tests.support.renewals import renewed_as_of

ANCHOR = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
MONTHLY, ANNUAL = BillingInterval.MONTHLY, BillingInterval.ANNUAL


def spend(account: Account, credits: int) -> Account:
    """Take credits in spending order, as consumption would (the ledger side is tested with the jobs)."""
    from studio_credits.domain.lots import take

    lots, _ = take(account.lots, credits, account.held_by_lot())
    return replace(account, lots=lots, period_used=account.period_used + credits)


def refreshed(account: Account, now: datetime) -> Account:
    change = renewed_as_of(account, now)
    assert change.entries
    return change.account


def lots_of(account: Account, source: LotSource) -> list[int]:
    return [lot.remaining for lot in account.lots if lot.source is source]


# Hand-computed: (plan, interval) and what is spent in periods 0 and 1 -> the balance after each refresh,
# and the rollover. A monthly plan tops the free period up to the plan's credits; a yearly one begins
# its term at once, where the free plan's 100 unused credits come along as a ROLLOVER lot that ends
# with the first period and is spent first.
#   starter: 1,000 - 400 = 600 roll; 600 + 1,000 = 1,600. Then 1,500 spent: rollover 600 first, plan 900;
#            100 plan credits left roll, the empty rollover expires: 100 + 1,000 = 1,100.
#            yearly: 100 + 300 spent, 700 roll: 1,700; then 700 + 800 spent, 200 roll: 1,200.
#   pro:     3,000 - 1,000 = 2,000 roll: 5,000. Then 5,000 spent leaves 0: 0 + 3,000 = 3,000.
#            yearly: 100 + 900 spent, 2,100 roll: 5,100; 5,000 spent leaves 100 plan credits: 3,100.
#   business 7,000 unused roll in full (cap 7,000): 14,000. Then 2,000 spent (from the rollover):
#            the 7,000 plan credits roll, 5,000 rollover expire: 7,000 + 7,000 = 14,000.
#            yearly: the same; the free 100 expire unused at the first refresh.
#   free:    no rollover: 100, then 100.
HAND_COMPUTED = {
    ("free", MONTHLY): (30, 100, [100], [], 40, 100, []),
    ("starter", MONTHLY): (400, 1_000, [1_600], [600], 1_500, 1_100, [100]),
    ("starter", ANNUAL): (400, 1_000, [1_700], [700], 1_500, 1_200, [200]),
    ("pro", MONTHLY): (1_000, 3_000, [5_000], [2_000], 5_000, 3_000, []),
    ("pro", ANNUAL): (1_000, 3_000, [5_100], [2_100], 5_000, 3_100, [100]),
    ("business", MONTHLY): (0, 7_000, [14_000], [7_000], 2_000, 14_000, [7_000]),
    ("business", ANNUAL): (0, 7_000, [14_000], [7_000], 2_000, 14_000, [7_000]),
}


@pytest.mark.parametrize(("plan", "interval"), list(HAND_COMPUTED))
def test_figures_match_the_hand_computed_example(plan: str, interval: BillingInterval) -> None:
    spent0, grant, balance1, rolled1, spent1, balance2, rolled2 = HAND_COMPUTED[plan, interval]
    account = subscribed("a", plan, interval, ANCHOR)

    first = refreshed(spend(account, spent0), datetime(2026, 2, 28, 9, tzinfo=UTC))
    assert [first.balance] == balance1
    assert lots_of(first, LotSource.ROLLOVER) == rolled1
    assert lots_of(first, LotSource.PLAN) == [grant]
    assert (first.period_index, first.period_used, first.period_granted) == (1, 0, grant + sum(rolled1))

    second = refreshed(spend(first, spent1), datetime(2026, 3, 31, 9, tzinfo=UTC))
    assert second.balance == balance2
    assert lots_of(second, LotSource.ROLLOVER) == rolled2


def test_the_ledger_entries_of_one_refresh_tell_what_happened() -> None:
    account = subscribed("a", "starter", MONTHLY, ANCHOR)
    change = renewed_as_of(spend(account, 400), datetime(2026, 2, 28, 9, tzinfo=UTC))

    assert change.entries
    assert [(e.kind, e.amount, e.balance_after) for e in change.entries] == [
        (EntryKind.EXPIRE, -600, 0),
        (EntryKind.ROLLOVER, 600, 600),
        (EntryKind.RENEWAL, 0, 600),
        (EntryKind.GRANT, 1_000, 1_600),
    ]
    assert [e.id for e in change.entries] == sorted(e.id for e in change.entries)


def test_nothing_is_due_before_the_period_ends() -> None:
    account = subscribed("a", "pro", MONTHLY, ANCHOR)

    assert as_of(account, datetime(2026, 2, 28, 8, 59, tzinfo=UTC)) == Change(account)


def test_an_account_three_periods_behind_catches_up_period_by_period_in_one_change() -> None:
    account = subscribed("a", "pro", MONTHLY, ANCHOR)
    change = renewed_as_of(spend(account, 1_000), datetime(2026, 5, 1, tzinfo=UTC))

    assert change.entries
    assert [e.amount for e in change.entries if e.kind is EntryKind.GRANT] == [3_000] * 3
    # 2,000 roll once; then each untouched 3,000 grant rolls on (the older rollover expires).
    assert [e.amount for e in change.entries if e.kind is EntryKind.ROLLOVER] == [2_000, 3_000, 3_000]
    assert change.account.period_index == 3
    assert change.account.next_refresh_at == datetime(2026, 5, 31, 9, tzinfo=UTC)
    assert change.account.balance == 6_000


def test_an_annual_plan_gets_twelve_monthly_grants_per_term_and_renews() -> None:
    account = subscribed("a", "business", ANNUAL, ANCHOR)
    grants = []
    for month in range(1, 15):
        change = renewed_as_of(account, account.next_refresh_at)
        assert change.entries
        grants += [e for e in change.entries if e.kind is EntryKind.GRANT]
        account = change.account
        assert account.period_index == month
    assert len(grants) == 14
    assert account.term_end == datetime(2028, 1, 31, 9, tzinfo=UTC)
    assert account.interval is ANNUAL


def test_a_scheduled_downgrade_applies_at_the_term_end_with_the_rollover_trimmed() -> None:
    account = subscribed("a", "pro", MONTHLY, ANCHOR)
    account = replace(spend(account, 500), scheduled_change=ScheduledChange("starter", MONTHLY))

    change = renewed_as_of(account, datetime(2026, 2, 28, 9, tzinfo=UTC))

    assert change.entries
    after = change.account
    assert (after.plan_id, after.scheduled_change) == ("starter", None)
    assert lots_of(after, LotSource.ROLLOVER) == [1_000]  # 2,500 unused, Starter keeps 1,000
    assert lots_of(after, LotSource.PLAN) == [1_000]
    assert (change.entries[0].kind, change.entries[0].description) == (
        EntryKind.PLAN_CHANGE,
        "Scheduled change made: now on Starter, billed monthly",
    )


def test_an_annual_downgrade_waits_for_the_year_and_a_new_yearly_term_starts_on_its_day() -> None:
    account = subscribed("a", "pro", MONTHLY, ANCHOR)
    account = replace(account, scheduled_change=ScheduledChange("starter", ANNUAL))
    after = refreshed(account, datetime(2026, 2, 28, 9, tzinfo=UTC))

    # The year starts at the boundary on the same anchor: Feb 28 to Feb 28, then Mar 31 again.
    assert (after.plan_id, after.interval, after.anchor) == ("starter", ANNUAL, ANCHOR)
    assert (after.period_index, after.term_first_period) == (1, 1)
    assert after.term_end == datetime(2027, 2, 28, 9, tzinfo=UTC)
    assert refreshed(after, after.next_refresh_at).current_period.end == datetime(2026, 4, 30, 9, tzinfo=UTC)
    assert refreshed(after, after.next_refresh_at).next_refresh_at == datetime(2026, 4, 30, 9, tzinfo=UTC)

    annual = subscribed("b", "pro", ANNUAL, ANCHOR)
    annual = replace(annual, scheduled_change=ScheduledChange("starter", MONTHLY))
    for _ in range(11):
        annual = refreshed(annual, annual.next_refresh_at)
        assert annual.plan_id == "pro"
    annual = refreshed(annual, annual.next_refresh_at)
    assert (annual.plan_id, annual.interval) == ("starter", MONTHLY)


def test_a_canceled_plan_drops_to_free_at_its_end_keeping_only_top_ups() -> None:
    account = subscribed("a", "pro", MONTHLY, ANCHOR)
    top_up = Lot("t", LotSource.TOP_UP, 500, 500, ANCHOR + timedelta(days=365), ANCHOR)
    ends_at = account.term_end
    account = replace(account, lots=(*account.lots, top_up), status=PlanStatus.CANCELING, ends_at=ends_at)

    change = renewed_as_of(account, ends_at)

    assert change.entries
    after = change.account
    assert (after.plan_id, after.status, after.ends_at) == ("free", PlanStatus.ACTIVE, None)
    assert lots_of(after, LotSource.TOP_UP) == [500]
    assert lots_of(after, LotSource.PLAN) == [100]
    assert lots_of(after, LotSource.ROLLOVER) == []
    assert after.balance == 600


def test_credits_held_over_a_refresh_stay_in_their_expired_lot_above_the_cap() -> None:
    account = subscribed("a", "free", MONTHLY, ANCHOR)
    plan_lot = account.lots[0]
    held = (LotMovement(plan_lot.id, LotSource.PLAN, 80),)
    account = replace(account, holds=(Hold("r", 80, ANCHOR + timedelta(days=60), held),))

    after = refreshed(account, datetime(2026, 2, 28, 9, tzinfo=UTC))

    assert lots_of(after, LotSource.ROLLOVER) == []  # the free plan's cap is 0
    assert lots_of(after, LotSource.PLAN) == [80, 100]  # the expired lot keeps only what is held
    assert (after.balance, after.reserved, after.available) == (180, 80, 100)
    assert after.holds[0].portions == held


def test_credits_held_over_a_refresh_roll_over_after_the_free_ones_up_to_the_cap() -> None:
    """Pro going down to Starter (cap 1,000): 800 free and 500 held at the boundary; 1,000 roll: the 800
    free and 200 held, which move to the rollover lot; the other 300 held stay in the expired plan lot."""
    account = subscribed("a", "pro", MONTHLY, ANCHOR)
    account = replace(spend(account, 1_700), scheduled_change=ScheduledChange("starter", MONTHLY))
    plan_lot = account.lots[0]
    held = (LotMovement(plan_lot.id, LotSource.PLAN, 500),)
    account = replace(account, holds=(Hold("r", 500, ANCHOR + timedelta(days=60), held),))

    after = refreshed(account, datetime(2026, 2, 28, 9, tzinfo=UTC))

    rollover = next(lot for lot in after.lots if lot.source is LotSource.ROLLOVER)
    assert rollover.remaining == 1_000
    assert lots_of(after, LotSource.PLAN) == [300, 1_000]
    assert set(after.holds[0].portions) == {
        LotMovement(plan_lot.id, LotSource.PLAN, 300),
        LotMovement(rollover.id, LotSource.ROLLOVER, 200),
    }
    assert (after.balance, after.reserved, after.available) == (2_300, 500, 1_800)


@given(
    plan=st.sampled_from([plan.id for plan in PLANS]),
    spent=st.lists(st.integers(min_value=0, max_value=100), min_size=2, max_size=6),
)
def test_rollover_is_the_unused_plan_credits_up_to_the_cap_and_never_rolls_twice(
    plan: str, spent: list[int]
) -> None:
    account = subscribed("p", plan, MONTHLY, ANCHOR)
    cap = account.plan.rollover.cap_credits
    for percent in spent:
        # Spend part of the period's plan lots only, so the older rollover is left untouched.
        account = replace(
            account,
            lots=tuple(
                replace(lot, remaining=lot.remaining * (100 - percent) // 100)
                if lot.source is LotSource.PLAN
                else lot
                for lot in account.lots
            ),
        )
        unused = sum(lot.remaining for lot in account.lots if lot.source is LotSource.PLAN)
        after = refreshed(account, account.next_refresh_at)
        assert lots_of(after, LotSource.ROLLOVER) == ([min(unused, cap)] if min(unused, cap) else [])
        assert after.balance == min(unused, cap) + account.plan.monthly_credits  # the older rollover is gone
        account = after


def test_held_credits_roll_over_hold_by_hold_until_the_cap_is_reached() -> None:
    """Pro going down to Starter (cap 1,000). Two holds: r1 holds the free plan lot's 100 and 400 of the
    Pro lot, r2 300 of the Pro lot; then 1,700 are spent, from the Pro lot's free credits. At the
    boundary 1,300 plan credits are left: 500 free, 800 held. 1,000 roll: the 500 free, then 500 held,
    which are all of r1 (100 + 400, one rollover portion of 500); r2 keeps its 300 in the Pro lot."""
    account = subscribed("a", "pro", MONTHLY, ANCHOR)
    free_lot, pro_lot = account.lots
    until = ANCHOR + timedelta(days=60)
    r1 = Hold(
        "r1",
        500,
        until,
        (LotMovement(free_lot.id, LotSource.PLAN, 100), LotMovement(pro_lot.id, LotSource.PLAN, 400)),
    )
    r2 = Hold("r2", 300, until, (LotMovement(pro_lot.id, LotSource.PLAN, 300),))
    account = replace(account, holds=(r1, r2), scheduled_change=ScheduledChange("starter", MONTHLY))
    account = spend(account, 1_700)
    assert [lot.remaining for lot in account.lots] == [100, 1_200]
    boundary = datetime(2026, 2, 28, 9, tzinfo=UTC)

    change = renewed_as_of(account, boundary)

    after = change.account
    kept, rollover, grant = after.lots
    assert kept.id == pro_lot.id  # the free plan lot's 100 all rolled over with r1: it is gone
    assert [
        (lot.source, lot.granted, lot.remaining, lot.expires_at, lot.created_at) for lot in after.lots
    ] == [
        (LotSource.PLAN, 2_900, 300, boundary, pro_lot.created_at),
        (LotSource.ROLLOVER, 1_000, 1_000, datetime(2026, 3, 31, 9, tzinfo=UTC), boundary),
        (LotSource.PLAN, 1_000, 1_000, datetime(2026, 3, 31, 9, tzinfo=UTC), boundary),
    ]
    for made in (rollover, grant):
        assert ULID.from_str(made.id).datetime == boundary
    assert rollover.id != grant.id
    assert after.holds == (
        Hold("r1", 500, until, (LotMovement(rollover.id, LotSource.ROLLOVER, 500),)),
        Hold("r2", 300, until, (LotMovement(pro_lot.id, LotSource.PLAN, 300),)),
    )
    assert (after.balance, after.reserved, after.available) == (2_300, 800, 1_500)
    assert [(e.kind, e.amount, e.lots, e.actor) for e in change.entries] == [
        (EntryKind.PLAN_CHANGE, 0, (), "refresh"),
        (EntryKind.EXPIRE, -100, (LotMovement(free_lot.id, LotSource.PLAN, -100),), "refresh"),
        (EntryKind.EXPIRE, -900, (LotMovement(pro_lot.id, LotSource.PLAN, -900),), "refresh"),
        (EntryKind.ROLLOVER, 1_000, (LotMovement(rollover.id, LotSource.ROLLOVER, 1_000),), "refresh"),
        (EntryKind.RENEWAL, 0, (), "refresh"),
        (EntryKind.GRANT, 1_000, (LotMovement(grant.id, LotSource.PLAN, 1_000),), "refresh"),
    ]
    assert [e.description for e in change.entries[1:3]] == [
        "100 plan credits expired: past their expiry",
        "900 plan credits expired: past their expiry",
    ]
