"""Random sequences of ledger writes through the use cases, checking the money rules after every step."""

from collections import Counter
from dataclasses import dataclass
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from studio_credits.domain.clock import FixedClock
from studio_credits.domain.ids import public_id
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import LotSource
from studio_credits.domain.reservations import ReservationStatus
from studio_credits.domain.spending import FeatureNotInPlan, InsufficientCredits, Rejected
from studio_credits.service import ledger
from studio_credits.service.ports import Services
from tests.conftest import START
from tests.support.accounts import ADMIN, SERVICE, person, subscribe
from tests.support.ledger import assert_ledger_adds_up, image, ledger_entries
from tests.support.mailer import RecordingMailer
from tests.support.memory_repository import MemoryRepository


@dataclass(frozen=True)
class Consumption:
    key: str
    outputs: int
    entry_id: str


@dataclass(frozen=True)
class Hold:
    reservation_id: str
    outputs: int


class LedgerMachine(RuleBasedStateMachine):
    consumptions = Bundle("consumptions")
    holds = Bundle("holds")

    def __init__(self) -> None:
        super().__init__()
        self.clock = FixedClock(START)
        self.services = Services(MemoryRepository(), self.clock, RecordingMailer())
        self.account_id = subscribe(self.services, person("prop"), "pro").id
        # Back to 100 credits (3,000 - 2,900), so that a run spends them all and is refused.
        taken = ledger.grant(
            self.services, ADMIN, self.account_id, -2_900, LotSource.ADJUSTMENT, None, "test", "take-away"
        )
        assert isinstance(taken, ledger.Recorded) and taken.account.available == 100
        self.keys = 0
        self.applied_keys: Counter[str] = Counter()
        self.held: dict[str, int] = {}
        self.refunded: set[str] = set()

    def _key(self) -> str:
        self.keys += 1
        self.clock.at += timedelta(seconds=1)
        return f"key-{self.keys}"

    @rule(amount=st.integers(1, 400), source=st.sampled_from([LotSource.TOP_UP, LotSource.PROMO]))
    def grant(self, amount: int, source: LotSource) -> None:
        outcome = ledger.grant(
            self.services, ADMIN, self.account_id, amount, source, None, "test", self._key()
        )
        assert isinstance(outcome, ledger.Recorded)

    @rule(target=consumptions, outputs=st.integers(1, 10))
    def consume(self, outputs: int) -> Consumption | None:
        key = self._key()
        before = self.services.repository.get(self.account_id)
        assert before is not None
        outcome = ledger.consume(self.services, SERVICE, self.account_id, image(outputs), "job", key)
        if isinstance(outcome, InsufficientCredits | FeatureNotInPlan):
            assert before.available < 4 * outputs
            return None
        assert isinstance(outcome, ledger.Recorded) and outcome.entry is not None
        self.applied_keys[key] += 1
        return Consumption(key, outputs, outcome.entry.id)

    @rule(consumption=consumptions)
    def retry_consume(self, consumption: Consumption | None) -> None:
        if consumption is None:
            return
        outcome = ledger.consume(
            self.services, SERVICE, self.account_id, image(consumption.outputs), "job", consumption.key
        )
        assert isinstance(outcome, ledger.Recorded) and outcome.entry is not None
        assert outcome.entry.id == consumption.entry_id

    @rule(target=holds, outputs=st.integers(1, 10))
    def reserve(self, outputs: int) -> Hold | None:
        outcome = ledger.reserve(
            self.services, SERVICE, self.account_id, image(outputs), "job", 3600, self._key()
        )
        if isinstance(outcome, InsufficientCredits | FeatureNotInPlan):
            return None
        assert isinstance(outcome, ledger.Recorded) and outcome.reservation is not None
        self.held[outcome.reservation.id] = outcome.reservation.credits
        return Hold(outcome.reservation.id, outputs)

    @rule(hold=consumes(holds), delivered=st.integers(1, 10) | st.none())
    def capture(self, hold: Hold | None, delivered: int | None) -> None:
        if hold is None:
            return
        delivered = None if delivered is None else min(delivered, hold.outputs)
        reservation_id = public_id(self.account_id, hold.reservation_id)
        outcome = ledger.capture(self.services, SERVICE, reservation_id, delivered)
        assert isinstance(outcome, ledger.Recorded) and outcome.reservation is not None
        assert outcome.reservation.status is ReservationStatus.CAPTURED
        del self.held[hold.reservation_id]

    @rule(hold=consumes(holds))
    def release(self, hold: Hold | None) -> None:
        if hold is None:
            return
        outcome = ledger.release(
            self.services, SERVICE, public_id(self.account_id, hold.reservation_id), "failed"
        )
        assert isinstance(outcome, ledger.Recorded)
        del self.held[hold.reservation_id]

    @rule(consumption=consumptions, part=st.integers(1, 40) | st.none())
    def refund(self, consumption: Consumption | None, part: int | None) -> None:
        if consumption is None:
            return
        paid = 4 * consumption.outputs
        credits = None if part is None else min(part, paid)
        entry_id = public_id(self.account_id, consumption.entry_id)
        outcome = ledger.refund(self.services, SERVICE, entry_id, credits, "test", self._key())
        if consumption.entry_id in self.refunded:
            assert isinstance(outcome, Rejected)
        else:
            assert isinstance(outcome, ledger.Recorded)
            self.refunded.add(consumption.entry_id)

    @invariant()
    def money_adds_up(self) -> None:
        account = self.services.repository.get(self.account_id)
        assert account is not None
        entries = ledger_entries(self.services.repository, self.account_id)
        assert_ledger_adds_up(entries, account)
        assert account.reserved == sum(self.held.values())
        consumed = [e for e in entries if e.kind is EntryKind.CONSUME]
        assert len(consumed) == sum(self.applied_keys.values()) == len(self.applied_keys)


LedgerMachine.TestCase.settings = settings(
    max_examples=50,  # was 15 on moto; in memory more runs cost little
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestLedgerInvariants = LedgerMachine.TestCase
