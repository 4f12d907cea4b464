"""plans and quote through the Lambda handler: the catalogue and the price list, exactly."""

from typing import Any

import pytest

from studio_credits.domain.catalogue import PLANS
from tests.api.lambda_events import claims, graphql

QUOTE = """
query Quote($creative: CreativeInput!, $accountId: ID) {
  quote(creative: $creative, accountId: $accountId) {
    credits unitCredits breakdown { label credits } allowed blockedBy cheapestPlanAllowing { id }
  }
}
"""
PLANS_QUERY = """
{
  plans {
    id name monthlyCredits monthlyPriceCents annualPriceCents
    features {
      maxImageResolution maxVideoResolution maxVideoSeconds multiShotVideo
      premiumModels advancedTemplates maxBatchSize topUps
    }
    rollover { capCredits expiresAfterPeriods }
  }
}
"""
USER = claims("user")["sub"]


def quote(creative: dict[str, Any], fixture: str = "user", account_id: str | None = None) -> Any:
    body = graphql(fixture, QUOTE, {"creative": creative, "accountId": account_id})
    assert "errors" not in body, body
    found = body["data"]["quote"]
    assert sum(line["credits"] for line in found["breakdown"]) == found["credits"]
    return found


def video(seconds: int, resolution: str, **options: Any) -> dict[str, Any]:
    return {"kind": "VIDEO", "resolution": resolution, "durationSeconds": seconds, **options}


def test_plans_are_the_whole_catalogue(dynamodb: None) -> None:
    plans = graphql("user", PLANS_QUERY)["data"]["plans"]

    assert [plan["id"] for plan in plans] == ["free", "starter", "pro", "business"]
    for shown, plan in zip(plans, PLANS, strict=True):
        features = vars(plan.features)
        assert shown == {
            "id": plan.id,
            "name": plan.name,
            "monthlyCredits": plan.monthly_credits,
            "monthlyPriceCents": plan.monthly_price_cents,
            "annualPriceCents": plan.annual_price_cents,
            "features": {
                "maxImageResolution": features["max_image_resolution"].value,
                "maxVideoResolution": features["max_video_resolution"].value,
                "maxVideoSeconds": features["max_video_seconds"],
                "multiShotVideo": features["multi_shot_video"],
                "premiumModels": features["premium_models"],
                "advancedTemplates": features["advanced_templates"],
                "maxBatchSize": features["max_batch_size"],
                "topUps": features["top_ups"],
            },
            "rollover": {
                "capCredits": plan.rollover.cap_credits,
                "expiresAfterPeriods": plan.rollover.expires_after_periods,
            },
        }
    assert plans[3]["monthlyCredits"] == 7_000
    assert plans[0]["annualPriceCents"] is None


def test_the_design_example_costs_375_and_needs_the_pro_plan(dynamodb: None) -> None:
    found = quote(
        {
            "kind": "MULTI_SHOT_VIDEO",
            "resolution": "RES_1080P",
            "durationSeconds": 10,
            "shots": 3,
            "premiumModel": True,
        }
    )

    assert (found["credits"], found["unitCredits"]) == (375, 375)
    assert [line["credits"] for line in found["breakdown"]] == [150, 38, 187]
    assert found["allowed"] is False
    assert found["blockedBy"] == [
        "1080p video: the Free plan allows video up to 720p",
        "multi-shot video is not in the Free plan",
        "premium models are not in the Free plan",
    ]
    assert found["cheapestPlanAllowing"] == {"id": "pro"}


@pytest.mark.parametrize(
    ("resolution", "credits", "cheapest"),
    [("RES_1080P", 4, None), ("RES_2K", 8, {"id": "starter"}), ("RES_4K", 16, {"id": "pro"})],
)
def test_images_cost_by_resolution(dynamodb: None, resolution: str, credits: int, cheapest: Any) -> None:
    found = quote({"kind": "IMAGE", "resolution": resolution})

    assert found["credits"] == found["unitCredits"] == credits
    assert found["allowed"] is (cheapest is None)
    assert found["cheapestPlanAllowing"] == cheapest


@pytest.mark.parametrize(
    ("resolution", "per_second"), [("RES_480P", 8), ("RES_720P", 10), ("RES_1080P", 15), ("RES_4K", 30)]
)
def test_video_costs_per_started_second(dynamodb: None, resolution: str, per_second: int) -> None:
    assert quote(video(7, resolution))["credits"] == 7 * per_second


def test_the_template_surcharge_comes_after_the_multipliers(dynamodb: None) -> None:
    found = quote({"kind": "IMAGE", "resolution": "RES_2K", "premiumModel": True, "advancedTemplate": True})

    assert found["unitCredits"] == 8 * 2 + 2
    assert found["breakdown"][-1] == {"label": "Advanced template", "credits": 2}


def test_outputs_multiply_the_rounded_unit_price(dynamodb: None) -> None:
    creative = {
        "kind": "MULTI_SHOT_VIDEO",
        "resolution": "RES_720P",
        "durationSeconds": 5,
        "shots": 3,
        "premiumModel": True,
        "advancedTemplate": True,
        "outputs": 2,
    }

    found = quote(creative)

    # ceil(5 × 10 × 1.25 × 2) + 2 = 127 a unit
    assert (found["unitCredits"], found["credits"]) == (127, 254)
    assert found["cheapestPlanAllowing"] == {"id": "pro"}


def test_a_batch_over_the_plan_limit_is_blocked(dynamodb: None) -> None:
    found = quote({"kind": "IMAGE", "resolution": "RES_1080P", "outputs": 4})

    assert found["credits"] == 16
    assert found["blockedBy"] == ["a batch of 4: the Free plan allows up to 1 outputs"]
    assert found["cheapestPlanAllowing"] == {"id": "starter"}


def test_long_4k_video_needs_the_business_plan(dynamodb: None) -> None:
    found = quote(video(60, "RES_4K"))

    assert found["credits"] == 1_800
    assert found["cheapestPlanAllowing"] == {"id": "business"}


def test_the_service_quotes_for_a_named_account(dynamodb: None) -> None:
    graphql("user", "{ viewer { id } }")

    found = quote({"kind": "IMAGE", "resolution": "RES_2K"}, fixture="service", account_id=USER)

    assert found["allowed"] is False
    assert found["cheapestPlanAllowing"] == {"id": "starter"}


def test_a_service_quote_must_name_the_account(dynamodb: None) -> None:
    body = graphql("service", QUOTE, {"creative": {"kind": "IMAGE", "resolution": "RES_2K"}})

    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "accountId"}


def test_a_user_may_not_quote_on_another_account(dynamodb: None) -> None:
    graphql("admin", "{ viewer { id } }")

    body = graphql(
        "user",
        QUOTE,
        {"creative": {"kind": "IMAGE", "resolution": "RES_2K"}, "accountId": claims("admin")["sub"]},
    )

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"


@pytest.mark.parametrize(
    ("creative", "field"),
    [
        ({"kind": "IMAGE", "resolution": "RES_1080P", "durationSeconds": 5}, "creative.durationSeconds"),
        (video(10, "RES_2K"), "creative.resolution"),
        ({"kind": "IMAGE", "resolution": "RES_1080P", "outputs": 0}, "creative.outputs"),
        ({"kind": "IMAGE", "resolution": "RES_1080P", "outputs": 1_000}, "creative.outputs"),
        (
            {"kind": "MULTI_SHOT_VIDEO", "resolution": "RES_720P", "durationSeconds": 3, "shots": 9},
            "creative.shots",
        ),
        (video(61, "RES_720P"), "creative.durationSeconds"),
        ({"kind": "VIDEO", "resolution": "RES_720P"}, "creative.durationSeconds"),
    ],
)
def test_a_bad_creative_is_an_input_error_naming_the_field(
    dynamodb: None, creative: dict[str, Any], field: str
) -> None:
    body = graphql("user", QUOTE, {"creative": creative})

    assert body["data"] is None
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert error["message"].startswith(f"{field}: ")
