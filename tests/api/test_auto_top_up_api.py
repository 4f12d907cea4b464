"""Auto top-up through the Lambda handler: set on the person's account (refusals in words, settings
no rule accepts as BAD_USER_INPUT at their input field), shown in `viewer`, charged once when the
generation service's spend crosses the threshold, and turned off."""

from typing import Any

from tests.api.lambda_events import claims, graphql
from tests.support.payments import card_through_api

USER = claims("user")["sub"]
AUTO_TOP_UP = """autoTopUp { enabled pack { id credits priceCents } threshold monthlyCap topUpsThisPeriod
  consecutiveFailures }"""
SET = f"""mutation Set($input: SetAutoTopUpInput!) {{ setAutoTopUp(input: $input) {{
  __typename
  ... on AutoTopUpSaved {{ account {{ {AUTO_TOP_UP} }} }}
  ... on InvalidAutoTopUp {{ message }}
  ... on PaymentMethodRequired {{ message amountDueCents }}
}} }}"""
OFF = f"mutation {{ turnOffAutoTopUp {{ account {{ {AUTO_TOP_UP} }} }} }}"
VIEWER = f"""{{ viewer {{ credits {{ available }} {AUTO_TOP_UP}
  history(first: 3) {{ edges {{ node {{ kind amount description }} }} }} }} }}"""
UPGRADE = """mutation { changePlan(input: {planId: "pro", interval: MONTHLY, idempotencyKey: "to-pro"}) {
  __typename } }"""
CONSUME = """mutation Consume($input: ConsumeInput!) { consumeCredits(input: $input) { __typename } }"""
FOUR_K_BATCH = {"kind": "IMAGE", "resolution": "RES_4K", "outputs": 10}


def ask(query: str, variables: dict[str, Any] | None = None) -> Any:
    body = graphql("user", query, variables)
    assert "errors" not in body, body
    return body["data"]


def settings(threshold: int = 2_700, monthly_cap: int = 2, pack_id: str = "pack-500") -> dict[str, Any]:
    return {"input": {"packId": pack_id, "threshold": threshold, "monthlyCap": monthly_cap}}


def spend(key: str) -> str:
    variables = {"input": {"accountId": USER, "creative": FOUR_K_BATCH, "jobId": key, "idempotencyKey": key}}
    body = graphql("service", CONSUME, variables)
    assert "errors" not in body, body
    return str(body["data"]["consumeCredits"]["__typename"])


def test_on_the_free_plan_it_is_refused_in_words(dynamodb: None) -> None:
    on_free = ask(SET, settings())["setAutoTopUp"]

    assert on_free == {
        "__typename": "InvalidAutoTopUp",
        "message": "Auto top-up is for paid plans: the Free plan has no credit packs. Upgrade to turn it on.",
    }
    assert ask(VIEWER)["viewer"]["autoTopUp"] is None


def test_settings_no_rule_accepts_are_bad_user_input_at_their_field(dynamodb: None) -> None:
    refused = {
        field: graphql("user", SET, variables)["errors"][0]["extensions"]
        for field, variables in [
            ("input.threshold", settings(threshold=0)),
            ("input.monthlyCap", settings(monthly_cap=11)),
            ("input.packId", settings(pack_id="pack-9")),
        ]
    }

    assert {field: (e["code"], e["field"]) for field, e in refused.items()} == {
        field: ("BAD_USER_INPUT", field) for field in refused
    }


def test_set_on_pro_it_tops_up_once_when_a_spend_crosses_the_threshold_and_turns_off(dynamodb: None) -> None:
    card_through_api(ask)
    assert ask(UPGRADE)["changePlan"]["__typename"] == "PlanChanged"

    saved = ask(SET, settings())["setAutoTopUp"]
    spends = [spend(f"job-{n}") for n in range(3)]  # 3,000 - 160 x 3: the second one crosses 2,700
    viewer = ask(VIEWER)["viewer"]
    off = ask(OFF)["turnOffAutoTopUp"]["account"]["autoTopUp"]

    expected = {
        "enabled": True,
        "pack": {"id": "pack-500", "credits": 500, "priceCents": 1_000},
        "threshold": 2_700,
        "monthlyCap": 2,
        "topUpsThisPeriod": 0,
        "consecutiveFailures": 0,
    }
    assert saved == {"__typename": "AutoTopUpSaved", "account": {"autoTopUp": expected}}
    assert spends == ["CreditsConsumed"] * 3
    assert viewer["credits"]["available"] == 3_000 - 480 + 500
    assert viewer["autoTopUp"] == expected | {"topUpsThisPeriod": 1}
    assert viewer["history"]["edges"][1]["node"] == {
        "kind": "GRANT",
        "amount": 500,
        "description": "Auto top-up: 500 credits (paid $10.00 with Visa •••• 4242)",
    }
    assert off == expected | {"enabled": False, "topUpsThisPeriod": 1}
