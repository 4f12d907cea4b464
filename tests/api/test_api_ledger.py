"""The ledger's mutations and reads through the Lambda handler: the README's worked example,
the contract's result unions, and who may call what."""

from typing import Any

from functions.api import handler
from studio_credits.domain.clock import FixedClock
from tests.api.lambda_events import LambdaHandler, claims, graphql, handler_at
from tests.support.payments import card_through_api

USER = claims("user")["sub"]
BALANCE = "balance { available reserved usedThisPeriod lots { source remaining } }"
RESERVE = f"""
mutation Reserve($input: ReserveInput!) {{
  reserveCredits(input: $input) {{
    __typename
    ... on CreditsReserved {{ reservation {{ id status credits outputs expiresAt }} {BALANCE} }}
    ... on InsufficientCredits {{ required available }}
    ... on FeatureNotInPlan {{ blockedBy cheapestPlanAllowing {{ id }} }}
    ... on IdempotencyConflict {{ message }}
  }}
}}
"""
CAPTURE = f"""
mutation Capture($input: CaptureInput!) {{
  captureReservation(input: $input) {{
    __typename
    ... on ReservationSettled {{ reservation {{ status credits }} entry {{ kind amount }} {BALANCE} }}
    ... on ReservationNotHeld {{ message notHeld: reservation {{ status }} }}
  }}
}}
"""
CONSUME = f"""
mutation Consume($input: ConsumeInput!) {{
  consumeCredits(input: $input) {{
    __typename
    ... on CreditsConsumed {{
      entry {{ id kind amount balanceAfter jobId lots {{ source amount }} }} {BALANCE}
    }}
    ... on InsufficientCredits {{ required available }}
    ... on FeatureNotInPlan {{ blockedBy cheapestPlanAllowing {{ id }} }}
    ... on IdempotencyConflict {{ message }}
  }}
}}
"""
GRANT = """
mutation Grant($input: GrantInput!) {
  grantCredits(input: $input) {
    __typename
    ... on CreditsGranted { entry { kind amount } balance { available } }
    ... on GrantRejected { message }
    ... on IdempotencyConflict { message }
  }
}
"""
REFUND = """
mutation Refund($input: RefundInput!) {
  refundCredits(input: $input) {
    __typename
    ... on CreditsRefunded { entry { kind amount } balance { available } }
    ... on RefundRejected { message }
    ... on IdempotencyConflict { message }
  }
}
"""
HISTORY = """
query History($id: ID!, $filter: HistoryFilter, $first: Int, $after: String) {
  account(id: $id) {
    history(filter: $filter, first: $first, after: $after) {
      edges { cursor node { kind amount balanceAfter description jobId creative { kind outputs } } }
      pageInfo { hasNextPage endCursor }
    }
  }
}
"""
IMAGE_2K = {"kind": "IMAGE", "resolution": "RES_2K", "outputs": 4}


CHANGE_PLAN = """
mutation Change($input: ChangePlanInput!) { changePlan(input: $input) { __typename } }
"""


def open_account(plan_id: str = "free", lambda_handler: LambdaHandler = handler) -> None:
    """The user's account, opened on the free plan and changed to `plan_id` as the plan page does: a
    higher plan applies at once and tops the period up to its monthly credits."""
    graphql("user", "{ viewer { id } }", lambda_handler=lambda_handler)
    if plan_id != "free":
        card_through_api(lambda query, variables: data(graphql("user", query, variables, lambda_handler)))
        change = {"planId": plan_id, "interval": "MONTHLY", "idempotencyKey": f"to-{plan_id}"}
        assert data(graphql("user", CHANGE_PLAN, {"input": change}, lambda_handler)) == {
            "changePlan": {"__typename": "PlanChanged"}
        }


def consume(
    creative: dict[str, Any], job: str, key: str, lambda_handler: LambdaHandler = handler
) -> dict[str, Any]:
    """consumeCredits on the user's account, as the generation service; the whole `data`."""
    variables = {"input": {"accountId": USER, "creative": creative, "jobId": job, "idempotencyKey": key}}
    return data(graphql("service", CONSUME, variables, lambda_handler))


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    found: dict[str, Any] = body["data"]
    return found


def test_worked_example_quote_reserve_capture_three_of_four_then_history(dynamodb: None) -> None:
    open_account("starter")
    quoted = data(
        graphql(
            "service",
            "query($c: CreativeInput!, $a: ID) { quote(creative: $c, accountId: $a) { credits } }",
            {"c": IMAGE_2K, "a": USER},
        )
    )
    assert quoted["quote"]["credits"] == 32

    reserved = data(
        graphql(
            "service",
            RESERVE,
            {"input": {"accountId": USER, "creative": IMAGE_2K, "jobId": "job-7", "idempotencyKey": "r-7"}},
        )
    )["reserveCredits"]
    assert reserved["__typename"] == "CreditsReserved"
    # Starter: the free plan's 100 topped up with 900 at the upgrade; 1,000 - 32 held
    assert reserved["balance"]["available"] == 968 and reserved["balance"]["reserved"] == 32

    captured = data(
        graphql(
            "service",
            CAPTURE,
            {"input": {"reservationId": reserved["reservation"]["id"], "deliveredOutputs": 3}},
        )
    )["captureReservation"]
    assert captured["__typename"] == "ReservationSettled"
    assert captured["entry"] == {"kind": "CAPTURE", "amount": -24}
    assert captured["balance"]["available"] == 976 and captured["balance"]["reserved"] == 0

    edges = data(
        graphql("user", HISTORY.replace("account(id: $id)", "viewer"), {"id": USER})
        if False
        else graphql("service", HISTORY, {"id": USER})
    )["account"]["history"]["edges"]
    assert [(e["node"]["kind"], e["node"]["amount"], e["node"]["balanceAfter"]) for e in edges] == [
        ("RELEASE", 0, 976),
        ("CAPTURE", -24, 976),
        ("RESERVE", 0, 1_000),
        ("GRANT", 900, 1_000),
        ("PLAN_CHANGE", 0, 100),
        ("GRANT", 100, 100),
    ]


def test_refusals_are_data_not_errors(dynamodb: None) -> None:
    open_account()
    video = {"kind": "VIDEO", "resolution": "RES_720P", "durationSeconds": 10}
    consume({"kind": "IMAGE", "resolution": "RES_1080P"}, job="j0", key="c0")

    short = consume(video, job="j", key="c1")
    blocked = consume({"kind": "IMAGE", "resolution": "RES_4K"}, job="j", key="c2")
    conflict = consume(video, job="other", key="c0")

    assert short["consumeCredits"] == {"__typename": "InsufficientCredits", "required": 100, "available": 96}
    assert blocked["consumeCredits"]["__typename"] == "FeatureNotInPlan"
    assert blocked["consumeCredits"]["cheapestPlanAllowing"] == {"id": "pro"}
    assert conflict["consumeCredits"]["__typename"] == "IdempotencyConflict"


def test_only_the_service_spends_and_only_service_or_admin_grants(dynamodb: None) -> None:
    open_account()
    spend = {
        "input": {
            "accountId": USER,
            "creative": {"kind": "IMAGE", "resolution": "RES_1080P"},
            "jobId": "j",
            "idempotencyKey": "k",
        }
    }
    top_up = {
        "input": {"accountId": USER, "amount": 50, "source": "PROMO", "note": "sorry", "idempotencyKey": "g"}
    }

    by_user = graphql("user", CONSUME, spend)
    by_admin = graphql("admin", CONSUME, spend)
    grant_by_user = graphql("user", GRANT, top_up)
    grant_by_admin = data(graphql("admin", GRANT, top_up))

    for refused in (by_user, by_admin, grant_by_user):
        assert refused["data"] is None
        assert refused["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    assert grant_by_admin["grantCredits"] == {
        "__typename": "CreditsGranted",
        "entry": {"kind": "GRANT", "amount": 50},
        "balance": {"available": 150},
    }


def test_refund_through_the_api_once(dynamodb: None) -> None:
    open_account("starter")
    consumed = consume(IMAGE_2K | {"outputs": 2}, job="j", key="c")["consumeCredits"]
    entry_id = consumed["entry"]["id"]

    first = data(
        graphql(
            "service", REFUND, {"input": {"entryId": entry_id, "reason": "blurry", "idempotencyKey": "f1"}}
        )
    )
    retried = data(
        graphql(
            "service", REFUND, {"input": {"entryId": entry_id, "reason": "blurry", "idempotencyKey": "f1"}}
        )
    )
    second = data(
        graphql(
            "service", REFUND, {"input": {"entryId": entry_id, "reason": "again", "idempotencyKey": "f2"}}
        )
    )

    assert first["refundCredits"] == {
        "__typename": "CreditsRefunded",
        "entry": {"kind": "REFUND", "amount": 16},
        "balance": {"available": 1_000},  # Starter's 1,000 - 16 + 16
    }
    assert retried == first
    assert second["refundCredits"]["__typename"] == "RefundRejected"


def test_low_credit_notices_once_per_threshold(dynamodb: None) -> None:
    open_account()
    for n in range(25):  # 4 credits each: 80 % at the 20th, 95 % at the 24th
        consume({"kind": "IMAGE", "resolution": "RES_1080P"}, job=f"j{n}", key=f"c{n}")

    notices = data(graphql("user", "{ viewer { notices { kind message } } }"))["viewer"]["notices"]

    assert [n["kind"] for n in notices] == ["LOW_CREDITS", "LOW_CREDITS"]
    assert "96 of this period's 100 credits" in notices[0]["message"]
    assert "80 of this period's 100 credits" in notices[1]["message"]


def test_usage_by_kind_for_the_year(dynamodb: None, clock: FixedClock) -> None:
    # One instant: on the real clock, the spends and the read could fall in two months or years.
    frozen = handler_at(clock)
    open_account(lambda_handler=frozen)
    video = {"kind": "VIDEO", "resolution": "RES_480P", "durationSeconds": 2}
    consume(video, job="v", key="v", lambda_handler=frozen)
    consume({"kind": "IMAGE", "resolution": "RES_1080P"}, job="i", key="i", lambda_handler=frozen)

    usage = data(
        graphql(
            "user",
            "{ viewer { usage { totalCredits totalCreatives "
            "byKind { kind credits creatives } byMonth { credits byKind { kind credits creatives } } } } }",
            lambda_handler=frozen,
        )
    )["viewer"]["usage"]

    assert usage["totalCredits"] == 20 and usage["totalCreatives"] == 2
    assert sorted((k["kind"], k["credits"], k["creatives"]) for k in usage["byKind"]) == [
        ("IMAGE", 4, 1),
        ("VIDEO", 16, 1),
    ]
    [month] = usage["byMonth"]
    assert month["credits"] == 20
    assert sorted(month["byKind"], key=lambda k: k["kind"]) == sorted(
        usage["byKind"], key=lambda k: k["kind"]
    )
