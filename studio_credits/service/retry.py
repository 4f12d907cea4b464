"""How a write that did not get through tries again: a few attempts, jittered backoff, a time budget.

A write is retried when it lost a race (the account changed since it was read, or another
transaction held one of its items) or when the store did not answer (throttled, failing, timed
out). Each attempt starts from a fresh read, so a write whose outcome was unknown finds out: if it
was stored, its idempotency key answers the first result.
"""

import random
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass


def full_jitter(ceiling: float) -> float:
    return random.uniform(0, ceiling)  # noqa: S311 (spreads retries; not a secret)


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 8
    base_seconds: float = 0.02
    """The first pause is up to this; each next one up to twice the last, never more than `cap_seconds`."""
    cap_seconds: float = 1.0
    budget_seconds: float = 3.0
    """No pause that would end past this long after the first attempt started: then the write gives up."""
    sleep: Callable[[float], None] = time.sleep
    monotonic: Callable[[], float] = time.monotonic
    jitter: Callable[[float], float] = full_jitter
    """A pause drawn up to its ceiling: spread, so writers that lost a race don't collide again in step."""

    def attempts_left(self) -> Iterator[int]:
        """Each attempt's number, after its pause; ends when the attempts or the budget are spent."""
        started = self.monotonic()
        for attempt in range(self.attempts):
            if attempt:
                pause = self.jitter(min(self.cap_seconds, self.base_seconds * 2 ** (attempt - 1)))
                if self.monotonic() - started + pause > self.budget_seconds:
                    return
                self.sleep(pause)
            yield attempt
