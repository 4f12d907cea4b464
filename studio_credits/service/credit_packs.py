"""Credit packs: a person on a paid plan buys credits, charged to the card on file first; the
TOP_UP lot (12 months) is granted only when the payment has succeeded."""

from dataclasses import dataclass

from studio_credits.domain.access import Principal, check_may_change_plan
from studio_credits.domain.account import Account
from studio_credits.domain.idempotency import scoped_key
from studio_credits.domain.payments import Payment, PaymentPurpose, UnknownPack, pack_by_id
from studio_credits.domain.purchases import OPERATIONS, request_of
from studio_credits.domain.wording import credits_text
from studio_credits.service.accounts import viewer_account
from studio_credits.service.execution import IdempotencyConflict
from studio_credits.service.payments import (
    Charge,
    PaymentMethodRequired,
    PaymentSucceeded,
    Unpaid,
    card_on_file,
    charge_for,
    collect,
)
from studio_credits.service.ports import Services


@dataclass(frozen=True)
class CreditsBought:
    account: Account
    credits: int
    payment: Payment


@dataclass(frozen=True)
class InvalidPurchase:
    message: str


def buy_credits(
    services: Services, principal: Principal, pack_id: str, key: str
) -> CreditsBought | InvalidPurchase | IdempotencyConflict | PaymentMethodRequired | Unpaid:
    check_may_change_plan(principal)
    account = viewer_account(services, principal)
    try:
        pack = pack_by_id(pack_id)
    except UnknownPack as unknown:
        return InvalidPurchase(str(unknown))
    stored_key = scoped_key(OPERATIONS[PaymentPurpose.CREDIT_PACK], principal.actor, key)
    payment = services.repository.payment_for_key(account.id, stored_key)
    if payment is not None:
        if request_of(payment) != {"pack_id": pack_id}:
            return IdempotencyConflict(f"idempotency key {key!r} was used before with different input")
        result = collect(services, account.id, payment.id, principal.actor)
    else:
        if not account.plan.features.top_ups:
            return InvalidPurchase(
                f"Credit packs are for paid plans: the {account.plan.name} plan has none. "
                "Upgrade to buy credits."
            )
        card = card_on_file(account, pack.price_cents)
        if isinstance(card, PaymentMethodRequired):
            return card
        what = f"Credit pack: {credits_text(pack.credits)}"
        charge = Charge(stored_key, PaymentPurpose.CREDIT_PACK, pack.price_cents, what, pack_id=pack.id)
        result = charge_for(services, account, card, charge, principal.actor)
    if isinstance(result, PaymentSucceeded):
        return CreditsBought(result.account, pack.credits, result.payment)
    return result
