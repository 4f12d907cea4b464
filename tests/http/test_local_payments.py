"""Paying on the local server, as `make dev` runs it: its own localstripe sends its events to the
server's /stripe/webhook (registered at start), and `studio-credits stripe refund|dispute` make
what localstripe cannot (a refund's event, a dispute) reach the server as Stripe's would."""

import io
import json
import time
from collections.abc import Iterator
from contextlib import redirect_stdout
from datetime import UTC, datetime
from typing import Any

import pytest

from studio_credits.cli import main
from studio_credits.domain.access import Role
from tests.http.dev_server import DevServer, dev_server, dev_tokens
from tests.support.payments import ASKS_FOR_3DS, authenticate, card_through_api

UPGRADE = """mutation { changePlan(input: {planId: "pro", interval: MONTHLY, idempotencyKey: "to-pro"}) {
  __typename ... on PaymentActionRequired { clientSecret payment { id } }
  ... on PlanChanged { charged { id } } } }"""
BUY = """mutation { buyCredits(input: {packId: "pack-500", idempotencyKey: "pack-1"}) {
  __typename ... on CreditsBought { payment { id } } } }"""
VIEWER = """{ viewer { id plan { id } credits { available }
  payments(first: 5) { edges { node { id status refundedCents } } }
  history(first: 5) { edges { node { kind amount description paymentId } } } } }"""
WEBHOOK_WAIT_SECONDS = 15
"""localstripe sends an event a second after it; on a loaded machine, more."""


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    with dev_server("--now", "2027-03-15T14:00:00Z") as running:
        yield running


def person(server: DevServer, name: str) -> Any:
    token = dev_tokens().mint(name, Role.USER, datetime.now(UTC), email=f"{name}@studio.example")

    def ask(query: str, variables: dict[str, Any] | None = None) -> Any:
        answer = server.post({"query": query, "variables": variables or {}}, token)
        assert "errors" not in answer, answer
        return answer["data"]

    return ask


def cli(server: DevServer, *arguments: str) -> Any:
    printed = io.StringIO()
    with redirect_stdout(printed):
        main([*arguments, "--url", server.url])
    return json.loads(printed.getvalue())


def test_a_3d_secure_upgrade_is_applied_by_localstripe_s_webhook_alone(server: DevServer) -> None:
    ask = person(server, "paying-3ds")
    card_through_api(ask, ASKS_FOR_3DS, api_base=server.stripe_api_base)

    asked = ask(UPGRADE)["changePlan"]
    authenticate(asked["clientSecret"], success=True, api_base=server.stripe_api_base)
    deadline = time.monotonic() + WEBHOOK_WAIT_SECONDS
    while ask(VIEWER)["viewer"]["plan"]["id"] != "pro" and time.monotonic() < deadline:
        time.sleep(0.2)  # nobody confirms: only payment_intent.succeeded, from localstripe, applies it

    viewer = ask(VIEWER)["viewer"]
    assert asked["__typename"] == "PaymentActionRequired"
    assert viewer["plan"] == {"id": "pro"}
    assert [edge["node"]["status"] for edge in viewer["payments"]["edges"]] == ["SUCCEEDED"]


def test_a_refund_made_in_localstripe_takes_back_the_unspent_credits(server: DevServer) -> None:
    ask = person(server, "paying-refund")
    card_through_api(ask, api_base=server.stripe_api_base)
    ask(UPGRADE)
    bought = ask(BUY)["buyCredits"]
    payment = bought["payment"]["id"]
    before = ask(VIEWER)["viewer"]["credits"]["available"]

    half = cli(server, "stripe", "refund", payment, "--account", "paying-refund", "--amount", "500")
    viewer = ask(VIEWER)["viewer"]

    assert bought["__typename"] == "CreditsBought"
    assert half == {"refundedCents": 500}
    assert viewer["credits"]["available"] == before - 250
    latest = viewer["history"]["edges"][0]["node"]
    assert latest == {
        "kind": "ADJUST",
        "amount": -250,
        "description": "$5.00 of the payment of $10.00 refunded: 250 credits taken back",
        "paymentId": payment,
    }
    refunded = next(e["node"] for e in viewer["payments"]["edges"] if e["node"]["id"] == payment)
    assert (refunded["status"], refunded["refundedCents"]) == ("REFUNDED", 500)


def test_a_dispute_drops_the_plan_it_paid_for_to_free(server: DevServer) -> None:
    ask = person(server, "paying-dispute")
    card_through_api(ask, api_base=server.stripe_api_base)
    upgraded = ask(UPGRADE)["changePlan"]

    disputed = cli(server, "stripe", "dispute", upgraded["charged"]["id"], "--account", "paying-dispute")

    assert disputed == {"disputed": upgraded["charged"]["id"]}
    assert ask(VIEWER)["viewer"]["plan"] == {"id": "free"}
