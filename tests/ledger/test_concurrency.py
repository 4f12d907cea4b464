"""Many writers, one account: exactly the affordable spends succeed, and the books agree; a write
that never gets through is retried within the budget, then the caller is told to try again."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace

import pytest

from studio_credits.domain.account import Account
from studio_credits.domain.change import Change
from studio_credits.domain.errors import Unavailable
from studio_credits.domain.spending import InsufficientCredits
from studio_credits.service import ledger
from studio_credits.service.accounts import AccountNotFound
from studio_credits.service.execution import Contention
from studio_credits.service.ports import Services, StoreUnavailable, VersionConflict
from studio_credits.service.retry import RetryPolicy
from tests.support.accounts import SERVICE, person, subscribe
from tests.support.faults import ManualTimer
from tests.support.ledger import assert_ledger_adds_up, image, ledger_entries
from tests.support.memory_repository import MemoryRepository

THREADS = 32


def test_32_threads_spend_exactly_what_the_balance_affords(services: Services) -> None:
    account = subscribe(services, person("acct-1"))  # the free plan's 100 credits
    # One 1080p image costs 4: 100 credits afford 100 / 4 = 25 of them, so 32 - 25 = 7 are refused.

    def spend(n: int) -> object:
        return ledger.consume(services, SERVICE, account.id, image(), f"job-{n}", f"key-{n}")

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(spend, range(THREADS)))

    succeeded = [o for o in outcomes if isinstance(o, ledger.Recorded)]
    refused = [o for o in outcomes if isinstance(o, InsufficientCredits)]
    assert (len(succeeded), len(refused)) == (25, 7)
    final = services.repository.get(account.id)
    assert final is not None and final.balance == 0  # 100 - 25 × 4
    entries = ledger_entries(services.repository, account.id)
    assert_ledger_adds_up(entries, final)
    assert sorted(e.balance_after for e in entries if e.amount < 0) == [4 * n for n in range(25)]


@dataclass
class Failing(MemoryRepository):
    """Every commit fails with `failure`, as a store losing every race or not answering would."""

    failure: type[Exception] = VersionConflict
    commits_tried: int = 0

    def commit(self, change: Change) -> Account:
        self.commits_tried += 1
        raise self.failure()


@pytest.mark.parametrize(
    ("failure", "told"),
    [
        (VersionConflict, "the account is busy with other changes; try again"),
        (StoreUnavailable, "the credits store is not answering right now; try again"),
    ],
    ids=["lost-races", "no-answer"],
)
def test_a_write_that_never_gets_through_tells_the_caller_to_try_again_after_eight_tries(
    services: Services, failure: type[Exception], told: str
) -> None:
    account = subscribe(services, person("acct-1"))
    assert isinstance(services.repository, MemoryRepository)
    failing = Failing(accounts=dict(services.repository.accounts), failure=failure)
    timer = ManualTimer()
    retry = RetryPolicy(sleep=timer.sleep, monotonic=timer.monotonic, jitter=lambda ceiling: ceiling)

    with pytest.raises(Unavailable) as unavailable:
        ledger.consume(
            replace(services, repository=failing, retry=retry), SERVICE, account.id, image(), "j", "k"
        )

    assert type(unavailable.value) is (Contention if failure is VersionConflict else StoreUnavailable)
    assert str(unavailable.value) == told
    assert failing.commits_tried == 8


def test_a_write_to_an_account_that_does_not_exist_names_it(services: Services) -> None:
    with pytest.raises(AccountNotFound, match="no account 'nobody'"):
        ledger.consume(services, SERVICE, "nobody", image(), "j", "k")
