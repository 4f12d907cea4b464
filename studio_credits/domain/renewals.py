"""Renewals: a paid term's next term grants its credits only once it is paid.

At the end of a paid term (each month on monthly billing, at the year's end on annual) a
renewal that costs something after the account's billing credit leaves the account PAST_DUE
(domain/refresh.py): the ending period's credits roll over and expire as at any boundary, but
the new period's PLAN lot waits for the payment (domain/renewal_payments.py). Paid within the
grace, the period's credits are granted then, on the period's own anchor; unpaid when the grace
ends, the plan ends as a confirmed cancellation would (`lapse`, applied by domain/as_of.py).
"""

from dataclasses import replace
from datetime import datetime

from studio_credits.domain.account import Account, PlanStatus, RenewalDue
from studio_credits.domain.catalogue import FREE, BillingInterval, Plan
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.period_start import EntryDraft, PeriodStart, begin_period
from studio_credits.domain.wording import billed, day_text, money_text

MINIMUM_CHARGE_CENTS = 50
"""The smallest card charge Stripe makes in US dollars: billing credit never leaves less to charge."""


def credit_applied(credit_cents: int, price_cents: int) -> int:
    """The billing credit a renewal of `price_cents` uses: all it can, but never leaving a due
    smaller than a card can be charged (the credit left stays for the next one)."""
    applied = min(credit_cents, price_cents)
    if 0 < price_cents - applied < MINIMUM_CHARGE_CENTS:
        applied = price_cents - MINIMUM_CHARGE_CENTS
    return applied


def renewal_at(
    account: Account, at: datetime, plan: Plan, interval: BillingInterval, index: int
) -> RenewalDue | None:
    """The renewal the boundary at `at` asks to be paid, on `plan` and `interval` (a scheduled
    change's); None when the boundary ends no paid term, or opens a free one."""
    price = plan.price_cents(interval)
    if at < account.term_end or price == 0:
        return None
    applied = credit_applied(account.billing_credit_cents, price)
    return RenewalDue(index, at, plan.id, interval, price, applied)


def renewal_key_prefix(account_id: str, renewal: RenewalDue) -> str:
    """The start of the key of every charge for one renewal, named by the boundary it fell due at
    (period numbers start again where a plan ends at once)."""
    return f"renewal:{account_id}:{renewal.due_at:%Y%m%dT%H%M%S}:"


def awaiting_payment(account: Account, renewal: RenewalDue) -> tuple[Account, EntryDraft]:
    """The account on its new period without the period's plan credits, until `renewal` is paid."""
    plan = account.plan
    words = (
        f"{plan.name} plan renewal due: {money_text(renewal.owed_cents)}, billed {billed(renewal.interval)}"
        f"{_with_credit(renewal)}; the period's {plan.monthly_credits:,} credits come once it is paid"
    )
    return replace(account, status=PlanStatus.PAST_DUE, renewal=renewal), EntryDraft(
        EntryKind.RENEWAL, 0, words
    )


def paid_by_credit(account: Account, renewal: RenewalDue) -> tuple[Account, EntryDraft]:
    """A renewal the billing credit covers: paid at once, nothing charged."""
    credit = account.billing_credit_cents - renewal.credit_applied_cents
    words = (
        f"{account.plan.name} plan renewed, billed {billed(renewal.interval)}: "
        f"{money_text(renewal.price_cents)} paid with billing credit"
    )
    return replace(account, billing_credit_cents=credit), EntryDraft(EntryKind.RENEWAL, 0, words)


def lapse(account: Account) -> tuple[Account, list[EntryDraft]]:
    """The renewal went unpaid through its grace (or its whole period): the plan ends (its PLAN and
    ROLLOVER credits with it; top-ups stay) and the account is on the free plan for the rest of
    the period."""
    renewal = account.renewal
    if renewal is None:
        raise ValueError(f"account {account.id} has no renewal due")
    at = renewal.lapses_at(account.next_refresh_at)
    start = PeriodStart(
        at, FREE, BillingInterval.MONTHLY, account.anchor, account.period_index, account.period_index, True, 0
    )
    ended, drafts = begin_period(account, start, at)
    ended = replace(
        ended,
        status=PlanStatus.ACTIVE,
        renewal=None,
        scheduled_change=None,
        pending_cancellation=None,
        ends_at=None,
    )
    event = EntryDraft(
        EntryKind.PLAN_CHANGE,
        0,
        f"{account.plan.name} plan ended: its renewal of {money_text(renewal.owed_cents)} was not paid by "
        f"{day_text(at)}; now on the {FREE.name} plan",
    )
    return ended, [event, *drafts]


def unpaid_renewal_refusal(account: Account) -> str | None:
    """Why a plan change or cancellation waits while the renewal is unpaid; None when it is paid."""
    renewal = account.renewal
    if renewal is None:
        return None
    return (
        f"Your {account.plan.name} plan's renewal of {money_text(renewal.owed_cents)} is not paid yet: "
        f"pay it on the Plan page first. Unpaid, the plan ends on "
        f"{day_text(renewal.lapses_at(account.next_refresh_at))} and you move to the {FREE.name} plan."
    )


def _with_credit(renewal: RenewalDue) -> str:
    if not renewal.credit_applied_cents:
        return ""
    credit = money_text(renewal.credit_applied_cents)
    return f" ({money_text(renewal.price_cents)} less {credit} of billing credit)"
