"""Stripe behind the PaymentProvider port, on stripe-python's StripeClient: the same code against
Stripe and against localstripe (docs/localstripe.md says where the two differ).

`stripe` is imported by the first call that needs it, never with this module: the API's cold
start does not pay for it (bench/cold_start.py), nor does a request that charges nothing.
"""

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import cached_property
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from studio_credits.domain.payments import (
    CURRENCY,
    Card,
    ChargeOutcome,
    ChargeRequest,
    ChargeStatus,
    PaymentEvent,
    PaymentEventKind,
)
from studio_credits.service.ports import (
    CardDeclined,
    InvalidSignature,
    PaymentProviderUnavailable,
    UnknownCharge,
)

if TYPE_CHECKING:
    from stripe import PaymentIntent, SetupIntent, StripeClient, StripeError
    from stripe.params import PaymentIntentCreateParams

TIMEOUT_SECONDS = 10.0
DECLINED = "Your card was declined."
AUTHENTICATION_FAILED = "The card's authentication failed."
DECLINE_REASONS = {
    "card_declined": DECLINED,
    "generic_decline": DECLINED,
    "do_not_honor": DECLINED,
    "insufficient_funds": "Your card has insufficient funds.",
    "expired_card": "Your card has expired.",
    "incorrect_cvc": "Your card's security code is incorrect.",
    "invalid_cvc": "Your card's security code is incorrect.",
    "incorrect_number": "Your card number is incorrect.",
    "lost_card": DECLINED,
    "stolen_card": DECLINED,
    "authentication_required": "Your bank asks you to authenticate this payment: pay while you are here.",
    "payment_intent_authentication_failure": "The card's authentication (3D Secure) failed.",
    "setup_intent_authentication_failure": AUTHENTICATION_FAILED,
}
"""Stripe's decline codes (a bank's reason) and error codes, in words; any other is DECLINED."""

EVENT_KINDS = {
    "payment_intent.succeeded": PaymentEventKind.SUCCEEDED,
    "payment_intent.payment_failed": PaymentEventKind.FAILED,
    "charge.refunded": PaymentEventKind.REFUNDED,
    "charge.dispute.created": PaymentEventKind.DISPUTED,
}


def decline_reason(decline_code: str | None, code: str | None) -> str:
    return DECLINE_REASONS.get(decline_code or "") or DECLINE_REASONS.get(code or "", DECLINED)


def error_reason(error: object | None) -> str:
    """An error object's reason in words; localstripe's lack the fields they do not set."""
    return (
        DECLINED
        if error is None
        else decline_reason(getattr(error, "decline_code", None), getattr(error, "code", None))
    )


class StripeProvider:
    """The port on Stripe (or localstripe at `api_base`). The API key and the webhook secret are
    read when first needed (in Lambda, from Parameter Store), not when the provider is built."""

    def __init__(
        self,
        api_key: Callable[[], str],
        webhook_secret: Callable[[], str],
        publishable_key: str,
        api_base: str | None = None,
        script_url: str | None = None,
        timeout_seconds: float = TIMEOUT_SECONDS,
    ) -> None:
        self._api_key = api_key
        self._webhook_secret = webhook_secret
        self._publishable_key = publishable_key
        self._api_base = api_base
        self._script_url = script_url
        self._timeout_seconds = timeout_seconds

    @property
    def publishable_key(self) -> str:
        return self._publishable_key

    @property
    def script_url(self) -> str | None:
        return self._script_url

    @cached_property
    def _client(self) -> "StripeClient":
        import stripe

        return stripe.StripeClient(
            self._api_key(),
            base_addresses={"api": self._api_base} if self._api_base else {},
            max_network_retries=0,
            http_client=stripe.RequestsClient(timeout=self._timeout_seconds),
        )

    def create_customer(self, account_id: str, email: str | None) -> str:
        with answered():
            customer = self._client.v1.customers.create(
                {"metadata": {"account_id": account_id}, **({"email": email} if email else {})}
            )
        return customer.id

    def start_card_setup(self, customer_id: str) -> str:
        with answered():
            intent = self._client.v1.setup_intents.create({"customer": customer_id, "usage": "off_session"})
        if intent.client_secret is None:
            raise PaymentProviderUnavailable()
        return intent.client_secret

    def finish_card_setup(self, customer_id: str, setup_intent_id: str) -> Card:
        import stripe

        with answered():
            intent = self._client.v1.setup_intents.retrieve(setup_intent_id)
            if expandable_id(intent.customer) != customer_id:
                raise CardDeclined("This card was not set up for this account: add it again.")
            method_id = expandable_id(intent.payment_method)
            if intent.status != "succeeded" or method_id is None:
                raise CardDeclined(setup_failure(intent))
            method = self._client.v1.payment_methods.retrieve(method_id)
            if method.card is None:
                raise CardDeclined("Only cards can be saved here.")
            if method.customer is None:  # Stripe attaches it; localstripe does not
                try:
                    self._client.v1.payment_methods.attach(method.id, {"customer": customer_id})
                except stripe.CardError as error:
                    raise CardDeclined(reason_of(error)) from error
            elif expandable_id(method.customer) != customer_id:
                raise CardDeclined("This card was not set up for this account: add it again.")
            self._client.v1.customers.update(
                customer_id, {"invoice_settings": {"default_payment_method": method.id}}
            )
        card = method.card
        return Card(method.id, card.brand, card.last4, card.exp_month, card.exp_year)

    def charge(self, request: ChargeRequest) -> ChargeOutcome:
        import stripe

        params: PaymentIntentCreateParams = {
            "amount": request.amount_cents,
            "currency": CURRENCY,
            "customer": request.customer_id,
            "payment_method": request.payment_method_id,
            "confirm": True,
            # In the metadata, not `description`: localstripe refuses that parameter.
            "metadata": {
                "account_id": request.account_id,
                "payment_id": request.payment_id,
                "description": request.description,
            },
        }
        if request.off_session:
            params["off_session"] = True
        try:
            intent = self._client.v1.payment_intents.create(
                params, {"idempotency_key": request.idempotency_key}
            )
        except stripe.CardError as error:
            return ChargeOutcome(ChargeStatus.DECLINED, self._declined_intent(error), None, reason_of(error))
        except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError):
            return ChargeOutcome(ChargeStatus.UNKNOWN, None)
        return outcome(intent)

    def _declined_intent(self, error: "StripeError") -> str | None:
        """The PaymentIntent a decline left: Stripe names it, localstripe names only its charge."""
        import stripe

        intent = getattr(error.error, "payment_intent", None)
        charge_id = getattr(error.error, "charge", None)
        if intent is not None or charge_id is None:
            return expandable_id(intent)
        try:
            return expandable_id(self._client.v1.charges.retrieve(charge_id).payment_intent)
        except stripe.StripeError:
            return None

    def find_charge(self, request: ChargeRequest) -> ChargeOutcome | None:
        # localstripe ignores idempotency keys: the payment's first PaymentIntent is looked up by
        # its metadata (Stripe lists newest first; the embedded localstripe is made to, too).
        found = None
        with answered():
            listed = self._client.v1.payment_intents.list({"customer": request.customer_id, "limit": 100})
            for intent in listed.auto_paging_iter():
                if metadata_of(intent).get("payment_id") == request.payment_id:
                    found = intent
        return None if found is None else outcome(found)

    def charge_outcome(self, charge_id: str) -> ChargeOutcome:
        import stripe

        with answered():
            try:
                return outcome(self._client.v1.payment_intents.retrieve(charge_id))
            except stripe.InvalidRequestError as error:
                if error.http_status == HTTPStatus.NOT_FOUND:
                    raise UnknownCharge(charge_id) from error
                raise

    def refund(self, charge_id: str, amount_cents: int | None = None) -> int:
        with answered():
            if amount_cents is None:
                # The rest, named: localstripe would refund the whole amount again, Stripe the rest.
                paid = self._client.v1.charges.retrieve(self._charge_of(charge_id))
                amount_cents = paid.amount - paid.amount_refunded
                if amount_cents <= 0:
                    return paid.amount_refunded
            refund = self._client.v1.refunds.create({"payment_intent": charge_id, "amount": amount_cents})
            charge_id_refunded = expandable_id(refund.charge)
            if charge_id_refunded is None:
                return refund.amount
            return self._client.v1.charges.retrieve(charge_id_refunded).amount_refunded

    def _charge_of(self, payment_intent_id: str) -> str:
        charge = expandable_id(self._client.v1.payment_intents.retrieve(payment_intent_id).latest_charge)
        if charge is None:
            raise UnknownCharge(payment_intent_id)
        return charge

    def parse_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        import stripe

        try:
            stripe.WebhookSignature.verify_header(
                payload, signature, self._webhook_secret(), tolerance=stripe.Webhook.DEFAULT_TOLERANCE
            )
            return event_of(json.loads(payload))
        except (stripe.SignatureVerificationError, ValueError, KeyError, TypeError, AttributeError) as error:
            raise InvalidSignature(str(error)) from error


@contextmanager
def answered() -> Iterator[None]:
    """Stripe not answering (no connection, a timeout, its own error, throttling) is Unavailable."""
    import stripe

    try:
        yield
    except (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError) as error:
        raise PaymentProviderUnavailable() from error


def expandable_id(field: Any) -> str | None:
    """The id of a field Stripe gives as an id or, expanded (as localstripe may), as the object."""
    return field if isinstance(field, str) or field is None else str(field.id)


def metadata_of(intent: "PaymentIntent") -> dict[str, str]:
    return intent.metadata.to_dict() if intent.metadata else {}


def reason_of(error: "StripeError") -> str:
    return error_reason(error.error)


def setup_failure(intent: "SetupIntent") -> str:
    """Why a SetupIntent did not succeed: an authentication not (or not successfully) done, or a
    decline. localstripe cancels the SetupIntent in both cases and keeps no `last_setup_error`."""
    error = getattr(intent, "last_setup_error", None)
    if intent.status == "requires_action" or (
        error is not None and error.code == "setup_intent_authentication_failure"
    ):
        return AUTHENTICATION_FAILED
    return error_reason(error)


def outcome(intent: "PaymentIntent") -> ChargeOutcome:
    metadata = metadata_of(intent)
    found = {"account_id": metadata.get("account_id"), "payment_id": metadata.get("payment_id")}
    match intent.status:
        case "succeeded":
            return ChargeOutcome(ChargeStatus.SUCCEEDED, intent.id, **found)
        case "requires_action":
            return ChargeOutcome(ChargeStatus.REQUIRES_ACTION, intent.id, intent.client_secret, **found)
        case "requires_payment_method" | "canceled":
            reason = error_reason(getattr(intent, "last_payment_error", None))
            return ChargeOutcome(ChargeStatus.DECLINED, intent.id, None, reason, **found)
        case _:  # processing, or not confirmed yet
            return ChargeOutcome(ChargeStatus.UNKNOWN, intent.id, **found)


def event_of(event: dict[str, Any]) -> PaymentEvent:
    """The event as the service reads it: a PaymentIntent's carries its metadata; a charge's or a
    dispute's names its PaymentIntent only (a charge's metadata may be empty), so the service asks
    for the rest (`charge_outcome`)."""
    kind = EVENT_KINDS.get(event["type"], PaymentEventKind.IGNORED)
    thing = event["data"]["object"]
    match kind:
        case PaymentEventKind.SUCCEEDED | PaymentEventKind.FAILED:
            metadata = thing.get("metadata") or {}
            error = thing.get("last_payment_error") or {}
            reason = (
                None
                if kind is PaymentEventKind.SUCCEEDED
                else decline_reason(error.get("decline_code"), error.get("code"))
            )
            return PaymentEvent(
                event["id"],
                kind,
                thing["id"],
                metadata.get("account_id"),
                metadata.get("payment_id"),
                decline_reason=reason,
            )
        case PaymentEventKind.REFUNDED:
            return PaymentEvent(
                event["id"], kind, thing.get("payment_intent"), refunded_cents=thing["amount_refunded"]
            )
        case PaymentEventKind.DISPUTED:
            return PaymentEvent(event["id"], kind, thing.get("payment_intent"))
        case PaymentEventKind.IGNORED:
            return PaymentEvent(event["id"], kind, None)
