"""The local server's `/dev/` routes: the test clock and the outbox. Never part of the Lambda app.

- `GET /dev/clock`: `{"now", "frozen"}`.
- `POST /dev/clock` `{"advanceTo": ISO-8601 with an offset, "runJobs": true}`: moves a frozen
  clock forward, running the scheduled jobs on the way (`time_travel`); answers `{"now", "jobs"}`,
  each job run as its log line with `at` for when it ran. Refusals are `{"error"}` with 400 (not
  a valid request), 409 (backwards, or the server is on the real clock) or 422 (more job runs
  than the bound: the clock stops after the last one, and the answer says where, with the runs).
- `GET /dev/outbox`: the emails sent, newest first.
- `GET /dev/conflicts`: `{"versionConflicts"}`, the commits that lost a race for an account's
  version (and were read again and retried) since the server started.
"""

from collections.abc import Callable

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import BaseRoute, Route

from studio_credits.jobs.each_due import JobReport
from studio_credits.outbox import Outbox
from studio_credits.time_travel import ClockRefused, Moved, TimeTravel, TooManyJobRuns


class AdvanceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    advance_to: AwareDatetime = Field(alias="advanceTo")
    run_jobs: bool = Field(default=True, alias="runJobs")


def dev_routes(travel: TimeTravel, outbox: Outbox, version_conflicts: Callable[[], int]) -> list[BaseRoute]:
    async def clock(request: Request) -> Response:
        if request.method == "GET":
            return JSONResponse({"now": travel.now().isoformat(), "frozen": travel.frozen})
        try:
            move = AdvanceRequest.model_validate_json(await request.body(), strict=True)
        except ValidationError as error:
            return _error(400, "; ".join(_problem(detail) for detail in error.errors()))
        try:
            moved = await run_in_threadpool(travel.advance, move.advance_to, move.run_jobs)
        except TooManyJobRuns as refused:
            return _error(422, str(refused), **_moved_json(refused.moved))
        except ClockRefused as refused:
            return _error(409, str(refused))
        return JSONResponse(_moved_json(moved))

    async def sent_emails(_: Request) -> Response:
        return JSONResponse([email.as_json() for email in outbox.emails()])

    async def conflicts(_: Request) -> Response:
        return JSONResponse({"versionConflicts": version_conflicts()})

    return [
        Route("/dev/clock", clock, methods=["GET", "POST"]),
        Route("/dev/outbox", sent_emails, methods=["GET"]),
        Route("/dev/conflicts", conflicts, methods=["GET"]),
    ]


def _moved_json(moved: Moved) -> dict[str, object]:
    return {"now": moved.now.isoformat(), "jobs": [_job_run(report) for report in moved.jobs]}


def _job_run(report: JobReport) -> dict[str, object]:
    """The job's log line, its `now` named `at`: when the test clock ran it."""
    return {("at" if key == "now" else key): value for key, value in report.as_log().items()}


def _problem(detail: ErrorDetails) -> str:
    where = ".".join(str(part) for part in detail["loc"]) or "body"
    return f"{where}: {detail['msg']}"


def _error(status: int, message: str, **details: object) -> JSONResponse:
    return JSONResponse({"error": message, **details}, status_code=status)
