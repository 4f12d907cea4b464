"""The write retry budget: how many attempts, how long the pauses, and when it gives up."""

from studio_credits.service.retry import RetryPolicy
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
