"""Payments as read: the card on file, a payment, the list of them, the packs on sale."""

from datetime import datetime

import strawberry

from studio_credits.api.enums import PaymentPurpose, PaymentStatus
from studio_credits.api.ledger.types import PageInfo
from studio_credits.domain import payments
from studio_credits.domain.wording import card_text


@strawberry.type
class SavedCard:
    brand: str = strawberry.field(description='The card network, as Stripe names it: "visa", "mastercard".')
    last4: str
    exp_month: int
    exp_year: int

    @classmethod
    def of(cls, card: payments.Card) -> "SavedCard":
        return cls(brand=card.brand, last4=card.last4, exp_month=card.exp_month, exp_year=card.exp_year)


@strawberry.type
class Payment:
    id: strawberry.ID
    amount_cents: int
    currency: str
    purpose: PaymentPurpose
    description: str = strawberry.field(description="What it pays for, in words.")
    status: PaymentStatus
    card: str = strawberry.field(description='The card charged, in words: "Visa •••• 4242".')
    created_at: datetime
    settled_at: datetime | None
    refunded_cents: int
    failure_reason: str | None = strawberry.field(description="Why it was declined, in words.")

    @classmethod
    def of(cls, payment: payments.Payment) -> "Payment":
        return cls(
            id=strawberry.ID(payment.id),
            amount_cents=payment.amount_cents,
            currency=payment.currency,
            purpose=payment.purpose,
            description=payment.description,
            status=payment.status,
            card=card_text(payment.card_brand, payment.card_last4),
            created_at=payment.created_at,
            settled_at=payment.settled_at,
            refunded_cents=payment.refunded_cents,
            failure_reason=payment.failure_reason,
        )


@strawberry.type
class PaymentEdge:
    cursor: str
    node: Payment


@strawberry.type
class PaymentConnection:
    edges: list[PaymentEdge]
    page_info: PageInfo


@strawberry.type
class CreditPack:
    id: strawberry.ID
    credits: int
    price_cents: int

    @classmethod
    def of(cls, pack: payments.CreditPack) -> "CreditPack":
        return cls(id=strawberry.ID(pack.id), credits=pack.credits, price_cents=pack.price_cents)


@strawberry.type
class StripeSettings:
    publishable_key: str
    script_url: str | None = strawberry.field(
        description="Where to load Stripe.js from when it is not Stripe's own (localstripe's stand-in)."
    )
