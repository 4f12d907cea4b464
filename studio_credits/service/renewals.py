"""Charging a renewal that is due: the refresh job's attempts and the person's "pay now".

Each attempt is opened as a payment in one change with the account's renewal (so only one is
in flight), then charged; its outcome is settled as any payment's is (service/payments.py), and
a paid renewal grants the period's credits in that change (domain/renewal_payments.py).
"""

from dataclasses import dataclass
from datetime import datetime

from studio_credits.domain.access import Principal, check_may_change_plan
from studio_credits.domain.account import Account
from studio_credits.domain.change import Change
from studio_credits.domain.payments import Payment
from studio_credits.domain.period_start import change_entries
from studio_credits.domain.refresh import ACTOR
from studio_credits.domain.renewal_payments import attempt_without_card, open_attempt
from studio_credits.service.accounts import viewer_account
from studio_credits.service.execution import Decision, Planned, Refused, execute
from studio_credits.service.payments import (
    PaymentMethodRequired,
    PaymentSucceeded,
    Unpaid,
    card_on_file,
    charge_opened,
    collect,
)
from studio_credits.service.ports import PaymentKeyUsed, Services


@dataclass(frozen=True)
class NothingDue:
    message: str


def charge_due_renewal(services: Services, account: Account) -> bool:
    """The refresh job's turn at a renewal due on the account (as just stored): ask how the charge in
    flight went, or make the attempt due now (one without a card on file fails at once). True when it
    did something."""
    account_id, renewal = account.id, account.renewal
    if renewal is None:
        return False
    if renewal.open_payment_id is not None:
        collect(services, account_id, renewal.open_payment_id, ACTOR)
        return True
    if account.card is None:
        return _failed_without_card(services, account_id)
    payment = _opened(services, account_id, by_person=False)
    if payment is None:
        return False
    charge_opened(services, account, payment, ACTOR)
    return True


def pay_renewal(
    services: Services, principal: Principal
) -> PaymentSucceeded | Unpaid | PaymentMethodRequired | NothingDue:
    """The person pays the renewal due now, on the saved card, authenticating if the bank asks."""
    check_may_change_plan(principal)
    account = viewer_account(services, principal)
    renewal = account.renewal
    if renewal is None:
        return NothingDue("Nothing is due: the plan is paid.")
    card = card_on_file(account, renewal.owed_cents)
    if isinstance(card, PaymentMethodRequired):
        return card
    in_flight = renewal.open_payment_id
    if in_flight is None:
        payment = _opened(services, account.id, by_person=True)
        if payment is not None:
            return charge_opened(services, account, payment, principal.actor)
        fresh = services.repository.get(account.id)
        in_flight = None if fresh is None or fresh.renewal is None else fresh.renewal.open_payment_id
        if in_flight is None:
            return NothingDue("Nothing is due: the plan is paid.")
    return collect(services, account.id, in_flight, principal.actor)


def _opened(services: Services, account_id: str, by_person: bool) -> Payment | None:
    """The attempt opened now, stored before anything is charged; None if there is none to make
    (another run or request opened one first, or the renewal was paid)."""

    def decide(current: Account, now: datetime) -> Decision[Payment | None, None]:
        opened = None if current.card is None else open_attempt(current, current.card, now, by_person)
        if opened is None:
            return Refused(None)
        after, payment = opened
        return Planned(Change(after, payments=(payment,), opens_payment=True), payment.id, lambda _: payment)

    try:
        outcome = execute(services, account_id, decide)
    except PaymentKeyUsed:
        return None  # a concurrent run opened this very attempt: it charges it
    return None if isinstance(outcome, Refused) else outcome


def _failed_without_card(services: Services, account_id: str) -> bool:
    def decide(current: Account, now: datetime) -> Decision[bool, bool]:
        after, drafts, notices = attempt_without_card(current, now)
        if not drafts:
            return Refused(False)
        entries = change_entries(current, now, ACTOR, drafts)
        return Planned(Change(after, entries, notices=notices), entries[0].id, lambda _: True)

    outcome = execute(services, account_id, decide)
    return not isinstance(outcome, Refused) and outcome
