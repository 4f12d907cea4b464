"""The local server's test clock: frozen at an instant, moved forward on request, running the
scheduled jobs at every instant their EventBridge schedules would have run them in between.

A schedule `rate(N unit)` fires on a fixed grid; here the grid starts at the Unix epoch, so
refresh runs at :00, :15, :30 and :45, sweep every fifth minute and notices at 00:00 UTC.
Moving from `now` to `to` fires the ticks in (now, to]: a job runs at the first tick of its
grid at or after the instant something is next due for it (its index's earliest key), as
long as that tick is still ahead of the job's previous run. Jobs due at the same tick run in
the order of `JOBS`. The local server only: Lambda runs on the real clock.
"""

import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from studio_credits.domain.clock import Clock, FixedClock
from studio_credits.jobs.each_due import JobReport
from studio_credits.jobs.scheduled import JOBS, SCHEDULES

EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

NextDue = Callable[[], Mapping[str, datetime | None]]
"""When something is next due for each job (its due index's earliest key); None: nothing."""
RunJob = Callable[[str], JobReport]
"""Run a job once as of the test clock."""


class ClockRefused(Exception):
    """A move the test clock does not make; the message says why."""


class NotFrozen(ClockRefused):
    def __init__(self) -> None:
        super().__init__(
            "the server runs on the real clock: start it with `studio-credits dev --now ISO-8601`"
        )


class MovingBackwards(ClockRefused):
    def __init__(self, now: datetime, to: datetime) -> None:
        super().__init__(f"the test clock only moves forward: it is {now.isoformat()}, not {to.isoformat()}")


class TooManyJobRuns(ClockRefused):
    """The bound of job runs for one move was reached: the clock stopped after the last run."""

    def __init__(self, bound: int, moved: "Moved") -> None:
        super().__init__(
            f"the move needs more than {bound} job runs: the clock stopped at {moved.now.isoformat()} "
            "after the last of them; move it again to go on"
        )
        self.moved = moved


@dataclass(frozen=True)
class Moved:
    now: datetime
    jobs: list[JobReport]


def first_tick(period: timedelta, at_or_after: datetime) -> datetime:
    """The first instant of the schedule's grid at or after `at_or_after`."""
    return EPOCH - ((EPOCH - at_or_after) // period) * period


def tick_after(period: timedelta, moment: datetime) -> datetime:
    """The first instant of the schedule's grid strictly after `moment`."""
    return EPOCH + ((moment - EPOCH) // period + 1) * period


class TimeTravel:
    """Moves a frozen clock forward and runs the jobs on the way; one move at a time."""

    def __init__(self, clock: Clock, next_due: NextDue, run_job: RunJob, max_job_runs: int) -> None:
        self._clock = clock
        self._next_due = next_due
        self._run_job = run_job
        self._max_job_runs = max_job_runs
        self._moving = threading.Lock()

    @property
    def frozen(self) -> bool:
        return isinstance(self._clock, FixedClock)

    def now(self) -> datetime:
        return self._clock.now()

    def advance(self, to: datetime, run_jobs: bool = True) -> Moved:
        clock = self._clock
        if not isinstance(clock, FixedClock):
            raise NotFrozen
        with self._moving:
            if to < clock.at:
                raise MovingBackwards(clock.at, to)
            reports: list[JobReport] = []
            last_run = dict.fromkeys(JOBS, clock.at)  # the ticks up to now have fired
            while run_jobs and (step := self._next_run(last_run, to)) is not None:
                job, at = step
                if len(reports) == self._max_job_runs:
                    raise TooManyJobRuns(self._max_job_runs, Moved(clock.at, reports))
                clock.at = at
                reports.append(self._run_job(job))
                last_run[job] = at
            clock.at = to
            return Moved(to, reports)

    def _next_run(self, last_run: dict[str, datetime], to: datetime) -> tuple[str, datetime] | None:
        runs = []
        next_due = self._next_due()
        for order, job in enumerate(JOBS):
            due = next_due.get(job)
            if due is not None:
                period = SCHEDULES[job]
                at = max(first_tick(period, due), tick_after(period, last_run[job]))
                if at <= to:
                    runs.append((at, order, job))
        if not runs:
            return None
        at, _, job = min(runs)
        return job, at
