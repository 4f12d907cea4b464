"""Renewals, by hand: due at the term's end, charged then and 1, 3 and 5 days later, the period's
credits granted once paid, the plan ended 7 days after the first try when nothing paid it."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from studio_credits.domain.account import Account, PlanStatus, ScheduledChange
from studio_credits.domain.as_of import as_of
from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import LotSource
from studio_credits.domain.notices import NoticeKind
from studio_credits.domain.payments import Payment
from studio_credits.domain.purchases import Settled, failed, paid, taken_back
from studio_credits.domain.renewal_payments import attempt_without_card, open_attempt
from studio_credits.domain.renewals import credit_applied, unpaid_renewal_refusal
from tests.support.accounts import subscribed
from tests.support.renewals import CARD

MONTHLY, ANNUAL = BillingInterval.MONTHLY, BillingInterval.ANNUAL
ANCHOR = datetime(2026, 1, 31, 9, tzinfo=UTC)
DUE = datetime(2026, 2, 28, 9, tzinfo=UTC)
DAY = timedelta(days=1)


def due(plan: str = "pro", interval: BillingInterval = MONTHLY, at: datetime = DUE) -> Account:
    """Subscribed at ANCHOR, as of `at`: past the term's end, its renewal due."""
    return as_of(subscribed("a", plan, interval, ANCHOR, "a@example.com"), at).account


def attempt(account: Account, at: datetime, by_person: bool = False) -> tuple[Account, Payment]:
    opened = open_attempt(account, CARD, at, by_person)
    assert opened is not None, account.renewal
    return opened


def declined_at(account: Account, at: datetime, by_person: bool = False) -> Settled:
    opened, payment = attempt(account, at, by_person)
    return failed(as_of(opened, at).account, payment, "pi_1", "Your card was declined.", at, "refresh")


def test_at_the_term_s_end_the_renewal_is_due_and_the_period_s_credits_wait() -> None:
    account = due()

    assert account.status is PlanStatus.PAST_DUE
    assert account.renewal is not None
    assert (account.renewal.owed_cents, account.renewal.due_at, account.renewal.next_attempt_at) == (
        4_900,
        DUE,
        DUE,
    )
    assert [lot.source for lot in account.lots] == [LotSource.ROLLOVER]  # 1,000 rolled over, no grant
    assert account.renews_at is None
    assert account.refresh_due_at == DUE


def test_paid_the_period_s_credits_come_on_its_anchor_and_the_plan_renews() -> None:
    account = due()
    opened, payment = attempt(account, DUE + timedelta(minutes=15))

    settled = paid(opened, payment, "pi_1", DUE + timedelta(minutes=15), "refresh")

    after = settled.account
    assert (after.status, after.renewal, after.renews_at) == (
        PlanStatus.ACTIVE,
        None,
        datetime(2026, 3, 31, 9, tzinfo=UTC),
    )
    grant = after.lots[-1]
    assert (grant.source, grant.granted, grant.expires_at) == (
        LotSource.PLAN,
        3_000,
        datetime(2026, 3, 31, 9, tzinfo=UTC),
    )
    assert [(e.kind, e.amount, e.description) for e in settled.entries] == [
        (
            EntryKind.GRANT,
            3_000,
            "Pro plan: 3,000 credits for the period 28 Feb 2026 to 31 Mar 2026 "
            "(renewal paid $49.00 with Visa •••• 4242)",
        )
    ]
    assert [n.kind for n in settled.notices] == [NoticeKind.RENEWAL_PAID]
    assert settled.notices[0].id in after.unsent_notices


def test_the_charge_is_tried_again_one_three_and_five_days_after_the_first_then_the_plan_ends() -> None:
    account = due()
    first = DUE + timedelta(minutes=15)
    tries, notices = [], []
    now = first
    for _ in range(4):
        settled = declined_at(account, now)
        account = settled.account
        tries.append(now)
        notices += [n.kind for n in settled.notices]
        assert account.renewal is not None
        next_at = account.renewal.next_attempt_at
        if next_at is None:
            break
        assert open_attempt(account, CARD, next_at - timedelta(seconds=1), False) is None  # not yet
        now = next_at

    assert tries == [first, first + DAY, first + 3 * DAY, first + 5 * DAY]
    assert notices == [NoticeKind.PAYMENT_FAILED, NoticeKind.PAYMENT_FAILED]  # the first, and before the last
    assert account.renewal is not None and account.renewal.grace_ends_at == first + 7 * DAY
    assert account.refresh_due_at == first + 7 * DAY
    still = as_of(account, first + 7 * DAY - timedelta(seconds=1)).account
    assert still.status is PlanStatus.PAST_DUE
    ended = as_of(account, first + 7 * DAY)
    assert (ended.account.plan_id, ended.account.status, ended.account.renewal) == (
        "free",
        PlanStatus.ACTIVE,
        None,
    )
    assert [lot.source for lot in ended.account.lots] == [LotSource.PLAN]  # the rollover went with Pro
    assert [(e.kind, e.amount) for e in ended.entries] == [
        (EntryKind.PLAN_CHANGE, 0),
        (EntryKind.EXPIRE, -3_000),
        (EntryKind.GRANT, 100),
    ]
    assert ended.entries[0].description == (
        "Pro plan ended: its renewal of $49.00 was not paid by 7 Mar 2026; now on the Free plan"
    )


def test_each_failure_says_what_comes_next_in_the_history() -> None:
    settled = declined_at(due(), DUE)

    [entry] = settled.entries
    assert (entry.kind, entry.amount, entry.payment_id) == (EntryKind.RENEWAL, 0, settled.payment.id)
    assert entry.description == (
        "Renewal payment of $49.00 failed: Your card was declined; the next try is on 1 Mar 2026, and "
        "the Pro plan ends on 7 Mar 2026 unless it is paid"
    )


def test_top_ups_stay_when_the_plan_ends_unpaid() -> None:
    account = due()
    top_up = replace(account.lots[0], id="top-up", source=LotSource.TOP_UP, expires_at=DUE + 300 * DAY)
    account = replace(account, lots=(*account.lots, top_up))
    settled = declined_at(account, DUE)

    ended = as_of(settled.account, DUE + 7 * DAY).account

    assert sorted(lot.source.value for lot in ended.lots) == ["PLAN", "TOP_UP"]


def test_an_attempt_without_a_card_fails_as_a_decline_would() -> None:
    after, drafts, notices = attempt_without_card(due(), DUE)

    assert after.renewal is not None and after.renewal.scheduled_attempts == 1
    assert "there is no card on file" in drafts[0].description
    assert [n.kind for n in notices] == [NoticeKind.PAYMENT_FAILED]


def test_one_charge_at_a_time_and_the_person_may_pay_before_the_next_try() -> None:
    account = due()
    opened, _ = attempt(account, DUE)
    assert open_attempt(opened, CARD, DUE, by_person=True) is None  # in flight

    retried = declined_at(account, DUE).account
    by_person, payment = attempt(retried, DUE + timedelta(hours=2), by_person=True)

    assert (payment.off_session, payment.key) == (False, "renewal:a:20260228T090000:person-1")
    assert by_person.renewal is not None and by_person.renewal.scheduled_attempts == 1


def test_a_payment_that_succeeds_after_the_plan_ended_is_kept_as_billing_credit() -> None:
    account = due()
    opened, payment = attempt(account, DUE)
    ended = as_of(opened, DUE + 8 * DAY).account
    assert ended.plan_id == "free"

    settled = paid(ended, payment, "pi_1", DUE + 8 * DAY, "stripe:webhook")

    assert settled.account.billing_credit_cents == 4_900
    assert settled.entries[0].description.startswith("Payment kept as billing credit")


def test_a_renewal_never_tried_ends_with_its_period() -> None:
    """No charge was ever tried (the job did not run): the plan ends at the period's end, not 7 days in."""
    account = as_of(due(), DUE + 20 * DAY).account
    assert account.status is PlanStatus.PAST_DUE

    ended = as_of(due(), datetime(2026, 3, 31, 9, tzinfo=UTC)).account

    assert (ended.plan_id, ended.status) == ("free", PlanStatus.ACTIVE)


def test_an_annual_plan_s_monthly_grants_need_no_payment_within_the_year() -> None:
    account = due("pro", ANNUAL, datetime(2026, 12, 31, 9, tzinfo=UTC))

    assert (account.status, account.renewal) == (PlanStatus.ACTIVE, None)
    yearly = due("pro", ANNUAL, datetime(2027, 1, 31, 9, tzinfo=UTC)).renewal
    assert yearly is not None and yearly.owed_cents == 47_000


@pytest.mark.parametrize(
    ("credit", "price", "applied"),
    [
        (0, 4_900, 0),
        (1_000, 4_900, 1_000),
        (4_900, 4_900, 4_900),
        (9_999, 4_900, 4_900),
        (4_880, 4_900, 4_850),
    ],
)
def test_billing_credit_pays_first_but_never_leaves_less_than_a_card_can_be_charged(
    credit: int, price: int, applied: int
) -> None:
    assert credit_applied(credit, price) == applied


def test_plan_changes_and_cancellations_wait_for_the_renewal_s_payment() -> None:
    assert unpaid_renewal_refusal(due()) == (
        "Your Pro plan's renewal of $49.00 is not paid yet: pay it on the Plan page first. Unpaid, the "
        "plan ends on 31 Mar 2026 and you move to the Free plan."
    )


def test_a_scheduled_downgrade_charges_the_new_plan_s_price_and_one_to_free_nothing() -> None:
    pro = subscribed("a", "pro", MONTHLY, ANCHOR)

    to_starter = as_of(replace(pro, scheduled_change=ScheduledChange("starter", MONTHLY)), DUE).account
    to_free = as_of(replace(pro, scheduled_change=ScheduledChange("free", MONTHLY)), DUE).account

    assert to_starter.renewal is not None
    assert (to_starter.plan_id, to_starter.renewal.owed_cents) == ("starter", 1_900)
    assert (to_free.plan_id, to_free.status, to_free.renewal) == ("free", PlanStatus.ACTIVE, None)


def test_a_dispute_while_a_renewal_is_due_ends_the_plan_and_the_renewal_with_it() -> None:
    account = due()
    opened, payment = attempt(account, DUE)
    renewed = paid(opened, payment, "pi_1", DUE, "refresh")
    next_due = datetime(2026, 3, 31, 9, tzinfo=UTC)
    past_due = as_of(renewed.account, next_due).account
    assert past_due.status is PlanStatus.PAST_DUE

    disputed = taken_back(past_due, renewed.payment, 0, True, next_due, "stripe:webhook")

    assert disputed is not None
    ended = disputed.account
    assert (ended.plan_id, ended.status, ended.renewal) == ("free", PlanStatus.ACTIVE, None)
