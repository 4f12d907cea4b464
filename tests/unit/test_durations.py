"""ISO-8601 durations for `studio-credits clock advance`: calendar months as the periods add them."""

from datetime import UTC, datetime, timedelta

import pytest

from studio_credits.durations import Duration, parse_duration

JAN_31 = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("text", "duration"),
    [
        ("P1M", Duration(1, timedelta())),
        ("P14M", Duration(14, timedelta())),
        ("P1Y", Duration(12, timedelta())),
        ("P1Y2M", Duration(14, timedelta())),
        ("P2W", Duration(0, timedelta(weeks=2))),
        ("P10D", Duration(0, timedelta(days=10))),
        ("PT15M", Duration(0, timedelta(minutes=15))),
        ("PT36H", Duration(0, timedelta(hours=36))),
        ("P1Y2M10DT2H30M5S", Duration(14, timedelta(days=10, hours=2, minutes=30, seconds=5))),
        ("P0D", Duration(0, timedelta())),
    ],
)
def test_the_forms_of_a_duration(text: str, duration: Duration) -> None:
    assert parse_duration(text) == duration


@pytest.mark.parametrize(
    "text", ["", "P", "PT", "1M", "P1", "P1DT", "P-1M", "P1.5M", "PT1D", "P1M1Y", "p1m", "P 1M"]
)
def test_what_is_not_a_duration(text: str) -> None:
    with pytest.raises(ValueError, match="not an ISO-8601 duration"):
        parse_duration(text)


@pytest.mark.parametrize(
    ("text", "after"),
    [
        ("P1M", datetime(2026, 2, 28, 9, 0, tzinfo=UTC)),  # the 31st falls on February's last day
        ("P2M", datetime(2026, 3, 31, 9, 0, tzinfo=UTC)),  # counted from the start, not from Feb 28
        ("P13M", datetime(2027, 2, 28, 9, 0, tzinfo=UTC)),
        ("P14M", datetime(2027, 3, 31, 9, 0, tzinfo=UTC)),
        ("P1Y1M", datetime(2027, 2, 28, 9, 0, tzinfo=UTC)),
        ("P1MT1H", datetime(2026, 2, 28, 10, 0, tzinfo=UTC)),  # months first, then time
        ("P1D", datetime(2026, 2, 1, 9, 0, tzinfo=UTC)),
    ],
)
def test_months_add_like_credit_periods(text: str, after: datetime) -> None:
    assert parse_duration(text).after(JAN_31) == after
