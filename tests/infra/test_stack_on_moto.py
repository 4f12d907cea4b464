"""The generated stack, created by moto's CloudFormation, runs the service: every function works
against the tables the stack made, with the environment the stack gave it, and calls only what
its role allows."""

import json
import sysconfig
from datetime import UTC, datetime, timedelta
from typing import Any

from tests.api.lambda_events import stripe_webhook_event
from tests.infra.stack_deployment import (
    ROOT,
    Deployment,
    Invocation,
    allows,
    graphql_event,
    graphql_response,
    lambda_functions,
    required_permission,
    run_function,
    scheduled_event,
)

SOURCE_TREE = [str(ROOT), sysconfig.get_paths()["purelib"]]
USER = "8b0e5c1a-93f2-4a6d-b7e4-2c9d1f0a3e57"
"""The `sub` of tests/events/user.json."""

IMAGE = {"kind": "IMAGE", "resolution": "RES_1080P", "outputs": 1}


def run(deployment: Deployment, function: str, event: dict[str, object]) -> Invocation:
    invocation = run_function(deployment, function, event, SOURCE_TREE)
    statements = deployment.role_policy(function)
    refused = [required_permission(call) for call in invocation.calls if not allows(statements, call)]
    assert not refused, f"{function}'s role does not allow {refused}"
    return invocation


def run_job(deployment: Deployment, function: str, at: datetime) -> dict[str, int]:
    rule = lambda_functions(deployment.template)[function]["Properties"]["FunctionName"]
    report: dict[str, int] = run(deployment, function, scheduled_event(rule, at.isoformat())).result
    assert report["failed"] == 0, report
    return report


def graphql(
    deployment: Deployment, caller: str, query: str, variables: dict[str, object]
) -> dict[str, object]:
    return graphql_response(run(deployment, "api", graphql_event(caller, query, variables)))


def ledger_items(deployment: Deployment) -> list[dict[str, dict[str, str]]]:
    table = deployment.function_environment("api")["STUDIO_CREDITS_LEDGER_TABLE"]
    items: list[dict[str, dict[str, str]]] = deployment.client("dynamodb").scan(TableName=table)["Items"]
    return items


def test_functions_use_the_tables_the_stack_created(deployment: Deployment) -> None:
    tables = {deployment.resources["AccountsTable"], deployment.resources["LedgerTable"]}
    for function in lambda_functions(deployment.template):
        environment = deployment.function_environment(function)
        assert {
            environment["STUDIO_CREDITS_ACCOUNTS_TABLE"],
            environment["STUDIO_CREDITS_LEDGER_TABLE"],
        } == tables
    assert set(deployment.client("dynamodb").list_tables()["TableNames"]) == tables


def test_viewer_consumption_sweep_notice_and_refresh_go_through(deployment: Deployment) -> None:
    viewer = graphql(deployment, "user", "{ viewer { id nextRefreshAt credits { available } } }", {})[
        "viewer"
    ]
    assert isinstance(viewer, dict)
    assert viewer["id"] == USER
    assert viewer["credits"] == {"available": 100}

    consumed = graphql(
        deployment,
        "service",
        "mutation($input: ConsumeInput!) { consumeCredits(input: $input) {"
        " __typename ... on CreditsConsumed { balance { available } } } }",
        {"input": {"accountId": USER, "creative": IMAGE, "jobId": "job-1", "idempotencyKey": "consume-1"}},
    )
    assert consumed["consumeCredits"] == {"__typename": "CreditsConsumed", "balance": {"available": 96}}

    reserved = graphql(
        deployment,
        "service",
        "mutation($input: ReserveInput!) { reserveCredits(input: $input) { __typename } }",
        {
            "input": {
                "accountId": USER,
                "creative": IMAGE,
                "jobId": "job-2",
                "idempotencyKey": "reserve-1",
                "ttlSeconds": 60,
            }
        },
    )
    assert reserved["reserveCredits"] == {"__typename": "CreditsReserved"}

    period_end = datetime.fromisoformat(str(viewer["nextRefreshAt"]))
    assert run_job(deployment, "sweep", period_end - timedelta(days=20))["swept"] == 1
    assert run_job(deployment, "notices", period_end - timedelta(days=3, minutes=-5))["emails"] >= 1
    assert run_job(deployment, "refresh", period_end + timedelta(minutes=5))["refreshed"] >= 1
    refreshed = graphql(deployment, "user", "{ viewer { nextRefreshAt } }", {})["viewer"]
    assert isinstance(refreshed, dict)
    assert datetime.fromisoformat(str(refreshed["nextRefreshAt"])) > period_end

    sent = deployment.client("ses").get_send_statistics()["SendDataPoints"]
    assert sum(point["DeliveryAttempts"] for point in sent) >= 1
    kinds = {str(item["item_type"]["S"]) for item in ledger_items(deployment)}
    assert {"entry", "reservation", "notice"} <= kinds


SERVICE = "studio-credits-test"
"""The `service` of the test stage's logs and metrics (POWERTOOLS_SERVICE_NAME)."""
OBSERVED = "4d1e6b2a-7c3f-4e8d-9a0b-5f6e7d8c9b1a"
"""A person only the observability test uses, so the figures below are this test's alone."""
CONSUME = (
    "mutation($input: ConsumeInput!) { consumeCredits(input: $input) {"
    " __typename ... on CreditsConsumed { balance { available } } } }"
)


def as_observed(event: dict[str, object], request_id: str) -> dict[str, object]:
    """The event with the observed person's identity (for a user's event) and its own request id."""
    context: Any = event["requestContext"]
    context["requestId"] = request_id
    claims = context["authorizer"]["jwt"]["claims"]
    if claims.get("email"):
        claims["sub"] = OBSERVED
    return event


def test_each_request_and_job_run_leaves_one_log_line_and_its_metrics(deployment: Deployment) -> None:
    opened = run(deployment, "api", as_observed(graphql_event("user", "{ viewer { id } }"), "req-open"))
    assert graphql_response(opened) == {"viewer": {"id": OBSERVED}}

    consume = {"accountId": OBSERVED, "creative": IMAGE, "jobId": "job-o", "idempotencyKey": "observed-1"}
    consumed = run(
        deployment, "api", as_observed(graphql_event("service", CONSUME, {"input": consume}), "req-1")
    )
    assert graphql_response(consumed)["consumeCredits"]["balance"] == {"available": 96}
    [line] = consumed.log_lines
    assert (
        line.items()
        >= {
            "level": "INFO",
            "message": "consumeCredits: ok",
            "service": SERVICE,
            "function_name": "studio-credits-test-api",
            "cold_start": True,
            "correlation_id": "req-1",
            "operation": "consumeCredits",
            "role": "service",
            "account": OBSERVED,
            "outcome": "ok",
            "dynamodb_calls": 2,
        }.items()
    )
    assert "refusal_type" not in line and line["duration_ms"] > 0
    assert set(consumed.metrics) == {
        f"CreditsConsumed|CreativeKind=IMAGE|Plan=free|service={SERVICE}",
        f"RequestLatency|service={SERVICE}",
        f"ColdStart|function_name=studio-credits-test-api|service={SERVICE}",
    }
    assert consumed.metrics[f"CreditsConsumed|CreativeKind=IMAGE|Plan=free|service={SERVICE}"][:2] == (
        4,
        "Count",
    )
    assert consumed.metrics[f"RequestLatency|service={SERVICE}"][1] == "Milliseconds"
    entries = [item for item in ledger_items(deployment) if item["account_id"]["S"] == OBSERVED]
    written = [item for item in entries if item.get("kind", {}).get("S") == "CONSUME"]
    assert [item["correlation_id"]["S"] for item in written] == ["req-1"]

    refused = run(deployment, "api", as_observed(graphql_event("user", CONSUME, {"input": consume}), "req-2"))
    assert json.loads(refused.result["body"])["errors"][0]["extensions"]["code"] == "FORBIDDEN"
    [line] = refused.log_lines
    assert (
        line.items()
        >= {
            "level": "INFO",
            "correlation_id": "req-2",
            "role": "user",
            "outcome": "refused",
            "refusal_type": "FORBIDDEN",
        }.items()
    )
    assert "exception" not in line
    assert set(refused.metrics) == {
        f"Refusals|RefusalType=FORBIDDEN|service={SERVICE}",
        f"RequestLatency|service={SERVICE}",
        f"ColdStart|function_name=studio-credits-test-api|service={SERVICE}",
    }

    # A table that is not there (a misconfigured stage): the client sees the id, the log the cause.
    broken = run_function(
        deployment,
        "api",
        as_observed(graphql_event("user", "{ viewer { id } }"), "req-3"),
        SOURCE_TREE,
        environment_changes={"STUDIO_CREDITS_ACCOUNTS_TABLE": "studio-credits-test-missing"},
    )
    [error] = json.loads(broken.result["body"])["errors"]
    assert error["message"] == "Unexpected error; support can find it by the id req-3"
    [line] = broken.log_lines
    assert line.items() >= {"level": "ERROR", "correlation_id": "req-3", "outcome": "error"}.items()
    assert "ResourceNotFoundException" in line["exception"]
    assert set(broken.metrics) == {
        f"RequestErrors|service={SERVICE}",
        f"RequestLatency|service={SERVICE}",
        f"ColdStart|function_name=studio-credits-test-api|service={SERVICE}",
    }

    at = datetime.now(UTC) + timedelta(days=40)  # past the observed person's first period
    rule = lambda_functions(deployment.template)["refresh"]["Properties"]["FunctionName"]
    refresh = run(deployment, "refresh", scheduled_event(rule, at.isoformat()))
    report = refresh.result
    assert report["refreshed"] >= 1 and report["failed"] == 0
    [line] = refresh.log_lines
    assert line.items() >= {**report, "level": "INFO", "message": "refresh run", "service": SERVICE}.items()
    assert line["correlation_id"] == "89d1a02d-5ec7-412e-82f5-13505f849b41"  # the scheduled event's id
    counted = {
        key.split("|")[0]: value
        for key, (value, _, _) in refresh.metrics.items()
        if key.startswith("Refresh")
    }
    assert counted == {
        "RefreshRuns": 1,
        "RefreshDue": report["due"],
        "RefreshRefreshed": report["refreshed"],
        "RefreshSkipped": report["skipped"],
        "RefreshFailed": 0,
        "RefreshLeft": 0,
        "RefreshPeriodsAndCharges": report["periods_and_charges"],
    }
    granted = sum(value for key, (value, _, _) in refresh.metrics.items() if key.startswith("CreditsGranted"))
    assert granted == 100 * report["periods_and_charges"]  # all on the free plan: 100 a period, no charge
    assert {key.split("|")[0] for key in refresh.metrics} <= {*counted, "CreditsGranted", "ColdStart"}


def test_stripe_s_webhook_refuses_an_unsigned_event_having_read_only_its_secret(
    deployment: Deployment,
) -> None:
    secret = deployment.function_environment("stripeWebhook")[
        "STUDIO_CREDITS_STRIPE_WEBHOOK_SECRET_PARAMETER"
    ]

    refused = run(deployment, "stripeWebhook", stripe_webhook_event("{}", "t=1,v1=00"))

    assert refused.result["statusCode"] == 400
    assert json.loads(refused.result["body"]) == {"error": "invalid signature"}
    assert refused.init_calls == []  # the secret is read at the first event, not at the cold start
    assert [call[:3] for call in refused.calls] == [["ssm", "GetParameter", secret]]
