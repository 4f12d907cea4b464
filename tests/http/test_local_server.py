"""`studio-credits dev` as a newcomer runs it: a real process, real HTTP, the printed tokens."""

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from studio_credits.api.identity import DEV_TOKEN_LIFETIME, DevTokens
from studio_credits.devserver import DEMO_USER
from studio_credits.domain.access import Role

SECRET = "http-suite-secret-0123456789abcdef"
STARTUP_SECONDS = 60
TOKEN_LINE = re.compile(r"^\s+(user|service|admin)\s+(\S+)$")
VIEWER = {"query": "{ viewer { id email plan { id } credits { available } } }"}


@dataclass
class DevServer:
    url: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)

    @property
    def tokens(self) -> dict[str, str]:
        return {m[1]: m[2] for line in self.output if (m := TOKEN_LINE.match(line))}

    def post(self, body: dict[str, Any], token: str | None = None) -> Any:
        headers = {} if token is None else {"Authorization": f"Bearer {token}"}
        response = httpx.post(f"{self.url}/graphql", json=body, headers=headers, timeout=10)
        assert response.status_code == 200, response.text
        return response.json()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def wait_until_serving(server: DevServer) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            break
        try:
            httpx.get(server.url, timeout=1)
        except httpx.TransportError:
            time.sleep(0.2)
        else:
            if len(server.tokens) == 3:
                return
    pytest.fail("the dev server did not start:\n" + "".join(server.output))


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    port = free_port()
    environment = {**os.environ, "STUDIO_CREDITS_DEV_TOKEN_SECRET": SECRET, "PYTHONUNBUFFERED": "1"}
    environment.pop("AWS_ENDPOINT_URL_DYNAMODB", None)  # the embedded DynamoDB
    command = Path(sys.executable).parent / "studio-credits"
    process = subprocess.Popen(  # noqa: S603 (the project's own command)
        [str(command), "dev", "--host", "127.0.0.1", "--port", str(port)],
        env=environment,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    running = DevServer(f"http://127.0.0.1:{port}", process)
    assert process.stdout is not None
    reader = threading.Thread(target=lambda: running.output.extend(process.stdout or ()), daemon=True)
    reader.start()
    try:
        wait_until_serving(running)
        yield running
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


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
                "credits": {"available": 100 + 2_900 + 500 - 32 - 120 - 150},
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


def test_the_root_leads_to_graphiql(server: DevServer) -> None:
    response = httpx.get(server.url, timeout=10)

    assert response.is_redirect
    assert response.headers["location"] == "/graphql"


def test_a_missing_token_is_refused(server: DevServer) -> None:
    assert errors_only(server.post(VIEWER)) == [
        {
            "message": "sign in: send 'Authorization: Bearer <token>'",
            "extensions": {"code": "UNAUTHENTICATED"},
        }
    ]


def test_a_forged_token_is_refused(server: DevServer) -> None:
    forged = DevTokens("not-the-server-secret-0123456789abcdef").mint(
        DEMO_USER, Role.ADMIN, datetime.now(UTC)
    )

    [error] = errors_only(server.post(VIEWER, forged))

    assert error["message"] == "the token is not valid: Signature verification failed"
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}


def test_an_expired_token_is_refused(server: DevServer) -> None:
    minted_at = datetime.now(UTC) - DEV_TOKEN_LIFETIME - timedelta(minutes=1)
    expired = DevTokens(SECRET).mint(DEMO_USER, Role.USER, minted_at)

    [error] = errors_only(server.post(VIEWER, expired))

    assert error["message"] == "the token has expired: mint a new one"
    assert error["extensions"] == {"code": "UNAUTHENTICATED"}


def test_a_garbled_token_is_refused(server: DevServer) -> None:
    [error] = errors_only(server.post(VIEWER, "not-a-jwt"))

    assert error["extensions"] == {"code": "UNAUTHENTICATED"}
    assert error["message"].startswith("the token is not valid")


def test_a_token_minted_now_with_the_server_secret_opens_a_new_account(server: DevServer) -> None:
    token = DevTokens(SECRET).mint("newcomer", Role.USER, datetime.now(UTC), email="new@studio.example")

    viewer = server.post(VIEWER, token)["data"]["viewer"]

    assert (viewer["id"], viewer["credits"]["available"]) == ("newcomer", 100)
