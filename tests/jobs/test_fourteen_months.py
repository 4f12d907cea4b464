"""Fourteen simulated months of every plan, monthly and annual, with spending, plan changes and
cancellations between daily job runs (some retried): the books always agree,
no period is granted twice, no notice is recorded or emailed twice."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from studio_credits.domain.account import Account, PlanStatus
from studio_credits.domain.cancellation import (
    CancellationRefused,
    PlanEvent,
    confirm_cancellation,
    offer_cancellation,
)
from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.change import Change
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.plan_changes import PlannedPlanChange, plan_change
from studio_credits.domain.spending import LedgerWrite, consume
from studio_credits.jobs.notices import run_notices
from studio_credits.jobs.refresh import run_refresh
from studio_credits.jobs.sweep import run_sweep
from studio_credits.service.ports import Services
from tests.support.accounts import person, subscribe
from tests.support.ledger import checked_ledger
from tests.support.mailer import RecordingMailer

START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
MONTHLY, ANNUAL = BillingInterval.MONTHLY, BillingInterval.ANNUAL
IMAGE = Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_1080P, outputs=1)


@dataclass(frozen=True)
class Event:
    day: int
    does: Callable[[Account, datetime], Change]


def upgrade_to(plan_id: str, interval: BillingInterval) -> Callable[[Account, datetime], Change]:
    def change(account: Account, now: datetime) -> Change:
        planned = plan_change(account, plan_id, interval, now, "person")
        assert isinstance(planned, PlannedPlanChange), planned
        return Change(planned.account, planned.entries)

    return change


def cancel(account: Account, now: datetime) -> Change:
    offered = offer_cancellation(account, "nonce", now)
    assert not isinstance(offered, CancellationRefused), offered
    confirmed = confirm_cancellation(offered[0], "nonce", now, "person")
    assert isinstance(confirmed, PlanEvent)
    return Change(confirmed.account, (confirmed.entry,))


ACCOUNTS = {
    "free-monthly": ("free", MONTHLY, [Event(100, upgrade_to("starter", MONTHLY))]),
    "starter-monthly": ("starter", MONTHLY, [Event(40, upgrade_to("free", MONTHLY))]),
    "starter-annual": ("starter", ANNUAL, [Event(200, upgrade_to("pro", ANNUAL))]),
    "pro-monthly": ("pro", MONTHLY, [Event(70, upgrade_to("pro", ANNUAL))]),
    "pro-annual": ("pro", ANNUAL, [Event(300, upgrade_to("starter", MONTHLY))]),
    "business-monthly": ("business", MONTHLY, [Event(150, cancel)]),
    "business-annual": ("business", ANNUAL, []),
}


def test_fourteen_months_of_every_plan(
    services: Services, clock: FixedClock, mailer: RecordingMailer
) -> None:
    clock.at = START
    for account_id, (plan, interval, _) in ACCOUNTS.items():
        subscribe(services, person(account_id, f"{account_id}@example.com"), plan, interval)

    for day in range(1, 430):
        clock.at = START + timedelta(days=day, hours=1)
        for account_id, (_, _, events) in ACCOUNTS.items():
            account = services.repository.get(account_id)
            assert account is not None
            for event in events:
                if event.day == day:
                    account = services.repository.commit(event.does(account, clock.at))
            if day % 7 == 0:  # a creative a week, while credits last
                spent = consume(account, IMAGE, f"job-{day}", "service", clock.at)
                if isinstance(spent, LedgerWrite):
                    services.repository.commit(spent.change)
        clock.at += timedelta(minutes=1)  # the jobs run after the day's spending
        for _ in range(2 if day % 4 == 0 else 1):  # some days the invocation is retried
            run_refresh(services)
            run_sweep(services)
            run_notices(services)
        if day % 30 == 0:
            for account_id in ACCOUNTS:
                account = services.repository.get(account_id)
                assert account is not None
                assert account.next_refresh_at > clock.at
                checked_ledger(services.repository, account)

    for account_id in ACCOUNTS:
        account = services.repository.get(account_id)
        assert account is not None
        made = checked_ledger(services.repository, account)
        refresh_grants = Counter(
            e.description for e in made if e.kind is EntryKind.GRANT and e.actor == "refresh"
        )
        assert refresh_grants and max(refresh_grants.values()) == 1, account_id  # each period granted once
        notices = services.repository.notices(account_id, 500)
        assert len({n.id for n in notices}) == len(notices)
        assert all(n.sent_at is not None for n in notices if n.kind.value != "LOW_CREDITS")
        emailed = [to for to, _, _ in mailer.sent if to == account.email]
        assert len(emailed) == sum(1 for n in notices if n.sent_at), account_id  # each one once

    business = services.repository.get("business-monthly")
    assert business is not None and (business.plan_id, business.status) == ("free", PlanStatus.ACTIVE)
    starter = services.repository.get("starter-monthly")
    assert starter is not None and starter.plan_id == "free"
    annual = services.repository.get("business-annual")
    assert annual is not None
    grants = [e for e in checked_ledger(services.repository, annual) if e.kind is EntryKind.GRANT]
    # the free plan's at opening, the new yearly term's, then 14 monthly grants over a year and two months
    assert len(grants) == 16
    assert annual.term_end == datetime(2028, 1, 31, 9, tzinfo=UTC)
