"""Paying: the card on file, charging what a request buys before it is applied, and what the
payment provider's events say afterwards.

A paid request opens a payment under its idempotency key (one payment per key, stored before
anything is charged), charges the saved card with a key derived from it, and applies what it
buys only when the charge has succeeded: in the change that marks the payment paid, with the
request's idempotency record, whichever of the provider's answer, the person's confirmation
after 3D Secure or the webhook gets there first. A charge whose answer was lost stays pending;
the same request again finds the provider's charge for the payment instead of making another.
"""

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime

from studio_credits.domain.access import Principal, check_may_change_plan
from studio_credits.domain.account import Account
from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.change import Change
from studio_credits.domain.errors import DomainError
from studio_credits.domain.idempotency import IdempotencyRecord, fingerprint
from studio_credits.domain.payments import (
    OPEN_STATUSES,
    Card,
    ChargeOutcome,
    ChargeRequest,
    ChargeStatus,
    Payment,
    PaymentEvent,
    PaymentEventKind,
    PaymentPurpose,
    PaymentStatus,
    authentication_needed,
    open_payment,
)
from studio_credits.domain.purchases import (
    OPERATIONS,
    Settled,
    awaiting_authentication,
    failed,
    paid,
    request_of,
    taken_back,
)
from studio_credits.domain.wording import money_text
from studio_credits.service.accounts import viewer_account
from studio_credits.service.execution import Decision, Planned, Refused, execute
from studio_credits.service.ports import (
    CardDeclined,
    EventAlreadyHandled,
    PaymentKeyUsed,
    Services,
    UnknownCharge,
)

WEBHOOK_ACTOR = "stripe:webhook"
"""Who the entries a webhook event makes name."""


@dataclass(frozen=True)
class PaymentMethodRequired:
    message: str
    amount_due_cents: int


@dataclass(frozen=True)
class PaymentDeclined:
    message: str
    payment: Payment


@dataclass(frozen=True)
class PaymentActionRequired:
    client_secret: str
    payment: Payment


@dataclass(frozen=True)
class PaymentPending:
    message: str
    payment: Payment


@dataclass(frozen=True)
class PaymentSucceeded:
    payment: Payment
    account: Account


type Unpaid = PaymentDeclined | PaymentActionRequired | PaymentPending
"""A charge asked for that has not succeeded (yet)."""


@dataclass(frozen=True)
class CardNotSaved:
    message: str


class PaymentNotFound(DomainError):
    def __init__(self, payment_id: str) -> None:
        super().__init__(f"no payment {payment_id!r} on this account")


@dataclass(frozen=True)
class Charge:
    """What a paid request asks for: opened as a payment under the request's scoped key."""

    key: str
    purpose: PaymentPurpose
    amount_cents: int
    description: str
    plan_id: str | None = None
    interval: BillingInterval | None = None
    pack_id: str | None = None
    off_session: bool = False


def start_card_setup(services: Services, principal: Principal) -> str:
    """A SetupIntent's client secret, for the web client to save a card with Stripe.js."""
    customer_id = _customer(services, _own_account(services, principal))
    return services.payment_provider.start_card_setup(customer_id)


def save_card(services: Services, principal: Principal, setup_intent_id: str) -> Account | CardNotSaved:
    """The card a SetupIntent saved becomes the card on file (replacing any before it)."""
    account = _own_account(services, principal)
    if account.customer_id is None:
        return CardNotSaved("Start adding a card first: no card setup was begun for this account.")
    try:
        card = services.payment_provider.finish_card_setup(account.customer_id, setup_intent_id)
    except CardDeclined as refused:
        return CardNotSaved(str(refused))

    def decide(current: Account, now: datetime) -> Decision[Account, Account]:
        return Planned(Change(replace(current, card=card)), "", lambda committed: committed.account)

    return _decided(execute(services, account.id, decide))


def card_on_file(account: Account, amount_cents: int) -> Card | PaymentMethodRequired:
    """The card to charge `amount_cents` to, or why there is none."""
    if account.card is not None:
        return account.card
    return PaymentMethodRequired(
        f"Add a card to pay {money_text(amount_cents)}: there is no card on file.", amount_cents
    )


def charge_for(
    services: Services, account: Account, card: Card, charge: Charge, actor: str
) -> PaymentSucceeded | Unpaid:
    """Open the payment for a request whose key opened none yet (or find the one a concurrent request
    with the key opened first) and charge it."""
    payment, opened_now = _opened(services, account, card, charge)
    return _collected(services, account, payment, actor, charged_before=not opened_now)


def charge_opened(
    services: Services, account: Account, payment: Payment, actor: str
) -> PaymentSucceeded | Unpaid:
    """Charge a payment that the write which opened it is the first to charge (an auto top-up, right
    after the spend that crossed its threshold), and settle it."""
    return _collected(services, account, payment, actor, charged_before=False)


def collect(services: Services, account_id: str, payment_id: str, actor: str) -> PaymentSucceeded | Unpaid:
    """Bring a payment to what the provider says of it: charge it if it never was (looking first
    for the charge an earlier request may have made), or ask about the charge made, and settle it;
    a settled one is answered as it is."""
    payment = _payment(services, account_id, payment_id)
    return _collected(services, services.repository.get(account_id), payment, actor, charged_before=True)


def _collected(
    services: Services, account: Account | None, payment: Payment, actor: str, *, charged_before: bool
) -> PaymentSucceeded | Unpaid:
    if payment.status is PaymentStatus.PENDING and account is not None and account.card is not None:
        request = _charge_request(account, account.card, payment)
        found = services.payment_provider.find_charge(request) if charged_before else None
        outcome = found or services.payment_provider.charge(request)
    elif payment.status is PaymentStatus.REQUIRES_ACTION and payment.charge_id is not None:
        outcome = services.payment_provider.charge_outcome(payment.charge_id)
    else:
        return answer(payment, account)
    payment, account = settle(services, payment.account_id, payment.id, outcome, actor)
    if payment.status is PaymentStatus.REQUIRES_ACTION and outcome.client_secret:
        return PaymentActionRequired(outcome.client_secret, payment)
    return answer(payment, account)


def answer(payment: Payment, account: Account | None) -> PaymentSucceeded | Unpaid:
    if payment.status is PaymentStatus.FAILED:
        return PaymentDeclined(payment.failure_reason or "The payment was declined.", payment)
    if payment.status in OPEN_STATUSES or account is None:
        return PaymentPending(
            f"The payment of {money_text(payment.amount_cents)} is pending: it applies once the card's "
            "bank confirms it. Nothing is charged twice.",
            payment,
        )
    return PaymentSucceeded(payment, account)


def confirm_payment(services: Services, principal: Principal, payment_id: str) -> PaymentSucceeded | Unpaid:
    """After the web client ran the card's authentication: the payment as the provider has it now."""
    account = _own_account(services, principal)
    return collect(services, account.id, payment_id, principal.actor)


def settle(
    services: Services,
    account_id: str,
    payment_id: str,
    outcome: ChargeOutcome,
    actor: str,
    event_id: str | None = None,
) -> tuple[Payment, Account]:
    """Record what the provider said of a payment's charge, once: succeeded applies what it bought."""

    def decide(account: Account, now: datetime) -> Decision[tuple[Payment, Account], tuple[Payment, Account]]:
        payment = _payment(services, account_id, payment_id)
        settled_change = _settled(account, payment, outcome, now, actor)
        if settled_change is None:
            return Refused((payment, account))
        change = replace(settled_change, event_id=event_id)
        after = change.payments[0]
        return Planned(change, after.entry_id or "", lambda committed: (after, committed.account))

    return _decided(execute(services, account_id, decide))


def _settled(
    account: Account, payment: Payment, outcome: ChargeOutcome, now: datetime, actor: str
) -> Change | None:
    if outcome.status is ChargeStatus.SUCCEEDED and payment.status in (*OPEN_STATUSES, PaymentStatus.FAILED):
        bought = paid(account, payment, outcome.charge_id, now, actor)
        record = _idempotency_record(bought.payment, now)
        return _stored(bought, idempotency=record)
    if payment.status not in OPEN_STATUSES:
        return None
    if outcome.status is ChargeStatus.DECLINED:
        reason = outcome.decline_reason or "The card was declined."
        return _stored(failed(account, payment, outcome.charge_id, reason, now, actor))
    if outcome.status is ChargeStatus.REQUIRES_ACTION and payment.off_session:
        reason = authentication_needed(payment.purpose)
        return _stored(failed(account, payment, outcome.charge_id, reason, now, actor))
    if outcome.status is ChargeStatus.REQUIRES_ACTION and payment.status is PaymentStatus.PENDING:
        return Change(account, payments=(awaiting_authentication(payment, outcome.charge_id),))
    return None


def _stored(settled: Settled, idempotency: IdempotencyRecord | None = None) -> Change:
    return Change(
        settled.account,
        settled.entries,
        payments=(settled.payment,),
        idempotency=idempotency,
        notices=settled.notices,
    )


def handle_payment_event(services: Services, event: PaymentEvent) -> None:
    """A verified webhook event, handled once: duplicated, out of order, or before the API's own
    answer, each event moves money at most once."""
    if event.kind is PaymentEventKind.IGNORED or event.charge_id is None:
        return
    account_id, payment_id = event.account_id, event.payment_id
    if account_id is None or payment_id is None:
        try:
            asked = services.payment_provider.charge_outcome(event.charge_id)
        except UnknownCharge:
            return  # not a charge of this account's provider: nothing to do
        account_id, payment_id = asked.account_id, asked.payment_id
    if (
        account_id is None
        or payment_id is None
        or services.repository.get_payment(account_id, payment_id) is None
    ):
        return  # not a charge this service made
    try:
        _handle(services, event, account_id, payment_id)
    except EventAlreadyHandled:
        return


def _handle(services: Services, event: PaymentEvent, account_id: str, payment_id: str) -> None:
    if event.kind is PaymentEventKind.SUCCEEDED:
        settle(
            services,
            account_id,
            payment_id,
            ChargeOutcome(ChargeStatus.SUCCEEDED, event.charge_id),
            WEBHOOK_ACTOR,
            event.id,
        )
        return
    if event.kind is PaymentEventKind.FAILED:
        failed = ChargeOutcome(ChargeStatus.DECLINED, event.charge_id, decline_reason=event.decline_reason)
        settle(services, account_id, payment_id, failed, WEBHOOK_ACTOR, event.id)
        return
    # A refund or a dispute means the charge succeeded, whether or not its success arrived yet.
    settle(
        services,
        account_id,
        payment_id,
        ChargeOutcome(ChargeStatus.SUCCEEDED, event.charge_id),
        WEBHOOK_ACTOR,
    )
    disputed = event.kind is PaymentEventKind.DISPUTED

    def decide(account: Account, now: datetime) -> Decision[None, None]:
        payment = _payment(services, account_id, payment_id)
        back = taken_back(account, payment, event.refunded_cents, disputed, now, WEBHOOK_ACTOR)
        if back is None:
            return Refused(None)
        change = Change(back.account, back.entries, payments=(back.payment,), event_id=event.id)
        return Planned(change, "", lambda _: None)

    execute(services, account_id, decide)


def refund_payment(
    services: Services, account_id: str, payment_id: str, amount_cents: int | None
) -> tuple[str, int]:
    """Ask the provider to refund a payment (support's tool); its credits come back out when the
    refund's event arrives. The charge refunded, and what is refunded of it in all."""
    payment = _payment(services, account_id, payment_id)
    if payment.charge_id is None or payment.status not in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED):
        raise PaymentNotFound(payment_id)
    return payment.charge_id, services.payment_provider.refund(payment.charge_id, amount_cents)


def charge_of(services: Services, account_id: str, payment_id: str) -> str:
    """The provider's charge of a paid payment."""
    payment = _payment(services, account_id, payment_id)
    if payment.charge_id is None or payment.status is PaymentStatus.PENDING:
        raise PaymentNotFound(payment_id)
    return payment.charge_id


def _opened(services: Services, account: Account, card: Card, charge: Charge) -> tuple[Payment, bool]:
    """A new payment for the request, stored before anything is charged, and True; if a concurrent
    request with the same key opened one first, that one, and False."""

    def decide(current: Account, now: datetime) -> Decision[Payment, Payment]:
        payment = open_payment(
            current.id,
            card,
            charge.key,
            charge.purpose,
            charge.amount_cents,
            charge.description,
            now,
            plan_id=charge.plan_id,
            interval=charge.interval,
            pack_id=charge.pack_id,
            off_session=charge.off_session,
        )
        return Planned(
            Change(current, payments=(payment,), opens_payment=True), payment.id, lambda _: payment
        )

    try:
        return _decided(execute(services, account.id, decide)), True
    except PaymentKeyUsed:
        found = services.repository.payment_for_key(account.id, charge.key)
        if found is None:
            raise RuntimeError(f"no payment under the key {charge.key!r} after its key was taken") from None
        return found, False


def _charge_request(account: Account, card: Card, payment: Payment) -> ChargeRequest:
    if account.customer_id is None:
        raise RuntimeError(f"account {account.id} has a card on file but no customer")
    return ChargeRequest(
        customer_id=account.customer_id,
        payment_method_id=card.payment_method_id,
        amount_cents=payment.amount_cents,
        description=payment.description,
        idempotency_key=provider_key(payment.key),
        account_id=account.id,
        payment_id=payment.id,
        off_session=payment.off_session,
    )


def payments_page(
    services: Services, account_id: str, limit: int, after_payment_id: str | None
) -> tuple[list[Payment], str | None]:
    """An account's payments, newest first, and the id to continue after (None at the end)."""
    return services.repository.payments_page(account_id, limit, after_payment_id)


def provider_key(scoped_key: str) -> str:
    """The provider's idempotency key for a request's scoped key: the same request, the same charge."""
    return "studio-credits-" + hashlib.sha256(scoped_key.encode()).hexdigest()[:40]


def _idempotency_record(payment: Payment, now: datetime) -> IdempotencyRecord | None:
    """The paid request's record, written as it applies: the request's retry then replays it. None
    for what no request asked (a renewal, an auto top-up)."""
    operation = OPERATIONS.get(payment.purpose)
    if operation is None:
        return None
    return IdempotencyRecord(
        payment.key, operation, fingerprint(operation, request_of(payment)), payment.entry_id or "", now
    )


def _customer(services: Services, account: Account) -> str:
    """The account's customer at the payment provider, made at its first card."""
    if account.customer_id is not None:
        return account.customer_id
    customer_id = services.payment_provider.create_customer(account.id, account.email)

    def decide(current: Account, now: datetime) -> Decision[str, str]:
        if current.customer_id is not None:
            return Refused(current.customer_id)  # a concurrent call made one first: keep it
        return Planned(Change(replace(current, customer_id=customer_id)), "", lambda _: customer_id)

    return _decided(execute(services, account.id, decide))


def _payment(services: Services, account_id: str, payment_id: str) -> Payment:
    payment = services.repository.get_payment(account_id, payment_id)
    if payment is None:
        raise PaymentNotFound(payment_id)
    return payment


def _decided[T](outcome: T | Refused[T]) -> T:
    return outcome.reason if isinstance(outcome, Refused) else outcome


def _own_account(services: Services, principal: Principal) -> Account:
    check_may_change_plan(principal)
    return viewer_account(services, principal)
