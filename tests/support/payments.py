"""Paying in tests as a person does: a card saved through a SetupIntent confirmed as Stripe.js
confirms it (with a raw test card number, which localstripe takes), and 3D Secure answered in
localstripe's own authentication step."""

import urllib.parse
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import stripe

from studio_credits.bootstrap import stripe_provider
from studio_credits.domain.access import Principal
from studio_credits.domain.account import Account
from studio_credits.domain.payments import ChargeOutcome, ChargeRequest, ChargeStatus, Payment
from studio_credits.payments import localstripe, test_cards
from studio_credits.service import payments as paying
from studio_credits.service.ports import PaymentProvider, Services
from studio_credits.settings import Settings

PAYS = test_cards.PAYS
DECLINED_AT_SETUP = "4000000000000002"
"""localstripe declines it when it is saved (Stripe would decline it at the charge)."""
DECLINED_AT_CHARGE = "4000000000000341"
ASKS_FOR_3DS = "4000002760003184"


def confirm_setup(
    client_secret: str, number: str, api_base: str | None = None, *, authenticate: bool = True
) -> str:
    """The SetupIntent's id, confirmed with a raw card number on the localstripe the tests run (or
    the one at `api_base`: a local server's own)."""
    settings = Settings.from_environment()
    if api_base is not None:
        settings = settings.model_copy(update={"stripe_api_base": api_base})
    return test_cards.confirm_card_setup(settings, client_secret, number, authenticate=authenticate)


def save_card(services: Services, who: Principal, number: str = PAYS) -> Account | paying.CardNotSaved:
    """The Plan page's "Add a card": a SetupIntent, confirmed in the browser, then saved."""
    secret = paying.start_card_setup(services, who)
    try:
        setup_intent_id = confirm_setup(secret, number)
    except stripe.CardError:
        setup_intent_id = secret.split("_secret_", maxsplit=1)[0]
    return paying.save_card(services, who, setup_intent_id)


def with_card(services: Services, who: Principal, number: str = PAYS) -> Account:
    saved = save_card(services, who, number)
    if not isinstance(saved, Account):
        raise AssertionError(saved)
    return saved


def authenticate(client_secret: str, success: bool, api_base: str | None = None) -> None:
    """What the person does in localstripe's 3D Secure step (its own endpoint, not Stripe's API), on
    the tests' localstripe or the one at `api_base`."""
    settings = Settings.from_environment()
    charge_id = client_secret.split("_secret_", maxsplit=1)[0]
    body = urllib.parse.urlencode({"key": settings.stripe_publishable_key, "client_secret": client_secret})
    base = api_base or settings.stripe_api_base
    request = urllib.request.Request(  # noqa: S310 (localstripe's http URL)
        f"{base}/v1/payment_intents/{charge_id}/_authenticate?success={str(success).lower()}",
        data=body.encode(),
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310
        pass


START_CARD_SETUP = "mutation { startCardSetup { clientSecret } }"
SAVE_CARD = """mutation Save($input: SaveCardInput!) { saveCard(input: $input) {
  __typename ... on CardSaved { card { brand last4 expMonth expYear } } ... on CardDeclined { message }
} }"""


def card_through_api(
    ask: Callable[[str, dict[str, Any] | None], Any], number: str = PAYS, api_base: str | None = None
) -> Any:
    """The Plan page's "Add a card" through GraphQL: `ask(query, variables)` gives a response's data;
    the saveCard result. `api_base`: the Stripe the server behind `ask` uses, if not the tests' own."""
    secret = ask(START_CARD_SETUP, None)["startCardSetup"]["clientSecret"]
    try:
        setup_intent_id = confirm_setup(secret, number, api_base)
    except stripe.CardError:
        setup_intent_id = secret.split("_secret_", maxsplit=1)[0]
    return ask(SAVE_CARD, {"input": {"setupIntentId": setup_intent_id}})["saveCard"]


def local_stripe() -> PaymentProvider:
    """The Stripe adapter on the localstripe the tests run, as the bootstrap builds it."""
    return stripe_provider(Settings.from_environment())


def signed_event(event_type: str, thing: Mapping[str, Any], event_id: str) -> tuple[bytes, str]:
    """A webhook event as Stripe sends it, signed with the tests' webhook secret."""
    secret = Settings.from_environment().stripe_webhook_secret
    return localstripe.signed_event(event_type, thing, event_id, secret)


def stripe_client() -> stripe.StripeClient:
    """Stripe's API as the tests' localstripe serves it, to look at what the service made there."""
    settings = Settings.from_environment()
    return stripe.StripeClient(
        settings.stripe_api_key, base_addresses={"api": settings.stripe_api_base or ""}, max_network_retries=0
    )


def payment_intents(customer_id: str) -> list[Any]:
    """The customer's PaymentIntents in localstripe, newest first."""
    return list(stripe_client().v1.payment_intents.list({"customer": customer_id, "limit": 100}).data)


@dataclass
class LostAnswers:
    """The Stripe adapter with its charges' answers lost, as by a timeout after Stripe made the
    charge: every call reaches localstripe; `charge` then answers UNKNOWN (fault injection, as
    store/faults.py does for DynamoDB)."""

    provider: PaymentProvider

    def __getattr__(self, name: str) -> Any:
        return getattr(self.provider, name)

    def charge(self, request: ChargeRequest) -> ChargeOutcome:
        made = self.provider.charge(request)
        return ChargeOutcome(ChargeStatus.UNKNOWN, None) if made.status is not ChargeStatus.UNKNOWN else made


def deliver(services: Services, event_type: str, thing: Mapping[str, object], event_id: str) -> None:
    """A webhook event, signed as Stripe signs it, as the /stripe/webhook route hands it over."""
    body, header = signed_event(event_type, thing, event_id)
    paying.handle_payment_event(services, services.payment_provider.parse_event(body, header))


def intent_of(services: Services, payment: Payment) -> dict[str, object]:
    """The payment's PaymentIntent as a webhook event carries it."""
    assert payment.charge_id is not None
    charge = services.payment_provider.charge_outcome(payment.charge_id)
    metadata = {"account_id": charge.account_id, "payment_id": charge.payment_id}
    return {"id": payment.charge_id, "object": "payment_intent", "metadata": metadata}
