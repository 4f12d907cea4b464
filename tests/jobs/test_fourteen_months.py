"""Fourteen simulated months of every plan, monthly and annual, with spending, plan changes and
cancellations through the use cases between daily job runs (some retried): the books always agree,
no period is granted twice, each refused creative is one the account could not afford, and the
notices recorded and emailed, once each, are the ones counted by hand."""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from studio_credits.domain.account import PlanStatus
from studio_credits.domain.as_of import as_of
from studio_credits.domain.cancellation import CancellationOffer, InvalidToken
from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.spending import InsufficientCredits
from studio_credits.jobs.notices import run_notices
from studio_credits.jobs.refresh import run_refresh
from studio_credits.jobs.sweep import run_sweep
from studio_credits.service import ledger, plans
from studio_credits.service.ports import Services
from tests.support.accounts import SERVICE, person, subscribe
from tests.support.ledger import checked_ledger, stored_account
from tests.support.mailer import RecordingMailer
from tests.support.payments import with_card

START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)
MONTHLY, ANNUAL = BillingInterval.MONTHLY, BillingInterval.ANNUAL
IMAGE = Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_1080P, outputs=1)


Does = Callable[[Services, str], None]
"""A person's own change, made on the plan page (their account id is their subject)."""


@dataclass(frozen=True)
class Event:
    day: int
    does: Does


def change_to(plan_id: str, interval: BillingInterval) -> Does:
    def change(services: Services, account_id: str) -> None:
        stored = services.repository.get(account_id)
        if stored is None or stored.card is None:
            with_card(services, person(account_id))
        made = plans.change_plan(services, person(account_id), plan_id, interval, f"to-{plan_id}")
        assert isinstance(made, plans.PlanChangeMade), made

    return change


def cancel(services: Services, account_id: str) -> None:
    offer = plans.request_cancellation(services, person(account_id))
    assert isinstance(offer, CancellationOffer), offer
    confirmed = plans.confirm_cancellation(services, person(account_id), offer.token)
    assert not isinstance(confirmed, InvalidToken), confirmed


# (plan, interval, events, days between two creatives): one a week, and one a day for the free plan,
# which runs out before each of its periods ends.
ACCOUNTS = {
    "free-monthly": ("free", MONTHLY, [Event(100, change_to("starter", MONTHLY))], 1),
    "starter-monthly": ("starter", MONTHLY, [Event(40, change_to("free", MONTHLY))], 7),
    "starter-annual": ("starter", ANNUAL, [Event(200, change_to("pro", ANNUAL))], 7),
    "pro-monthly": ("pro", MONTHLY, [Event(70, change_to("pro", ANNUAL))], 7),
    "pro-annual": ("pro", ANNUAL, [Event(300, change_to("starter", MONTHLY))], 7),
    "business-monthly": ("business", MONTHLY, [Event(151, cancel)], 7),
    "business-annual": ("business", ANNUAL, [], 7),
}


def test_fourteen_months_of_every_plan(
    services: Services, clock: FixedClock, mailer: RecordingMailer
) -> None:
    clock.at = START
    for account_id, (plan, interval, _, _) in ACCOUNTS.items():
        subscribe(services, person(account_id, f"{account_id}@example.com"), plan, interval)
    refused: Counter[str] = Counter()

    for day in range(1, 430):
        clock.at = START + timedelta(days=day, hours=1)
        for account_id, (_, _, events, every) in ACCOUNTS.items():
            for event in events:
                if event.day == day:
                    event.does(services, account_id)
            if day % every:
                continue
            # A refusal must be the account's own: fewer than 4 credits left as of now.
            before = as_of(stored_account(services.repository, account_id), clock.at).account
            spent = ledger.consume(services, SERVICE, account_id, IMAGE, f"job-{day}", f"{account_id}-{day}")
            if isinstance(spent, InsufficientCredits):
                assert spent == InsufficientCredits(4, before.available) and before.available < 4
                refused[account_id] += 1
            else:
                assert isinstance(spent, ledger.Recorded), spent
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

    recorded: dict[str, dict[str, int]] = {}
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
        recorded[account_id] = dict(Counter(n.kind.name for n in notices))
        assert all(n.sent_at is not None for n in notices), account_id
        emailed = [email.subject for email in mailer.sent if email.to == account.email]
        assert len(emailed) == len(notices), account_id  # each one once
    # Counted by hand over the 14 boundaries, 28 Feb 2026 to 31 Mar 2027 (the run ends on 4 Apr 2027):
    # - CREDITS_EXPIRING, 3 days before a boundary where 20% or more of the plan credits are unused:
    #   every boundary, but the free plan's three that its daily creative used up (it is on Starter
    #   from 11 May);
    # - RENEWAL_REMINDER, 3 days before a monthly renewal, 30 and 7 before a yearly one: Starter
    #   monthly from 31 May, 11 renewals; Starter monthly's Feb and Mar (then Free); the yearly terms
    #   ending 31 Jan 2027, twice each (Starter annual upgraded within its term); Pro monthly's Feb to
    #   Apr, then 30 days before its yearly term ends on 30 Apr 2027; Pro annual's two, then Starter
    #   monthly's Feb and Mar; Business monthly's Feb to Jun (canceled on 1 Jul);
    # - RENEWAL_PAID for each renewal charged: Starter monthly's 11 from 31 May; Starter monthly's Feb
    #   (its Mar boundary moves it to Free: nothing charged); the Starter-then-Pro and Business yearly
    #   terms ending 31 Jan 2027; Pro monthly's Feb, Mar and its yearly term from 30 Apr; Pro annual's
    #   term end, then Starter monthly's Feb and Mar; Business monthly's Feb to Jun;
    # - CANCELLATION_ENDING, 7 and 1 days before Business monthly ends on 31 Jul;
    # - LOW_CREDITS at 80 and 95 of the free plan's 100 credits, in each of its three full periods.
    assert recorded == {
        "free-monthly": {
            "CREDITS_EXPIRING": 11,
            "LOW_CREDITS": 6,
            "RENEWAL_REMINDER": 11,
            "RENEWAL_PAID": 11,
        },
        "starter-monthly": {"CREDITS_EXPIRING": 14, "RENEWAL_REMINDER": 2, "RENEWAL_PAID": 1},
        "starter-annual": {"CREDITS_EXPIRING": 14, "RENEWAL_REMINDER": 2, "RENEWAL_PAID": 1},
        "pro-monthly": {"CREDITS_EXPIRING": 14, "RENEWAL_REMINDER": 4, "RENEWAL_PAID": 3},
        "pro-annual": {"CREDITS_EXPIRING": 14, "RENEWAL_REMINDER": 4, "RENEWAL_PAID": 3},
        "business-monthly": {
            "CANCELLATION_ENDING": 2,
            "CREDITS_EXPIRING": 14,
            "RENEWAL_REMINDER": 5,
            "RENEWAL_PAID": 5,
        },
        "business-annual": {"CREDITS_EXPIRING": 14, "RENEWAL_REMINDER": 2, "RENEWAL_PAID": 1},
    }
    # The free plan's 25 creatives a period (100 credits): 2 of the first period's 27 days refused, 6
    # of the second's 31, 5 of the third's 30; every other account always had credits left.
    assert refused == {"free-monthly": 13}

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
