"""Emails a person reads: the Plan page's Emails section, and the local server's outbox page showing
each email rendered (the demo person's, which its fourteen months of notices sent)."""

import re

from playwright.sync_api import Page, expect

from tests.browser.conftest import PageProblems, Person, screenshot, serious_accessibility_violations
from tests.http.dev_server import DevServer

PREFERENCES = "{ viewer { noticePreferences { kind enabled } } }"
EXPIRING = "Some of your credits expire soon"


def test_an_optional_kind_is_turned_off_from_the_keyboard_and_payment_ones_cannot_be(
    page: Page, person: Person
) -> None:
    person.open(page, "/plan")
    emails = page.get_by_role("region", name="Emails")
    expiring = emails.get_by_role("checkbox", name="Before credits expire")
    failed = emails.get_by_role("checkbox", name="When a payment fails")

    expect(emails.get_by_role("group", name="Email me").get_by_role("checkbox")).to_have_count(8)
    expect(expiring).to_be_checked()
    expect(expiring).to_be_enabled()
    expect(failed).to_be_checked()
    expect(failed).to_be_disabled()
    expect(failed).to_have_accessible_description("Always sent: it is about your payments.")
    assert serious_accessibility_violations(page) == []

    expiring.focus()
    page.keyboard.press("Space")

    said = emails.locator("[aria-live=polite]")
    expect(said).to_have_text("Saved: “Before credits expire” emails are off.")
    expect(expiring).not_to_be_checked()
    expect(expiring).to_be_focused()
    stored = person.graphql(PREFERENCES)["viewer"]["noticePreferences"]
    assert {"kind": "CREDITS_EXPIRING", "enabled": False} in stored
    screenshot(page, "plan-emails")
    page.reload()
    expect(
        page.get_by_role("region", name="Emails").get_by_role("checkbox", name="Before credits expire")
    ).not_to_be_checked()


def test_the_outbox_page_shows_an_emailed_notice_rendered_with_its_words_and_links(
    page: Page, server: DevServer, page_problems: PageProblems
) -> None:
    # The emails' frames run no script, by their sandbox: not even the test's own (Playwright's, axe's).
    page_problems.expect_failures(r"^about:srcdoc$")
    notices = server.post(
        {"query": "{ viewer { notices(first: 50) { kind message } } }"}, server.tokens["user"]
    )
    newest = next(n for n in notices["data"]["viewer"]["notices"] if n["kind"] == "CREDITS_EXPIRING")

    page.goto(f"{server.url}/dev/outbox")

    expect(page.get_by_role("heading", level=1)).to_have_text("Outbox")
    email = page.get_by_role("article").filter(has=page.get_by_role("heading", name=EXPIRING)).first
    expect(email).to_contain_text("demo@studio.example")
    expect(email).to_contain_text(f"List-Unsubscribe<{server.url}/plan#emails>")
    rendered = email.frame_locator("iframe")
    expect(rendered.get_by_role("heading", level=1)).to_have_text(EXPIRING)
    expect(rendered.locator("body")).to_contain_text(newest["message"])
    expect(rendered.locator("body")).to_contain_text(
        re.compile(r"Expiring: [\d,]+ credits: about [\d,]+ 4K images")
    )
    expect(rendered.get_by_role("link", name="Use your credits")).to_have_attribute("href", f"{server.url}/")
    expect(rendered.get_by_role("link", name="email preferences")).to_have_attribute(
        "href", f"{server.url}/plan#emails"
    )
    expect(email.locator("pre")).to_contain_text(newest["message"])
    expect(email.locator("pre")).to_contain_text(f"Use your credits: {server.url}/")
    assert serious_accessibility_violations(page) == []
    screenshot(page, "outbox", full_page=False)
