"""An idempotency key is its caller's, for one operation: the same key from another caller or for
another operation is a new request, never a replay and never a conflict."""

from studio_credits.domain.access import Principal, Role
from studio_credits.domain.account import Account
from studio_credits.domain.lots import LotSource
from studio_credits.service import ledger, plans
from studio_credits.service.execution import IdempotencyConflict
from studio_credits.service.ports import Services
from tests.support.accounts import ADMIN, MONTHLY, SERVICE, person
from tests.support.ledger import image, recorded
from tests.support.payments import with_card


def test_a_person_s_key_does_not_block_the_service_s_charge(services: Services) -> None:
    someone = person("acct-7")
    with_card(services, someone)
    changed = plans.change_plan(services, someone, "pro", MONTHLY, "reserve-job-X")
    assert isinstance(changed, plans.PlanChangeMade)

    held = recorded(
        ledger.reserve(services, SERVICE, someone.subject, image(), "job-X", 3600, "reserve-job-X")
    )
    spent = recorded(ledger.consume(services, SERVICE, someone.subject, image(), "job-X", "reserve-job-X"))

    assert held.reservation is not None and held.reservation.credits == 4
    assert spent.entry is not None and spent.entry.amount == -4
    assert spent.account.available == 3_000 - 4 - 4  # Pro's 3,000, less the hold and the charge


def test_an_admin_s_grant_and_the_service_s_with_the_same_key_and_input_are_two_grants(
    services: Services, account: Account
) -> None:
    by_admin = recorded(ledger.grant(services, ADMIN, account.id, 50, LotSource.PROMO, None, "launch", "g-1"))
    by_service = recorded(
        ledger.grant(services, SERVICE, account.id, 50, LotSource.PROMO, None, "launch", "g-1")
    )

    assert by_admin.entry is not None and by_service.entry is not None
    assert by_admin.entry.id != by_service.entry.id
    assert (by_admin.entry.actor, by_service.entry.actor) == ("admin:admin-1", "service")
    assert by_service.account.available == 3_000 + 50 + 50


def test_two_admins_keys_never_meet(services: Services, account: Account) -> None:
    other_admin = Principal("admin-2", Role.ADMIN)
    recorded(ledger.grant(services, ADMIN, account.id, 50, LotSource.PROMO, None, "launch", "g-1"))

    other = ledger.grant(services, other_admin, account.id, 70, LotSource.PROMO, None, "other", "g-1")

    assert recorded(other).account.available == 3_000 + 50 + 70


def test_one_caller_s_key_for_two_operations_is_two_requests(services: Services, account: Account) -> None:
    held = recorded(ledger.reserve(services, SERVICE, account.id, image(), "job-1", 3600, "k-1"))
    spent = recorded(ledger.consume(services, SERVICE, account.id, image(), "job-1", "k-1"))

    assert held.reservation is not None and spent.entry is not None
    assert spent.account.available == 3_000 - 4 - 4


def test_within_one_caller_and_operation_a_key_still_replays_or_conflicts(
    services: Services, account: Account
) -> None:
    first = recorded(ledger.grant(services, ADMIN, account.id, 50, LotSource.PROMO, None, "launch", "g-1"))
    again = recorded(ledger.grant(services, ADMIN, account.id, 50, LotSource.PROMO, None, "launch", "g-1"))
    other = ledger.grant(services, ADMIN, account.id, 60, LotSource.PROMO, None, "launch", "g-1")

    assert again.entry == first.entry and again.account.available == 3_050
    assert isinstance(other, IdempotencyConflict)
