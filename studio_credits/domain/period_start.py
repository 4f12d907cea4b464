"""A credit period beginning on a plan: at each refresh boundary, and now for an upgrade to a new term.

In this order: lots past their expiry expire (and, where the plan or its term
ends, its PLAN and ROLLOVER lots with them), the unused PLAN credits of the
ending period come back as one ROLLOVER lot (capped), the new period's PLAN lot
is granted and the period's counters start again. The entries of one change are
numbered in order by `change_entries`.
"""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime

from studio_credits.domain.account import Account
from studio_credits.domain.catalogue import BillingInterval, Plan
from studio_credits.domain.ids import entry_id, new_ulid
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import Lot, LotMovement, LotSource
from studio_credits.domain.periods import period
from studio_credits.domain.plan_terms import PlanChangeTerms

ENDS_WITH_THE_PLAN = (LotSource.PLAN, LotSource.ROLLOVER)
"""What the end of a plan or of its term takes away; TOP_UP, PROMO and ADJUSTMENT lots stay."""


@dataclass(frozen=True)
class EntryDraft:
    kind: EntryKind
    amount: int
    description: str
    lots: tuple[LotMovement, ...] = ()
    terms: PlanChangeTerms | None = None


@dataclass(frozen=True)
class PeriodStart:
    at: datetime
    """The boundary: lots expired by then expire."""
    plan: Plan
    interval: BillingInterval
    anchor: datetime
    index: int
    plan_ends: bool
    """The plan or its term ends here, taking its PLAN and ROLLOVER lots with it."""
    rollover_cap: int


def change_entries(
    account: Account, at: datetime, actor: str, drafts: Sequence[EntryDraft]
) -> tuple[LedgerEntry, ...]:
    """The entries of one change, in order, each with the lots' total after it.

    `account` is as it was before the change.
    """
    balance = account.balance
    entries = []
    for sequence, draft in enumerate(drafts):
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
                actor=actor,
                lots=draft.lots,
                plan_change=draft.terms,
            )
        )
    return tuple(entries)


def lot_ends(lot: Lot, at: datetime, plan_ends: bool) -> bool:
    return lot.is_expired(at) or (plan_ends and lot.source in ENDS_WITH_THE_PLAN)


def rollover_credits(account: Account, at: datetime, plan_ends: bool, cap: int) -> int:
    """min(unused credits of the ending period's PLAN lots, cap); never less than the held credits
    the lots staying cannot cover (a running job was promised them), as far as the ending lots hold.

    The ending period's PLAN lots last until `at` at least: a lapsed period's expired before and
    do not roll over.
    """
    ending = [lot for lot in account.lots if lot_ends(lot, at, plan_ends)]
    unused = sum(
        lot.remaining
        for lot in ending
        if lot.source is LotSource.PLAN and lot.expires_at is not None and lot.expires_at >= at
    )
    ending_credits = sum(lot.remaining for lot in ending)
    held_beyond_kept = account.reserved - (account.balance - ending_credits)
    return max(min(unused, cap), min(held_beyond_kept, ending_credits))


def begin_period(account: Account, start: PeriodStart, now: datetime) -> tuple[Account, list[EntryDraft]]:
    """The account on `start`'s plan and period, and its EXPIRE, ROLLOVER and GRANT entries in order.

    The scheduled change, the status and a pending cancellation are the caller's to settle.
    """
    new_period = period(start.anchor, start.index)
    rolled = rollover_credits(account, start.at, start.plan_ends, start.rollover_cap)
    ending_plan = account.plan
    ending = [lot for lot in account.lots if lot_ends(lot, start.at, start.plan_ends)]
    lots = tuple(lot for lot in account.lots if lot not in ending)
    drafts = []
    for lot in ending:
        if lot.remaining:
            why = "past their expiry" if lot.is_expired(start.at) else f"the {ending_plan.name} plan ended"
            drafts.append(
                EntryDraft(
                    EntryKind.EXPIRE,
                    -lot.remaining,
                    f"{lot.remaining:,} {_source_name(lot.source)} credits expired: {why}",
                    (LotMovement(lot.id, lot.source, -lot.remaining),),
                )
            )
    if rolled:
        rolled_lot = Lot(new_ulid(now), LotSource.ROLLOVER, rolled, rolled, new_period.end, now)
        lots += (rolled_lot,)
        drafts.append(
            EntryDraft(
                EntryKind.ROLLOVER,
                rolled,
                f"{rolled:,} unused {ending_plan.name} plan credits rolled over, "
                f"until {day_text(new_period.end)}",
                (LotMovement(rolled_lot.id, rolled_lot.source, rolled),),
            )
        )
    granted = start.plan.monthly_credits
    grant = Lot(new_ulid(now), LotSource.PLAN, granted, granted, new_period.end, now)
    drafts.append(
        EntryDraft(
            EntryKind.GRANT,
            granted,
            f"{start.plan.name} plan: {granted:,} credits for the period "
            f"{day_text(new_period.start)} to {day_text(new_period.end)}",
            (LotMovement(grant.id, grant.source, granted),),
        )
    )
    begun = replace(
        account,
        plan_id=start.plan.id,
        interval=start.interval,
        anchor=start.anchor,
        period_index=start.index,
        lots=(*lots, grant),
        period_granted=granted + rolled,
        period_used=0,
        low_credit_marks=(),
    )
    return begun, drafts


def day_text(moment: datetime) -> str:
    """A date as ledger texts and notices show it (UTC): 15 Dec 2026."""
    return f"{moment.day} {moment:%b %Y}"


def _source_name(source: LotSource) -> str:
    return source.value.lower().replace("_", "-")
