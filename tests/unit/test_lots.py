"""The order spending takes from lots (README "Credits ledger"): the lot that expires first; on a tie
ROLLOVER, PLAN, PROMO, ADJUSTMENT, TOP_UP, then the older; lots without expiry last."""

from datetime import UTC, datetime

import pytest

from studio_credits.domain.lots import Lot, LotMovement, LotSource, allot, take

EXPIRY = datetime(2026, 12, 24, 12, tzinfo=UTC)


def lot(lot_id: str, source: LotSource, remaining: int, expires_at: datetime | None, created_day: int) -> Lot:
    return Lot(lot_id, source, remaining, remaining, expires_at, datetime(2026, 11, created_day, tzinfo=UTC))


# One lot of each source, all ending at the same instant, created newest-first in the tie order so
# that neither creation order nor the order in the account explains the result.
TIED = (
    lot("top-up", LotSource.TOP_UP, 10, EXPIRY, 1),
    lot("adjustment", LotSource.ADJUSTMENT, 10, EXPIRY, 2),
    lot("promo", LotSource.PROMO, 10, EXPIRY, 3),
    lot("plan", LotSource.PLAN, 10, EXPIRY, 4),
    lot("rollover", LotSource.ROLLOVER, 10, EXPIRY, 5),
)


def test_on_an_expiry_tie_rollover_then_plan_promo_adjustment_and_top_up_last() -> None:
    assert allot(TIED, 50, {}) == (
        LotMovement("rollover", LotSource.ROLLOVER, 10),
        LotMovement("plan", LotSource.PLAN, 10),
        LotMovement("promo", LotSource.PROMO, 10),
        LotMovement("adjustment", LotSource.ADJUSTMENT, 10),
        LotMovement("top-up", LotSource.TOP_UP, 10),
    )


@pytest.mark.parametrize(
    ("amount", "taken"),
    [
        (5, {"rollover": 5}),
        (15, {"rollover": 10, "plan": 5}),
        (25, {"rollover": 10, "plan": 10, "promo": 5}),
        (35, {"rollover": 10, "plan": 10, "promo": 10, "adjustment": 5}),
        (45, {"rollover": 10, "plan": 10, "promo": 10, "adjustment": 10, "top-up": 5}),
    ],
)
def test_a_spend_stops_in_the_tie_order(amount: int, taken: dict[str, int]) -> None:
    lots, moved = take(TIED, amount, {})

    assert {m.lot_id: -m.amount for m in moved} == taken
    assert {lot.id: lot.remaining for lot in lots} == {
        lot_id: 10 - taken.get(lot_id, 0) for lot_id in ("top-up", "adjustment", "promo", "plan", "rollover")
    }


def test_the_earlier_expiry_comes_before_the_tie_order() -> None:
    lots = (
        lot("rollover", LotSource.ROLLOVER, 10, datetime(2026, 12, 25, tzinfo=UTC), 1),
        lot("top-up", LotSource.TOP_UP, 10, datetime(2026, 12, 24, tzinfo=UTC), 2),
    )

    assert [m.lot_id for m in allot(lots, 20, {})] == ["top-up", "rollover"]


def test_on_a_tie_of_expiry_and_source_the_older_lot_first() -> None:
    lots = (
        lot("newer", LotSource.PROMO, 10, EXPIRY, 20),
        lot("older", LotSource.PROMO, 10, EXPIRY, 3),
        lot("middle", LotSource.PROMO, 10, EXPIRY, 10),
    )

    assert [(m.lot_id, m.amount) for m in allot(lots, 25, {})] == [
        ("older", 10),
        ("middle", 10),
        ("newer", 5),
    ]


def test_lots_without_expiry_come_last_the_older_first() -> None:
    lots = (
        lot("adjustment-forever", LotSource.ADJUSTMENT, 10, None, 1),
        lot("promo-forever", LotSource.PROMO, 10, None, 5),
        lot("top-up-in-ten-years", LotSource.TOP_UP, 10, datetime(2036, 11, 1, tzinfo=UTC), 9),
        lot("rollover-forever", LotSource.ROLLOVER, 10, None, 3),
    )

    assert [m.lot_id for m in allot(lots, 40, {})] == [
        "top-up-in-ten-years",
        "adjustment-forever",
        "rollover-forever",
        "promo-forever",
    ]


def test_held_credits_are_left_where_they_are() -> None:
    # 8 of the rollover's 10 and all the plan's are held: 2 + 0 + 10 + 3 from the next in order.
    held = {"rollover": 8, "plan": 10}

    assert allot(TIED, 15, held) == (
        LotMovement("rollover", LotSource.ROLLOVER, 2),
        LotMovement("promo", LotSource.PROMO, 10),
        LotMovement("adjustment", LotSource.ADJUSTMENT, 3),
    )


def test_taking_more_than_the_free_credits_is_an_error() -> None:
    with pytest.raises(ValueError, match="the lots hold 40 of the 41 credits to take"):
        allot(TIED, 41, {"plan": 10})


def test_a_lot_with_one_free_credit_gives_that_credit() -> None:
    lots = (lot("almost-held", LotSource.PLAN, 3, EXPIRY, 1), lot("later", LotSource.PLAN, 10, None, 2))

    assert allot(lots, 5, {"almost-held": 2}) == (
        LotMovement("almost-held", LotSource.PLAN, 1),
        LotMovement("later", LotSource.PLAN, 4),
    )
