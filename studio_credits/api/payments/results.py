"""What the paying mutations answer: a card saved or not, a payment's outcome, credits bought."""

from typing import Annotated

import strawberry

from studio_credits.api.accounts.types import Account
from studio_credits.api.errors import RefusalAnswer
from studio_credits.api.idempotency import IdempotencyConflict
from studio_credits.api.payments.types import Payment, SavedCard
from studio_credits.service import payments as paying


@strawberry.type
class CardSetup:
    client_secret: str = strawberry.field(description="For Stripe.js's confirmCardSetup.")


@strawberry.type
class CardSaved:
    card: SavedCard
    account: Account


@strawberry.type
class CardDeclined(RefusalAnswer):
    message: str


@strawberry.type
class PaymentMethodRequired(RefusalAnswer):
    message: str
    amount_due_cents: int


@strawberry.type
class PaymentDeclined(RefusalAnswer):
    message: str = strawberry.field(description="Why, in words; nothing was changed.")
    payment: Payment


@strawberry.type
class PaymentActionRequired:
    client_secret: str = strawberry.field(
        description="Run the card's authentication with Stripe.js, then call confirmPayment."
    )
    payment: Payment


@strawberry.type
class PaymentPending:
    message: str
    payment: Payment


@strawberry.type
class PaymentSucceeded:
    payment: Payment
    account: Account


@strawberry.type
class CreditsBought:
    account: Account
    credits: int
    payment: Payment


@strawberry.type
class InvalidPurchase(RefusalAnswer):
    message: str


type Unpaid = PaymentDeclined | PaymentActionRequired | PaymentPending


def unpaid(outcome: paying.Unpaid) -> Unpaid:
    match outcome:
        case paying.PaymentDeclined(message=message, payment=payment):
            return PaymentDeclined(message=message, payment=Payment.of(payment))
        case paying.PaymentActionRequired(client_secret=secret, payment=payment):
            return PaymentActionRequired(client_secret=secret, payment=Payment.of(payment))
        case paying.PaymentPending(message=message, payment=payment):
            return PaymentPending(message=message, payment=Payment.of(payment))


def card_required(outcome: paying.PaymentMethodRequired) -> PaymentMethodRequired:
    return PaymentMethodRequired(message=outcome.message, amount_due_cents=outcome.amount_due_cents)


SaveCardResult = Annotated[CardSaved | CardDeclined, strawberry.union("SaveCardResult")]
BuyCreditsResult = Annotated[
    CreditsBought
    | InvalidPurchase
    | IdempotencyConflict
    | PaymentMethodRequired
    | PaymentDeclined
    | PaymentActionRequired
    | PaymentPending,
    strawberry.union("BuyCreditsResult"),
]


@strawberry.type
class NothingDue(RefusalAnswer):
    message: str


PayRenewalResult = Annotated[
    PaymentSucceeded
    | NothingDue
    | PaymentMethodRequired
    | PaymentDeclined
    | PaymentActionRequired
    | PaymentPending,
    strawberry.union("PayRenewalResult"),
]
ConfirmPaymentResult = Annotated[
    PaymentSucceeded | PaymentDeclined | PaymentActionRequired | PaymentPending,
    strawberry.union("ConfirmPaymentResult"),
]
