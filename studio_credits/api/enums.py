"""The contract's enums: declared once in the domain, exposed to GraphQL as they are."""

import strawberry

from studio_credits.domain.account import PlanStatus
from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.creatives import CreativeKind
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import LotSource

for _enum in (BillingInterval, PlanStatus, Resolution, CreativeKind, LotSource, EntryKind):
    strawberry.enum(_enum)

__all__ = ["BillingInterval", "CreativeKind", "EntryKind", "LotSource", "PlanStatus", "Resolution"]
