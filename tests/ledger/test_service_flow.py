"""The ledger's writes through the use cases: each rule with an example.

`account` holds 3,000 credits (tests/ledger/conftest.py).
"""

from collections.abc import Callable
from datetime import timedelta

import pytest
from ulid import ULID

from studio_credits.domain.account import Account
from studio_credits.domain.as_of import as_of
from studio_credits.domain.catalogue import PRO, Resolution
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.errors import InvalidInput, NotAllowed
from studio_credits.domain.history import HistoryFilter
from studio_credits.domain.ids import public_id
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import LotMovement, LotSource
from studio_credits.domain.reservations import ReservationStatus
from studio_credits.domain.spending import FeatureNotInPlan, InsufficientCredits, NotHeld, Rejected
from studio_credits.service import ledger, plans
from studio_credits.service.execution import IdempotencyConflict
from studio_credits.service.ports import Services
from tests.support.accounts import ADMIN, ANNUAL, SERVICE, person, subscribe
from tests.support.ledger import image, recorded, stored_account

PREMIUM_VIDEOS = Creative(
    kind=CreativeKind.VIDEO,
    resolution=Resolution.RES_1080P,
    duration_seconds=30,
    outputs=3,
    premium_model=True,
)


def test_consume_takes_the_quoted_price_and_records_the_lots(services: Services, account: Account) -> None:
    outcome = recorded(
        ledger.consume(services, SERVICE, account.id, image(2, Resolution.RES_4K), "job-1", "k1")
    )

    assert outcome.entry is not None
    assert outcome.entry.kind is EntryKind.CONSUME
    assert outcome.entry.amount == -32
    assert outcome.entry.balance_after == 2_968  # 3,000 - 32
    assert sum(m.amount for m in outcome.entry.lots) == -32
    assert outcome.account.available == 2_968
    assert outcome.account.period_used == 32


def test_same_key_same_input_is_charged_once(services: Services, account: Account) -> None:
    first = recorded(ledger.consume(services, SERVICE, account.id, image(), "job-1", "k1"))
    again = recorded(ledger.consume(services, SERVICE, account.id, image(), "job-1", "k1"))

    assert again.entry == first.entry
    assert again.account.available == 2_996  # 3,000 - 4, once


def test_same_key_other_input_is_a_conflict(services: Services, account: Account) -> None:
    recorded(ledger.consume(services, SERVICE, account.id, image(), "job-1", "k1"))

    outcome = ledger.consume(services, SERVICE, account.id, image(3), "job-1", "k1")

    assert isinstance(outcome, IdempotencyConflict)


def test_a_retry_after_the_balance_ran_out_still_returns_the_first_result(
    services: Services, account: Account
) -> None:
    first = recorded(ledger.consume(services, SERVICE, account.id, image(10, Resolution.RES_2K), "job", "k"))
    # 3,000 - 80 = 2,920; three 30 s premium 1080p videos take 3 × 30 × 15 × 2 = 2,700: 220 left;
    # ten 4K images take 10 × 16 = 160: 60 left, less than the first call's 80.
    recorded(ledger.consume(services, SERVICE, account.id, PREMIUM_VIDEOS, "job-2", "k2"))
    recorded(ledger.consume(services, SERVICE, account.id, image(10, Resolution.RES_4K), "job-3", "k3"))
    assert isinstance(
        ledger.consume(services, SERVICE, account.id, image(10, Resolution.RES_2K), "job", "k4"),
        InsufficientCredits,
    )

    again = recorded(ledger.consume(services, SERVICE, account.id, image(10, Resolution.RES_2K), "job", "k"))

    assert again.entry == first.entry
    assert again.account.available == 60


FOUR_K_ON_FREE = ("4K images: the Free plan allows images up to 1080p",)


def test_insufficient_credits_and_missing_features_are_refusals(services: Services) -> None:
    free = subscribe(services, person("free-1"))
    long_video = Creative(kind=CreativeKind.VIDEO, resolution=Resolution.RES_720P, duration_seconds=10)
    recorded(ledger.consume(services, SERVICE, free.id, image(), "j0", "k0"))

    short = ledger.consume(services, SERVICE, free.id, long_video, "j", "k1")
    blocked = ledger.consume(services, SERVICE, free.id, image(1, Resolution.RES_4K), "j", "k2")

    assert short == InsufficientCredits(required=100, available=96)
    assert blocked == FeatureNotInPlan(FOUR_K_ON_FREE, PRO)
    held = ledger.reserve(services, SERVICE, free.id, image(1, Resolution.RES_4K), "j", 600, "k3")
    assert held == FeatureNotInPlan(FOUR_K_ON_FREE, PRO)


def test_reserve_holds_then_partial_capture_takes_the_delivered_share(
    services: Services, account: Account
) -> None:
    held = recorded(
        ledger.reserve(services, SERVICE, account.id, image(4, Resolution.RES_2K), "job", 600, "r1")
    )
    assert held.reservation is not None
    # four 2K images: 4 × 8 = 32 held of 3,000
    assert (held.account.balance, held.account.reserved, held.account.available) == (3_000, 32, 2_968)
    reservation_id = public_id(account.id, held.reservation.id)

    settled = recorded(ledger.capture(services, SERVICE, reservation_id, 3))

    assert settled.reservation is not None
    assert settled.reservation.status is ReservationStatus.CAPTURED
    assert settled.entry is not None and settled.entry.amount == -24
    # 3 of 4 delivered: 3 × 8 = 24 taken, 8 released: 3,000 - 24 = 2,976
    assert (settled.account.balance, settled.account.reserved, settled.account.available) == (2_976, 0, 2_976)
    kinds = [e.kind for e in services.repository.history_page(account.id, _all(), 10, None)[0]]
    assert kinds[:2] == [EntryKind.RELEASE, EntryKind.CAPTURE]


def test_a_partial_capture_of_a_hold_over_two_lots_takes_the_older_lot_first(
    services: Services, account: Account
) -> None:
    """After an image (4), two 100-credit videos are held: the free plan's lot's other 96 and 104 of
    the Pro lot. One is delivered: its 100 credits are the 96, then 4 of the Pro lot."""
    free_lot, pro_lot = (lot.id for lot in account.lots)
    recorded(ledger.consume(services, SERVICE, account.id, image(), "job-1", "k1"))
    videos = Creative(kind=CreativeKind.VIDEO, resolution=Resolution.RES_720P, duration_seconds=10, outputs=2)
    held = recorded(ledger.reserve(services, SERVICE, account.id, videos, "job-2", 600, "r"))
    assert held.reservation is not None

    settled = recorded(ledger.capture(services, SERVICE, public_id(account.id, held.reservation.id), 1))

    assert settled.entry is not None
    assert settled.entry.lots == (
        LotMovement(free_lot, LotSource.PLAN, -96),
        LotMovement(pro_lot, LotSource.PLAN, -4),
    )
    assert [lot.remaining for lot in settled.account.lots] == [0, 2_896]
    assert settled.account.available == 2_896  # 3,000 - 4 - 100; the other 100 released


def test_a_settled_reservation_is_not_held_any_more(services: Services, account: Account) -> None:
    held = recorded(ledger.reserve(services, SERVICE, account.id, image(), "job", 600, "r1"))
    assert held.reservation is not None
    reservation_id = public_id(account.id, held.reservation.id)
    released = recorded(ledger.release(services, SERVICE, reservation_id, "moderation block"))
    assert released.account.available == 3_000

    again = ledger.capture(services, SERVICE, reservation_id, None)
    release_again = ledger.release(services, SERVICE, reservation_id, "twice")

    assert isinstance(again, NotHeld)
    assert again.reservation.status is ReservationStatus.RELEASED
    assert again == release_again == NotHeld(again.reservation, "the reservation is RELEASED, not HELD")


def test_an_expired_reservation_cannot_be_captured(
    services: Services, account: Account, clock: FixedClock
) -> None:
    held = recorded(ledger.reserve(services, SERVICE, account.id, image(), "job", 60, "r1"))
    assert held.reservation is not None
    clock.at += timedelta(seconds=61)

    late = ledger.capture(services, SERVICE, public_id(account.id, held.reservation.id), None)

    assert isinstance(late, NotHeld)


def test_refund_once_back_to_the_lots_it_came_from(services: Services, account: Account) -> None:
    spent = recorded(ledger.consume(services, SERVICE, account.id, image(5), "job", "k"))
    assert spent.entry is not None
    entry_id = public_id(account.id, spent.entry.id)

    refunded = recorded(ledger.refund(services, SERVICE, entry_id, 8, "two outputs failed", "f1"))
    second = ledger.refund(services, SERVICE, entry_id, None, "again", "f2")

    assert refunded.account.available == 2_988  # 3,000 - 5 × 4 + 8
    assert refunded.entry is not None and refunded.entry.lots == tuple(
        replace_amount(m, 8) for m in spent.entry.lots
    )
    assert isinstance(second, Rejected)
    assert "once" in second.message or "already" in second.message


def test_refund_to_an_expired_lot_makes_a_plan_lot_ending_with_the_period(
    services: Services, clock: FixedClock
) -> None:
    account = subscribe(services, person("acct-2"), "pro")
    grant = recorded(
        ledger.grant(
            services, ADMIN, account.id, 50, LotSource.PROMO, clock.at + timedelta(days=1), "welcome", "g"
        )
    )
    spent = recorded(ledger.consume(services, SERVICE, account.id, image(10), "job", "k"))
    assert spent.entry is not None and grant.entry is not None
    assert {m.lot_id for m in spent.entry.lots} == {grant.entry.lots[0].lot_id}
    clock.at += timedelta(days=2)

    refunded = recorded(
        ledger.refund(services, SERVICE, public_id(account.id, spent.entry.id), None, "bad", "f")
    )

    assert refunded.entry is not None
    new_lot = next(lot for lot in refunded.account.lots if lot.id == refunded.entry.lots[0].lot_id)
    assert new_lot.source is LotSource.PLAN
    assert new_lot.expires_at == refunded.account.current_period.end
    assert ULID.from_str(new_lot.id).datetime == clock.at


def test_grant_top_up_lasts_twelve_months(services: Services, account: Account, clock: FixedClock) -> None:
    granted = recorded(
        ledger.grant(services, SERVICE, account.id, 500, LotSource.TOP_UP, None, "payment 42", "g")
    )

    lot = granted.account.lots[-1]
    assert (lot.source, lot.remaining, lot.expires_at) == (
        LotSource.TOP_UP,
        500,
        clock.at.replace(year=clock.at.year + 1),
    )
    assert granted.entry is not None and granted.entry.description == "Top-up: 500 credits (payment 42)"
    a_year_on = as_of(granted.account, clock.at.replace(year=clock.at.year + 1))
    assert [e.description for e in a_year_on.entries if e.lots and e.lots[0].source is LotSource.TOP_UP] == [
        "500 top-up credits expired: past their expiry"  # at the period boundary of 24 Nov 2027
    ]


def test_grants_that_break_the_rules_are_rejected(services: Services) -> None:
    free = subscribe(services, person("free-2"))

    assert [
        ledger.grant(services, ADMIN, free.id, 10, LotSource.TOP_UP, None, "n", "a"),
        ledger.grant(services, ADMIN, free.id, 10, LotSource.PLAN, None, "n", "b"),
        ledger.grant(services, ADMIN, free.id, -1, LotSource.PROMO, None, "n", "c"),
    ] == [
        Rejected("the Free plan has no top-ups"),
        Rejected("PLAN lots are made by the plan refresh, not granted by hand"),
        Rejected("the amount must be positive (only an ADJUSTMENT may be negative)"),
    ]
    taken = recorded(ledger.grant(services, ADMIN, free.id, -30, LotSource.ADJUSTMENT, None, "fix", "d"))
    assert taken.account.available == 70


def _all() -> "HistoryFilter":
    return HistoryFilter()


def replace_amount(movement: LotMovement, amount: int) -> LotMovement:
    return LotMovement(movement.lot_id, movement.source, amount)


@pytest.mark.parametrize("ttl_seconds", [1, 86_400])
def test_a_reservation_lasts_from_one_second_to_a_day(
    services: Services, account: Account, clock: FixedClock, ttl_seconds: int
) -> None:
    held = recorded(ledger.reserve(services, SERVICE, account.id, image(), "job", ttl_seconds, "r"))

    assert held.reservation is not None
    assert held.reservation.expires_at - clock.at == timedelta(seconds=ttl_seconds)


@pytest.mark.parametrize("ttl_seconds", [0, 86_401])
def test_a_reservation_shorter_than_a_second_or_longer_than_a_day_is_invalid(
    services: Services, account: Account, ttl_seconds: int
) -> None:
    with pytest.raises(InvalidInput) as invalid:
        ledger.reserve(services, SERVICE, account.id, image(), "job", ttl_seconds, "r")

    assert invalid.value.field == "ttl_seconds"
    assert invalid.value.message == f"a reservation lasts 1 s to 24 h, not {ttl_seconds} s"
    assert stored_account(services.repository, account.id).holds == ()


def test_a_refund_spread_over_two_lots_fills_the_last_lot_taken_from_first(
    services: Services, account: Account
) -> None:
    """The free plan's lot of 100 is spent first (the older of two ending together): an image takes 4,
    then a 100-credit video its other 96 and 4 of the Pro lot."""
    free_lot, pro_lot = (lot.id for lot in account.lots)
    recorded(ledger.consume(services, SERVICE, account.id, image(), "job-1", "k1"))
    video = Creative(kind=CreativeKind.VIDEO, resolution=Resolution.RES_720P, duration_seconds=10)
    spent = recorded(ledger.consume(services, SERVICE, account.id, video, "job-2", "k2"))
    assert spent.entry is not None
    assert spent.entry.lots == (
        LotMovement(free_lot, LotSource.PLAN, -96),
        LotMovement(pro_lot, LotSource.PLAN, -4),
    )

    refunded = recorded(
        ledger.refund(services, SERVICE, public_id(account.id, spent.entry.id), 5, "cut", "f")
    )

    assert refunded.entry is not None
    assert refunded.entry.lots == (
        LotMovement(pro_lot, LotSource.PLAN, 4),
        LotMovement(free_lot, LotSource.PLAN, 1),
    )
    assert [lot.remaining for lot in refunded.account.lots] == [1, 2_900]
    assert refunded.account.available == 2_901  # 3,000 - 4 - 100 + 5


def test_a_refund_skips_a_lot_a_new_term_ended_and_still_fills_the_older_lot(
    services: Services, clock: FixedClock
) -> None:
    """On Starter, 16 credits are spent: the promotion's 10 (ending first), then 6 of the free plan's
    lot. An upgrade to yearly Pro starts a new term, which ends the plan lots; the refund gives the
    promotion its 10 back and makes a PLAN lot for the other 6."""
    who = person("acct-3")
    account = subscribe(services, who, "starter")
    free_lot = account.lots[0].id
    promo = recorded(
        ledger.grant(
            services, ADMIN, account.id, 10, LotSource.PROMO, clock.at + timedelta(days=5), "hi", "g"
        )
    )
    assert promo.entry is not None
    promo_lot = promo.entry.lots[0].lot_id
    spent = recorded(ledger.consume(services, SERVICE, account.id, image(4), "job", "k"))
    assert spent.entry is not None
    assert spent.entry.lots == (
        LotMovement(promo_lot, LotSource.PROMO, -10),
        LotMovement(free_lot, LotSource.PLAN, -6),
    )
    clock.at += timedelta(days=1)
    assert isinstance(plans.change_plan(services, who, "pro", ANNUAL, "yearly"), plans.PlanChangeMade)
    clock.at += timedelta(hours=1)

    refunded = recorded(
        ledger.refund(services, SERVICE, public_id(account.id, spent.entry.id), None, "bad", "f")
    )

    assert refunded.entry is not None
    new_lot = refunded.account.lots[-1]
    assert refunded.entry.lots == (
        LotMovement(promo_lot, LotSource.PROMO, 10),
        LotMovement(new_lot.id, LotSource.PLAN, 6),
    )
    assert (new_lot.source, new_lot.granted, new_lot.remaining, new_lot.created_at) == (
        LotSource.PLAN, 6, 6, clock.at
    )  # fmt: skip
    assert new_lot.expires_at == refunded.account.current_period.end
    assert ULID.from_str(new_lot.id).datetime == clock.at


def test_an_id_of_nothing_or_an_output_count_not_reserved_names_its_field(
    services: Services, account: Account
) -> None:
    held = recorded(ledger.reserve(services, SERVICE, account.id, image(2), "job", 600, "r"))
    assert held.reservation is not None
    reservation_id = public_id(account.id, held.reservation.id)
    nothing = public_id(account.id, "01KAQ2Z7N3A8P5VXZ0M4T6W9YB")

    refused: list[Callable[[], object]] = [
        lambda: ledger.capture(services, SERVICE, nothing, None),
        lambda: ledger.release(services, SERVICE, "not-an-id", "r"),
        lambda: ledger.refund(services, SERVICE, nothing, None, "r", "f"),
        lambda: ledger.refund(services, SERVICE, "not-an-id", None, "r", "f"),
        lambda: ledger.capture(services, SERVICE, reservation_id, 3),
    ]
    told = []
    for call in refused:
        with pytest.raises(InvalidInput) as invalid:
            call()
        told.append((invalid.value.field, invalid.value.message))

    assert told == [
        ("reservation_id", "no such reservation"),
        ("reservation_id", "not an id this service issued"),
        ("entry_id", "no such ledger entry"),
        ("entry_id", "not an id this service issued"),
        (
            "delivered_outputs",
            "1 to 2 outputs were reserved, not 3; to capture none, release the reservation",
        ),
    ]


def test_an_admin_may_not_grant_to_their_own_account(services: Services) -> None:
    own = subscribe(services, person(ADMIN.subject))

    with pytest.raises(NotAllowed):
        ledger.grant(services, ADMIN, own.id, 10, LotSource.PROMO, None, "for me", "g")


def test_everything_available_may_be_reserved(services: Services) -> None:
    free = subscribe(services, person("free-3"))  # 100 credits
    video = Creative(kind=CreativeKind.VIDEO, resolution=Resolution.RES_720P, duration_seconds=10)  # 100

    held = recorded(ledger.reserve(services, SERVICE, free.id, video, "job", 600, "r"))

    assert (held.account.reserved, held.account.available) == (100, 0)
