"""Seeded runs of the simulated studio over 24 months, checked after every step; a failing run is
shrunk to a minimal replay.

`python -m tests.simulation.run --seeds 1000` (what `make simulate SEEDS=1000` runs), or
`--seed 17` to run one seed and print its minimal failing steps.
"""

import argparse
import logging
import os
import random
import sys
import time
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import ExitStack
from dataclasses import dataclass

from studio_credits.domain.catalogue import PLANS, BillingInterval
from studio_credits.domain.lots import LotSource
from studio_credits.domain.payments import CREDIT_PACKS
from studio_credits.domain.periods import add_months
from studio_credits.payments.localstripe import embedded_localstripe
from studio_credits.telemetry.logs import logger
from tests.simulation.invariants import Invariants
from tests.simulation.world import (
    CREATIVES,
    START,
    Advance,
    Authenticate,
    BuyCredits,
    Cancel,
    Capture,
    ChangePlan,
    ConcurrentSpends,
    Consume,
    DeliverHeld,
    Fate,
    Grant,
    InvariantBroken,
    Op,
    PayRenewal,
    Refund,
    Release,
    Reserve,
    Resume,
    Retry,
    RunJob,
    SetAutoTopUp,
    TurnOffAutoTopUp,
    UpdateCard,
    Webhook,
    World,
)

MONTHS = 24
PEOPLE = 3
KEYED = (Consume, Reserve, Refund, Grant, ChangePlan, BuyCredits)
FATES: tuple[Fate, ...] = ("kept", "kept", "kept", "kept", "unreached", "lost", "webhook first")
NO_OP = Advance(0)
SHRINK_SECONDS = 60.0


@dataclass(frozen=True)
class Broken:
    step: int
    message: str


@dataclass(frozen=True)
class Failure:
    seed: int
    steps: list[Op]
    """The shortest failing run found (dropped steps left as no-ops, so retries keep their numbers)."""
    message: str

    def replay_text(self) -> str:
        lines = [f"seed {self.seed}: {self.message}", "minimal replay (step number, operation):"]
        lines += [f"  {n:4} {op!r}" for n, op in enumerate(self.steps) if op != NO_OP]
        return "\n".join(lines)


def draw(seed: int, people: int = PEOPLE, months: int = MONTHS) -> list[Op]:
    """The operations of one run: random people doing random things as the months pass."""
    rng = random.Random(seed)  # noqa: S311 (a simulation, not a secret)
    ops: list[Op] = []
    end = add_months(START, months)
    elapsed = 0.0
    while elapsed < (end - START).total_seconds():
        ops.extend(_burst(rng, len(ops), people))
        seconds = rng.randint(1, rng.choice([60, 3_600, 6 * 3_600, 86_400, 3 * 86_400, 9 * 86_400]))
        elapsed += seconds
        ops.append(Advance(seconds))
        ops.extend(_jobs(rng))
    return ops


def _burst(rng: random.Random, at: int, people: int) -> Iterator[Op]:
    for n in range(rng.randint(0, 4)):
        person, key, roll = rng.randrange(people), f"k{at}-{n}", rng.random()
        if rng.random() < 0.18:
            yield from _payment(rng, person, key) if rng.random() < 0.55 else _auto_top_up(rng, person, key)
        elif roll < 0.25:
            yield Consume(person, rng.randrange(len(CREATIVES)), key)
        elif roll < 0.42:
            yield from _job(rng, person, key)
        elif roll < 0.52:
            yield Capture(person, rng.randrange(8), rng.choice([1.0, 1.0, 0.5, 0.1]))
        elif roll < 0.58:
            yield Release(person, rng.randrange(8))
        elif roll < 0.64:
            yield Refund(person, rng.randrange(8), rng.choice([1.0, 0.5, 0.01]), key)
        elif roll < 0.70:
            yield _grant(rng, person, key)
        elif roll < 0.84:
            yield from _change_plan(rng, person, key)
        elif roll < 0.90:
            yield _cancel(rng, person)
        elif roll < 0.94:
            yield Resume(person)
        elif at + n > 0:
            yield Retry(rng.randrange(at + n))


def _job(rng: random.Random, person: int, key: str) -> Iterator[Op]:
    """A reservation, and often its job ending a while later: past a boundary, or its expiry."""
    ttl = rng.choice([60, 3_600, 4 * 3_600, 86_400])
    yield Reserve(person, rng.randrange(len(CREATIVES)), ttl, key)
    if rng.random() < 0.6:
        yield Advance(rng.randint(1, ttl + ttl // 5))
        yield Capture(person, -1, rng.choice([1.0, 0.5])) if rng.random() < 0.7 else Release(person, -1)
    elif rng.random() < 0.5:
        # The job died: after its hold expired, before any sweep, the person spends again.
        yield Advance(ttl + rng.randint(0, 600))
        yield Consume(person, rng.randrange(len(CREATIVES)), f"{key}-after")


def _cancel(rng: random.Random, person: int) -> Cancel:
    if rng.random() < 0.5:
        return Cancel(person, rng.choice([-1, 30, 300, 900]))
    # Near a boundary: confirmed before, at, a second after or minutes after it.
    return Cancel(person, rng.choice([60, 120, 121, 300]), before_boundary_seconds=120)


def _change_plan(rng: random.Random, person: int, key: str) -> Iterator[Op]:
    yield ChangePlan(person, rng.choice(PLANS).id, rng.choice(list(BillingInterval)), key)
    if rng.random() < 0.5:  # 3D Secure, where the card asks for it: answered at once
        yield Authenticate(person, rng.random() < 0.85)


def _payment(rng: random.Random, person: int, key: str) -> Iterator[Op]:
    """Paying on a bad day: answers lost, 3D Secure, Stripe's events duplicated, held and reordered,
    refunds and disputes; renewals paid by the person, cards replaced."""
    roll = rng.random()
    if roll < 0.35:
        pack, fate = rng.randrange(len(CREDIT_PACKS)), rng.choice(FATES)
        yield BuyCredits(person, pack, key, fate)
        if fate in ("unreached", "lost") and rng.random() < 0.7:  # the page sends it again
            yield Advance(rng.randint(1, 600))
            yield BuyCredits(person, pack, key)
    elif roll < 0.45:
        yield Authenticate(person, rng.random() < 0.8)
    elif roll < 0.7:
        yield Webhook(person, rng.randrange(8), "outcome", rng.choice([0, 1, 1, 2]))
    elif roll < 0.85:
        yield Webhook(person, rng.randrange(8), "refund", rng.choice([0, 1, 2]), rng.choice([0.3, 0.5, 1.0]))
    elif roll < 0.9:
        yield Webhook(person, rng.randrange(8), "dispute", rng.choice([0, 1, 2]))
    elif roll < 0.94:
        yield DeliverHeld(rng.randrange(8))
    elif roll < 0.98:  # a renewal due paid on the Plan page, 3D Secure answered at once or later
        yield PayRenewal(person)
        if rng.random() < 0.7:
            yield Authenticate(person, rng.random() < 0.85)
    else:
        yield UpdateCard(person, rng.randrange(3))


def _auto_top_up(rng: random.Random, person: int, key: str) -> Iterator[Op]:
    """Auto top-up set, turned off, or spending that races to cross its threshold."""
    roll = rng.random()
    if roll < 0.35:
        share = rng.choice([0.2, 0.6, 0.9, 1.1, 3.0])  # a threshold below, or above, what is there
        yield SetAutoTopUp(person, rng.randrange(len(CREDIT_PACKS)), share, rng.choice([1, 2, 3]))
    elif roll < 0.45:
        yield TurnOffAutoTopUp(person)
    else:
        creatives = tuple(rng.randrange(len(CREATIVES)) for _ in range(rng.randint(2, 6)))
        yield ConcurrentSpends(person, creatives, key)


def _grant(rng: random.Random, person: int, key: str) -> Grant:
    source = rng.choice([LotSource.TOP_UP, LotSource.PROMO, LotSource.ADJUSTMENT])
    sign = rng.choice([1, -1]) if source is LotSource.ADJUSTMENT else 1
    return Grant(person, source, sign * rng.choice([50, 500, 3_000]), rng.choice([None, 1, 20, 45]), key)


def _jobs(rng: random.Random) -> Iterator[Op]:
    """The jobs as EventBridge runs them on a bad day: on time, late (skipped now), twice, cut short."""
    for job in ("refresh", "sweep", "notices"):
        roll = rng.random()
        if roll < 0.3:
            continue
        stop_after = rng.choice([None, None, None, 0, 1])
        yield RunJob(job, stop_after, mailer_refuses=job == "notices" and rng.random() < 0.1)
        if roll > 0.9:
            yield RunJob(job, None)


def replay(steps: list[Op], people: int = PEOPLE) -> Broken | None:
    """Run the steps, checking after each; the first step that broke a rule, or None."""
    jobs_log = logging.getLogger(logger.name)
    was_disabled, jobs_log.disabled = jobs_log.disabled, True  # a refused email logs a traceback
    try:
        return _first_broken(steps, Invariants(World(people)))
    finally:
        jobs_log.disabled = was_disabled


def _first_broken(steps: list[Op], invariants: Invariants) -> Broken | None:
    for n, op in enumerate(steps):
        if isinstance(op, Retry) and not (op.step < n and isinstance(steps[op.step], KEYED)):
            continue
        try:
            invariants.world.apply(n, op)
            invariants.check()
        except InvariantBroken as broken:
            return Broken(n, str(broken))
        except Exception as error:  # an unexpected error is a failure of the run too
            return Broken(n, f"{type(error).__name__}: {error}")
    return None


def simulate(seed: int) -> Failure | None:
    steps = draw(seed)
    broken = replay(steps)
    return None if broken is None else shrink(seed, steps, broken)


def shrink(seed: int, steps: list[Op], broken: Broken, seconds: float = SHRINK_SECONDS) -> Failure:
    """Cut the run after the step that broke, then drop chunks of steps while it still breaks, for
    at most `seconds`."""
    deadline = time.monotonic() + seconds
    steps = steps[: broken.step + 1]
    chunk = len(steps) // 2
    while chunk >= 1 and time.monotonic() < deadline:
        start = 0
        while start < len(steps) and time.monotonic() < deadline:
            end = start + chunk
            candidate = steps[:start] + [NO_OP] * len(steps[start:end]) + steps[end:]
            again = replay(candidate)
            if again is not None:
                steps, broken = candidate[: again.step + 1], again
            start = end
        chunk //= 2
    return Failure(seed, _merged_advances(steps), broken.message)


def _merged_advances(steps: list[Op]) -> list[Op]:
    """Consecutive advances as one (the steps keep their numbers)."""
    merged: list[Op] = []
    waiting: int | None = None
    """Where the advance being added to stands, while only advances follow it."""
    for op in steps:
        if op == NO_OP:
            merged.append(op)
            continue
        last = merged[waiting] if waiting is not None else None
        if isinstance(op, Advance) and isinstance(last, Advance) and waiting is not None:
            merged[waiting] = Advance(last.seconds + op.seconds)
            merged.append(NO_OP)
            continue
        waiting = len(merged) if isinstance(op, Advance) else None
        merged.append(op)
    return merged


_RUNNING = ExitStack()


def _start_localstripe() -> None:
    """Each worker's own embedded localstripe, named in the settings before any World reads them."""
    url = _RUNNING.enter_context(embedded_localstripe())
    os.environ.update(
        STUDIO_CREDITS_STRIPE_API_BASE=url, STUDIO_CREDITS_STRIPE_SCRIPT_URL=f"{url}/js.stripe.com/v3/"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seeds", type=int, default=100, help="how many seeds, from --first")
    parser.add_argument("--first", type=int, default=0)
    parser.add_argument("--seed", type=int, help="run this one seed")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    seeds = [args.seed] if args.seed is not None else list(range(args.first, args.first + args.seeds))
    began = time.perf_counter()
    with ProcessPoolExecutor(max_workers=args.workers, initializer=_start_localstripe) as pool:
        failures = [failure for failure in pool.map(simulate, seeds) if failure is not None]
    for failure in failures:
        print(failure.replay_text(), file=sys.stderr)
    elapsed = time.perf_counter() - began
    print(f"simulation: {len(seeds) - len(failures)} passed, {len(failures)} failed ({elapsed:.1f} s)")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
