"""The Plan page: plans side by side, an upgrade with Confirm, a cancellation with Confirm, a
refusal in words, a resume; the dialogs from the keyboard."""

import re

from playwright.sync_api import Page, Route, expect

from tests.browser.conftest import (
    PageProblems,
    Person,
    save_card,
    screenshot,
    serious_accessibility_violations,
)

CHANGE_PLAN = """mutation($input: ChangePlanInput!) { changePlan(input: $input) { __typename } }"""


def on_pro(person: Person) -> None:
    save_card(person)  # an upgrade from Free is paid for
    changed = person.graphql(
        CHANGE_PLAN, {"input": {"planId": "pro", "interval": "MONTHLY", "idempotencyKey": "to-pro"}}
    )
    assert changed["changePlan"]["__typename"] == "PlanChanged"


class Held:
    """The page's `operation` requests, held until the test lets each go (route.continue_())."""

    def __init__(self, page: Page, operation: str) -> None:
        self._page = page
        self._routes: list[Route] = []

        def hold(route: Route) -> None:
            if operation in (route.request.post_data or ""):
                self._routes.append(route)
            else:
                route.continue_()

        page.route("**/graphql", hold)

    def nth(self, number: int) -> Route:
        """The number-th held request (1 is the first), once the page has sent it: Playwright hands
        routes to this process only while a call waits on the browser, so wait on it."""
        for _ in range(HOLD_POLLS):
            if len(self._routes) >= number:
                return self._routes[number - 1]
            self._page.wait_for_timeout(HOLD_POLL_MS)
        raise AssertionError(f"the page sent {len(self._routes)} held requests, not {number}")


HOLD_POLLS, HOLD_POLL_MS = 200, 25


def focused_inside_dialog(page: Page) -> bool:
    inside: bool = page.evaluate("document.activeElement?.closest('dialog') != null")
    return inside


def test_the_plans_side_by_side_with_a_monthly_and_annual_switch(page: Page, person: Person) -> None:
    person.open(page, "/plan")

    expect(page.get_by_role("heading", level=1)).to_have_text("Plan")
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Free Monthly")
    plans = (
        page.get_by_role("region", name="All plans").get_by_role("listitem").filter(has=page.locator("h3"))
    )
    expect(plans.locator("h3")).to_have_text(["Free", "Starter", "Pro", "Business"])
    expect(plans.nth(1)).to_contain_text("$19.00 a month")
    expect(plans.nth(1)).to_contain_text("1,000 credits a month")
    expect(plans.nth(1)).to_contain_text("Up to 1,000 unused credits roll over")
    expect(plans.nth(0)).to_contain_text("Your current plan")

    page.get_by_role("radio", name="Annual").check()
    expect(plans.nth(1)).to_contain_text("$182.00 a year")
    expect(plans.nth(0)).to_contain_text("Monthly billing only")
    expect(page.get_by_role("button", name="Choose Free, Annual")).to_be_disabled()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "plan")


def test_an_upgrade_previews_then_confirms_with_the_button_disabled_in_flight(
    page: Page, person: Person
) -> None:
    save_card(person)
    person.open(page, "/plan")
    page.get_by_role("button", name="Choose Pro, Monthly").click()

    dialog = page.get_by_role("dialog", name="Change to Pro, Monthly")
    expect(dialog).to_contain_text("WhenNow")
    expect(dialog).to_contain_text("Credits granted now2,900")
    expect(dialog).to_contain_text("Amount due now$49.00")
    expect(dialog).to_contain_text("Billing credit applied$0.00")
    expect(dialog).to_contain_text("You will be charged $49.00 now to Visa •••• 4242.")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "plan-upgrade-dialog", full_page=False)

    held = Held(page, "ChangePlan")
    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_role("button", name="Confirming…")).to_be_disabled()
    request = held.nth(1)
    request.continue_()

    expect(dialog).to_be_hidden()
    expect(page.get_by_role("status")).to_contain_text("You are now on Pro, billed monthly.")
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Pro Monthly")
    sent = request.request.post_data_json
    assert sent is not None
    assert re.fullmatch(r"[0-9a-f-]{36}", sent["variables"]["input"]["idempotencyKey"])


def test_a_lower_plan_is_scheduled_for_the_term_end(page: Page, person: Person) -> None:
    on_pro(person)
    person.open(page, "/plan")
    page.get_by_role("button", name="Choose Starter, Monthly").click()
    dialog = page.get_by_role("dialog", name="Change to Starter, Monthly")
    expect(dialog).to_contain_text("At the end of your paid term")

    dialog.get_by_role("button", name="Confirm").click()

    expect(page.get_by_role("status")).to_contain_text("Your change to Starter (Monthly) is scheduled for")
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Scheduled changeStarter, Monthly")


def test_cancel_with_confirm_a_refusal_in_words_then_resume(page: Page, person: Person) -> None:
    on_pro(person)
    person.open(page, "/plan")

    opener = page.get_by_role("button", name="Cancel plan")
    opener.click()
    dialog = page.get_by_role("dialog", name="Cancel your Pro plan?")
    expect(dialog).to_contain_text("stay until Apr 15, 2027")  # a month after FROZEN_NOW
    expect(dialog).to_contain_text("Top-up credits stay")
    for _ in range(4):  # focus stays in the modal dialog
        page.keyboard.press("Tab")
        assert focused_inside_dialog(page)
    page.keyboard.press("Escape")  # Esc closes it, and focus goes back to what opened it
    expect(dialog).to_be_hidden()
    expect(opener).to_be_focused()

    opener.click()
    dialog.get_by_role("button", name="Keep plan").click()
    expect(dialog).to_be_hidden()
    expect(opener).to_be_visible()

    opener.click()
    expect(dialog).to_contain_text("credits")
    screenshot(page, "plan-cancel-dialog", full_page=False)
    dialog.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("status")).to_contain_text("Your plan is canceled. You keep Pro until")
    expect(page.get_by_role("region", name="Your plan")).to_contain_text("Canceled: access ends")

    # A canceled plan must be resumed before it is changed: the preview's refusal, in words.
    page.get_by_role("button", name="Choose Business, Monthly").click()
    refusal = page.get_by_role("dialog", name="Change to Business, Monthly").get_by_role("alert")
    expect(refusal).to_contain_text("Your plan is canceled and ends on")
    expect(refusal).to_contain_text("resume it before changing plan.")
    screenshot(page, "plan-refusal", full_page=False)
    page.keyboard.press("Escape")

    resume = page.get_by_role("button", name="Resume plan")
    held = Held(page, "ResumePlan")
    resume.click()
    expect(page.get_by_role("button", name="Resuming…")).to_be_disabled()
    held.nth(1).continue_()
    expect(page.get_by_role("status")).to_contain_text("Your Pro plan goes on; it renews on")
    expect(page.get_by_role("button", name="Cancel plan")).to_be_visible()
    assert serious_accessibility_violations(page) == []


def test_a_second_resume_is_refused_in_words(page: Page, person: Person) -> None:
    on_pro(person)
    person.open(page, "/plan")
    page.get_by_role("button", name="Cancel plan").click()
    page.get_by_role("dialog").get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("button", name="Resume plan")).to_be_visible()
    person.graphql("mutation { resumePlan { __typename } }")  # resumed elsewhere meanwhile

    page.get_by_role("button", name="Resume plan").click()

    expect(page.get_by_role("region", name="Cancel plan").get_by_role("alert")).to_have_text(
        re.compile(r"\w+")
    )


def test_confirm_after_a_lost_answer_sends_the_same_key_and_changes_the_plan_once(
    page: Page, page_problems: PageProblems, person: Person
) -> None:
    page_problems.expect_failures(r"/graphql$")
    save_card(person)
    person.open(page, "/plan")
    page.get_by_role("button", name="Choose Starter, Monthly").click()
    dialog = page.get_by_role("dialog", name="Change to Starter, Monthly")
    expect(dialog.get_by_role("button", name="Confirm")).to_be_enabled()
    held = Held(page, "ChangePlan")

    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_role("button", name="Confirming…")).to_be_disabled()
    lost = held.nth(1)
    assert lost.fetch().ok  # the server changes the plan, but its answer never arrives
    lost.abort()
    expect(dialog.get_by_role("alert")).to_contain_text("could not be reached")

    dialog.get_by_role("button", name="Confirm").click()
    expect(dialog.get_by_role("button", name="Confirming…")).to_be_disabled()
    retried = held.nth(2)
    retried.continue_()

    expect(page.get_by_role("status")).to_contain_text("You are now on Starter")
    keys = {
        (route.request.post_data_json or {})["variables"]["input"]["idempotencyKey"]
        for route in (lost, retried)
    }
    assert len(keys) == 1
    changes = person.graphql("{ viewer { history(filter: { kinds: [PLAN_CHANGE] }) { edges { cursor } } } }")
    assert len(changes["viewer"]["history"]["edges"]) == 1
