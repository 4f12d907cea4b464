"""What money buys: a payment opened for a plan change, a credit pack, a renewal or an auto top-up,
applied only once it has succeeded, and taken back (what is still unspent) when it is refunded or disputed.

Every function is a decision on the account as of now; the use cases (service/payments.py)
commit each as one change.
"""

from dataclasses import dataclass, replace
from datetime import datetime

from studio_credits.domain.account import Account, PlanStatus
from studio_credits.domain.auto_top_up import top_up_declined, top_up_paid
from studio_credits.domain.catalogue import FREE, BillingInterval
from studio_credits.domain.ids import new_ulid
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import Lot, LotMovement, LotSource
from studio_credits.domain.notices import Notice
from studio_credits.domain.payments import (
    OPEN_STATUSES,
    Payment,
    PaymentPurpose,
    PaymentStatus,
    pack_by_id,
)
from studio_credits.domain.period_start import EntryDraft, PeriodStart, begin_period, change_entries
from studio_credits.domain.periods import add_months
from studio_credits.domain.plan_changes import InvalidPlanChange, plan_change
from studio_credits.domain.renewal_payments import attempt_failed, renewal_paid
from studio_credits.domain.spending import TOP_UP_LIFETIME_MONTHS
from studio_credits.domain.wording import card_text, credits_text, money_text

OPERATIONS = {PaymentPurpose.PLAN_CHANGE: "changePlan", PaymentPurpose.CREDIT_PACK: "buyCredits"}
"""The operation whose idempotency key each kind of payment is opened under."""


PAYS_FOR_THE_PLAN = (PaymentPurpose.PLAN_CHANGE, PaymentPurpose.RENEWAL)
"""Payments whose dispute ends the plan."""


@dataclass(frozen=True)
class Settled:
    """A payment's effect: the account and entries to store with the payment as it now is."""

    account: Account
    entries: tuple[LedgerEntry, ...]
    payment: Payment
    notices: tuple[Notice, ...] = ()


def request_of(payment: Payment) -> dict[str, object]:
    """The request the payment was opened for, as its idempotency record fingerprints it."""
    if payment.purpose is PaymentPurpose.PLAN_CHANGE:
        return {
            "plan_id": payment.plan_id,
            "interval": None if payment.interval is None else payment.interval.value,
        }
    return {"pack_id": payment.pack_id}


def awaiting_authentication(payment: Payment, charge_id: str | None) -> Payment:
    return replace(payment, status=PaymentStatus.REQUIRES_ACTION, charge_id=charge_id or payment.charge_id)


def declined(payment: Payment, charge_id: str | None, reason: str, now: datetime) -> Payment:
    return replace(
        payment,
        status=PaymentStatus.FAILED,
        charge_id=charge_id or payment.charge_id,
        failure_reason=reason,
        settled_at=now,
    )


def paid(account: Account, payment: Payment, charge_id: str | None, now: datetime, actor: str) -> Settled:
    """What the succeeded payment bought, applied now: the plan change, the renewal, or the pack of a
    credit pack or an auto top-up.

    A plan change no longer possible when the money arrives (another change came first) keeps the
    amount as billing credit: paid value is never dropped.
    """
    if payment.status not in (*OPEN_STATUSES, PaymentStatus.FAILED):
        raise ValueError(f"payment {payment.id} was settled before ({payment.status.value})")
    paid_with = (
        f"paid {money_text(payment.amount_cents)} with {card_text(payment.card_brand, payment.card_last4)}"
    )
    notices: tuple[Notice, ...] = ()
    if payment.purpose in (PaymentPurpose.CREDIT_PACK, PaymentPurpose.AUTO_TOP_UP):
        after, entries = _pack_bought(account, payment, now, actor, paid_with)
    elif payment.purpose is PaymentPurpose.RENEWAL:
        after, entries, notices = _renewal_bought(account, payment, now, actor, paid_with)
    else:
        after, entries = _plan_bought(account, payment, now, actor, paid_with)
    before = {lot.id for lot in account.lots}
    bought = tuple(
        lot for lot in after.lots if lot.id not in before and lot.source in (LotSource.PLAN, LotSource.TOP_UP)
    )
    settled = replace(
        payment,
        status=PaymentStatus.SUCCEEDED,
        charge_id=charge_id or payment.charge_id,
        settled_at=now,
        failure_reason=None,
        lot_ids=tuple(lot.id for lot in bought),
        credits_bought=sum(lot.granted for lot in bought),
        entry_id=entries[0].id,
    )
    if payment.purpose is PaymentPurpose.AUTO_TOP_UP:
        after, notices = top_up_paid(after, settled, now)
    return Settled(after, _paid_by(entries, payment), settled, notices)


def failed(
    account: Account, payment: Payment, charge_id: str | None, reason: str, now: datetime, actor: str
) -> Settled:
    """A declined payment, and what its failure does to the account: a renewal's next attempt may
    be made (domain/renewal_payments.py); a declined auto top-up is counted, and the third in a row
    turns auto top-up off (domain/auto_top_up.py); what a request asked for is simply not applied."""
    settled = declined(payment, charge_id, reason, now)
    if payment.purpose is PaymentPurpose.AUTO_TOP_UP:
        after, entries, notices = top_up_declined(account, settled, now)
        return Settled(after, entries, settled, notices)
    if payment.purpose is not PaymentPurpose.RENEWAL:
        return Settled(account, (), settled)
    after, drafts, notices = attempt_failed(account, payment, reason, now)
    return Settled(after, _paid_by(change_entries(account, now, actor, drafts), payment), settled, notices)


def _paid_by(entries: tuple[LedgerEntry, ...], payment: Payment) -> tuple[LedgerEntry, ...]:
    return tuple(replace(entry, payment_id=payment.id) for entry in entries)


def _renewal_bought(
    account: Account, payment: Payment, now: datetime, actor: str, paid_with: str
) -> tuple[Account, tuple[LedgerEntry, ...], tuple[Notice, ...]]:
    renewed = renewal_paid(account, payment, now, paid_with)
    if renewed is None:
        kept, entries = _kept_as_credit(
            account, payment, now, actor, paid_with, "the renewal it was for was paid or had ended"
        )
        return kept, entries, ()
    after, drafts, notices = renewed
    return after, change_entries(account, now, actor, drafts), notices


def _kept_as_credit(
    account: Account, payment: Payment, now: datetime, actor: str, paid_with: str, why: str
) -> tuple[Account, tuple[LedgerEntry, ...]]:
    """Paid value never dropped: a payment whose purpose no longer applies is kept as billing credit."""
    kept = replace(account, billing_credit_cents=account.billing_credit_cents + payment.amount_cents)
    words = f"Payment kept as billing credit ({paid_with}): {why}"
    return kept, change_entries(account, now, actor, (EntryDraft(EntryKind.PLAN_CHANGE, 0, words),))


def _pack_bought(
    account: Account, payment: Payment, now: datetime, actor: str, paid_with: str
) -> tuple[Account, tuple[LedgerEntry, ...]]:
    pack = pack_by_id(payment.pack_id or "")
    lot = Lot(
        new_ulid(now),
        LotSource.TOP_UP,
        pack.credits,
        pack.credits,
        add_months(now, TOP_UP_LIFETIME_MONTHS),
        now,
    )
    what = "Auto top-up" if payment.purpose is PaymentPurpose.AUTO_TOP_UP else "Credit pack"
    draft = EntryDraft(
        EntryKind.GRANT,
        pack.credits,
        f"{what}: {credits_text(pack.credits)} ({paid_with})",
        (LotMovement(lot.id, lot.source, pack.credits),),
    )
    bought = replace(account, lots=(*account.lots, lot), period_granted=account.period_granted + pack.credits)
    return bought, change_entries(account, now, actor, (draft,))


def _plan_bought(
    account: Account, payment: Payment, now: datetime, actor: str, paid_with: str
) -> tuple[Account, tuple[LedgerEntry, ...]]:
    if payment.plan_id is None or payment.interval is None:
        raise ValueError(f"payment {payment.id} is for a plan change but names no plan")
    decided = plan_change(account, payment.plan_id, payment.interval, now, actor)
    if isinstance(decided, InvalidPlanChange) or decided.terms.amount_due_now_cents == 0:
        return _kept_as_credit(
            account, payment, now, actor, paid_with, "the plan change it was for no longer applies"
        )
    # The price may have fallen by a day's share while the payment waited: the difference is kept.
    surplus = max(0, payment.amount_cents - decided.terms.amount_due_now_cents)
    changed = replace(decided.account, billing_credit_cents=decided.account.billing_credit_cents + surplus)
    event = decided.entries[0]
    return changed, (replace(event, description=f"{event.description} ({paid_with})"), *decided.entries[1:])


def taken_back(
    account: Account, payment: Payment, refunded_cents: int, disputed: bool, now: datetime, actor: str
) -> Settled | None:
    """A refund (`refunded_cents` so far, in all) or a dispute of a succeeded payment: the share of the
    credits it bought that the money returned covers comes back out of its lots, as far as they are
    unspent (and not held); the rest is recorded as already spent or expired. A disputed plan ends
    at once: the account drops to the free plan. None when there is nothing new to do."""
    if payment.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
        return None
    refunded_cents = payment.amount_cents if disputed else min(refunded_cents, payment.amount_cents)
    if not disputed and refunded_cents <= payment.refunded_cents:
        return None
    covered = -(-payment.credits_bought * refunded_cents // payment.amount_cents)  # rounded up
    owed = covered - payment.credits_taken_back
    held = account.held_by_lot()
    lots, movements = [], []
    left = owed
    for lot in account.lots:
        portion = min(lot.remaining - held.get(lot.id, 0), left) if lot.id in payment.lot_ids else 0
        if portion > 0:
            lots.append(replace(lot, remaining=lot.remaining - portion))
            movements.append(LotMovement(lot.id, lot.source, -portion))
            left -= portion
        else:
            lots.append(lot)
    taken = owed - left
    what = f"Payment of {money_text(payment.amount_cents)} {'disputed' if disputed else 'refunded'}"
    if refunded_cents < payment.amount_cents:
        what = f"{money_text(refunded_cents)} of the payment of {money_text(payment.amount_cents)} refunded"
    words = f"{what}: {credits_text(taken)} taken back"
    if left:
        words += f", {credits_text(left)} already spent or expired"
    drafts = [EntryDraft(EntryKind.ADJUST, -taken, words, tuple(movements))]
    after = replace(account, lots=tuple(lots))
    if disputed and payment.purpose in PAYS_FOR_THE_PLAN and account.plan_id != FREE.id:
        after, ended = _plan_ended(after, now)
        drafts += ended
    entries = change_entries(account, now, actor, drafts)
    settled = replace(
        payment,
        status=PaymentStatus.DISPUTED if disputed else PaymentStatus.REFUNDED,
        refunded_cents=refunded_cents,
        credits_taken_back=covered,
    )
    return Settled(after, _paid_by(entries, payment), settled)


def _plan_ended(account: Account, now: datetime) -> tuple[Account, list[EntryDraft]]:
    """The plan's payment was disputed: it ends now, as a confirmed cancellation does at its term's end."""
    anchor = now.replace(microsecond=0)
    start = PeriodStart(now, FREE, BillingInterval.MONTHLY, anchor, 0, 0, True, rollover_cap=0)
    ended, drafts = begin_period(account, start, now)
    event = EntryDraft(
        EntryKind.PLAN_CHANGE, 0, f"{account.plan.name} ended: its payment was disputed; now on {FREE.name}"
    )
    ended = replace(
        ended,
        status=PlanStatus.ACTIVE,
        scheduled_change=None,
        pending_cancellation=None,
        ends_at=None,
        renewal=None,
    )
    return ended, [event, *drafts]
