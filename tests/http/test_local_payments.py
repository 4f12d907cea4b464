"""Paying on the local server, as `make dev` runs it: its own localstripe sends its events to the
server's /stripe/webhook (registered at start), and `studio-credits stripe refund|dispute` make
what localstripe cannot (a refund's event, a dispute) reach the server as Stripe's would; an auto
top-up fires once when concurrent spending crosses its threshold."""

import io
import json
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import redirect_stdout
from datetime import UTC, datetime
from typing import Any

import httpx
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
SET_AUTO_TOP_UP = """mutation { setAutoTopUp(input: {packId: "pack-500", threshold: 2000, monthlyCap: 2}) {
  __typename } }"""
TOPPED_UP = """{ viewer { credits { available } autoTopUp { topUpsThisPeriod }
  payments(first: 5) { edges { node { purpose status } } }
  history(first: 20) { edges { node { kind amount description } } } } }"""
SPEND = """mutation Spend($input: ConsumeInput!) { consumeCredits(input: $input) { __typename } }"""
FOUR_K_BATCH = {"kind": "IMAGE", "resolution": "RES_4K", "outputs": 10}
"""160 credits on Pro."""
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


def test_an_auto_top_up_fires_once_when_concurrent_spending_crosses_the_threshold(server: DevServer) -> None:
    ask = person(server, "topping-up")
    card_through_api(ask, api_base=server.stripe_api_base)
    ask(UPGRADE)  # Pro: 3,000 credits
    assert ask(SET_AUTO_TOP_UP)["setAutoTopUp"]["__typename"] == "AutoTopUpSaved"

    def spend(n: int) -> str:
        job = {
            "accountId": "topping-up",
            "creative": FOUR_K_BATCH,
            "jobId": f"j-{n}",
            "idempotencyKey": f"k-{n}",
        }
        answer = server.post({"query": SPEND, "variables": {"input": job}}, server.tokens["service"])
        return str(answer["data"]["consumeCredits"]["__typename"])

    with ThreadPoolExecutor(max_workers=8) as pool:  # 8 x 160 from 3,000: one crossing of 2,000
        spent = list(pool.map(spend, range(8)))
    spent.append(spend(8))  # 2,220 to 2,060 after the top-up: nothing more

    viewer = ask(TOPPED_UP)["viewer"]
    outbox = httpx.get(f"{server.url}/dev/outbox", timeout=10).json()
    assert spent == ["CreditsConsumed"] * 9
    assert viewer["credits"]["available"] == 3_000 - 9 * 160 + 500
    assert viewer["autoTopUp"] == {"topUpsThisPeriod": 1}
    payments = [(e["node"]["purpose"], e["node"]["status"]) for e in viewer["payments"]["edges"]]
    assert payments == [("AUTO_TOP_UP", "SUCCEEDED"), ("PLAN_CHANGE", "SUCCEEDED")]
    grants = [
        e["node"] for e in viewer["history"]["edges"] if e["node"]["description"].startswith("Auto top-up:")
    ]
    assert grants == [
        {
            "kind": "GRANT",
            "amount": 500,
            "description": "Auto top-up: 500 credits (paid $10.00 with Visa •••• 4242)",
        }
    ]
    assert [mail["subject"] for mail in outbox if mail["to"] == "topping-up@studio.example"] == [
        "Credits added by auto top-up"
    ]
