"""`make bench`: what each GraphQL operation costs through the Lambda handler (its cold start is
bench/cold_start.py's).

For each operation of OPERATIONS: the DynamoDB API calls one request makes (counted with a botocore
event hook on the repository's clients) and the median time per request through Mangum, on moto
in process; then consumeCredits against the same DynamoDB calls made directly (the floor).

Add an operation: one more row in OPERATIONS, with the calls it may make.
"""

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import SimpleNamespace
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
EVENTS = ROOT / "tests" / "events"
OFFLINE_AWS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
}
LATENCY_RATIO_TARGET = 1.5

Json = dict[str, Any]


@dataclass(frozen=True)
class Operation:
    name: str
    caller: str
    """The API Gateway event fixture under tests/events/ that sends it."""
    query: str
    dynamodb_calls: dict[str, int]
    """The target: DynamoDB API calls per request, by API name."""
    variables: Callable[[int], Json] = field(default=lambda _run: {})
    """The variables of the n-th request (for instance a fresh idempotency key each time)."""


def fixture_claims(caller: str) -> Json:
    claims: Json = json.loads((EVENTS / f"{caller}.json").read_text())["requestContext"]["authorizer"]["jwt"][
        "claims"
    ]
    return claims


VIEWER_ID = fixture_claims("user")["sub"]
VIDEO = {"kind": "VIDEO", "resolution": "RES_720P", "durationSeconds": 10}
QUOTE = "query($c: CreativeInput!, $a: ID) { quote(creative: $c, accountId: $a) { credits allowed } }"

IMAGE = {"kind": "IMAGE", "resolution": "RES_1080P"}
CONSUME = """
mutation($input: ConsumeInput!) {
  consumeCredits(input: $input) { __typename ... on CreditsConsumed { entry { id } balance { available } } }
}
"""
GRANT = """
mutation($input: GrantInput!) { grantCredits(input: $input) { __typename } }
"""
HISTORY_PAGE = """
query($id: ID!) {
  account(id: $id) { history(first: 20) { edges { node { kind amount } } pageInfo { hasNextPage } } }
}
"""
BUY_CREDITS = """
mutation($key: String!) {
  buyCredits(input: {packId: "pack-500", idempotencyKey: $key}) {
    __typename ... on CreditsBought { credits }
  }
}
"""
START_CARD_SETUP = "mutation { startCardSetup { clientSecret } }"
SAVE_CARD = "mutation($id: ID!) { saveCard(input: {setupIntentId: $id}) { __typename } }"
UPGRADE = """
mutation { changePlan(input: {planId: "pro", interval: MONTHLY, idempotencyKey: "bench-pro"}) { __typename } }
"""
USAGE_YEAR = "query($id: ID!) { account(id: $id) { usage(year: 2026) { totalCredits byMonth { credits } } } }"


def consume_variables(run: int) -> Json:
    return {
        "input": {
            "accountId": VIEWER_ID,
            "creative": IMAGE,
            "jobId": f"bench-{run}",
            "idempotencyKey": f"bench-{run}",
        }
    }


OPERATIONS = (
    Operation(
        "viewer (existing account)",
        "user",
        "{ viewer { id plan { id } credits { available lots { remaining } } } }",
        {"GetItem": 1},
    ),
    Operation("plans", "user", "{ plans { id monthlyCredits features { maxBatchSize } } }", {}),
    Operation("quote for the viewer", "user", QUOTE, {"GetItem": 1}, lambda _run: {"c": VIDEO}),
    Operation(
        "quote with accountId (service)",
        "service",
        QUOTE,
        {"GetItem": 1},
        lambda _run: {"c": VIDEO, "a": VIEWER_ID},
    ),
    Operation(
        "consumeCredits", "service", CONSUME, {"GetItem": 1, "TransactWriteItems": 1}, consume_variables
    ),
    Operation(
        "history page (account + 20 entries)",
        "service",
        HISTORY_PAGE,
        {"GetItem": 1, "Query": 1},
        lambda _run: {"id": VIEWER_ID},
    ),
    Operation(
        "usage(year) (account + roll-ups)",
        "service",
        USAGE_YEAR,
        {"GetItem": 1, "Query": 1},
        lambda _run: {"id": VIEWER_ID},
    ),
    Operation(
        "buyCredits (charged on localstripe)",
        "user",
        BUY_CREDITS,
        {"GetItem": 6, "TransactWriteItems": 2},
        lambda run: {"key": f"bench-pack-{run}"},
    ),
)
CONSUME_OPERATION = OPERATIONS[4]


LAMBDA_CONTEXT: Any = SimpleNamespace(function_name="studio-credits-bench-api", aws_request_id="bench")


def lambda_event(caller: str, query: str, variables: Json) -> Json:
    event: Json = json.loads((EVENTS / f"{caller}.json").read_text())
    event["body"] = json.dumps({"query": query, "variables": variables})
    return event


@dataclass
class Measured:
    operation: Operation
    calls: Counter[str]
    median_ms: float

    @property
    def on_target(self) -> bool:
        return self.calls == Counter(self.operation.dynamodb_calls)


def consume_against_floor(repository: Any, consume: Callable[[int], None], runs: int) -> tuple[float, float]:
    """consumeCredits through the handler, and the same DynamoDB calls made directly with boto3
    on the same backend (the floor), interleaved so both see the same table sizes and load.

    One real consumption is recorded (its GetItem and TransactWriteItems parameters); each floor
    run replays them with fresh ledger keys and the account's next version, so every condition
    holds as it does for the handler.
    """
    import boto3

    recorded: list[tuple[str, Json]] = []

    def record(event_name: str, params: Json, **_: Any) -> None:
        recorded.append((event_name.rsplit(".", 1)[-1], json.loads(json.dumps(params))))

    clients = list(repository.clients())
    for client in clients:
        client.meta.events.register("provide-client-params.dynamodb", record, unique_id="bench-recorder")
    consume(10_000_000)
    for client in clients:
        client.meta.events.unregister("provide-client-params.dynamodb", unique_id="bench-recorder")
    (get_name, get_params), (write_name, write_params) = recorded
    assert (get_name, write_name) == ("GetItem", "TransactWriteItems"), recorded

    dynamodb: Any = boto3.client("dynamodb")  # replays recorded wire-level parameters as they are
    handler_times, floor_times = [], []
    for run in range(runs):
        start = time.perf_counter()
        consume(20_000_000 + run)
        handler_times.append(time.perf_counter() - start)

        start = time.perf_counter()
        version = int(dynamodb.get_item(**get_params)["Item"]["version"]["N"])
        dynamodb.transact_write_items(TransactItems=_replayed(write_params["TransactItems"], version, run))
        floor_times.append(time.perf_counter() - start)
    return 1000 * statistics.median(handler_times), 1000 * statistics.median(floor_times)


def _replayed(items: list[Json], version: int, run: int) -> list[Json]:
    """The recorded transaction again: the account over `version`, the ledger items under new keys."""
    replayed: list[Json] = json.loads(json.dumps(items))
    for item in replayed:
        put = item.get("Put")
        if put is None:
            continue
        if "version" in put["Item"]:
            put["Item"]["version"] = {"N": str(version + 1)}
            put["ExpressionAttributeValues"] = {
                name: {"N": str(version)} for name in put["ExpressionAttributeValues"]
            }
        else:
            put["Item"]["sk"] = {"S": f"{put['Item']['sk']['S']}#floor-{run}"}
    return replayed


def measure_operations(runs: int) -> tuple[list[Measured], tuple[float, float]]:
    from mangum import Mangum
    from moto import mock_aws

    with mock_aws():
        from studio_credits.bootstrap import bootstrap, lambda_app
        from studio_credits.settings import Settings
        from studio_credits.store.call_counter import DynamoCallCounter
        from studio_credits.store.repository import DynamoRepository
        from studio_credits.store.tables import create_tables

        services = bootstrap()
        create_tables()
        # The production app, as functions/api.py builds it, with a hand on its repository; it
        # accepts the tokens of the fixtures' app clients.
        web_client, service_client = fixture_claims("user")["aud"], fixture_claims("service")["client_id"]
        clients = Settings(web_client_id=web_client, service_client_id=service_client)
        handler = Mangum(lambda_app(services, clients), lifespan="off")
        assert isinstance(services.repository, DynamoRepository)
        counter = DynamoCallCounter()
        for client in services.repository.clients():
            counter.attach(client)

        def request(operation: Operation, run: int) -> None:
            event = lambda_event(operation.caller, operation.query, operation.variables(run))
            response = handler(event, LAMBDA_CONTEXT)
            body = json.loads(response["body"])
            if response["statusCode"] != 200 or body.get("errors"):
                raise SystemExit(f"{operation.name} failed: {response['body']}")

        request(OPERATIONS[0], 0)  # opens the viewer's account: every row reads an existing one
        budget = {
            "accountId": VIEWER_ID,
            "amount": 990_000,  # within a period's grants (domain/credit_limits.py)
            "source": "ADJUSTMENT",
            "note": "bench",
            "idempotencyKey": "bench-budget",
        }
        response = handler(lambda_event("admin", GRANT, {"input": budget}), LAMBDA_CONTEXT)
        assert json.loads(response["body"])["data"]["grantCredits"]["__typename"] == "CreditsGranted"
        pay_for_pro(handler)
        measured = []
        for operation in OPERATIONS:
            request(operation, 0)  # warm up
            counter.calls.clear()
            request(operation, 1)
            calls = counter.calls.copy()
            times = []
            for run in range(2, runs + 2):
                start = time.perf_counter()
                request(operation, run)
                times.append(time.perf_counter() - start)
            measured.append(Measured(operation, calls, 1000 * statistics.median(times)))
        consume_and_floor = consume_against_floor(
            services.repository, lambda run: request(CONSUME_OPERATION, run), runs
        )
        return measured, consume_and_floor


def pay_for_pro(handler: Any) -> None:
    """The viewer's card (4242), saved as the Plan page saves it, and Pro bought with it: packs are
    for paid plans."""
    from studio_credits.payments.test_cards import confirm_card_setup
    from studio_credits.settings import Settings

    def ask(query: str, variables: Json | None = None) -> Json:
        body: Json = json.loads(handler(lambda_event("user", query, variables or {}), LAMBDA_CONTEXT)["body"])
        data: Json = body["data"]
        return data

    secret = ask(START_CARD_SETUP)["startCardSetup"]["clientSecret"]
    setup_intent_id = confirm_card_setup(Settings.from_environment(), secret)
    assert ask(SAVE_CARD, {"id": setup_intent_id})["saveCard"]["__typename"] == "CardSaved"
    assert ask(UPGRADE)["changePlan"]["__typename"] == "PlanChanged"


def format_calls(calls: Counter[str] | dict[str, int]) -> str:
    return ", ".join(f"{count} {name}" for name, count in sorted(calls.items())) or "none"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=200, help="timed requests per operation")
    args = parser.parse_args()

    os.environ.update(OFFLINE_AWS)
    os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
    sys.path.insert(0, str(ROOT))
    from studio_credits.payments.localstripe import localstripe_process

    with localstripe_process() as stripe_url:
        os.environ["STUDIO_CREDITS_STRIPE_API_BASE"] = stripe_url
        measured, (consume_ms, floor_ms) = measure_operations(args.runs)
    width = max(len(row.operation.name) for row in measured)
    print(f"GraphQL operations through the Lambda handler on moto ({args.runs} requests each)\n")
    print(f"{'operation':{width}}  {'DynamoDB calls':32}  {'target':32}  median/request")
    for row in measured:
        mark = "" if row.on_target else "  OVER TARGET"
        print(
            f"{row.operation.name:{width}}  {format_calls(row.calls):32}  "
            f"{format_calls(row.operation.dynamodb_calls):32}  {row.median_ms:8.2f} ms{mark}"
        )

    latency_ratio = consume_ms / floor_ms
    mark = "" if latency_ratio <= LATENCY_RATIO_TARGET else "  OVER TARGET"
    print("\nconsumeCredits against its DynamoDB calls made directly with boto3 (the floor), interleaved")
    print(f"  through the handler {consume_ms:7.2f} ms, floor {floor_ms:7.2f} ms")
    print(f"  ratio {latency_ratio:.2f} (target <= {LATENCY_RATIO_TARGET}){mark}")

    if latency_ratio > LATENCY_RATIO_TARGET or not all(row.on_target for row in measured):
        sys.exit(1)


if __name__ == "__main__":
    main()
