"""A renewal the card did not pay, on the Plan page: "Payment due" says what is owed, since when,
the next try and when the plan ends; Pay now with the same card is declined in words; with the
card replaced, Pay now pays it once and the period's credits come.

Its own local server (module scope): the test clock moves across the renewal, which the other
browser tests' frozen server must not see.
"""

from collections.abc import Iterator
from datetime import timedelta

import httpx
import pytest
from playwright.sync_api import Page, expect

from studio_credits.domain.periods import add_months
from tests.browser.conftest import Person, save_card, screenshot, serious_accessibility_violations
from tests.browser.test_payments import DECLINED_AT_CHARGE, VISA, fill_card, payment_rows
from tests.http.dev_server import FROZEN_NOW, DevServer, dev_server, require_built_web_app

RENEWAL = FROZEN_NOW - timedelta(hours=1)
SUBSCRIBED = add_months(RENEWAL, -1)
PRO = """mutation { changePlan(input: {planId: "pro", interval: MONTHLY, idempotencyKey: "to-pro"}) {
  __typename
} }"""
CREDITS = "{ viewer { status credits { available } } }"


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    require_built_web_app()
    with dev_server("--now", SUBSCRIBED.isoformat()) as running:
        yield running


def test_pay_a_renewal_due_after_replacing_the_declined_card(page: Page, person: Person) -> None:
    save_card(person, VISA)
    assert person.graphql(PRO) == {"changePlan": {"__typename": "PlanChanged"}}
    save_card(person, DECLINED_AT_CHARGE)
    moved = httpx.post(
        f"{person.server.url}/dev/clock", json={"advanceTo": FROZEN_NOW.isoformat()}, timeout=60
    )
    assert moved.status_code == 200, moved.text
    assert person.graphql(CREDITS)["viewer"]["status"] == "PAST_DUE"

    person.open(page, "/plan")
    due = page.get_by_role("region", name="Payment due")
    expect(due).to_contain_text("Your Pro plan's renewal of $49.00 is not paid yet (due since Mar 15, 2027)")
    expect(due).to_contain_text("Unpaid on Mar 22, 2027, the plan ends")
    expect(due).to_contain_text("Next try on your card")
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Not paid yet")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "plan-payment-due")

    due.get_by_role("button", name="Pay $49.00 now").click()
    expect(due.get_by_role("alert")).to_contain_text("declined")
    assert person.graphql(CREDITS)["viewer"]["status"] == "PAST_DUE"

    page.get_by_role("region", name="Payment method").get_by_role("button", name="Replace card").click()
    dialog = page.get_by_role("dialog", name="Replace your card")
    fill_card(dialog, VISA)
    dialog.get_by_role("button", name="Save card").click()
    expect(dialog).to_be_hidden()
    due.get_by_role("button", name="Pay $49.00 now").click()

    expect(page.get_by_role("status")).to_contain_text(
        "Your Pro plan's renewal is paid. Paid $49.00 with Visa"
    )
    expect(page.get_by_role("region", name="Payment due")).to_have_count(0)
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Renews")
    after = person.graphql(CREDITS)["viewer"]
    assert (after["status"], after["credits"]["available"]) == (
        "ACTIVE",
        6_000,
    )  # 3,000 rolled, 3,000 granted
    expect(payment_rows(page).first.get_by_role("cell").last).to_have_text("Paid")
