"""Reservations: credits held for a generation job until it is captured or released."""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from studio_credits.domain.creatives import Creative


class ReservationStatus(Enum):
    HELD = "HELD"
    CAPTURED = "CAPTURED"
    RELEASED = "RELEASED"
    EXPIRED = "EXPIRED"


@dataclass(frozen=True)
class Reservation:
    id: str
    account_id: str
    job_id: str
    status: ReservationStatus
    credits: int
    outputs: int
    creative: Creative
    created_at: datetime
    expires_at: datetime
    captured: int = 0
    """Credits captured when settled (0 until then, and for a release)."""
