"""A credit period beginning on a plan: at each refresh boundary, and now for an upgrade to a new term.

In this order: lots past their expiry expire (and, where the plan or its term
ends, its PLAN and ROLLOVER lots with them) but for credits still held, the
unused PLAN credits of the ending period come back as one ROLLOVER lot (capped),
the new period's PLAN lot is granted and the period's counters start again. The entries of one change are
numbered in order by `change_entries`.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from studio_credits.domain.account import Account, Hold
from studio_credits.domain.catalogue import BillingInterval, Plan
from studio_credits.domain.creatives import Creative
from studio_credits.domain.ids import FIRST_ASKED_SEQUENCE, entry_id, new_ulid
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import Lot, LotMovement, LotSource
from studio_credits.domain.periods import Period, period
from studio_credits.domain.plan_terms import PlanChangeTerms
from studio_credits.domain.wording import day_text, plural, source_text

ENDS_WITH_THE_PLAN = (LotSource.PLAN, LotSource.ROLLOVER)
"""What the end of a plan or of its term takes away; TOP_UP, PROMO and ADJUSTMENT lots stay."""


@dataclass(frozen=True)
class EntryDraft:
    kind: EntryKind
    amount: int
    description: str
    lots: tuple[LotMovement, ...] = ()
    terms: PlanChangeTerms | None = None
    creative: Creative | None = None
    job_id: str | None = None
    actor: str | None = None
    """Who the entry names, where not the change's actor (an expired hold's release: the sweeper)."""


@dataclass(frozen=True)
class PeriodStart:
    at: datetime
    """The boundary: lots expired by then expire."""
    plan: Plan
    interval: BillingInterval
    anchor: datetime
    index: int
    term_first_period: int
    plan_ends: bool
    """The plan or its term ends here, taking its PLAN and ROLLOVER lots with it."""
    rollover_cap: int
    grants_plan_credits: bool = True
    """False on a renewal not paid yet: its PLAN lot is granted once it is (domain/renewal_payments.py)."""


def change_entries(
    account: Account,
    at: datetime,
    actor: str,
    drafts: Sequence[EntryDraft],
    first_sequence: int = FIRST_ASKED_SEQUENCE,
) -> tuple[LedgerEntry, ...]:
    """The entries of one change, in order, each with the lots' total after it.

    `account` is as it was before these entries.
    """
    balance = account.balance
    entries = []
    for sequence, draft in enumerate(drafts, start=first_sequence):
        balance += draft.amount
        entries.append(
            LedgerEntry(
                id=entry_id(account.version, at, sequence),
                account_id=account.id,
                at=at,
                kind=draft.kind,
                amount=draft.amount,
                balance_after=balance,
                description=draft.description,
                actor=draft.actor or actor,
                lots=draft.lots,
                creative=draft.creative,
                job_id=draft.job_id,
                plan_change=draft.terms,
            )
        )
    return tuple(entries)


def lot_ends(lot: Lot, at: datetime, plan_ends: bool) -> bool:
    return lot.is_expired(at) or (plan_ends and lot.source in ENDS_WITH_THE_PLAN)


def rolling_plan_lots(account: Account, at: datetime, plan_ends: bool) -> tuple[Lot, ...]:
    """The PLAN lots of the period ending at `at`, whose unused credits (held ones included) may roll
    over; a lapsed period's lots expired before and do not roll over."""
    return tuple(
        lot
        for lot in account.lots
        if lot.source is LotSource.PLAN
        and lot_ends(lot, at, plan_ends)
        and lot.expires_at is not None
        and lot.expires_at >= at
    )


def rollover_credits(account: Account, at: datetime, plan_ends: bool, cap: int) -> int:
    """min(unused credits of the ending period's PLAN lots, cap): held credits count as unused, as a
    release would have given them back."""
    return min(sum(lot.remaining for lot in rolling_plan_lots(account, at, plan_ends)), cap)


def expire_free_credits(
    account: Account,
    ending: Sequence[Lot],
    ended_at: datetime,
    why: Callable[[Lot], str],
    held: Mapping[str, int],
) -> tuple[Account, list[EntryDraft]]:
    """`ending` lots lose every credit not `held` (an EXPIRE entry each); a lot still held stays with
    its held part, for the hold's capture, and goes when that is settled. `held` is what each lot
    holds once this change is made (a rollover may have moved held credits out of it)."""
    ending_ids = {lot.id for lot in ending}
    lots: list[Lot] = []
    drafts = []
    for lot in account.lots:
        if lot.id not in ending_ids:
            lots.append(lot)
            continue
        stays = held.get(lot.id, 0)
        if lot.remaining > stays:
            lost = lot.remaining - stays
            drafts.append(
                EntryDraft(
                    EntryKind.EXPIRE,
                    -lost,
                    f"{plural(lost, source_text(lot.source) + ' credit')} expired: {why(lot)}",
                    (LotMovement(lot.id, lot.source, -lost),),
                )
            )
        if stays:  # ended: spent by its hold's capture only, even where a plan's end came before its expiry
            lots.append(replace(lot, remaining=stays, expires_at=min(lot.expires_at or ended_at, ended_at)))
    return replace(account, lots=tuple(lots)), drafts


def expire_lapsed(
    account: Account, now: datetime, why: Callable[[Lot], str]
) -> tuple[Account, list[EntryDraft]]:
    """Every lot past its expiry at `now` loses the credits it does not hold for a reservation."""
    held = account.held_by_lot()
    lapsed = [lot for lot in account.lots if lot.is_expired(now) and lot.remaining > held.get(lot.id, 0)]
    return expire_free_credits(account, lapsed, now, why, held)


def begin_period(account: Account, start: PeriodStart, now: datetime) -> tuple[Account, list[EntryDraft]]:
    """The account on `start`'s plan and period, and its EXPIRE, ROLLOVER and GRANT entries in order.

    Credits held for a running job roll over like unused ones, after the free ones, as far as the
    cap allows: the hold moves to the ROLLOVER lot for those, so releasing them later gives back
    exactly what the rollover kept. The scheduled change, the status and a pending cancellation
    are the caller's to settle.
    """
    new_period = period(start.anchor, start.index)
    rolled = rollover_credits(account, start.at, start.plan_ends, start.rollover_cap)
    lasts = start.plan.rollover.expires_after_periods
    rolled_until = period(start.anchor, start.index + lasts - 1).end
    rolled_lot = Lot(new_ulid(now), LotSource.ROLLOVER, rolled, rolled, rolled_until, now)
    rolling = rolling_plan_lots(account, start.at, start.plan_ends)
    held = account.held_by_lot()
    free_rolled = min(rolled, sum(lot.remaining - held.get(lot.id, 0) for lot in rolling))
    holds, kept_held = _move_holds(account, {lot.id for lot in rolling}, rolled - free_rolled, rolled_lot)
    ending = [lot for lot in account.lots if lot_ends(lot, start.at, start.plan_ends)]
    ending_plan = account.plan

    def why(lot: Lot) -> str:
        return "past their expiry" if lot.is_expired(start.at) else f"the {ending_plan.name} plan ended"

    expired, drafts = expire_free_credits(account, ending, start.at, why, kept_held)
    lots = expired.lots
    if rolled:
        lots += (rolled_lot,)
        drafts.append(
            EntryDraft(
                EntryKind.ROLLOVER,
                rolled,
                f"{rolled:,} unused {ending_plan.name} plan credits rolled over, "
                f"until {day_text(rolled_until)}",
                (LotMovement(rolled_lot.id, rolled_lot.source, rolled),),
            )
        )
    granted = 0
    if start.grants_plan_credits:
        grant, draft = plan_grant(start.plan, new_period, now)
        granted = grant.granted
        lots += (grant,)
        drafts.append(draft)
    begun = replace(
        account,
        plan_id=start.plan.id,
        interval=start.interval,
        anchor=start.anchor,
        period_index=start.index,
        term_first_period=start.term_first_period,
        lots=lots,
        holds=holds,
        period_granted=granted + rolled,
        period_used=0,
        low_credit_marks=(),
    )
    return begun, drafts


def plan_grant(plan: Plan, credit_period: Period, now: datetime, paid: str = "") -> tuple[Lot, EntryDraft]:
    """The PLAN lot of a period's credits, and its GRANT entry (`paid`: how, when a payment made it)."""
    granted = plan.monthly_credits
    grant = Lot(new_ulid(now), LotSource.PLAN, granted, granted, credit_period.end, now)
    words = (
        f"{plan.name} plan: {granted:,} credits for the period "
        f"{day_text(credit_period.start)} to {day_text(credit_period.end)}"
    )
    if paid:
        words += f" ({paid})"
    return grant, EntryDraft(EntryKind.GRANT, granted, words, (LotMovement(grant.id, grant.source, granted),))


def _move_holds(
    account: Account, rolling: set[str], moving: int, rolled_lot: Lot
) -> tuple[tuple[Hold, ...], dict[str, int]]:
    """Move up to `moving` held credits from the `rolling` lots to `rolled_lot`, hold by hold; the
    holds after, and what each lot still holds."""
    holds = []
    for hold in account.holds:
        portions: dict[tuple[str, LotSource], int] = {}
        for portion in hold.portions:
            moved = min(portion.amount, moving) if portion.lot_id in rolling else 0
            moving -= moved
            for lot_id, source, amount in (
                (portion.lot_id, portion.source, portion.amount - moved),
                (rolled_lot.id, rolled_lot.source, moved),
            ):
                if amount:
                    portions[lot_id, source] = portions.get((lot_id, source), 0) + amount
        holds.append(
            replace(hold, portions=tuple(LotMovement(i, s, amount) for (i, s), amount in portions.items()))
        )
    moved_holds = tuple(holds)
    return moved_holds, replace(account, holds=moved_holds).held_by_lot()
