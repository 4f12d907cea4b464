"""The one place that builds the service: settings are read here, once, and everything else is
passed in (the repository and its tables, the clock, the mailer). Each entry point asks for what
it needs: functions/ (Lambda), the local server and the command line, and the tests with fakes.
"""

from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from studio_credits.domain.clock import Clock, SystemClock
from studio_credits.mail import Mailer
from studio_credits.service.ports import DEFAULT_RETRY, PaymentProvider, Repository, Services
from studio_credits.service.retry import RetryPolicy
from studio_credits.settings import Settings
from studio_credits.telemetry import ConflictCount, Metrics

if TYPE_CHECKING:
    from starlette.applications import Starlette

    from studio_credits.store.tables import Tables
    from studio_credits.time_travel import NextDue, TimeTravel


def bootstrap(
    settings: Settings | None = None,
    *,
    clock: Clock | None = None,
    repository: Repository | None = None,
    mailer: Mailer | None = None,
    metrics: Metrics | None = None,
    correlation_id: str | None = None,
    retry: RetryPolicy | None = None,
    payments: PaymentProvider | None = None,
) -> Services:
    """The services on DynamoDB, the real clock, SES and Stripe, keeping no metrics, with the
    default retry policy, unless told otherwise."""
    settings = settings or Settings.from_environment()
    if repository is None:
        from studio_credits.store.repository import DynamoRepository

        repository = DynamoRepository(tables(settings), settings.index_shards)
    if mailer is None:
        from studio_credits.mail.ses import SesMailer

        mailer = SesMailer(settings.ses_sender, settings.region, settings.ses_endpoint)
    if metrics is None:
        from studio_credits.telemetry import NoMetrics

        metrics = NoMetrics()
    return Services(
        repository,
        clock or SystemClock(),
        mailer,
        metrics,
        correlation_id,
        retry or DEFAULT_RETRY,
        payments or stripe_provider(settings),
        settings.web_url.rstrip("/"),
    )


def stripe_provider(settings: Settings) -> PaymentProvider:
    """Stripe as the settings name it; its secrets read at the first call that needs them: from
    Parameter Store where a parameter is named (Lambda), else the settings' own (locally)."""
    from studio_credits.payments.stripe_provider import StripeProvider

    return StripeProvider(
        secret(settings.stripe_api_key_parameter, settings.stripe_api_key),
        secret(settings.stripe_webhook_secret_parameter, settings.stripe_webhook_secret),
        settings.stripe_publishable_key,
        settings.stripe_api_base,
        settings.stripe_script_url,
        settings.stripe_timeout_seconds,
    )


def secret(parameter: str | None, local: str) -> Callable[[], str]:
    """A SecureString's value, decrypted, cached by Powertools for five minutes (a rotated secret
    is read again), Unavailable when Parameter Store does not give it; or `local` when no
    parameter is named."""
    if parameter is None:
        return lambda: local

    def read() -> str:
        from aws_lambda_powertools.utilities.parameters import GetParameterError, get_parameter

        from studio_credits.service.ports import PaymentProviderUnavailable

        try:
            return str(get_parameter(parameter, decrypt=True, max_age=SECRET_MAX_AGE_SECONDS))
        except GetParameterError as error:  # nothing was asked of Stripe: the same call may be made again
            raise PaymentProviderUnavailable() from error

    return read


SECRET_MAX_AGE_SECONDS = 300


class LambdaContext(Protocol):
    def get_remaining_time_in_millis(self) -> int: ...


def run_scheduled(job: str, event: dict[str, Any], context: LambdaContext) -> dict[str, object]:
    """A job's Lambda function, for an EventBridge Scheduled Event: the job runs as of the event's
    `time` (a retried invocation sees the same) and stops taking accounts when time runs short.
    Its log lines and ledger entries carry the event's id; its report is one log line and metrics."""
    from aws_lambda_powertools.logging import correlation_paths

    from studio_credits.domain.clock import FixedClock
    from studio_credits.jobs.scheduled import parse_moment, run_job
    from studio_credits.telemetry.emf import EmfMetrics
    from studio_credits.telemetry.lambda_handler import observed

    metrics = EmfMetrics()

    def run(event: dict[str, Any], context: LambdaContext) -> dict[str, object]:
        fired_at = parse_moment(event["time"]) if "time" in event else None
        services = bootstrap(
            clock=SystemClock() if fired_at is None else FixedClock(fired_at),
            metrics=metrics,
            correlation_id=event.get("id"),
        )
        return run_job(job, services, context.get_remaining_time_in_millis).as_log()

    result: dict[str, object] = observed(run, metrics, correlation_paths.EVENT_BRIDGE)(event, context)
    return result


def tables(settings: Settings) -> "Tables":
    from studio_credits.store.tables import Tables

    return Tables(
        settings.accounts_table,
        settings.ledger_table,
        settings.region,
        settings.dynamodb_endpoint,
        settings.dynamodb_connect_timeout_seconds,
        settings.dynamodb_read_timeout_seconds,
    )


def api_handler(clock: Clock | None = None) -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """The API's Lambda handler: Mangum around the production app, observed: its log lines carry
    API Gateway's request id, and each invocation's metrics are written when it returns."""
    from aws_lambda_powertools.logging import correlation_paths
    from mangum import Mangum

    from studio_credits.telemetry.emf import EmfMetrics
    from studio_credits.telemetry.lambda_handler import observed

    metrics = EmfMetrics()
    app = lambda_app(bootstrap(clock=clock, metrics=metrics))
    return observed(Mangum(app, lifespan="off"), metrics, correlation_paths.API_GATEWAY_HTTP)


def stripe_webhook_handler() -> Callable[[dict[str, Any], Any], dict[str, Any]]:
    """Stripe's webhook's Lambda handler: Mangum around an app of the one route, observed like
    the API's. No JWT: Stripe signs each event, and the route verifies the signature."""
    from aws_lambda_powertools.logging import correlation_paths
    from mangum import Mangum
    from starlette.applications import Starlette

    from studio_credits.api.stripe_webhook import stripe_webhook_route
    from studio_credits.telemetry.emf import EmfMetrics
    from studio_credits.telemetry.lambda_handler import observed

    metrics = EmfMetrics()
    app = Starlette(routes=[stripe_webhook_route(bootstrap(metrics=metrics))])
    return observed(Mangum(app, lifespan="off"), metrics, correlation_paths.API_GATEWAY_HTTP)


def lambda_app(services: Services, settings: Settings | None = None) -> "Starlette":
    """Production: identity from API Gateway's JWT authorizer (tokens of the configured app clients
    only), no GraphiQL, no introspection, no `/dev/` routes."""
    from studio_credits.api.app import create_app
    from studio_credits.api.identity import AuthorizerClaims

    clients = (settings or Settings.from_environment()).app_clients
    return create_app(services, AuthorizerClaims(clients), production=True)


def dev_app(services: Services, settings: Settings, web_app: Path | None = None) -> "Starlette":
    """The local server: dev tokens, GraphiQL, the built web client if there is one, and `/dev/`: the
    test clock (frozen when the services' clock is a FixedClock), the jobs it runs, the outbox of
    the emails they send (the services' mailer, an Outbox), and the count of version conflicts (the
    services' metrics, a ConflictCount)."""
    from studio_credits.api.app import create_app
    from studio_credits.api.identity import DevTokens
    from studio_credits.api.stripe_webhook import stripe_webhook_route
    from studio_credits.dev_routes import dev_routes
    from studio_credits.outbox import Outbox

    if not isinstance(services.mailer, Outbox):
        raise TypeError("the local server's mailer is its outbox")
    metrics = services.metrics
    if not isinstance(metrics, ConflictCount):
        raise TypeError("the local server's metrics count version conflicts")
    travel = time_travel(services, settings)
    return create_app(
        services,
        DevTokens(settings.dev_token_secret, settings.app_clients),
        production=False,
        more_routes=[
            *dev_routes(
                travel,
                services.mailer,
                lambda: metrics.version_conflicts,
                services,
                settings.stripe_webhook_secret,
            ),
            stripe_webhook_route(services),
        ],
        web_app=web_app,
    )


def time_travel(services: Services, settings: Settings, next_due: "NextDue | None" = None) -> "TimeTravel":
    """The local server's test clock over the services' clock: moving it runs the jobs, on these
    services, where their schedules would have; when is `next_due`'s to say, by default the jobs'
    due indexes (the earliest key of each, over every account)."""
    from studio_credits.jobs.scheduled import run_job
    from studio_credits.store import due
    from studio_credits.time_travel import TimeTravel

    def earliest() -> dict[str, datetime | None]:
        shards = settings.index_shards
        return {
            "refresh": due.earliest_refresh(shards),
            "notices": due.earliest_notice(shards),
            "sweep": due.earliest_hold_expiry(shards),
        }

    return TimeTravel(
        services.clock,
        next_due=next_due or earliest,
        run_job=lambda job: run_job(job, services),
        max_job_runs=settings.dev_clock_max_job_runs,
    )
