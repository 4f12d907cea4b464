"""Signing in with the printed link, the Usage Overview, the menu, keyboard use."""

import re
from datetime import timedelta

from playwright.sync_api import Page, Request, expect

from tests.browser.conftest import (
    GRANT,
    IMAGE,
    Person,
    screenshot,
    serious_accessibility_violations,
    service_call,
    spend,
)
from tests.http.dev_server import FROZEN_NOW, DevServer


def test_without_a_token_the_sign_in_screen_says_how_to_get_one(page: Page, server: DevServer) -> None:
    page.goto(server.url + "/plan")

    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Credits and Plans")
    expect(page.get_by_text(f"open {server.url}/#token=<user token>")).to_be_visible()
    expect(page.get_by_text("make dev", exact=True)).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "sign-in")


def test_the_printed_link_opens_the_demo_overview_and_leaves_the_address_bar(
    page: Page, server: DevServer
) -> None:
    [link] = [line.split("open ", 1)[1].strip() for line in server.output if line.strip().startswith("open ")]
    methods: set[str] = set()

    def record(request: Request) -> None:
        if "/graphql" in request.url:
            methods.add(request.method)

    page.on("request", record)

    page.goto(link)

    expect(page.get_by_role("heading", level=1)).to_have_text("Usage Overview")
    assert page.url == server.url + "/"
    credits_box = page.get_by_role("region", name="Credits", exact=True)
    # This period's rollover and grant, the top-up, less this month's creatives (studio_credits/demo.py).
    expect(credits_box).to_contain_text(f"{3_000 + 3_000 + 500 - 3_213:,} available")
    expect(credits_box).to_contain_text("Pro, Annual")
    expect(credits_box).to_contain_text("Next refreshMar 30, 2027")
    expect(credits_box).to_contain_text("Next refresh")
    expect(credits_box.get_by_role("progressbar", name="Credits used this period")).to_be_visible()
    expect(credits_box.get_by_role("link", name="Upgrade")).to_have_attribute("href", "/plan")
    expect(credits_box.get_by_role("link", name="View Credits History")).to_have_attribute("href", "/history")
    expiring = page.get_by_role("region", name="Expiring soon")
    expect(expiring).to_contain_text(f"{3_000 + 3_000 - 3_213:,} plan credits expire on Mar 30, 2027")

    # The chart's text alternative: 2027's months by creative kind, as the demo's Pro months made them
    # (images, premium videos, multi-shot videos: 3, 2, 1 in January; 1, 1, 2 in February; 2, 2, 3 now).
    table = page.get_by_role("table", name=re.compile("Credits used per month in 2027"))
    for month, image, video, multi_shot in [
        ("Jan", 3 * 160, 2 * 602, 1 * 563),
        ("Feb", 1 * 160, 1 * 602, 2 * 563),
        ("Mar", 2 * 160, 2 * 602, 3 * 563),
        ("Apr", 0, 0, 0),
    ]:
        expect(table.get_by_role("row", name=month)).to_have_text(
            re.compile(rf"{month}\s*{image:,}\s*{video:,}\s*{multi_shot:,}")
        )
    expect(page.get_by_role("img", name=re.compile("Bar chart: 7,348 credits used in 2027"))).to_be_visible()

    assert methods == {"POST"}  # the production API takes no queries over GET
    page.reload()  # the token is kept for the tab
    expect(page.get_by_role("heading", level=1)).to_have_text("Usage Overview")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "usage-overview")


def test_credits_expiring_within_30_days_are_listed_with_their_day(page: Page, person: Person) -> None:
    promo = {
        "accountId": person.id,
        "amount": 50,
        "source": "PROMO",
        "expiresAt": (FROZEN_NOW + timedelta(days=10)).isoformat(),
        "note": "spring promotion",
        "idempotencyKey": "promo",
    }
    assert (
        service_call(person.server, GRANT, {"input": promo})["grantCredits"]["__typename"] == "CreditsGranted"
    )

    person.open(page)

    # Not the free plan's credits: they expire with the period on Apr 15, 31 days away.
    expect(page.get_by_role("region", name="Expiring soon").get_by_role("listitem")).to_have_text(
        ["50 promotional credits expire on Mar 25, 2027"]
    )


def test_the_left_menu_and_upgrade_work_from_the_keyboard(page: Page, person: Person) -> None:
    person.open(page)
    expect(page.get_by_role("heading", level=1)).to_have_text("Usage Overview")

    menu = page.get_by_role("navigation", name="Credits and Plans")
    expect(menu.get_by_role("link", name="Usage Overview")).to_have_attribute("aria-current", "page")
    for _ in range(20):  # Tab through the page to the menu's Credits History link
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent") == "Credits History":
            break
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Credits History")
    assert page.url.endswith("/history")

    page.get_by_role("banner").get_by_role("link", name="Upgrade").press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Plan")
    expect(menu.get_by_role("link", name="Plan")).to_have_attribute("aria-current", "page")


def test_a_new_account_s_overview_has_designed_empty_states(page: Page, person: Person) -> None:
    person.open(page)

    expect(page.get_by_text("No credits used in")).to_be_visible()
    expect(page.get_by_role("region", name="Credits", exact=True)).to_contain_text("Free, Monthly")
    expect(page.get_by_role("region", name="Credits", exact=True)).to_contain_text(
        "0 of 100 used this period"
    )


def test_a_rejected_token_brings_back_the_sign_in_screen(page: Page, server: DevServer) -> None:
    page.goto(f"{server.url}/#token=not-a-token")

    expect(page.get_by_role("alert")).to_contain_text("Your sign-in has ended or was not accepted")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Credits and Plans")


def test_the_low_credits_notice_is_a_banner(page: Page, person: Person) -> None:
    spend(person, [IMAGE] * 21)  # 84 of the free plan's 100 credits: past 80%

    person.open(page)

    banner = page.get_by_role("region", name="Notices")
    expect(banner).to_contain_text("You have used 80 of this period's 100 credits (80% or more)")
    expect(page.get_by_role("region", name="Credits", exact=True)).to_contain_text(
        "84 of 100 used this period"
    )
    screenshot(page, "usage-overview-low-credits")
