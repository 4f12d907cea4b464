"""Lots: where credits live, and the order spending takes from them."""

from collections.abc import Mapping
from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum


class LotSource(Enum):
    PLAN = "PLAN"
    ROLLOVER = "ROLLOVER"
    TOP_UP = "TOP_UP"
    PROMO = "PROMO"
    ADJUSTMENT = "ADJUSTMENT"


# On an expiry tie, spend the credits that are worth least to keep first.
_TIE_ORDER = {
    LotSource.ROLLOVER: 0,
    LotSource.PLAN: 1,
    LotSource.PROMO: 2,
    LotSource.ADJUSTMENT: 3,
    LotSource.TOP_UP: 4,
}


@dataclass(frozen=True)
class Lot:
    id: str
    source: LotSource
    granted: int
    remaining: int
    expires_at: datetime | None
    created_at: datetime

    def is_expired(self, now: datetime) -> bool:
        return self.expires_at is not None and self.expires_at <= now


@dataclass(frozen=True)
class LotMovement:
    lot_id: str
    source: LotSource
    amount: int


def spending_order(lot: Lot) -> tuple[bool, datetime, int, datetime, str]:
    """Sort key: expiring first (lots without expiry last), then the tie order, then the older."""
    return (
        lot.expires_at is None,
        lot.expires_at or lot.created_at,
        _TIE_ORDER[lot.source],
        lot.created_at,
        lot.id,
    )


def take(
    lots: tuple[Lot, ...], amount: int, held: Mapping[str, int]
) -> tuple[tuple[Lot, ...], tuple[LotMovement, ...]]:
    """Take `amount` of the credits not `held` (by lot id), in spending order; the caller has
    checked there are enough."""
    portions = allot(lots, amount, held)
    return spend_portions(lots, portions), negated(portions)


def allot(lots: tuple[Lot, ...], amount: int, held: Mapping[str, int]) -> tuple[LotMovement, ...]:
    """Which lots `amount` credits come from, in spending order (positive portions), leaving `held` alone."""
    left = amount
    portions = []
    for lot in sorted(lots, key=spending_order):
        portion = min(lot.remaining - held.get(lot.id, 0), left)
        if portion > 0:
            portions.append(LotMovement(lot.id, lot.source, portion))
            left -= portion
    if left:
        raise ValueError(f"the lots hold {amount - left} of the {amount} credits to take")
    return tuple(portions)


def spend_portions(lots: tuple[Lot, ...], portions: tuple[LotMovement, ...]) -> tuple[Lot, ...]:
    """The lots less the portions taken (`portions` as `allot` gives them; movements are their negatives)."""
    taken = {portion.lot_id: portion.amount for portion in portions}
    return tuple(
        replace(lot, remaining=lot.remaining - taken[lot.id]) if lot.id in taken else lot for lot in lots
    )


def negated(portions: tuple[LotMovement, ...]) -> tuple[LotMovement, ...]:
    return tuple(LotMovement(p.lot_id, p.source, -p.amount) for p in portions)
