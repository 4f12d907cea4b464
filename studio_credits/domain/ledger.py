"""Ledger entries: one immutable record for every change to any lot."""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from studio_credits.domain.creatives import Creative
from studio_credits.domain.lots import LotMovement


class EntryKind(Enum):
    GRANT = "GRANT"
    ROLLOVER = "ROLLOVER"
    EXPIRE = "EXPIRE"
    CONSUME = "CONSUME"
    RESERVE = "RESERVE"
    CAPTURE = "CAPTURE"
    RELEASE = "RELEASE"
    REFUND = "REFUND"
    ADJUST = "ADJUST"


@dataclass(frozen=True)
class LedgerEntry:
    id: str
    account_id: str
    at: datetime
    kind: EntryKind
    amount: int
    """Signed change to the lots' total."""
    balance_after: int
    description: str
    actor: str
    lots: tuple[LotMovement, ...] = ()
    creative: Creative | None = None
    job_id: str | None = None
