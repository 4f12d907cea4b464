"""The test clock over a fake world of due instants: which job runs when, in what order, and the
`/dev/clock` answers (in process; tests/http/test_time_travel.py drives the real thing)."""

import asyncio
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from starlette.applications import Starlette

from studio_credits.dev_routes import dev_routes
from studio_credits.domain.clock import FixedClock, SystemClock
from studio_credits.jobs.each_due import JobReport
from studio_credits.mail import Email
from studio_credits.outbox import Outbox
from studio_credits.service.ports import Services
from studio_credits.time_travel import (
    MovingBackwards,
    NotFrozen,
    TimeTravel,
    TooManyJobRuns,
    first_tick,
    tick_after,
)
from tests.support.memory_repository import MemoryRepository

START = datetime(2026, 1, 31, 9, 0, tzinfo=UTC)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


@dataclass
class World:
    """What each job has due; a job's run does what is due by the clock, unless it is stuck."""

    clock: FixedClock
    due: dict[str, list[datetime]] = field(default_factory=dict)
    stuck: set[str] = field(default_factory=set)
    monthly_refresh: bool = False
    """A refresh makes the next one due 30 days later, as periods do."""

    def next_due(self) -> dict[str, datetime | None]:
        return {job: min(due, default=None) for job, due in self.due.items()}

    def run(self, job: str) -> JobReport:
        now = self.clock.now()
        done = [] if job in self.stuck else [d for d in self.due.get(job, []) if d <= now]
        self.due[job] = [d for d in self.due.get(job, []) if d not in done]
        if job == "refresh" and self.monthly_refresh:
            self.due[job] += [d + timedelta(days=30) for d in done]
        return JobReport(job, now, "done", "items", due=len(done), done=len(done))


def travel_in(world: World, max_job_runs: int = 100) -> TimeTravel:
    return TimeTravel(world.clock, world.next_due, world.run, max_job_runs)


def runs(reports: list[JobReport]) -> list[tuple[str, datetime]]:
    return [(report.job, report.now) for report in reports]


def test_the_schedules_grid_starts_at_the_epoch() -> None:
    quarter = timedelta(minutes=15)

    assert first_tick(quarter, at("2026-01-31T09:07:00")) == at("2026-01-31T09:15:00")
    assert first_tick(quarter, at("2026-01-31T09:15:00")) == at("2026-01-31T09:15:00")
    assert tick_after(quarter, at("2026-01-31T09:15:00")) == at("2026-01-31T09:30:00")
    assert first_tick(timedelta(days=1), at("2026-02-25T09:00:00")) == at("2026-02-26T00:00:00")


def test_each_job_runs_at_the_first_tick_of_its_schedule_at_or_after_it_falls_due() -> None:
    world = World(
        FixedClock(START),
        due={
            "refresh": [at("2026-02-28T09:00:00"), at("2026-01-31T09:07:00")],
            "notices": [at("2026-02-25T09:00:00")],
            "sweep": [at("2026-01-31T10:01:30")],
        },
    )

    moved = travel_in(world).advance(at("2026-03-01T00:00:00"))

    assert runs(moved.jobs) == [
        ("refresh", at("2026-01-31T09:15:00")),
        ("sweep", at("2026-01-31T10:05:00")),
        ("notices", at("2026-02-26T00:00:00")),
        ("refresh", at("2026-02-28T09:00:00")),
    ]
    assert moved.now == world.clock.now() == at("2026-03-01T00:00:00")


def test_jobs_due_on_the_same_tick_run_in_the_order_of_the_schedules() -> None:
    midnight = at("2026-02-01T00:00:00")
    world = World(FixedClock(START), due={job: [midnight] for job in ("sweep", "notices", "refresh")})

    moved = travel_in(world).advance(midnight)

    assert runs(moved.jobs) == [("refresh", midnight), ("notices", midnight), ("sweep", midnight)]


def test_the_ticks_passed_are_after_now_and_up_to_the_target_included() -> None:
    world = World(FixedClock(START), due={"refresh": [START], "sweep": [at("2026-01-31T09:20:00")]})

    moved = travel_in(world).advance(at("2026-01-31T09:20:00"))

    assert runs(moved.jobs) == [("refresh", at("2026-01-31T09:15:00")), ("sweep", at("2026-01-31T09:20:00"))]


def test_periods_that_fall_due_on_the_way_each_run_once() -> None:
    world = World(FixedClock(START), due={"refresh": [at("2026-02-28T09:00:00")]}, monthly_refresh=True)

    moved = travel_in(world).advance(at("2026-05-31T09:00:00"))

    assert runs(moved.jobs) == [
        ("refresh", at("2026-02-28T09:00:00")),
        ("refresh", at("2026-03-30T09:00:00")),
        ("refresh", at("2026-04-29T09:00:00")),
        ("refresh", at("2026-05-29T09:00:00")),
    ]


def test_a_job_still_due_after_a_run_runs_again_at_its_next_tick_as_eventbridge_would() -> None:
    world = World(FixedClock(START), due={"sweep": [at("2026-01-31T09:01:00")]}, stuck={"sweep"})

    moved = travel_in(world).advance(at("2026-01-31T09:20:00"))

    assert [report.now.minute for report in moved.jobs] == [5, 10, 15, 20]


def test_more_job_runs_than_the_bound_stop_the_clock_after_the_last_one() -> None:
    world = World(FixedClock(START), due={"sweep": [at("2026-01-31T09:01:00")]}, stuck={"sweep"})

    with pytest.raises(TooManyJobRuns, match="more than 3 job runs") as refused:
        travel_in(world, max_job_runs=3).advance(at("2026-01-31T10:00:00"))

    assert refused.value.moved.now == world.clock.now() == at("2026-01-31T09:15:00")
    assert len(refused.value.moved.jobs) == 3


def test_without_jobs_only_the_clock_moves() -> None:
    world = World(FixedClock(START), due={"refresh": [at("2026-02-28T09:00:00")]})

    moved = travel_in(world).advance(at("2026-03-31T09:00:00"), run_jobs=False)

    assert (moved.now, moved.jobs) == (at("2026-03-31T09:00:00"), [])
    assert world.next_due()["refresh"] == at("2026-02-28T09:00:00")


def test_the_clock_moves_forward_only() -> None:
    travel = travel_in(World(FixedClock(START)))

    assert travel.advance(START).now == START
    with pytest.raises(MovingBackwards, match="only moves forward"):
        travel.advance(START - timedelta(seconds=1))


def test_the_real_clock_does_not_move() -> None:
    travel = TimeTravel(SystemClock(), dict, lambda _: pytest.fail("no job runs"), 10)

    assert not travel.frozen
    with pytest.raises(NotFrozen):
        travel.advance(datetime.now(UTC) + timedelta(days=1))


class NoMail:
    def send(self, email: Email) -> str:
        raise AssertionError("nothing is sent here")


def app_of(world: World, max_job_runs: int = 100) -> Starlette:
    return Starlette(
        routes=dev_routes(
            travel_in(world, max_job_runs),
            Outbox(NoMail(), world.clock, "us-east-1"),
            version_conflicts=lambda: 0,
            services=Services(MemoryRepository(), world.clock, NoMail()),
            webhook_secret="whsec_unused",
        )
    )


def call(app: Starlette, method: str, body: Any = None) -> tuple[int, Any]:
    async def send() -> httpx.Response:
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="http://local"
        ) as client:
            return await client.request(method, "/dev/clock", json=body)

    loop = asyncio.new_event_loop()  # not asyncio.run: it unsets the loop Mangum's tests ask for
    try:
        response = loop.run_until_complete(send())
    finally:
        loop.close()
    return response.status_code, response.json()


def post(app: Starlette, body: Any) -> tuple[int, Any]:
    return call(app, "POST", body)


def test_the_clock_routes_answer_with_the_job_runs() -> None:
    world = World(FixedClock(START), due={"refresh": [at("2026-02-28T09:00:00")]})
    app = app_of(world)

    assert call(app, "GET") == (200, {"now": "2026-01-31T09:00:00+00:00", "frozen": True})
    assert post(app, {"advanceTo": "2026-03-01T00:00:00Z"}) == (
        200,
        {
            "now": "2026-03-01T00:00:00+00:00",
            "jobs": [
                {
                    "job": "refresh",
                    "at": "2026-02-28T09:00:00+00:00",
                    "due": 1,
                    "done": 1,
                    "skipped": 0,
                    "failed": 0,
                    "left": 0,
                    "items": 0,
                }
            ],
        },
    )


@pytest.mark.parametrize(
    ("body", "error"),
    [
        ({"advanceTo": "next tuesday"}, "advanceTo: Input should be a valid datetime"),
        ({"advanceTo": "2026-03-01T00:00:00"}, "advanceTo: Input should have timezone info"),
        ({"advanceTo": 1_800_000_000}, "advanceTo: Input should be a valid datetime"),
        ({"runJobs": False}, "advanceTo: Field required"),
        ({"advanceTo": "2026-03-01T00:00:00Z", "runJobs": "yes"}, "runJobs: Input should be a valid boolean"),
        ({"advanceTo": "2026-03-01T00:00:00Z", "jobs": []}, "jobs: Extra inputs are not permitted"),
    ],
)
def test_a_request_that_is_not_a_move_is_a_400(body: Any, error: str) -> None:
    status, answer = post(app_of(World(FixedClock(START))), body)

    assert status == 400
    assert answer["error"].startswith(error)


def test_moving_backwards_is_a_409() -> None:
    assert post(app_of(World(FixedClock(START))), {"advanceTo": "2026-01-01T00:00:00Z"}) == (
        409,
        {
            "error": "the test clock only moves forward: "
            "it is 2026-01-31T09:00:00+00:00, not 2026-01-01T00:00:00+00:00"
        },
    )


def test_too_many_job_runs_is_a_422_that_says_where_the_clock_stopped() -> None:
    world = World(FixedClock(START), due={"sweep": [at("2026-01-31T09:01:00")]}, stuck={"sweep"})

    status, answer = post(app_of(world, max_job_runs=2), {"advanceTo": "2026-02-01T00:00:00Z"})

    assert status == 422
    assert answer["error"] == (
        "the move needs more than 2 job runs: the clock stopped at 2026-01-31T09:10:00+00:00 "
        "after the last of them; move it again to go on"
    )
    assert answer["now"] == "2026-01-31T09:10:00+00:00"
    assert [run["at"] for run in answer["jobs"]] == ["2026-01-31T09:05:00+00:00", "2026-01-31T09:10:00+00:00"]
