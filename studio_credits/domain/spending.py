"""The ledger's moves: consume, reserve, capture, release, refund and grant.

Each function takes the account as read and returns either a refusal (as data)
or a `Spending`: the change to store atomically and what it made. None of them
reads a clock or a table: `now` and the account come in, the change goes out.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from studio_credits.domain.account import Account, Hold
from studio_credits.domain.catalogue import Plan
from studio_credits.domain.change import Change
from studio_credits.domain.creatives import Creative
from studio_credits.domain.ids import entry_id, new_ulid
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import Lot, LotMovement, LotSource, take
from studio_credits.domain.notice_rules import with_unsent
from studio_credits.domain.notices import Notice, NoticeKind, notice_id
from studio_credits.domain.periods import add_months
from studio_credits.domain.pricing import quote
from studio_credits.domain.refresh import refresh_due
from studio_credits.domain.reservations import Reservation, ReservationStatus
from studio_credits.domain.usage import UsageIncrement, day_of

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
class Spending:
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
) -> Spending | InsufficientCredits | FeatureNotInPlan:
    account, refreshed = _on_current_period(account, now)
    priced = quote(creative, account.plan)
    if not priced.allowed:
        return FeatureNotInPlan(priced.blocked_by, priced.cheapest_plan_allowing)
    if priced.credits > account.available:
        return InsufficientCredits(priced.credits, account.available)
    lots, moved = take(account.lots, priced.credits)
    spent = replace(account, lots=lots, period_used=account.period_used + priced.credits)
    entry = _entry(
        spent,
        now,
        EntryKind.CONSUME,
        -priced.credits,
        f"{_describe(creative)}: {priced.credits} credits",
        actor,
        moved,
        creative,
        job_id,
    )
    spent, notices = _low_credit_notices(spent, now)
    usage = (UsageIncrement(day_of(now), creative.kind, priced.credits, 1),)
    return _after(refreshed, Spending(Change(spent, (entry,), notices=notices, usage=usage), entry))


def reserve(
    account: Account, creative: Creative, job_id: str, ttl: timedelta, actor: str, now: datetime
) -> Spending | InsufficientCredits | FeatureNotInPlan:
    account, refreshed = _on_current_period(account, now)
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
    held = replace(
        account, holds=(*account.holds, Hold(reservation.id, priced.credits, reservation.expires_at))
    )
    entry = _entry(
        held,
        now,
        EntryKind.RESERVE,
        0,
        f"Held {priced.credits} credits for {_describe(creative)}",
        actor,
        (),
        creative,
        job_id,
    )
    return _after(
        refreshed, Spending(Change(held, (entry,), reservations=(reservation,)), entry, reservation)
    )


def capture(
    account: Account, reservation: Reservation, delivered_outputs: int | None, actor: str, now: datetime
) -> Spending | NotHeld:
    """Capture the delivered outputs' share of a held reservation; release the rest in the same change."""
    account, refreshed = _on_current_period(account, now)
    refusal = _check_held(account, reservation, now)
    if refusal is not None:
        return refusal
    delivered = reservation.outputs if delivered_outputs is None else delivered_outputs
    unit = reservation.credits // reservation.outputs
    captured = unit * delivered
    released = reservation.credits - captured
    unheld = _without_hold(account, reservation.id)
    lots, moved = take(unheld.lots, captured)
    settled = replace(unheld, lots=lots, period_used=unheld.period_used + captured)
    creative = reservation.creative
    entries = [
        _entry(
            settled,
            now,
            EntryKind.CAPTURE,
            -captured,
            f"{_describe(creative)}: {captured} credits for {delivered} of {reservation.outputs} outputs",
            actor,
            moved,
            creative,
            reservation.job_id,
        )
    ]
    if released:
        entries.append(
            _entry(
                settled,
                now,
                EntryKind.RELEASE,
                0,
                f"Released {released} credits held for {reservation.outputs - delivered} undelivered outputs",
                actor,
                (),
                creative,
                reservation.job_id,
                sequence=1,
            )
        )
    settled, notices = _low_credit_notices(settled, now)
    done = replace(reservation, status=ReservationStatus.CAPTURED, captured=captured)
    usage = (UsageIncrement(day_of(now), creative.kind, captured, 1),)
    change = Change(settled, tuple(entries), reservations=(done,), notices=notices, usage=usage)
    return _after(refreshed, Spending(change, entries[0], done))


def release(
    account: Account,
    reservation: Reservation,
    reason: str,
    actor: str,
    now: datetime,
    status: ReservationStatus = ReservationStatus.RELEASED,
) -> Spending | NotHeld:
    """Return a held reservation's credits: RELEASED on request, EXPIRED when the sweeper finds it late."""
    if not any(hold.reservation_id == reservation.id for hold in account.holds):
        return NotHeld(reservation, f"the reservation is {reservation.status.value}, not HELD")
    unheld = _without_hold(account, reservation.id)
    entry = _entry(
        unheld,
        now,
        EntryKind.RELEASE,
        0,
        f"Released {reservation.credits} credits: {reason}",
        actor,
        (),
        reservation.creative,
        reservation.job_id,
    )
    done = replace(reservation, status=status)
    return Spending(Change(unheld, (entry,), reservations=(done,)), entry, done)


def refund(
    account: Account, spent: LedgerEntry, credits: int | None, reason: str, actor: str, now: datetime
) -> Spending | Rejected:
    """Give back a consumption's credits, once: to the lots they came from, or a new PLAN lot
    expiring at the period's end where those lots have expired."""
    account, refreshed = _on_current_period(account, now)
    if spent.kind not in (EntryKind.CONSUME, EntryKind.CAPTURE) or spent.account_id != account.id:
        return Rejected("only a consumption or a capture can be refunded")
    paid = -spent.amount
    amount = paid if credits is None else credits
    if not 1 <= amount <= paid:
        return Rejected(f"a refund of this entry is 1 to {paid} credits, not {amount}")
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
    entry = _entry(
        refunded,
        now,
        EntryKind.REFUND,
        amount,
        f"Refunded {amount} of {paid} credits: {reason}",
        actor,
        tuple(back),
        spent.creative,
        spent.job_id,
    )
    usage: tuple[UsageIncrement, ...] = ()
    if spent.creative is not None:
        whole = 1 if amount == paid else 0
        usage = (UsageIncrement(day_of(spent.at), spent.creative.kind, -amount, -whole),)
    change = Change(refunded, (entry,), usage=usage, refunded_entry_id=spent.id)
    return _after(refreshed, Spending(change, entry))


def grant(
    account: Account,
    amount: int,
    source: LotSource,
    expires_at: datetime | None,
    note: str,
    actor: str,
    now: datetime,
) -> Spending | Rejected:
    """Add credits (a top-up, a promotion, an adjustment); an adjustment may also take some away."""
    account, refreshed = _on_current_period(account, now)
    if source not in GRANTABLE_SOURCES:
        return Rejected(f"{source.value} lots are made by the plan refresh, not granted by hand")
    if amount == 0 or (amount < 0 and source is not LotSource.ADJUSTMENT):
        return Rejected("the amount must be positive (only an ADJUSTMENT may be negative)")
    if source is LotSource.TOP_UP and not account.plan.features.top_ups:
        return Rejected(f"the {account.plan.name} plan has no top-ups")
    if expires_at is not None and expires_at <= now:
        return Rejected("expiresAt must be in the future")
    if amount < 0:
        taken = _take_away(account, -amount, note, actor, now)
        return taken if isinstance(taken, Rejected) else _after(refreshed, taken)
    if source is LotSource.TOP_UP and expires_at is None:
        expires_at = add_months(now, TOP_UP_LIFETIME_MONTHS)
    lot = Lot(new_ulid(now), source, amount, amount, expires_at, now)
    granted = replace(account, lots=(*account.lots, lot), period_granted=account.period_granted + amount)
    kind = EntryKind.ADJUST if source is LotSource.ADJUSTMENT else EntryKind.GRANT
    label = {LotSource.TOP_UP: "Top-up", LotSource.PROMO: "Promotion", LotSource.ADJUSTMENT: "Adjustment"}
    entry = _entry(
        granted,
        now,
        kind,
        amount,
        f"{label[source]}: {amount} credits ({note})",
        actor,
        (LotMovement(lot.id, lot.source, amount),),
    )
    return _after(refreshed, Spending(Change(granted, (entry,)), entry))


def _take_away(account: Account, amount: int, note: str, actor: str, now: datetime) -> Spending | Rejected:
    if amount > account.available:
        return Rejected(f"cannot take away {amount} credits: {account.available} are available")
    lots, moved = take(account.lots, amount)
    adjusted = replace(account, lots=lots)
    entry = _entry(
        adjusted, now, EntryKind.ADJUST, -amount, f"Adjustment: -{amount} credits ({note})", actor, moved
    )
    return Spending(Change(adjusted, (entry,)), entry)


def _on_current_period(account: Account, now: datetime) -> tuple[Account, tuple[LedgerEntry, ...]]:
    """The account refreshed to `now` where a period ended since the last refresh run, so that
    spending never takes from lots that have expired; the refresh's entries go in the same change."""
    refreshed = refresh_due(account, now)
    if refreshed is None:
        return account, ()
    return refreshed.account, refreshed.entries


def _after(refreshed: tuple[LedgerEntry, ...], spending: Spending) -> Spending:
    """`spending` preceded by the refresh it was decided on: its entries are numbered after the refresh's."""
    if not refreshed:
        return spending
    version, offset = spending.change.account.version, len(refreshed)
    renumbered = tuple(
        replace(entry, id=entry_id(version, entry.at, offset + sequence))
        for sequence, entry in enumerate(spending.change.entries)
    )
    answer = spending.entry
    if answer is not None:
        answer = renumbered[spending.change.entries.index(answer)]
    return replace(spending, change=replace(spending.change, entries=refreshed + renumbered), entry=answer)


def _check_held(account: Account, reservation: Reservation, now: datetime) -> NotHeld | None:
    if not any(hold.reservation_id == reservation.id for hold in account.holds):
        return NotHeld(reservation, f"the reservation is {reservation.status.value}, not HELD")
    if reservation.expires_at <= now:
        return NotHeld(reservation, f"the reservation expired at {reservation.expires_at.isoformat()}")
    return None


def _without_hold(account: Account, reservation_id: str) -> Account:
    return replace(account, holds=tuple(h for h in account.holds if h.reservation_id != reservation_id))


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
        )
        for threshold in crossed
    )
    marked = replace(after, low_credit_marks=(*after.low_credit_marks, *crossed))
    return with_unsent(marked, notices), notices


def _entry(
    account: Account,
    now: datetime,
    kind: EntryKind,
    amount: int,
    description: str,
    actor: str,
    lots: tuple[LotMovement, ...],
    creative: Creative | None = None,
    job_id: str | None = None,
    sequence: int = 0,
) -> LedgerEntry:
    return LedgerEntry(
        id=entry_id(account.version, now, sequence),
        account_id=account.id,
        at=now,
        kind=kind,
        amount=amount,
        balance_after=account.balance,
        description=description,
        actor=actor,
        lots=lots,
        creative=creative,
        job_id=job_id,
    )


def _describe(creative: Creative) -> str:
    outputs = f"{creative.outputs} × " if creative.outputs > 1 else ""
    kind = {"IMAGE": "image", "VIDEO": "video", "MULTI_SHOT_VIDEO": "multi-shot video"}[creative.kind.value]
    length = f" {creative.duration_seconds} s" if creative.duration_seconds else ""
    return f"{outputs}{creative.resolution.value}{length} {kind}"
