"""Reservations: credits held for a generation job until it is captured or released.

A hold past its expiry counts for nothing, whenever the sweeper gets to it: every read and write
sees the account as of now (domain/as_of.py), which releases it at its expiry.
"""

from dataclasses import dataclass, replace
from datetime import datetime
from enum import Enum

from studio_credits.domain.account import Account, Hold
from studio_credits.domain.creatives import Creative
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.period_start import EntryDraft, expire_free_credits
from studio_credits.domain.wording import credits_text

EXPIRY_REASON = "not captured or released before it expired"
EXPIRY_ACTOR = "sweeper"
"""Who the RELEASE entry of an expired hold names: the job that stores it when no request has."""


class ReservationStatus(Enum):
    HELD = "HELD"
    CAPTURED = "CAPTURED"
    RELEASED = "RELEASED"
    EXPIRED = "EXPIRED"


@dataclass(frozen=True)
class Reservation:
    id: str
    account_id: str
    job_id: str
    status: ReservationStatus
    credits: int
    outputs: int
    creative: Creative
    created_at: datetime
    expires_at: datetime
    captured: int = 0
    """Credits captured when settled (0 until then, and for a release)."""


def reservation_as_of(reservation: Reservation, now: datetime) -> Reservation:
    """The reservation at `now`: one stored HELD past its expiry has expired, stored so or not yet."""
    if reservation.status is ReservationStatus.HELD and reservation.expires_at <= now:
        return replace(reservation, status=ReservationStatus.EXPIRED)
    return reservation


def release_hold(account: Account, hold: Hold, at: datetime, reason: str) -> tuple[Account, list[EntryDraft]]:
    """The account without `hold` at `at`, with its RELEASE entry; credits it held from a lot that has
    expired by then go with that lot (an EXPIRE entry): a release gives back only what the lot keeps."""
    unheld = replace(
        account, holds=tuple(h for h in account.holds if h.reservation_id != hold.reservation_id)
    )
    unheld, lapsed = expire_released(unheld, hold, at)
    released = EntryDraft(
        EntryKind.RELEASE,
        0,
        f"Released {credits_text(hold.credits)}: {reason}",
        creative=hold.creative,
        job_id=hold.job_id,
    )
    return unheld, [released, *lapsed]


def release_expired_hold(account: Account, hold: Hold) -> tuple[Account, list[EntryDraft]]:
    """What the sweeper used to be the first to do: the hold released at its expiry."""
    unheld, drafts = release_hold(account, hold, hold.expires_at, EXPIRY_REASON)
    return unheld, [replace(draft, actor=EXPIRY_ACTOR) for draft in drafts]


def expire_released(account: Account, settled: Hold, at: datetime) -> tuple[Account, list[EntryDraft]]:
    """Credits the `settled` hold (no longer on `account`) kept in lots that expired while held go
    with those lots, but for what other holds keep there."""
    held = account.held_by_lot()
    its_lots = {portion.lot_id for portion in settled.portions}
    lapsed = [
        lot
        for lot in account.lots
        if lot.id in its_lots and lot.is_expired(at) and lot.remaining > held.get(lot.id, 0)
    ]
    return expire_free_credits(account, lapsed, at, lambda _: "held past their expiry, then released", held)
