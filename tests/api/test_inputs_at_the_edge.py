"""Every input is checked before anything reads or writes a table: an empty, oversized or forged id,
key, note or reason, an instant without an offset or far off, a year out of range; each refused as
BAD_USER_INPUT naming the field where the client wrote it (domain/inputs.py has the limits)."""

import base64
from typing import Any

import pytest
from mangum import Mangum

from studio_credits.bootstrap import bootstrap, lambda_app
from studio_credits.domain import inputs
from studio_credits.domain.ids import new_ulid, public_id
from studio_credits.service.ports import Repository
from tests.api.lambda_events import LambdaHandler, claims, graphql
from tests.conftest import START

USER = claims("user")["sub"]
IMAGE = {"kind": "IMAGE", "resolution": "RES_1080P"}
AN_ENTRY = public_id(USER, new_ulid(START))
FORGED = base64.urlsafe_b64encode(f"/{new_ulid(START)}".encode()).decode().rstrip("=")
"""An id shaped as ours whose account is empty (DynamoDB refuses an empty key)."""
LONG = "x" * 2_048
MEGABYTE = "k" * 1_000_000

ACCOUNT = "query($id: ID!) { account(id: $id) { id } }"
QUOTE = "query($a: ID) { quote(creative: {kind: IMAGE, resolution: RES_2K}, accountId: $a) { credits } }"
CONSUME = "mutation($input: ConsumeInput!) { consumeCredits(input: $input) { __typename } }"
RESERVE = "mutation($input: ReserveInput!) { reserveCredits(input: $input) { __typename } }"
CAPTURE = "mutation($input: CaptureInput!) { captureReservation(input: $input) { __typename } }"
RELEASE = "mutation($input: ReleaseInput!) { releaseReservation(input: $input) { __typename } }"
REFUND = "mutation($input: RefundInput!) { refundCredits(input: $input) { __typename } }"
GRANT = "mutation($input: GrantInput!) { grantCredits(input: $input) { __typename } }"
CHANGE = "mutation($input: ChangePlanInput!) { changePlan(input: $input) { __typename } }"
PREVIEW = "query($p: ID!) { previewPlanChange(planId: $p, interval: MONTHLY) { immediate } }"


class Untouchable:
    """A repository that records any call: what the edge refuses must never get here."""

    def __init__(self) -> None:
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        self.calls.append(name)
        raise AssertionError(f"the repository was called: {name}")

    def calls_made(self) -> int:
        """What the request log asks of every repository: a count, no table touched."""
        return len(self.calls)


@pytest.fixture
def untouchable() -> Untouchable:
    return Untouchable()


@pytest.fixture
def handler(untouchable: Untouchable) -> LambdaHandler:
    repository: Repository = untouchable
    built: LambdaHandler = Mangum(lambda_app(bootstrap(repository=repository)), lifespan="off")
    return built


def spend(**fields: Any) -> dict[str, Any]:
    return {
        "input": {"accountId": USER, "creative": IMAGE, "jobId": "job-1", "idempotencyKey": "k-1"} | fields
    }


def grant(**fields: Any) -> dict[str, Any]:
    base = {"accountId": USER, "amount": 10, "source": "PROMO", "note": "goodwill", "idempotencyKey": "g-1"}
    return {"input": base | fields}


def refund(**fields: Any) -> dict[str, Any]:
    return {"input": {"entryId": AN_ENTRY, "reason": "failed render", "idempotencyKey": "r-1"} | fields}


def change(**fields: Any) -> dict[str, Any]:
    return {"input": {"planId": "pro", "interval": "MONTHLY", "idempotencyKey": "c-1"} | fields}


CASES = [
    ("service", ACCOUNT, {"id": ""}, "id", inputs.ACCOUNT_ID),
    ("admin", ACCOUNT, {"id": LONG}, "id", inputs.ACCOUNT_ID),
    ("user", ACCOUNT, {"id": "a b"}, "id", inputs.ACCOUNT_ID),
    ("service", QUOTE, {"a": ""}, "accountId", inputs.ACCOUNT_ID),
    ("service", CONSUME, spend(accountId=""), "input.accountId", inputs.ACCOUNT_ID),
    ("service", CONSUME, spend(accountId="\ud800"), "input.accountId", inputs.ACCOUNT_ID),
    ("service", CONSUME, spend(jobId=""), "input.jobId", inputs.JOB_ID),
    ("service", CONSUME, spend(jobId=LONG), "input.jobId", inputs.JOB_ID),
    ("service", CONSUME, spend(idempotencyKey=""), "input.idempotencyKey", inputs.IDEMPOTENCY_KEY),
    ("service", CONSUME, spend(idempotencyKey=MEGABYTE), "input.idempotencyKey", inputs.IDEMPOTENCY_KEY),
    ("service", RESERVE, spend(idempotencyKey=""), "input.idempotencyKey", inputs.IDEMPOTENCY_KEY),
    ("service", RESERVE, spend(idempotencyKey="k" * 65), "input.idempotencyKey", inputs.IDEMPOTENCY_KEY),
    ("service", RESERVE, spend(idempotencyKey="a#b"), "input.idempotencyKey", inputs.IDEMPOTENCY_KEY),
    ("service", CAPTURE, {"input": {"reservationId": LONG}}, "input.reservationId", inputs.PUBLIC_ID),
    ("service", CAPTURE, {"input": {"reservationId": FORGED}}, "input.reservationId", inputs.PUBLIC_ID),
    (
        "service",
        RELEASE,
        {"input": {"reservationId": "", "reason": "r"}},
        "input.reservationId",
        inputs.PUBLIC_ID,
    ),
    (
        "service",
        RELEASE,
        {"input": {"reservationId": AN_ENTRY, "reason": "a\x00"}},
        "input.reason",
        inputs.TEXT,
    ),
    ("service", REFUND, refund(entryId=FORGED), "input.entryId", inputs.PUBLIC_ID),
    ("service", REFUND, refund(reason="\udc00"), "input.reason", inputs.TEXT),
    ("service", REFUND, refund(reason=MEGABYTE), "input.reason", inputs.TEXT),
    ("service", REFUND, refund(idempotencyKey=""), "input.idempotencyKey", inputs.IDEMPOTENCY_KEY),
    ("user", PREVIEW, {"p": "x" * 1_000}, "planId", inputs.PLAN_ID),
    ("user", CHANGE, change(planId=""), "input.planId", inputs.PLAN_ID),
    ("user", CHANGE, change(idempotencyKey=""), "input.idempotencyKey", inputs.IDEMPOTENCY_KEY),
    ("service", GRANT, grant(note=""), "input.note", inputs.TEXT),
    ("admin", GRANT, grant(note="   "), "input.note", inputs.TEXT),
    ("admin", GRANT, grant(note="n" * 501), "input.note", inputs.TEXT),
    ("service", GRANT, grant(accountId=""), "input.accountId", inputs.ACCOUNT_ID),
    ("service", GRANT, grant(idempotencyKey=""), "input.idempotencyKey", inputs.IDEMPOTENCY_KEY),
    ("service", GRANT, grant(expiresAt="2027-01-01T00:00:00"), "input.expiresAt", inputs.INSTANT),
    ("service", GRANT, grant(expiresAt="1960-01-01T00:00:00Z"), "input.expiresAt", inputs.INSTANT),
    ("service", GRANT, grant(expiresAt="2200-01-01T00:00:00Z"), "input.expiresAt", inputs.INSTANT),
]


@pytest.mark.parametrize(
    ("caller", "query", "variables", "field", "accepted"),
    CASES,
    ids=[f"{case[3]}-{index}" for index, case in enumerate(CASES)],
)
def test_a_bad_input_is_refused_before_any_table_is_touched(
    handler: LambdaHandler,
    untouchable: Untouchable,
    caller: str,
    query: str,
    variables: dict[str, Any],
    field: str,
    accepted: inputs.Accepted[Any],
) -> None:
    body = graphql(caller, query, variables, handler)

    assert not any((body["data"] or {}).values()), body
    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert error["message"] == f"{field}: {accepted.says}"
    assert untouchable.calls == []


USAGE = "query($year: Int, $from: DateTime, $to: DateTime) { viewer { usage(year: $year, from: $from, to: $to) { totalCredits } } }"  # noqa: E501
HISTORY = "query($filter: HistoryFilter) { viewer { history(filter: $filter) { edges { cursor } } } }"


@pytest.mark.parametrize(
    ("query", "variables", "field", "accepted"),
    [
        (USAGE, {"year": -1}, "year", inputs.YEAR),
        (USAGE, {"year": 0}, "year", inputs.YEAR),
        (USAGE, {"year": 2_147_483_647}, "year", inputs.YEAR),
        (USAGE, {"from": "2026-01-01T00:00:00"}, "from", inputs.INSTANT),
        (USAGE, {"to": "1969-12-31T23:59:59Z"}, "to", inputs.INSTANT),
        (HISTORY, {"filter": {"from": "2026-01-01T00:00:00"}}, "filter.from", inputs.INSTANT),
        (HISTORY, {"filter": {"to": "1900-01-01T00:00:00+01:00"}}, "filter.to", inputs.INSTANT),
        (HISTORY, {"filter": {"year": 0}}, "filter.year", inputs.YEAR),
    ],
)
def test_a_bad_range_of_the_viewer_s_usage_or_history(
    dynamodb: None, query: str, variables: dict[str, Any], field: str, accepted: inputs.Accepted[Any]
) -> None:
    body = graphql("user", query, variables)

    [error] = body["errors"]
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert error["message"] == f"{field}: {accepted.says}"


@pytest.mark.parametrize(
    ("caller", "query", "variables", "field", "message"),
    [
        (
            "service",
            GRANT,
            grant(source="BOGUS"),
            "input.source",
            "Variable '$input' has invalid value at .source: "
            "Value 'BOGUS' does not exist in 'LotSource' enum.",
        ),
        (
            "service",
            CONSUME,
            spend(creative={"kind": "GIF", "resolution": "RES_2K"}),
            "input.creative.kind",
            "Variable '$input' has invalid value at .creative.kind: "
            "Value 'GIF' does not exist in 'CreativeKind' enum.",
        ),
        (
            "user",
            CHANGE,
            change(interval="WEEKLY"),
            "input.interval",
            "Variable '$input' has invalid value at .interval: "
            "Value 'WEEKLY' does not exist in 'BillingInterval' enum.",
        ),
        (
            "service",
            GRANT,
            grant(amount="ten"),
            "input.amount",
            "Variable '$input' has invalid value at .amount: Int cannot represent non-integer value: 'ten'",
        ),
        (
            "service",
            ACCOUNT,
            {},
            "id",
            "Variable '$id' has invalid value: Expected a value of non-null type 'ID!' to be provided.",
        ),
    ],
    ids=["grant source", "creative kind", "billing interval", "amount", "missing"],
)
def test_a_variable_graphql_refuses_is_bad_user_input_naming_where(
    handler: LambdaHandler,
    untouchable: Untouchable,
    caller: str,
    query: str,
    variables: dict[str, Any],
    field: str,
    message: str,
) -> None:
    body = graphql(caller, query, variables, handler)

    assert body == {
        "data": None,
        "errors": [{"message": message, "extensions": {"code": "BAD_USER_INPUT", "field": field}}],
    }
    assert untouchable.calls == []
