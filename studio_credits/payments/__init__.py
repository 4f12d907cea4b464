"""Payments through Stripe (stripe_provider.py), the PaymentProvider of service/ports.py; locally,
Stripe's emulator localstripe in the same process (localstripe.py, dev and tests only)."""
