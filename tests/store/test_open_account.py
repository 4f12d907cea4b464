from concurrent.futures import ThreadPoolExecutor

from studio_credits.domain.access import Principal, Role
from studio_credits.domain.account import PlanStatus
from studio_credits.service.accounts import viewer_account
from studio_credits.service.ports import Services
from studio_credits.store.models import EntryItem


def test_first_sight_opens_a_free_account_with_its_first_grant(services: Services) -> None:
    account = viewer_account(services, Principal("u-1", Role.USER, "u1@example.com"))

    assert account.plan_id == "free"
    assert account.status is PlanStatus.ACTIVE
    assert account.balance == account.available == 100
    entries = list(EntryItem.query("u-1"))
    assert [(e.kind, e.amount, e.balance_after) for e in entries] == [("GRANT", 100, 100)]


def test_second_sight_reads_the_same_account(services: Services) -> None:
    first = viewer_account(services, Principal("u-1", Role.USER))
    again = viewer_account(services, Principal("u-1", Role.USER))

    assert again == first
    assert len(list(EntryItem.query("u-1"))) == 1


def test_concurrent_first_calls_open_the_account_exactly_once(atomic_moto: None, services: Services) -> None:
    principal = Principal("u-race", Role.USER)
    with ThreadPoolExecutor(max_workers=16) as pool:
        accounts = list(pool.map(lambda _: viewer_account(services, principal), range(32)))

    assert {a.lots for a in accounts} == {accounts[0].lots}
    assert len(list(EntryItem.query("u-race"))) == 1
