"""README's identity table, a row a test: the caller each token makes through the Lambda handler,
from API Gateway HTTP API v2 events shaped as the JWT authorizer passes Cognito's claims on.

A caller is told by two reads: `viewer` (a person's or an admin's own account; the service has
none) and another person's account (the service and admins may read it, a person may not)."""

import copy
import json
from typing import Any

import pytest

from tests.api.lambda_events import claims, event, invoke

Json = dict[str, Any]
USER, ADMIN, SERVICE_CLIENT = claims("user")["sub"], claims("admin")["sub"], claims("service")["client_id"]
WEB_CLIENT = claims("user")["aud"]
OTHER = "someone-else"


def with_claims(
    fixture: str, changes: Json, scopes: list[str] | None = None, drop: tuple[str, ...] = ()
) -> Json:
    """The fixture's event, its verified claims changed (None removes a claim)."""
    lambda_event = event(fixture, "")
    jwt = copy.deepcopy(lambda_event["requestContext"]["authorizer"]["jwt"])
    jwt["claims"] = {k: v for k, v in (jwt["claims"] | changes).items() if v is not None and k not in drop}
    if scopes is not None:
        jwt["scopes"] = scopes
    lambda_event["requestContext"]["authorizer"]["jwt"] = jwt
    return lambda_event


def answer(lambda_event: Json, query: str) -> str:
    """The field's value, or the error's code."""
    sent = lambda_event | {"body": json.dumps({"query": query})}
    response = invoke(sent)
    assert response["statusCode"] == 200, response
    body = json.loads(response["body"])
    if body.get("errors"):
        [error] = body["errors"]
        return str(error["extensions"]["code"])
    [value] = body["data"].values()
    return "null" if value is None else str(value["id"])


def caller(lambda_event: Json) -> tuple[str, str]:
    """(viewer's id or error code, another person's account: null if readable, or the error code)."""
    return answer(lambda_event, "{ viewer { id } }"), answer(
        lambda_event, f'{{ account(id: "{OTHER}") {{ id }} }}'
    )


def test_the_service_s_access_token_with_the_scope_is_the_service(dynamodb: None) -> None:
    assert caller(event("service", "")) == ("FORBIDDEN", "null")


def test_a_web_client_id_token_is_its_person(dynamodb: None) -> None:
    assert caller(event("user", "")) == (USER, "FORBIDDEN")


def test_a_web_client_id_token_in_the_admins_group_is_an_admin(dynamodb: None) -> None:
    assert caller(event("admin", "")) == (ADMIN, "null")


@pytest.mark.parametrize(
    ("scope_claims", "scopes"),
    [({"scope": "credits/service"}, None), ({}, ["credits/service"])],
    ids=["scope claim", "authorizer scopes"],
)
def test_a_web_client_id_token_with_the_service_scope_is_still_only_its_person(
    dynamodb: None, scope_claims: Json, scopes: list[str] | None
) -> None:
    assert caller(with_claims("user", scope_claims, scopes)) == (USER, "FORBIDDEN")


def test_the_service_s_access_token_without_the_scope_is_forbidden(dynamodb: None) -> None:
    assert caller(with_claims("service", {"scope": "openid"}, [])) == ("FORBIDDEN", "FORBIDDEN")


@pytest.mark.parametrize("client", [WEB_CLIENT, "another-app-client"], ids=["web client", "another client"])
def test_an_access_token_of_another_client_is_nobody(dynamodb: None, client: str) -> None:
    forged = with_claims("service", {"client_id": client, "sub": client})

    assert caller(forged) == ("UNAUTHENTICATED", "UNAUTHENTICATED")


@pytest.mark.parametrize(
    "audience", [SERVICE_CLIENT, "another-app-client"], ids=["service client", "another client"]
)
def test_an_id_token_of_another_client_is_nobody(dynamodb: None, audience: str) -> None:
    assert caller(with_claims("admin", {"aud": audience})) == ("UNAUTHENTICATED", "UNAUTHENTICATED")


def test_a_token_with_only_a_client_id_is_nobody(dynamodb: None) -> None:
    only_client = with_claims("user", {"client_id": SERVICE_CLIENT}, drop=("sub", "token_use", "aud"))

    assert caller(only_client) == ("UNAUTHENTICATED", "UNAUTHENTICATED")


@pytest.mark.parametrize("subject", [None, "", "a b", "x" * 129], ids=["none", "empty", "space", "too long"])
def test_an_id_token_without_a_subject_that_is_an_account_id_is_nobody(
    dynamodb: None, subject: str | None
) -> None:
    token = (
        with_claims("user", {"sub": subject})
        if subject is not None
        else with_claims("user", {}, drop=("sub",))
    )

    assert caller(token) == ("UNAUTHENTICATED", "UNAUTHENTICATED")


def test_a_request_without_verified_claims_is_nobody(dynamodb: None) -> None:
    assert caller(event("anonymous", "")) == ("UNAUTHENTICATED", "UNAUTHENTICATED")
