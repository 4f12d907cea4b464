"""The local server's demo person: fourteen months lived by the real use cases and scheduled jobs.

The seeding runs on a test clock of its own, from sign-up (14 months, less 15 days, before the
services' now) up to that now, moving it as the local server's test clock moves (the jobs run
where their schedules would have run them). The story is fixed by the now alone: the same now
gives the same entries, amounts, times and words; only ULIDs' random parts differ. Its
idempotency keys are derived from each step, and an account that exists is left as it is.
"""

import logging
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta

from studio_credits.domain.access import Principal, Role
from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.ids import public_id
from studio_credits.domain.lots import LotSource
from studio_credits.domain.periods import add_months
from studio_credits.jobs.scheduled import next_due_for
from studio_credits.service import ledger, payments, plans
from studio_credits.service.accounts import viewer_account
from studio_credits.service.ports import Services
from studio_credits.settings import Settings
from studio_credits.telemetry.logs import logger

DEMO_USER = "demo-user"
DEMO_EMAIL = "demo@studio.example"
MONTHS = 14
SIGNED_UP_AT = time(9, 0, tzinfo=UTC)
"""The time of day the demo person signed up: every period begins then."""
DAYS_LEFT_AT_NOW = 15
"""How long the current period has to run at the services' now, give or take a day or two."""
TOP_UP_CREDITS = 500
PROMO_CREDITS = 200

PERSON = Principal(DEMO_USER, Role.USER, DEMO_EMAIL)
STUDIO = Principal("generation-service", Role.SERVICE)


def image(resolution: Resolution, outputs: int = 1) -> Creative:
    return Creative(kind=CreativeKind.IMAGE, resolution=resolution, outputs=outputs)


def video(resolution: Resolution, seconds: int, *, premium: bool = False, template: bool = False) -> Creative:
    return Creative(
        kind=CreativeKind.VIDEO,
        resolution=resolution,
        duration_seconds=seconds,
        premium_model=premium,
        advanced_template=template,
    )


def multi_shot(resolution: Resolution, seconds: int, shots: int) -> Creative:
    return Creative(
        kind=CreativeKind.MULTI_SHOT_VIDEO, resolution=resolution, duration_seconds=seconds, shots=shots
    )


# What the person makes, with its price.
IMAGE_1080P = image(Resolution.RES_1080P)  # 4
IMAGES_2K = image(Resolution.RES_2K, 4)  # 32
IMAGES_4K = image(Resolution.RES_4K, 10)  # 160
VIDEO_720P_3S = video(Resolution.RES_720P, 3)  # 30
VIDEO_720P_5S = video(Resolution.RES_720P, 5)  # 50
VIDEO_720P_10S = video(Resolution.RES_720P, 10)  # 100
VIDEO_1080P_8S = video(Resolution.RES_1080P, 8)  # 120
VIDEO_1080P_15S = video(Resolution.RES_1080P, 15)  # 225
VIDEO_PREMIUM = video(Resolution.RES_1080P, 20, premium=True, template=True)  # 602
MULTI_SHOT_720P = multi_shot(Resolution.RES_720P, 12, 3)  # 150
MULTI_SHOT_1080P = multi_shot(Resolution.RES_1080P, 30, 5)  # 563

Event = Callable[[], None]
Sessions = dict[int, list[Creative]]
"""Creatives made on a day of a period, by the day."""

EARLY_MONTHS: dict[int, Sessions] = {
    # Free: single images and short 720p videos; 84 of 100 in the second month (a low-credits notice).
    0: {2: [IMAGE_1080P] * 2, 9: [VIDEO_720P_5S], 20: [IMAGE_1080P]},
    1: {4: [VIDEO_720P_5S], 13: [VIDEO_720P_3S, IMAGE_1080P]},
    # Starter from day 10: batches of 2K images and 1080p video.
    2: {3: [IMAGE_1080P], 14: [IMAGES_2K, VIDEO_1080P_8S], 24: [VIDEO_720P_10S, IMAGES_2K]},
    # A quiet month, spent from the rollover alone: all 1,000 plan credits roll over, Starter's cap.
    3: {6: [IMAGES_2K], 15: [VIDEO_1080P_8S], 25: [VIDEO_720P_10S]},
    4: {
        7: [VIDEO_1080P_15S, IMAGES_2K, VIDEO_1080P_15S],
        18: [VIDEO_1080P_15S] * 2,
        27: [VIDEO_1080P_15S] * 2,
    },
    # Pro from day 12: multi-shot video, 4K images, premium models.
    5: {
        3: [IMAGES_2K, VIDEO_1080P_8S],
        13: [MULTI_SHOT_720P, IMAGES_4K],
        22: [VIDEO_PREMIUM, MULTI_SHOT_1080P],
    },
}
UPGRADES = {2: (10, "starter"), 5: (12, "pro")}
"""Mid-period upgrades, billed monthly: the period, the day."""
TOP_UP_MONTH, TOP_UP_DAY = 4, 5
PROMO_MONTH, PROMO_DAY, PROMO_DAYS = 6, 20, 5
"""A promotion nobody spends before it expires."""
CAPTURE_MONTH, CAPTURE_DAY = 7, 8
REFUND_MONTH, REFUND_DAY = 7, 16
ANNUAL_MONTH, ANNUAL_DAY = 8, 15
"""Pro monthly to Pro annual: it takes effect at the next boundary."""


def pro_month(month: int) -> Sessions:
    """A Pro month: 4K images, premium videos and multi-shot videos in numbers that turn with the month."""
    days = (3, 10) if month == MONTHS - 1 else (4, 18)
    made = (
        [IMAGES_4K] * (month % 3 + 1)
        + [VIDEO_PREMIUM] * (month % 2 + 1)
        + [MULTI_SHOT_1080P] * ((month + 1) % 3 + 1)
    )
    return {day: made[n :: len(days)] for n, day in enumerate(days)}


def month_sessions(month: int) -> Sessions:
    return EARLY_MONTHS.get(month) or pro_month(month)


def sign_up_time(now: datetime) -> datetime:
    """Fourteen months before now, less about half a month, at the sign-up time of day."""
    day = (add_months(now, -MONTHS) + timedelta(days=DAYS_LEFT_AT_NOW)).date()
    return datetime.combine(day, SIGNED_UP_AT)


class SeedingFailed(RuntimeError):
    """A step of the story was refused: the story no longer fits the rules it runs on."""


def seed_demo_account(services: Services, settings: Settings) -> None:
    """The demo person's fourteen months, ending at the services' now; nothing when the account
    exists (a DynamoDB seeded before, by another local server or an earlier start): it keeps the
    story it has, seen as of now like any account."""
    if services.repository.get(DEMO_USER) is not None:
        return
    with _quiet_jobs():
        DemoStory(services, settings).live()


@contextmanager
def _quiet_jobs() -> Iterator[None]:
    """The seeding's job runs would each log a line; the banner follows it."""
    level = logger.log_level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


class DemoStory:
    """The story, told through the use cases on services of its own: the same repository, its own
    test clock moved by TimeTravel (running the real jobs on the way), the outbox on that clock."""

    def __init__(self, services: Services, settings: Settings) -> None:
        from studio_credits.bootstrap import time_travel
        from studio_credits.outbox import Outbox

        self.settings = settings
        self.now = services.clock.now()
        self.signed_up = sign_up_time(self.now)
        self.clock = FixedClock(self.signed_up)
        mailer = services.mailer
        if isinstance(mailer, Outbox):  # the local server's: its emails keep the story's times
            mailer = mailer.stamped_by(self.clock)
        self.services = replace(services, clock=self.clock, mailer=mailer)
        # Only the demo person is due anything the story waits for: one read, not every due index.
        self.travel = time_travel(self.services, settings, self.next_due)

    def next_due(self) -> dict[str, datetime | None]:
        account = self.services.repository.get(DEMO_USER)
        return {} if account is None else next_due_for(account)

    def live(self) -> None:
        viewer_account(self.services, PERSON)
        self.save_card()
        for month in range(MONTHS):
            self.month(month)
        self.travel.advance(self.now)

    def month(self, month: int) -> None:
        events: dict[int, Event] = {
            day: self.made(month, day, creatives) for day, creatives in month_sessions(month).items()
        }
        if month in UPGRADES:
            day, plan = UPGRADES[month]
            events[day] = lambda: self.change_plan(month, plan, BillingInterval.MONTHLY)
        if month == TOP_UP_MONTH:
            events[TOP_UP_DAY] = lambda: self.top_up(month)
        if month == PROMO_MONTH:
            events[PROMO_DAY] = lambda: self.promotion(month)
        if month == CAPTURE_MONTH:
            events[CAPTURE_DAY] = lambda: self.partial_capture(month)
        if month == REFUND_MONTH:
            events[REFUND_DAY] = lambda: self.refunded_render(month)
        if month == ANNUAL_MONTH:
            events[ANNUAL_DAY] = lambda: self.change_plan(month, "pro", BillingInterval.ANNUAL)
        for day in sorted(events):
            self.go_to(month, day)
            events[day]()

    def go_to(self, month: int, day: int) -> None:
        """The afternoon of a day of a period, the jobs run on the way."""
        at = add_months(self.signed_up, month) + timedelta(days=day, hours=5)
        if at >= self.now:
            raise SeedingFailed(f"the story's month {month}, day {day} is after now")
        self.travel.advance(at)

    def later(self, minutes: int) -> None:
        """Minutes later, on the same afternoon: nothing falls due for a job in between."""
        self.travel.advance(self.clock.at + timedelta(minutes=minutes), run_jobs=False)

    def made(self, month: int, day: int, creatives: list[Creative]) -> Event:
        def make() -> None:
            for n, creative in enumerate(creatives):
                if n:
                    self.later(3)
                self.consume(creative, f"{month:02d}-{day:02d}-{n}")

        return make

    def consume(self, creative: Creative, step: str) -> ledger.Recorded:
        made = ledger.consume(self.services, STUDIO, DEMO_USER, creative, f"demo-job-{step}", f"demo-{step}")
        return _recorded(made, step)

    def save_card(self) -> None:
        """The person's 4242 test card, saved as the Plan page saves one."""
        from studio_credits.payments.test_cards import confirm_card_setup

        secret = payments.start_card_setup(self.services, PERSON)
        saved = payments.save_card(self.services, PERSON, confirm_card_setup(self.settings, secret))
        if isinstance(saved, payments.CardNotSaved):
            raise SeedingFailed(f"the demo card: {saved.message}")

    def change_plan(self, month: int, plan_id: str, interval: BillingInterval) -> None:
        key = f"demo-{month:02d}-{plan_id}-{interval.value.lower()}"
        changed = plans.change_plan(self.services, PERSON, plan_id, interval, key)
        if not isinstance(changed, plans.PlanChangeMade):
            raise SeedingFailed(f"{key}: {changed}")

    def top_up(self, month: int) -> None:
        granted = ledger.grant(
            self.services, STUDIO, DEMO_USER, TOP_UP_CREDITS, LotSource.TOP_UP, None,
            "Top-up bought in the studio", f"demo-{month:02d}-top-up",
        )  # fmt: skip
        _recorded(granted, "top-up")

    def promotion(self, month: int) -> None:
        expires = self.clock.at + timedelta(days=PROMO_DAYS)
        granted = ledger.grant(
            self.services, STUDIO, DEMO_USER, PROMO_CREDITS, LotSource.PROMO, expires,
            "Launch week promotion", f"demo-{month:02d}-promotion",
        )  # fmt: skip
        _recorded(granted, "promotion")

    def partial_capture(self, month: int) -> None:
        """Four 2K images reserved for a job that delivers three: the fourth one's credits go back."""
        step = f"{month:02d}-reserved"
        held = _recorded(
            ledger.reserve(
                self.services, STUDIO, DEMO_USER, IMAGES_2K, f"demo-job-{step}", 3600, f"demo-{step}"
            ),
            step,
        )
        if held.reservation is None:
            raise SeedingFailed(f"demo step {step}: no reservation")
        self.later(2)
        reservation = public_id(DEMO_USER, held.reservation.id)
        _recorded(ledger.capture(self.services, STUDIO, reservation, IMAGES_2K.outputs - 1), step)

    def refunded_render(self, month: int) -> None:
        """A video whose render failed after it was charged: refunded in full."""
        step = f"{month:02d}-refunded"
        charged = self.consume(VIDEO_1080P_8S, step)
        if charged.entry is None:
            raise SeedingFailed(f"demo step {step}: no entry")
        self.later(4)
        entry = public_id(DEMO_USER, charged.entry.id)
        refunded = ledger.refund(
            self.services, STUDIO, entry, None, "The render failed", f"demo-{step}-refund"
        )
        _recorded(refunded, step)


def _recorded(result: object, step: str) -> ledger.Recorded:
    if not isinstance(result, ledger.Recorded):
        raise SeedingFailed(f"demo step {step}: {result}")
    return result
