"""planCampaign through the real Lambda handler: the person's own account and the service's named
one, the figures the quote and previewPlanChange give, input refused at its path, nothing written."""

from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.lambda_events import claims, graphql

USER = claims("user")["sub"]
PLAN = """
query Plan($input: CampaignInput!, $accountId: ID) {
  planCampaign(input: $input, accountId: $accountId) {
    by totalCredits allowed blockedBy cheapestPlanAllowing { id }
    lines { count credits quote { credits allowed } }
    availableNow refreshes { at plan { id } credits } refreshCredits expiringCredits creditsBy
    fitsNow fitsBy shortfall availableAfter
    fixes {
      upgrade { plan { id } interval amountDueNowCents } packs { pack { id } count } priceCents creditsAfter
    }
  }
}
"""
PREVIEW = """
query Preview($planId: ID!) { previewPlanChange(planId: $planId, interval: MONTHLY) { amountDueNowCents } }
"""
IMAGE = {"kind": "IMAGE", "resolution": "RES_1080P"}
VIDEO = {"kind": "VIDEO", "resolution": "RES_720P", "durationSeconds": 5}
HISTORY = "{ viewer { history(first: 100) { edges { node { id } } } } }"


def soon(days: int = 3) -> str:
    return (datetime.now(UTC) + timedelta(days=days)).isoformat()


def plan(
    items: list[dict[str, Any]], fixture: str = "user", account_id: str | None = None, by: str | None = None
) -> Any:
    variables = {"input": {"items": items, "by": by or soon()}, "accountId": account_id}
    body = graphql(fixture, PLAN, variables)
    assert "errors" not in body, body
    return body["data"]["planCampaign"]


def refused(items: list[dict[str, Any]], by: str | None = None, fixture: str = "user") -> Any:
    body = graphql(fixture, PLAN, {"input": {"items": items, "by": by or soon()}})
    assert body["data"] is None, body
    return body["errors"][0]


def test_a_campaign_that_fits_now_says_what_is_left(dynamodb: None) -> None:
    found = plan([{"creative": IMAGE, "count": 10}, {"creative": VIDEO, "count": 1}])

    # A 1080p image is 4 credits; 5 s of 720p video 50: 40 + 50 of the free plan's 100.
    assert [(line["count"], line["quote"]["credits"], line["credits"]) for line in found["lines"]] == [
        (10, 4, 40),
        (1, 50, 50),
    ]
    assert (found["totalCredits"], found["availableNow"], found["fitsNow"], found["fitsBy"]) == (
        90,
        100,
        True,
        True,
    )
    assert (found["availableAfter"], found["shortfall"], found["fixes"]) == (10, 0, [])


def test_a_campaign_that_does_not_fit_offers_upgrades_at_preview_plan_change_s_price(dynamodb: None) -> None:
    found = plan([{"creative": IMAGE, "count": 30}])

    assert (found["totalCredits"], found["fitsNow"], found["fitsBy"], found["availableAfter"]) == (
        120,
        False,
        False,
        None,
    )
    cheapest = found["fixes"][0]
    assert cheapest["upgrade"]["plan"]["id"] == "starter" and cheapest["packs"] == []
    preview = graphql("user", PREVIEW, {"planId": "starter"})["data"]["previewPlanChange"]
    assert cheapest["upgrade"]["amountDueNowCents"] == preview["amountDueNowCents"] == cheapest["priceCents"]
    assert [fix["upgrade"]["plan"]["id"] for fix in found["fixes"]] == ["starter", "pro", "business"]


def test_a_blocked_line_names_its_blocker_and_the_cheapest_plan_allowing_all(dynamodb: None) -> None:
    multi_shot = {"kind": "MULTI_SHOT_VIDEO", "resolution": "RES_720P", "durationSeconds": 6, "shots": 3}

    found = plan([{"creative": multi_shot, "count": 1}])

    assert (found["allowed"], found["blockedBy"], found["cheapestPlanAllowing"]) == (
        False,
        ["multi-shot video is not in the Free plan"],
        {"id": "pro"},
    )
    assert [fix["upgrade"]["plan"]["id"] for fix in found["fixes"]] == ["pro", "business"]


def test_the_service_plans_for_a_named_account_and_nothing_is_written(dynamodb: None) -> None:
    before = graphql("user", HISTORY)["data"]["viewer"]["history"]["edges"]

    by = soon()
    mine = plan([{"creative": IMAGE, "count": 5}], by=by)
    theirs = plan([{"creative": IMAGE, "count": 5}], "service", USER, by)

    assert mine == theirs
    assert graphql("user", HISTORY)["data"]["viewer"]["history"]["edges"] == before


def test_the_service_names_an_account_and_a_person_plans_only_their_own(dynamodb: None) -> None:
    service = graphql("service", PLAN, {"input": {"items": [{"creative": IMAGE, "count": 1}], "by": soon()}})
    other = graphql(
        "user",
        PLAN,
        {"input": {"items": [{"creative": IMAGE, "count": 1}], "by": soon()}, "accountId": "u-2"},
    )

    assert service["errors"][0]["extensions"]["field"] == "accountId"
    assert other["errors"][0]["extensions"]["code"] == "FORBIDDEN"


def test_input_is_refused_at_its_path(dynamodb: None) -> None:
    long_video = {**VIDEO, "durationSeconds": 90}
    past = (datetime.now(UTC) - timedelta(days=1)).isoformat()

    assert refused([{"creative": IMAGE, "count": 0}])["extensions"]["field"] == "input.items.0.count"
    assert (
        refused([{"creative": IMAGE, "count": 1}, {"creative": long_video, "count": 1}])["extensions"][
            "field"
        ]
        == "input.items.1.creative.durationSeconds"
    )
    assert refused([])["extensions"]["field"] == "input.items"
    assert refused([{"creative": IMAGE, "count": 1}], past)["extensions"]["field"] == "input.by"
