"""Random sequences of ledger writes through the use cases, each checked against a model of the account
(its balance, its holds and when they expire), with the money rules checked after every step.

Every refusal must be justified by the model: a consumption or a reservation is refused only when the
model's available credits are fewer than its price, a capture or a release only when the hold has
expired, a refund only when the consumption was refunded before. A hold past its expiry counts for
nothing, whether or not the sweeper has run. Retries with the same key change nothing; the same key
with other input is a conflict.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from studio_credits.domain.as_of import as_of
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.ids import public_id
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import LotSource
from studio_credits.domain.reservations import ReservationStatus
from studio_credits.domain.spending import InsufficientCredits, NotHeld, Rejected
from studio_credits.jobs.sweep import run_sweep
from studio_credits.service import ledger
from studio_credits.service.execution import IdempotencyConflict
from studio_credits.service.ports import Services
from tests.conftest import START
from tests.support.accounts import ADMIN, SERVICE, person, subscribe
from tests.support.ledger import assert_ledger_adds_up, image, ledger_entries
from tests.support.mailer import RecordingMailer
from tests.support.memory_repository import MemoryRepository
from tests.support.payments import local_stripe

IMAGE_CREDITS = 4
"""A 1080p image on Pro (tests/unit/test_pricing.py)."""
HOLD_SECONDS = 3_600


@dataclass(frozen=True)
class Consumption:
    key: str
    outputs: int
    entry_id: str


@dataclass(frozen=True)
class Hold:
    key: str
    reservation_id: str
    outputs: int
    expires_at: datetime


@dataclass(frozen=True)
class Grant:
    key: str
    amount: int
    source: LotSource
    entry_id: str


class LedgerMachine(RuleBasedStateMachine):
    consumptions = Bundle("consumptions")
    holds = Bundle("holds")
    grants = Bundle("grants")

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(START)
        self.services = Services(MemoryRepository(), self.clock, RecordingMailer(), payments=local_stripe())
        self.account_id = subscribe(self.services, person("prop"), "pro").id
        # Back to 100 credits (3,000 - 2,900), so that a run spends them all and is refused.
        taken = ledger.grant(
            self.services, ADMIN, self.account_id, -2_900, LotSource.ADJUSTMENT, None, "test", "take-away"
        )
        assert isinstance(taken, ledger.Recorded) and taken.account.available == 100
        self.keys = 0
        # The model: what the account must hold after each step.
        self.balance = 100
        self.held: dict[str, Hold] = {}
        self.refunded: set[str] = set()
        self.consumed = 0

    @property
    def live_holds(self) -> dict[str, int]:
        """Credits each hold not yet past its expiry keeps: an expired one counts for nothing."""
        return {
            held.reservation_id: IMAGE_CREDITS * held.outputs
            for held in self.held.values()
            if held.expires_at > self.clock.at
        }

    @property
    def available(self) -> int:
        return self.balance - sum(self.live_holds.values())

    def _key(self) -> str:
        self.keys += 1
        self.clock.at += timedelta(seconds=1)
        return f"key-{self.keys}"

    @rule(minutes=st.integers(1, 90))
    def wait(self, minutes: int) -> None:
        """Time passes: holds (an hour each) may expire; no lot does within a run."""
        self.clock.at += timedelta(minutes=minutes)

    @rule()
    def sweep(self) -> None:
        """The sweeper stores the releases of expired holds: what every request already saw."""
        run_sweep(self.services)

    @rule(
        target=grants, amount=st.integers(1, 400), source=st.sampled_from([LotSource.TOP_UP, LotSource.PROMO])
    )
    def grant(self, amount: int, source: LotSource) -> Grant:
        key = self._key()
        outcome = ledger.grant(self.services, ADMIN, self.account_id, amount, source, None, "test", key)
        assert isinstance(outcome, ledger.Recorded) and outcome.entry is not None
        self.balance += amount
        return Grant(key, amount, source, outcome.entry.id)

    @rule(grant=grants, other=st.booleans())
    def retry_grant(self, grant: Grant, other: bool) -> None:
        amount = grant.amount + 1 if other else grant.amount
        outcome = ledger.grant(
            self.services, ADMIN, self.account_id, amount, grant.source, None, "test", grant.key
        )
        if other:
            assert isinstance(outcome, IdempotencyConflict)
        else:
            assert isinstance(outcome, ledger.Recorded) and outcome.entry is not None
            assert outcome.entry.id == grant.entry_id

    @rule(target=consumptions, outputs=st.integers(1, 10))
    def consume(self, outputs: int) -> Consumption | None:
        key = self._key()
        price = IMAGE_CREDITS * outputs
        outcome = ledger.consume(self.services, SERVICE, self.account_id, image(outputs), "job", key)
        if isinstance(outcome, InsufficientCredits):
            assert outcome == InsufficientCredits(price, self.available)
            assert self.available < price
            return None
        assert isinstance(outcome, ledger.Recorded) and outcome.entry is not None
        assert self.available >= price
        self.balance -= price
        self.consumed += 1
        return Consumption(key, outputs, outcome.entry.id)

    @rule(consumption=consumptions, other=st.booleans())
    def retry_consume(self, consumption: Consumption | None, other: bool) -> None:
        if consumption is None:
            return
        job = "other job" if other else "job"
        outcome = ledger.consume(
            self.services, SERVICE, self.account_id, image(consumption.outputs), job, consumption.key
        )
        if other:
            assert isinstance(outcome, IdempotencyConflict)
        else:
            assert isinstance(outcome, ledger.Recorded) and outcome.entry is not None
            assert outcome.entry.id == consumption.entry_id

    @rule(target=holds, outputs=st.integers(1, 10))
    def reserve(self, outputs: int) -> Hold | None:
        key = self._key()
        price = IMAGE_CREDITS * outputs
        outcome = ledger.reserve(
            self.services, SERVICE, self.account_id, image(outputs), "job", HOLD_SECONDS, key
        )
        if isinstance(outcome, InsufficientCredits):
            assert outcome == InsufficientCredits(price, self.available)
            assert self.available < price
            return None
        assert isinstance(outcome, ledger.Recorded) and outcome.reservation is not None
        assert self.available >= price
        reservation = outcome.reservation
        assert (reservation.credits, reservation.expires_at) == (
            price,
            self.clock.at + timedelta(seconds=HOLD_SECONDS),
        )
        made = Hold(key, reservation.id, outputs, reservation.expires_at)
        self.held[reservation.id] = made
        return made

    @rule(hold=holds, other=st.booleans())
    def retry_reserve(self, hold: Hold | None, other: bool) -> None:
        if hold is None:
            return
        ttl = HOLD_SECONDS + 1 if other else HOLD_SECONDS
        outcome = ledger.reserve(
            self.services, SERVICE, self.account_id, image(hold.outputs), "job", ttl, hold.key
        )
        if other:
            assert isinstance(outcome, IdempotencyConflict)
        else:
            assert isinstance(outcome, ledger.Recorded) and outcome.reservation is not None
            assert outcome.reservation.id == hold.reservation_id

    @rule(hold=consumes(holds), delivered=st.integers(1, 10) | st.none())
    def capture(self, hold: Hold | None, delivered: int | None) -> None:
        if hold is None:
            return
        delivered = None if delivered is None else min(delivered, hold.outputs)
        reservation_id = public_id(self.account_id, hold.reservation_id)
        outcome = ledger.capture(self.services, SERVICE, reservation_id, delivered)
        if isinstance(outcome, NotHeld):
            assert hold.expires_at <= self.clock.at  # only an expired hold is refused
            assert outcome.reservation.status is ReservationStatus.EXPIRED
            del self.held[hold.reservation_id]
            return
        assert isinstance(outcome, ledger.Recorded) and outcome.reservation is not None
        assert hold.expires_at > self.clock.at
        captured = IMAGE_CREDITS * (hold.outputs if delivered is None else delivered)
        assert (outcome.reservation.status, outcome.reservation.captured) == (
            ReservationStatus.CAPTURED,
            captured,
        )
        self.balance -= captured
        del self.held[hold.reservation_id]

    @rule(hold=consumes(holds))
    def release(self, hold: Hold | None) -> None:
        if hold is None:
            return
        outcome = ledger.release(
            self.services, SERVICE, public_id(self.account_id, hold.reservation_id), "failed"
        )
        del self.held[hold.reservation_id]
        if hold.expires_at <= self.clock.at:
            assert isinstance(outcome, NotHeld)
            assert outcome.reservation.status is ReservationStatus.EXPIRED
            return
        assert isinstance(outcome, ledger.Recorded) and outcome.reservation is not None
        assert outcome.reservation.status is ReservationStatus.RELEASED

    @rule(consumption=consumptions, part=st.integers(1, 40) | st.none())
    def refund(self, consumption: Consumption | None, part: int | None) -> None:
        if consumption is None:
            return
        paid = IMAGE_CREDITS * consumption.outputs
        credits = None if part is None else min(part, paid)
        entry_id = public_id(self.account_id, consumption.entry_id)
        outcome = ledger.refund(self.services, SERVICE, entry_id, credits, "test", self._key())
        if consumption.entry_id in self.refunded:
            assert isinstance(outcome, Rejected)
            assert outcome.message == "this entry was already refunded; a consumption is refunded once"
        else:
            assert isinstance(outcome, ledger.Recorded)
            self.refunded.add(consumption.entry_id)
            self.balance += paid if credits is None else credits

    @invariant()
    def the_account_is_the_model(self) -> None:
        stored = self.services.repository.get(self.account_id)
        assert stored is not None
        account = as_of(stored, self.clock.at).account
        assert (account.balance, account.available) == (self.balance, self.available)
        assert {hold.reservation_id: hold.credits for hold in account.holds} == self.live_holds
        entries = ledger_entries(self.services.repository, self.account_id)
        assert_ledger_adds_up(entries, stored)
        assert [e.kind for e in entries].count(EntryKind.CONSUME) == self.consumed


# 300 runs of 40 steps in the suite (about 6 s of one core); three times a property's examples.
LedgerMachine.TestCase.settings = settings(
    max_examples=3 * settings().max_examples,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLedgerInvariants = LedgerMachine.TestCase
