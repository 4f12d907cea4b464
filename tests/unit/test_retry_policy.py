"""The write retry budget: how many attempts, how long the pauses, and when it gives up."""

import random

from studio_credits.service.retry import RetryPolicy, full_jitter
from tests.support.faults import ManualTimer


def at_ceiling(timer: ManualTimer) -> RetryPolicy:
    return RetryPolicy(sleep=timer.sleep, monotonic=timer.monotonic, jitter=lambda ceiling: ceiling)


def test_eight_attempts_with_pauses_doubling_from_20_ms_up_to_a_second() -> None:
    timer = ManualTimer()

    attempts = list(at_ceiling(timer).attempts_left())

    assert attempts == [0, 1, 2, 3, 4, 5, 6, 7]
    assert timer.pauses == [0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.0]


def test_no_pause_that_would_end_past_the_budget() -> None:
    """Slow attempts (a second each, as timed-out calls are) spend the 3 s budget first."""
    timer = ManualTimer()

    attempts = []
    for attempt in at_ceiling(timer).attempts_left():
        attempts.append(attempt)
        timer.now += 1.0

    assert attempts == [0, 1, 2]
    assert timer.pauses == [0.02, 0.04]


def test_each_pause_is_drawn_between_zero_and_its_ceiling() -> None:
    timer = ManualTimer()
    ceilings: list[float] = []

    def lowest(ceiling: float) -> float:
        ceilings.append(ceiling)
        return 0.0

    policy = RetryPolicy(sleep=timer.sleep, monotonic=timer.monotonic, jitter=lowest, attempts=4)

    assert list(policy.attempts_left()) == [0, 1, 2, 3]
    assert (ceilings, timer.pauses) == ([0.02, 0.04, 0.08], [0.0, 0.0, 0.0])


def test_a_pause_that_ends_exactly_at_the_budget_is_taken() -> None:
    """Binary fractions, so the sums are exact: attempts of 0.75 s, pauses of 0.25 then 0.5, a 1 s
    budget. The first pause ends at 1.0, on the budget; the next would end at 2.25."""
    timer = ManualTimer()
    policy = RetryPolicy(
        base_seconds=0.25,
        budget_seconds=1.0,
        sleep=timer.sleep,
        monotonic=timer.monotonic,
        jitter=lambda c: c,
    )

    attempts = []
    for attempt in policy.attempts_left():
        attempts.append(attempt)
        timer.now += 0.75

    assert (attempts, timer.pauses) == ([0, 1], [0.25])


def test_the_jitter_draws_anywhere_from_zero_to_the_ceiling() -> None:
    random.seed(17)

    draws = [full_jitter(0.5) for _ in range(200)]

    assert all(0.0 <= draw <= 0.5 for draw in draws)
    assert min(draws) < 0.05 and max(draws) > 0.45  # spread over the whole range, not a part of it
