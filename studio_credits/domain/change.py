"""A change: what one atomic write must store."""

from dataclasses import dataclass

from studio_credits.domain.account import Account
from studio_credits.domain.ledger import LedgerEntry


@dataclass(frozen=True)
class Change:
    account: Account
    """The account after the change, still carrying the version it was read at."""
    entries: tuple[LedgerEntry, ...] = ()
    creates_account: bool = False
