"""The ledger's GraphQL inputs: a history filter and each write's input."""

from datetime import datetime

import strawberry

from studio_credits.api.catalogue.inputs import CreativeInput
from studio_credits.api.enums import CreativeKind, EntryKind, LotSource
from studio_credits.domain import history
from studio_credits.domain.inputs import INSTANT, YEAR
from studio_credits.service import ledger


@strawberry.input
class HistoryFilter:
    from_: datetime | None = strawberry.field(name="from", default=None)
    to: datetime | None = None
    year: int | None = None
    kinds: list[EntryKind] | None = None
    creative_kinds: list[CreativeKind] | None = None

    def to_domain(self) -> history.HistoryFilter:
        """The filter, or InvalidInput naming the field as the domain filter calls it."""
        return history.HistoryFilter(
            since=INSTANT.check_optional("since", self.from_),
            until=INSTANT.check_optional("until", self.to),
            year=YEAR.check_optional("year", self.year),
            kinds=frozenset(self.kinds or ()),
            creative_kinds=frozenset(self.creative_kinds or ()),
        )


@strawberry.input
class ConsumeInput:
    account_id: strawberry.ID
    creative: CreativeInput
    job_id: str
    idempotency_key: str


@strawberry.input
class ReserveInput:
    account_id: strawberry.ID
    creative: CreativeInput
    job_id: str
    idempotency_key: str
    ttl_seconds: int | None = ledger.DEFAULT_RESERVATION_TTL_SECONDS


@strawberry.input
class CaptureInput:
    reservation_id: strawberry.ID
    delivered_outputs: int | None = strawberry.field(
        default=None,
        description="Outputs actually delivered; fewer than reserved captures only their share "
        "and releases the rest.",
    )


@strawberry.input
class ReleaseInput:
    reservation_id: strawberry.ID
    reason: str


@strawberry.input
class RefundInput:
    entry_id: strawberry.ID
    reason: str
    idempotency_key: str
    credits: int | None = strawberry.field(
        default=None, description="Part of the entry to refund; all of it by default."
    )


@strawberry.input
class GrantInput:
    account_id: strawberry.ID
    amount: int
    source: LotSource
    expires_at: datetime | None = None
    note: str
    idempotency_key: str
