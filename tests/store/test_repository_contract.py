"""One contract, two repositories: DynamoDB (on moto) and the in-memory one the fast tests use.

What a use case may rely on: atomic commits under the version read, items written once,
the idempotency key and the refund marker winning over a stale version, history pages
newest first, usage summed per day and kind, notices claimed once, due accounts found (a renewal
due among them, at its next try).
"""

from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from studio_credits.bootstrap import tables
from studio_credits.domain import spending
from studio_credits.domain.account import Account, PlanStatus, RenewalDue, open_account
from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.change import Change
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.history import HistoryFilter
from studio_credits.domain.idempotency import IdempotencyRecord
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.notices import Notice, NoticeKind
from studio_credits.service.ports import (
    AccountExists,
    AlreadyRefunded,
    IdempotencyKeyUsed,
    Repository,
    VersionConflict,
)
from studio_credits.store.repository import DynamoRepository
from tests.conftest import SETTINGS
from tests.support.memory_repository import MemoryRepository

START = datetime(2026, 11, 24, 12, tzinfo=UTC)
IMAGE = Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_1080P)


@pytest.fixture(params=["memory", "dynamodb"])
def repository(request: pytest.FixtureRequest) -> Iterator[Repository]:
    if request.param == "memory":
        yield MemoryRepository()
    else:
        request.getfixturevalue("dynamodb")
        yield DynamoRepository(tables(SETTINGS), SETTINGS.index_shards)


def opened(repository: Repository, account_id: str = "a", at: datetime = START) -> Account:
    account, grant = open_account(account_id, f"{account_id}@example.com", at)
    return repository.commit(Change(account, (grant,), creates_account=True))


def spent(account: Account, at: datetime, credits_of: Creative = IMAGE) -> spending.LedgerWrite:
    made = spending.consume(account, credits_of, "job", "service", at)
    assert isinstance(made, spending.LedgerWrite)
    return made


def test_an_account_is_created_once_and_read_back_as_committed(repository: Repository) -> None:
    assert repository.get("a") is None
    account = opened(repository)

    assert account.version == 1
    assert repository.get("a") == account
    again, grant = open_account("a", None, START)
    with pytest.raises(AccountExists):
        repository.commit(Change(again, (grant,), creates_account=True))


def test_a_commit_over_a_stale_version_writes_nothing(repository: Repository) -> None:
    account = opened(repository)
    first = spent(account, START)
    repository.commit(first.change)
    late = spent(account, START + timedelta(seconds=1))

    with pytest.raises(VersionConflict):
        repository.commit(late.change)
    assert late.entry is not None
    assert repository.get_entry("a", late.entry.id) is None
    assert repository.get("a") == replace(first.change.account, version=2)


def test_a_ledger_entry_is_written_once_and_never_over_another(repository: Repository) -> None:
    account = opened(repository)
    first = spent(account, START)
    account = repository.commit(first.change)
    assert first.entry is not None
    # A change made over the current version whose entry reuses the first one's key.
    other = replace(first.entry, amount=-40, balance_after=56, description="written over")
    clash = Change(replace(account, lots=first.change.account.lots), (other,))

    with pytest.raises(RuntimeError, match="a ledger item already exists"):
        repository.commit(clash)
    assert repository.get_entry("a", first.entry.id) == first.entry
    assert repository.get("a") == account


def test_a_used_idempotency_key_wins_over_a_stale_version(repository: Repository) -> None:
    account = opened(repository)
    record = IdempotencyRecord("key-1", "consume", "fingerprint", "result", START)
    repository.commit(Change(account, idempotency=record))

    with pytest.raises(IdempotencyKeyUsed):
        repository.commit(Change(account, idempotency=replace(record, fingerprint="other")))
    assert repository.get_idempotency("a", "key-1") == record


def test_a_consumption_is_refunded_once(repository: Repository) -> None:
    account = opened(repository)
    consumption = spent(account, START)
    account = repository.commit(consumption.change)
    assert consumption.entry is not None
    refund = spending.refund(account, consumption.entry, None, "bad output", "service", START)
    assert isinstance(refund, spending.LedgerWrite)
    refunded = repository.commit(refund.change)
    again = spending.refund(refunded, consumption.entry, None, "bad output", "service", START)
    assert isinstance(again, spending.LedgerWrite)

    with pytest.raises(AlreadyRefunded):
        repository.commit(again.change)


def test_history_pages_read_newest_first_and_filter_by_kind_and_time(repository: Repository) -> None:
    account = opened(repository)
    for minute in range(1, 6):
        account = repository.commit(spent(account, START + timedelta(minutes=minute)).change)

    first_page, after = repository.history_page("a", HistoryFilter(), 4, None)
    assert [e.kind for e in first_page] == [EntryKind.CONSUME] * 4
    assert after is not None
    rest, end = repository.history_page("a", HistoryFilter(), 4, after)
    assert ([e.kind for e in rest], end) == ([EntryKind.CONSUME, EntryKind.GRANT], None)
    assert [e.at for e in first_page + rest] == sorted((e.at for e in first_page + rest), reverse=True)

    grants, _ = repository.history_page("a", HistoryFilter(kinds=frozenset({EntryKind.GRANT})), 10, None)
    assert [e.amount for e in grants] == [100]
    window = HistoryFilter(since=START + timedelta(minutes=2), until=START + timedelta(minutes=3))
    assert len(repository.history_page("a", window, 10, None)[0]) == 2


def test_usage_is_summed_per_day_and_kind(repository: Repository) -> None:
    account = opened(repository)
    for hours in (1, 2, 30):
        account = repository.commit(spent(account, START + timedelta(hours=hours)).change)

    days = repository.usage_days("a", "2026-11-24", "2026-11-25")

    assert [(day.day, day.by_kind[CreativeKind.IMAGE]) for day in days] == [
        ("2026-11-24", (8, 2)),
        ("2026-11-25", (4, 1)),
    ]
    assert days[0].by_kind[CreativeKind.VIDEO] == (0, 0)


def test_notices_are_listed_newest_first_and_claimed_once(repository: Repository) -> None:
    account = opened(repository)
    notices = tuple(
        Notice(f"2026112{day}T000000#LOW_CREDITS#{day}", "a", NoticeKind.LOW_CREDITS, START, f"day {day}")
        for day in (5, 6)
    )
    repository.commit(Change(account, notices=notices))

    assert [n.message for n in repository.notices("a", 10)] == ["day 6", "day 5"]
    claimed = repository.claim_notice("a", notices[0].id, START)
    assert claimed is not None and claimed.sent_at == START
    assert repository.claim_notice("a", notices[0].id, START) is None
    repository.unclaim_notice("a", notices[0].id, START)
    assert repository.claim_notice("a", notices[0].id, START + timedelta(days=1)) is not None
    assert repository.claim_notice("a", "never-recorded", START) is None


def test_the_jobs_find_the_accounts_due(repository: Repository) -> None:
    opened(repository, "early", START)
    later = opened(repository, "later", START + timedelta(days=10))
    held = spending.reserve(later, IMAGE, "job", timedelta(hours=1), "service", START + timedelta(days=10))
    assert isinstance(held, spending.LedgerWrite)
    repository.commit(held.change)
    month_end = datetime(2026, 12, 24, 12, tzinfo=UTC)

    assert list(repository.due_for_refresh(month_end)) == ["early"]
    assert list(repository.due_for_sweep(START + timedelta(days=10, hours=2))) == ["later"]
    assert "early" in set(repository.due_for_notices(month_end))
    assert list(repository.due_for_refresh(START)) == []


def test_a_renewal_due_is_stored_and_the_account_falls_due_at_its_next_try(repository: Repository) -> None:
    account = opened(repository)
    due = RenewalDue(
        period_index=1,
        due_at=START,
        plan_id="pro",
        interval=BillingInterval.MONTHLY,
        price_cents=4_900,
        credit_applied_cents=100,
        first_attempt_at=START,
        scheduled_attempts=1,
        attempts_by_person=2,
        open_payment_id=None,
    )
    stored = repository.commit(Change(replace(account, status=PlanStatus.PAST_DUE, renewal=due)))

    assert repository.get("a") == stored
    assert stored.renewal == due
    assert list(repository.due_for_refresh(START + timedelta(days=1) - timedelta(seconds=1))) == []
    assert list(repository.due_for_refresh(START + timedelta(days=1))) == ["a"]  # the first retry
