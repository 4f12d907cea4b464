"""What the use cases need from the outside world."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from studio_credits.domain.account import Account
from studio_credits.domain.change import Change
from studio_credits.domain.clock import Clock
from studio_credits.domain.errors import Unavailable
from studio_credits.domain.history import HistoryFilter
from studio_credits.domain.idempotency import IdempotencyRecord
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.domain.notices import Notice
from studio_credits.domain.payments import Card, ChargeOutcome, ChargeRequest, Payment, PaymentEvent
from studio_credits.domain.reservations import Reservation
from studio_credits.domain.usage import DayUsage
from studio_credits.mail import LOCAL_WEB_URL, Mailer
from studio_credits.service.retry import RetryPolicy
from studio_credits.telemetry import Metrics, NoMetrics


class AccountExists(Exception):
    """Another writer created the account first."""


class VersionConflict(Exception):
    """The account changed since it was read; read it again and redo the change."""


class IdempotencyKeyUsed(Exception):
    """The idempotency key was stored by an earlier call: replay its result or refuse."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class StoreUnavailable(Unavailable):
    """The store did not answer: throttled, failing or timed out. Nothing was read; for a write,
    whether it was stored is unknown until the account is read again."""

    def __init__(self) -> None:
        super().__init__("the credits store is not answering right now; try again")


class PaymentKeyUsed(Exception):
    """A payment was opened under this idempotency key first: continue that one."""


class EventAlreadyHandled(Exception):
    """The payment provider's event was handled by an earlier delivery."""


class AlreadyRefunded(Exception):
    """The consumption was refunded by an earlier change."""


class Repository(Protocol):
    def get(self, account_id: str) -> Account | None: ...

    def get_entry(self, account_id: str, entry_id: str) -> LedgerEntry | None: ...

    def get_reservation(self, account_id: str, reservation_id: str) -> Reservation | None: ...

    def get_idempotency(self, account_id: str, key: str) -> IdempotencyRecord | None: ...

    def history_page(
        self, account_id: str, history: HistoryFilter, limit: int, after_entry_id: str | None
    ) -> tuple[list[LedgerEntry], str | None]: ...

    def usage_days(self, account_id: str, first_day: str, last_day: str) -> list[DayUsage]: ...

    def notices(self, account_id: str, limit: int) -> list[Notice]: ...

    def get_payment(self, account_id: str, payment_id: str) -> Payment | None: ...

    def payment_for_key(self, account_id: str, key: str) -> Payment | None:
        """The payment opened under a scoped idempotency key, if any."""
        ...

    def payments_page(
        self, account_id: str, limit: int, after_payment_id: str | None
    ) -> tuple[list[Payment], str | None]:
        """Newest first."""
        ...

    def calls_made(self) -> int:
        """Calls this repository has made to its database so far (0 for one that makes none)."""
        ...

    def commit(self, change: Change) -> Account:
        """Store the change atomically and return the account as stored, or raise a conflict."""
        ...

    def due_for_refresh(self, now: datetime) -> Iterator[str]:
        """Ids of the accounts whose period has ended by `now`."""
        ...

    def due_for_notices(self, now: datetime) -> Iterator[str]:
        """Ids of the accounts with notices to record or email by `now`."""
        ...

    def due_for_sweep(self, now: datetime) -> Iterator[str]:
        """Ids of the accounts holding a reservation past its expiry at `now`."""
        ...

    def claim_notice(self, account_id: str, notice_id: str, now: datetime) -> Notice | None:
        """Mark a recorded notice sent unless it is: the notice to email, or None if another run has it."""
        ...

    def unclaim_notice(self, account_id: str, notice_id: str, claimed_at: datetime) -> None:
        """Undo a claim whose email could not be sent, so a later run sends it."""
        ...


class CardDeclined(Exception):
    """The card could not be saved: the bank declined it, or its authentication failed. The message
    says so in words a person understands."""


class UnknownCharge(Exception):
    """The payment provider has no such charge."""


class InvalidSignature(Exception):
    """A webhook whose signature does not verify with the signing secret: nothing is read from it."""


class PaymentProviderUnavailable(Unavailable):
    """The payment provider did not answer. A charge asked for may exist: its payment stays pending
    under its idempotency key, and the same request again finds it rather than charging twice."""

    def __init__(self) -> None:
        super().__init__("the payment provider is not answering right now; try again")


class PaymentProvider(Protocol):
    """The one way to money: a customer per account, one saved card, charges with an idempotency
    key, refunds, and verified webhook events. Implemented by studio_credits/payments/ (Stripe)."""

    @property
    def publishable_key(self) -> str:
        """The key the web client loads Stripe.js with."""
        ...

    @property
    def script_url(self) -> str | None:
        """Where the web client loads Stripe.js from when it is not Stripe's own (localstripe's)."""
        ...

    def create_customer(self, account_id: str, email: str | None) -> str:
        """A new customer for the account; its id."""
        ...

    def start_card_setup(self, customer_id: str) -> str:
        """A SetupIntent for a card the customer will save off-session; its client secret."""
        ...

    def finish_card_setup(self, customer_id: str, setup_intent_id: str) -> Card:
        """The card a succeeded SetupIntent saved, attached to the customer as its default;
        raises CardDeclined when the SetupIntent did not succeed."""
        ...

    def charge(self, request: ChargeRequest) -> ChargeOutcome:
        """Charge the saved card now. A timeout is UNKNOWN, never an exception."""
        ...

    def find_charge(self, request: ChargeRequest) -> ChargeOutcome | None:
        """The charge an earlier `charge(request)` made for this payment, whatever its answer was,
        or None if it made none (so charging again cannot charge twice)."""
        ...

    def charge_outcome(self, charge_id: str) -> ChargeOutcome:
        """The charge as the provider has it now, with the account and payment of its metadata;
        raises UnknownCharge when it has none of that id."""
        ...

    def refund(self, charge_id: str, amount_cents: int | None = None) -> int:
        """Refund the charge in full, or `amount_cents` of it; what is refunded of it in all now."""
        ...

    def parse_event(self, payload: bytes, signature: str | None) -> PaymentEvent:
        """A webhook event, verified with the signing secret; raises InvalidSignature."""
        ...


class PaymentsNotConfigured(Unavailable):
    def __init__(self) -> None:
        super().__init__("payments are not set up on this server")


DEFAULT_RETRY = RetryPolicy()


@dataclass(frozen=True)
class Services:
    """What every use case and job works with; built by studio_credits/bootstrap.py."""

    repository: Repository
    clock: Clock
    mailer: Mailer
    metrics: Metrics = field(default_factory=NoMetrics)
    correlation_id: str | None = None
    """The request or job run these services act for: stamped on every ledger entry they write."""
    retry: RetryPolicy = DEFAULT_RETRY
    """How a write tries again after a lost race or a store that did not answer."""
    payments: PaymentProvider | None = None
    """Stripe (localstripe on the local server and in the tests); None where nothing is charged."""
    web_url: str = LOCAL_WEB_URL
    """Where the web client is: the emails link to its pages."""

    @property
    def payment_provider(self) -> PaymentProvider:
        if self.payments is None:
            raise PaymentsNotConfigured()
        return self.payments
