"""Each request through the Lambda handler leaves one JSON log line and its metrics: an expected
refusal at INFO without a traceback, an unexpected error at ERROR with its exception and the id the
client was shown; never a token or a secret."""

import logging

import pytest

from studio_credits.settings import Settings
from studio_credits.store.repository import DynamoRepository
from tests.api.lambda_events import claims, event, graphql, invoke
from tests.support.telemetry import captured_output

USER = claims("user")["sub"]
SERVICE_REQUEST = "Bq3yEgKcoAMEbZQ="
"""The API Gateway request ids of tests/events/service.json and user.json."""
USER_REQUEST = "Bq3xZhJQoAMEVbw="
LATENCY = "RequestLatency|service=studio-credits"
CONSUME = """
mutation Spend($input: ConsumeInput!) {
  consumeCredits(input: $input) { __typename ... on FeatureNotInPlan { blockedBy } }
}
"""


def spend(creative: dict[str, object], key: str) -> dict[str, object]:
    return {"input": {"accountId": USER, "creative": creative, "jobId": key, "idempotencyKey": key}}


IMAGE = {"kind": "IMAGE", "resolution": "RES_1080P", "outputs": 1}


def test_a_consumption_logs_its_caller_account_calls_and_correlation_id(dynamodb: None) -> None:
    graphql("user", "{ viewer { id } }")

    with captured_output() as output:
        body = graphql("service", CONSUME, spend(IMAGE, "k-1"))

    assert body["data"]["consumeCredits"]["__typename"] == "CreditsConsumed"
    [line] = output.logs
    assert (
        line.items()
        >= {
            "level": "INFO",
            "message": "Spend: ok",
            "operation": "Spend",
            "role": "service",
            "account": USER,
            "outcome": "ok",
            "dynamodb_calls": 2,
            "correlation_id": SERVICE_REQUEST,
            "function_name": "studio-credits-test-api",
            "function_request_id": "6f1c7e0a-2b3d-4c5e-8f90-a1b2c3d4e5f6",
        }.items()
    )
    assert output.metrics["CreditsConsumed|CreativeKind=IMAGE|Plan=free|service=studio-credits"][:2] == (
        4,
        "Count",
    )
    assert output.metrics[LATENCY][1] == "Milliseconds"


@pytest.mark.parametrize(
    ("caller", "variables", "refusal_type"),
    [
        ("user", spend(IMAGE, "k-2"), "FORBIDDEN"),
        (
            "service",
            spend({"kind": "IMAGE", "resolution": "RES_1080P", "outputs": 0}, "k-3"),
            "BAD_USER_INPUT",
        ),
        ("anonymous", spend(IMAGE, "k-4"), "UNAUTHENTICATED"),
        (
            "service",
            spend({"kind": "VIDEO", "resolution": "RES_4K", "durationSeconds": 10}, "k-5"),
            "FeatureNotInPlan",
        ),
    ],
)
def test_an_expected_refusal_is_one_info_line_without_a_traceback(
    dynamodb: None,
    caplog: pytest.LogCaptureFixture,
    caller: str,
    variables: dict[str, object],
    refusal_type: str,
) -> None:
    graphql("user", "{ viewer { id } }")

    with caplog.at_level(logging.DEBUG, logger="strawberry"), captured_output() as output:
        graphql(caller, CONSUME, variables)

    [line] = output.logs
    assert line.items() >= {"level": "INFO", "outcome": "refused", "refusal_type": refusal_type}.items()
    assert "exception" not in line
    assert not [record for record in caplog.records if record.name.startswith("strawberry")]
    assert output.metrics[f"Refusals|RefusalType={refusal_type}|service=studio-credits"][:2] == (1, "Count")


def test_an_unexpected_error_is_an_error_line_with_the_id_the_client_sees(
    dynamodb: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken_get(self: DynamoRepository, account_id: str) -> None:
        raise RuntimeError(f"internal detail for {account_id}")

    monkeypatch.setattr(DynamoRepository, "get", broken_get)

    with captured_output() as output:
        body = graphql("user", "{ viewer { id } }")

    [error] = body["errors"]
    assert error["message"] == f"Unexpected error; support can find it by the id {USER_REQUEST}"
    [line] = output.logs
    assert (
        line.items()
        >= {
            "level": "ERROR",
            "outcome": "error",
            "correlation_id": USER_REQUEST,
            "exception_name": "RuntimeError",
        }.items()
    )
    assert f"internal detail for {USER}" in line["exception"]
    assert output.metrics["RequestErrors|service=studio-credits"][:2] == (1, "Count")


def test_no_token_or_secret_is_ever_logged(dynamodb: None, monkeypatch: pytest.MonkeyPatch) -> None:
    headers = [event(fixture, "{ viewer { id } }")["headers"] for fixture in ("user", "service")]
    tokens = [header["authorization"].removeprefix("Bearer ") for header in headers]
    with captured_output() as output:
        graphql("user", "{ viewer { id email } }")
        graphql("service", CONSUME, spend(IMAGE, "k-6"))
        invoke(event("user", "{ viewer { id } }"))
        monkeypatch.setattr(DynamoRepository, "get", lambda *_: 1 / 0)
        graphql("user", "{ viewer { id } }")

    assert len(output.logs) == 4
    for secret in [*tokens, Settings().dev_token_secret, claims("user")["email"]]:
        assert secret not in output.text


@pytest.mark.parametrize("query", ["{ plans { id ", "{ plans { nope } }"])
def test_an_operation_graphql_refuses_is_logged_as_an_invalid_operation(dynamodb: None, query: str) -> None:
    with captured_output() as output:
        graphql("user", query)

    [line] = output.logs
    assert (
        line.items() >= {"level": "INFO", "outcome": "refused", "refusal_type": "INVALID_OPERATION"}.items()
    )
    assert output.metrics["Refusals|RefusalType=INVALID_OPERATION|service=studio-credits"][:2] == (1, "Count")
