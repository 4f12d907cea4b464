"""Every keyed write, retried: the same key with the same input answers the first result and changes
nothing; the same key with any other input is an IdempotencyConflict and changes nothing. Captures,
releases and cancellations take no key: the reservation or the token is used once.

`account` holds 3,000 credits (tests/ledger/conftest.py); a 1080p image costs 4, a 2K image 8.
"""

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest

from studio_credits.domain.account import Account
from studio_credits.domain.cancellation import CancellationOffer, InvalidToken
from studio_credits.domain.catalogue import Resolution
from studio_credits.domain.change import Change
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.ids import public_id
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import LotSource
from studio_credits.domain.reservations import ReservationStatus
from studio_credits.domain.spending import NotHeld
from studio_credits.service import ledger, plans
from studio_credits.service.execution import IdempotencyConflict
from studio_credits.service.ports import Services
from tests.conftest import START
from tests.support.accounts import ADMIN, ANNUAL, MONTHLY, SERVICE, person, subscribe
from tests.support.ledger import image, ledger_entries, recorded, stored_account
from tests.support.memory_repository import MemoryRepository


def kinds(services: Services, account: Account) -> list[EntryKind]:
    return [entry.kind for entry in ledger_entries(services.repository, account.id)]


CONSUME: dict[str, Any] = {"creative": image(2), "job_id": "job-1"}


@pytest.mark.parametrize(
    "other",
    [{"creative": image(3)}, {"creative": image(2, Resolution.RES_2K)}, {"job_id": "job-2"}],
    ids=["outputs", "resolution", "job"],
)
def test_consume_retried_is_charged_once_and_other_input_conflicts(
    services: Services, account: Account, other: dict[str, Any]
) -> None:
    first = recorded(ledger.consume(services, SERVICE, account.id, key="c", **CONSUME))
    again = recorded(ledger.consume(services, SERVICE, account.id, key="c", **CONSUME))
    conflict = ledger.consume(services, SERVICE, account.id, key="c", **(CONSUME | other))

    assert again.entry == first.entry
    assert again.account.available == 2_992  # 3,000 - 2 × 4, once
    assert isinstance(conflict, IdempotencyConflict)
    assert "'c' was used before with different input" in conflict.message
    assert stored_account(services.repository, account.id).available == 2_992
    assert kinds(services, account).count(EntryKind.CONSUME) == 1


RESERVE: dict[str, Any] = {"creative": image(4, Resolution.RES_2K), "job_id": "job-1", "ttl_seconds": 600}


@pytest.mark.parametrize(
    "other",
    [{"creative": image(3, Resolution.RES_2K)}, {"job_id": "job-2"}, {"ttl_seconds": 601}],
    ids=["creative", "job", "ttl"],
)
def test_reserve_retried_holds_once_and_other_input_conflicts(
    services: Services, account: Account, other: dict[str, Any]
) -> None:
    first = recorded(ledger.reserve(services, SERVICE, account.id, key="r", **RESERVE))
    again = recorded(ledger.reserve(services, SERVICE, account.id, key="r", **RESERVE))
    conflict = ledger.reserve(services, SERVICE, account.id, key="r", **(RESERVE | other))

    assert first.reservation is not None and again.reservation == first.reservation
    # four 2K images: 4 × 8 = 32 held, once
    assert (again.account.reserved, again.account.available) == (32, 2_968)
    assert isinstance(conflict, IdempotencyConflict)
    stored = stored_account(services.repository, account.id)
    assert [hold.reservation_id for hold in stored.holds] == [first.reservation.id]
    assert kinds(services, account).count(EntryKind.RESERVE) == 1


GRANT: dict[str, Any] = {"amount": 500, "source": LotSource.TOP_UP, "expires_at": None, "note": "payment 42"}


@pytest.mark.parametrize(
    "other",
    [
        {"amount": 501},
        {"source": LotSource.PROMO},
        {"expires_at": START + timedelta(days=30)},
        {"note": "payment 43"},
    ],
    ids=["amount", "source", "expiry", "note"],
)
def test_grant_retried_grants_once_and_other_input_conflicts(
    services: Services, account: Account, other: dict[str, Any]
) -> None:
    first = recorded(ledger.grant(services, ADMIN, account.id, key="g", **GRANT))
    again = recorded(ledger.grant(services, ADMIN, account.id, key="g", **GRANT))
    conflict = ledger.grant(services, ADMIN, account.id, key="g", **(GRANT | other))

    assert again.entry == first.entry
    assert again.account.available == 3_500  # 3,000 + 500, once
    assert isinstance(conflict, IdempotencyConflict)
    stored = stored_account(services.repository, account.id)
    assert [lot.remaining for lot in stored.lots if lot.source is LotSource.TOP_UP] == [500]
    assert kinds(services, account).count(EntryKind.GRANT) == 3  # free plan, Pro upgrade, the top-up


@pytest.mark.parametrize(
    "other",
    [{"credits": 4}, {"credits": None}, {"reason": "another reason"}],
    ids=["credits", "all", "reason"],
)
def test_refund_retried_refunds_once_and_other_input_conflicts(
    services: Services, account: Account, other: dict[str, Any]
) -> None:
    spent = recorded(ledger.consume(services, SERVICE, account.id, image(5), "job", "c"))
    assert spent.entry is not None
    refund: dict[str, Any] = {
        "entry_id": public_id(account.id, spent.entry.id),
        "credits": 8,
        "reason": "two outputs failed",
    }

    first = recorded(ledger.refund(services, SERVICE, key="f", **refund))
    again = recorded(ledger.refund(services, SERVICE, key="f", **refund))
    conflict = ledger.refund(services, SERVICE, key="f", **(refund | other))

    assert again.entry == first.entry
    assert again.account.available == 2_988  # 3,000 - 5 × 4 + 8, once
    assert isinstance(conflict, IdempotencyConflict)
    assert stored_account(services.repository, account.id).available == 2_988
    assert kinds(services, account).count(EntryKind.REFUND) == 1


def test_a_capture_is_made_once_whatever_a_second_one_asks(services: Services, account: Account) -> None:
    held = recorded(
        ledger.reserve(services, SERVICE, account.id, image(4, Resolution.RES_2K), "job", 600, "r")
    )
    assert held.reservation is not None
    reservation_id = public_id(account.id, held.reservation.id)
    settled = recorded(ledger.capture(services, SERVICE, reservation_id, 3))
    entries = ledger_entries(services.repository, account.id)

    again = ledger.capture(services, SERVICE, reservation_id, 3)
    all_of_it = ledger.capture(services, SERVICE, reservation_id, None)
    released = ledger.release(services, SERVICE, reservation_id, "too late")

    for refused in (again, all_of_it, released):
        assert isinstance(refused, NotHeld)
        assert refused.reservation.status is ReservationStatus.CAPTURED
    assert settled.account.available == 2_976  # 3 of 4 delivered: 3,000 - 3 × 8
    assert stored_account(services.repository, account.id) == settled.account
    assert ledger_entries(services.repository, account.id) == entries


def test_a_release_is_made_once_and_a_released_hold_cannot_be_captured(
    services: Services, account: Account
) -> None:
    held = recorded(
        ledger.reserve(services, SERVICE, account.id, image(4, Resolution.RES_2K), "job", 600, "r")
    )
    assert held.reservation is not None
    reservation_id = public_id(account.id, held.reservation.id)
    released = recorded(ledger.release(services, SERVICE, reservation_id, "failed"))
    entries = ledger_entries(services.repository, account.id)

    again = ledger.release(services, SERVICE, reservation_id, "failed")
    captured = ledger.capture(services, SERVICE, reservation_id, None)

    for refused in (again, captured):
        assert isinstance(refused, NotHeld)
        assert refused.reservation.status is ReservationStatus.RELEASED
    assert (released.account.reserved, released.account.available) == (0, 3_000)
    assert stored_account(services.repository, account.id) == released.account
    assert ledger_entries(services.repository, account.id) == entries


@pytest.mark.parametrize(
    ("plan", "interval"), [("pro", ANNUAL), ("business", MONTHLY)], ids=["interval", "plan"]
)
def test_a_plan_change_retried_changes_once_and_other_input_conflicts(
    services: Services, clock: FixedClock, plan: str, interval: Any
) -> None:
    who = person("p-1")
    subscribe(services, who, "starter")
    first = plans.change_plan(services, who, "pro", MONTHLY, "change")
    entries = ledger_entries(services.repository, who.subject)
    clock.at += timedelta(days=1)

    again = plans.change_plan(services, who, "pro", MONTHLY, "change")
    conflict = plans.change_plan(services, who, plan, interval, "change")

    assert isinstance(first, plans.PlanChangeMade) and again == first
    # Starter to Pro within the month: 3,000 - 1,000 more credits for the period
    assert first.terms.credits_granted_now == 2_000
    assert isinstance(conflict, IdempotencyConflict)
    assert ledger_entries(services.repository, who.subject) == entries
    assert stored_account(services.repository, who.subject).plan_id == "pro"


def test_a_cancellation_token_confirms_once_and_a_newer_offer_replaces_it(
    services: Services, clock: FixedClock
) -> None:
    who = person("p-1")
    subscribe(services, who, "pro")
    older = plans.request_cancellation(services, who)
    newer = plans.request_cancellation(services, who)
    assert isinstance(older, CancellationOffer) and isinstance(newer, CancellationOffer)

    replaced = plans.confirm_cancellation(services, who, older.token)
    confirmed = plans.confirm_cancellation(services, who, newer.token)
    entries = ledger_entries(services.repository, who.subject)
    again = plans.confirm_cancellation(services, who, newer.token)

    assert isinstance(replaced, InvalidToken) and isinstance(again, InvalidToken)
    assert not isinstance(confirmed, InvalidToken)
    assert confirmed.ends_at == START.replace(month=12)  # the Pro month ends 24 Dec 2026
    assert [e.description for e in entries].count("Cancellation confirmed, ends 24 Dec 2026") == 1
    assert ledger_entries(services.repository, who.subject) == entries


def test_a_retry_that_loses_the_race_to_its_first_call_answers_the_first_result_as_stored(
    services: Services,
) -> None:
    """The same consumption sent twice at once: the second read the account before the first call
    committed, and finds the key taken when it commits."""
    racing = OtherCallFirst()
    services = replace(services, repository=racing)
    account = subscribe(services, person("racer"), "pro")
    first: list[ledger.Recorded] = []
    racing.other = lambda: first.append(
        recorded(ledger.consume(services, SERVICE, account.id, key="c", **CONSUME))
    )

    second = recorded(ledger.consume(services, SERVICE, account.id, key="c", **CONSUME))

    assert second.entry == first[0].entry
    assert second.account.available == first[0].account.available == 2_992  # 3,000 - 2 × 4, once
    assert kinds(services, account)[-1:] == [EntryKind.CONSUME]
    assert len(kinds(services, account)) == 4  # free grant, upgrade, its grant, one consumption


IMAGE_2_JSON = (
    '{"advanced_template": false, "duration_seconds": null, "kind": "IMAGE", "outputs": 2, '
    '"premium_model": false, "resolution": "RES_1080P", "shots": null}'
)


def test_each_keyed_write_stores_its_key_and_input_as_a_retry_after_a_deploy_will_look_for_them(
    services: Services, account: Account
) -> None:
    """The stored key (operation, caller, key) and the fingerprint of the input (SHA-256 of the JSON
    of the operation and the request, keys sorted) are what a retry finds its first call by: a change
    to either would take a retry sent across a deploy for a new request."""
    spent = recorded(ledger.consume(services, SERVICE, account.id, image(2), "job-1", "c"))
    recorded(ledger.reserve(services, SERVICE, account.id, image(2), "job-2", 600, "r"))
    assert spent.entry is not None
    recorded(ledger.refund(services, SERVICE, public_id(account.id, spent.entry.id), 4, "failed", "f"))
    recorded(ledger.grant(services, ADMIN, account.id, 50, LotSource.PROMO, None, "welcome", "g"))
    assert isinstance(
        plans.change_plan(services, person(account.id), "business", MONTHLY, "p"), plans.PlanChangeMade
    )

    requests = {
        "consume#service#c": f'{{"creative": {IMAGE_2_JSON}, "job_id": "job-1"}}',
        "reserve#service#r": f'{{"creative": {IMAGE_2_JSON}, "job_id": "job-2", "ttl": 600}}',
        "refund#service#f": f'{{"credits": 4, "entry": "{spent.entry.id}", "reason": "failed"}}',
        "grant#admin:admin-1#g": '{"amount": 50, "expires_at": null, "note": "welcome", "source": "PROMO"}',
        "changePlan#user:acct-1#p": '{"interval": "MONTHLY", "plan_id": "business"}',
    }
    for key, request in requests.items():
        operation = key.split("#")[0]
        canonical = f'{{"operation": "{operation}", "request": {request}}}'
        record = services.repository.get_idempotency(account.id, key)
        assert record is not None, key
        assert (record.operation, record.fingerprint) == (
            operation,
            hashlib.sha256(canonical.encode()).hexdigest(),
        ), key


@dataclass
class OtherCallFirst(MemoryRepository):
    """Runs `other` (once) just before this repository's next `before` call ("get" or "commit"), so
    that call gets there first."""

    other: Callable[[], object] | None = None
    before: str = "commit"

    def get(self, account_id: str) -> Account | None:
        self._other_first("get")
        return super().get(account_id)

    def commit(self, change: Change) -> Account:
        self._other_first("commit")
        return super().commit(change)

    def _other_first(self, method: str) -> None:
        if self.other is not None and method == self.before:
            run, self.other = self.other, None
            run()


@pytest.mark.parametrize("settle", ["capture", "release"])
def test_a_settlement_that_loses_the_race_for_its_hold_tells_how_it_was_settled(
    services: Services, settle: str
) -> None:
    """Two settlements of one hold at once: the second read the reservation HELD, then the account
    after the first had captured it."""
    racing = OtherCallFirst(before="get")
    services = replace(services, repository=racing)
    account = subscribe(services, person("racer"), "pro")
    held = recorded(ledger.reserve(services, SERVICE, account.id, image(2), "job", 600, "r"))
    assert held.reservation is not None
    reservation_id = public_id(account.id, held.reservation.id)
    racing.other = lambda: recorded(ledger.capture(services, SERVICE, reservation_id, None))

    if settle == "capture":
        late = ledger.capture(services, SERVICE, reservation_id, None)
    else:
        late = ledger.release(services, SERVICE, reservation_id, "canceled")

    captured = services.repository.get_reservation(account.id, held.reservation.id)
    assert captured is not None and captured.status is ReservationStatus.CAPTURED
    assert late == NotHeld(captured, "the reservation is CAPTURED, not HELD")
