"""`studio-credits dev --now`: a year and two months of a newcomer's Pro annual plan lived in seconds
through HTTP, with the `clock` and `outbox` commands a person would type, beside the demo person's."""

import io
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import redirect_stdout
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from studio_credits.cli import main
from studio_credits.demo import sign_up_time
from studio_credits.domain.access import Role
from studio_credits.domain.periods import add_months
from tests.http.dev_server import DevServer, dev_server, dev_tokens, free_port
from tests.support.payments import card_through_api

START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
TRAVELLER = "traveller@studio.example"
SWITCH = add_months(START, 1)
"""Free to Pro monthly is now; Pro monthly to Pro annual is a change of interval: it waits for the end of
the paid month."""
RENEWAL = add_months(START, 13)
"""The annual term, begun at the switch, renews a year later."""
ADVANCE_SECONDS = 30
"""Fourteen months through moto's threaded server take a few seconds; minutes would mean a regression."""

UPGRADE = """
mutation { changePlan(input: { planId: "pro", interval: MONTHLY, idempotencyKey: "time-travel-pro" }) {
  __typename
} }
"""
ANNUAL = """
mutation { changePlan(input: { planId: "pro", interval: ANNUAL, idempotencyKey: "time-travel-annual" }) {
  __typename
} }
"""
HISTORY = """
query History($after: String) { viewer {
  plan { id } interval renewsAt currentPeriod { start end }
  history(first: 100, after: $after) {
    edges { node { at kind amount description } }
    pageInfo { hasNextPage endCursor }
  }
} }
"""


@dataclass(frozen=True)
class Entry:
    at: datetime
    kind: str
    amount: int
    description: str


@dataclass(frozen=True)
class Story:
    printed: str
    seconds: float
    viewer: dict[str, Any]
    entries: list[Entry]
    """Oldest first."""
    emails: list[dict[str, Any]]
    """The traveller's, newest first."""

    def at(self, kind: str) -> list[datetime]:
        return [entry.at for entry in self.entries if entry.kind == kind and entry.at > START]


def cli(server: DevServer, *arguments: str) -> str:
    """`studio-credits <arguments> --url <the server>`, in process: what it prints."""
    printed = io.StringIO()
    with redirect_stdout(printed):
        main([*arguments, "--url", server.url])
    return printed.getvalue()


def read_history(server: DevServer, token: str) -> tuple[dict[str, Any], list[Entry]]:
    entries: list[Entry] = []
    after = None
    while True:
        body = server.post({"query": HISTORY, "variables": {"after": after}}, token)
        viewer = body["data"]["viewer"]
        page = viewer["history"]
        entries += [
            Entry(datetime.fromisoformat(n["at"]), n["kind"], n["amount"], n["description"])
            for n in (edge["node"] for edge in page["edges"])
        ]
        if not page["pageInfo"]["hasNextPage"]:
            return viewer, entries[::-1]
        after = page["pageInfo"]["endCursor"]


@pytest.fixture(scope="module")
def server() -> Iterator[DevServer]:
    with dev_server("--now", "2026-01-31T09:00:00Z") as running:
        yield running


@pytest.fixture(scope="module")
def traveller() -> str:
    """A newcomer's token: the account opens on the Free plan at its first request, at START."""
    return dev_tokens().mint("traveller", Role.USER, datetime.now(UTC), email=TRAVELLER)


@pytest.fixture(scope="module")
def story(server: DevServer, traveller: str) -> Story:
    """Upgrade to Pro, then to Pro annual, then `studio-credits clock advance P14M`."""
    card_through_api(
        lambda query, variables: server.post({"query": query, "variables": variables}, traveller)["data"],
        api_base=server.stripe_api_base,
    )
    upgraded = server.post({"query": UPGRADE}, traveller)
    annual = server.post({"query": ANNUAL}, traveller)
    assert upgraded == {"data": {"changePlan": {"__typename": "PlanChanged"}}}
    assert annual == {"data": {"changePlan": {"__typename": "PlanChangeScheduled"}}}

    started = time.monotonic()
    printed = cli(server, "clock", "advance", "P14M")
    seconds = time.monotonic() - started

    viewer, entries = read_history(server, traveller)
    emails = [e for e in httpx.get(f"{server.url}/dev/outbox", timeout=10).json() if e["to"] == TRAVELLER]
    return Story(printed, seconds, viewer, entries, emails)


def test_the_server_starts_frozen_with_the_demo_person_s_fourteen_months_up_to_then(
    server: DevServer,
) -> None:
    clock = httpx.get(f"{server.url}/dev/clock", timeout=10).json()
    viewer, entries = read_history(server, server.tokens["user"])

    assert clock == {"now": "2026-01-31T09:00:00+00:00", "frozen": True}
    assert "Test clock: frozen at 2026-01-31T09:00:00+00:00" in "".join(server.output)
    assert cli(server, "clock", "show") == "2026-01-31T09:00:00+00:00 (frozen)\n"
    assert entries[0].at == sign_up_time(START) == datetime(2024, 12, 15, 9, 0, tzinfo=UTC)
    assert add_months(START, -1) < entries[-1].at < START
    period_end = datetime.fromisoformat(viewer["currentPeriod"]["end"])
    assert period_end == datetime(2026, 2, 15, 9, 0, tzinfo=UTC)  # the 15th, as the sign-up


@pytest.mark.parametrize(
    ("body", "status", "error"),
    [
        ({"advanceTo": "2025-12-31T09:00:00Z"}, 409, "the test clock only moves forward"),
        ({"advanceTo": "31/01/2027"}, 400, "advanceTo: Input should be a valid datetime"),
    ],
)
def test_a_move_the_clock_does_not_make_is_a_clear_4xx(
    server: DevServer, body: dict[str, str], status: int, error: str
) -> None:
    response = httpx.post(f"{server.url}/dev/clock", json=body, timeout=10)

    assert response.status_code == status
    assert response.json()["error"].startswith(error)


def test_the_clock_command_says_why_a_move_is_refused(server: DevServer) -> None:
    with pytest.raises(SystemExit, match=r"^409 from http://.+/dev/clock: the test clock only moves forward"):
        cli(server, "clock", "advance", "--to", "2020-01-01T00:00:00Z")


def test_the_commands_say_when_no_local_server_answers() -> None:
    with pytest.raises(
        SystemExit, match=r"^no local server at http://127\.0\.0\.1:\d+ .+ `studio-credits dev`"
    ):
        main(["outbox", "--url", f"http://127.0.0.1:{free_port()}"])


def test_fourteen_months_take_seconds_and_run_each_job_where_it_fell_due(story: Story) -> None:
    print(f"14 months advanced in {story.seconds:.1f} s: {story.printed.splitlines()[-1]}")  # shown with -s
    assert story.seconds < ADVANCE_SECONDS
    *runs, last = story.printed.splitlines()
    assert last == f"now 2027-03-31T09:00:00+00:00 ({len(runs)} job runs)"
    assert sum('"job": "refresh"' in run for run in runs) == 28  # the traveller's 14 and the demo's


def test_fourteen_monthly_grants_each_with_its_rollover_and_expiry(story: Story) -> None:
    grants = story.at("GRANT")

    assert len(grants) == len(set(grants)) == 14
    assert grants[0] == SWITCH
    assert grants[12] == RENEWAL
    assert story.at("ROLLOVER") == grants  # the unused plan credits roll over at each boundary, once
    expired = Counter(story.at("EXPIRE"))
    assert all(expired[boundary] >= 1 for boundary in grants[1:])  # last period's rollover, at least
    assert story.at("PLAN_CHANGE") == [SWITCH]
    assert (story.viewer["plan"]["id"], story.viewer["interval"]) == ("pro", "ANNUAL")


def test_the_periods_keep_the_anchor_day_across_the_switch_to_annual(story: Story) -> None:
    assert story.at("GRANT") == [add_months(START, n) for n in range(1, 15)]
    assert story.viewer["renewsAt"] == add_months(START, 25).isoformat()  # 29 Feb 2028


def test_the_outbox_holds_each_annual_renewal_reminder_once(story: Story) -> None:
    reminders = [
        email
        for email in story.emails
        if email["subject"] == "Your plan renews soon" and "28 Feb 2027" in email["body"]
    ]

    sent = sorted(datetime.fromisoformat(email["sentAt"]) for email in reminders)
    assert len(sent) == 2
    for days_before, sent_at in zip((30, 7), sent, strict=True):
        due = RENEWAL - timedelta(days=days_before)
        assert due <= sent_at < due + timedelta(days=1)  # the first daily run once it fell due
    sent_once = {(email["subject"], email["body"], email["sentAt"]) for email in story.emails}
    assert len(sent_once) == len(story.emails)  # none twice
    times = [email["sentAt"] for email in story.emails]
    assert times == sorted(times, reverse=True)  # newest first


def test_the_outbox_command_lists_the_emails_newest_first(server: DevServer, story: Story) -> None:
    printed = cli(server, "outbox").splitlines()
    emails = httpx.get(f"{server.url}/dev/outbox", timeout=10).json()

    assert printed[-1] == f"{len(emails)} emails"
    newest = emails[0]
    text = newest["body"].rstrip("\n").splitlines()
    assert printed[: 1 + len(text)] == [
        f"{newest['sentAt']}  to {newest['to']}: {newest['subject']}",
        *(f"    {line}" if line else "" for line in text),  # its plain text, indented
    ]


def test_without_jobs_only_the_clock_moves(server: DevServer, traveller: str, story: Story) -> None:
    emails = len(httpx.get(f"{server.url}/dev/outbox", timeout=10).json())
    printed = cli(server, "clock", "advance", "P1M", "--no-jobs")

    assert printed == "now 2027-04-30T09:00:00+00:00 (0 job runs)\n"
    assert cli(server, "clock", "show") == "2027-04-30T09:00:00+00:00 (frozen)\n"
    assert len(httpx.get(f"{server.url}/dev/outbox", timeout=10).json()) == emails
    assert len(read_history(server, traveller)[1]) == len(story.entries)  # nothing written until the jobs run


def test_a_read_before_the_jobs_catch_up_sees_the_account_as_of_now(
    server: DevServer, traveller: str, story: Story
) -> None:
    cli(server, "clock", "advance", "--to", "2027-05-15T09:00:00Z", "--no-jobs")
    viewer = server.post({"query": "{ viewer { currentPeriod { start end } } }"}, traveller)

    period = viewer["data"]["viewer"]["currentPeriod"]
    now = datetime(2027, 5, 15, 9, 0, tzinfo=UTC)
    assert datetime.fromisoformat(period["start"]) <= now < datetime.fromisoformat(period["end"])
