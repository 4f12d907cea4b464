"""Lots: where credits live, and the order spending takes from them."""

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


def take(lots: tuple[Lot, ...], amount: int) -> tuple[tuple[Lot, ...], tuple[LotMovement, ...]]:
    """Take `amount` credits in spending order; the caller has checked there are enough."""
    left = amount
    taken: dict[str, int] = {}
    for lot in sorted(lots, key=spending_order):
        if left == 0:
            break
        portion = min(lot.remaining, left)
        if portion:
            taken[lot.id] = portion
            left -= portion
    if left:
        raise ValueError(f"the lots hold {amount - left} of the {amount} credits to take")
    updated = tuple(
        replace(lot, remaining=lot.remaining - taken[lot.id]) if lot.id in taken else lot for lot in lots
    )
    movements = tuple(
        LotMovement(lot.id, lot.source, -taken[lot.id])
        for lot in sorted(lots, key=spending_order)
        if lot.id in taken
    )
    return updated, movements
