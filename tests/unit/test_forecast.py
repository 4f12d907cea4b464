"""The run-out forecast by hand: the basis days, the pace, the run-out spending the soonest-expiring
lot first, and whether it comes before the refresh."""

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from studio_credits.domain.as_of import as_of
from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.creatives import CreativeKind
from studio_credits.domain.forecast import MIN_BASIS_DAYS, Basis, basis, forecast
from studio_credits.domain.lots import Lot, LotSource
from studio_credits.domain.usage import kind_shares
from tests.support.accounts import subscribed

ANCHOR = datetime(2026, 3, 1, 9, tzinfo=UTC)
NOW = datetime(2026, 3, 20, 9, tzinfo=UTC)
THIRTY = Basis(date(2026, 2, 18), date(2026, 3, 19))


def test_the_basis_is_the_last_30_whole_utc_days_or_fewer_for_a_newer_account() -> None:
    account = as_of(subscribed("a", "pro", BillingInterval.MONTHLY, ANCHOR), NOW).account
    old = replace(account, created_at=NOW - timedelta(days=400))

    assert basis(old, NOW) == THIRTY and THIRTY.days == 30
    # Opened Mar 1 at 09:00: Mar 2 to Mar 19 are whole days, 18 of them.
    assert basis(account, NOW) == Basis(date(2026, 3, 2), date(2026, 3, 19))
    week_old = replace(account, created_at=NOW - timedelta(days=MIN_BASIS_DAYS + 1))
    measured = basis(week_old, NOW)
    assert measured is not None and measured.days == MIN_BASIS_DAYS
    too_new = replace(account, created_at=NOW - timedelta(days=MIN_BASIS_DAYS))
    assert basis(too_new, NOW) is None


def test_at_100_a_day_3_000_credits_last_30_days_past_the_refresh() -> None:
    account = as_of(subscribed("a", "pro", BillingInterval.MONTHLY, ANCHOR), NOW).account

    found = forecast(account, 3_000, THIRTY, NOW)

    assert found.daily_rate == 100
    # The 3,000 are March's plan credits, expiring Apr 1 at 09:00: spent 1,200 by then, the rest lost.
    assert found.runs_out_at == datetime(2026, 4, 1, 9, tzinfo=UTC)
    assert (found.before_refresh, found.basis_days) == (False, 30)


def test_at_300_a_day_they_run_out_10_days_in_before_the_refresh() -> None:
    account = as_of(subscribed("a", "pro", BillingInterval.MONTHLY, ANCHOR), NOW).account

    found = forecast(account, 9_000, THIRTY, NOW)

    assert found.runs_out_at == NOW + timedelta(days=10)
    assert found.before_refresh


def test_a_top_up_lasts_past_the_plan_credits_expiry() -> None:
    account = as_of(subscribed("a", "pro", BillingInterval.MONTHLY, ANCHOR), NOW).account
    top_up = Lot("t", LotSource.TOP_UP, 600, 600, NOW + timedelta(days=300), NOW)
    account = replace(account, lots=(*account.lots, top_up))

    found = forecast(account, 3_000, THIRTY, NOW)

    # The plan credits go first, until Apr 1; then the 600 of the top-up last 6 days more.
    assert found.runs_out_at == datetime(2026, 4, 7, 9, tzinfo=UTC)
    assert not found.before_refresh


def test_nothing_spent_runs_out_never() -> None:
    account = as_of(subscribed("a", "pro", BillingInterval.MONTHLY, ANCHOR), NOW).account

    found = forecast(account, 0, THIRTY, NOW)

    assert (found.daily_rate, found.runs_out_at, found.before_refresh) == (Fraction(0), None, False)


def test_each_kind_s_share_and_average_cost() -> None:
    shares = kind_shares({CreativeKind.IMAGE: (400, 100), CreativeKind.VIDEO: (600, 4)})

    assert [(s.kind, s.share, s.average_credits) for s in shares] == [
        (CreativeKind.IMAGE, Fraction(2, 5), Fraction(4)),
        (CreativeKind.VIDEO, Fraction(3, 5), Fraction(150)),
    ]
    assert kind_shares({CreativeKind.IMAGE: (0, 0)})[0].average_credits is None
