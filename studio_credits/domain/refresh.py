"""The plan refresh: moving an account over its next credit period boundary.

At each boundary, in this order: a scheduled plan change or an ending
cancellation takes effect (a PLAN_CHANGE entry), lots past their expiry expire
(the ending period's PLAN and ROLLOVER lots among them, but for credits held),
the unused PLAN credits come back as one ROLLOVER lot (capped; an older ROLLOVER
lot never rolls again), and the new period's PLAN lot is granted: `begin_period`,
which an upgrade to the other billing interval shares. `domain/as_of.py` takes an
account over every boundary that has passed.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from studio_credits.domain.account import Account, PlanStatus
from studio_credits.domain.catalogue import BillingInterval, Plan, plan_by_id
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import Lot, LotSource
from studio_credits.domain.period_start import (
    EntryDraft,
    PeriodStart,
    begin_period,
    lot_ends,
    rollover_credits,
)
from studio_credits.domain.plan_changes import switch_at_term_end
from studio_credits.domain.renewals import awaiting_payment, paid_by_credit, renewal_at
from studio_credits.domain.wording import billed

ACTOR = "refresh"


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
    return lot_ends(lot, turn.at, turn.cancellation_ends)


def ending_plan_lots(account: Account, at: datetime) -> tuple[Lot, ...]:
    """The PLAN lots of the period ending at `at`: their unused credits are what may roll over."""
    return tuple(lot for lot in account.lots if lot.source is LotSource.PLAN and lot.is_expired(at))


def rollover_at(account: Account, turn: Turn) -> int:
    return rollover_credits(account, turn.at, turn.cancellation_ends, turn.rollover_cap)


def cross_boundary(account: Account, now: datetime) -> tuple[Account, list[EntryDraft]]:
    """The account moved over its next period boundary, and the entries that tell it."""
    upcoming = next_turn(account)
    index = account.period_index + 1
    first_period = account.term_first_period
    if upcoming.interval is not account.interval:
        first_period = index  # a new term of the other interval starts here, on the same anchor
    renewal = None
    if not upcoming.cancellation_ends:
        renewal = renewal_at(account, upcoming.at, upcoming.plan, upcoming.interval, index)
    unpaid = renewal is not None and renewal.owed_cents > 0
    start = PeriodStart(
        upcoming.at,
        upcoming.plan,
        upcoming.interval,
        account.anchor,
        index,
        first_period,
        upcoming.cancellation_ends,
        upcoming.rollover_cap,
        grants_plan_credits=not unpaid,
    )
    begun, drafts = begin_period(account, start, now)
    if upcoming.plan_changes:
        begun = replace(begun, scheduled_change=None)
        drafts.insert(0, EntryDraft(EntryKind.PLAN_CHANGE, 0, _switch_text(account, upcoming)))
    if upcoming.cancellation_ends:
        begun = replace(begun, status=PlanStatus.ACTIVE, ends_at=None)
    if renewal is not None:
        if unpaid:
            begun, event = awaiting_payment(begun, renewal)
            drafts.append(event)
        else:
            begun, event = paid_by_credit(begun, renewal)
            drafts.insert(len(drafts) - 1, event)  # before the period's GRANT, which it paid for
    return begun, drafts


def _switch_text(account: Account, turn: Turn) -> str:
    if turn.cancellation_ends:
        return f"{account.plan.name} plan ended as canceled: now on the Free plan"
    return f"Scheduled change made: now on {turn.plan.name}, billed {billed(turn.interval)}"
