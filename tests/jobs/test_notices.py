"""Notices: when each is due, what it says, and that the job records and emails each exactly once."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from studio_credits.domain.account import Account, PlanStatus, ScheduledChange
from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.lots import Lot, LotSource
from studio_credits.domain.notice_rules import due_notices, next_notice_at, reminders
from studio_credits.domain.notices import NoticeKind
from studio_credits.domain.spending import LedgerWrite, consume
from studio_credits.jobs.notices import run_notices
from studio_credits.mail import Mailer
from studio_credits.mail.ses import SesMailer
from studio_credits.service.ledger import Recorded, grant
from studio_credits.service.ports import Services
from tests.jobs.conftest import Sent
from tests.support.accounts import ADMIN, person, subscribe, subscribed
from tests.support.faults import ANSWER_LOST, SES_THROTTLED, InjectedFaults
from tests.support.mailer import RecordingMailer

ANCHOR = datetime(2026, 11, 15, 10, 0, tzinfo=UTC)


def with_plan_credits_left(account: Account, left: int) -> Account:
    """The period's plan credits spent down to `left`: the older PLAN lots (the free plan's) first."""
    newest = account.lots[-1]
    return replace(
        account, lots=tuple(replace(lot, remaining=left if lot is newest else 0) for lot in account.lots)
    )


def kinds(account: Account) -> set[NoticeKind]:
    return {r.kind for r in reminders(account)}


def test_a_monthly_renewal_reminder_says_the_date_the_price_and_the_rollover() -> None:
    account = subscribed("a", "pro", BillingInterval.MONTHLY, ANCHOR)
    account = with_plan_credits_left(account, 1_240)

    due = due_notices(account, datetime(2026, 12, 12, 11, tzinfo=UTC))
    (notice,) = [n for n in due if n.kind is NoticeKind.RENEWAL_REMINDER]

    assert notice.message == "Your Pro plan renews on 15 Dec 2026 for $49.00; 1,240 credits will roll over"


def test_an_annual_plan_is_reminded_30_and_7_days_before_renewal() -> None:
    account = subscribed("a", "business", BillingInterval.ANNUAL, ANCHOR)
    renewal = datetime(2027, 11, 15, 10, tzinfo=UTC)
    account = replace(account, period_index=11)

    renewals = [r for r in reminders(account) if r.kind is NoticeKind.RENEWAL_REMINDER]

    assert [r.due_at for r in renewals] == [renewal - timedelta(days=30), renewal - timedelta(days=7)]
    assert renewals[0].message.startswith("Your Business plan renews on 15 Nov 2027 for $950.00")


def test_a_scheduled_change_is_what_the_reminder_announces() -> None:
    account = subscribed("a", "pro", BillingInterval.MONTHLY, ANCHOR)
    account = replace(
        with_plan_credits_left(account, 2_500),
        scheduled_change=ScheduledChange("starter", BillingInterval.MONTHLY),
    )

    (renewal,) = [r for r in reminders(account) if r.kind is NoticeKind.RENEWAL_REMINDER]

    assert renewal.message == (
        "Your Pro plan changes to Starter, billed monthly, on 15 Dec 2026, for $19.00; "
        "1,000 credits will roll over"
    )


def test_a_canceled_plan_is_reminded_7_days_and_1_day_before_it_ends() -> None:
    account = subscribed("a", "pro", BillingInterval.MONTHLY, ANCHOR)
    top_up = Lot("t", LotSource.TOP_UP, 500, 500, ANCHOR + timedelta(days=400), ANCHOR)
    ends = account.term_end
    account = replace(account, lots=(*account.lots, top_up), status=PlanStatus.CANCELING, ends_at=ends)

    ending = [r for r in reminders(account) if r.kind is NoticeKind.CANCELLATION_ENDING]

    assert [r.due_at for r in ending] == [ends - timedelta(days=7), ends - timedelta(days=1)]
    assert ending[0].message == (
        "Your Pro plan ends on 15 Dec 2026: you move to the Free plan (100 credits a month) "
        "and 3,000 plan and rollover credits expire; your 500 top-up credits stay"
    )
    assert NoticeKind.RENEWAL_REMINDER not in kinds(account)


@pytest.mark.parametrize(("left", "noticed"), [(600, True), (599, False)])
def test_credits_expiring_before_a_refresh_needs_20_percent_of_the_plan_credits_unused(
    left: int, noticed: bool
) -> None:
    account = subscribed("a", "pro", BillingInterval.MONTHLY, ANCHOR)
    account = with_plan_credits_left(account, left)

    expiring = [r for r in reminders(account) if r.kind is NoticeKind.CREDITS_EXPIRING]

    assert bool(expiring) is noticed
    if noticed:
        assert expiring[0].due_at == datetime(2026, 12, 12, 10, tzinfo=UTC)
        assert expiring[0].message == (
            "600 of your 3,000 Pro plan credits this period are unused: "
            "on 15 Dec 2026, 600 roll over to the next period"
        )


def test_free_plan_credits_left_unused_are_said_to_expire() -> None:
    account = subscribed("a", "free", BillingInterval.MONTHLY, ANCHOR)

    (expiring,) = [r for r in reminders(account) if r.kind is NoticeKind.CREDITS_EXPIRING]

    assert expiring.message == (
        "100 of your 100 Free plan credits this period are unused: on 15 Dec 2026, 100 credits expire"
    )


def test_only_plan_lots_count_as_the_period_s_plan_credits() -> None:
    """A promotion of 50 that expires before the refresh is not one of the plan's credits."""
    account = subscribed("a", "free", BillingInterval.MONTHLY, ANCHOR)
    promo = Lot("promo", LotSource.PROMO, 50, 50, datetime(2026, 12, 1, tzinfo=UTC), ANCHOR)
    account = replace(account, lots=(*account.lots, promo))

    (expiring,) = [r for r in reminders(account) if r.kind is NoticeKind.CREDITS_EXPIRING]

    assert expiring.message.startswith("100 of your 100 Free plan credits this period are unused")


def test_top_up_credits_are_noticed_30_and_7_days_before_they_expire() -> None:
    account = subscribed("a", "starter", BillingInterval.MONTHLY, ANCHOR)
    expires = datetime(2027, 1, 3, 10, tzinfo=UTC)
    account = replace(account, lots=(*account.lots, Lot("t", LotSource.TOP_UP, 800, 500, expires, ANCHOR)))

    top_ups = [r for r in reminders(account) if r.about.startswith("top-up")]

    assert [r.due_at for r in top_ups] == [expires - timedelta(days=30), expires - timedelta(days=7)]
    assert top_ups[0].message == "500 top-up credits expire on 3 Jan 2027"


def test_next_notice_at_is_the_first_reminder_not_yet_looked_at() -> None:
    account = subscribed("a", "pro", BillingInterval.MONTHLY, ANCHOR)
    account = with_plan_credits_left(account, 1_000)
    renewal_due = datetime(2026, 12, 12, 10, tzinfo=UTC)

    assert next_notice_at(account) == renewal_due
    assert next_notice_at(replace(account, notices_checked_at=renewal_due)) is None
    assert (
        next_notice_at(replace(account, notices_checked_at=renewal_due, unsent_notices=("n",))) == renewal_due
    )


def open_pro(services: Services, clock: FixedClock, account_id: str = "a") -> Account:
    """Subscribed to Pro at ANCHOR on the plan page, then 1,760 of its 3,000 credits taken: 1,240 left."""
    clock.at = ANCHOR
    subscribe(services, person(account_id, f"{account_id}@example.com"), "pro")
    spent = grant(services, ADMIN, account_id, -1_760, LotSource.ADJUSTMENT, None, "spent", "spend")
    assert isinstance(spent, Recorded) and spent.account.available == 1_240
    return spent.account


def run_daily(services: Services, clock: FixedClock, mailer: Mailer, days: int) -> None:
    for _ in range(days):
        clock.at += timedelta(days=1)
        run_notices(services)
        run_notices(services)  # a retried invocation


def test_the_job_records_and_emails_each_notice_once_however_often_it_runs(
    services: Services, clock: FixedClock, mailer: RecordingMailer
) -> None:
    open_pro(services, clock)
    clock.at = ANCHOR

    run_daily(services, clock, mailer, 29)

    expected = [
        (
            "a@example.com",
            "Some of your credits expire soon",
            "1,240 of your 3,000 Pro plan credits this period are unused: "
            "on 15 Dec 2026, 1,240 roll over to the next period",
        ),
        (
            "a@example.com",
            "Your plan renews soon",
            "Your Pro plan renews on 15 Dec 2026 for $49.00; 1,240 credits will roll over",
        ),
    ]
    assert sorted((email.to, email.subject) for email in mailer.sent) == [(to, s) for to, s, _ in expected]
    for email, (_, _, message) in zip(sorted(mailer.sent, key=lambda e: e.subject), expected, strict=True):
        assert message in email.text and message in email.html
    recorded = services.repository.notices("a", 50)
    assert sorted(n.message for n in recorded) == [message for _, _, message in expected]
    assert all(n.sent_at is not None for n in recorded)
    account = services.repository.get("a")
    assert account is not None and account.unsent_notices == ()


def test_a_run_that_died_between_claim_and_send_never_sends_twice(
    services: Services, clock: FixedClock, mailer: RecordingMailer
) -> None:
    """At most once: the claim is the record of the send; a crash after it loses that one email."""
    from studio_credits.jobs.each_due import apply
    from studio_credits.jobs.notices import _record

    open_pro(services, clock)
    clock.at = datetime(2026, 12, 13, tzinfo=UTC)
    recorded = apply(services, "a", _record)
    assert recorded is not None
    for notice_id in recorded.unsent_notices:
        services.repository.claim_notice("a", notice_id, clock.at)  # ...and the run dies here

    report = run_notices(services)

    assert (report.due, report.items) == (1, 0)
    assert mailer.sent == []
    account = services.repository.get("a")
    assert account is not None and account.unsent_notices == ()


def test_an_email_the_mailer_refuses_is_sent_by_a_later_run(
    services: Services, clock: FixedClock, mailer: RecordingMailer
) -> None:
    open_pro(services, clock)
    clock.at = datetime(2026, 12, 13, tzinfo=UTC)

    refused = run_notices(replace(services, mailer=RecordingMailer(refuses=True)))
    accepted = run_notices(services)

    assert (refused.failed, refused.items) == (1, 0)
    assert (accepted.done, accepted.items) == (1, 2)
    assert len(mailer.sent) == 2


# The SES adapter, on moto's SES and DynamoDB.


def test_an_email_ses_refuses_is_sent_by_a_later_run(
    dynamo_services: Services, clock: FixedClock, ses_mailer: SesMailer, ses_sent: Sent
) -> None:
    open_pro(dynamo_services, clock)
    clock.at = datetime(2026, 12, 13, tzinfo=UTC)
    unverified = SesMailer("nobody@unverified.example", ses_mailer.region, ses_mailer.endpoint)

    refused = run_notices(replace(dynamo_services, mailer=unverified))
    accepted = run_notices(replace(dynamo_services, mailer=ses_mailer))

    assert (refused.failed, refused.items) == (1, 0)
    assert (accepted.done, accepted.items) == (1, 2)
    assert len(ses_sent()) == 2


def test_low_credit_notices_recorded_by_spending_are_emailed_through_ses(
    dynamo_services: Services, clock: FixedClock, ses_mailer: SesMailer, ses_sent: Sent
) -> None:
    services = replace(dynamo_services, mailer=ses_mailer)
    account = replace(open_pro(services, clock), period_used=2_300)  # of 3,000 granted: 80% is 2,400
    clock.at = ANCHOR + timedelta(days=2)
    video = Creative(kind=CreativeKind.VIDEO, resolution=Resolution.RES_1080P, duration_seconds=30, outputs=1)
    spent = consume(account, video, "job-1", "service", clock.at)
    assert isinstance(spent, LedgerWrite)
    services.repository.commit(spent.change)

    run_notices(services)
    run_notices(services)

    assert [email.subject for email in ses_sent()] == ["You are running low on credits"]


def test_emails_ses_throttles_are_sent_by_a_later_run_once(
    dynamo_services: Services, clock: FixedClock, ses_mailer: SesMailer, ses_sent: Sent
) -> None:
    services = replace(dynamo_services, mailer=ses_mailer)
    open_pro(services, clock)
    clock.at = datetime(2026, 12, 13, tzinfo=UTC)
    faults = InjectedFaults().attach([ses_mailer.client])
    faults.plan("SendRawEmail", SES_THROTTLED, SES_THROTTLED)

    throttled = run_notices(services)
    unclaimed = [n for n in services.repository.notices("a", 10) if n.sent_at is None]
    later = run_notices(services)
    again = run_notices(services)

    assert (throttled.failed, throttled.items, len(unclaimed)) == (1, 0, 2)
    assert (later.done, later.items, again.items) == (1, 2, 0)
    assert sorted(email.subject for email in ses_sent()) == [
        "Some of your credits expire soon",
        "Your plan renews soon",
    ]


def test_an_email_whose_answer_was_lost_is_never_sent_again(
    dynamo_services: Services, clock: FixedClock, ses_mailer: SesMailer, ses_sent: Sent
) -> None:
    """SES took it but its answer timed out: at most once, the claim stands and no run resends it
    (botocore makes one try, so it does not resend it either)."""
    services = replace(dynamo_services, mailer=ses_mailer)
    open_pro(services, clock)
    clock.at = datetime(2026, 12, 13, tzinfo=UTC)
    faults = InjectedFaults().attach([ses_mailer.client])
    faults.plan("SendRawEmail", ANSWER_LOST)

    lost = run_notices(services)
    later = run_notices(services)
    again = run_notices(services)

    assert faults.injected == [("SendRawEmail", ANSWER_LOST)]
    assert (lost.failed, lost.items) == (1, 0)
    assert (later.items, again.items) == (1, 0)  # the other notice's email; never the lost one again
    assert len(ses_sent()) == 2
    assert all(n.sent_at is not None for n in services.repository.notices("a", 10))
