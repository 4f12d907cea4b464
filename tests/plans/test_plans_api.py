"""The plan page through the real Lambda handler (HTTP API v2 events), as each role."""

from datetime import datetime
from typing import Any

from tests.api.lambda_events import claims, graphql
from tests.support.payments import card_through_api

USER = claims("user")["sub"]

ACCOUNT_FIELDS = (
    "plan { id } interval status renewsAt endsAt scheduledChange { plan { id } interval effectiveAt }"
)
PREVIEW = """
query Preview($planId: ID!, $interval: BillingInterval!) {
  previewPlanChange(planId: $planId, interval: $interval) {
    plan { id } interval immediate effectiveAt creditsGrantedNow amountDueNowCents
  }
}
"""
CHANGE = f"""
mutation Change($input: ChangePlanInput!) {{
  changePlan(input: $input) {{
    __typename
    ... on PlanChanged {{
      creditsGranted amountDueCents account {{ {ACCOUNT_FIELDS} credits {{ available }} }}
      charged {{ amountCents status card description }}
    }}
    ... on PlanChangeScheduled {{ effectiveAt account {{ {ACCOUNT_FIELDS} }} }}
    ... on InvalidPlanChange {{ message }}
    ... on IdempotencyConflict {{ message }}
  }}
}}
"""
REQUEST = "mutation { requestCancellation { token effectiveAt creditsForfeited tokenExpiresAt } }"
CONFIRM = f"""
mutation Confirm($token: String!) {{
  confirmCancellation(token: $token) {{
    __typename
    ... on CancellationConfirmed {{ account {{ {ACCOUNT_FIELDS} }} }}
    ... on InvalidToken {{ message }}
  }}
}}
"""
RESUME = f"""
mutation {{
  resumePlan {{
    __typename
    ... on PlanResumed {{ account {{ {ACCOUNT_FIELDS} }} }}
    ... on NothingToResume {{ message }}
  }}
}}
"""
PLAN_HISTORY = """
{ viewer { history(filter: {kinds: [PLAN_CHANGE]}) { edges { node { kind amount description } } } } }
"""


def add_card() -> None:
    saved = card_through_api(lambda query, variables: graphql("user", query, variables)["data"])
    assert saved["__typename"] == "CardSaved", saved


def change(plan_id: str, interval: str, key: str, fixture: str = "user") -> dict[str, Any]:
    body = graphql(
        fixture, CHANGE, {"input": {"planId": plan_id, "interval": interval, "idempotencyKey": key}}
    )
    result: dict[str, Any] = body["data"]["changePlan"]
    return result


def test_a_person_previews_upgrades_retries_and_schedules_a_downgrade(dynamodb: None) -> None:
    add_card()
    preview = graphql("user", PREVIEW, {"planId": "pro", "interval": "MONTHLY"})["data"]["previewPlanChange"]

    upgraded = change("pro", "MONTHLY", "upgrade-to-pro")
    retried = change("pro", "MONTHLY", "upgrade-to-pro")
    conflict = change("business", "MONTHLY", "upgrade-to-pro")
    downgrade = change("starter", "MONTHLY", "down-to-starter")

    assert preview["immediate"] is True
    assert (preview["creditsGrantedNow"], preview["amountDueNowCents"]) == (2_900, 4_900)
    assert upgraded["__typename"] == "PlanChanged"
    assert (upgraded["creditsGranted"], upgraded["amountDueCents"]) == (2_900, 4_900)
    assert upgraded["account"]["plan"] == {"id": "pro"}
    assert upgraded["account"]["credits"] == {"available": 3_000}
    assert upgraded["charged"] == {
        "amountCents": 4_900,
        "status": "SUCCEEDED",
        "card": "Visa •••• 4242",
        "description": "Change to Pro, billed monthly",
    }
    assert retried == upgraded
    assert conflict["__typename"] == "IdempotencyConflict"
    assert downgrade["__typename"] == "PlanChangeScheduled"
    renews_at = upgraded["account"]["renewsAt"]
    assert downgrade["effectiveAt"] == renews_at
    assert downgrade["account"]["plan"] == {"id": "pro"}
    assert downgrade["account"]["scheduledChange"] == {
        "plan": {"id": "starter"},
        "interval": "MONTHLY",
        "effectiveAt": renews_at,
    }
    effective = datetime.fromisoformat(renews_at)
    history = graphql("user", PLAN_HISTORY)["data"]["viewer"]["history"]["edges"]
    assert [edge["node"]["description"] for edge in history] == [
        f"Downgrade to Starter scheduled for {effective.day} {effective:%b %Y}",
        "Upgraded to Pro (paid $49.00 with Visa •••• 4242)",
    ]
    assert {(edge["node"]["kind"], edge["node"]["amount"]) for edge in history} == {("PLAN_CHANGE", 0)}


def test_an_invalid_change_is_a_result_and_a_free_plan_cannot_be_bought_yearly(dynamodb: None) -> None:
    refused = change("free", "ANNUAL", "free-yearly")

    assert refused == {
        "__typename": "InvalidPlanChange",
        "message": "The Free plan cannot be bought yearly: choose MONTHLY billing.",
    }
    same = change("free", "MONTHLY", "free-again")
    assert same["__typename"] == "InvalidPlanChange"
    assert "already on the Free plan" in same["message"]


def test_a_person_cancels_with_a_token_once_and_resumes(dynamodb: None) -> None:
    add_card()
    upgraded = change("starter", "MONTHLY", "subscribe")
    offer = graphql("user", REQUEST)["data"]["requestCancellation"]

    confirmed = graphql("user", CONFIRM, {"token": offer["token"]})["data"]["confirmCancellation"]
    reused = graphql("user", CONFIRM, {"token": offer["token"]})["data"]["confirmCancellation"]
    resumed = graphql("user", RESUME)["data"]["resumePlan"]
    again = graphql("user", RESUME)["data"]["resumePlan"]

    renews_at = upgraded["account"]["renewsAt"]
    assert (offer["effectiveAt"], offer["creditsForfeited"]) == (renews_at, 1_000)
    assert confirmed["__typename"] == "CancellationConfirmed"
    account = confirmed["account"]
    assert (account["status"], account["endsAt"], account["renewsAt"]) == ("CANCELING", renews_at, None)
    assert reused["__typename"] == "InvalidToken"
    assert resumed["__typename"] == "PlanResumed"
    assert (resumed["account"]["status"], resumed["account"]["renewsAt"]) == ("ACTIVE", renews_at)
    assert again == {
        "__typename": "NothingToResume",
        "message": "Your plan is not canceled: there is nothing to resume.",
    }


def test_cancelling_the_free_plan_is_refused_clearly(dynamodb: None) -> None:
    body = graphql("user", REQUEST)

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["message"] == "The Free plan has nothing to cancel: it costs nothing and never ends."
    assert error["extensions"]["code"] == "REFUSED"


def test_the_service_and_admins_are_forbidden_to_change_plans(dynamodb: None) -> None:
    for fixture in ("service", "admin"):
        for query, variables in (
            (CHANGE, {"input": {"planId": "pro", "interval": "MONTHLY", "idempotencyKey": "k"}}),
            (PREVIEW, {"planId": "pro", "interval": "MONTHLY"}),
            (REQUEST, None),
            (CONFIRM, {"token": "t"}),
            (RESUME, None),
        ):
            body = graphql(fixture, query, variables)
            assert body["data"] is None, (fixture, query)
            assert [error["extensions"]["code"] for error in body["errors"]] == ["FORBIDDEN"]
