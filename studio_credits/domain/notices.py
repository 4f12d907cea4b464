"""Notices: what the service tells a person, recorded once each."""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum


class NoticeKind(Enum):
    RENEWAL_REMINDER = "RENEWAL_REMINDER"
    CANCELLATION_ENDING = "CANCELLATION_ENDING"
    CREDITS_EXPIRING = "CREDITS_EXPIRING"
    LOW_CREDITS = "LOW_CREDITS"
    RENEWAL_PAID = "RENEWAL_PAID"
    PAYMENT_FAILED = "PAYMENT_FAILED"
    AUTO_TOP_UP_MADE = "AUTO_TOP_UP_MADE"
    AUTO_TOP_UP_OFF = "AUTO_TOP_UP_OFF"


@dataclass(frozen=True)
class Notice:
    id: str
    """Deterministic (when, kind and what it is about), so recording it twice is impossible."""
    account_id: str
    kind: NoticeKind
    at: datetime
    message: str
    sent_at: datetime | None = None
    credits: int | None = None
    """The credits it is about (those expiring, those left), whose worth its email puts in the
    person's most made creative; None where it is about no credits."""


def notice_id(at: datetime, kind: NoticeKind, about: str) -> str:
    """Sorts by time; `about` names what the notice is for (a period, a lot, a threshold)."""
    return f"{at:%Y%m%dT%H%M%S}#{kind.value}#{about}"


def notice_kind_of(notice_id: str) -> NoticeKind:
    """The kind a notice id names (as `notice_id` makes it), read without reading the notice."""
    return NoticeKind(notice_id.split("#")[1])
