"""Payments: a card on file, charges on it, and what the payment provider tells about them.

Pure data: the use cases (service/payments.py) charge through the PaymentProvider port
(service/ports.py) and apply what was paid for only once the charge has succeeded.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.ids import new_ulid

CURRENCY = "usd"


@dataclass(frozen=True)
class Card:
    """The saved card a person pays with: never its number, only what identifies it to them."""

    payment_method_id: str
    brand: str
    last4: str
    exp_month: int
    exp_year: int


@dataclass(frozen=True)
class CreditPack:
    id: str
    credits: int
    price_cents: int


CREDIT_PACKS = (
    CreditPack("pack-500", 500, 10_00),
    CreditPack("pack-2000", 2_000, 35_00),
    CreditPack("pack-5000", 5_000, 80_00),
)


class UnknownPack(Exception):
    pass


def pack_by_id(pack_id: str) -> CreditPack:
    for pack in CREDIT_PACKS:
        if pack.id == pack_id:
            return pack
    raise UnknownPack(
        f"There is no credit pack {pack_id!r}: choose one of {', '.join(p.id for p in CREDIT_PACKS)}."
    )


class ChargeStatus(Enum):
    SUCCEEDED = "SUCCEEDED"
    DECLINED = "DECLINED"
    REQUIRES_ACTION = "REQUIRES_ACTION"
    """The card's bank asks the person to authenticate (3D Secure) before it pays."""
    UNKNOWN = "UNKNOWN"
    """The provider did not answer in time: the charge may or may not exist."""


@dataclass(frozen=True)
class ChargeRequest:
    customer_id: str
    payment_method_id: str
    amount_cents: int
    description: str
    idempotency_key: str
    account_id: str
    payment_id: str
    """Both are kept on the provider's charge (metadata), so its events find the payment."""
    off_session: bool = False
    """True when nobody is there to authenticate (renewals, auto top-ups)."""


@dataclass(frozen=True)
class ChargeOutcome:
    status: ChargeStatus
    charge_id: str | None
    """The provider's id of the charge (a Stripe PaymentIntent); None when unknown."""
    client_secret: str | None = None
    """Set when REQUIRES_ACTION: what the web client needs to run the authentication."""
    decline_reason: str | None = None
    """Set when DECLINED: why, in words a person understands."""
    account_id: str | None = None
    payment_id: str | None = None
    """From the charge's metadata, when the provider was asked about an existing charge."""


class PaymentEventKind(Enum):
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    REFUNDED = "REFUNDED"
    DISPUTED = "DISPUTED"
    IGNORED = "IGNORED"
    """An event type this service does not act on: acknowledged, nothing written."""


@dataclass(frozen=True)
class PaymentEvent:
    """A verified webhook event, reduced to what the service acts on."""

    id: str
    kind: PaymentEventKind
    charge_id: str | None
    """The PaymentIntent the event is about."""
    account_id: str | None = None
    payment_id: str | None = None
    """From the PaymentIntent's metadata when the event carries it; else the provider is asked."""
    refunded_cents: int = 0
    """REFUNDED: the total refunded so far on the charge (Stripe's `amount_refunded`)."""
    decline_reason: str | None = None


class PaymentStatus(Enum):
    PENDING = "PENDING"
    """Asked of the provider; its answer is not known yet."""
    REQUIRES_ACTION = "REQUIRES_ACTION"
    SUCCEEDED = "SUCCEEDED"
    FAILED = "FAILED"
    REFUNDED = "REFUNDED"
    """Succeeded, then refunded in part or in full (see refunded_cents)."""
    DISPUTED = "DISPUTED"


OPEN_STATUSES = (PaymentStatus.PENDING, PaymentStatus.REQUIRES_ACTION)


class PaymentPurpose(Enum):
    PLAN_CHANGE = "PLAN_CHANGE"
    CREDIT_PACK = "CREDIT_PACK"
    RENEWAL = "RENEWAL"
    AUTO_TOP_UP = "AUTO_TOP_UP"


@dataclass(frozen=True)
class Payment:
    id: str
    account_id: str
    key: str
    """The scoped idempotency key of the request that opened it: one payment per key."""
    purpose: PaymentPurpose
    description: str
    amount_cents: int
    status: PaymentStatus
    created_at: datetime
    card_brand: str
    card_last4: str
    plan_id: str | None = None
    interval: BillingInterval | None = None
    pack_id: str | None = None
    charge_id: str | None = None
    settled_at: datetime | None = None
    failure_reason: str | None = None
    refunded_cents: int = 0
    lot_ids: tuple[str, ...] = ()
    """The lots the payment bought: what a refund or a dispute takes back from."""
    credits_bought: int = 0
    credits_taken_back: int = 0
    entry_id: str | None = None
    """The ledger entry the payment made (PLAN_CHANGE or GRANT)."""
    currency: str = CURRENCY
    off_session: bool = False
    """Charged with nobody there to authenticate (a renewal, an auto top-up): a bank that asks declines."""


def authentication_needed(purpose: PaymentPurpose) -> str:
    """Why an off-session charge whose bank asks for the person's confirmation did not pay, and what
    they can do."""
    if purpose is PaymentPurpose.RENEWAL:
        return "The card's bank asks you to confirm this payment: pay it now on the Plan page."
    return (
        "The card's bank asks you to confirm each payment, which an automatic one cannot: "
        "buy credits yourself on the Usage Overview."
    )


def open_payment(
    account_id: str,
    card: Card,
    key: str,
    purpose: PaymentPurpose,
    amount_cents: int,
    description: str,
    now: datetime,
    *,
    plan_id: str | None = None,
    interval: BillingInterval | None = None,
    pack_id: str | None = None,
    off_session: bool = False,
) -> Payment:
    return Payment(
        id=new_ulid(now),
        account_id=account_id,
        key=key,
        purpose=purpose,
        description=description,
        amount_cents=amount_cents,
        status=PaymentStatus.PENDING,
        created_at=now,
        card_brand=card.brand,
        card_last4=card.last4,
        plan_id=plan_id,
        interval=interval,
        pack_id=pack_id,
        off_session=off_session,
    )
