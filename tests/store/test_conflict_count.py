"""The local server's repository counts the commits that lose a race for an account's version."""

from datetime import UTC, datetime

import pytest

from studio_credits.bootstrap import tables
from studio_credits.conflict_count import ConflictCountingRepository
from studio_credits.domain import spending
from studio_credits.domain.account import open_account
from studio_credits.domain.change import Change
from studio_credits.service.ports import VersionConflict
from tests.conftest import SETTINGS
from tests.support.ledger import image

START = datetime(2026, 11, 24, 12, tzinfo=UTC)


def test_a_commit_over_a_stale_version_is_counted_and_still_refused(dynamodb: None) -> None:
    repository = ConflictCountingRepository(tables(SETTINGS), SETTINGS.index_shards)
    account, grant = open_account("a", "a@example.com", START)
    account = repository.commit(Change(account, (grant,), creates_account=True))
    first, late = (spending.consume(account, image(), f"job-{n}", "service", START) for n in (1, 2))
    assert isinstance(first, spending.LedgerWrite) and isinstance(late, spending.LedgerWrite)

    repository.commit(first.change)
    counted_before = repository.version_conflicts
    with pytest.raises(VersionConflict):
        repository.commit(late.change)

    assert (counted_before, repository.version_conflicts) == (0, 1)
