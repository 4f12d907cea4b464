"""The ledger's moves: consume, reserve, capture, release, refund and grant.

Each function takes the account as of now (domain/as_of.py) and returns either a
refusal (as data) or a `LedgerWrite`: the change to store atomically and what it
made. None of them reads a clock or a table: `now` and the account come in, the
change goes out.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from studio_credits.domain.account import Account, Hold
from studio_credits.domain.catalogue import Plan
from studio_credits.domain.change import Change
from studio_credits.domain.creatives import Creative
from studio_credits.domain.credit_limits import CreditLimitExceeded, balance_limit, grant_limit
from studio_credits.domain.ids import new_ulid
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import (
    Lot,
    LotMovement,
    LotSource,
    allot,
    negated,
    spend_portions,
    spending_order,
    take,
)
from studio_credits.domain.notice_rules import with_unsent
from studio_credits.domain.notices import Notice, NoticeKind, notice_id
from studio_credits.domain.period_start import EntryDraft, change_entries
from studio_credits.domain.periods import add_months
from studio_credits.domain.pricing import quote
from studio_credits.domain.reservations import (
    Reservation,
    ReservationStatus,
    expire_released,
    release_hold,
    reservation_as_of,
)
from studio_credits.domain.usage import UsageIncrement, day_of
from studio_credits.domain.wording import creative_text, credits_text, plural, source_text

LOW_CREDIT_THRESHOLDS = (80, 95)
"""Percent of the period's granted credits whose crossing is noticed, once each per period."""
TOP_UP_LIFETIME_MONTHS = 12
GRANTABLE_SOURCES = (LotSource.TOP_UP, LotSource.PROMO, LotSource.ADJUSTMENT)


@dataclass(frozen=True)
class InsufficientCredits:
    required: int
    available: int


@dataclass(frozen=True)
class FeatureNotInPlan:
    blocked_by: tuple[str, ...]
    cheapest_plan_allowing: Plan | None


@dataclass(frozen=True)
class NotHeld:
    reservation: Reservation
    message: str


@dataclass(frozen=True)
class Rejected:
    message: str


@dataclass(frozen=True)
class LedgerWrite:
    """What a spend, a hold, a settlement, a refund or a grant decided: the change and its answer."""

    change: Change
    entry: LedgerEntry | None
    """The entry that answers the request (None where a settlement moved nothing)."""
    reservation: Reservation | None = None

    @property
    def made_id(self) -> str:
        """What the request made, for its idempotency record: a new reservation, or else the entry."""
        if self.reservation is not None and self.reservation.status is ReservationStatus.HELD:
            return self.reservation.id
        return "" if self.entry is None else self.entry.id


def consume(
    account: Account, creative: Creative, job_id: str, actor: str, now: datetime
) -> LedgerWrite | InsufficientCredits | FeatureNotInPlan:
    priced = quote(creative, account.plan)
    if not priced.allowed:
        return FeatureNotInPlan(priced.blocked_by, priced.cheapest_plan_allowing)
    if priced.credits > account.available:
        return InsufficientCredits(priced.credits, account.available)
    lots, moved = take(account.lots, priced.credits, account.held_by_lot())
    spent = replace(account, lots=lots, period_used=account.period_used + priced.credits)
    what = EntryDraft(
        EntryKind.CONSUME,
        -priced.credits,
        f"{creative_text(creative)}: {credits_text(priced.credits)}",
        moved,
        creative=creative,
        job_id=job_id,
    )
    spent, notices = _low_credit_notices(spent, now)
    usage = (UsageIncrement(day_of(now), creative.kind, priced.credits, 1),)
    entry = change_entries(account, now, actor, (what,))[0]
    return LedgerWrite(Change(spent, (entry,), notices=notices, usage=usage), entry)


def reserve(
    account: Account, creative: Creative, job_id: str, ttl: timedelta, actor: str, now: datetime
) -> LedgerWrite | InsufficientCredits | FeatureNotInPlan:
    priced = quote(creative, account.plan)
    if not priced.allowed:
        return FeatureNotInPlan(priced.blocked_by, priced.cheapest_plan_allowing)
    if priced.credits > account.available:
        return InsufficientCredits(priced.credits, account.available)
    reservation = Reservation(
        id=new_ulid(now),
        account_id=account.id,
        job_id=job_id,
        status=ReservationStatus.HELD,
        credits=priced.credits,
        outputs=creative.outputs,
        creative=creative,
        created_at=now,
        expires_at=now + ttl,
    )
    portions = allot(account.lots, priced.credits, account.held_by_lot())
    hold = Hold(reservation.id, priced.credits, reservation.expires_at, portions, job_id, creative)
    held = replace(account, holds=(*account.holds, hold))
    what = EntryDraft(
        EntryKind.RESERVE,
        0,
        f"Held {credits_text(priced.credits)} for {creative_text(creative)}",
        creative=creative,
        job_id=job_id,
    )
    entry = change_entries(account, now, actor, (what,))[0]
    return LedgerWrite(Change(held, (entry,), reservations=(reservation,)), entry, reservation)


def capture(
    account: Account, reservation: Reservation, delivered_outputs: int | None, actor: str, now: datetime
) -> LedgerWrite | NotHeld:
    """Capture the delivered outputs' share of a held reservation; release the rest in the same change.

    The captured credits come from the hold's own lots, the earliest expiring first, so a lot that
    expired while held is spent before the rest is released.
    """
    hold = _held(account, reservation, now)
    if isinstance(hold, NotHeld):
        return hold
    delivered = reservation.outputs if delivered_outputs is None else delivered_outputs
    unit = reservation.credits // reservation.outputs
    captured = unit * delivered
    released = reservation.credits - captured
    unheld = account.without_hold(reservation.id)
    lots_by_id = {lot.id: lot for lot in account.lots}
    in_order = sorted(hold.portions, key=lambda portion: spending_order(lots_by_id[portion.lot_id]))
    portions, left = [], captured
    for portion in in_order:
        part = min(portion.amount, left)
        if part:
            portions.append(LotMovement(portion.lot_id, portion.source, part))
            left -= part
    settled = replace(
        unheld, lots=spend_portions(unheld.lots, tuple(portions)), period_used=unheld.period_used + captured
    )
    creative = reservation.creative
    drafts = [
        EntryDraft(
            EntryKind.CAPTURE,
            -captured,
            f"{creative_text(creative)}: {credits_text(captured)} for {delivered:,} of "
            f"{plural(reservation.outputs, 'output')}",
            negated(tuple(portions)),
            creative=creative,
            job_id=reservation.job_id,
        )
    ]
    if released:
        drafts.append(
            EntryDraft(
                EntryKind.RELEASE,
                0,
                f"Released {credits_text(released)} held for "
                f"{plural(reservation.outputs - delivered, 'undelivered output')}",
                creative=creative,
                job_id=reservation.job_id,
            )
        )
    settled, lapsed = expire_released(settled, hold, now)
    settled, notices = _low_credit_notices(settled, now)
    done = replace(reservation, status=ReservationStatus.CAPTURED, captured=captured)
    usage = (UsageIncrement(day_of(now), creative.kind, captured, 1),)
    entries = change_entries(account, now, actor, (*drafts, *lapsed))
    change = Change(settled, entries, reservations=(done,), notices=notices, usage=usage)
    return LedgerWrite(change, entries[0], done)


def release(
    account: Account,
    reservation: Reservation,
    reason: str,
    actor: str,
    now: datetime,
) -> LedgerWrite | NotHeld:
    """Return a held reservation's credits: RELEASED on request. Credits held from a lot that has
    expired since go with that lot (an EXPIRE entry): a release gives back only what the lot keeps."""
    hold = _held(account, reservation, now)
    if isinstance(hold, NotHeld):
        return hold
    named = replace(hold, job_id=reservation.job_id, creative=reservation.creative)
    unheld, drafts = release_hold(account, named, now, reason)
    entries = change_entries(account, now, actor, drafts)
    done = replace(reservation, status=ReservationStatus.RELEASED)
    return LedgerWrite(Change(unheld, entries, reservations=(done,)), entries[0], done)


def refund(
    account: Account, spent: LedgerEntry, credits: int | None, reason: str, actor: str, now: datetime
) -> LedgerWrite | Rejected | CreditLimitExceeded:
    """Give back a consumption's credits, once: to the lots they came from, or a new PLAN lot
    expiring at the period's end where those lots have expired."""
    if spent.kind not in (EntryKind.CONSUME, EntryKind.CAPTURE) or spent.account_id != account.id:
        return Rejected("only a consumption or a capture can be refunded")
    paid = -spent.amount
    amount = paid if credits is None else credits
    if not 1 <= amount <= paid:
        return Rejected(f"a refund of this entry is 1 to {paid} credits, not {amount}")
    beyond = balance_limit(account, amount)
    if beyond is not None:
        return beyond
    lots = {lot.id: lot for lot in account.lots}
    back: list[LotMovement] = []
    left = amount
    for movement in reversed(spent.lots):  # the last lot taken from is the first given back
        lot = lots.get(movement.lot_id)
        if left == 0 or lot is None or lot.is_expired(now):
            continue
        portion = min(left, -movement.amount)
        lots[lot.id] = replace(lot, remaining=lot.remaining + portion)
        back.append(LotMovement(lot.id, lot.source, portion))
        left -= portion
    if left:
        replacement = Lot(new_ulid(now), LotSource.PLAN, left, left, account.current_period.end, now)
        lots[replacement.id] = replacement
        back.append(LotMovement(replacement.id, replacement.source, left))
    in_this_period = spent.at >= account.current_period.start
    refunded = replace(
        account,
        lots=tuple(lots.values()),
        period_used=max(0, account.period_used - amount) if in_this_period else account.period_used,
    )
    what = EntryDraft(
        EntryKind.REFUND,
        amount,
        f"Refunded {amount:,} of {credits_text(paid)}: {reason}",
        tuple(back),
        creative=spent.creative,
        job_id=spent.job_id,
    )
    entry = change_entries(account, now, actor, (what,))[0]
    usage: tuple[UsageIncrement, ...] = ()
    if spent.creative is not None:
        whole = 1 if amount == paid else 0
        usage = (UsageIncrement(day_of(spent.at), spent.creative.kind, -amount, -whole),)
    change = Change(refunded, (entry,), usage=usage, refunded_entry_id=spent.id)
    return LedgerWrite(change, entry)


def grant(
    account: Account,
    amount: int,
    source: LotSource,
    expires_at: datetime | None,
    note: str,
    actor: str,
    now: datetime,
) -> LedgerWrite | Rejected | CreditLimitExceeded:
    """Add credits (a top-up, a promotion, an adjustment); an adjustment may also take some away."""
    refused = _grant_refusal(account, amount, source, expires_at, now)
    if refused is not None:
        return refused
    if amount < 0:
        return _take_away(account, -amount, note, actor, now)
    if source is LotSource.TOP_UP and expires_at is None:
        expires_at = add_months(now, TOP_UP_LIFETIME_MONTHS)
    lot = Lot(new_ulid(now), source, amount, amount, expires_at, now)
    granted = replace(account, lots=(*account.lots, lot), period_granted=account.period_granted + amount)
    kind = EntryKind.ADJUST if source is LotSource.ADJUSTMENT else EntryKind.GRANT
    what = EntryDraft(
        kind,
        amount,
        f"{source_text(source).capitalize()}: {credits_text(amount)} ({note})",
        (LotMovement(lot.id, lot.source, amount),),
    )
    entry = change_entries(account, now, actor, (what,))[0]
    return LedgerWrite(Change(granted, (entry,)), entry)


def _grant_refusal(
    account: Account, amount: int, source: LotSource, expires_at: datetime | None, now: datetime
) -> Rejected | CreditLimitExceeded | None:
    if source not in GRANTABLE_SOURCES:
        return Rejected(f"{source.value} lots are made by the plan refresh, not granted by hand")
    if amount == 0 or (amount < 0 and source is not LotSource.ADJUSTMENT):
        return Rejected("the amount must be positive (only an ADJUSTMENT may be negative)")
    if source is LotSource.TOP_UP and not account.plan.features.top_ups:
        return Rejected(f"the {account.plan.name} plan has no top-ups")
    if expires_at is not None and expires_at <= now:
        return Rejected("expiresAt must be in the future")
    return grant_limit(account, amount)


def _take_away(account: Account, amount: int, note: str, actor: str, now: datetime) -> LedgerWrite | Rejected:
    if amount > account.available:
        return Rejected(f"cannot take away {amount} credits: {account.available} are available")
    lots, moved = take(account.lots, amount, account.held_by_lot())
    adjusted = replace(account, lots=lots)
    what = EntryDraft(EntryKind.ADJUST, -amount, f"Adjustment: -{credits_text(amount)} ({note})", moved)
    entry = change_entries(account, now, actor, (what,))[0]
    return LedgerWrite(Change(adjusted, (entry,)), entry)


def _held(account: Account, reservation: Reservation, now: datetime) -> Hold | NotHeld:
    """The reservation's hold on the account as of now: past its expiry, it was released then."""
    current = reservation_as_of(reservation, now)
    if current.status is ReservationStatus.EXPIRED:
        return NotHeld(current, f"the reservation expired at {reservation.expires_at.isoformat()}")
    hold = next((hold for hold in account.holds if hold.reservation_id == reservation.id), None)
    if hold is None:
        return NotHeld(reservation, f"the reservation is {reservation.status.value}, not HELD")
    return hold


def _low_credit_notices(after: Account, now: datetime) -> tuple[Account, tuple[Notice, ...]]:
    granted = after.period_granted
    if granted <= 0:
        return after, ()
    crossed = [
        threshold
        for threshold in LOW_CREDIT_THRESHOLDS
        if threshold not in after.low_credit_marks and after.period_used * 100 >= threshold * granted
    ]
    if not crossed:
        return after, ()
    notices = tuple(
        Notice(
            id=notice_id(now, NoticeKind.LOW_CREDITS, f"period-{after.period_index}-{threshold}"),
            account_id=after.id,
            kind=NoticeKind.LOW_CREDITS,
            at=now,
            message=(
                f"You have used {after.period_used:,} of this period's {granted:,} credits "
                f"({threshold}% or more); {after.available:,} remain until "
                f"{after.current_period.end:%d %b %Y}."
            ),
            credits=after.available,
        )
        for threshold in crossed
    )
    marked = replace(after, low_credit_marks=(*after.low_credit_marks, *crossed))
    return with_unsent(marked, notices), notices
