"""Credit periods: a calendar month from the anchor, the 31st falling on a short month's last day."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.periods import Period, add_months, period, term


def at(year: int, month: int, day: int) -> datetime:
    return datetime(year, month, day, 9, 30, tzinfo=UTC)


@pytest.mark.parametrize(
    ("anchor", "months", "expected"),
    [
        (at(2026, 1, 31), 1, at(2026, 2, 28)),
        (at(2028, 1, 31), 1, at(2028, 2, 29)),  # leap year
        (at(2026, 1, 31), 2, at(2026, 3, 31)),  # back to the 31st, no drift
        (at(2026, 1, 31), 3, at(2026, 4, 30)),
        (at(2026, 1, 30), 1, at(2026, 2, 28)),
        (at(2028, 1, 30), 1, at(2028, 2, 29)),
        (at(2026, 1, 30), 2, at(2026, 3, 30)),
        (at(2026, 1, 29), 1, at(2026, 2, 28)),
        (at(2028, 1, 29), 1, at(2028, 2, 29)),
        (at(2028, 2, 29), 12, at(2029, 2, 28)),
        (at(2028, 2, 29), 48, at(2032, 2, 29)),
        (at(2026, 12, 15), 1, at(2027, 1, 15)),
        (at(2026, 8, 31), 6, at(2027, 2, 28)),
    ],
)
def test_add_months(anchor: datetime, months: int, expected: datetime) -> None:
    assert add_months(anchor, months) == expected


def test_periods_from_the_31st() -> None:
    anchor = at(2026, 1, 31)

    assert [period(anchor, n) for n in range(3)] == [
        Period(at(2026, 1, 31), at(2026, 2, 28)),
        Period(at(2026, 2, 28), at(2026, 3, 31)),
        Period(at(2026, 3, 31), at(2026, 4, 30)),
    ]


def test_a_period_holds_its_start_not_its_end() -> None:
    first = period(at(2026, 11, 24), 0)

    assert first.contains(first.start)
    assert first.contains(first.end - timedelta(microseconds=1))
    assert not first.contains(first.end)


def test_a_monthly_term_is_its_period() -> None:
    anchor = at(2026, 1, 31)

    assert term(anchor, 0, 4, BillingInterval.MONTHLY) == period(anchor, 4)


def test_an_annual_term_holds_twelve_periods() -> None:
    anchor = at(2028, 2, 29)

    for index in range(12):
        assert term(anchor, 0, index, BillingInterval.ANNUAL) == Period(anchor, at(2029, 2, 28))
    assert term(anchor, 0, 12, BillingInterval.ANNUAL) == Period(at(2029, 2, 28), at(2030, 2, 28))


def test_a_year_started_after_monthly_periods_keeps_the_anchor_day() -> None:
    """Subscribed on Jan 31, yearly from the second period: Feb 28 to Feb 28, then Mar 31 again."""
    anchor = at(2026, 1, 31)

    assert term(anchor, 1, 1, BillingInterval.ANNUAL) == Period(at(2026, 2, 28), at(2027, 2, 28))
    assert term(anchor, 1, 12, BillingInterval.ANNUAL) == Period(at(2026, 2, 28), at(2027, 2, 28))
    assert term(anchor, 1, 13, BillingInterval.ANNUAL) == Period(at(2027, 2, 28), at(2028, 2, 29))
    assert period(anchor, 2) == Period(at(2026, 3, 31), at(2026, 4, 30))


anchors = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2090, 12, 31), timezones=st.just(UTC)
)


@given(anchor=anchors, index=st.integers(min_value=0, max_value=240))
def test_each_period_starts_where_the_last_ended(anchor: datetime, index: int) -> None:
    before, after = period(anchor, index), period(anchor, index + 1)

    assert before.end == after.start
    assert before.start < before.end
    assert 28 <= (before.end.date() - before.start.date()).days <= 31


@given(anchor=anchors, index=st.integers(min_value=0, max_value=240))
def test_a_period_starts_on_the_anchor_day_or_the_month_end(anchor: datetime, index: int) -> None:
    start = period(anchor, index).start

    assert start.time() == anchor.time()
    assert start.day == anchor.day or (start.day < anchor.day and (start + timedelta(days=1)).day == 1)


@given(anchor=anchors, year=st.integers(min_value=0, max_value=10))
def test_twelve_periods_make_the_annual_term(anchor: datetime, year: int) -> None:
    first = 12 * year

    annual = term(anchor, 0, first, BillingInterval.ANNUAL)
    assert period(anchor, first).start == annual.start
    assert period(anchor, first + 11).end == annual.end == add_months(anchor, first + 12)
