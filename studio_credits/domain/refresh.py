"""The plan refresh: moving an account into its next credit period, as many times as are due.

At each period boundary, in this order: a scheduled plan change or an ending
cancellation takes effect (a PLAN_CHANGE entry), lots past their expiry expire
(the ending period's PLAN and ROLLOVER lots among them, in full), the unused PLAN
credits come back as one ROLLOVER lot (capped; an older ROLLOVER lot never rolls
again), and the new period's PLAN lot is granted. An account several
periods behind goes through every boundary in turn, in one change.
"""

from dataclasses import dataclass, field, replace
from datetime import datetime

from studio_credits.domain.account import Account, PlanStatus
from studio_credits.domain.catalogue import BillingInterval, Plan, plan_by_id
from studio_credits.domain.change import Change
from studio_credits.domain.ids import entry_id, new_ulid
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import Lot, LotMovement, LotSource
from studio_credits.domain.periods import Period, period
from studio_credits.domain.plan_changes import switch_at_term_end

ACTOR = "refresh"
ENDS_WITH_THE_PLAN = (LotSource.PLAN, LotSource.ROLLOVER)
"""What a canceled plan's end takes away; TOP_UP, PROMO and ADJUSTMENT lots stay."""


@dataclass(frozen=True)
class Turn:
    """What happens at the account's next period boundary."""

    at: datetime
    plan: Plan
    """The plan of the period that starts at `at`."""
    interval: BillingInterval
    cancellation_ends: bool
    plan_changes: bool
    rollover_cap: int


def next_turn(account: Account) -> Turn:
    at = account.next_refresh_at
    switch = switch_at_term_end(account) if at >= account.term_end else None
    if switch is None:
        plan, interval = account.plan, account.interval
    else:
        plan, interval = plan_by_id(switch.plan_id), switch.interval
    ends = switch is not None and account.status is PlanStatus.CANCELING
    # A plan switch trims the rollover to the new plan's cap (and the free plan has none).
    cap = min(account.plan.rollover.cap_credits, plan.rollover.cap_credits)
    changes = (plan.id, interval) != (account.plan_id, account.interval)
    return Turn(at, plan, interval, ends, ends or changes, cap)


def expires_at_turn(lot: Lot, turn: Turn) -> bool:
    return lot.is_expired(turn.at) or (turn.cancellation_ends and lot.source in ENDS_WITH_THE_PLAN)


def ending_plan_lots(account: Account, at: datetime) -> tuple[Lot, ...]:
    """The PLAN lots of the period ending at `at`: their unused credits are what may roll over."""
    return tuple(lot for lot in account.lots if lot.source is LotSource.PLAN and lot.is_expired(at))


def rollover_at(account: Account, turn: Turn) -> int:
    """min(unused plan credits of the ending period, cap); never less than the held credits that
    the lots staying cannot cover (a running job was promised them), as far as the ending lots hold."""
    unused = sum(lot.remaining for lot in ending_plan_lots(account, turn.at))
    ending = sum(lot.remaining for lot in account.lots if expires_at_turn(lot, turn))
    held_beyond_kept = account.reserved - (account.balance - ending)
    return max(min(unused, turn.rollover_cap), min(held_beyond_kept, ending))


def refresh_due(account: Account, now: datetime) -> Change | None:
    """Every period boundary passed by `now`, in one change; None when no refresh is due."""
    if account.next_refresh_at > now:
        return None
    entries = _Entries(account.id, account.version, now)
    while account.next_refresh_at <= now:
        account = _turn(account, entries)
    return Change(account, tuple(entries.made))


@dataclass
class _Entries:
    account_id: str
    read_version: int
    now: datetime
    made: list[LedgerEntry] = field(default_factory=list)

    def add(self, after: Account, kind: EntryKind, amount: int, text: str, lots: list[LotMovement]) -> None:
        self.made.append(
            LedgerEntry(
                id=entry_id(self.read_version, self.now, len(self.made)),
                account_id=self.account_id,
                at=self.now,
                kind=kind,
                amount=amount,
                balance_after=after.balance,
                description=text,
                actor=ACTOR,
                lots=tuple(lots),
            )
        )


def _turn(account: Account, entries: _Entries) -> Account:
    turn = next_turn(account)
    anchor, index = account.anchor, account.period_index + 1
    if turn.interval is BillingInterval.ANNUAL and account.interval is not BillingInterval.ANNUAL:
        anchor, index = turn.at, 0  # a yearly term starts here: twelve periods from this day
    new_period = period(anchor, index)
    rolled = rollover_at(account, turn)
    ending_plan = account.plan
    if turn.plan_changes:
        entries.add(account, EntryKind.PLAN_CHANGE, 0, _switch_text(account, turn), [])
    account = _expire(account, turn, entries)
    account = replace(
        account,
        plan_id=turn.plan.id,
        interval=turn.interval,
        anchor=anchor,
        period_index=index,
        scheduled_change=None if turn.plan_changes else account.scheduled_change,
    )
    if turn.cancellation_ends:
        account = replace(account, status=PlanStatus.ACTIVE, ends_at=None)
    if rolled:
        lot = Lot(new_ulid(entries.now), LotSource.ROLLOVER, rolled, rolled, new_period.end, entries.now)
        account = replace(account, lots=(*account.lots, lot))
        entries.add(
            account,
            EntryKind.ROLLOVER,
            rolled,
            f"{rolled:,} unused {ending_plan.name} plan credits rolled over, "
            f"until {day_text(new_period.end)}",
            [LotMovement(lot.id, lot.source, rolled)],
        )
    return _grant(account, new_period, rolled, entries)


def _switch_text(account: Account, turn: Turn) -> str:
    if turn.cancellation_ends:
        return f"{account.plan.name} plan ended as canceled: now on the Free plan"
    return f"Scheduled change made: now on {turn.plan.name}, billed {turn.interval.value.lower()}"


def _expire(account: Account, turn: Turn, entries: _Entries) -> Account:
    for lot in [lot for lot in account.lots if expires_at_turn(lot, turn)]:
        account = replace(account, lots=tuple(kept for kept in account.lots if kept.id != lot.id))
        if lot.remaining:
            why = "past their expiry" if lot.is_expired(turn.at) else f"the {account.plan.name} plan ended"
            entries.add(
                account,
                EntryKind.EXPIRE,
                -lot.remaining,
                f"{lot.remaining:,} {_source_name(lot.source)} credits expired: {why}",
                [LotMovement(lot.id, lot.source, -lot.remaining)],
            )
    return account


def _grant(account: Account, new_period: Period, rolled: int, entries: _Entries) -> Account:
    plan = account.plan
    lot = Lot(
        new_ulid(entries.now),
        LotSource.PLAN,
        plan.monthly_credits,
        plan.monthly_credits,
        new_period.end,
        entries.now,
    )
    account = replace(
        account,
        lots=(*account.lots, lot),
        period_granted=lot.granted + rolled,
        period_used=0,
        low_credit_marks=(),
    )
    entries.add(
        account,
        EntryKind.GRANT,
        lot.granted,
        f"{plan.name} plan: {lot.granted:,} credits for the period "
        f"{day_text(new_period.start)} to {day_text(new_period.end)}",
        [LotMovement(lot.id, lot.source, lot.granted)],
    )
    return account


def _source_name(source: LotSource) -> str:
    return source.value.lower().replace("_", "-")


def day_text(moment: datetime) -> str:
    return f"{moment.day} {moment:%b %Y}"
