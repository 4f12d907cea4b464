"""Accounts on a chosen plan at a chosen moment, and the ledger checks every plan test makes."""

from collections import defaultdict
from dataclasses import replace
from datetime import UTC, datetime

from studio_credits.domain.access import Principal, Role
from studio_credits.domain.account import Account, open_account
from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.domain.plan_changes import PlannedPlanChange, plan_change
from studio_credits.jobs.refresh import refresh
from studio_credits.service import plans
from studio_credits.service.accounts import viewer_account
from studio_credits.service.ports import Services
from studio_credits.store.mapping import entry_from_item
from studio_credits.store.models import EntryItem
from tests.api.lambda_events import claims, graphql

__all__ = ["claims", "graphql"]

PERSON = Principal("u-1", Role.USER, "u1@example.com")
MONTHLY, ANNUAL = BillingInterval.MONTHLY, BillingInterval.ANNUAL


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def on_plan(plan_id: str, interval: BillingInterval, anchor: datetime, period_index: int = 0) -> Account:
    """A pure account subscribed at `anchor` (opened free, then changed), moved to period `period_index`."""
    account, _ = open_account("u-1", "u1@example.com", anchor)
    if plan_id != "free":
        planned = plan_change(account, plan_id, interval, anchor, "user:u-1")
        assert isinstance(planned, PlannedPlanChange)
        account = planned.account
    return replace(account, period_index=period_index)


def subscribe(
    services: Services, clock: FixedClock, when: datetime, plan_id: str, interval: BillingInterval
) -> Account:
    """The person's stored account, opened at `when` and subscribed to the plan then (anchored at `when`)."""
    clock.at = when
    viewer_account(services, PERSON)
    made = plans.change_plan(services, PERSON, plan_id, interval, f"subscribe-{plan_id}-{interval.value}")
    assert isinstance(made, plans.PlanChangeMade)
    return made.account


def live_until(services: Services, clock: FixedClock, when: datetime) -> Account:
    """Move the clock to `when` and store the person's account as the refresh job leaves it then."""
    clock.at = when
    refresh(services, PERSON.subject)
    return stored_account(services, PERSON.subject)


def stored_account(services: Services, account_id: str) -> Account:
    """The account as stored (no catch-up applied): what the writes left."""
    account = services.repository.get(account_id)
    assert account is not None
    return account


def stored_entries(account_id: str = PERSON.subject) -> list[LedgerEntry]:
    """The account's ledger in the store's order (oldest first)."""
    return [entry_from_item(item) for item in EntryItem.query(account_id)]


def assert_adds_up(entries: list[LedgerEntry], after: Account, before: Account | None = None) -> None:
    """Each entry's balance follows from the last and its lot movements; the lots end as their movements say.

    Without `before`, `entries` must be the account's whole ledger, from its opening.
    """
    balance = 0 if before is None else before.balance
    lots: dict[str, int] = defaultdict(int)
    for lot in () if before is None else before.lots:
        lots[lot.id] = lot.remaining
    for entry in entries:
        balance += entry.amount
        assert entry.balance_after == balance, entry
        assert sum(movement.amount for movement in entry.lots) == entry.amount, entry
        for movement in entry.lots:
            lots[movement.lot_id] += movement.amount
    assert balance == after.balance
    holding = {lot_id: remaining for lot_id, remaining in lots.items() if remaining}
    assert holding == {lot.id: lot.remaining for lot in after.lots if lot.remaining}
