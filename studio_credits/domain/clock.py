"""Time is injected: code asks a clock, so any date can be tested."""

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    """A clock that says what it is told: for tests and for jobs run with `--now`."""

    at: datetime

    def now(self) -> datetime:
        return self.at
