"""A change: everything one atomic write must store."""

from dataclasses import dataclass

from studio_credits.domain.account import Account, Hold
from studio_credits.domain.idempotency import IdempotencyRecord
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.domain.notices import Notice
from studio_credits.domain.payments import Payment
from studio_credits.domain.reservations import Reservation
from studio_credits.domain.usage import UsageIncrement


@dataclass(frozen=True)
class Change:
    account: Account
    """The account after the change, still carrying the version it was read at."""
    entries: tuple[LedgerEntry, ...] = ()
    creates_account: bool = False
    idempotency: IdempotencyRecord | None = None
    reservations: tuple[Reservation, ...] = ()
    """Reservations made or settled; the account's version guards their state."""
    expired_holds: tuple[Hold, ...] = ()
    """Holds released at their expiry: their reservations are stored EXPIRED."""
    notices: tuple[Notice, ...] = ()
    """Notices to record; each is written once, never over an earlier one."""
    usage: tuple[UsageIncrement, ...] = ()
    refunded_entry_id: str | None = None
    """A consumption this change refunds: recorded so it can never be refunded again."""
    payments: tuple[Payment, ...] = ()
    """Payments opened or settled; the account's version guards their state."""
    opens_payment: bool = False
    """The first of `payments` is new: its idempotency key is claimed, so a key opens one payment."""
    event_id: str | None = None
    """The payment provider's event this change handles: recorded so it is never handled twice."""
