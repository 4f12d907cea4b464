"""viewer.forecast and the usage by kind through the Lambda handler: no forecast before a week of
history, then the pace of the whole days since, and each kind's share and average cost."""

from datetime import UTC, datetime, timedelta

from studio_credits.domain.clock import FixedClock
from tests.api.lambda_events import graphql, handler_at
from tests.api.test_api_ledger import consume, data, open_account
from tests.conftest import START

FORECAST = "{ viewer { forecast { dailyRate runsOutAt beforeRefresh basisDays } } }"
IMAGE = {"kind": "IMAGE", "resolution": "RES_1080P"}


def test_no_forecast_within_a_week_then_the_pace_of_the_whole_days(dynamodb: None, clock: FixedClock) -> None:
    frozen = handler_at(clock)
    open_account(lambda_handler=frozen)  # free: 100 credits until Dec 24, 12:00
    for day in range(1, 10):
        clock.at = START + timedelta(days=day)
        consume(IMAGE, job=f"day-{day}", key=f"day-{day}", lambda_handler=frozen)
        if day == 7:
            assert data(graphql("user", FORECAST, lambda_handler=frozen))["viewer"]["forecast"] is None

    clock.at = START + timedelta(days=10)
    found = data(graphql("user", FORECAST, lambda_handler=frozen))["viewer"]["forecast"]

    # Nov 25 to Dec 3: 9 whole days, 4 credits each; the 64 left last 16 days, before Dec 24.
    assert found == {
        "dailyRate": 4.0,
        "runsOutAt": (START + timedelta(days=26)).isoformat(),
        "beforeRefresh": True,
        "basisDays": 9,
    }
    assert datetime.fromisoformat(found["runsOutAt"]) == datetime(2026, 12, 20, 12, tzinfo=UTC)


def test_usage_by_kind_says_each_kind_s_share_and_average(dynamodb: None, clock: FixedClock) -> None:
    frozen = handler_at(clock)
    open_account(lambda_handler=frozen)
    consume({"kind": "VIDEO", "resolution": "RES_480P", "durationSeconds": 2}, "v", "v", frozen)
    consume(IMAGE, "i1", "i1", frozen)
    consume(IMAGE, "i2", "i2", frozen)

    usage = data(
        graphql(
            "user",
            "{ viewer { usage { byKind { kind credits creatives shareOfCredits averageCredits } } } }",
            lambda_handler=frozen,
        )
    )["viewer"]["usage"]

    assert sorted(usage["byKind"], key=lambda kind: kind["kind"]) == [
        {"kind": "IMAGE", "credits": 8, "creatives": 2, "shareOfCredits": 8 / 24, "averageCredits": 4.0},
        {"kind": "VIDEO", "credits": 16, "creatives": 1, "shareOfCredits": 16 / 24, "averageCredits": 16.0},
    ]
