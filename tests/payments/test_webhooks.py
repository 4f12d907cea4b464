"""Stripe's webhook events on their own, through the use case the /stripe/webhook route calls: what
each settles when the API's answer was lost, who the ledger says did it, and the events this
service must leave alone."""

from dataclasses import dataclass, field, replace
from typing import Any

import pytest

from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.payments import ChargeOutcome, Payment, PaymentStatus
from studio_credits.service import credit_packs, plans
from studio_credits.service import payments as paying
from studio_credits.service.ports import PaymentProvider, Services
from tests.support.accounts import PERSON, subscribe
from tests.support.ledger import assert_ledger_adds_up, ledger_entries, stored_account
from tests.support.payments import (
    ASKS_FOR_3DS,
    DECLINED_AT_CHARGE,
    LostAnswers,
    authenticate,
    deliver,
    payment_intents,
    with_card,
)

MONTHLY = BillingInterval.MONTHLY


@dataclass
class CountedLookups:
    """The Stripe adapter, counting how often the service asks it about a charge."""

    provider: PaymentProvider
    asked: list[str] = field(default_factory=list)

    def __getattr__(self, name: str) -> Any:
        return getattr(self.provider, name)

    def charge_outcome(self, charge_id: str) -> ChargeOutcome:
        self.asked.append(charge_id)
        return self.provider.charge_outcome(charge_id)


def lost(services: Services) -> Services:
    return replace(services, payments=LostAnswers(services.payment_provider))


def the_payment(services: Services) -> Payment:
    """The person's newest payment."""
    return services.repository.payments_page(PERSON.subject, 10, None)[0][0]


def the_intent(services: Services, **fields: object) -> dict[str, object]:
    """The person's newest PaymentIntent, as a payment_intent event carries it."""
    intent = payment_intents(stored_account(services.repository, PERSON.subject).customer_id or "")[0]
    return {"id": intent.id, "object": "payment_intent", "metadata": intent.metadata.to_dict(), **fields}


def entries_of(services: Services, payment: Payment) -> list[tuple[EntryKind, int, str]]:
    entries = ledger_entries(services.repository, PERSON.subject)
    return [(entry.kind, entry.amount, entry.actor) for entry in entries if entry.payment_id == payment.id]


def test_a_failed_payment_event_declines_the_payment_whose_answer_was_lost(
    services: Services, clock: FixedClock
) -> None:
    with_card(services, PERSON, DECLINED_AT_CHARGE)
    pending = plans.change_plan(lost(services), PERSON, "pro", MONTHLY, "pro-1")
    assert isinstance(pending, paying.PaymentPending)
    failure = {"code": "card_declined", "decline_code": "insufficient_funds"}
    intent = the_intent(services, last_payment_error=failure)

    deliver(services, "payment_intent.payment_failed", intent, "evt_failed")
    retried = plans.change_plan(services, PERSON, "pro", MONTHLY, "pro-1")

    stored = the_payment(services)
    assert (stored.status, stored.charge_id, stored.failure_reason, stored.settled_at) == (
        PaymentStatus.FAILED,
        intent["id"],
        "Your card has insufficient funds.",
        clock.now(),
    )
    assert retried == paying.PaymentDeclined("Your card has insufficient funds.", stored)
    assert stored_account(services.repository, PERSON.subject).plan_id == "free"
    assert len(payment_intents(stored_account(services.repository, PERSON.subject).customer_id or "")) == 1


def test_a_change_the_webhook_applies_is_the_webhooks_on_the_ledger(services: Services) -> None:
    with_card(services, PERSON)
    plans.change_plan(lost(services), PERSON, "pro", MONTHLY, "pro-1")
    intent = the_intent(services)

    deliver(services, "payment_intent.succeeded", intent, "evt_paid")

    payment = the_payment(services)
    assert (payment.status, payment.charge_id) == (PaymentStatus.SUCCEEDED, intent["id"])
    assert entries_of(services, payment) == [
        (EntryKind.PLAN_CHANGE, 0, paying.WEBHOOK_ACTOR),
        (EntryKind.GRANT, 2_900, paying.WEBHOOK_ACTOR),
    ]


def test_a_change_the_person_confirms_after_3d_secure_is_theirs_on_the_ledger(services: Services) -> None:
    with_card(services, PERSON, ASKS_FOR_3DS)
    asked = plans.change_plan(services, PERSON, "pro", MONTHLY, "pro-3ds")
    assert isinstance(asked, paying.PaymentActionRequired)
    authenticate(asked.client_secret, success=True)

    paying.confirm_payment(services, PERSON, asked.payment.id)

    assert {actor for _, _, actor in entries_of(services, asked.payment)} == {PERSON.actor}


def test_a_refund_arriving_before_the_success_applies_the_pack_then_takes_it_back(services: Services) -> None:
    subscribe(services, PERSON, "starter", MONTHLY)
    before = stored_account(services.repository, PERSON.subject)
    pending = credit_packs.buy_credits(lost(services), PERSON, "pack-500", "pack-1")
    assert isinstance(pending, paying.PaymentPending)
    intent_id = str(the_intent(services)["id"])
    refunded = {"id": "ch_1", "object": "charge", "payment_intent": intent_id, "amount_refunded": 1_000}

    deliver(services, "charge.refunded", refunded, "evt_refunded")

    payment = the_payment(services)
    assert (payment.status, payment.charge_id, payment.refunded_cents) == (
        PaymentStatus.REFUNDED,
        intent_id,
        1_000,
    )
    assert entries_of(services, payment) == [
        (EntryKind.GRANT, 500, paying.WEBHOOK_ACTOR),
        (EntryKind.ADJUST, -500, paying.WEBHOOK_ACTOR),
    ]
    after = stored_account(services.repository, PERSON.subject)
    assert after.balance == before.balance
    assert_ledger_adds_up(ledger_entries(services.repository, PERSON.subject), after)


def test_an_event_that_names_its_payment_costs_no_question_to_stripe(services: Services) -> None:
    with_card(services, PERSON)
    plans.change_plan(lost(services), PERSON, "pro", MONTHLY, "pro-1")
    counted = CountedLookups(services.payment_provider)

    deliver(replace(services, payments=counted), "payment_intent.succeeded", the_intent(services), "evt_paid")

    assert counted.asked == []
    assert stored_account(services.repository, PERSON.subject).plan_id == "pro"


@pytest.mark.parametrize("kept", ["account_id", "payment_id"])
def test_an_event_missing_part_of_its_metadata_is_settled_from_stripes_record(
    services: Services, kept: str
) -> None:
    with_card(services, PERSON)
    plans.change_plan(lost(services), PERSON, "pro", MONTHLY, "pro-1")
    intent = the_intent(services)
    metadata = intent["metadata"]
    assert isinstance(metadata, dict)

    deliver(services, "payment_intent.succeeded", {**intent, "metadata": {kept: metadata[kept]}}, "evt_paid")

    assert stored_account(services.repository, PERSON.subject).plan_id == "pro"


def test_events_this_service_has_no_payment_for_change_nothing(services: Services) -> None:
    subscribe(services, PERSON, "pro", MONTHLY)
    before = stored_account(services.repository, PERSON.subject)
    elsewhere = {"account_id": PERSON.subject, "payment_id": "01JZZZZZZZZZZZZZZZZZZZZZZZ"}
    another_environments = {"id": "pi_elsewhere", "object": "payment_intent", "metadata": elsewhere}
    no_intent = {"id": "ch_direct", "object": "charge", "payment_intent": None, "amount_refunded": 500}

    deliver(services, "payment_intent.succeeded", another_environments, "evt_elsewhere")
    deliver(services, "charge.refunded", no_intent, "evt_direct_charge")

    assert stored_account(services.repository, PERSON.subject) == before


def test_only_a_paid_payment_can_be_refunded(services: Services) -> None:
    with_card(services, PERSON, DECLINED_AT_CHARGE)
    declined = plans.change_plan(services, PERSON, "pro", MONTHLY, "pro-1")
    assert isinstance(declined, paying.PaymentDeclined) and declined.payment.charge_id is not None

    with pytest.raises(paying.PaymentNotFound, match=declined.payment.id):
        paying.refund_payment(services, PERSON.subject, declined.payment.id, None)
