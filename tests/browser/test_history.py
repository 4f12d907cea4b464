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
    assert shown[1][2] == "2 s video, 480p" and shown[1][3:] == ["-16", "12"]
    assert shown[2][2] == "Image, 1080p" and shown[2][3:] == ["-4", "28"]
    expect(
        page.get_by_role(
            "img", name=re.compile(r"Step line of the balance over time, by hour .*: 96 credits on")
        )
    ).to_be_visible()
    assert serious_accessibility_violations(page) == []
    screenshot(page, "credits-history")

    page.get_by_role("button", name="Load more").click()

    expect(page.get_by_text("21 entries shown.")).to_be_visible()
    last = rows(page)[-1]
    assert last[1].startswith("Credits granted") and last[3:] == ["+100", "100"]
    expect(page.get_by_role("button", name="Load more")).to_have_count(0)
    expect(
        page.get_by_role(
            "img", name=re.compile(r"Step line of the balance over time, by hour .*: 100 credits on")
        )
    ).to_be_visible()


def demo_link(server: DevServer, path: str) -> str:
    [link] = [line.split("open ", 1)[1].strip() for line in server.output if line.strip().startswith("open ")]
    return link.replace("/#token=", f"{path}#token=")


def time_axis(page: Page) -> list[str]:
    """The balance chart's x-axis tick labels, as its text alternative names them (the ticks the axis
    is given: web/src/timeAxis.ts)."""
    labels: list[str] = page.evaluate(
        """() => {
            const canvas = document.querySelector(".chart canvas");
            const label = canvas.getAttribute("aria-label");
            return label.slice(label.indexOf("(") + 1, label.indexOf(")")).split(", ");
        }"""
    )
    return labels


def test_the_demo_person_s_balance_over_fourteen_months_is_on_a_time_axis(
    page: Page, server: DevServer
) -> None:
    page.goto(demo_link(server, "/history"))
    expect(page.get_by_text("20 entries shown, more to load.")).to_be_visible()
    chart = page.get_by_role("img", name=re.compile("Step line of the balance over time"))
    # The newest 20 entries span the last two months: a tick a week.
    expect(chart).to_have_accessible_name(re.compile(r"over time, by day \(Jan 18, Jan 25, Feb 1, "))

    while page.get_by_role("button", name="Load more").count():
        shown = len(rows(page))
        page.get_by_role("button", name="Load more").click()
        expect(page.locator("table.entries tbody tr")).not_to_have_count(shown)
        expect(page.get_by_text("Loading more entries")).to_have_count(0)
    entries = len(rows(page))

    # Fourteen months from sign-up (Jan 30, 2026): a tick every other month, not one per entry.
    expect(chart).to_have_accessible_name(re.compile(r"over time, by month \(Feb 2026, Apr, "))
    assert time_axis(page) == ["Feb 2026", "Apr", "Jun", "Aug", "Oct", "Dec", "Feb 2027"]
    assert entries > 100
    expect(chart).to_have_accessible_name(
        re.compile(r": 100 credits on Jan 30, 2026, 4:00 AM, 3,287 on Mar 10, 2027, 9:06 AM\.")
    )
    page.evaluate("window.scrollTo(0, 0)")
    screenshot(page, "credits-history-demo", full_page=False)


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
    assert exported[2][1:2] + exported[2][3:4] == ["Spent", "2 s video, 480p"]
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
