"""viewer.forecast and the usage by kind through the Lambda handler: no forecast before a week of
history, then the pace of the whole days since, and each kind's share and average cost."""

from datetime import UTC, datetime, timedelta

from studio_credits.bootstrap import bootstrap
from studio_credits.domain.clock import FixedClock
from studio_credits.jobs.notices import run_notices
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


EXPIRING = """
{ viewer { expiringSoon(withinDays: 30) { source credits expiresAt wouldBuy { count creatives text } } } }
"""


def test_expiring_credits_say_what_they_would_make_of_the_creative_made_most(
    dynamodb: None, clock: FixedClock
) -> None:
    frozen = handler_at(clock)
    open_account(lambda_handler=frozen)  # free: 100 credits until Dec 24
    assert data(graphql("user", EXPIRING, lambda_handler=frozen))["viewer"]["expiringSoon"] == [
        {"source": "PLAN", "credits": 100, "expiresAt": "2026-12-24T12:00:00+00:00", "wouldBuy": None}
    ]
    video = {"kind": "VIDEO", "resolution": "RES_480P", "durationSeconds": 2}  # 16 credits
    consume(video, "v1", "v1", frozen)
    consume(video, "v2", "v2", frozen)
    consume(IMAGE, "i", "i", frozen)

    [expiring] = data(graphql("user", EXPIRING, lambda_handler=frozen))["viewer"]["expiringSoon"]

    assert (expiring["credits"], expiring["wouldBuy"]) == (
        100 - 36,
        {"count": 4, "creatives": "4 480p videos of 2 s", "text": "64 credits: about 4 480p videos of 2 s"},
    )
    too_far = graphql(
        "user", "{ viewer { expiringSoon(withinDays: 400) { credits } } }", lambda_handler=frozen
    )
    assert too_far["errors"][0]["extensions"]["field"] == "withinDays"


def test_a_credits_expiring_notice_says_what_the_credits_would_make(
    dynamodb: None, clock: FixedClock
) -> None:
    frozen = handler_at(clock)
    open_account(lambda_handler=frozen)  # free: 100 credits until Dec 24, 12:00
    video = {"kind": "VIDEO", "resolution": "RES_480P", "durationSeconds": 2}  # 16 credits
    consume(video, "v1", "v1", frozen)
    consume(video, "v2", "v2", frozen)
    clock.at = datetime(2026, 12, 21, 12, tzinfo=UTC)  # 3 days before the refresh: 68 of 100 unused
    run_notices(bootstrap(clock=clock))

    notices = data(
        graphql(
            "user", "{ viewer { notices { kind message wouldBuy { creatives } } } }", lambda_handler=frozen
        )
    )["viewer"]["notices"]

    [expiring] = [notice for notice in notices if notice["kind"] == "CREDITS_EXPIRING"]
    assert expiring["wouldBuy"] == {"creatives": "4 480p videos of 2 s"}  # 68 credits, 16 each
    assert all(notice["wouldBuy"] is None for notice in notices if notice["kind"] != "CREDITS_EXPIRING")
