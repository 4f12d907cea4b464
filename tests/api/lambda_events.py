"""Drives the real Lambda handler with API Gateway HTTP API v2 events from tests/events/."""

import base64
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from mangum import Mangum
from mangum.types import LambdaCognitoIdentity, LambdaMobileClientContext

from functions.api import handler
from studio_credits.bootstrap import bootstrap, lambda_app
from studio_credits.domain.clock import Clock
from studio_credits.service.ports import Services

EVENTS = Path(__file__).parent.parent / "events"

Json = dict[str, Any]
LambdaHandler = Callable[[Json, Any], Json]


class FakeLambdaContext:
    """What the Lambda runtime passes as `context`, as far as Mangum looks at it."""

    function_name = "studio-credits-test-api"
    function_version = "$LATEST"
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:studio-credits-test-api"
    memory_limit_in_mb = 512
    aws_request_id = "6f1c7e0a-2b3d-4c5e-8f90-a1b2c3d4e5f6"
    log_group_name = "/aws/lambda/studio-credits-test-api"
    log_stream_name = "2026/11/24/[$LATEST]0123456789abcdef"
    identity: LambdaCognitoIdentity | None = None
    client_context: LambdaMobileClientContext | None = None

    def get_remaining_time_in_millis(self) -> int:
        return 29_000


def event(fixture: str, query: str, variables: Json | None = None, *, base64_body: bool = False) -> Json:
    """The fixture's event carrying a GraphQL POST body."""
    loaded: Json = json.loads((EVENTS / f"{fixture}.json").read_text())
    body = json.dumps({"query": query, "variables": variables or {}})
    loaded["body"] = base64.b64encode(body.encode()).decode() if base64_body else body
    loaded["isBase64Encoded"] = base64_body
    return loaded


def invoke(lambda_event: Json, lambda_handler: LambdaHandler = handler) -> Json:
    response: Json = lambda_handler(lambda_event, FakeLambdaContext())
    return response


def graphql(
    fixture: str, query: str, variables: Json | None = None, lambda_handler: LambdaHandler = handler
) -> Json:
    """POST the query as the fixture's caller; the response body, parsed."""
    response = invoke(event(fixture, query, variables), lambda_handler)
    assert response["statusCode"] == 200, response
    body: Json = json.loads(response["body"])
    return body


def handler_at(clock: Clock) -> LambdaHandler:
    """The production app behind Mangum, as functions/api.py builds it, on a clock the test moves."""
    return handler_for(bootstrap(clock=clock))


def handler_for(services: Services) -> LambdaHandler:
    """The production app behind Mangum, as functions/api.py builds it, on the test's services."""
    built: LambdaHandler = Mangum(lambda_app(services), lifespan="off")
    return built


def stripe_webhook_event(body: str, signature: str) -> Json:
    """An HTTP API v2 event of Stripe's POST to the webhook route (no authorizer on it)."""
    event: Json = json.loads((EVENTS / "anonymous.json").read_text())
    event["routeKey"] = "POST /stripe/webhook"
    event["rawPath"] = event["requestContext"]["http"]["path"] = "/stripe/webhook"
    event["requestContext"].pop("authorizer", None)
    event["headers"] = {"content-type": "application/json", "stripe-signature": signature}
    event["body"], event["isBase64Encoded"] = body, False
    return event


def claims(fixture: str) -> Json:
    loaded: Json = json.loads((EVENTS / f"{fixture}.json").read_text())
    found: Json = loaded["requestContext"]["authorizer"]["jwt"]["claims"]
    return found
