"""Payments' use cases."""

from studio_credits.domain.payments import PaymentEvent
from studio_credits.service.ports import Services


def handle_payment_event(services: Services, event: PaymentEvent) -> None:
    """Apply a verified webhook event to its payment, once."""
    # placeholder: replaced at merge (the use case is written on main)
    raise NotImplementedError
