"""Auto top-up on the Usage Overview: turned on from its form, firing once when the generation
service's spending crosses the threshold (the overview counts it, the history shows its credits), and
turned off; on the free plan, why there is none."""

from playwright.sync_api import Page, expect

from tests.browser.conftest import Person, save_card, screenshot, serious_accessibility_violations, spend

CHANGE_PLAN = """mutation($input: ChangePlanInput!) { changePlan(input: $input) { __typename } }"""
FOUR_K_BATCH = {"kind": "IMAGE", "resolution": "RES_4K", "outputs": 10}
"""160 credits on Pro."""


def on_pro(person: Person) -> None:
    save_card(person)
    upgrade = {"planId": "pro", "interval": "MONTHLY", "idempotencyKey": "to-pro"}
    assert person.graphql(CHANGE_PLAN, {"input": upgrade})["changePlan"]["__typename"] == "PlanChanged"


def test_turn_auto_top_up_on_see_it_fire_once_and_turn_it_off(page: Page, person: Person) -> None:
    on_pro(person)
    person.open(page)
    section = page.get_by_role("region", name="Auto top-up")
    expect(section.get_by_role("status")).to_have_text("Auto top-up is off.")

    form = section.get_by_role("form", name="Auto top-up settings")
    form.get_by_label("Pack").select_option(label="500 credits for $10.00")
    form.get_by_label("When available credits fall below").fill("2950")
    form.get_by_label("Top-ups a month, at most").fill("2")
    form.get_by_role("button", name="Turn on").click()

    expect(section.get_by_role("status")).to_have_text(
        "Auto top-up is on: 500 credits for $10.00 when fewer than 2,950 credits are available, "
        "at most 2 a month. Top-ups so far: 0 of 2 this month."
    )
    assert serious_accessibility_violations(page) == []
    screenshot(page, "overview-auto-top-up")

    spend(person, [FOUR_K_BATCH, FOUR_K_BATCH])  # 3,000 to 2,840 (a top-up: 3,340), then 3,180
    page.reload()
    available = page.get_by_role("region", name="Credits", exact=True).locator(".figure-number")
    expect(available).to_have_text("3,180")
    expect(section.get_by_role("status")).to_contain_text("Top-ups so far: 1 of 2 this month.")

    section.get_by_role("button", name="Turn off").click()
    expect(section.get_by_role("status")).to_have_text("Auto top-up is off.")
    expect(section.get_by_role("button", name="Turn on")).to_be_visible()

    page.get_by_role("link", name="View Credits History").click()
    rows = page.get_by_role("row").filter(has=page.locator("td"))
    expect(rows.filter(has_text="Auto top-up: 500 credits (paid $10.00 with Visa •••• 4242)")).to_have_count(
        1
    )
    expect(rows.filter(has_text="Auto top-up turned off")).to_have_count(1)


def test_on_the_free_plan_the_overview_says_auto_top_up_is_for_paid_plans(page: Page, person: Person) -> None:
    person.open(page)

    section = page.get_by_role("region", name="Auto top-up")
    expect(section).to_contain_text(
        "Auto top-up buys a credit pack when your credits run low, on paid plans."
    )
    expect(section.get_by_role("link", name="Choose a plan")).to_have_attribute("href", "/plan")
    expect(section.get_by_role("form")).to_have_count(0)
