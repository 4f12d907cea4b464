"""An account: its plan, its current period, its lots and what it has used."""

from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from studio_credits.domain.catalogue import FREE, BillingInterval, Plan, plan_by_id
from studio_credits.domain.ids import entry_id, new_ulid
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import Lot, LotMovement, LotSource
from studio_credits.domain.periods import Period, period, term_end


class PlanStatus(Enum):
    ACTIVE = "ACTIVE"
    CANCELING = "CANCELING"


@dataclass(frozen=True)
class Hold:
    """Credits set aside for a reservation until it is captured, released or swept."""

    reservation_id: str
    credits: int
    expires_at: datetime


@dataclass(frozen=True)
class ScheduledChange:
    plan_id: str
    interval: BillingInterval


@dataclass(frozen=True)
class PendingCancellation:
    """A cancellation offered but not confirmed: the hash of its token, never the token itself."""

    token_hash: str
    expires_at: datetime


@dataclass(frozen=True)
class Account:
    id: str
    email: str | None
    plan_id: str
    interval: BillingInterval
    status: PlanStatus
    anchor: datetime
    period_index: int
    lots: tuple[Lot, ...]
    holds: tuple[Hold, ...]
    period_granted: int
    period_used: int
    low_credit_marks: tuple[int, ...]
    """The usage thresholds (percent) already noticed this period."""
    scheduled_change: ScheduledChange | None
    ends_at: datetime | None
    """Set while CANCELING: when access ends and the account drops to the free plan."""
    created_at: datetime
    version: int
    """Optimistic lock: the store writes only over the version it read."""
    pending_cancellation: PendingCancellation | None = None
    notices_checked_at: datetime | None = None
    """Until when the notices job has recorded the notices the account's dates call for."""
    unsent_notices: tuple[str, ...] = ()
    """Ids of recorded notices not emailed yet: the notices job sends them (see domain/notice_rules.py)."""

    @property
    def plan(self) -> Plan:
        return plan_by_id(self.plan_id)

    @property
    def current_period(self) -> Period:
        return period(self.anchor, self.period_index)

    @property
    def term_end(self) -> datetime:
        return term_end(self.anchor, self.period_index, self.interval)

    @property
    def renews_at(self) -> datetime | None:
        return self.term_end if self.status is PlanStatus.ACTIVE else None

    @property
    def next_refresh_at(self) -> datetime:
        return self.current_period.end

    @property
    def balance(self) -> int:
        return sum(lot.remaining for lot in self.lots)

    @property
    def reserved(self) -> int:
        return sum(hold.credits for hold in self.holds)

    @property
    def available(self) -> int:
        return self.balance - self.reserved


def open_account(account_id: str, email: str | None, now: datetime) -> tuple[Account, LedgerEntry]:
    """A new account on the free plan, anchored now, with its first period's credits."""
    anchor = now.replace(microsecond=0)
    first = period(anchor, 0)
    lot = Lot(
        id=new_ulid(now),
        source=LotSource.PLAN,
        granted=FREE.monthly_credits,
        remaining=FREE.monthly_credits,
        expires_at=first.end,
        created_at=now,
    )
    account = Account(
        id=account_id,
        email=email,
        plan_id=FREE.id,
        interval=BillingInterval.MONTHLY,
        status=PlanStatus.ACTIVE,
        anchor=anchor,
        period_index=0,
        lots=(lot,),
        holds=(),
        period_granted=lot.granted,
        period_used=0,
        low_credit_marks=(),
        scheduled_change=None,
        ends_at=None,
        created_at=now,
        version=0,
    )
    entry = LedgerEntry(
        id=entry_id(account.version, now, 0),
        account_id=account_id,
        at=now,
        kind=EntryKind.GRANT,
        amount=lot.granted,
        balance_after=account.balance,
        description=f"{FREE.name} plan: {lot.granted} credits for the period",
        actor="system",
        lots=(LotMovement(lot.id, lot.source, lot.granted),),
    )
    return account, entry
