"""Many writers, one account: exactly the affordable spends succeed, and the books agree."""

from concurrent.futures import ThreadPoolExecutor

from studio_credits.domain.spending import InsufficientCredits
from studio_credits.service import ledger
from studio_credits.service.ports import Services
from tests.support.accounts import SERVICE, person, subscribe
from tests.support.ledger import assert_ledger_adds_up, image, ledger_entries

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
