"""The contract's enums: declared once in the domain, exposed to GraphQL as they are."""

import strawberry

from studio_credits.domain.account import PlanStatus
from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.creatives import CreativeKind
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import LotSource
from studio_credits.domain.notices import NoticeKind
from studio_credits.domain.payments import PaymentPurpose, PaymentStatus
from studio_credits.domain.reservations import ReservationStatus

for _enum in (
    BillingInterval,
    PlanStatus,
    Resolution,
    CreativeKind,
    LotSource,
    EntryKind,
    NoticeKind,
    ReservationStatus,
    PaymentStatus,
    PaymentPurpose,
):
    strawberry.enum(_enum)

__all__ = [
    "BillingInterval",
    "CreativeKind",
    "EntryKind",
    "LotSource",
    "NoticeKind",
    "PaymentPurpose",
    "PaymentStatus",
    "PlanStatus",
    "ReservationStatus",
    "Resolution",
]
