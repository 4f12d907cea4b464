"""Credit history over two years: paging, every filter, and the year's edges."""

from datetime import UTC, datetime, timedelta

import pytest

from studio_credits.domain.catalogue import Resolution
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.errors import InvalidInput
from studio_credits.domain.history import HistoryFilter
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import LotSource
from studio_credits.jobs.refresh import refresh
from studio_credits.service import history, ledger
from studio_credits.service.ports import Services
from tests.support.accounts import ADMIN, SERVICE, person, subscribe
from tests.support.ledger import ledger_entries
from tests.support.mailer import RecordingMailer
from tests.support.memory_repository import MemoryRepository
from tests.support.payments import local_stripe

NEW_YEAR = datetime(2026, 1, 1, tzinfo=UTC)
CREATIVES = [
    Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_1080P),
    Creative(kind=CreativeKind.VIDEO, resolution=Resolution.RES_720P, duration_seconds=3),
    Creative(kind=CreativeKind.MULTI_SHOT_VIDEO, resolution=Resolution.RES_480P, duration_seconds=4, shots=3),
]


@pytest.fixture(scope="module")
def books() -> tuple[Services, list[LedgerEntry]]:
    """About 300 entries from January 2025 to December 2026, two of them a second either side of
    New Year; written once for the module, in memory (tests/store/test_history_pages.py pages a
    small history on DynamoDB)."""
    clock = FixedClock(datetime(2025, 1, 1, 8, tzinfo=UTC))
    services = Services(MemoryRepository(), clock, RecordingMailer(), payments=local_stripe())
    return services, _write_two_years(services, clock)


@pytest.fixture
def services(books: tuple[Services, list[LedgerEntry]]) -> Services:
    return books[0]


@pytest.fixture
def two_years(books: tuple[Services, list[LedgerEntry]]) -> list[LedgerEntry]:
    return books[1]


def _write_two_years(services: Services, clock: FixedClock) -> list[LedgerEntry]:
    account = subscribe(services, person("hist"), "business")
    ledger.grant(services, ADMIN, account.id, 100_000, LotSource.ADJUSTMENT, None, "history test", "g")
    moments = [NEW_YEAR - timedelta(seconds=1), NEW_YEAR]
    moments += [datetime(2025, 1, 2, tzinfo=UTC) + timedelta(hours=57 * n) for n in range(300)]
    for n, moment in enumerate(sorted(moments)):
        clock.at = moment
        refresh(services, account.id)  # renewals charged as they fall due
        ledger.consume(services, SERVICE, account.id, CREATIVES[n % 3], f"job-{n}", f"k-{n}")
    return ledger_entries(services.repository, "hist")[::-1]  # newest first


def all_pages(services: Services, selected: HistoryFilter, first: int) -> list[LedgerEntry]:
    entries, after = [], None
    while True:
        page = history.history(services, "hist", selected, first, after)
        entries += page.entries
        if not page.has_next_page:
            return entries
        after = page.end_cursor


def test_pages_walk_every_entry_newest_first_once(services: Services, two_years: list[LedgerEntry]) -> None:
    walked = all_pages(services, HistoryFilter(), 37)

    assert len(two_years) > 300
    assert [e.id for e in walked] == [e.id for e in two_years]


def test_year_filter_keeps_its_edges(services: Services, two_years: list[LedgerEntry]) -> None:
    in_2025 = all_pages(services, HistoryFilter(year=2025), 50)
    in_2026 = all_pages(services, HistoryFilter(year=2026), 50)

    assert [e.id for e in in_2025] == [e.id for e in two_years if e.at.year == 2025]
    assert [e.id for e in in_2026] == [e.id for e in two_years if e.at.year == 2026]
    assert in_2025[0].at == NEW_YEAR - timedelta(seconds=1)
    assert in_2026[-1].at == NEW_YEAR


def test_from_and_to_are_inclusive(services: Services, two_years: list[LedgerEntry]) -> None:
    since, until = two_years[200].at, two_years[100].at

    chosen = all_pages(services, HistoryFilter(since=since, until=until), 20)

    assert [e.id for e in chosen] == [e.id for e in two_years if since <= e.at <= until]


def test_kind_and_creative_filters(services: Services, two_years: list[LedgerEntry]) -> None:
    videos = all_pages(services, HistoryFilter(creative_kinds=frozenset({CreativeKind.VIDEO})), 25)
    grants = all_pages(services, HistoryFilter(kinds=frozenset({EntryKind.GRANT, EntryKind.ADJUST})), 25)
    video_2026 = all_pages(
        services, HistoryFilter(year=2026, creative_kinds=frozenset({CreativeKind.VIDEO})), 25
    )

    assert [e.id for e in videos] == [
        e.id for e in two_years if e.creative and e.creative.kind is CreativeKind.VIDEO
    ]
    assert [e.id for e in grants] == [
        e.id for e in two_years if e.kind in (EntryKind.GRANT, EntryKind.ADJUST)
    ]
    assert len(grants) > 24  # the monthly plan grants of two years, refreshed as spending went on
    assert video_2026 == [e for e in videos if e.at.year == 2026]


def test_cursors_are_bound_to_their_account_and_filter(
    services: Services, two_years: list[LedgerEntry]
) -> None:
    page = history.history(services, "hist", HistoryFilter(), 10, None)
    assert page.end_cursor is not None

    with pytest.raises(InvalidInput, match="another account"):
        history.history(services, "someone-else", HistoryFilter(), 10, page.end_cursor)
    with pytest.raises(InvalidInput, match="another filter"):
        history.history(services, "hist", HistoryFilter(year=2025), 10, page.end_cursor)
    with pytest.raises(InvalidInput, match="not a cursor"):
        history.history(services, "hist", HistoryFilter(), 10, "forged" + page.end_cursor)
    with pytest.raises(InvalidInput, match="1 to 100"):
        history.history(services, "hist", HistoryFilter(), 101, None)


def test_usage_by_year_and_month_from_the_roll_ups(services: Services, two_years: list[LedgerEntry]) -> None:
    spent_2025 = history.usage(services, "hist", 2025, None, None)

    consumed = [e for e in two_years if e.kind is EntryKind.CONSUME and e.at.year == 2025]
    assert spent_2025.total_credits == -sum(e.amount for e in consumed)
    assert spent_2025.total_creatives == len(consumed)
    assert sum(spent_2025.by_month.values()) == spent_2025.total_credits
    assert min(spent_2025.by_month) == "2025-01"
    december = [e for e in consumed if e.at.month == 12]
    assert spent_2025.by_month["2025-12"] == -sum(e.amount for e in december)
    assert spent_2025.by_month_and_kind.keys() == spent_2025.by_month.keys()
    for month, kinds in spent_2025.by_month_and_kind.items():
        assert sum(credits for credits, _ in kinds.values()) == spent_2025.by_month[month]
    december_by_kind: dict[CreativeKind, int] = {}
    for entry in december:
        assert entry.creative is not None
        december_by_kind[entry.creative.kind] = december_by_kind.get(entry.creative.kind, 0) - entry.amount
    assert {kind: credits for kind, (credits, _) in spent_2025.by_month_and_kind["2025-12"].items()} == (
        december_by_kind
    )
