"""The paying writes: save a card, buy a credit pack, confirm a payment after its authentication."""

from typing import assert_never

import strawberry

from studio_credits.api.accounts.types import Account
from studio_credits.api.context import Info
from studio_credits.api.errors import inputs_at
from studio_credits.api.idempotency import IdempotencyConflict
from studio_credits.api.payments.results import (
    BuyCreditsResult,
    CardDeclined,
    CardSaved,
    CardSetup,
    ConfirmPaymentResult,
    CreditsBought,
    InvalidPurchase,
    NothingDue,
    PaymentSucceeded,
    PayRenewalResult,
    SaveCardResult,
    card_required,
    unpaid,
)
from studio_credits.api.payments.types import Payment, SavedCard
from studio_credits.domain import account
from studio_credits.domain.inputs import IDEMPOTENCY_KEY, PAYMENT_ID, PLAN_ID, SETUP_INTENT_ID
from studio_credits.service import credit_packs, execution, renewals
from studio_credits.service import payments as paying


@strawberry.input
class SaveCardInput:
    setup_intent_id: strawberry.ID = strawberry.field(
        description="The SetupIntent Stripe.js confirmed (its client secret's part before _secret_)."
    )


@strawberry.input
class BuyCreditsInput:
    pack_id: strawberry.ID
    idempotency_key: str


@strawberry.input
class ConfirmPaymentInput:
    payment_id: strawberry.ID


@strawberry.type
class PaymentMutations:
    @strawberry.mutation(description="Begin saving a card: a SetupIntent for Stripe.js's confirmCardSetup.")
    def start_card_setup(self, info: Info) -> CardSetup:
        context = info.context
        return CardSetup(client_secret=paying.start_card_setup(context.services, context.principal))

    @strawberry.mutation(description="The card the SetupIntent saved becomes the card on file.")
    def save_card(self, info: Info, input: SaveCardInput) -> SaveCardResult:
        context = info.context
        with inputs_at("input"):
            setup_intent_id = SETUP_INTENT_ID.check("setup_intent_id", input.setup_intent_id)
        outcome = paying.save_card(context.services, context.principal, setup_intent_id)
        match outcome:
            case account.Account(card=card) if card is not None:
                return CardSaved(card=SavedCard.of(card), account=Account.of(outcome))
            case paying.CardNotSaved(message=message):
                return CardDeclined(message=message)
            case _:
                raise RuntimeError("a card was saved but the account has none")

    @strawberry.mutation(description="Buy a credit pack, charged to the card on file before it is granted.")
    def buy_credits(self, info: Info, input: BuyCreditsInput) -> BuyCreditsResult:
        context = info.context
        with inputs_at("input"):
            outcome = credit_packs.buy_credits(
                context.services,
                context.principal,
                PLAN_ID.check("pack_id", input.pack_id),
                IDEMPOTENCY_KEY.check("idempotency_key", input.idempotency_key),
            )
        match outcome:
            case credit_packs.CreditsBought(account=bought, credits=credits, payment=payment):
                return CreditsBought(account=Account.of(bought), credits=credits, payment=Payment.of(payment))
            case credit_packs.InvalidPurchase(message=message):
                return InvalidPurchase(message=message)
            case execution.IdempotencyConflict():
                return IdempotencyConflict.of(outcome)
            case paying.PaymentMethodRequired():
                return card_required(outcome)
            case paying.PaymentDeclined() | paying.PaymentActionRequired() | paying.PaymentPending():
                return unpaid(outcome)
            case _:
                assert_never(outcome)

    @strawberry.mutation(
        description="Pay the renewal due now on the card on file (PAST_DUE accounts): its period's "
        "credits are granted once it succeeds. Safe to call again: one charge at a time."
    )
    def pay_renewal(self, info: Info) -> PayRenewalResult:
        context = info.context
        outcome = renewals.pay_renewal(context.services, context.principal)
        match outcome:
            case paying.PaymentSucceeded(payment=payment, account=paid_account):
                return PaymentSucceeded(payment=Payment.of(payment), account=Account.of(paid_account))
            case renewals.NothingDue(message=message):
                return NothingDue(message=message)
            case paying.PaymentMethodRequired():
                return card_required(outcome)
            case paying.PaymentDeclined() | paying.PaymentActionRequired() | paying.PaymentPending():
                return unpaid(outcome)
            case _:
                assert_never(outcome)

    @strawberry.mutation(
        description="After Stripe.js ran the card's authentication: the payment as Stripe has it now, "
        "applied once if it succeeded. Safe to call again."
    )
    def confirm_payment(self, info: Info, input: ConfirmPaymentInput) -> ConfirmPaymentResult:
        context = info.context
        with inputs_at("input"):
            payment_id = PAYMENT_ID.check("payment_id", input.payment_id)
        outcome = paying.confirm_payment(context.services, context.principal, payment_id)
        match outcome:
            case paying.PaymentSucceeded(payment=payment, account=paid_account):
                return PaymentSucceeded(payment=Payment.of(payment), account=Account.of(paid_account))
            case paying.PaymentDeclined() | paying.PaymentActionRequired() | paying.PaymentPending():
                return unpaid(outcome)
            case _:
                assert_never(outcome)
