"""StripeProvider against the embedded localstripe: cards saved as the web client saves them, charges,
3D Secure, refunds, and webhook events verified (delivered by localstripe, or signed here for what
localstripe never sends: refunds and disputes)."""

import asyncio
import json
import threading
import time
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, HTTPServer
from typing import Any

import httpx
import pytest
import stripe
from starlette.applications import Starlette

from studio_credits.api.stripe_webhook import PATH, stripe_webhook_route
from studio_credits.domain.payments import Card, ChargeOutcome, ChargeRequest, ChargeStatus, PaymentEventKind
from studio_credits.payments.localstripe import register_webhook
from studio_credits.payments.stripe_provider import StripeProvider
from studio_credits.service.ports import CardDeclined, InvalidSignature, Services
from tests.conftest import SETTINGS

PAYS = "4242424242424242"
DECLINED_AT_SETUP = "4000000000000002"
ASKS_FOR_3DS = "4000002760003184"
DECLINED_AT_CHARGE = "4000000000000341"
SECRET = SETTINGS.stripe_webhook_secret


@pytest.fixture
def client(localstripe_url: str) -> stripe.StripeClient:
    """What the web client's Stripe.js does, with stripe-python: confirming a SetupIntent."""
    return stripe.StripeClient(
        SETTINGS.stripe_api_key, base_addresses={"api": localstripe_url}, max_network_retries=0
    )


def confirm_setup(client: stripe.StripeClient, client_secret: str, number: str) -> str:
    """The SetupIntent's id, confirmed with a raw card number as localstripe's Stripe.js sends it."""
    setup_intent_id = client_secret.split("_secret_", maxsplit=1)[0]
    card: Any = {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    client.v1.setup_intents.confirm(setup_intent_id, {"payment_method_data": card})
    return setup_intent_id


def saved_card(provider: StripeProvider, client: stripe.StripeClient, number: str) -> tuple[str, Card]:
    customer = provider.create_customer("acct-1", "a@example.com")
    setup_intent_id = confirm_setup(client, provider.start_card_setup(customer), number)
    return customer, provider.finish_card_setup(customer, setup_intent_id)


def charge_request(customer: str, card: Card, payment_id: str = "pay-1", cents: int = 10_00) -> ChargeRequest:
    return ChargeRequest(
        customer, card.payment_method_id, cents, "500 credits", f"key-{payment_id}", "acct-1", payment_id
    )


def authenticate(base_url: str, outcome: ChargeOutcome, success: bool) -> None:
    """What the person does in localstripe's 3D Secure modal (its own endpoint, not Stripe's API)."""
    assert outcome.charge_id is not None and outcome.client_secret is not None
    body = urllib.parse.urlencode(
        {"key": SETTINGS.stripe_publishable_key, "client_secret": outcome.client_secret}
    )
    request = urllib.request.Request(  # noqa: S310 (localstripe's http URL)
        f"{base_url}/v1/payment_intents/{outcome.charge_id}/_authenticate?success={str(success).lower()}",
        data=body.encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310
        pass


def test_a_card_set_up_as_the_web_client_does_is_saved_as_the_customers_default(
    stripe_provider: StripeProvider, client: stripe.StripeClient
) -> None:
    customer, card = saved_card(stripe_provider, client, PAYS)

    assert (card.brand, card.last4, card.exp_month, card.exp_year) == ("visa", "4242", 12, 2031)
    saved = client.v1.customers.retrieve(customer)
    assert saved.invoice_settings is not None
    assert saved.invoice_settings.default_payment_method == card.payment_method_id
    assert client.v1.payment_methods.retrieve(card.payment_method_id).customer == customer
    assert saved.metadata is not None and saved.metadata.to_dict() == {"account_id": "acct-1"}


def test_a_card_the_bank_declines_is_not_saved(
    stripe_provider: StripeProvider, client: stripe.StripeClient
) -> None:
    customer = stripe_provider.create_customer("acct-1", None)
    secret = stripe_provider.start_card_setup(customer)
    with pytest.raises(stripe.CardError):  # what Stripe.js shows the person
        confirm_setup(client, secret, DECLINED_AT_SETUP)

    with pytest.raises(CardDeclined, match="Your card was declined"):
        stripe_provider.finish_card_setup(customer, secret.split("_secret_", maxsplit=1)[0])


def test_a_setup_still_waiting_for_3d_secure_saves_nothing(
    stripe_provider: StripeProvider, client: stripe.StripeClient
) -> None:
    customer = stripe_provider.create_customer("acct-1", None)
    setup_intent_id = confirm_setup(client, stripe_provider.start_card_setup(customer), ASKS_FOR_3DS)

    with pytest.raises(CardDeclined, match="authentication failed"):
        stripe_provider.finish_card_setup(customer, setup_intent_id)


def test_another_customers_setup_is_refused(
    stripe_provider: StripeProvider, client: stripe.StripeClient
) -> None:
    customer = stripe_provider.create_customer("acct-1", None)
    setup_intent_id = confirm_setup(client, stripe_provider.start_card_setup(customer), PAYS)

    with pytest.raises(CardDeclined, match="not set up for this account"):
        stripe_provider.finish_card_setup(stripe_provider.create_customer("acct-2", None), setup_intent_id)


def test_a_charge_on_the_saved_card_succeeds_with_the_payment_in_its_metadata(
    stripe_provider: StripeProvider, client: stripe.StripeClient
) -> None:
    customer, card = saved_card(stripe_provider, client, PAYS)

    charged = stripe_provider.charge(replace(charge_request(customer, card), off_session=True))

    assert charged.status is ChargeStatus.SUCCEEDED and charged.charge_id is not None
    assert stripe_provider.charge_outcome(charged.charge_id) == replace(
        charged, account_id="acct-1", payment_id="pay-1"
    )
    intent = client.v1.payment_intents.retrieve(charged.charge_id)
    assert (intent.amount, intent.currency, intent.customer) == (10_00, "usd", customer)
    assert intent.metadata.to_dict()["description"] == "500 credits"


def test_a_card_declined_at_charge_is_declined_in_words(
    stripe_provider: StripeProvider, client: stripe.StripeClient
) -> None:
    customer, card = saved_card(stripe_provider, client, DECLINED_AT_CHARGE)

    declined = stripe_provider.charge(charge_request(customer, card))

    assert declined.status is ChargeStatus.DECLINED
    assert declined.decline_reason == "Your card was declined."
    assert declined.charge_id is not None and declined.charge_id.startswith("pi_")
    later = stripe_provider.charge_outcome(declined.charge_id)
    assert (later.status, later.decline_reason, later.payment_id) == (
        ChargeStatus.DECLINED,
        "Your card was declined.",
        "pay-1",
    )


@pytest.mark.parametrize(
    ("success", "status", "reason"),
    [
        (True, ChargeStatus.SUCCEEDED, None),
        (False, ChargeStatus.DECLINED, "The card's authentication (3D Secure) failed."),
    ],
)
def test_a_charge_asking_for_3d_secure_is_settled_by_the_authentication(
    stripe_provider: StripeProvider,
    client: stripe.StripeClient,
    localstripe_url: str,
    success: bool,
    status: ChargeStatus,
    reason: str | None,
) -> None:
    customer, card = saved_card(stripe_provider, client, PAYS)
    pays_after_3ds = client.v1.payment_methods.create(
        {"type": "card", "card": {"number": ASKS_FOR_3DS, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    )
    client.v1.payment_methods.attach(pays_after_3ds.id, {"customer": customer})

    asked = stripe_provider.charge(
        replace(charge_request(customer, card), payment_method_id=pays_after_3ds.id)
    )
    assert asked.status is ChargeStatus.REQUIRES_ACTION
    assert asked.client_secret is not None and asked.client_secret.startswith(f"{asked.charge_id}_secret_")

    authenticate(localstripe_url, asked, success)

    assert asked.charge_id is not None
    settled = stripe_provider.charge_outcome(asked.charge_id)
    assert (settled.status, settled.decline_reason) == (status, reason)


def test_find_charge_finds_the_payments_first_charge_only(
    stripe_provider: StripeProvider, client: stripe.StripeClient
) -> None:
    customer, card = saved_card(stripe_provider, client, PAYS)
    request = charge_request(customer, card)
    assert stripe_provider.find_charge(request) is None

    first = stripe_provider.charge(request)
    stripe_provider.charge(request)  # localstripe ignores the idempotency key: a second PaymentIntent
    stripe_provider.charge(charge_request(customer, card, payment_id="pay-2"))

    assert stripe_provider.find_charge(request) == replace(first, account_id="acct-1", payment_id="pay-1")
    assert stripe_provider.find_charge(replace(request, payment_id="pay-3")) is None


@pytest.mark.parametrize(("amount", "refunded"), [(None, 10_00), (300, 300)])
def test_a_refund_in_full_or_in_part(
    stripe_provider: StripeProvider, client: stripe.StripeClient, amount: int | None, refunded: int
) -> None:
    customer, card = saved_card(stripe_provider, client, PAYS)
    charged = stripe_provider.charge(charge_request(customer, card))
    assert charged.charge_id is not None

    stripe_provider.refund(charged.charge_id, amount)

    (refund,) = client.v1.refunds.list({"payment_intent": charged.charge_id}).data
    assert refund.amount == refunded


class Receiver(BaseHTTPRequestHandler):
    """Keeps what is POSTed to it: the body and the Stripe-Signature header."""

    received: list[tuple[bytes, str | None]]

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.received.append((body, self.headers.get("Stripe-Signature")))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def webhook_receiver() -> Iterator[tuple[str, list[tuple[bytes, str | None]]]]:
    received: list[tuple[bytes, str | None]] = []
    handler = type("Receiving", (Receiver,), {"received": received})
    server = HTTPServer(("127.0.0.1", 0), handler)
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/stripe/webhook", received
    finally:
        server.shutdown()
        serving.join()


def test_an_event_localstripe_delivers_verifies_and_names_the_payment(
    stripe_provider: StripeProvider,
    client: stripe.StripeClient,
    localstripe_url: str,
    webhook_receiver: tuple[str, list[tuple[bytes, str | None]]],
) -> None:
    url, received = webhook_receiver
    register_webhook(localstripe_url, url, SECRET, name="test-receiver")
    customer, card = saved_card(stripe_provider, client, PAYS)
    charged = stripe_provider.charge(charge_request(customer, card))

    deadline = time.monotonic() + 15
    succeeded = None
    while succeeded is None and time.monotonic() < deadline:
        time.sleep(0.2)
        events = [stripe_provider.parse_event(body, signature) for body, signature in list(received)]
        # Earlier tests' events may come too: each is sent a second after it happens.
        succeeded = next((e for e in events if e.charge_id == charged.charge_id), None)
    register_webhook(
        localstripe_url, "http://127.0.0.1:9/", SECRET, name="test-receiver"
    )  # none are deletable

    assert succeeded is not None
    assert (succeeded.kind, succeeded.account_id, succeeded.payment_id) == (
        PaymentEventKind.SUCCEEDED,
        "acct-1",
        "pay-1",
    )


def signed(
    event_type: str, thing: dict[str, Any], timestamp: int | None = None, secret: str = SECRET
) -> tuple[bytes, str]:
    payload = json.dumps(
        {
            "id": "evt_1",
            "object": "event",
            "type": event_type,
            "created": int(time.time()),
            "data": {"object": thing},
        }
    )
    return payload.encode(), stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp)


@pytest.fixture
def offline_provider() -> StripeProvider:
    """Reading events calls nothing: no localstripe needed."""
    return StripeProvider(lambda: "sk_test_unused", lambda: SECRET, "pk_test_unused", "http://127.0.0.1:9")


def test_a_refund_event_names_the_payment_intent_and_the_total_refunded(
    offline_provider: StripeProvider,
) -> None:
    charge = {
        "id": "ch_1",
        "object": "charge",
        "payment_intent": "pi_1",
        "amount_refunded": 300,
        "metadata": {},
    }

    event = offline_provider.parse_event(*signed("charge.refunded", charge))

    assert (event.id, event.kind, event.charge_id, event.refunded_cents) == (
        "evt_1",
        PaymentEventKind.REFUNDED,
        "pi_1",
        300,
    )
    assert (event.account_id, event.payment_id) == (None, None)


def test_a_dispute_event_names_the_payment_intent(offline_provider: StripeProvider) -> None:
    dispute = {"id": "dp_1", "object": "dispute", "charge": "ch_1", "payment_intent": "pi_1", "amount": 10_00}

    event = offline_provider.parse_event(*signed("charge.dispute.created", dispute))

    assert (event.kind, event.charge_id) == (PaymentEventKind.DISPUTED, "pi_1")


def test_a_failed_payment_event_says_why_and_others_are_ignored(offline_provider: StripeProvider) -> None:
    intent = {
        "id": "pi_1",
        "object": "payment_intent",
        "metadata": {"account_id": "acct-1", "payment_id": "pay-1"},
        "last_payment_error": {"code": "card_declined", "decline_code": "insufficient_funds"},
    }

    failed = offline_provider.parse_event(*signed("payment_intent.payment_failed", intent))
    ignored = offline_provider.parse_event(*signed("customer.created", {"id": "cus_1", "object": "customer"}))

    assert (failed.kind, failed.charge_id, failed.account_id, failed.payment_id, failed.decline_reason) == (
        PaymentEventKind.FAILED,
        "pi_1",
        "acct-1",
        "pay-1",
        "Your card has insufficient funds.",
    )
    assert (ignored.kind, ignored.charge_id) == (PaymentEventKind.IGNORED, None)


@pytest.mark.parametrize(
    "delivery",
    [
        signed("charge.refunded", {}, secret="whsec_someone_else"),
        signed("charge.refunded", {}, timestamp=int(time.time()) - 1_000),
        (b"{}", None),
        (b"not json", stripe.WebhookSignature.generate_signature_header("not json", SECRET)),
    ],
    ids=["wrong secret", "too old", "no signature", "not json"],
)
def test_an_event_not_verified_is_refused(
    offline_provider: StripeProvider, delivery: tuple[bytes, str | None]
) -> None:
    with pytest.raises(InvalidSignature):
        offline_provider.parse_event(*delivery)


def test_the_webhook_route_answers_400_to_a_bad_signature(
    services: Services, offline_provider: StripeProvider
) -> None:
    app = Starlette(routes=[stripe_webhook_route(replace(services, payments=offline_provider))])
    payload, _ = signed("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent"})

    async def post() -> httpx.Response:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://local") as http:
            return await http.post(PATH, content=payload, headers={"Stripe-Signature": "t=1,v1=00"})

    loop = asyncio.new_event_loop()  # not asyncio.run: it unsets the loop Mangum's tests ask for
    try:
        response = loop.run_until_complete(post())
    finally:
        loop.close()

    assert (response.status_code, response.json()) == (400, {"error": "invalid signature"})
