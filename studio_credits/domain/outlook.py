"""The account carried ahead to a date by the rules of time (domain/as_of.py), for planning.

What the planner assumes, as README's "Planning ahead" says: a job's reserved credits are
spent (its hold captured whole); a paid term's renewal falling due on an account with a card
on file is paid by it as it falls due (annual plans grant monthly within their term without
one); without a card, the refresh job's attempt fails and the plan ends after the grace. A
renewal already past due is left to the rules: unpaid, the plan ends when its grace does.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from studio_credits.domain.account import Account
from studio_credits.domain.as_of import as_of
from studio_credits.domain.catalogue import Plan
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import spend_portions
from studio_credits.domain.purchases import paid
from studio_credits.domain.renewal_payments import attempt_without_card, open_attempt

ACTOR = "planner"


@dataclass(frozen=True)
class Refresh:
    """Credits a step ahead grants: a period's plan credits (or a renewal's, once paid)."""

    at: datetime
    plan: Plan
    credits: int


@dataclass(frozen=True)
class Outlook:
    account: Account
    """As of the date, had nothing been spent until then."""
    refreshes: tuple[Refresh, ...]

    @property
    def refresh_credits(self) -> int:
        return sum(refresh.credits for refresh in self.refreshes)


def outlook(account: Account, until: datetime) -> Outlook:
    """The account (as of now) carried to `until`, with the credits each boundary on the way grants."""
    current = holds_captured(account)
    refreshes = []
    while (step_at := _next_step_at(current)) <= until:
        stepped = as_of(current, step_at)
        current, entries = stepped.account, list(stepped.entries)
        renewal = current.renewal
        if renewal is not None and renewal.due_at == step_at:
            current, paid_entries = _renewal_at(current, step_at)
            entries += paid_entries
        granted = _granted(entries)
        if granted:
            refreshes.append(Refresh(step_at, current.plan, granted))
    return Outlook(as_of(current, until).account, tuple(refreshes))


def holds_captured(account: Account) -> Account:
    """The account with every hold captured whole: its credits planned as spent."""
    lots = account.lots
    for hold in account.holds:
        lots = spend_portions(lots, hold.portions)
    return replace(account, lots=lots, holds=())


def _next_step_at(account: Account) -> datetime:
    renewal = account.renewal
    return account.next_refresh_at if renewal is None else renewal.lapses_at(account.next_refresh_at)


def _renewal_at(account: Account, at: datetime) -> tuple[Account, tuple[LedgerEntry, ...]]:
    """The refresh job's first attempt at the renewal just due: paid by the card on file, or failed
    for want of one (the grace then runs from `at`)."""
    if account.card is None:
        return attempt_without_card(account, at)[0], ()
    opened = open_attempt(account, account.card, at, by_person=False)
    if opened is None:
        return account, ()
    attempting, payment = opened
    settled = paid(attempting, payment, None, at, ACTOR)
    return settled.account, settled.entries


def _granted(entries: list[LedgerEntry]) -> int:
    return sum(entry.amount for entry in entries if entry.kind is EntryKind.GRANT)
