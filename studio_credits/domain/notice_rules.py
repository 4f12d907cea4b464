"""Which notices an account's dates call for, when, and what they say (the README's notices table).

The notices job records every notice due since it last looked (`Account.notices_checked_at`),
then emails the recorded ones not sent yet (`Account.unsent_notices`), which also holds the
LOW_CREDITS notices recorded by spending. `next_notice_at` is when the account next needs
the job: the store indexes it, so the job queries only the accounts due.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from studio_credits.domain.account import Account, PlanStatus
from studio_credits.domain.catalogue import FREE, BillingInterval, plan_by_id
from studio_credits.domain.change import Change
from studio_credits.domain.lots import LotSource
from studio_credits.domain.notices import Notice, NoticeKind, notice_id
from studio_credits.domain.period_start import ENDS_WITH_THE_PLAN
from studio_credits.domain.refresh import (
    ending_plan_lots,
    expires_at_turn,
    next_turn,
    rollover_at,
)
from studio_credits.domain.wording import billed, day_text

RENEWAL_DAYS_BEFORE = {BillingInterval.MONTHLY: (3,), BillingInterval.ANNUAL: (30, 7)}
CANCELLATION_DAYS_BEFORE = (7, 1)
REFRESH_EXPIRY_DAYS_BEFORE = 3
UNUSED_PLAN_CREDITS_PERCENT = 20
"""CREDITS_EXPIRING before a refresh only when at least this share of the period's plan credits is unused."""
TOP_UP_DAYS_BEFORE = (30, 7)

SUBJECTS = {
    NoticeKind.RENEWAL_REMINDER: "Your plan renews soon",
    NoticeKind.CANCELLATION_ENDING: "Your plan is ending",
    NoticeKind.CREDITS_EXPIRING: "Some of your credits expire soon",
    NoticeKind.LOW_CREDITS: "You are running low on credits",
    NoticeKind.RENEWAL_PAID: "Your plan renewed",
    NoticeKind.PAYMENT_FAILED: "Your payment failed",
    NoticeKind.AUTO_TOP_UP_MADE: "Credits added by auto top-up",
    NoticeKind.AUTO_TOP_UP_OFF: "Auto top-up is turned off",
}


@dataclass(frozen=True)
class Reminder:
    """A notice the account's current state calls for, due some days before an event."""

    kind: NoticeKind
    about: str
    due_at: datetime
    event_at: datetime
    message: str
    credits: int | None = None
    """The credits it is about: Notice.credits."""


def reminders(account: Account) -> list[Reminder]:
    return [*_renewal(account), *_cancellation(account), *_refresh_expiry(account), *_top_ups(account)]


def due_notices(account: Account, now: datetime) -> tuple[Notice, ...]:
    """Notices that fell due since the job last looked, for events still ahead."""
    since = _checked_until(account)
    return tuple(
        Notice(notice_id(r.due_at, r.kind, r.about), account.id, r.kind, now, r.message, credits=r.credits)
        for r in reminders(account)
        if since < r.due_at <= now < r.event_at
    )


def next_notice_at(account: Account) -> datetime | None:
    """When the notices job next has something to do for the account; None: nothing planned."""
    since = _checked_until(account)
    if account.unsent_notices:
        return since  # already due: recorded notices wait to be emailed
    return min((r.due_at for r in reminders(account) if r.due_at > since), default=None)


def record_due(account: Account, now: datetime) -> Change | None:
    """Record the notices due (unsent) and move the job's mark to `now`; None when nothing is due."""
    due_at = next_notice_at(account)
    if due_at is None or due_at > now:
        return None
    notices = due_notices(account, now)
    checked = replace(with_unsent(account, notices), notices_checked_at=now)
    return Change(checked, notices=notices)


def with_unsent(account: Account, notices: tuple[Notice, ...]) -> Account:
    """The account remembering notices to email: every change that records a notice goes through this."""
    if not notices:
        return account
    return replace(account, unsent_notices=(*account.unsent_notices, *(n.id for n in notices)))


def without_unsent(account: Account, handled: set[str]) -> Change | None:
    """Forget notices the job has emailed (or found emailed by another run)."""
    left = tuple(notice for notice in account.unsent_notices if notice not in handled)
    if left == account.unsent_notices:
        return None
    return Change(replace(account, unsent_notices=left))


def _checked_until(account: Account) -> datetime:
    return account.notices_checked_at or account.created_at


def _renewal(account: Account) -> list[Reminder]:
    scheduled = account.scheduled_change
    if account.status is not PlanStatus.ACTIVE or (account.plan_id == FREE.id and scheduled is None):
        return []
    renews_at = account.term_end
    if scheduled is None:
        price = account.plan.price_cents(account.interval)
        what = f"Your {account.plan.name} plan renews on {day_text(renews_at)} for {_money(price)}"
    else:
        plan = plan_by_id(scheduled.plan_id)
        price = plan.price_cents(scheduled.interval)
        what = (
            f"Your {account.plan.name} plan changes to {plan.name}, billed {billed(scheduled.interval)}, "
            f"on {day_text(renews_at)}, for {_money(price)}"
        )
    if account.next_refresh_at == renews_at:
        rolled = rollover_at(account, next_turn(account))
        what += f"; {rolled:,} credits will roll over" if rolled else "; no credits will roll over"
    return [
        Reminder(
            NoticeKind.RENEWAL_REMINDER,
            f"renewal-{renews_at:%Y%m%d}-{days}d",
            renews_at - timedelta(days=days),
            renews_at,
            what,
        )
        for days in RENEWAL_DAYS_BEFORE[account.interval]
    ]


def _cancellation(account: Account) -> list[Reminder]:
    ends_at = account.ends_at
    if account.status is not PlanStatus.CANCELING or ends_at is None:
        return []
    losing = sum(lot.remaining for lot in account.lots if lot.source in ENDS_WITH_THE_PLAN)
    keeping = sum(lot.remaining for lot in account.lots if lot.source is LotSource.TOP_UP)
    what = (
        f"Your {account.plan.name} plan ends on {day_text(ends_at)}: you move to the Free plan "
        f"({FREE.monthly_credits:,} credits a month) and {losing:,} plan and rollover credits expire"
    )
    if keeping:
        what += f"; your {keeping:,} top-up credits stay"
    return [
        Reminder(
            NoticeKind.CANCELLATION_ENDING,
            f"ends-{ends_at:%Y%m%d}-{days}d",
            ends_at - timedelta(days=days),
            ends_at,
            what,
            losing or None,
        )
        for days in CANCELLATION_DAYS_BEFORE
    ]


def _refresh_expiry(account: Account) -> list[Reminder]:
    turn = next_turn(account)
    plan_lots = ending_plan_lots(account, turn.at)
    plan_credits = sum(lot.granted for lot in plan_lots)
    unused = sum(lot.remaining for lot in plan_lots)
    if not plan_credits or unused * 100 < UNUSED_PLAN_CREDITS_PERCENT * plan_credits:
        return []
    rolled = rollover_at(account, turn)
    expiring = sum(lot.remaining for lot in account.lots if expires_at_turn(lot, turn)) - rolled
    outcome = [f"{expiring:,} credits expire"] if expiring else []
    if rolled:
        outcome.append(f"{rolled:,} roll over to the next period")
    what = (
        f"{unused:,} of your {plan_credits:,} {account.plan.name} plan credits this period are unused: "
        f"on {day_text(turn.at)}, {' and '.join(outcome)}"
    )
    return [
        Reminder(
            NoticeKind.CREDITS_EXPIRING,
            f"refresh-{turn.at:%Y%m%d}",
            turn.at - timedelta(days=REFRESH_EXPIRY_DAYS_BEFORE),
            turn.at,
            what,
            expiring or None,
        )
    ]


def _top_ups(account: Account) -> list[Reminder]:
    return [
        Reminder(
            NoticeKind.CREDITS_EXPIRING,
            f"top-up-{lot.id}-{days}d",
            lot.expires_at - timedelta(days=days),
            lot.expires_at,
            f"{lot.remaining:,} top-up credits expire on {day_text(lot.expires_at)}",
            lot.remaining,
        )
        for lot in account.lots
        if lot.source is LotSource.TOP_UP and lot.remaining and lot.expires_at is not None
        for days in TOP_UP_DAYS_BEFORE
    ]


def _money(cents: int) -> str:
    return f"${cents // 100:,}.{cents % 100:02d}"
