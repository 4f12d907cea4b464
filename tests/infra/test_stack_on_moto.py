"""The generated stack, created by moto's CloudFormation, runs the service: every function works
against the tables the stack made, with the environment the stack gave it, and calls only what
its role allows."""

import sysconfig
from datetime import datetime, timedelta

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
