"""Many writers, one account: exactly the affordable spends succeed, and the books agree."""

from concurrent.futures import ThreadPoolExecutor

from studio_credits.domain.account import Account
from studio_credits.domain.catalogue import Resolution
from studio_credits.domain.spending import InsufficientCredits
from studio_credits.service import ledger
from studio_credits.service.ports import Services
from studio_credits.store.mapping import entry_from_item
from studio_credits.store.models import EntryItem
from tests.ledger.conftest import SERVICE, image

THREADS = 32


def test_32_threads_spend_exactly_what_the_balance_affords(
    atomic_moto: None, services: Services, account: Account
) -> None:
    price = 8  # one RES_2K image; 100 credits afford 12 of them
    outcomes = []

    def spend(n: int) -> object:
        return ledger.consume(
            services, SERVICE, account.id, image(1, Resolution.RES_2K), f"job-{n}", f"key-{n}"
        )

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        outcomes = list(pool.map(spend, range(THREADS)))

    succeeded = [o for o in outcomes if isinstance(o, ledger.Recorded)]
    refused = [o for o in outcomes if isinstance(o, InsufficientCredits)]
    assert len(succeeded) == 100 // price
    assert len(refused) == THREADS - len(succeeded)
    final = services.repository.get(account.id)
    assert final is not None and final.balance == 100 - price * len(succeeded)
    entries = [entry_from_item(item) for item in EntryItem.query(account.id)]
    assert sum(e.amount for e in entries) == final.balance
    assert sorted(e.balance_after for e in entries if e.amount < 0) == sorted(
        100 - price * n for n in range(1, len(succeeded) + 1)
    )
