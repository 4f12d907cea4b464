"""What the use cases need from the outside world."""

from dataclasses import dataclass
from typing import Protocol

from studio_credits.domain.account import Account
from studio_credits.domain.change import Change
from studio_credits.domain.clock import Clock


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

    def commit(self, change: Change) -> Account:
        """Store the change atomically and return the account as stored, or raise a conflict."""
        ...


@dataclass(frozen=True)
class Services:
    repository: Repository
    clock: Clock
