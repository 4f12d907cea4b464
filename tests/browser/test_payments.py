"""Payments through Stripe, with the local server's localstripe and its Stripe.js stand-in (the card
Element's plain inputs, its 3D Secure challenge): a saved card, a paid upgrade and its payment in the
list, a card asked for in the upgrade dialog, a card declined when saved and a charge declined, 3D
Secure completed and failed, credit packs on the Usage Overview (with 3D Secure too), Load more."""

import re

from playwright.sync_api import Locator, Page, expect

from tests.browser.conftest import (
    PageProblems,
    Person,
    save_card,
    screenshot,
    serious_accessibility_violations,
)

VISA = "4242424242424242"
DECLINED = "4000000000000002"
"""Declined when saved (localstripe declines it at setup, not at a charge)."""
DECLINED_AT_CHARGE = "4000000000000341"
"""Saved, then declined when charged."""
THREE_D_SECURE = "4000002760003184"
"""Asks for the bank's authentication when saved and at every charge."""
COMPLETE, FAIL = "Complete authentication", "Fail authentication"
"""The buttons of localstripe's 3D Secure challenge."""
CHANGE_PLAN = """mutation($input: ChangePlanInput!) { changePlan(input: $input) { __typename } }"""
BUY_CREDITS = """mutation($input: BuyCreditsInput!) { buyCredits(input: $input) { __typename } }"""
PAGE_SIZE = 10
"""The payments list's page (web/src/components/PaymentsList.tsx)."""


def fill_card(scope: Locator, number: str) -> None:
    """Type into localstripe's card Element: plain inputs named by their placeholders."""
    scope.locator("input[placeholder=number]").fill(number)
    scope.locator("input[placeholder=exp_month]").fill("12")
    scope.locator("input[placeholder=exp_year]").fill("30")  # two digits: 2030
    scope.locator("input[placeholder=cvc]").fill("123")
    scope.locator("input[placeholder=postal_code]").fill("10001")


def add_card(page: Page, number: str, authentication: str | None = None) -> Locator:
    """Add a card from the Plan page's Payment method section; the dialog, once Save card is pressed."""
    page.get_by_role("region", name="Payment method").get_by_role("button", name="Add a card").click()
    dialog = page.get_by_role("dialog", name="Add a card")
    fill_card(dialog, number)
    dialog.get_by_role("button", name="Save card").click()
    if authentication is not None:
        page.get_by_role("button", name=authentication).click()
    return dialog


def choose_pro(page: Page) -> Locator:
    page.get_by_role("button", name="Choose Pro, Monthly").click()
    dialog = page.get_by_role("dialog", name="Change to Pro, Monthly")
    expect(dialog).to_contain_text("You will be charged $49.00 now to Visa •••• 4242.")
    return dialog


def plan_changes(person: Person) -> int:
    changes = person.graphql("{ viewer { history(filter: { kinds: [PLAN_CHANGE] }) { edges { cursor } } } }")
    return len(changes["viewer"]["history"]["edges"])


def payment_rows(page: Page) -> Locator:
    return page.get_by_role("region", name="Payments").get_by_role("row").filter(has=page.locator("td"))


def test_add_a_card_then_upgrade_free_to_pro_and_see_the_payment(page: Page, person: Person) -> None:
    person.open(page, "/plan")
    method = page.get_by_role("region", name="Payment method")
    expect(method).to_contain_text("No card on file")
    expect(page.get_by_role("region", name="Payments")).to_contain_text("No payments yet.")

    opener = method.get_by_role("button", name="Add a card")
    opener.click()
    dialog = page.get_by_role("dialog", name="Add a card")
    expect(dialog.locator("input[placeholder=number]")).to_be_visible()
    for _ in range(4):  # focus stays in the modal dialog, the card's inputs included
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement?.closest('dialog') != null")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "plan-add-card", full_page=False)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    add_card(page, VISA)
    expect(dialog).to_be_hidden()
    saved = "Your card is saved: Visa ending in 4242, expires 12/2030."
    expect(page.get_by_role("status")).to_contain_text(saved)
    expect(method).to_contain_text("Visa ending in 4242, expires 12/2030")
    expect(method.get_by_role("button", name="Replace card")).to_be_visible()

    upgrade = choose_pro(page)
    assert serious_accessibility_violations(page) == []
    upgrade.get_by_role("button", name="Confirm").click()

    expect(upgrade).to_be_hidden()
    expect(page.get_by_role("status")).to_contain_text("You are now on Pro, billed monthly.")
    expect(page.get_by_role("status")).to_contain_text("Paid $49.00 with Visa •••• 4242.")
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Pro Monthly")
    rows = payment_rows(page)
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Mar 15, 2027")  # FROZEN_NOW, in New York
    expect(rows.first).to_contain_text("Pro")
    expect(rows.first).to_contain_text("$49.00")
    expect(rows.first).to_contain_text("Visa •••• 4242")
    expect(rows.first.get_by_role("cell").last).to_have_text("Paid")
    assert plan_changes(person) == 1
    assert serious_accessibility_violations(page) == []
    screenshot(page, "plan-paid")


def test_an_upgrade_without_a_card_asks_for_one_in_the_dialog(page: Page, person: Person) -> None:
    person.open(page, "/plan")
    page.get_by_role("button", name="Choose Pro, Monthly").click()
    upgrade = page.get_by_role("dialog", name="Change to Pro, Monthly")
    expect(upgrade).to_contain_text("Add a card to pay $49.00.")
    expect(upgrade.get_by_role("button", name="Confirm")).to_be_disabled()
    assert serious_accessibility_violations(page) == []

    fill_card(upgrade, VISA)
    upgrade.get_by_role("button", name="Save card").click()
    expect(upgrade).to_contain_text("You will be charged $49.00 now to Visa •••• 4242.")
    upgrade.get_by_role("button", name="Confirm").click()

    expect(upgrade).to_be_hidden()
    expect(page.get_by_role("status")).to_contain_text("Paid $49.00 with Visa •••• 4242.")
    expect(page.get_by_role("region", name="Payment method")).to_contain_text("Visa ending in 4242")
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Pro Monthly")


def test_a_declined_card_is_not_saved_and_the_dialog_says_why(
    page: Page, page_problems: PageProblems, person: Person
) -> None:
    page_problems.expect_failures(r"/v1/setup_intents/")  # localstripe's 402 for the declined card
    person.open(page, "/plan")

    dialog = add_card(page, DECLINED)

    expect(dialog.get_by_role("alert")).to_contain_text("Your card was declined.")
    expect(dialog.get_by_role("button", name="Save card")).to_be_enabled()
    screenshot(page, "plan-card-declined", full_page=False)
    dialog.get_by_role("button", name="Cancel").click()
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("region", name="Payment method")).to_contain_text("No card on file")
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Free Monthly")
    assert person.graphql("{ viewer { card { last4 } } }")["viewer"]["card"] is None


def test_a_charge_declined_is_said_in_words_and_the_plan_stays(page: Page, person: Person) -> None:
    save_card(person, DECLINED_AT_CHARGE)
    person.open(page, "/plan")
    page.get_by_role("button", name="Choose Pro, Monthly").click()
    upgrade = page.get_by_role("dialog", name="Change to Pro, Monthly")
    expect(upgrade).to_contain_text("You will be charged $49.00 now to Visa •••• 0341.")

    upgrade.get_by_role("button", name="Confirm").click()

    expect(upgrade.get_by_role("alert")).to_have_text(re.compile(r"\w+"))
    page.keyboard.press("Escape")
    expect(upgrade).to_be_hidden()
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Free Monthly")
    expect(payment_rows(page).first.get_by_role("cell").last).to_contain_text("Declined: ")
    assert plan_changes(person) == 0


def test_3d_secure_completed_changes_the_plan_once(page: Page, person: Person) -> None:
    person.open(page, "/plan")
    dialog = add_card(page, THREE_D_SECURE, authentication=COMPLETE)  # the bank's check when saved, too
    expect(dialog).to_be_hidden()
    expect(page.get_by_role("region", name="Payment method")).to_contain_text("Visa ending in 3184")

    page.get_by_role("button", name="Choose Pro, Monthly").click()
    upgrade = page.get_by_role("dialog", name="Change to Pro, Monthly")
    expect(upgrade).to_contain_text("You will be charged $49.00 now to Visa •••• 3184.")
    upgrade.get_by_role("button", name="Confirm").click()
    challenge = page.get_by_role("button", name=COMPLETE)
    expect(challenge).to_be_visible()
    screenshot(page, "plan-3d-secure", full_page=False)
    challenge.click()

    expect(upgrade).to_be_hidden()
    expect(page.get_by_role("status")).to_contain_text("You are now on Pro, billed monthly.")
    expect(page.get_by_role("status")).to_contain_text("Paid $49.00 with Visa •••• 3184.")
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Pro Monthly")
    expect(payment_rows(page)).to_have_count(1)
    expect(payment_rows(page).first.get_by_role("cell").last).to_have_text("Paid")
    assert plan_changes(person) == 1


def test_3d_secure_failed_is_declined_in_words_and_the_plan_stays(page: Page, person: Person) -> None:
    person.open(page, "/plan")
    expect(add_card(page, THREE_D_SECURE, authentication=COMPLETE)).to_be_hidden()

    page.get_by_role("button", name="Choose Pro, Monthly").click()
    upgrade = page.get_by_role("dialog", name="Change to Pro, Monthly")
    upgrade.get_by_role("button", name="Confirm").click()
    page.get_by_role("button", name=FAIL).click()

    expect(upgrade.get_by_role("alert")).to_have_text(re.compile(r"\w+"))
    expect(upgrade.get_by_role("button", name="Confirm")).to_be_enabled()
    assert serious_accessibility_violations(page) == []
    upgrade.get_by_role("button", name="Close").click()
    expect(upgrade).to_be_hidden()
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Free Monthly")
    expect(payment_rows(page).first.get_by_role("cell").last).to_contain_text("Declined")
    assert plan_changes(person) == 0


def test_buy_a_credit_pack_on_the_usage_overview(page: Page, person: Person) -> None:
    person.open(page, "/plan")
    expect(add_card(page, VISA)).to_be_hidden()
    choose_pro(page).get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Pro Monthly")

    menu = page.get_by_role("navigation", name="Credits and Plans")
    menu.get_by_role("link", name="Usage Overview").click()
    available = page.get_by_role("region", name="Credits", exact=True).locator(".figure-number")
    expect(available).to_have_text(re.compile(r"\d"))
    before = int(available.inner_text().replace(",", ""))
    packs = page.get_by_role("region", name="Buy credits")
    expect(packs.get_by_role("listitem")).to_have_text(
        [
            re.compile(r"500 credits\s*\$10\.00"),
            re.compile(r"2,000 credits\s*\$35\.00"),
            re.compile(r"5,000 credits\s*\$80\.00"),
        ]
    )
    packs.get_by_role("button", name="Buy 2,000 credits for $35.00").click()
    dialog = page.get_by_role("dialog", name="Buy 2,000 credits")
    expect(dialog).to_contain_text("Buy 2,000 credits for $35.00, charged to Visa •••• 4242.")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "overview-buy-credits", full_page=False)
    dialog.get_by_role("button", name="Buy").click()

    expect(dialog).to_be_hidden()
    bought = "2,000 credits added. Paid $35.00 with Visa •••• 4242."
    expect(packs.get_by_role("status")).to_contain_text(bought)
    expect(available).to_have_text(f"{before + 2_000:,}")

    menu.get_by_role("link", name="Plan").click()
    expect(payment_rows(page)).to_have_count(2)
    expect(payment_rows(page).first).to_contain_text("$35.00")  # newest first


def test_on_the_free_plan_the_overview_says_why_there_are_no_packs(page: Page, person: Person) -> None:
    person.open(page)

    packs = page.get_by_role("region", name="Buy credits")
    expect(packs).to_contain_text("Credit packs are for paid plans")
    expect(packs.get_by_role("button")).to_have_count(0)
    expect(packs.get_by_role("link", name="Choose a plan")).to_have_attribute("href", "/plan")
    assert serious_accessibility_violations(page) == []


def test_a_credit_pack_with_3d_secure_adds_its_credits_once_authenticated(page: Page, person: Person) -> None:
    person.open(page, "/plan")
    expect(add_card(page, THREE_D_SECURE, authentication=COMPLETE)).to_be_hidden()
    page.get_by_role("button", name="Choose Pro, Monthly").click()
    page.get_by_role("dialog", name="Change to Pro, Monthly").get_by_role("button", name="Confirm").click()
    page.get_by_role("button", name=COMPLETE).click()
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Pro Monthly")
    person.open(page, "/")
    available = page.get_by_role("region", name="Credits", exact=True).locator(".figure-number")
    expect(available).to_have_text(re.compile(r"\d"))
    before = int(available.inner_text().replace(",", ""))

    page.get_by_role("button", name="Buy 500 credits for $10.00").click()
    page.get_by_role("dialog", name="Buy 500 credits").get_by_role("button", name="Buy").click()
    page.get_by_role("button", name=COMPLETE).click()

    expect(page.get_by_role("region", name="Buy credits").get_by_role("status")).to_contain_text(
        "500 credits added. Paid $10.00 with Visa •••• 3184."
    )
    expect(available).to_have_text(f"{before + 500:,}")


def test_the_payments_list_loads_more_past_its_first_page(page: Page, person: Person) -> None:
    save_card(person)
    upgrade = {"planId": "pro", "interval": "MONTHLY", "idempotencyKey": "to-pro"}
    assert person.graphql(CHANGE_PLAN, {"input": upgrade})["changePlan"]["__typename"] == "PlanChanged"
    for n in range(PAGE_SIZE):
        pack = {
            "packId": person.graphql("{ creditPacks { id } }")["creditPacks"][0]["id"],
            "idempotencyKey": f"pack-{n}",
        }
        assert person.graphql(BUY_CREDITS, {"input": pack})["buyCredits"]["__typename"] == "CreditsBought"

    person.open(page, "/plan")
    payments = page.get_by_role("region", name="Payments")
    expect(payment_rows(page)).to_have_count(PAGE_SIZE)
    expect(payment_rows(page).first).to_contain_text("$10.00")  # newest first
    payments.get_by_role("button", name="Load more").click()

    expect(payment_rows(page)).to_have_count(PAGE_SIZE + 1)
    expect(payment_rows(page).last).to_contain_text("$49.00")
    expect(payments.get_by_role("button", name="Load more")).to_have_count(0)
