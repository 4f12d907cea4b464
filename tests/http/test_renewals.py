"""Renewals through the local server's test clock: the 4242 card renews Pro once; a card whose
charges are declined lives PAST_DUE, three retries, two PAYMENT_FAILED emails, then the Free plan.

Stripe's 4000 0000 0000 0002 cannot be saved at all (its SetupIntent is declined, as at Stripe), so
the declining card here is 4000 0000 0000 0341, which saves and then declines every charge.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from studio_credits.domain.access import Role
from tests.http.dev_server import DevServer, dev_server, dev_tokens
from tests.http.test_time_travel import cli, read_history
from tests.support.payments import DECLINED_AT_CHARGE, card_through_api

START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
RENEWAL = datetime(2026, 2, 28, 9, 0, tzinfo=UTC)
PRO = """mutation { changePlan(input: {planId: "pro", interval: MONTHLY, idempotencyKey: "to-pro"}) {
  __typename
} }"""
VIEWER = """{ viewer { plan { id } status renewsAt
  credits { available }
  renewalDue { owedCents since attempts nextAttemptAt endsAt chargeInFlight }
  payments(first: 20) { edges { node { purpose amountCents status failureReason } } }
} }"""


def person(server: DevServer, name: str, card: str | None = None) -> str:
    """A newcomer on Pro monthly from START, paid with 4242; then `card` saved in its place."""
    token = dev_tokens().mint(name, Role.USER, datetime.now(UTC), email=f"{name}@studio.example")

    def ask(query: str, variables: dict[str, Any] | None) -> Any:
        return server.post({"query": query, "variables": variables}, token)["data"]

    card_through_api(ask, api_base=server.stripe_api_base)
    assert ask(PRO, None) == {"changePlan": {"__typename": "PlanChanged"}}
    if card is not None:
        assert card_through_api(ask, card, api_base=server.stripe_api_base)["__typename"] == "CardSaved"
    return token


def viewer(server: DevServer, token: str) -> Any:
    return server.post({"query": VIEWER}, token)["data"]["viewer"]


def emails_to(server: DevServer, name: str) -> list[dict[str, Any]]:
    sent = httpx.get(f"{server.url}/dev/outbox", timeout=10).json()
    return [email for email in sent if email["to"] == f"{name}@studio.example"][::-1]  # oldest first


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    with dev_server("--now", START.isoformat()) as running:
        yield running


@pytest.fixture(scope="module")
def people(server: DevServer) -> dict[str, str]:
    return {"payer": person(server, "payer"), "decliner": person(server, "decliner", DECLINED_AT_CHARGE)}


def test_a_month_with_a_declined_card_retries_three_times_emails_twice_then_ends_on_free(
    server: DevServer, people: dict[str, str]
) -> None:
    token = people["decliner"]
    cli(server, "clock", "advance", "--to", (RENEWAL + timedelta(hours=1)).isoformat())

    due = viewer(server, token)
    assert (due["status"], due["renewsAt"], due["credits"]["available"]) == ("PAST_DUE", None, 3_000)
    assert due["renewalDue"] == {
        "owedCents": 4_900,
        "since": RENEWAL.isoformat(),
        "attempts": 1,
        "nextAttemptAt": (RENEWAL + timedelta(days=1)).isoformat(),
        "endsAt": (RENEWAL + timedelta(days=7)).isoformat(),
        "chargeInFlight": False,
    }
    failed = [e for e in emails_to(server, "decliner") if e["subject"] == "Your payment failed"]
    assert len(failed) == 1  # at once, by the refresh run that tried the card
    assert "$49.00" in failed[0]["body"] and "7 Mar 2026" in failed[0]["body"]

    cli(server, "clock", "advance", "--to", (RENEWAL + timedelta(days=8)).isoformat())

    ended = viewer(server, token)
    assert (ended["plan"]["id"], ended["status"], ended["renewalDue"]) == ("free", "ACTIVE", None)
    renewals = [p["node"] for p in ended["payments"]["edges"] if p["node"]["purpose"] == "RENEWAL"]
    assert [(p["amountCents"], p["status"]) for p in renewals] == 4 * [(4_900, "FAILED")]
    _, entries = read_history(server, token)
    tries = [e.at for e in entries if e.kind == "RENEWAL" and "failed" in e.description]
    assert tries == [RENEWAL + timedelta(days=days) for days in (0, 1, 3, 5)]  # each on a refresh tick
    assert [e.description for e in entries if e.kind == "PLAN_CHANGE"][-1] == (
        "Pro plan ended: its renewal of $49.00 was not paid by 7 Mar 2026; now on the Free plan"
    )
    failed = [e for e in emails_to(server, "decliner") if e["subject"] == "Your payment failed"]
    sent_at = [datetime.fromisoformat(e["sentAt"]) for e in failed]
    assert sent_at == [RENEWAL, RENEWAL + timedelta(days=3)]  # at once, and before the last retry


def test_the_4242_card_renews_once_and_its_period_is_granted_once(
    server: DevServer, people: dict[str, str]
) -> None:
    token = people["payer"]
    cli(server, "clock", "advance", "--to", (RENEWAL + timedelta(days=9)).isoformat())

    renewed = viewer(server, token)
    assert (renewed["plan"]["id"], renewed["status"], renewed["renewalDue"]) == ("pro", "ACTIVE", None)
    assert renewed["renewsAt"] == "2026-03-31T09:00:00+00:00"
    renewals = [p["node"] for p in renewed["payments"]["edges"] if p["node"]["purpose"] == "RENEWAL"]
    assert [(p["amountCents"], p["status"]) for p in renewals] == [(4_900, "SUCCEEDED")]
    _, entries = read_history(server, token)
    grants = [e for e in entries if e.kind == "GRANT" and e.at >= RENEWAL]
    assert [(e.at, e.amount) for e in grants] == [(RENEWAL, 3_000)]
    assert "renewal paid $49.00 with Visa •••• 4242" in grants[0].description
    assert [e["subject"] for e in emails_to(server, "payer") if e["subject"] == "Your plan renewed"] == [
        "Your plan renewed"
    ]
