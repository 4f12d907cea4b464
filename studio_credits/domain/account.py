"""An account: its plan, its current period, its lots and what it has used."""

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import Enum

from studio_credits.domain.catalogue import FREE, BillingInterval, Plan, plan_by_id
from studio_credits.domain.creatives import Creative
from studio_credits.domain.ids import entry_id, new_ulid
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import Lot, LotMovement, LotSource
from studio_credits.domain.notices import NoticeKind
from studio_credits.domain.payments import Card
from studio_credits.domain.periods import Period, period, term


class PlanStatus(Enum):
    ACTIVE = "ACTIVE"
    CANCELING = "CANCELING"
    PAST_DUE = "PAST_DUE"
    """The paid term's renewal is not paid yet: no new plan credits until it is, or the grace ends."""


@dataclass(frozen=True)
class Hold:
    """Credits set aside for a reservation until it is captured, released or swept.

    The credits stay in the lots they were taken from (`portions`, one per lot), so they
    are settled under those lots' rules: a lot that expires while held keeps its held
    part for the capture, and a release returns only what the lot still keeps.
    """

    reservation_id: str
    credits: int
    expires_at: datetime
    portions: tuple[LotMovement, ...]
    job_id: str | None = None
    creative: Creative | None = None
    """What the hold is for, so its expiry's RELEASE entry names it (None on holds stored before)."""


def credits_held_by_lot(holds: Iterable[Hold]) -> dict[str, int]:
    """Credits held, by the id of the lot they stay in."""
    held: dict[str, int] = {}
    for hold in holds:
        for portion in hold.portions:
            held[portion.lot_id] = held.get(portion.lot_id, 0) + portion.amount
    return held


@dataclass(frozen=True)
class ScheduledChange:
    plan_id: str
    interval: BillingInterval


@dataclass(frozen=True)
class PendingCancellation:
    """A cancellation offered but not confirmed: the hash of its token, never the token itself, and
    the end of the paid term the offer was made for."""

    token_hash: str
    expires_at: datetime
    effective_at: datetime | None
    """None on offers stored before offers kept it: such a token is refused as stale."""


GRACE = timedelta(days=7)
"""How long after its first charge failed a renewal not paid leaves the plan on (PAST_DUE)."""
RETRY_DAYS_AFTER_FIRST = (1, 3, 5)
"""When the refresh job tries the renewal's charge again, in days after its first attempt."""


@dataclass(frozen=True)
class RenewalDue:
    """A paid term's renewal not paid yet: the account is PAST_DUE, without the new period's plan
    credits, until a charge for it succeeds or the grace ends (domain/renewals.py)."""

    period_index: int
    """The first period of the term being renewed."""
    due_at: datetime
    plan_id: str
    interval: BillingInterval
    price_cents: int
    credit_applied_cents: int
    """Billing credit the renewal uses: taken from the account's once the renewal is paid."""
    first_attempt_at: datetime | None = None
    scheduled_attempts: int = 0
    """Charges the refresh job made: the first and the retries."""
    attempts_by_person: int = 0
    open_payment_id: str | None = None
    """The charge in flight: no other is made for the renewal until it is settled."""

    @property
    def owed_cents(self) -> int:
        return self.price_cents - self.credit_applied_cents

    @property
    def grace_ends_at(self) -> datetime | None:
        """None until the first charge is tried: a renewal nobody tried to charge keeps the plan on."""
        return None if self.first_attempt_at is None else self.first_attempt_at + GRACE

    def lapses_at(self, period_end: datetime) -> datetime:
        """When the plan ends unpaid: the grace's end, and at the latest the period it was due for."""
        grace_end = self.grace_ends_at
        return period_end if grace_end is None else min(grace_end, period_end)

    @property
    def next_attempt_at(self) -> datetime | None:
        """When the refresh job next acts on the renewal's charge: the first attempt at once, each
        retry on its day; while a charge is in flight, every run, to ask how it went. None after
        the last retry."""
        if self.scheduled_attempts == 0:
            return self.due_at
        if self.first_attempt_at is None:
            return None
        if self.open_payment_id is not None:
            return self.first_attempt_at
        if self.scheduled_attempts > len(RETRY_DAYS_AFTER_FIRST):
            return None
        return self.first_attempt_at + timedelta(days=RETRY_DAYS_AFTER_FIRST[self.scheduled_attempts - 1])


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
    muted_notices: frozenset[NoticeKind] = frozenset()
    """Optional notice kinds the person turned off: recorded, not emailed (domain/notice_preferences.py)."""
    term_first_period: int = 0
    """The period the paid terms count from: a switch to annual billing starts a year there."""
    billing_credit_cents: int = 0
    """Paid value a plan change left over, applied first to the next amounts due (never dropped)."""
    customer_id: str | None = None
    """The payment provider's customer, made when the person first saves a card."""
    card: Card | None = None
    """The card on file that paid changes and credit packs are charged to."""
    renewal: RenewalDue | None = None
    """Set while PAST_DUE."""

    @property
    def plan(self) -> Plan:
        return plan_by_id(self.plan_id)

    @property
    def current_period(self) -> Period:
        return period(self.anchor, self.period_index)

    @property
    def current_term(self) -> Period:
        """The paid term now running: the current month, or the year of an annual plan."""
        return term(self.anchor, self.term_first_period, self.period_index, self.interval)

    @property
    def term_end(self) -> datetime:
        return self.current_term.end

    @property
    def upcoming_change(self) -> ScheduledChange | None:
        """The scheduled change the term's end makes: none while CANCELING, when the plan ends instead
        (the change is kept: resuming restores it)."""
        return self.scheduled_change if self.status is PlanStatus.ACTIVE else None

    @property
    def renews_at(self) -> datetime | None:
        return self.term_end if self.status is PlanStatus.ACTIVE else None

    @property
    def next_refresh_at(self) -> datetime:
        return self.current_period.end

    @property
    def refresh_due_at(self) -> datetime:
        """When the refresh job next has work for the account (the key its due index holds): the
        period's end, or sooner what a payment waits for."""
        if self.renewal is None:
            return self.next_refresh_at
        attempt_at = self.renewal.next_attempt_at
        ends_at = self.renewal.lapses_at(self.next_refresh_at)
        return ends_at if attempt_at is None else min(ends_at, attempt_at)

    @property
    def next_hold_expiry_at(self) -> datetime | None:
        return min((hold.expires_at for hold in self.holds), default=None)

    @property
    def balance(self) -> int:
        return sum(lot.remaining for lot in self.lots)

    @property
    def reserved(self) -> int:
        return sum(hold.credits for hold in self.holds)

    @property
    def available(self) -> int:
        """Spendable: on an account as of now (domain/as_of.py) no lot past its expiry has free credits."""
        return self.balance - self.reserved

    def held_by_lot(self) -> dict[str, int]:
        return credits_held_by_lot(self.holds)

    def without_hold(self, reservation_id: str) -> "Account":
        return replace(self, holds=tuple(h for h in self.holds if h.reservation_id != reservation_id))


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
        description=f"{FREE.name} plan: {lot.granted:,} credits for the period",
        actor="system",
        lots=(LotMovement(lot.id, lot.source, lot.granted),),
    )
    return account, entry
