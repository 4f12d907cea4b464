"""What production refuses: no identity, GraphiQL, introspection, abusive queries, and internals."""

import json
from typing import Any

import pytest
from moto import mock_aws

from studio_credits.api.limits import MAX_ALIASES, MAX_DEPTH, MAX_TOKENS
from studio_credits.store.repository import DynamoRepository
from tests.api.lambda_events import event, graphql, invoke

MASKED = "Unexpected error; support can find it by the id Bq3xZhJQoAMEVbw="
"""What the client sees of an unexpected error: tests/events/user.json's API Gateway request id."""


@pytest.mark.parametrize("query", ["{ viewer { id } }", "{ plans { id } }"])
def test_no_identity_no_data(dynamodb: None, query: str) -> None:
    body = graphql("anonymous", query)

    assert body == {
        "data": None,
        "errors": [
            {
                "message": "sign in: the request carries no verified identity",
                "extensions": {"code": "UNAUTHENTICATED"},
            }
        ],
    }


def test_the_authorization_header_alone_is_not_trusted(dynamodb: None) -> None:
    anonymous = event("anonymous", "{ viewer { id } }")
    anonymous["headers"]["authorization"] = event("user", "")["headers"]["authorization"]

    body = json.loads(invoke(anonymous)["body"])

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def get_graphql(fixture: str, accept: str, query_string: str = "") -> dict[str, Any]:
    request = event(fixture, "")
    request["routeKey"] = request["requestContext"]["routeKey"] = "GET /graphql"
    request["requestContext"]["http"]["method"] = "GET"
    request["headers"]["accept"] = accept
    request["rawQueryString"] = query_string
    request["body"] = None
    return invoke(request)


def test_production_serves_no_graphiql(dynamodb: None) -> None:
    response = get_graphql("user", "text/html,application/xhtml+xml")

    assert response["statusCode"] == 404
    assert "graphiql" not in response["body"].lower()


def test_production_takes_no_queries_over_get(dynamodb: None) -> None:
    response = get_graphql("user", "application/json", "query=%7B%20plans%20%7B%20id%20%7D%20%7D")

    assert response["statusCode"] == 400
    assert "plans" not in response["body"]


def test_production_refuses_introspection(dynamodb: None) -> None:
    body = graphql("user", "{ __schema { queryType { name } } }")

    assert body["data"] is None
    assert "introspection has been disabled" in body["errors"][0]["message"]


def test_production_refuses_type_introspection(dynamodb: None) -> None:
    body = graphql("user", '{ __type(name: "Account") { fields { name } } }')

    assert body["data"] is None
    assert "introspection has been disabled" in body["errors"][0]["message"]


def test_a_query_deeper_than_the_limit_is_refused(dynamodb: None) -> None:
    nested = "id"
    for level in range(MAX_DEPTH + 1):
        nested = f"f{level} {{ {nested} }}"

    body = graphql("user", f"query Deep {{ viewer {{ {nested} }} }}")

    assert body["data"] is None
    assert f"'Deep' exceeds maximum operation depth of {MAX_DEPTH}" in [e["message"] for e in body["errors"]]


def test_a_query_with_too_many_tokens_is_refused(dynamodb: None) -> None:
    body = graphql("user", "{ plans { " + "id " * MAX_TOKENS + "} }")

    assert body["data"] is None
    assert f"more than {MAX_TOKENS} tokens" in body["errors"][0]["message"]


def test_a_query_with_too_many_aliases_is_refused(dynamodb: None) -> None:
    aliased = " ".join(f"p{n}: plans {{ id }}" for n in range(MAX_ALIASES + 1))

    body = graphql("user", f"{{ {aliased} }}")

    assert body == {
        "data": None,
        "errors": [{"message": f"{MAX_ALIASES + 1} aliases found. Allowed: {MAX_ALIASES}"}],
    }


def test_the_limits_leave_ordinary_queries_alone(dynamodb: None) -> None:
    aliased = " ".join(f"p{n}: plans {{ id }}" for n in range(MAX_ALIASES))

    assert len(graphql("user", f"{{ {aliased} }}")["data"]) == MAX_ALIASES


def test_a_missing_table_is_masked_as_an_unexpected_error() -> None:
    with mock_aws():  # no tables created
        body = graphql("user", "{ viewer { id } }")

    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == MASKED
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR", "correlationId": "Bq3xZhJQoAMEVbw="}
    assert set(error) <= {"message", "locations", "path", "extensions"}
    assert "Traceback" not in json.dumps(body)
    assert "studio-credits" not in json.dumps(body)


def test_a_bug_is_masked_as_an_unexpected_error(dynamodb: None, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken_get(self: DynamoRepository, account_id: str) -> None:
        raise RuntimeError(f"internal detail for {account_id} at /var/task/studio_credits")

    monkeypatch.setattr(DynamoRepository, "get", broken_get)

    body = graphql("user", "{ viewer { id } }")

    assert body["data"] is None
    assert [error["message"] for error in body["errors"]] == [MASKED]
    assert "internal detail" not in json.dumps(body)
