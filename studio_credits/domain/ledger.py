"""Ledger entries: one immutable record for every change to any lot."""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from studio_credits.domain.creatives import Creative
from studio_credits.domain.lots import LotMovement
from studio_credits.domain.plan_terms import PlanChangeTerms


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
    PLAN_CHANGE = "PLAN_CHANGE"
    """A plan event (upgrade, scheduled change, cancellation, resume, auto top-up turned on, changed or
    off): amount 0; credits move in others."""
    RENEWAL = "RENEWAL"
    """A renewal's event (due, a charge failed, paid by billing credit): amount 0; its GRANT comes apart."""


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
    plan_change: PlanChangeTerms | None = None
    """On a plan change's PLAN_CHANGE entry: its terms, so a retried request reports them again."""
    correlation_id: str | None = None
    """The request or job run that wrote it (API Gateway's request id, EventBridge's event id): its
    log line carries the same id. None on entries written before it was recorded."""
    payment_id: str | None = None
    """The payment that paid for this entry, or whose refund or dispute took credits back."""
