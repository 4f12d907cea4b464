"""Saving a test card without a browser, as Stripe.js would: for the demo and the tests, against
localstripe or Stripe's test mode only (raw card numbers are refused by Stripe in live mode)."""

from typing import Any

from studio_credits.settings import Settings

PAYS = "4242424242424242"


def confirm_card_setup(settings: Settings, client_secret: str, number: str = PAYS) -> str:
    """Confirm the SetupIntent of `client_secret` with a test card number, passing 3D Secure where
    the card asks for it; its id. A declined card raises stripe.CardError, as Stripe.js answers an
    error."""
    import stripe

    client = stripe.StripeClient(
        settings.stripe_api_key,
        base_addresses={"api": settings.stripe_api_base} if settings.stripe_api_base else {},
        max_network_retries=0,
    )
    setup_intent_id = client_secret.split("_secret_", maxsplit=1)[0]
    card: Any = {"type": "card", "card": {"number": number, "exp_month": 12, "exp_year": 2031, "cvc": "123"}}
    confirmed = client.v1.setup_intents.confirm(setup_intent_id, {"payment_method_data": card})
    if confirmed.status == "requires_action":
        # A 3D Secure card: confirming again is what localstripe's "Complete authentication" does.
        client.v1.setup_intents.confirm(setup_intent_id)
    return setup_intent_id
