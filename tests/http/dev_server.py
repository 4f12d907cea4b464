"""`studio-credits dev` as a newcomer runs it: a real process on a free port, its printed tokens; for the
HTTP and browser suites."""

import os
import re
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from studio_credits.api.identity import DevTokens
from studio_credits.devserver import built_web_app
from studio_credits.settings import Settings

FROZEN_NOW = datetime(2027, 3, 15, 14, 0, tzinfo=UTC)
"""The instant the browser tests' server (`--now`) and browser clocks are frozen at, so the pages
show the same content whatever the date the tests run."""

SECRET = "http-suite-secret-0123456789abcdef"
"""The dev token secret the server runs with, so tests can mint tokens of their own."""


def dev_tokens(secret: str = SECRET) -> DevTokens:
    """Mints tokens as `studio-credits token` does for the server (the same app clients)."""
    return DevTokens(secret, Settings.from_environment().app_clients)


STARTUP_SECONDS = 60
TOKEN_LINE = re.compile(r"^\s+(user|service|admin)\s+(\S+)$")
DYNAMODB_LINE = re.compile(r"^DynamoDB endpoint: (\S+)$")
COMMAND = Path(sys.executable).parent / "studio-credits"


@dataclass
class DevServer:
    url: str
    process: subprocess.Popen[str]
    output: list[str] = field(default_factory=list)

    @property
    def tokens(self) -> dict[str, str]:
        return {m[1]: m[2] for line in self.output if (m := TOKEN_LINE.match(line))}

    @property
    def dynamodb_endpoint(self) -> str:
        """The DynamoDB it uses, as it printed it: another server started with `--dynamodb-endpoint`
        and this shares its tables."""
        [endpoint] = [m[1] for line in self.output if (m := DYNAMODB_LINE.match(line))]
        return endpoint

    @property
    def stripe_api_base(self) -> str:
        """The local server's own localstripe, as its web client is told where Stripe.js is."""
        answer = self.post({"query": "{ stripeSettings { scriptUrl } }"}, self.tokens["user"])
        return str(answer["data"]["stripeSettings"]["scriptUrl"]).removesuffix("/js.stripe.com/v3/")

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


def require_built_web_app() -> Path:
    """The web client as `make dev` builds it; these suites serve the real build."""
    built = built_web_app()
    if built is None:
        pytest.fail("the web client is not built: run `make web` (make test builds it)")
    return built


@contextmanager
def dev_server(*arguments: str) -> Iterator[DevServer]:
    """`studio-credits dev --host 127.0.0.1 --port <free> *arguments` on the embedded DynamoDB (unless
    `arguments` name another with `--dynamodb-endpoint`)."""
    port = free_port()
    environment = {**os.environ, "STUDIO_CREDITS_DEV_TOKEN_SECRET": SECRET, "PYTHONUNBUFFERED": "1"}
    environment.pop("AWS_ENDPOINT_URL_DYNAMODB", None)  # the embedded DynamoDB
    for stripe in ("STUDIO_CREDITS_STRIPE_API_BASE", "STUDIO_CREDITS_STRIPE_SCRIPT_URL"):
        environment.pop(stripe, None)  # its own embedded localstripe, which sends it the webhooks
    process = subprocess.Popen(  # noqa: S603 (the project's own command)
        [str(COMMAND), "dev", "--host", "127.0.0.1", "--port", str(port), *arguments],
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
