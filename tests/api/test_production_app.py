"""The Lambda app has none of the local server's `/dev/` routes and no clock but the real one."""

import json
from datetime import UTC, datetime

import pytest
from starlette.routing import Route

from studio_credits.bootstrap import bootstrap, lambda_app
from tests.api.lambda_events import Json, event, graphql, invoke

PERIOD = "{ viewer { currentPeriod { start end } } }"


def request(method: str, path: str, body: Json | None = None) -> Json:
    """An HTTP API event from the user fixture, for another method and path."""
    sent = event("user", PERIOD)
    sent.update(rawPath=path, routeKey=f"{method} {path}", body=None if body is None else json.dumps(body))
    sent["requestContext"]["http"].update(method=method, path=path)
    sent["requestContext"]["routeKey"] = f"{method} {path}"
    return sent


def test_the_lambda_app_has_no_dev_route() -> None:
    paths = [route.path for route in lambda_app(bootstrap()).routes if isinstance(route, Route)]

    assert paths == ["/graphql", "/"]


@pytest.mark.parametrize(
    ("method", "path"), [("GET", "/dev/clock"), ("POST", "/dev/clock"), ("GET", "/dev/outbox")]
)
def test_dev_paths_are_not_found_in_lambda(dynamodb: None, method: str, path: str) -> None:
    body = {"advanceTo": "2030-01-31T09:00:00Z", "runJobs": True} if method == "POST" else None

    assert invoke(request(method, path, body))["statusCode"] == 404


def test_the_lambda_app_ignores_clock_input_and_reads_the_real_clock(dynamodb: None) -> None:
    invoke(request("POST", "/dev/clock", {"advanceTo": "2030-01-31T09:00:00Z"}))
    sent = event("user", PERIOD)
    sent["headers"]["x-test-clock"] = "2030-01-31T09:00:00Z"
    sent["rawQueryString"] = "now=2030-01-31T09:00:00Z"

    before = datetime.now(UTC).replace(microsecond=0)  # a period starts on a whole second
    period = json.loads(invoke(sent)["body"])["data"]["viewer"]["currentPeriod"]
    after = datetime.now(UTC)
    again = graphql("user", PERIOD)["data"]["viewer"]["currentPeriod"]

    # Opened on the real clock while the request ran, whatever the instant the request named.
    assert before <= datetime.fromisoformat(period["start"]) <= after < datetime.fromisoformat(period["end"])
    assert again == period
