"""The ledger's GraphQL types: balances, entries, history pages, usage, notices, reservations, results."""

from datetime import datetime
from typing import Annotated

import strawberry

from studio_credits.api.catalogue.types import Plan
from studio_credits.api.context import Info
from studio_credits.api.enums import (
    CreativeKind,
    EntryKind,
    LotSource,
    NoticeKind,
    ReservationStatus,
    Resolution,
)
from studio_credits.api.errors import RefusalAnswer
from studio_credits.api.idempotency import IdempotencyConflict
from studio_credits.domain import (
    account,
    creatives,
    credit_limits,
    forecast,
    ledger,
    notices,
    reservations,
    usage,
    would_buy,
)
from studio_credits.domain.access import may_see_who_recorded
from studio_credits.domain.ids import public_id
from studio_credits.domain.wording import creatives_text
from studio_credits.domain.would_buy import WouldBuy as Worth


@strawberry.type
class CreditLot:
    id: strawberry.ID
    source: LotSource
    granted: int
    remaining: int
    expires_at: datetime | None


@strawberry.type
class CreditBalance:
    available: int = strawberry.field(
        description="Spendable now: the lots' remaining credits minus what is reserved."
    )
    reserved: int
    used_this_period: int
    granted_this_period: int
    lots: list[CreditLot]

    @classmethod
    def of(cls, holder: account.Account) -> "CreditBalance":
        return cls(
            available=holder.available,
            reserved=holder.reserved,
            used_this_period=holder.period_used,
            granted_this_period=holder.period_granted,
            lots=[
                CreditLot(
                    id=strawberry.ID(lot.id),
                    source=lot.source,
                    granted=lot.granted,
                    remaining=lot.remaining,
                    expires_at=lot.expires_at,
                )
                for lot in holder.lots
            ],
        )


@strawberry.type
class LotMovement:
    lot_id: strawberry.ID
    source: LotSource
    amount: int


@strawberry.type
class CreativeSummary:
    kind: CreativeKind
    resolution: Resolution
    outputs: int
    duration_seconds: int | None
    shots: int | None = strawberry.field(description="A multi-shot video's shots; null otherwise.")
    premium_model: bool
    advanced_template: bool

    @classmethod
    def of(cls, creative: creatives.Creative) -> "CreativeSummary":
        return cls(
            kind=creative.kind,
            resolution=creative.resolution,
            outputs=creative.outputs,
            duration_seconds=creative.duration_seconds,
            shots=creative.shots,
            premium_model=creative.premium_model,
            advanced_template=creative.advanced_template,
        )


@strawberry.type(description="What credits would still make of the creative the person makes most.")
class WouldBuy:
    credits: int
    count: int = strawberry.field(description="How many of one output of the creative the credits pay for.")
    creative: CreativeSummary = strawberry.field(description="The creative made most lately, one output.")
    creatives: str = strawberry.field(description='The count of the creative in words: "75 4K images".')
    text: str = strawberry.field(description='"1,200 credits: about 75 4K images".')

    @classmethod
    def of(cls, worth: would_buy.WouldBuy) -> "WouldBuy":
        return cls(
            credits=worth.credits,
            count=worth.count,
            creative=CreativeSummary.of(worth.creative),
            creatives=creatives_text(worth.count, worth.creative),
            text=worth.text,
        )


@strawberry.type(description="A lot's credits that expire soon, and what they would still make.")
class ExpiringCredits:
    lot_id: strawberry.ID
    source: LotSource
    credits: int
    expires_at: datetime
    would_buy: WouldBuy | None = strawberry.field(
        description="Null before anything was made, or where the plan no longer allows the creative."
    )


@strawberry.type
class LedgerEntry:
    id: strawberry.ID
    at: datetime
    kind: EntryKind
    amount: int = strawberry.field(
        description="Signed change to the lots' total: positive adds credits, negative removes them. "
        "RESERVE and RELEASE move nothing (0): they record holds; CAPTURE removes what was captured."
    )
    balance_after: int = strawberry.field(
        description="The lots' total after this entry (reserved credits included)."
    )
    description: str
    creative: CreativeSummary | None
    job_id: str | None
    lots: list[LotMovement]
    payment_id: strawberry.ID | None = strawberry.field(
        description="The payment that paid for this entry, or whose refund or dispute took credits back."
    )
    actor: strawberry.Private[str]

    @strawberry.field(
        description='Who made the entry: "service", "admin:<subject>", "user:<subject>", or the '
        "service's own jobs; shown to the service and admins, null to the account's person."
    )
    def recorded_by(self, info: Info) -> str | None:
        return self.actor if may_see_who_recorded(info.context.principal) else None

    @classmethod
    def of(cls, entry: ledger.LedgerEntry) -> "LedgerEntry":
        creative = entry.creative
        return cls(
            id=strawberry.ID(public_id(entry.account_id, entry.id)),
            at=entry.at,
            kind=entry.kind,
            amount=entry.amount,
            balance_after=entry.balance_after,
            description=entry.description,
            creative=None if creative is None else CreativeSummary.of(creative),
            job_id=entry.job_id,
            payment_id=None if entry.payment_id is None else strawberry.ID(entry.payment_id),
            actor=entry.actor,
            lots=[
                LotMovement(lot_id=strawberry.ID(m.lot_id), source=m.source, amount=m.amount)
                for m in entry.lots
            ],
        )


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.type
class LedgerEntryEdge:
    cursor: str
    node: LedgerEntry


@strawberry.type
class LedgerEntryConnection:
    edges: list[LedgerEntryEdge]
    page_info: PageInfo


@strawberry.type
class UsageByKind:
    kind: CreativeKind
    credits: int
    creatives: int
    share_of_credits: float = strawberry.field(
        description="This kind's part of the credits of every kind here, 0 to 1."
    )
    average_credits: float | None = strawberry.field(
        description="Credits per creative of this kind; null where none was made."
    )

    @classmethod
    def each(cls, totals: usage.KindTotals) -> list["UsageByKind"]:
        return [
            cls(
                kind=share.kind,
                credits=share.credits,
                creatives=share.creatives,
                share_of_credits=float(share.share),
                average_credits=None if share.average_credits is None else float(share.average_credits),
            )
            for share in usage.kind_shares(totals)
        ]


@strawberry.type
class UsageByMonth:
    month: str = strawberry.field(description="Calendar month in UTC, as YYYY-MM.")
    credits: int
    by_kind: list[UsageByKind] = strawberry.field(description="The month's spending per creative kind.")


@strawberry.type(description="Credits spent (consumed or captured) in the range, refunds deducted.")
class UsageReport:
    total_credits: int
    total_creatives: int
    by_kind: list[UsageByKind]
    by_month: list[UsageByMonth]

    @classmethod
    def of(cls, spent: usage.UsageReport) -> "UsageReport":
        return cls(
            total_credits=spent.total_credits,
            total_creatives=spent.total_creatives,
            by_kind=UsageByKind.each(spent.by_kind),
            by_month=[
                UsageByMonth(
                    month=month, credits=credits, by_kind=UsageByKind.each(spent.by_month_and_kind[month])
                )
                for month, credits in spent.by_month.items()
            ],
        )


@strawberry.type(description="The run-out forecast: the credits available now, at the recent pace.")
class Forecast:
    daily_rate: float = strawberry.field(description="Credits spent per day over the basis days.")
    runs_out_at: datetime | None = strawberry.field(
        description="When the credits available now run out at that pace, the soonest-expiring spent "
        "first and what later refreshes grant not counted; null where nothing was spent."
    )
    before_refresh: bool = strawberry.field(description="They run out before the next refresh.")
    basis_days: int = strawberry.field(description="The whole UTC days the pace is measured over.")

    @classmethod
    def of(cls, found: forecast.Forecast) -> "Forecast":
        return cls(
            daily_rate=float(found.daily_rate),
            runs_out_at=found.runs_out_at,
            before_refresh=found.before_refresh,
            basis_days=found.basis_days,
        )


@strawberry.type
class Notice:
    id: strawberry.ID
    kind: NoticeKind
    at: datetime
    message: str
    would_buy: WouldBuy | None = strawberry.field(
        description="CREDITS_EXPIRING: what the credits it is about would still make of the creative the "
        "person makes most; null on other kinds, before anything was made, or where the plan no longer "
        "allows that creative."
    )

    @classmethod
    def of(cls, notice: notices.Notice, worth: Worth | None = None) -> "Notice":
        return cls(
            id=strawberry.ID(notice.id),
            kind=notice.kind,
            at=notice.at,
            message=notice.message,
            would_buy=None if worth is None else WouldBuy.of(worth),
        )


@strawberry.type
class Reservation:
    id: strawberry.ID
    account_id: strawberry.ID
    job_id: str
    status: ReservationStatus
    credits: int
    outputs: int
    expires_at: datetime

    @classmethod
    def of(cls, reservation: reservations.Reservation) -> "Reservation":
        return cls(
            id=strawberry.ID(public_id(reservation.account_id, reservation.id)),
            account_id=strawberry.ID(reservation.account_id),
            job_id=reservation.job_id,
            status=reservation.status,
            credits=reservation.credits,
            outputs=reservation.outputs,
            expires_at=reservation.expires_at,
        )


@strawberry.type
class CreditsConsumed:
    entry: LedgerEntry
    balance: CreditBalance


@strawberry.type
class InsufficientCredits(RefusalAnswer):
    required: int
    available: int


@strawberry.type
class FeatureNotInPlan(RefusalAnswer):
    blocked_by: list[str]
    cheapest_plan_allowing: Plan | None


@strawberry.type
class CreditsReserved:
    reservation: Reservation
    balance: CreditBalance


@strawberry.type
class ReservationSettled:
    reservation: Reservation
    entry: LedgerEntry | None
    balance: CreditBalance


@strawberry.type
class ReservationNotHeld(RefusalAnswer):
    reservation: Reservation | None
    message: str


@strawberry.type
class CreditsRefunded:
    entry: LedgerEntry
    balance: CreditBalance


@strawberry.type
class RefundRejected(RefusalAnswer):
    message: str


@strawberry.type(description="The request would move or leave more credits than the product allows.")
class CreditLimitExceeded:
    limit: int = strawberry.field(description="The limit the request would break, in credits.")
    message: str

    @classmethod
    def of(cls, exceeded: credit_limits.CreditLimitExceeded) -> "CreditLimitExceeded":
        return cls(limit=exceeded.limit, message=exceeded.message)


@strawberry.type
class CreditsGranted:
    entry: LedgerEntry
    balance: CreditBalance


@strawberry.type
class GrantRejected(RefusalAnswer):
    message: str


ConsumeResult = Annotated[
    CreditsConsumed | InsufficientCredits | FeatureNotInPlan | IdempotencyConflict,
    strawberry.union("ConsumeResult"),
]
ReserveResult = Annotated[
    CreditsReserved | InsufficientCredits | FeatureNotInPlan | IdempotencyConflict,
    strawberry.union("ReserveResult"),
]
SettleResult = Annotated[ReservationSettled | ReservationNotHeld, strawberry.union("SettleResult")]
RefundResult = Annotated[
    CreditsRefunded | RefundRejected | CreditLimitExceeded | IdempotencyConflict,
    strawberry.union("RefundResult"),
]
GrantResult = Annotated[
    CreditsGranted | GrantRejected | CreditLimitExceeded | IdempotencyConflict,
    strawberry.union("GrantResult"),
]
