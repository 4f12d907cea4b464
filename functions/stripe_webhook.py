"""Lambda entry point of Stripe's webhook (HTTP API v2 events; no JWT: Stripe signs each event)."""

from studio_credits.bootstrap import stripe_webhook_handler

handler = stripe_webhook_handler()
