"""Puts the pieces together for each way the service runs."""

from pathlib import Path

from starlette.applications import Starlette

from studio_credits.api.app import create_app
from studio_credits.api.identity import AuthorizerClaims, DevTokens
from studio_credits.domain.clock import Clock, SystemClock
from studio_credits.service.ports import Services
from studio_credits.settings import Settings, get_settings
from studio_credits.store.repository import DynamoRepository


def build_services(settings: Settings, clock: Clock | None = None) -> Services:
    return Services(repository=DynamoRepository(settings.index_shards), clock=clock or SystemClock())


def lambda_app(clock: Clock | None = None) -> Starlette:
    """Production: identity from API Gateway's JWT authorizer, no GraphiQL, no introspection, no
    `/dev/` routes, and the real clock (`clock` is for tests that drive it at chosen moments)."""
    return create_app(build_services(get_settings(), clock), AuthorizerClaims(), production=True)


def dev_app(settings: Settings, clock: Clock, web_app: Path | None = None) -> Starlette:
    """The local server: dev tokens, GraphiQL, the built web client if there is one, and `/dev/`: the
    test clock (frozen when `clock` is a FixedClock), the jobs it runs, and the outbox of the emails
    they send, all on `clock`."""
    from studio_credits.dev_routes import dev_routes
    from studio_credits.jobs.scheduled import run_with
    from studio_credits.mail.ses import SesMailer
    from studio_credits.outbox import Outbox
    from studio_credits.store import due
    from studio_credits.time_travel import TimeTravel

    services = build_services(settings, clock)
    outbox = Outbox(SesMailer.from_settings(settings), clock, settings.region)
    earliest = {
        "refresh": due.earliest_refresh,
        "notices": due.earliest_notice,
        "sweep": due.earliest_hold_expiry,
    }
    travel = TimeTravel(
        clock,
        next_due=lambda job: earliest[job](settings.index_shards),
        run_job=lambda job: run_with(job, services, lambda: outbox),
        max_job_runs=settings.dev_clock_max_job_runs,
    )
    return create_app(
        services,
        DevTokens(settings.dev_token_secret),
        production=False,
        more_routes=dev_routes(travel, outbox),
        web_app=web_app,
    )
