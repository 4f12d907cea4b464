"""Where the API says a request is wrong: each invalid input as BAD_USER_INPUT naming the GraphQL
argument path the client wrote, and each rule's no without a result union as REFUSED."""

from datetime import UTC, datetime
from typing import Any

import pytest

from studio_credits.domain.ids import new_ulid, public_id
from studio_credits.domain.inputs import IDEMPOTENCY_KEY
from tests.api.lambda_events import claims, graphql

USER = claims("user")["sub"]
IMAGE = {"kind": "IMAGE", "resolution": "RES_1080P"}
RESERVE = """
mutation($input: ReserveInput!) { reserveCredits(input: $input) {
  __typename ... on CreditsReserved { reservation { id } }
} }
"""
CONSUME = "mutation($input: ConsumeInput!) { consumeCredits(input: $input) { __typename } }"
CAPTURE = "mutation($input: CaptureInput!) { captureReservation(input: $input) { __typename } }"
RELEASE = "mutation($input: ReleaseInput!) { releaseReservation(input: $input) { __typename } }"
REFUND = "mutation($input: RefundInput!) { refundCredits(input: $input) { __typename } }"
CHANGE = "mutation($input: ChangePlanInput!) { changePlan(input: $input) { __typename } }"
HISTORY = """
query($filter: HistoryFilter, $first: Int, $after: String) {
  viewer { history(filter: $filter, first: $first, after: $after) { pageInfo { hasNextPage } } }
}
"""
USAGE = "query($year: Int, $from: DateTime, $to: DateTime) { viewer { usage(year: $year, from: $from, to: $to) { totalCredits } } }"  # noqa: E501
QUOTE = "query($c: CreativeInput!, $a: ID) { quote(creative: $c, accountId: $a) { credits } }"
PREVIEW = "query($p: ID!, $i: BillingInterval!) { previewPlanChange(planId: $p, interval: $i) { immediate } }"


def spend(**fields: Any) -> dict[str, Any]:
    return {"input": {"accountId": USER, "creative": IMAGE, "jobId": "j", "idempotencyKey": "k"} | fields}


def reserved_id() -> str:
    body = graphql("service", RESERVE, spend())
    found: str = body["data"]["reserveCredits"]["reservation"]["id"]
    return found


def the_error(body: dict[str, Any]) -> dict[str, Any]:
    assert body["data"] is None, body
    [error] = body["errors"]
    return dict(error)


def assert_bad_input(body: dict[str, Any], field: str, message: str) -> None:
    error = the_error(body)
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert error["message"] == f"{field}: {message}"


@pytest.fixture
def opened(dynamodb: None) -> None:
    graphql("user", "{ viewer { id } }")


def test_a_reservation_ttl_out_of_range(opened: None) -> None:
    body = graphql("service", RESERVE, spend(ttlSeconds=0))

    assert_bad_input(body, "input.ttlSeconds", "a reservation lasts 1 s to 24 h, not 0 s")


def test_a_bad_creative_in_a_write_is_named_under_input(opened: None) -> None:
    body = graphql("service", CONSUME, spend(creative=IMAGE | {"outputs": 0}))

    assert_bad_input(body, "input.creative.outputs", "outputs must be between 1 and 25, not 0")


def test_reservation_and_entry_ids(opened: None) -> None:
    missing = public_id(USER, new_ulid(datetime(2026, 1, 1, tzinfo=UTC)))

    assert_bad_input(
        graphql("service", CAPTURE, {"input": {"reservationId": "nope"}}),
        "input.reservationId",
        "not an id this service issued",
    )
    assert_bad_input(
        graphql("service", RELEASE, {"input": {"reservationId": missing, "reason": "r"}}),
        "input.reservationId",
        "no such reservation",
    )
    assert_bad_input(
        graphql("service", REFUND, {"input": {"entryId": missing, "reason": "r", "idempotencyKey": "f"}}),
        "input.entryId",
        "no such ledger entry",
    )


def test_capturing_more_outputs_than_reserved(opened: None) -> None:
    body = graphql("service", CAPTURE, {"input": {"reservationId": reserved_id(), "deliveredOutputs": 2}})

    assert_bad_input(
        body,
        "input.deliveredOutputs",
        "1 to 1 outputs were reserved, not 2; to capture none, release the reservation",
    )


def test_an_empty_idempotency_key_for_a_plan_change(opened: None) -> None:
    body = graphql("user", CHANGE, {"input": {"planId": "pro", "interval": "MONTHLY", "idempotencyKey": " "}})

    assert_bad_input(body, "input.idempotencyKey", IDEMPOTENCY_KEY.says)


@pytest.mark.parametrize(
    ("variables", "field", "message"),
    [
        ({"filter": {"year": 1900}}, "filter.year", "a year from 2000 to 2099"),
        (
            {"filter": {"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}},
            "filter.from",
            "from is after to",
        ),
        ({"first": 0}, "first", "a page holds 1 to 100 entries, not 0"),
        ({"after": "garbage"}, "after", "not a cursor this service issued"),
    ],
)
def test_history_arguments(opened: None, variables: dict[str, Any], field: str, message: str) -> None:
    assert_bad_input(graphql("user", HISTORY, variables), field, message)


@pytest.mark.parametrize(
    ("variables", "field", "message"),
    [
        ({"year": 2026, "from": "2026-01-01T00:00:00Z"}, "year", "give a year, or from and to, not both"),
        ({"from": "2026-02-01T00:00:00Z", "to": "2026-01-01T00:00:00Z"}, "from", "from is after to"),
    ],
)
def test_usage_arguments(opened: None, variables: dict[str, Any], field: str, message: str) -> None:
    assert_bad_input(graphql("user", USAGE, variables), field, message)


def test_a_quote_for_an_account_that_does_not_exist(opened: None) -> None:
    body = graphql("admin", QUOTE, {"c": IMAGE, "a": "ghost"})

    assert_bad_input(body, "accountId", "no account 'ghost'")


def test_a_preview_the_rules_refuse(opened: None) -> None:
    error = the_error(graphql("user", PREVIEW, {"p": "free", "i": "ANNUAL"}))

    assert error["extensions"] == {"code": "REFUSED"}
    assert "cannot be bought yearly" in error["message"]


def test_a_write_to_an_account_that_does_not_exist(opened: None) -> None:
    error = the_error(graphql("service", CONSUME, spend(accountId="ghost")))

    assert error == {
        "message": "no account 'ghost'",
        "locations": error["locations"],
        "path": ["consumeCredits"],
        "extensions": {"code": "REFUSED"},
    }
