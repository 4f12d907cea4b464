"""Credit history pages read from DynamoDB: newest first, every entry once, filters applied after the
read (so a filtered page may be short while more follow), the year's edges by the sort key.

The same use case over two years of entries runs in memory (tests/ledger/test_history.py).
"""

from datetime import UTC, datetime, timedelta

import pytest

from studio_credits.domain.catalogue import Resolution
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.history import HistoryFilter
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.service import history, ledger
from studio_credits.service.ports import Services
from tests.support.accounts import SERVICE, person, subscribe
from tests.support.ledger import image, ledger_entries

NEW_YEAR = datetime(2026, 1, 1, tzinfo=UTC)
VIDEO = Creative(kind=CreativeKind.VIDEO, resolution=Resolution.RES_720P, duration_seconds=3)


@pytest.fixture
def newest_first(services: Services, clock: FixedClock) -> list[LedgerEntry]:
    """Sixteen entries over New Year: opening, the Business upgrade (event and grant), 13 creatives."""
    clock.at = NEW_YEAR - timedelta(hours=2)
    subscribe(services, person("hist"), "business")
    moments = [NEW_YEAR - timedelta(minutes=20 * n) for n in range(1, 6)] + [NEW_YEAR - timedelta(seconds=1)]
    moments += [NEW_YEAR + timedelta(minutes=15 * n) for n in range(7)]
    for n, moment in enumerate(sorted(moments)):
        clock.at = moment
        creative = VIDEO if n % 3 == 0 else image()
        assert isinstance(
            ledger.consume(services, SERVICE, "hist", creative, f"job-{n}", f"k-{n}"), ledger.Recorded
        )
    entries = ledger_entries(services.repository, "hist")[::-1]
    assert len(entries) == 16  # 1 + 2 + 13
    return entries


def all_pages(services: Services, selected: HistoryFilter, first: int) -> list[LedgerEntry]:
    entries, after = [], None
    while True:
        page = history.history(services, "hist", selected, first, after)
        entries += page.entries
        if not page.has_next_page:
            return entries
        after = page.end_cursor


def test_pages_walk_every_entry_newest_first_once(
    services: Services, newest_first: list[LedgerEntry]
) -> None:
    for size in (1, 5, 16, 100):
        assert [e.id for e in all_pages(services, HistoryFilter(), size)] == [e.id for e in newest_first]


def test_the_year_s_edges_and_the_filters(services: Services, newest_first: list[LedgerEntry]) -> None:
    in_2025 = all_pages(services, HistoryFilter(year=2025), 4)
    in_2026 = all_pages(services, HistoryFilter(year=2026), 4)
    videos = all_pages(services, HistoryFilter(creative_kinds=frozenset({CreativeKind.VIDEO})), 2)
    grants = all_pages(services, HistoryFilter(kinds=frozenset({EntryKind.GRANT})), 3)

    assert [e.id for e in in_2025] == [e.id for e in newest_first if e.at.year == 2025]
    assert [e.id for e in in_2026] == [e.id for e in newest_first if e.at.year == 2026]
    assert (in_2025[0].at, in_2026[-1].at) == (NEW_YEAR - timedelta(seconds=1), NEW_YEAR)
    assert len(videos) == 5  # creatives 0, 3, 6, 9 and 12 of 13
    assert [e.id for e in videos] == [
        e.id for e in newest_first if e.creative is not None and e.creative.kind is CreativeKind.VIDEO
    ]
    assert [e.amount for e in grants] == [6_900, 100]  # the upgrade's 7,000 - 100, then the free grant
