"""The local server's `/dev/` routes: the test clock and the outbox. Never part of the Lambda app.

- `GET /dev/clock`: `{"now", "frozen"}`.
- `POST /dev/clock` `{"advanceTo": ISO-8601 with an offset, "runJobs": true}`: moves a frozen
  clock forward, running the scheduled jobs on the way (`time_travel`); answers `{"now", "jobs"}`,
  each job run as its log line with `at` for when it ran. Refusals are `{"error"}` with 400 (not
  a valid request), 409 (backwards, or the server is on the real clock) or 422 (more job runs
  than the bound: the clock stops after the last one, and the answer says where, with the runs).
- `GET /dev/outbox`: the emails sent, newest first: a page showing each one rendered, for a browser
  (a request that accepts text/html), else JSON `[{"to", "subject", "body", "html", "headers",
  "sentAt"}]`, `body` being the plain text.
- `GET /dev/conflicts`: `{"versionConflicts"}`, the commits that lost a race for an account's
  version (and were read again and retried) since the server started.
- `POST /dev/stripe/refund` `{"accountId", "paymentId", "amountCents"?}`: refunds the payment in
  localstripe (in full without an amount), then sends this server the `charge.refunded` event Stripe
  would (localstripe sends none); answers `{"refundedCents"}`, all refunded of it so far.
- `POST /dev/stripe/dispute` `{"accountId", "paymentId"}`: sends the `charge.dispute.created`
  event Stripe would send when the card's owner disputes the payment (localstripe has no disputes).
  Both answer 404 for a payment that was not paid.
"""

from collections.abc import Awaitable, Callable

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, ValidationError
from pydantic_core import ErrorDetails
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import BaseRoute, Route

from studio_credits.domain.ids import new_ulid
from studio_credits.jobs.each_due import JobReport
from studio_credits.outbox import Outbox
from studio_credits.payments.localstripe import signed_event
from studio_credits.service import payments
from studio_credits.service.ports import Services
from studio_credits.time_travel import ClockRefused, Moved, TimeTravel, TooManyJobRuns


class AdvanceRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    advance_to: AwareDatetime = Field(alias="advanceTo")
    run_jobs: bool = Field(default=True, alias="runJobs")


class PaymentRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    account_id: str = Field(alias="accountId", min_length=1)
    payment_id: str = Field(alias="paymentId", min_length=1)
    amount_cents: int | None = Field(default=None, alias="amountCents", gt=0)


def dev_routes(
    travel: TimeTravel,
    outbox: Outbox,
    version_conflicts: Callable[[], int],
    services: Services,
    webhook_secret: str,
) -> list[BaseRoute]:
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

    async def sent_emails(request: Request) -> Response:
        if "text/html" in request.headers.get("accept", ""):
            return HTMLResponse(await run_in_threadpool(outbox.page))
        return JSONResponse([email.as_json() for email in outbox.emails()])

    async def conflicts(_: Request) -> Response:
        return JSONResponse({"versionConflicts": version_conflicts()})

    def stripe_sends(event_type: str, thing: dict[str, object]) -> None:
        """What Stripe would send this server's webhook, verified and handled as the route does."""
        body, header = signed_event(event_type, thing, f"evt_dev_{new_ulid(travel.now())}", webhook_secret)
        payments.handle_payment_event(services, services.payment_provider.parse_event(body, header))

    def refunded(asked: PaymentRequest) -> dict[str, object]:
        charge, total = payments.refund_payment(
            services, asked.account_id, asked.payment_id, asked.amount_cents
        )
        stripe_sends(
            "charge.refunded", {"object": "charge", "payment_intent": charge, "amount_refunded": total}
        )
        return {"refundedCents": total}

    def disputed(asked: PaymentRequest) -> dict[str, object]:
        charge = payments.charge_of(services, asked.account_id, asked.payment_id)
        stripe_sends("charge.dispute.created", {"object": "dispute", "payment_intent": charge})
        return {"disputed": asked.payment_id}

    def stripe_tool(
        act: Callable[[PaymentRequest], dict[str, object]],
    ) -> Callable[[Request], Awaitable[Response]]:
        async def endpoint(request: Request) -> Response:
            try:
                asked = PaymentRequest.model_validate_json(await request.body(), strict=True)
            except ValidationError as error:
                return _error(400, "; ".join(_problem(detail) for detail in error.errors()))
            try:
                return JSONResponse(await run_in_threadpool(act, asked))
            except payments.PaymentNotFound as missing:
                return _error(404, str(missing))

        return endpoint

    return [
        Route("/dev/stripe/refund", stripe_tool(refunded), methods=["POST"]),
        Route("/dev/stripe/dispute", stripe_tool(disputed), methods=["POST"]),
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
