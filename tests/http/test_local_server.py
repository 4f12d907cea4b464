"""`studio-credits dev` as a newcomer runs it: a real process, real HTTP, the printed tokens."""

import re
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from studio_credits.api.identity import DEV_TOKEN_LIFETIME
from studio_credits.demo import DEMO_USER
from studio_credits.domain.access import Role
from tests.http.dev_server import DevServer, dev_server, dev_tokens, require_built_web_app
from tests.support.bodies import MALFORMED_BODIES

VIEWER = {"query": "{ viewer { id email plan { id } credits { available } } }"}


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    require_built_web_app()
    with dev_server() as running:
        yield running


def errors_only(body: Any) -> list[dict[str, Any]]:
    assert body["data"] is None
    errors: list[dict[str, Any]] = body["errors"]
    return errors


def test_the_banner_names_the_address_asked_for_and_the_endpoint(server: DevServer) -> None:
    printed = "".join(server.output)

    assert f"GraphiQL at {server.url}/graphql" in printed
    assert re.search(r"DynamoDB endpoint: http://127\.0\.0\.1:\d+", printed)
    assert f"curl -s {server.url}/graphql" in printed


def test_the_printed_user_token_shows_the_demo_account(server: DevServer) -> None:
    body = server.post(VIEWER, server.tokens["user"])

    assert body == {
        "data": {
            "viewer": {
                "id": DEMO_USER,
                "email": "demo@studio.example",
                "plan": {"id": "pro"},
                # This period's rollover and grant, the top-up, less this month's creatives (demo.py).
                "credits": {"available": 3_000 + 3_000 + 500 - 3_213},
            }
        }
    }


@pytest.mark.parametrize("role", ["service", "admin"])
def test_the_printed_service_and_admin_tokens_read_the_demo_account(server: DevServer, role: str) -> None:
    query = {"query": "query($id: ID!) { account(id: $id) { id } }", "variables": {"id": DEMO_USER}}

    assert server.post(query, server.tokens[role]) == {"data": {"account": {"id": DEMO_USER}}}


def test_graphiql_is_served_to_a_browser(server: DevServer) -> None:
    response = httpx.get(f"{server.url}/graphql", headers={"Accept": "text/html"}, timeout=10)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert "graphiql" in response.text.lower()


@pytest.mark.parametrize("page", ["/", "/plan", "/history", "/campaign"])
def test_each_page_of_the_web_client_is_its_index(server: DevServer, page: str) -> None:
    response = httpx.get(server.url + page, timeout=10)

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    assert '<div id="app"></div>' in response.text


def test_the_web_client_s_files_are_served_and_others_are_not_found(server: DevServer) -> None:
    index = httpx.get(server.url, timeout=10).text
    [script] = re.findall(r'src="(/assets/[^"]+\.js)"', index)

    assert httpx.get(server.url + script, timeout=10).headers["content-type"].startswith("text/javascript")
    assert httpx.get(server.url + "/config.json", timeout=10).json() == {"signIn": "local"}
    assert httpx.get(server.url + "/no-such-page", timeout=10).status_code == 404


def test_the_banner_prints_the_web_client_s_sign_in_link(server: DevServer) -> None:
    assert f"open {server.url}/#token={server.tokens['user']}" in "".join(server.output)


def test_a_missing_token_is_refused(server: DevServer) -> None:
    assert errors_only(server.post(VIEWER)) == [
        {
            "message": "sign in: send 'Authorization: Bearer <token>'",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]


def test_a_forged_token_is_refused(server: DevServer) -> None:
    forged = dev_tokens("not-the-server-secret-0123456789abcdef").mint(
        DEMO_USER, Role.ADMIN, datetime.now(UTC)
    )

    [error] = errors_only(server.post(VIEWER, forged))

    assert error["message"] == "the token is not valid: Signature verification failed"
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}


def test_an_expired_token_is_refused(server: DevServer) -> None:
    minted_at = datetime.now(UTC) - DEV_TOKEN_LIFETIME - timedelta(minutes=1)
    expired = dev_tokens().mint(DEMO_USER, Role.USER, minted_at)

    [error] = errors_only(server.post(VIEWER, expired))

    assert error["message"] == "the token has expired: mint a new one"
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}


def test_a_garbled_token_is_refused(server: DevServer) -> None:
    [error] = errors_only(server.post(VIEWER, "not-a-jwt"))

    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert error["message"].startswith("the token is not valid")


def test_a_token_minted_now_with_the_server_secret_opens_a_new_account(server: DevServer) -> None:
    token = dev_tokens().mint("newcomer", Role.USER, datetime.now(UTC), email="new@studio.example")

    viewer = server.post(VIEWER, token)["data"]["viewer"]

    assert (viewer["id"], viewer["credits"]["available"]) == ("newcomer", 100)


def test_without_now_the_server_runs_on_the_real_clock_which_does_not_move(server: DevServer) -> None:
    before = datetime.now(UTC)
    shown = httpx.get(f"{server.url}/dev/clock", timeout=10).json()
    moved = httpx.post(f"{server.url}/dev/clock", json={"advanceTo": "2099-01-01T00:00:00Z"}, timeout=10)

    assert shown["frozen"] is False
    assert before <= datetime.fromisoformat(shown["now"]) <= datetime.now(UTC)
    assert "Clock: the real one" in "".join(server.output)
    assert moved.status_code == 409
    assert moved.json() == {
        "error": "the server runs on the real clock: start it with `studio-credits dev --now ISO-8601`"
    }


def test_the_outbox_starts_with_the_demo_person_s_emails_at_their_times_in_the_story(
    server: DevServer,
) -> None:
    emails = httpx.get(f"{server.url}/dev/outbox", timeout=10).json()
    sent = [datetime.fromisoformat(email["sentAt"]) for email in emails]

    assert {email["to"] for email in emails} == {"demo@studio.example"}
    assert sent == sorted(sent, reverse=True)
    assert sent[0] - sent[-1] > timedelta(days=300)  # a year of notices, from the first month on


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_a_malformed_body_is_a_bad_request(server: DevServer, body: bytes) -> None:
    response = httpx.post(
        f"{server.url}/graphql",
        content=body,
        headers={"Authorization": f"Bearer {server.tokens['user']}", "Content-Type": "application/json"},
        timeout=30,
    )

    assert response.status_code == 400, response.text[:300]
