"""The Credits History: newest first, Load more, filters kept in the address, the balance chart,
and the CSV export of the whole filtered range."""

import csv
import io
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import (
    GRANT,
    IMAGE,
    TIME_ZONE,
    PageProblems,
    Person,
    screenshot,
    serious_accessibility_violations,
    service_call,
    spend,
)
from tests.http.dev_server import FROZEN_NOW, DevServer

IMAGES = 18
PAGE_SIZE = 20
"""The page's size (web/src/pages/History.tsx)."""

TODAY = FROZEN_NOW.astimezone(ZoneInfo(TIME_ZONE)).date()
"""The person's day when every entry here is written (the server's clock is frozen)."""


@pytest.fixture(scope="module")
def spender(server: DevServer) -> Person:
    """A free account: its opening grant, 18 images, one video, then a promo grant: 21 entries."""
    person = Person(server, "browser-history-spender")
    spend(person, [IMAGE] * IMAGES + [{"kind": "VIDEO", "resolution": "RES_480P", "durationSeconds": 2}])
    promo = {
        "accountId": person.id,
        "amount": 50,
        "source": "PROMO",
        "note": "welcome",
        "idempotencyKey": "promo",
    }
    assert service_call(server, GRANT, {"input": promo})["grantCredits"]["__typename"] == "CreditsGranted"
    return person


def rows(page: Page) -> list[list[str]]:
    body = page.get_by_role("table", name="Credits history, newest first").locator("tbody tr")
    texts: list[list[str]] = body.evaluate_all("rows => rows.map(r => [...r.cells].map(c => c.innerText))")
    return texts


def test_newest_first_with_load_more_and_the_balance_chart(page: Page, spender: Person) -> None:
    spender.open(page, "/history")

    expect(page.get_by_role("heading", level=1)).to_have_text("Credits History")
    expect(page.get_by_text("20 entries shown, more to load.")).to_be_visible()
    shown = rows(page)
    assert len(shown) == PAGE_SIZE
    assert shown[0][1].startswith("Credits granted") and shown[0][3:] == ["+50", "62"]
    assert shown[1][2] == "Video, 480p, 2 s" and shown[1][3:] == ["-16", "12"]
    assert shown[2][2] == "Image, 1080p" and shown[2][3:] == ["-4", "28"]
    expect(
        page.get_by_role("img", name=re.compile(r"Line chart of the balance .*: 96 credits on"))
    ).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "credits-history")

    page.get_by_role("button", name="Load more").click()

    expect(page.get_by_text("21 entries shown.")).to_be_visible()
    last = rows(page)[-1]
    assert last[1].startswith("Credits granted") and last[3:] == ["+100", "100"]
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)
    expect(
        page.get_by_role("img", name=re.compile(r"Line chart of the balance .*: 100 credits on"))
    ).to_be_visible()


def test_filters_are_kept_in_the_address(page: Page, spender: Person) -> None:
    spender.open(page, "/history")
    year = str(TODAY.year)

    page.get_by_label("Year").select_option(year)
    page.get_by_role("group", name="Creative kind").get_by_label("Image").check()
    page.get_by_role("button", name="Apply filters").click()

    expect(page.get_by_text(f"{IMAGES} entries shown.")).to_be_visible()
    assert page.url.endswith(f"/history?year={year}&creative=IMAGE")
    assert {row[2] for row in rows(page)} == {"Image, 1080p"}

    page.reload()  # the address is the filter
    expect(page.get_by_text(f"{IMAGES} entries shown.")).to_be_visible()
    expect(page.get_by_label("Year")).to_have_value(year)
    expect(page.get_by_role("group", name="Creative kind").get_by_label("Image")).to_be_checked()
    screenshot(page, "credits-history-filtered")

    page.get_by_label("Year").select_option(str(int(year) - 1))
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("No entries match these filters.")).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "credits-history-empty")

    page.go_back()
    expect(page.get_by_text(f"{IMAGES} entries shown.")).to_be_visible()

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_label("From").fill(TODAY.isoformat())
    page.get_by_label("To").fill(TODAY.isoformat())
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("20 entries shown, more to load.")).to_be_visible()
    assert page.url.endswith(f"/history?from={TODAY}&to={TODAY}")
    page.get_by_label("From").fill((TODAY + timedelta(days=1)).isoformat())
    page.get_by_label("To").fill((TODAY + timedelta(days=1)).isoformat())
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text("No entries match these filters.")).to_be_visible()

    page.get_by_role("link", name="Clear filters").click()
    page.get_by_role("group", name="What").get_by_label("Spent").check()
    page.get_by_role("button", name="Apply filters").click()
    expect(page.get_by_text(f"{IMAGES + 1} entries shown.")).to_be_visible()
    assert page.url.endswith("/history?kind=CONSUME")


def test_export_csv_holds_the_whole_filtered_range(page: Page, spender: Person) -> None:
    spender.open(page, "/history?kind=CONSUME&kind=GRANT")
    expect(page.get_by_text("20 entries shown, more to load.")).to_be_visible()

    with page.expect_download() as downloading:
        page.get_by_role("button", name="Export CSV").click()

    download = downloading.value
    assert download.suggested_filename == "credits-history.csv"
    exported = list(csv.reader(io.StringIO(download.path().read_text())))
    assert exported[0] == ["Date", "What", "Description", "Creative", "Amount", "Balance after"]
    assert len(exported) == 1 + 21  # every page, not only the 20 shown
    assert [row[4:] for row in exported[1:4]] == [["50", "62"], ["-16", "12"], ["-4", "28"]]
    assert exported[2][1:2] + exported[2][3:4] == ["Spent", "Video, 480p, 2 s"]
    assert exported[-1][1] == "Credits granted" and exported[-1][4:] == ["100", "100"]
    assert datetime.fromisoformat(exported[1][0]).tzinfo is not None


def test_a_failed_read_says_so_and_tries_again(
    page: Page, page_problems: PageProblems, spender: Person
) -> None:
    page_problems.expect_failures(r"/graphql$")
    page.route("**/graphql", lambda route: route.abort())
    spender.open(page, "/history")

    expect(page.get_by_role("alert")).to_have_text(re.compile("The credits service could not be reached"))
    screenshot(page, "credits-history-error")

    page.unroute("**/graphql")
    page.get_by_role("button", name="Try again").click()
    expect(page.get_by_text("20 entries shown, more to load.")).to_be_visible()
