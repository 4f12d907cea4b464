"""Accounts for tests: people and callers, accounts subscribed the way production subscribes them
(the plan page's use case), and pure accounts in a chosen state for the rules' own tests."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from studio_credits.domain.access import Principal, Role
from studio_credits.domain.account import Account, open_account
from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.plan_changes import PlannedPlanChange, plan_change
from studio_credits.jobs.refresh import refresh
from studio_credits.service import plans
from studio_credits.service.accounts import viewer_account
from studio_credits.service.ports import Services
from tests.support.ledger import stored_account
from tests.support.payments import with_card

MONTHLY, ANNUAL = BillingInterval.MONTHLY, BillingInterval.ANNUAL
SERVICE = Principal("generation-service", Role.SERVICE)
ADMIN = Principal("admin-1", Role.ADMIN)
PERSON = Principal("u-1", Role.USER, "u1@example.com")


def at(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return datetime(year, month, day, hour, tzinfo=UTC)


def person(account_id: str, email: str | None = None) -> Principal:
    return Principal(account_id, Role.USER, email)


def subscribe(
    services: Services, who: Principal, plan_id: str = "free", interval: BillingInterval = MONTHLY
) -> Account:
    """The person's account, opened at first sight and subscribed now as they would on the plan page
    (`plans.change_plan`, paid with a 4242 card saved first): from the free plan, a higher plan
    applies at once and tops the period up with the difference in monthly credits (a yearly one
    begins a new term)."""
    account = viewer_account(services, who)
    if (plan_id, interval) == (account.plan_id, account.interval):
        return account
    if account.card is None:
        with_card(services, who)
    made = plans.change_plan(services, who, plan_id, interval, f"subscribe-{plan_id}-{interval.value}")
    assert isinstance(made, plans.PlanChangeMade), made
    assert made.terms.immediate, made.terms
    return made.account


def live_until(services: Services, clock: FixedClock, when: datetime, who: Principal = PERSON) -> Account:
    """Move the clock to `when` and store the account as the refresh job leaves it then."""
    clock.at = when
    refresh(services, who.subject)
    return stored_account(services.repository, who.subject)


def on_plan(plan_id: str, interval: BillingInterval, anchor: datetime, period_index: int = 0) -> Account:
    """A pure account subscribed at `anchor` (opened free, then changed), moved to period `period_index`."""
    account, _ = open_account(PERSON.subject, PERSON.email, anchor)
    if plan_id != "free":
        planned = plan_change(account, plan_id, interval, anchor, PERSON.actor)
        assert isinstance(planned, PlannedPlanChange)
        account = planned.account
    return replace(account, period_index=period_index)


def subscribed(
    account_id: str, plan_id: str, interval: BillingInterval, anchor: datetime, email: str | None = None
) -> Account:
    """A pure account anchored at `anchor` on the plan, as the plan page makes it: opened
    on the free plan, then changed (`plan_change`). A yearly plan begins its term at `anchor`, where the
    free credits end; a monthly one a minute after opening, in the same period, which it tops up with
    the difference in monthly credits (so the free lot, the older, is spent first)."""
    account, _ = open_account(account_id, email, anchor)
    if plan_id == "free":
        return account
    changed_at = anchor if interval is ANNUAL else anchor + timedelta(minutes=1)
    planned = plan_change(account, plan_id, interval, changed_at, PERSON.actor)
    assert isinstance(planned, PlannedPlanChange), planned
    return planned.account
