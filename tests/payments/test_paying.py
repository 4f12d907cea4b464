"""Paying for what is bought, through the use cases on the real Stripe adapter and localstripe:
nothing paid is applied before its payment succeeded, and then once, whichever of the answer, the
person's confirmation after 3D Secure or the webhook comes first; refunds and disputes take back
what is still unspent."""

from dataclasses import dataclass, replace
from typing import Any

import pytest

from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.change import Change
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.payments import Payment, PaymentStatus
from studio_credits.service import credit_packs, ledger, plans
from studio_credits.service import payments as paying
from studio_credits.service.execution import IdempotencyConflict
from studio_credits.service.ports import Repository, Services
from tests.conftest import START
from tests.support.accounts import PERSON, SERVICE, subscribe
from tests.support.ledger import assert_ledger_adds_up, image, ledger_entries, recorded, stored_account
from tests.support.payments import (
    ASKS_FOR_3DS,
    DECLINED_AT_CHARGE,
    DECLINED_AT_SETUP,
    LostAnswers,
    authenticate,
    deliver,
    intent_of,
    payment_intents,
    save_card,
    stripe_client,
    with_card,
)

MONTHLY = BillingInterval.MONTHLY


def succeeded_event(services: Services, payment: Payment, event_id: str) -> None:
    deliver(services, "payment_intent.succeeded", intent_of(services, payment), event_id)


def the_payment(services: Services) -> Payment:
    [payment] = services.repository.payments_page(PERSON.subject, 10, None)[0]
    return payment


def plan_changes(services: Services) -> list[str]:
    entries = ledger_entries(services.repository, PERSON.subject)
    return [entry.description for entry in entries if entry.kind is EntryKind.PLAN_CHANGE]


def test_without_a_card_a_paid_change_changes_nothing_and_says_so(services: Services) -> None:
    changed = plans.change_plan(services, PERSON, "pro", MONTHLY, "no-card")

    assert changed == paying.PaymentMethodRequired(
        "Add a card to pay $49.00: there is no card on file.", 4_900
    )
    assert stored_account(services.repository, PERSON.subject).plan_id == "free"
    assert services.repository.payments_page(PERSON.subject, 10, None) == ([], None)


def test_a_card_the_bank_declines_when_saved_is_not_kept(services: Services) -> None:
    saved = save_card(services, PERSON, DECLINED_AT_SETUP)

    assert saved == paying.CardNotSaved("Your card was declined.")
    assert stored_account(services.repository, PERSON.subject).card is None


def test_a_card_saved_before_any_setup_is_refused_in_words(services: Services) -> None:
    assert paying.save_card(services, PERSON, "seti_none") == paying.CardNotSaved(
        "Start adding a card first: no card setup was begun for this account."
    )


def test_the_stripe_customer_names_the_account_and_the_persons_email(services: Services) -> None:
    account = with_card(services, PERSON)

    customer = stripe_client().v1.customers.retrieve(account.customer_id or "")

    assert customer.metadata is not None
    assert (customer.email, customer.metadata.to_dict()) == (PERSON.email, {"account_id": PERSON.subject})


def test_a_decline_at_charge_changes_nothing_says_why_and_a_retry_charges_no_more(
    services: Services,
) -> None:
    with_card(services, PERSON, DECLINED_AT_CHARGE)
    before = stored_account(services.repository, PERSON.subject)

    declined = plans.change_plan(services, PERSON, "pro", MONTHLY, "pro-1")
    again = plans.change_plan(services, PERSON, "pro", MONTHLY, "pro-1")

    assert isinstance(declined, paying.PaymentDeclined)
    assert declined.message == "Your card was declined."
    assert declined.payment.status is PaymentStatus.FAILED
    assert again == declined
    after = stored_account(services.repository, PERSON.subject)
    assert (after.plan_id, after.balance, after.lots) == ("free", before.balance, before.lots)
    assert len(payment_intents(after.customer_id or "")) == 1


def test_an_upgrade_paid_applies_once_with_the_payment_named_on_its_entries(services: Services) -> None:
    account = with_card(services, PERSON)

    made = plans.change_plan(services, PERSON, "pro", MONTHLY, "pro-1")

    assert isinstance(made, plans.PlanChangeMade) and made.payment is not None
    payment = made.payment
    assert (payment.status, payment.amount_cents, payment.credits_bought) == (
        PaymentStatus.SUCCEEDED,
        4_900,
        2_900,
    )
    entries = ledger_entries(services.repository, PERSON.subject)
    paid = [entry for entry in entries if entry.payment_id == payment.id]
    assert [(entry.kind, entry.amount) for entry in paid] == [
        (EntryKind.PLAN_CHANGE, 0),
        (EntryKind.GRANT, 2_900),
    ]
    assert paid[0].description == "Upgraded to Pro (paid $49.00 with Visa •••• 4242)"
    assert payment.description == "Change to Pro, billed monthly"
    [intent] = payment_intents(account.customer_id or "")
    assert (intent.id, intent.amount, intent.status) == (payment.charge_id, 4_900, "succeeded")
    assert_ledger_adds_up(entries, stored_account(services.repository, PERSON.subject))


def test_a_due_of_one_cent_is_charged_too(services: Services) -> None:
    account = with_card(services, PERSON)
    services.repository.commit(Change(replace(account, billing_credit_cents=4_899)))

    made = plans.change_plan(services, PERSON, "pro", MONTHLY, "pro-1")

    assert isinstance(made, plans.PlanChangeMade) and made.payment is not None
    assert (made.payment.amount_cents, made.payment.status) == (1, PaymentStatus.SUCCEEDED)


@dataclass
class ReadBeforeThePayment:
    """The store as a request saw it that read the key before a concurrent one opened its payment."""

    repository: Repository

    def __getattr__(self, name: str) -> Any:
        return getattr(self.repository, name)

    def payment_for_key(self, account_id: str, key: str) -> None:
        return None


def test_a_request_racing_the_paid_one_answers_the_paid_change_with_its_payment(services: Services) -> None:
    with_card(services, PERSON)
    made = plans.change_plan(services, PERSON, "pro", MONTHLY, "pro-1")
    racing = replace(services, repository=ReadBeforeThePayment(services.repository))

    raced = plans.change_plan(racing, PERSON, "pro", MONTHLY, "pro-1")

    assert isinstance(made, plans.PlanChangeMade) and made.payment is not None
    assert raced == plans.PlanChangeMade(
        stored_account(services.repository, PERSON.subject), made.terms, made.payment
    )
    record = services.repository.get_idempotency(PERSON.subject, made.payment.key)
    assert record is not None and record.at == made.payment.settled_at


@pytest.mark.parametrize("webhook_first", [True, False])
def test_3d_secure_passed_applies_the_change_once_whichever_news_comes_first(
    services: Services, webhook_first: bool
) -> None:
    with_card(services, PERSON, ASKS_FOR_3DS)

    asked = plans.change_plan(services, PERSON, "pro", MONTHLY, "pro-3ds")
    assert isinstance(asked, paying.PaymentActionRequired)
    assert stored_account(services.repository, PERSON.subject).plan_id == "free"
    authenticate(asked.client_secret, success=True)
    payment = the_payment(services)
    if webhook_first:
        succeeded_event(services, payment, "evt_1")
    confirmed = paying.confirm_payment(services, PERSON, payment.id)
    succeeded_event(services, payment, "evt_1")  # delivered again
    succeeded_event(services, payment, "evt_2")  # another event of the same success
    retried = plans.change_plan(services, PERSON, "pro", MONTHLY, "pro-3ds")

    assert isinstance(confirmed, paying.PaymentSucceeded)
    assert confirmed.account.plan_id == "pro"
    assert isinstance(retried, plans.PlanChangeMade) and retried.payment == confirmed.payment
    assert plan_changes(services) == ["Upgraded to Pro (paid $49.00 with Visa •••• 3184)"]
    assert stored_account(services.repository, PERSON.subject).balance == 3_000


def test_3d_secure_failed_declines_and_changes_nothing(services: Services) -> None:
    with_card(services, PERSON, ASKS_FOR_3DS)
    asked = plans.change_plan(services, PERSON, "pro", MONTHLY, "pro-3ds")
    assert isinstance(asked, paying.PaymentActionRequired)

    authenticate(asked.client_secret, success=False)
    confirmed = paying.confirm_payment(services, PERSON, asked.payment.id)

    assert isinstance(confirmed, paying.PaymentDeclined)
    assert confirmed.message == "The card's authentication (3D Secure) failed."
    assert stored_account(services.repository, PERSON.subject).plan_id == "free"
    assert plan_changes(services) == []


def test_a_lost_answer_leaves_the_payment_pending_and_the_retry_charges_once(services: Services) -> None:
    account = with_card(services, PERSON)
    timing_out = replace(services, payments=LostAnswers(services.payment_provider))

    pending = plans.change_plan(timing_out, PERSON, "pro", MONTHLY, "pro-1")
    assert isinstance(pending, paying.PaymentPending)
    assert stored_account(services.repository, PERSON.subject).plan_id == "free"
    assert the_payment(services).status is PaymentStatus.PENDING
    retried = plans.change_plan(services, PERSON, "pro", MONTHLY, "pro-1")

    assert isinstance(retried, plans.PlanChangeMade)
    assert retried.account.plan_id == "pro"
    assert len(payment_intents(account.customer_id or "")) == 1
    entries = ledger_entries(services.repository, PERSON.subject)
    assert {e.actor for e in entries if e.kind is EntryKind.PLAN_CHANGE} == {PERSON.actor}


def test_the_webhook_settles_a_payment_whose_answer_was_lost(services: Services) -> None:
    with_card(services, PERSON)
    timing_out = replace(services, payments=LostAnswers(services.payment_provider))
    plans.change_plan(timing_out, PERSON, "pro", MONTHLY, "pro-1")
    customer = stored_account(services.repository, PERSON.subject).customer_id or ""
    [intent] = payment_intents(customer)

    deliver(
        services,
        "payment_intent.succeeded",
        {"id": intent.id, "object": "payment_intent", "metadata": intent.metadata.to_dict()},
        "evt_1",
    )
    retried = plans.change_plan(services, PERSON, "pro", MONTHLY, "pro-1")

    assert stored_account(services.repository, PERSON.subject).plan_id == "pro"
    assert isinstance(retried, plans.PlanChangeMade)
    assert plan_changes(services) == ["Upgraded to Pro (paid $49.00 with Visa •••• 4242)"]


def test_the_same_key_with_another_plan_is_a_conflict(services: Services) -> None:
    subscribe(services, PERSON, "starter", MONTHLY)
    plans.change_plan(services, PERSON, "pro", MONTHLY, "up")

    assert plans.change_plan(services, PERSON, "business", MONTHLY, "up") == IdempotencyConflict(
        "idempotency key 'up' was used before with different input"
    )


def test_a_credit_pack_is_granted_once_paid_and_only_on_a_paid_plan(services: Services) -> None:
    with_card(services, PERSON)
    on_free = credit_packs.buy_credits(services, PERSON, "pack-500", "pack-1")
    subscribe(services, PERSON, "starter", MONTHLY)

    bought = credit_packs.buy_credits(services, PERSON, "pack-2000", "pack-2")
    again = credit_packs.buy_credits(services, PERSON, "pack-2000", "pack-2")
    unknown = credit_packs.buy_credits(services, PERSON, "pack-3", "pack-3")

    assert on_free == credit_packs.InvalidPurchase(
        "Credit packs are for paid plans: the Free plan has none. Upgrade to buy credits."
    )
    assert isinstance(bought, credit_packs.CreditsBought)
    assert (bought.credits, bought.payment.amount_cents, bought.payment.description) == (
        2_000,
        35_00,
        "Credit pack: 2,000 credits",
    )
    assert again == bought
    assert unknown == credit_packs.InvalidPurchase(
        "There is no credit pack 'pack-3': choose one of pack-500, pack-2000, pack-5000."
    )
    [lot] = [lot for lot in bought.account.lots if lot.id in bought.payment.lot_ids]
    assert (lot.source.value, lot.granted, lot.expires_at) == (
        "TOP_UP",
        2_000,
        START.replace(year=START.year + 1),
    )


def test_packs_bought_under_two_keys_are_two_payments_and_a_key_is_for_one_pack(services: Services) -> None:
    subscribe(services, PERSON, "starter", MONTHLY)

    first = credit_packs.buy_credits(services, PERSON, "pack-500", "pack-a")
    second = credit_packs.buy_credits(services, PERSON, "pack-500", "pack-b")
    conflict = credit_packs.buy_credits(services, PERSON, "pack-2000", "pack-a")

    assert isinstance(first, credit_packs.CreditsBought) and isinstance(second, credit_packs.CreditsBought)
    assert first.payment.id != second.payment.id
    assert second.account.balance == first.account.balance + 500
    assert conflict == IdempotencyConflict("idempotency key 'pack-a' was used before with different input")
    entries = ledger_entries(services.repository, PERSON.subject)
    assert [e.actor for e in entries if e.payment_id == first.payment.id] == [PERSON.actor]


def test_a_pack_without_a_card_says_what_it_would_cost(services: Services) -> None:
    subscribe(services, PERSON, "starter", MONTHLY)
    account = stored_account(services.repository, PERSON.subject)
    services.repository.commit(Change(replace(account, card=None)))  # the card removed

    assert credit_packs.buy_credits(services, PERSON, "pack-2000", "pack-1") == paying.PaymentMethodRequired(
        "Add a card to pay $35.00: there is no card on file.", 35_00
    )


def test_a_pack_whose_answer_was_lost_is_the_persons_when_their_retry_settles_it(services: Services) -> None:
    subscribe(services, PERSON, "starter", MONTHLY)
    timing_out = replace(services, payments=LostAnswers(services.payment_provider))
    pending = credit_packs.buy_credits(timing_out, PERSON, "pack-500", "pack-1")
    assert isinstance(pending, paying.PaymentPending)

    retried = credit_packs.buy_credits(services, PERSON, "pack-500", "pack-1")

    assert isinstance(retried, credit_packs.CreditsBought)
    entries = ledger_entries(services.repository, PERSON.subject)
    assert [(e.kind, e.actor) for e in entries if e.payment_id == retried.payment.id] == [
        (EntryKind.GRANT, PERSON.actor)
    ]


def test_a_refund_takes_back_what_is_unspent_and_records_what_was_spent(
    services: Services, clock: FixedClock
) -> None:
    subscribe(services, PERSON, "starter", MONTHLY)
    bought = credit_packs.buy_credits(services, PERSON, "pack-500", "pack-1")
    assert isinstance(bought, credit_packs.CreditsBought)
    spend_all_but(services, 300)  # the pack's lot is the last to be spent: 200 of it go
    payment = bought.payment
    assert payment.charge_id is not None

    half = paying.refund_payment(services, PERSON.subject, payment.id, 500)
    refunded = {"id": "ch_1", "object": "charge", "payment_intent": payment.charge_id, "amount_refunded": 500}
    deliver(services, "charge.refunded", refunded, "evt_half")
    deliver(services, "charge.refunded", refunded, "evt_half")
    rest = paying.refund_payment(services, PERSON.subject, payment.id, None)
    deliver(services, "charge.refunded", {**refunded, "amount_refunded": 1_000}, "evt_all")
    deliver(services, "charge.refunded", refunded, "evt_half_late")  # an older event, arriving last

    assert (half, rest) == ((payment.charge_id, 500), (payment.charge_id, 1_000))

    entries = ledger_entries(services.repository, PERSON.subject)
    taken = [(e.amount, e.description) for e in entries if e.kind is EntryKind.ADJUST]
    assert taken == [
        (-250, "$5.00 of the payment of $10.00 refunded: 250 credits taken back"),
        (-50, "Payment of $10.00 refunded: 50 credits taken back, 200 credits already spent or expired"),
    ]
    after = stored_account(services.repository, PERSON.subject)
    assert after.balance == 0
    stored = services.repository.get_payment(PERSON.subject, payment.id)
    assert stored is not None and (stored.status, stored.refunded_cents) == (PaymentStatus.REFUNDED, 1_000)
    assert_ledger_adds_up(entries, after)


def test_a_disputed_plan_payment_takes_its_credits_back_and_drops_to_free(services: Services) -> None:
    made = subscribe(services, PERSON, "pro", MONTHLY)
    [payment] = services.repository.payments_page(PERSON.subject, 10, None)[0]
    dispute = {"id": "dp_1", "object": "dispute", "payment_intent": payment.charge_id, "amount": 4_900}

    deliver(services, "charge.dispute.created", dispute, "evt_dispute")
    deliver(services, "charge.dispute.created", dispute, "evt_dispute_again")

    after = stored_account(services.repository, PERSON.subject)
    assert (made.plan_id, after.plan_id) == ("pro", "free")
    descriptions = [e.description for e in ledger_entries(services.repository, PERSON.subject)]
    assert "Payment of $49.00 disputed: 2,900 credits taken back" in descriptions
    assert "Pro ended: its payment was disputed; now on Free" in descriptions
    stored = services.repository.get_payment(PERSON.subject, payment.id)
    assert stored is not None and stored.status is PaymentStatus.DISPUTED


def test_events_about_charges_this_service_did_not_make_change_nothing(services: Services) -> None:
    subscribe(services, PERSON, "pro", MONTHLY)
    before = stored_account(services.repository, PERSON.subject)
    someone_elses = {"id": "pi_unknown", "object": "payment_intent", "metadata": {}}

    deliver(services, "payment_intent.succeeded", someone_elses, "evt_x")
    deliver(services, "customer.created", {"id": "cus_1", "object": "customer"}, "evt_y")

    assert stored_account(services.repository, PERSON.subject) == before


def spend_all_but(services: Services, left: int) -> None:
    """Spend 1080p images until `left` credits are available."""
    available = stored_account(services.repository, PERSON.subject).available
    n = 0
    while available > left:
        outputs = max(1, min(4, (available - left) // 2))
        recorded(ledger.consume(services, SERVICE, PERSON.subject, image(outputs), f"job-{n}", f"spend-{n}"))
        n += 1
        available = stored_account(services.repository, PERSON.subject).available
