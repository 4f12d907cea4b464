"""What the use cases need from the outside world."""

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from studio_credits.domain.account import Account
from studio_credits.domain.change import Change
from studio_credits.domain.clock import Clock
from studio_credits.domain.history import HistoryFilter
from studio_credits.domain.idempotency import IdempotencyRecord
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.domain.notices import Notice
from studio_credits.domain.reservations import Reservation
from studio_credits.domain.usage import DayUsage
from studio_credits.mail import Mailer
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


@dataclass(frozen=True)
class Services:
    """What every use case and job works with; built by studio_credits/bootstrap.py."""

    repository: Repository
    clock: Clock
    mailer: Mailer
    metrics: Metrics = field(default_factory=NoMetrics)
    correlation_id: str | None = None
    """The request or job run these services act for: stamped on every ledger entry they write."""
