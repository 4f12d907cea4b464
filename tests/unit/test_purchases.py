"""What money buys, as pure decisions: a paid credit pack's lot and entry, a decline's record, and
what a refund or a dispute takes back (only from the payment's own unspent, unheld credits) and,
for a disputed plan, how the plan ends."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from studio_credits.domain.account import Account, PendingCancellation, ScheduledChange
from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import LotMovement, LotSource
from studio_credits.domain.payments import Card, Payment, PaymentPurpose, PaymentStatus, open_payment
from studio_credits.domain.purchases import Settled, declined, paid, taken_back
from studio_credits.domain.spending import LedgerWrite, reserve
from tests.support.accounts import PERSON, at, subscribed
from tests.support.ledger import image

ANCHOR = at(2026, 3, 10)
NOW = ANCHOR + timedelta(days=3, microseconds=250)
CARD = Card("pm_1", "visa", "4242", 12, 2030)
SUPPORT = "admin-1"


def paid_pack(account: Account, pack_id: str = "pack-500", now: datetime = NOW) -> Settled:
    payment = open_payment(
        account.id,
        CARD,
        f"key-{pack_id}",
        PaymentPurpose.CREDIT_PACK,
        1_000,
        "Credit pack",
        now,
        pack_id=pack_id,
    )
    return paid(account, payment, "pi_1", now, PERSON.actor)


def paid_plan(account: Account, plan_id: str, interval: BillingInterval, cents: int) -> Settled:
    payment = open_payment(
        account.id,
        CARD,
        "key",
        PaymentPurpose.PLAN_CHANGE,
        cents,
        "Upgrade",
        NOW,
        plan_id=plan_id,
        interval=interval,
    )
    return paid(account, payment, "pi_1", NOW, PERSON.actor)


def spent(account: Account, left_in: dict[str, int]) -> Account:
    """The account with its lots spent down to `left_in` (by lot id; every other lot spent)."""
    return replace(
        account, lots=tuple(replace(lot, remaining=left_in.get(lot.id, 0)) for lot in account.lots)
    )


def the_entry(settled: Settled, kind: EntryKind) -> LedgerEntry:
    [entry] = [entry for entry in settled.entries if entry.kind is kind]
    return entry


def refunded(account: Account, payment: Payment, cents: int, disputed: bool = False) -> Settled:
    back = taken_back(account, payment, cents, disputed, NOW, SUPPORT)
    assert back is not None
    return back


def test_a_paid_pack_adds_a_top_up_lot_for_a_year_and_one_grant_naming_the_card() -> None:
    account = subscribed(PERSON.subject, "starter", BillingInterval.MONTHLY, ANCHOR)

    bought = paid_pack(account)
    again = paid_pack(account)

    [lot] = [lot for lot in bought.account.lots if lot.id in bought.payment.lot_ids]
    assert (lot.source, lot.granted, lot.remaining, lot.created_at, lot.expires_at) == (
        LotSource.TOP_UP,
        500,
        500,
        NOW,
        NOW.replace(year=2027),
    )
    assert len(lot.id) == 26 and lot.id not in {old.id for old in account.lots}
    assert lot.id not in again.payment.lot_ids
    [entry] = bought.entries
    assert (entry.kind, entry.amount, entry.actor, entry.payment_id, entry.lots) == (
        EntryKind.GRANT,
        500,
        PERSON.actor,
        bought.payment.id,
        (LotMovement(lot.id, LotSource.TOP_UP, 500),),
    )
    assert entry.description == "Credit pack: 500 credits (paid $10.00 with Visa •••• 4242)"
    assert bought.account.period_granted == account.period_granted + 500
    assert bought.account.balance == account.balance + 500


def test_a_decline_records_the_charge_the_reason_and_when() -> None:
    account = subscribed(PERSON.subject, "starter", BillingInterval.MONTHLY, ANCHOR)
    payment = open_payment(
        account.id, CARD, "k", PaymentPurpose.CREDIT_PACK, 1_000, "Pack", NOW, pack_id="pack-500"
    )
    asked = replace(payment, status=PaymentStatus.REQUIRES_ACTION, charge_id="pi_asked")

    fresh = declined(payment, "pi_new", "Your card was declined.", NOW)
    after_3ds = declined(asked, None, "The card's authentication (3D Secure) failed.", NOW)

    assert (fresh.status, fresh.charge_id, fresh.failure_reason, fresh.settled_at) == (
        PaymentStatus.FAILED,
        "pi_new",
        "Your card was declined.",
        NOW,
    )
    assert after_3ds.charge_id == "pi_asked"


def test_a_refund_takes_back_only_the_payments_own_credits_and_never_held_ones() -> None:
    account = subscribed(PERSON.subject, "starter", BillingInterval.MONTHLY, ANCHOR)
    bought = paid_pack(account)
    pack_lot = bought.payment.lot_ids[0]
    # All the plan's credits and 100 of the pack's are spent; a job holds 16 more.
    drained = spent(bought.account, {pack_lot: 400})
    write = reserve(drained, image(4), "job-held", timedelta(hours=1), PERSON.actor, NOW)
    assert isinstance(write, LedgerWrite)

    back = refunded(write.change.account, bought.payment, 1_000)

    entry = the_entry(back, EntryKind.ADJUST)
    assert entry.lots == (LotMovement(pack_lot, LotSource.TOP_UP, -384),)
    assert (entry.amount, entry.actor, entry.payment_id) == (-384, SUPPORT, bought.payment.id)
    assert entry.description == (
        "Payment of $10.00 refunded: 384 credits taken back, 116 credits already spent or expired"
    )
    assert {lot.id: lot.remaining for lot in back.account.lots}[pack_lot] == 16
    assert back.payment.status is PaymentStatus.REFUNDED
    assert (back.payment.refunded_cents, back.payment.credits_taken_back) == (1_000, 500)


def test_other_lots_keep_their_credits_when_the_payments_are_spent() -> None:
    account = subscribed(PERSON.subject, "pro", BillingInterval.MONTHLY, ANCHOR)
    bought = paid_pack(account)
    others = {lot.id: lot.remaining for lot in bought.account.lots if lot.id not in bought.payment.lot_ids}
    spent_pack = spent(bought.account, others)

    back = refunded(spent_pack, bought.payment, 1_000)

    assert the_entry(back, EntryKind.ADJUST).lots == ()
    assert {lot.id: lot.remaining for lot in back.account.lots if lot.id in others} == others


def test_a_refund_of_two_cents_takes_back_the_one_credit_it_covers() -> None:
    account = subscribed(PERSON.subject, "starter", BillingInterval.MONTHLY, ANCHOR)
    bought = paid_pack(account)

    back = refunded(bought.account, bought.payment, 2)

    entry = the_entry(back, EntryKind.ADJUST)
    assert (entry.amount, entry.description) == (
        -1,
        "$0.02 of the payment of $10.00 refunded: 1 credit taken back",
    )


@pytest.mark.parametrize("cents", [500, 200])
def test_a_refund_no_larger_than_the_one_recorded_changes_nothing(cents: int) -> None:
    account = subscribed(PERSON.subject, "starter", BillingInterval.MONTHLY, ANCHOR)
    bought = paid_pack(account)
    half = refunded(bought.account, bought.payment, 500)

    assert taken_back(half.account, half.payment, cents, False, NOW, SUPPORT) is None


def test_a_refunded_plan_payment_keeps_the_plan() -> None:
    account = subscribed(PERSON.subject, "free", BillingInterval.MONTHLY, ANCHOR)
    upgraded = paid_plan(account, "pro", BillingInterval.MONTHLY, 4_900)

    back = refunded(upgraded.account, upgraded.payment, 4_900)

    assert back.account.plan_id == "pro"
    assert [entry.kind for entry in back.entries] == [EntryKind.ADJUST]


@pytest.mark.parametrize(
    ("interval", "cents"), [(BillingInterval.ANNUAL, 49_000), (BillingInterval.MONTHLY, 4_900)]
)
def test_a_disputed_plan_ends_now_on_free_with_its_credits_and_its_plans_for_later(
    interval: BillingInterval, cents: int
) -> None:
    account = subscribed(PERSON.subject, "free", BillingInterval.MONTHLY, ANCHOR)
    upgraded = paid_plan(account, "pro", interval, cents)  # a monthly one keeps the free period's credits
    later = replace(
        upgraded.account,
        ends_at=NOW + timedelta(days=300),
        scheduled_change=ScheduledChange("starter", BillingInterval.ANNUAL),
        pending_cancellation=PendingCancellation("hash", NOW + timedelta(minutes=5), None),
    )

    back = refunded(later, upgraded.payment, 0, disputed=True)

    after = back.account
    assert (after.plan_id, after.interval, after.anchor, after.period_index, after.term_first_period) == (
        "free",
        BillingInterval.MONTHLY,
        NOW.replace(microsecond=0),
        0,
        0,
    )
    assert (after.scheduled_change, after.pending_cancellation, after.ends_at) == (None, None, None)
    assert [(lot.source, lot.remaining) for lot in after.lots if lot.remaining] == [(LotSource.PLAN, 100)]
    ended = [entry for entry in back.entries if entry.kind is EntryKind.PLAN_CHANGE]
    assert [(entry.amount, entry.description, entry.payment_id) for entry in ended] == [
        (0, "Pro ended: its payment was disputed; now on Free", upgraded.payment.id)
    ]
    assert back.payment.status is PaymentStatus.DISPUTED
    assert after.balance == sum(lot.remaining for lot in after.lots)
