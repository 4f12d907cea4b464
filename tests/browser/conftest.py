"""The web client in headless Chromium (Debian's, through Playwright) against one real local server.

One server and one browser for these tests (package scope: Playwright's sync API keeps an asyncio
loop running on this thread while it is open, which the suites after this one must not see); each
test gets a fresh browser context (its own sessionStorage) in the person's locale and time zone,
and usually a fresh account of its own. The server's test clock and the browser's `Date` are both
frozen at FROZEN_NOW, so every page shows the same dates on whatever day the tests run; a test
fails on any console error, uncaught exception or failed request of its page (`page_problems`).
"""

import json
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, Request, Response, expect, sync_playwright

from studio_credits.domain.access import Role
from tests.http.dev_server import FROZEN_NOW, DevServer, dev_server, dev_tokens, require_built_web_app

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "build" / "screenshots"
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCALE = "en-US"
TIME_ZONE = "America/New_York"


@pytest.fixture(scope="package")
def server() -> Iterator[DevServer]:
    require_built_web_app()
    with dev_server("--now", FROZEN_NOW.isoformat()) as running:
        yield running


@pytest.fixture(scope="package")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(f"no Chromium at {CHROMIUM}: `make test` installs Debian's chromium (as root)")
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield chromium
        chromium.close()


class PageProblems:
    """What went wrong on a page: console errors, uncaught exceptions, failed requests and responses
    of 400 or more, but for the addresses a test makes fail on purpose (`expect_failures`)."""

    def __init__(self, page: Page) -> None:
        self.problems: list[str] = []
        self._expected: list[re.Pattern[str]] = []
        page.on("console", self._console)
        page.on("pageerror", lambda error: self.problems.append(f"uncaught {error.name}: {error.message}"))
        page.on("requestfailed", self._request_failed)
        page.on("response", self._response)

    def expect_failures(self, url: str) -> None:
        """Requests to addresses matching the pattern `url` fail on purpose: not a problem."""
        self._expected.append(re.compile(url))

    def _unexpected(self, url: str) -> bool:
        return not any(pattern.search(url) for pattern in self._expected)

    def _console(self, message: ConsoleMessage) -> None:
        if message.type == "error" and self._unexpected(message.location.get("url", "")):
            self.problems.append(f"console error: {message.text} (at {message.location.get('url')})")

    def _request_failed(self, request: Request) -> None:
        # ERR_ABORTED: the page itself let go of the request (a reload, a navigation), nothing failed.
        if request.failure != "net::ERR_ABORTED" and self._unexpected(request.url):
            self.problems.append(f"request failed: {request.method} {request.url}: {request.failure}")

    def _response(self, response: Response) -> None:
        if response.status >= 400 and self._unexpected(response.url):
            self.problems.append(f"HTTP {response.status}: {response.request.method} {response.url}")


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(
        locale=LOCALE, timezone_id=TIME_ZONE, viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    context.set_default_timeout(10_000)
    context.clock.set_fixed_time(FROZEN_NOW)  # the server's clock; timers still run
    yield context.new_page()
    context.close()


@pytest.fixture(autouse=True)
def page_problems(request: pytest.FixtureRequest) -> Iterator[PageProblems | None]:
    """Every browser test fails on a problem its page had (the ones without a page have none)."""
    if "page" not in request.fixturenames:
        yield None
        return
    watched = PageProblems(request.getfixturevalue("page"))
    yield watched
    if watched.problems:
        pytest.fail("the page had problems:\n  " + "\n  ".join(watched.problems), pytrace=False)


class Person:
    """An account of the test's own, opened on the free plan; its token for the browser and the API."""

    def __init__(self, server: DevServer, sub: str) -> None:
        self.server = server
        self.id = sub
        # Tokens live in real time, whatever the server's test clock says (api/identity.py).
        self.token = dev_tokens().mint(sub, Role.USER, datetime.now(UTC), email=f"{sub}@studio.example")
        self.graphql("{ viewer { id } }")

    def graphql(self, query: str, variables: dict[str, Any] | None = None) -> Any:
        body = self.server.post({"query": query, "variables": variables or {}}, self.token)
        assert "errors" not in body, body["errors"]
        return body["data"]

    def open(self, page: Page, path: str = "/") -> None:
        """Sign in as the printed link does: the token in the address's fragment."""
        page.goto(f"{self.server.url}{path}#token={self.token}")


@pytest.fixture
def person(server: DevServer, request: pytest.FixtureRequest) -> Person:
    return Person(server, f"browser-{request.node.name}"[:64])


def service_call(server: DevServer, query: str, variables: dict[str, Any]) -> Any:
    body = server.post({"query": query, "variables": variables}, server.tokens["service"])
    assert "errors" not in body, body["errors"]
    return body["data"]


GRANT = """mutation($input: GrantInput!) { grantCredits(input: $input) { __typename } }"""
CONSUME = """mutation($input: ConsumeInput!) { consumeCredits(input: $input) { __typename } }"""
IMAGE = {"kind": "IMAGE", "resolution": "RES_1080P"}
"""4 credits."""


def spend(person: Person, creatives: list[dict[str, Any]]) -> None:
    """The generation service charges the person for each creative, as it would for a job."""
    for n, creative in enumerate(creatives):
        job = {
            "accountId": person.id,
            "creative": creative,
            "jobId": f"job-{n}",
            "idempotencyKey": f"spend-{n}",
        }
        consumed = service_call(person.server, CONSUME, {"input": job})
        assert consumed["consumeCredits"]["__typename"] == "CreditsConsumed"


def serious_accessibility_violations(page: Page) -> list[str]:
    """axe-core (the npm package web/ installs) on the page as it is: serious or critical only."""
    page.add_script_tag(path=AXE)
    violations = page.evaluate("async () => (await axe.run(document)).violations")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {json.dumps([n['target'] for n in v['nodes']])}"
        for v in violations
        if v["impact"] in {"serious", "critical"}
    ]


def screenshot(page: Page, name: str, full_page: bool = True) -> None:
    """build/screenshots/<name>.png: the whole page, or what the window shows (a modal dialog),
    once its charts are drawn."""
    expect(page.locator(".chart[aria-busy=true]")).to_have_count(0)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png", full_page=full_page)


SAVE_CARD = """mutation($input: SaveCardInput!) { saveCard(input: $input) { __typename } }"""


def save_card(person: Person, number: str = "4242424242424242") -> None:
    """The Plan page's "Add a card" without the page: a SetupIntent, confirmed on the server's
    localstripe as its Stripe.js stand-in confirms one, then saved as the card on file."""
    settings = person.graphql("{ stripeSettings { publishableKey } }")["stripeSettings"]
    secret = person.graphql("mutation { startCardSetup { clientSecret } }")["startCardSetup"]["clientSecret"]
    setup_intent = secret.split("_secret_", maxsplit=1)[0]
    card = {"number": number, "exp_month": "12", "exp_year": "2030", "cvc": "123"}
    confirmed = httpx.post(
        f"{person.server.stripe_api_base}/v1/setup_intents/{setup_intent}/confirm",
        content=json.dumps(
            {
                "key": settings["publishableKey"],
                "client_secret": secret,
                "payment_method_data": {"type": "card", "card": card},
            }
        ),
        timeout=10,
    )
    assert confirmed.status_code == 200, confirmed.text
    saved = person.graphql(SAVE_CARD, {"input": {"setupIntentId": setup_intent}})
    assert saved["saveCard"]["__typename"] == "CardSaved", saved
