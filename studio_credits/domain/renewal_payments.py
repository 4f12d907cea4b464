"""Paying a renewal that is due: the charges made for it and what each one's outcome does.

The refresh job charges the saved card off-session as the renewal falls due and again 1, 3 and
5 days after that first attempt; the person may pay on the Plan page at any time in between.
One charge is in flight at a time (`RenewalDue.open_payment_id`), each under its own key below
the renewal's, so nothing charges one renewal twice. A PAYMENT_FAILED notice goes out when the
first attempt fails and when the one before the last does.
"""

from dataclasses import replace
from datetime import datetime

from studio_credits.domain.account import RETRY_DAYS_AFTER_FIRST, Account, PlanStatus, RenewalDue
from studio_credits.domain.catalogue import plan_by_id
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.notice_rules import with_unsent
from studio_credits.domain.notices import Notice, NoticeKind, notice_id
from studio_credits.domain.payments import Card, Payment, PaymentPurpose, open_payment
from studio_credits.domain.period_start import EntryDraft, plan_grant
from studio_credits.domain.renewals import renewal_key_prefix
from studio_credits.domain.wording import billed, day_text, money_text

NOTIFIED_ATTEMPTS = (1, len(RETRY_DAYS_AFTER_FIRST))
"""The scheduled attempts whose failure is emailed: the first, and the one before the last."""
SCHEDULED = "scheduled-"
"""Key suffixes: the refresh job's attempts and the person's, numbered apart."""
BY_PERSON = "person-"

type Outcome = tuple[Account, list[EntryDraft], tuple[Notice, ...]]
"""The account after, the entries that tell it and the notices it records."""


def open_attempt(
    account: Account, card: Card, now: datetime, by_person: bool
) -> tuple[Account, Payment] | None:
    """A charge for the renewal due: the refresh job's when one is due now, or the person's at any
    time; None when there is nothing to charge now (no renewal due, or a charge in flight)."""
    renewal = account.renewal
    if renewal is None or renewal.open_payment_id is not None:
        return None
    if by_person:
        attempt = replace(renewal, attempts_by_person=renewal.attempts_by_person + 1)
        suffix = f"{BY_PERSON}{attempt.attempts_by_person}"
    else:
        due_at = renewal.next_attempt_at
        if due_at is None or due_at > now:
            return None
        attempt = replace(
            renewal,
            scheduled_attempts=renewal.scheduled_attempts + 1,
            first_attempt_at=renewal.first_attempt_at or now,
        )
        suffix = f"{SCHEDULED}{attempt.scheduled_attempts}"
    plan = plan_by_id(renewal.plan_id)
    term = account.current_term
    payment = open_payment(
        account.id,
        card,
        renewal_key_prefix(account.id, renewal) + suffix,
        PaymentPurpose.RENEWAL,
        renewal.owed_cents,
        f"{plan.name} plan renewal, billed {billed(renewal.interval)}: "
        f"{day_text(term.start)} to {day_text(term.end)}",
        now,
        plan_id=plan.id,
        interval=renewal.interval,
        off_session=not by_person,
    )
    return replace(account, renewal=replace(attempt, open_payment_id=payment.id)), payment


def attempt_without_card(account: Account, now: datetime) -> Outcome:
    """A scheduled attempt due on an account with no card on file: it fails as a decline would."""
    renewal = account.renewal
    if renewal is None or renewal.next_attempt_at is None or renewal.next_attempt_at > now:
        return account, [], ()
    attempt = replace(
        renewal,
        scheduled_attempts=renewal.scheduled_attempts + 1,
        first_attempt_at=renewal.first_attempt_at or now,
    )
    return _failed(account, attempt, "there is no card on file", attempt.scheduled_attempts, now)


def attempt_failed(account: Account, payment: Payment, reason: str, now: datetime) -> Outcome:
    """A charge for the renewal was declined (or needs the person, off-session): the next attempt
    may be made; an outcome for a charge no longer in flight changes nothing."""
    renewal = account.renewal
    if renewal is None or renewal.open_payment_id != payment.id:
        return account, [], ()
    suffix = payment.key.rsplit(":", 1)[-1]
    scheduled = int(suffix.removeprefix(SCHEDULED)) if suffix.startswith(SCHEDULED) else None
    return _failed(account, replace(renewal, open_payment_id=None), reason, scheduled, now)


def renewal_paid(account: Account, payment: Payment, now: datetime, paid_with: str) -> Outcome | None:
    """The renewal's payment succeeded (`paid_with`: "paid $19.00 with Visa •••• 4242"): the period's
    plan credits now, on the period's anchor.
    None when the payment is not for the renewal due (paid before, or the plan ended)."""
    renewal = account.renewal
    if renewal is None or not payment.key.startswith(renewal_key_prefix(account.id, renewal)):
        return None
    plan = plan_by_id(renewal.plan_id)
    grant, draft = plan_grant(plan, account.current_period, now, f"renewal {paid_with}")
    credit_used = min(renewal.credit_applied_cents, account.billing_credit_cents)
    surplus = max(0, payment.amount_cents - renewal.owed_cents)
    renewed = replace(
        account,
        status=PlanStatus.ACTIVE,
        renewal=None,
        lots=(*account.lots, grant),
        period_granted=account.period_granted + grant.granted,
        billing_credit_cents=account.billing_credit_cents - credit_used + surplus,
    )
    notice = Notice(
        notice_id(now, NoticeKind.RENEWAL_PAID, f"renewal-{renewal.due_at:%Y%m%dT%H%M%S}"),
        account.id,
        NoticeKind.RENEWAL_PAID,
        now,
        f"Your {plan.name} plan renewed: {paid_with}; {grant.granted:,} credits for "
        f"{day_text(account.current_period.start)} to {day_text(account.current_period.end)}",
    )
    return with_unsent(renewed, (notice,)), [draft], (notice,)


def _failed(
    account: Account, renewal: RenewalDue, reason: str, scheduled_attempt: int | None, now: datetime
) -> Outcome:
    owed = money_text(renewal.owed_cents)
    ends = day_text(renewal.lapses_at(account.next_refresh_at))
    reason = reason.rstrip(".")
    next_try = renewal.next_attempt_at
    retry = f"the next try is on {day_text(next_try)}" if next_try is not None else "no try is left"
    plan = plan_by_id(renewal.plan_id)
    words = (
        f"Renewal payment of {owed} failed: {reason}; {retry}, and the {plan.name} plan ends on {ends} "
        "unless it is paid"
    )
    after = replace(account, renewal=renewal)
    if scheduled_attempt not in NOTIFIED_ATTEMPTS:
        return after, [EntryDraft(EntryKind.RENEWAL, 0, words)], ()
    notice = Notice(
        notice_id(
            now, NoticeKind.PAYMENT_FAILED, f"renewal-{renewal.due_at:%Y%m%dT%H%M%S}-try-{scheduled_attempt}"
        ),
        account.id,
        NoticeKind.PAYMENT_FAILED,
        now,
        f"The payment of {owed} for your {plan.name} plan's renewal failed: {reason}. Update your card "
        f"or pay now on the Plan page: unless it is paid by {ends}, the plan ends and you move to the "
        f"Free plan. Your rollover and top-up credits stay usable until then; {retry}.",
    )
    return with_unsent(after, (notice,)), [EntryDraft(EntryKind.RENEWAL, 0, words)], (notice,)
