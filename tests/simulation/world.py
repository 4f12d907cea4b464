"""The simulated studio: people, the generation service and the scheduled jobs on one injected clock.

A run is a list of operations, each concrete enough to replay without the random
generator that drew it (so a failing run can be shrunk): time passing, every write
a caller may make, idempotent retries, and jobs run on time, late, twice or cut short.
"""

import json
import re
import time
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from functools import cached_property, partial
from typing import Any, Literal

import stripe

from studio_credits.domain.access import Principal, Role
from studio_credits.domain.account import Account
from studio_credits.domain.as_of import as_of
from studio_credits.domain.cancellation import CancellationRefused
from studio_credits.domain.catalogue import BillingInterval, Resolution, plan_by_id
from studio_credits.domain.change import Change
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.errors import DomainError
from studio_credits.domain.ids import public_id
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import LotSource
from studio_credits.domain.payments import (
    CREDIT_PACKS,
    ChargeOutcome,
    ChargeRequest,
    ChargeStatus,
    Payment,
    PaymentPurpose,
    PaymentStatus,
)
from studio_credits.domain.plan_changes import InvalidPlanChange
from studio_credits.domain.plan_terms import PlanChangeTerms
from studio_credits.domain.spending import InsufficientCredits
from studio_credits.jobs.each_due import JobReport
from studio_credits.jobs.notices import run_notices
from studio_credits.jobs.refresh import run_refresh
from studio_credits.jobs.sweep import run_sweep
from studio_credits.payments.stripe_provider import StripeProvider, expandable_id, metadata_of
from studio_credits.payments.test_cards import PAYS
from studio_credits.service import auto_top_ups, credit_packs, ledger, plans, renewals
from studio_credits.service import payments as paying
from studio_credits.service.accounts import viewer_account
from studio_credits.service.execution import IdempotencyConflict
from studio_credits.service.ports import Services
from studio_credits.service.retry import RetryPolicy
from studio_credits.settings import Settings
from tests.support.mailer import RecordingMailer
from tests.support.memory_repository import MemoryRepository
from tests.support.payments import (
    ASKS_FOR_3DS,
    DECLINED_AT_CHARGE,
    authenticate,
    confirm_setup,
    local_stripe,
    with_card,
)

START = datetime(2026, 1, 31, 9, tzinfo=UTC)
SERVICE = Principal("generation-service", Role.SERVICE)
ADMIN = Principal("admin-1", Role.ADMIN)

CREATIVES = (
    Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_1080P),
    Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_2K, outputs=4),
    Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_4K, outputs=10, premium_model=True),
    Creative(kind=CreativeKind.VIDEO, resolution=Resolution.RES_720P, duration_seconds=10),
    Creative(kind=CreativeKind.VIDEO, resolution=Resolution.RES_1080P, duration_seconds=30, outputs=2),
    Creative(
        kind=CreativeKind.MULTI_SHOT_VIDEO, resolution=Resolution.RES_1080P, duration_seconds=12, shots=3
    ),
    Creative(kind=CreativeKind.VIDEO, resolution=Resolution.RES_4K, duration_seconds=60, outputs=3),
)


CARDS = (PAYS, ASKS_FOR_3DS, DECLINED_AT_CHARGE)
"""Person n's card is CARDS[n % 3]: it pays, it asks for 3D Secure first, or its charges are declined."""
RENEWED_BY_CREDIT = re.compile(r"renewed, billed \w+: \$([\d,]+\.\d\d) paid with billing credit")
MONTHLY = BillingInterval.MONTHLY
CLOSED_PORT = "http://127.0.0.1:9"
"""Where nothing listens: a charge sent there never reaches Stripe."""
PAID = (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED, PaymentStatus.DISPUTED)

type Fate = Literal["kept", "unreached", "lost", "webhook first"]
"""What becomes of a charge's answer: kept; the request never reached Stripe; the charge was made
and its answer lost; or its succeeded or failed event is handled before the answer is."""
type EventKind = Literal["outcome", "refund", "dispute"]


class InvariantBroken(AssertionError):
    """A money rule failed: the run's replay shows how."""


@dataclass(frozen=True)
class Advance:
    seconds: int


@dataclass(frozen=True)
class Consume:
    person: int
    creative: int
    key: str


@dataclass(frozen=True)
class Reserve:
    person: int
    creative: int
    ttl_seconds: int
    key: str


@dataclass(frozen=True)
class Capture:
    person: int
    which: int
    """An index into the person's held reservations (modulo their number)."""
    delivered_share: float
    """1.0: every output; less: the first outputs only (at least one)."""


@dataclass(frozen=True)
class Release:
    person: int
    which: int


@dataclass(frozen=True)
class Refund:
    person: int
    which: int
    """An index into the person's consumptions."""
    share: float
    key: str


@dataclass(frozen=True)
class Grant:
    person: int
    source: LotSource
    amount: int
    expires_in_days: int | None
    key: str


@dataclass(frozen=True)
class ChangePlan:
    person: int
    plan_id: str
    interval: BillingInterval
    key: str


@dataclass(frozen=True)
class BuyCredits:
    person: int
    pack: int
    """An index into CREDIT_PACKS."""
    key: str
    fate: Fate = "kept"


@dataclass(frozen=True)
class Authenticate:
    """The person answers 3D Secure for their latest payment awaiting it, then the page confirms it."""

    person: int
    success: bool


@dataclass(frozen=True)
class Webhook:
    """Stripe's event about one of the person's charges: its outcome (succeeded or failed, as Stripe
    has it now), a refund made now (a share of what is left) or a dispute opened now."""

    person: int
    which: int
    """An index into the person's payments that have a charge at Stripe (modulo their number)."""
    kind: EventKind
    copies: int
    """How many times it is delivered now (a duplicate has the same id); 0: held, for DeliverHeld."""
    refund_share: float = 1.0


@dataclass(frozen=True)
class DeliverHeld:
    """A held event delivered now, late and out of order."""

    which: int


@dataclass(frozen=True)
class PayRenewal:
    """The person pays the renewal due on the Plan page (3D Secure then answered by Authenticate)."""

    person: int


@dataclass(frozen=True)
class UpdateCard:
    """The person saves another card: CARDS[card]."""

    person: int
    card: int


@dataclass(frozen=True)
class Cancel:
    person: int
    confirm_after_seconds: int
    """Confirmed that long after the request (a token lasts 10 minutes); negative: never confirmed."""
    before_boundary_seconds: int | None = None
    """Requested this long before the period's end (the clock moves there first): a confirmation lands
    at, or just after, the boundary, a renewal where the paid term ends there."""


@dataclass(frozen=True)
class Resume:
    person: int


@dataclass(frozen=True)
class SetAutoTopUp:
    person: int
    pack: int
    """An index into CREDIT_PACKS."""
    threshold_share: float
    """The threshold, as a share of the credits available when it is set (at least 1 credit)."""
    monthly_cap: int


@dataclass(frozen=True)
class TurnOffAutoTopUp:
    person: int


@dataclass(frozen=True)
class ConcurrentSpends:
    """Spends of one account that all read it before any of them is stored: each commits in turn, the
    later ones after losing the race for its version and reading it again."""

    person: int
    creatives: tuple[int, ...]
    key: str


@dataclass(frozen=True)
class Retry:
    step: int
    """The index, in the run, of an earlier keyed write to send again with the same key and input."""


@dataclass(frozen=True)
class RunJob:
    job: str
    stop_after: int | None
    """Cut the run short (as when its Lambda runs out of time) after this many accounts."""
    mailer_refuses: bool = False


Op = (
    Advance
    | Consume
    | Reserve
    | Capture
    | Release
    | Refund
    | Grant
    | ChangePlan
    | Cancel
    | Resume
    | Retry
    | RunJob
    | BuyCredits
    | Authenticate
    | Webhook
    | DeliverHeld
    | PayRenewal
    | UpdateCard
    | SetAutoTopUp
    | TurnOffAutoTopUp
    | ConcurrentSpends
)
type Paying = (
    BuyCredits
    | Authenticate
    | Webhook
    | DeliverHeld
    | SetAutoTopUp
    | TurnOffAutoTopUp
    | ConcurrentSpends
    | PayRenewal
    | UpdateCard
)
"""What pays, or may make an auto top-up pay."""
Answer = tuple[str, object]
"""What a keyed write answered: ("entry", the entry), ("reservation", its id), ("plan", the terms),
("bought", the payment's id), ("unpaid", why) or ("refused", why)."""


@dataclass
class LoggedRepository(MemoryRepository):
    """The repository in memory, keeping every commit (the change and the account as stored) for the
    invariants: what each write did, including the states between one step's writes."""

    log: list[tuple[Change, Account]] = field(default_factory=list)

    def commit(self, change: Change) -> Account:
        committed = super().commit(change)
        self.log.append((change, committed))
        return committed


@dataclass
class ReadBeforeTheOthers(LoggedRepository):
    """The world's own tables (the same dicts and log), whose first read of `stale`'s account gives it as
    `stale` holds it: the read a spend made before the concurrent spends' commits."""

    stale: Account | None = None

    def get(self, account_id: str) -> Account | None:
        if self.stale is not None and self.stale.id == account_id:
            stale, self.stale = self.stale, None
            return stale
        return super().get(account_id)


NO_PAUSES = RetryPolicy(attempts=20, sleep=lambda _: None)
"""A race lost is tried again at once: the simulated clock does not move meanwhile."""


@dataclass
class Person:
    principal: Principal
    consumptions: list[tuple[str, int]] = field(default_factory=list)
    """Public ids of the consumptions made, with their credits."""
    refunded: dict[str, int] = field(default_factory=dict)
    """Credits refunded per consumption, as the answers said."""
    billing_credit_cents: int = 0
    """The billing credit the last immediate plan change left, as its answer said, less what
    renewals took of it since."""
    renewals_seen: set[str] = field(default_factory=set)
    """The entries of renewals the billing credit paid, counted."""


@dataclass
class World:
    people: int
    clock: FixedClock = field(default_factory=lambda: FixedClock(START))
    repository: LoggedRepository = field(default_factory=LoggedRepository)
    mailer: RecordingMailer = field(default_factory=RecordingMailer)
    persons: list[Person] = field(default_factory=list)
    answers: dict[int, Answer] = field(default_factory=dict)
    """The answer to each keyed write, by step index, for the retries to compare with."""
    sends: dict[int, Callable[[], Answer]] = field(default_factory=dict)
    """Each keyed write's exact call, by step index, for the retries to send again."""
    reserved_at: dict[str, datetime] = field(default_factory=dict)
    """When each job's reservation was made, by job id."""
    _refund_keys: set[tuple[str, str]] = field(default_factory=set)
    held: list[str] = field(default_factory=list)
    """Events not delivered yet (their JSON), for DeliverHeld."""
    events: int = 0
    disputed: set[str] = field(default_factory=set)
    """The PaymentIntents a dispute was opened on (one per charge, as at Stripe)."""
    behind: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))
    """The PaymentIntents made whose answer was lost or came late, by account."""
    charged: set[str] = field(default_factory=set)
    """The accounts a step may have charged, for the invariants to count their PaymentIntents."""

    def __post_init__(self) -> None:
        self.services = Services(self.repository, self.clock, self.mailer, payments=local_stripe())
        for n in range(self.people):
            person = Person(Principal(f"person-{n}", Role.USER, f"person-{n}@example.com"))
            viewer_account(self.services, person.principal)
            self._save_card(person.principal, CARDS[n % len(CARDS)])
            self.persons.append(person)

    def _save_card(self, principal: Principal, number: str) -> None:
        if number != ASKS_FOR_3DS:
            with_card(self.services, principal, number)
            return
        setup_intent_id = confirm_setup(paying.start_card_setup(self.services, principal), number)
        self.dashboard.v1.setup_intents.confirm(setup_intent_id)  # Stripe.js, once authenticated
        if not isinstance(paying.save_card(self.services, principal, setup_intent_id), Account):
            raise AssertionError(f"{principal.subject}'s card was not saved")

    @cached_property
    def dashboard(self) -> stripe.StripeClient:
        """Stripe as its dashboard shows it: what the invariants and the events read."""
        settings = Settings.from_environment()
        return stripe.StripeClient(
            settings.stripe_api_key, base_addresses={"api": settings.stripe_api_base or ""}
        )

    def intents(self, account_id: str) -> dict[str, list[stripe.PaymentIntent]]:
        """The account's PaymentIntents at Stripe, by the payment their metadata names."""
        account = self.repository.get(account_id)
        found: dict[str, list[stripe.PaymentIntent]] = defaultdict(list)
        if account is None or account.customer_id is None:
            return found
        listed = self.dashboard.v1.payment_intents.list({"customer": account.customer_id, "limit": 100})
        for intent in listed.auto_paging_iter():
            found[metadata_of(intent).get("payment_id", "")].append(intent)
        return found

    def account_id(self, person: int) -> str:
        return self.persons[person].principal.subject

    def apply(self, step: int, op: Op) -> None:
        applied, top_ups = self._applied(), self._top_ups()
        self._apply(step, op)
        self._track_billing_credit(applied)
        self.charged |= {
            account_id for account_id, made in self._top_ups().items() if made != top_ups.get(account_id)
        }

    def _apply(self, step: int, op: Op) -> None:
        match op:
            case Advance(seconds):
                self.clock.at += timedelta(seconds=seconds)
            case Retry(earlier):
                self._retry(op, earlier)
            case RunJob():
                self._run_job(op)
            case Capture(person, which, share):
                self._settle(person, which, share)
            case Release(person, which):
                self._settle(person, which, None)
            case Cancel(person, after, before_boundary):
                self._cancel(person, after, before_boundary)
            case Resume(person):
                plans.resume_plan(self.services, self.persons[person].principal)
            case (
                BuyCredits()
                | Authenticate()
                | Webhook()
                | DeliverHeld()
                | SetAutoTopUp()
                | TurnOffAutoTopUp()
                | ConcurrentSpends()
                | PayRenewal()
                | UpdateCard()
            ):
                self._pay(step, op)
            case _:
                send = self._keyed(op)
                if send is None:
                    return
                if not isinstance(op, ChangePlan):
                    self.sends[step], self.answers[step] = send, send()
                    return
                before = viewer_account(self.services, self.persons[op.person].principal)
                preview = self._preview(op)
                answer = send()
                self.sends[step], self.answers[step] = send, answer
                if isinstance(answer[1], PlanChangeTerms):
                    self._check_plan_change(before, preview, answer[1])

    def _pay(self, step: int, op: Paying) -> None:
        match op:
            case SetAutoTopUp() | TurnOffAutoTopUp() | ConcurrentSpends():
                self._auto_top_up(op)
            case PayRenewal(person):
                renewals.pay_renewal(self.services, self.persons[person].principal)
                self.charged.add(self.account_id(person))
            case UpdateCard(person, card):
                self._save_card(self.persons[person].principal, CARDS[card % len(CARDS)])
            case BuyCredits(person, pack, key, fate):
                self.sends[step] = partial(self._buy, person, pack, key)
                self.answers[step] = self._buy(person, pack, key, fate)
            case Authenticate(person, success):
                self._authenticate(person, success)
            case Webhook(person, which, kind, copies, share):
                self._webhook(person, which, kind, copies, share)
            case DeliverHeld(which) if self.held:
                self._deliver(self.held.pop(which % len(self.held)))

    def _keyed(self, op: Op) -> Callable[[], Answer] | None:
        """The exact call a keyed write makes, to send now and again for a retry."""
        send: Callable[[], Answer] | None = None
        match op:
            case Consume(person, creative, key):
                send = partial(self._consume, person, creative, key)
            case Reserve(person, creative, ttl, key):
                send = partial(self._reserve, person, creative, ttl, key)
            case Refund(person, which, share, key) if self.persons[person].consumptions:
                entry_id, paid = self.persons[person].consumptions[
                    which % len(self.persons[person].consumptions)
                ]
                send = partial(self._refund, person, entry_id, max(1, int(paid * share)), key)
            case Grant(person, source, amount, days, key):
                expires_at = None if days is None else self.clock.at + timedelta(days=days)
                send = partial(self._grant, person, source, amount, expires_at, key)
            case ChangePlan(person, plan_id, interval, key):
                send = partial(self._change_plan, person, plan_id, interval, key)
        return send

    def _grant(
        self, person: int, source: LotSource, amount: int, expires_at: datetime | None, key: str
    ) -> Answer:
        granter = SERVICE if source is LotSource.TOP_UP else ADMIN
        account_id = self.account_id(person)
        return _entry_answer(
            ledger.grant(self.services, granter, account_id, amount, source, expires_at, "sim", key)
        )

    def _consume(self, person: int, creative: int, key: str) -> Answer:
        stored = self.repository.get(self.account_id(person))
        outcome = ledger.consume(
            self.services, SERVICE, self.account_id(person), CREATIVES[creative], f"job-{key}", key
        )
        if isinstance(outcome, InsufficientCredits) and stored is not None:
            self._check_refusal(stored, outcome)
        if isinstance(outcome, ledger.Recorded) and outcome.entry is not None:
            entry_id = public_id(self.account_id(person), outcome.entry.id)
            if entry_id not in dict(self.persons[person].consumptions):
                self.persons[person].consumptions.append((entry_id, -outcome.entry.amount))
        return _entry_answer(outcome)

    def _auto_top_up(self, op: SetAutoTopUp | TurnOffAutoTopUp | ConcurrentSpends) -> None:
        match op:
            case SetAutoTopUp(person, pack, share, cap):
                principal = self.persons[person].principal
                threshold = max(1, int(viewer_account(self.services, principal).available * share))
                auto_top_ups.set_auto_top_up(self.services, principal, CREDIT_PACKS[pack].id, threshold, cap)
            case TurnOffAutoTopUp(person):
                auto_top_ups.turn_off_auto_top_up(self.services, self.persons[person].principal)
            case ConcurrentSpends():
                self._concurrent_spends(op)

    def _concurrent_spends(self, op: ConcurrentSpends) -> None:
        account_id = self.account_id(op.person)
        read_together = self.repository.get(account_id)
        for n, creative in enumerate(op.creatives):
            racing = ReadBeforeTheOthers(
                accounts=self.repository.accounts,
                items=self.repository.items,
                log=self.repository.log,
                stale=read_together,
            )
            key = f"{op.key}-{n}"
            outcome = ledger.consume(
                replace(self.services, repository=racing, retry=NO_PAUSES),
                SERVICE,
                account_id,
                CREATIVES[creative],
                f"job-{key}",
                key,
            )
            if isinstance(outcome, ledger.Recorded) and outcome.entry is not None:
                consumed = (public_id(account_id, outcome.entry.id), -outcome.entry.amount)
                self.persons[op.person].consumptions.append(consumed)

    def _check_refusal(self, stored: Account, refused: InsufficientCredits) -> None:
        """A spend refused for want of credits names what is available as of now, where a hold past
        its expiry counts for nothing, swept or not."""
        now = self.clock.at
        live = sum(hold.credits for hold in stored.holds if hold.expires_at > now)
        available = as_of(stored, now).account.balance - live
        if (refused.available, refused.required > available) != (available, True):
            raise InvariantBroken(f"{refused} refused with {available} available as of {now}")

    def _reserve(self, person: int, creative: int, ttl: int, key: str) -> Answer:
        outcome = ledger.reserve(
            self.services, SERVICE, self.account_id(person), CREATIVES[creative], f"job-{key}", ttl, key
        )
        if isinstance(outcome, ledger.Recorded) and outcome.reservation is not None:
            self.reserved_at.setdefault(outcome.reservation.job_id, self.clock.at)
            return ("reservation", outcome.reservation.id)
        return _entry_answer(outcome)

    def _settle(self, person: int, which: int, share: float | None) -> None:
        """Capture (the delivered share) or release one of the person's held reservations."""
        account = self.repository.get(self.account_id(person))
        assert account is not None
        if not account.holds:
            return
        local_id = account.holds[which % len(account.holds)].reservation_id
        reservation_id = public_id(account.id, local_id)
        if share is None:
            ledger.release(self.services, SERVICE, reservation_id, "sim")
            return
        held = self.repository.get_reservation(account.id, local_id)
        assert held is not None
        ledger.capture(self.services, SERVICE, reservation_id, max(1, int(held.outputs * share)))

    def _refund(self, person: int, entry_id: str, credits: int, key: str) -> Answer:
        outcome = ledger.refund(self.services, SERVICE, entry_id, credits, "sim", key)
        first_time = (entry_id, key) not in self._refund_keys
        if isinstance(outcome, ledger.Recorded) and outcome.entry is not None and first_time:
            self._refund_keys.add((entry_id, key))
            refunded = self.persons[person].refunded
            refunded[entry_id] = refunded.get(entry_id, 0) + outcome.entry.amount
        return _entry_answer(outcome)

    def _change_plan(self, person: int, plan_id: str, interval: BillingInterval, key: str) -> Answer:
        before = self._payments(self.account_id(person))
        outcome = plans.change_plan(self.services, self.persons[person].principal, plan_id, interval, key)
        if self._payments(self.account_id(person)) != before:
            self.charged.add(self.account_id(person))
        if isinstance(outcome, plans.PlanChangeMade):
            return ("plan", outcome.terms)
        return ("refused", type(outcome).__name__)

    def _preview(self, op: ChangePlan) -> PlanChangeTerms | None:
        principal = self.persons[op.person].principal
        try:
            preview = plans.preview_plan_change(self.services, principal, op.plan_id, op.interval)
        except DomainError:
            return None
        return None if isinstance(preview, InvalidPlanChange) else preview.terms

    def _check_plan_change(
        self, before: Account, preview: PlanChangeTerms | None, terms: PlanChangeTerms
    ) -> None:
        """The change did what its preview said, and kept paid value."""
        if preview is not None and preview != terms:
            raise InvariantBroken(f"the change did other than its preview: {preview} then {terms}")
        person = next(p for p in self.persons if p.principal.subject == before.id)
        self._count_renewals_paid_by_credit(person)  # the change's own write may have crossed a renewal
        credit = person.billing_credit_cents
        due, applied, after = (
            terms.amount_due_now_cents,
            terms.billing_credit_applied_cents,
            terms.billing_credit_after_cents,
        )
        if min(due, applied, after) < 0 or applied > credit or (due > 0 and after != 0):
            raise InvariantBroken(f"billing figures that lose or invent value, from {credit}: {terms}")
        # What the change is worth, by the seconds left in the term paid for (the service counts
        # days): what is due now, less what the billing credit took or gained, must be it.
        worth = _worth(before, terms, self.clock.at)
        slack = (
            before.plan.price_cents(before.interval) + plan_by_id(terms.plan_id).price_cents(terms.interval)
        ) // 28
        if abs(due - (after - credit) - worth) > slack + 1:
            raise InvariantBroken(f"paid value lost: worth {worth}, credit {credit} before, then {terms}")
        person.billing_credit_cents = after

    def _cancel(self, person: int, confirm_after: int, before_boundary: int | None) -> None:
        principal = self.persons[person].principal
        if before_boundary is not None:
            boundary = viewer_account(self.services, principal).next_refresh_at
            self.clock.at = max(self.clock.at, boundary - timedelta(seconds=before_boundary))
        try:
            offer = plans.request_cancellation(self.services, principal)
        except DomainError:
            return
        if isinstance(offer, CancellationRefused):
            return
        if confirm_after < 0:
            return
        self.clock.at += timedelta(seconds=confirm_after)
        confirmed = plans.confirm_cancellation(self.services, principal, offer.token)
        if isinstance(confirmed, Account) and confirmed.ends_at != offer.effective_at:
            raise InvariantBroken(
                f"a cancellation offered to end at {offer.effective_at} was confirmed to end at "
                f"{confirmed.ends_at}"
            )
        if isinstance(confirmed, Account) and self.clock.at >= offer.token_expires_at:
            raise InvariantBroken(f"a token that expired at {offer.token_expires_at} was taken")

    def _retry(self, op: Retry, earlier: int) -> None:
        first, send = self.answers.get(earlier), self.sends.get(earlier)
        if first is None or send is None or first[0] == "refused":
            return  # a refused first call recorded nothing: a retry is a new request
        again = send()
        if first[0] == "unpaid":  # a payment not paid (yet): the retry asks Stripe again
            self.answers[earlier] = again
            return
        if again != first:
            raise InvariantBroken(f"a retry of step {earlier} answered {again!r}, the first call {first!r}")

    def _run_job(self, op: RunJob) -> None:
        started = 0

        def remaining_ms() -> int:
            nonlocal started
            started += 1
            return 60_000 if op.stop_after is None or started <= op.stop_after else 0

        run: Callable[[], JobReport]
        if op.job == "refresh":
            run = lambda: run_refresh(self.services, remaining_ms)  # noqa: E731
        elif op.job == "sweep":
            run = lambda: run_sweep(self.services, remaining_ms)  # noqa: E731
        else:
            self.mailer.refuses = op.mailer_refuses
            run = lambda: run_notices(self.services, remaining_ms)  # noqa: E731
        report = run()
        self.mailer.refuses = False
        if report.failed and not op.mailer_refuses:
            raise InvariantBroken(f"a {op.job} run failed for {report.failed} accounts: {report}")

    def _buy(self, person: int, pack: int, key: str, fate: Fate = "kept") -> Answer:
        """Buy a credit pack; with the charge's answer lost, or its event first, when `fate` says."""
        services, before = self.services, self._payments(self.account_id(person))
        if fate != "kept":
            services = replace(services, payments=AnswerAltered(fate, partial(self._made_behind, fate)))
        bought = credit_packs.buy_credits(
            services, self.persons[person].principal, CREDIT_PACKS[pack].id, key
        )
        if self._payments(self.account_id(person)) != before:
            self.charged.add(self.account_id(person))
        if isinstance(bought, credit_packs.CreditsBought):
            return ("bought", bought.payment.id)
        if isinstance(bought, IdempotencyConflict):
            raise InvariantBroken(f"a key was reused with other input: {bought}")
        return ("unpaid", type(bought).__name__)

    def _authenticate(self, person: int, success: bool) -> None:
        account_id = self.account_id(person)
        waiting = sorted(
            (p for p in self._payments(account_id) if p.status is PaymentStatus.REQUIRES_ACTION),
            key=lambda p: p.id,
        )
        if not waiting or waiting[-1].charge_id is None:
            return
        payment = waiting[-1]
        secret = self.services.payment_provider.charge_outcome(payment.charge_id or "").client_secret
        if secret is not None:
            authenticate(secret, success)
        paying.confirm_payment(self.services, self.persons[person].principal, payment.id)

    def _webhook(self, person: int, which: int, kind: EventKind, copies: int, share: float) -> None:
        account_id = self.account_id(person)
        charges = sorted(
            {p.charge_id for p in self._payments(account_id) if p.charge_id} | self.behind[account_id]
        )
        if not charges:
            return
        intent = self.dashboard.v1.payment_intents.retrieve(charges[which % len(charges)])
        if (kind != "outcome" and intent.status != "succeeded") or (
            kind == "dispute" and intent.id in self.disputed
        ):
            return
        payload = None
        if kind == "outcome":
            payload = self._outcome_event(intent.id)
        elif kind == "refund":
            payload = self._refund_event(intent, share)
        else:
            self.disputed.add(intent.id)
            payload = self._event("charge.dispute.created", _dispute(intent))
        if payload is None:
            return
        if copies == 0:
            self.held.append(payload)
        for _ in range(copies):
            self._deliver(payload)

    def _outcome_event(self, intent_id: str) -> str | None:
        """payment_intent.succeeded or .payment_failed as Stripe sends it; None while it is neither."""
        intent = self.dashboard.v1.payment_intents.retrieve(intent_id)
        if intent.status == "succeeded":
            return self._event("payment_intent.succeeded", intent.to_dict())
        if intent.status in ("requires_payment_method", "canceled"):
            return self._event("payment_intent.payment_failed", intent.to_dict())
        return None

    def _refund_event(self, intent: stripe.PaymentIntent, share: float) -> str | None:
        """A refund of a share of what is left of the charge, then charge.refunded with the total."""
        charge_id = expandable_id(intent.latest_charge)
        if charge_id is None:
            return None
        charge = self.dashboard.v1.charges.retrieve(charge_id)
        left = charge.amount - charge.amount_refunded
        if left > 0:
            self.services.payment_provider.refund(intent.id, max(1, int(left * share)))
            charge = self.dashboard.v1.charges.retrieve(charge_id)
        return self._event("charge.refunded", charge.to_dict())

    def _event(self, kind: str, thing: dict[str, Any]) -> str:
        self.events += 1
        created = int(time.time())
        body = {"id": f"evt_sim_{self.events}", "object": "event", "type": kind, "created": created}
        return json.dumps({**body, "data": {"object": thing}}, default=str)

    def _deliver(self, payload: str) -> None:
        """The webhook: the event signed as Stripe signs it, verified and handled by the service."""
        secret = Settings.from_environment().stripe_webhook_secret
        header = stripe.WebhookSignature.generate_signature_header(payload, secret)
        event = self.services.payment_provider.parse_event(payload.encode(), header)
        settled = [
            (account, payment, set(self.repository.items[account.id].entries))
            for account in map(self.repository.get, self.repository.items)
            if account is not None
            for payment in self._payments(account.id)
            if payment.charge_id == event.charge_id
            and payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.REFUNDED)
        ]
        paying.handle_payment_event(self.services, event)
        for before, payment, entries in settled:
            self._check_taken_back(before, payment, entries)

    def _made_behind(self, fate: Fate, request: ChargeRequest, intent_id: str) -> None:
        """A charge made whose answer is lost, or whose event comes first: handled now."""
        self.behind[request.account_id].add(intent_id)
        payload = self._outcome_event(intent_id) if fate == "webhook first" else None
        if payload is not None:
            self._deliver(payload)

    def _check_taken_back(self, before: Account, payment: Payment, entries: set[str]) -> None:
        """A refund or a dispute of a settled payment took back what it newly covers, as far as the
        payment's lots still held it unspent (and not reserved)."""
        after = self.repository.get_payment(before.id, payment.id)
        if after is None or after.credits_taken_back == payment.credits_taken_back:
            return
        owed = after.credits_taken_back - payment.credits_taken_back
        current = as_of(before, self.clock.at).account
        held = current.held_by_lot()
        unspent = sum(
            lot.remaining - held.get(lot.id, 0) for lot in current.lots if lot.id in payment.lot_ids
        )
        taken = -sum(
            entry.amount
            for entry_id, entry in self.repository.items[before.id].entries.items()
            if entry_id not in entries and entry.payment_id == payment.id and entry.kind is EntryKind.ADJUST
        )
        if taken != min(owed, unspent):
            raise InvariantBroken(f"{after.id}: took back {taken}, not min({owed} owed, {unspent} unspent)")

    def _payments(self, account_id: str) -> list[Payment]:
        return list(self.repository.items[account_id].payments.values())

    def _top_ups(self) -> dict[str, set[tuple[str, str | None]]]:
        """Each account's auto top-ups and their charges."""
        return {
            account_id: {
                (p.id, p.charge_id)
                for p in items.payments.values()
                if p.purpose is PaymentPurpose.AUTO_TOP_UP
            }
            for account_id, items in self.repository.items.items()
        }

    def _applied(self) -> set[str]:
        return {
            p.id
            for items in self.repository.items.values()
            for p in items.payments.values()
            if p.status in PAID
        }

    def _count_renewals_paid_by_credit(self, person: Person) -> None:
        """The renewals the billing credit paid (a write that crossed their boundary stored them)."""
        for made in self.repository.items[person.principal.subject].entries.values():
            paid_by_credit = RENEWED_BY_CREDIT.search(made.description)
            if paid_by_credit is not None and made.id not in person.renewals_seen:
                person.renewals_seen.add(made.id)
                person.billing_credit_cents -= _cents(paid_by_credit.group(1))

    def _track_billing_credit(self, applied: set[str]) -> None:
        """A plan change paid after its request answered (authenticated, or by a webhook) left the
        billing credit its terms say, and what the price fell by while it waited; one paid for after
        another came first kept its amount as billing credit. A renewal takes what the credit paid of
        its price (all of it, where the credit covered it: nothing was charged)."""
        for person in self.persons:
            account_id = person.principal.subject
            self._count_renewals_paid_by_credit(person)
            for payment in self._payments(account_id):
                if payment.id in applied or payment.status not in PAID:
                    continue
                entry = self.repository.get_entry(account_id, payment.entry_id or "")
                if payment.purpose is PaymentPurpose.RENEWAL:
                    renewed = entry is not None and entry.kind is EntryKind.GRANT
                    price = plan_by_id(payment.plan_id or "").price_cents(payment.interval or MONTHLY)
                    person.billing_credit_cents += (
                        payment.amount_cents - price if renewed else payment.amount_cents
                    )
                    continue
                if payment.purpose is not PaymentPurpose.PLAN_CHANGE:
                    continue
                terms = None if entry is None else entry.plan_change
                if terms is None:
                    person.billing_credit_cents += payment.amount_cents
                else:
                    surplus = max(0, payment.amount_cents - terms.amount_due_now_cents)
                    person.billing_credit_cents = terms.billing_credit_after_cents + surplus


class AnswerAltered(StripeProvider):
    """The Stripe adapter, whose answer to a charge does not come back as Stripe gave it (a timeout,
    or the charge's event handled first): everything else as it is."""

    def __init__(self, fate: Fate, made: Callable[[ChargeRequest, str], None]) -> None:
        settings = Settings.from_environment()
        super().__init__(
            lambda: settings.stripe_api_key,
            lambda: settings.stripe_webhook_secret,
            settings.stripe_publishable_key,
            settings.stripe_api_base,
        )
        self._settings, self._fate, self._made = settings, fate, made

    def charge(self, request: ChargeRequest) -> ChargeOutcome:
        if self._fate == "unreached":
            settings = self._settings
            unreachable = StripeProvider(
                lambda: settings.stripe_api_key,
                lambda: settings.stripe_webhook_secret,
                settings.stripe_publishable_key,
                CLOSED_PORT,
                timeout_seconds=1.0,
            )
            return unreachable.charge(request)
        made = super().charge(request)
        if made.charge_id is not None:
            self._made(request, made.charge_id)
        return ChargeOutcome(ChargeStatus.UNKNOWN, None) if self._fate == "lost" else made


def _dispute(intent: stripe.PaymentIntent) -> dict[str, Any]:
    """The Dispute object of charge.dispute.created (localstripe has no disputes)."""
    return {
        "id": f"dp_{intent.id}",
        "object": "dispute",
        "amount": intent.amount,
        "charge": expandable_id(intent.latest_charge),
        "payment_intent": intent.id,
        "reason": "fraudulent",
        "status": "needs_response",
    }


def _worth(before: Account, terms: PlanChangeTerms, now: datetime) -> float:
    if not terms.immediate or (terms.plan_id, terms.interval) == (before.plan_id, before.interval):
        return 0.0
    term = before.current_term
    left = (term.end - now) / (term.end - term.start)
    paid = before.plan.price_cents(before.interval)
    price = plan_by_id(terms.plan_id).price_cents(terms.interval)
    if terms.interval is before.interval:
        return (price - paid) * left
    return price - paid * left


def _cents(money: str) -> int:
    """ "$1,234.50" as the ledger writes it, in cents."""
    dollars, cents = money.replace(",", "").split(".")
    return int(dollars) * 100 + int(cents)


def _entry_answer(outcome: object) -> Answer:
    if isinstance(outcome, ledger.Recorded):
        return ("entry", None if outcome.entry is None else outcome.entry)
    if isinstance(outcome, IdempotencyConflict):
        raise InvariantBroken(f"a key was reused with other input: {outcome}")
    return ("refused", type(outcome).__name__)
