"""The plan change rules on their own: dates at the edges, amounts due, lots and entries."""

from dataclasses import replace
from datetime import datetime

import pytest

from studio_credits.domain.access import Principal, Role, check_may_change_plan
from studio_credits.domain.account import Account, Hold, PlanStatus, ScheduledChange
from studio_credits.domain.errors import NotAllowed
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import Lot, LotMovement, LotSource
from studio_credits.domain.plan_changes import (
    InvalidPlanChange,
    PlannedPlanChange,
    plan_change,
    preview_plan_change,
    switch_at_term_end,
)
from studio_credits.domain.plan_terms import PlanChangeTerms
from tests.support.accounts import ANNUAL, MONTHLY, at, on_plan
from tests.support.ledger import assert_ledger_adds_up

ACTOR = "user:u-1"


def change(account: Account, plan_id: str, interval: str, now: datetime) -> PlannedPlanChange:
    planned = plan_change(account, plan_id, MONTHLY if interval == "MONTHLY" else ANNUAL, now, ACTOR)
    assert isinstance(planned, PlannedPlanChange), planned
    assert_ledger_adds_up(list(planned.entries), planned.account, before=account)
    return planned


def refusal(account: Account, plan_id: str, interval: str, now: datetime) -> str:
    refused = plan_change(account, plan_id, MONTHLY if interval == "MONTHLY" else ANNUAL, now, ACTOR)
    assert isinstance(refused, InvalidPlanChange), refused
    return refused.message


def lot(source: LotSource, granted: int, remaining: int, expires_at: datetime | None, made: datetime) -> Lot:
    return Lot(f"{source.value}-{granted}-{remaining}", source, granted, remaining, expires_at, made)


# Upgrades on the same interval: now, same anchor, the credit difference for this period.


def test_a_subscription_at_the_anchor_pays_the_whole_first_month() -> None:
    account = on_plan("free", MONTHLY, at(2026, 11, 24))

    planned = change(account, "starter", "MONTHLY", at(2026, 11, 24))

    assert planned.terms == PlanChangeTerms("starter", MONTHLY, True, at(2026, 11, 24), 900, 1_900)


def test_an_upgrade_on_the_last_day_of_a_short_february_charges_one_day_of_the_difference() -> None:
    account = on_plan("starter", MONTHLY, at(2027, 1, 31))
    assert account.current_period.end == at(2027, 2, 28)  # the 31st falls on February's last day
    now = at(2027, 2, 27, 18)  # 18 hours left: a started day counts whole

    planned = change(account, "pro", "MONTHLY", now)

    # 3,000 cents difference × 1 day of 28, to the cent.
    assert planned.terms == PlanChangeTerms("pro", MONTHLY, True, now, 2_000, 107)
    upgraded = planned.account
    assert (upgraded.plan_id, upgraded.anchor, upgraded.period_index) == ("pro", account.anchor, 0)
    granted = upgraded.lots[-1]
    assert (granted.source, granted.granted, granted.expires_at) == (LotSource.PLAN, 2_000, at(2027, 2, 28))
    assert upgraded.period_granted == account.period_granted + 2_000
    assert [(e.kind, e.amount, e.description) for e in planned.entries] == [
        (EntryKind.PLAN_CHANGE, 0, "Upgraded to Pro"),
        (EntryKind.GRANT, 2_000, "Pro upgrade: 2,000 more credits for this period"),
    ]
    assert planned.entries[0].plan_change == planned.terms
    assert planned.entries[0].id < planned.entries[1].id


def test_an_upgrade_mid_february_of_a_leap_year_prorates_over_29_days() -> None:
    account = on_plan("starter", MONTHLY, at(2028, 1, 31))
    assert account.current_period.end == at(2028, 2, 29)

    planned = change(account, "pro", "MONTHLY", at(2028, 2, 15))

    assert planned.terms.amount_due_now_cents == 1_448  # 3,000 × 14 / 29 = 1,448.3


def test_an_annual_upgrade_in_the_twelfth_period_prorates_over_the_year_and_fills_the_last_month() -> None:
    account = on_plan("starter", ANNUAL, at(2027, 3, 31), period_index=11)
    assert (account.current_period.start, account.current_period.end) == (at(2028, 2, 29), at(2028, 3, 31))
    assert account.term_end == at(2028, 3, 31)

    planned = change(account, "pro", "ANNUAL", at(2028, 3, 30))

    # 28,800 cents difference × 1 day of a 366-day term.
    assert (planned.terms.credits_granted_now, planned.terms.amount_due_now_cents) == (2_000, 79)
    assert planned.account.lots[-1].expires_at == at(2028, 3, 31)
    assert planned.account.term_end == at(2028, 3, 31)


# Upgrades on the other interval: a new term now, begun like a refresh on the new plan.


def test_an_upgrade_to_yearly_billing_starts_a_new_term_with_rollover_then_the_new_grant() -> None:
    account = on_plan("starter", MONTHLY, at(2026, 11, 24))
    made = account.anchor
    top_up = lot(LotSource.TOP_UP, 500, 500, at(2027, 11, 24), made)
    account = replace(
        account,
        lots=(
            lot(LotSource.PLAN, 1_000, 400, at(2026, 12, 24), made),
            lot(LotSource.ROLLOVER, 500, 300, at(2026, 12, 24), made),
            top_up,
        ),
        period_used=600,
    )
    now = at(2026, 12, 9)  # 15 of the month's 30 days left

    planned = change(account, "pro", "ANNUAL", now)

    # 47,000 for the year, less the unused half of the month's 1,900.
    assert planned.terms == PlanChangeTerms("pro", ANNUAL, True, now, 3_000, 47_000 - 950)
    assert [(e.kind, e.amount, e.balance_after) for e in planned.entries] == [
        (EntryKind.PLAN_CHANGE, 0, 1_200),
        (EntryKind.EXPIRE, -400, 800),
        (EntryKind.EXPIRE, -300, 500),
        (EntryKind.ROLLOVER, 400, 900),
        (EntryKind.GRANT, 3_000, 3_900),
    ]
    assert planned.entries[0].description == "Upgraded to Pro, billed yearly: a new term from 9 Dec 2026"
    assert [e.description for e in planned.entries[1:]] == [  # worded as a refresh words them
        "400 plan credits expired: the Starter plan ended",
        "300 rollover credits expired: the Starter plan ended",
        "400 unused Starter plan credits rolled over, until 9 Jan 2027",
        "Pro plan: 3,000 credits for the period 9 Dec 2026 to 9 Jan 2027",
    ]
    renewed = planned.account
    assert (renewed.plan_id, renewed.interval, renewed.anchor, renewed.period_index) == (
        "pro",
        ANNUAL,
        now,
        0,
    )
    assert (renewed.term_end, renewed.next_refresh_at) == (at(2027, 12, 9), at(2027, 1, 9))
    assert [(x.source, x.remaining, x.expires_at) for x in renewed.lots] == [
        (LotSource.TOP_UP, 500, at(2027, 11, 24)),
        (LotSource.ROLLOVER, 400, at(2027, 1, 9)),
        (LotSource.PLAN, 3_000, at(2027, 1, 9)),
    ]
    assert (renewed.period_granted, renewed.period_used) == (3_000 + 400, 0)  # the grant and the rollover
    assert [e.id for e in planned.entries] == sorted(e.id for e in planned.entries)


def test_the_rollover_of_a_new_term_is_capped_by_the_new_plan() -> None:
    account = on_plan("free", MONTHLY, at(2026, 11, 24))
    account = replace(account, lots=(lot(LotSource.PLAN, 1_500, 1_500, at(2026, 12, 24), account.anchor),))

    planned = change(account, "starter", "ANNUAL", at(2026, 11, 30))

    assert [(e.kind, e.amount) for e in planned.entries[1:]] == [
        (EntryKind.EXPIRE, -1_500),
        (EntryKind.ROLLOVER, 1_000),
        (EntryKind.GRANT, 1_000),
    ]
    assert planned.terms.amount_due_now_cents == 18_200  # the free plan leaves nothing to credit


def test_credits_held_for_running_jobs_are_kept_through_a_new_term_in_the_lots_they_came_from() -> None:
    """Starter, 100 plan and 900 rollover credits, 950 held (900 from the rollover, 50 from the plan lot).
    A new Pro term: the plan lot's 100 roll over (50 of them held, moving with the hold); the older
    rollover ends but keeps its 900 held, for the capture only."""
    account = on_plan("starter", MONTHLY, at(2026, 11, 24))
    made = account.anchor
    plan_lot = lot(LotSource.PLAN, 1_000, 100, at(2026, 12, 24), made)
    rollover_lot = lot(LotSource.ROLLOVER, 900, 900, at(2026, 12, 24), made)
    held = (
        LotMovement(rollover_lot.id, LotSource.ROLLOVER, 900),
        LotMovement(plan_lot.id, LotSource.PLAN, 50),
    )
    account = replace(
        account, lots=(plan_lot, rollover_lot), holds=(Hold("r-1", 950, at(2026, 12, 1), held),)
    )

    planned = change(account, "pro", "ANNUAL", at(2026, 11, 30))

    rolled = [e.amount for e in planned.entries if e.kind is EntryKind.ROLLOVER]
    assert rolled == [100]
    after = planned.account
    assert (after.balance, after.reserved, after.available) == (4_000, 950, 3_050)
    ended = next(kept for kept in after.lots if kept.id == rollover_lot.id)
    assert (ended.remaining, ended.expires_at) == (900, at(2026, 11, 30))


def test_a_move_to_monthly_billing_on_a_higher_plan_never_asks_less_than_nothing() -> None:
    account = on_plan("starter", ANNUAL, at(2026, 11, 24))

    planned = change(account, "pro", "MONTHLY", at(2026, 12, 9))

    # 4,900 for the month, less 350/365 of the year's 18,200 (17,452): nothing is due, nothing paid back.
    assert planned.terms.amount_due_now_cents == 0
    assert (planned.account.interval, planned.account.term_end) == (MONTHLY, at(2027, 1, 9))


# Downgrades and interval changes: scheduled for the end of the paid term.


@pytest.mark.parametrize(
    ("anchor", "period_index", "effective_at"),
    [
        (at(2027, 1, 29), 0, at(2027, 2, 28)),
        (at(2027, 1, 29), 1, at(2027, 3, 29)),
        (at(2027, 1, 30), 0, at(2027, 2, 28)),
        (at(2028, 1, 30), 0, at(2028, 2, 29)),
        (at(2027, 1, 31), 2, at(2027, 4, 30)),
        (at(2027, 3, 31), 10, at(2028, 2, 29)),
    ],
)
def test_a_monthly_downgrade_waits_for_the_period_end_whatever_the_anchor_day(
    anchor: datetime, period_index: int, effective_at: datetime
) -> None:
    account = on_plan("pro", MONTHLY, anchor, period_index)
    now = account.current_period.start

    planned = change(account, "starter", "MONTHLY", now)

    assert planned.terms == PlanChangeTerms("starter", MONTHLY, False, effective_at, 0, 0)
    assert planned.account == replace(account, scheduled_change=ScheduledChange("starter", MONTHLY))
    assert [(e.kind, e.amount, e.description) for e in planned.entries] == [
        (
            EntryKind.PLAN_CHANGE,
            0,
            f"Downgrade to Starter scheduled for {effective_at.day} {effective_at:%b %Y}",
        )
    ]


def test_an_annual_downgrade_in_any_period_waits_for_the_end_of_the_year() -> None:
    for period_index in (0, 5, 11):
        account = on_plan("pro", ANNUAL, at(2028, 2, 29), period_index)

        planned = change(account, "starter", "MONTHLY", account.current_period.start)

        assert planned.terms.effective_at == at(2029, 2, 28)
        assert planned.entries[0].description == (
            "Downgrade to Starter, billed monthly, scheduled for 28 Feb 2029"
        )


def test_a_scheduled_change_is_replaced_then_cleared_by_asking_for_the_current_plan() -> None:
    account = on_plan("pro", ANNUAL, at(2027, 3, 31), period_index=11)
    now = at(2028, 3, 1)

    first = change(account, "pro", "MONTHLY", now)
    assert first.entries[0].description == "Change to monthly billing scheduled for 31 Mar 2028"
    second = change(first.account, "starter", "ANNUAL", now)
    assert second.account.scheduled_change == ScheduledChange("starter", ANNUAL)
    cleared = change(second.account, "pro", "ANNUAL", now)

    assert cleared.terms == PlanChangeTerms("pro", ANNUAL, True, now, 0, 0)
    assert cleared.account == account
    assert (
        cleared.entries[0].description
        == "Scheduled change to Starter, billed yearly, canceled: Pro continues"
    )


def test_a_paid_plan_moved_to_free_drops_at_the_term_end() -> None:
    account = on_plan("business", MONTHLY, at(2026, 11, 24))

    planned = change(account, "free", "MONTHLY", at(2026, 12, 1))

    assert planned.terms.effective_at == at(2026, 12, 24)
    assert switch_at_term_end(planned.account) == ScheduledChange("free", MONTHLY)


def test_an_upgrade_replaces_a_scheduled_downgrade() -> None:
    account = on_plan("pro", MONTHLY, at(2026, 11, 24))
    scheduled = change(account, "starter", "MONTHLY", at(2026, 11, 25)).account

    upgraded = change(scheduled, "business", "MONTHLY", at(2026, 11, 26)).account
    yearly = change(scheduled, "business", "ANNUAL", at(2026, 11, 26)).account

    assert (upgraded.plan_id, upgraded.scheduled_change) == ("business", None)
    assert (yearly.plan_id, yearly.interval, yearly.scheduled_change) == ("business", ANNUAL, None)


# Refusals.


def test_refusals_say_what_is_wrong() -> None:
    account = on_plan("pro", MONTHLY, at(2026, 11, 24))
    now = at(2026, 11, 25)
    scheduled = change(account, "starter", "MONTHLY", now).account

    assert refusal(account, "pro", "MONTHLY", now) == (
        "You are already on the Pro plan, billed monthly, and no change is scheduled: "
        "choose another plan or interval."
    )
    assert (
        refusal(account, "free", "ANNUAL", now)
        == "The Free plan cannot be bought yearly: choose MONTHLY billing."
    )
    assert "no plan named 'gold'" in refusal(account, "gold", "MONTHLY", now)
    assert refusal(scheduled, "starter", "MONTHLY", now) == (
        "A change to Starter, billed monthly, is already scheduled for 24 Dec 2026."
    )
    canceling = replace(account, status=PlanStatus.CANCELING, ends_at=at(2026, 12, 24))
    assert refusal(canceling, "business", "MONTHLY", now) == (
        "Your plan is canceled and ends on 24 Dec 2026: resume it before changing plan."
    )
    assert preview_plan_change(canceling, "business", MONTHLY, now) == InvalidPlanChange(
        refusal(canceling, "business", "MONTHLY", now)
    )


def test_only_the_person_changes_a_plan() -> None:
    check_may_change_plan(Principal("u-1", Role.USER))
    for role in (Role.SERVICE, Role.ADMIN):
        with pytest.raises(NotAllowed, match="only the account's own user"):
            check_may_change_plan(Principal("u-1", role))


# What the refresh job applies at the term's end.


def test_the_switch_at_the_term_end() -> None:
    account = on_plan("pro", ANNUAL, at(2026, 11, 24))

    assert switch_at_term_end(account) is None
    scheduled = replace(account, scheduled_change=ScheduledChange("starter", ANNUAL))
    assert switch_at_term_end(scheduled) == ScheduledChange("starter", ANNUAL)
    canceling = replace(account, status=PlanStatus.CANCELING, ends_at=account.term_end)
    assert switch_at_term_end(canceling) == ScheduledChange("free", MONTHLY)
