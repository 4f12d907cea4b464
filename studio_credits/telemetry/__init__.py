"""What the service measures, as a port: the use cases, the API and the jobs count through it;
Lambda's adapter writes CloudWatch embedded metric format (telemetry/emf.py), the command line
keeps nothing (NoMetrics), and the local server keeps only its count of lost races (ConflictCount)."""

import threading
from collections.abc import Mapping
from typing import Protocol


class Metrics(Protocol):
    def credits_moved(self, movement: str, credits: int, creative_kind: str | None, plan: str) -> None:
        """Credits moved by a committed change: Consumed, Reserved, Captured, Released, Refunded, Granted."""
        ...

    def notices_recorded(self, count: int) -> None: ...

    def conflict_retried(self) -> None:
        """A write lost the race for the account's version and is decided again."""
        ...

    def request_answered(self, outcome: str, refusal_type: str | None, duration_ms: float) -> None:
        """One API request: ok, refused (with the refusal's type) or error."""
        ...

    def job_ran(self, job: str, counts: Mapping[str, int]) -> None:
        """One completed job run and its report's counts (due, refreshed, failed, left, ...)."""
        ...


class NoMetrics:
    """Keeps nothing: the local server and the command line, which print what they did instead."""

    def credits_moved(self, movement: str, credits: int, creative_kind: str | None, plan: str) -> None:
        pass

    def notices_recorded(self, count: int) -> None:
        pass

    def conflict_retried(self) -> None:
        pass

    def request_answered(self, outcome: str, refusal_type: str | None, duration_ms: float) -> None:
        pass

    def job_ran(self, job: str, counts: Mapping[str, int]) -> None:
        pass


class ConflictCount(NoMetrics):
    """The local server's: the writes that lost the race for an account's version and were decided
    again, since it started (`GET /dev/conflicts`, read by bench/hot_account.py)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._version_conflicts = 0

    @property
    def version_conflicts(self) -> int:
        return self._version_conflicts

    def conflict_retried(self) -> None:
        with self._lock:  # the local server serves requests on several threads
            self._version_conflicts += 1
