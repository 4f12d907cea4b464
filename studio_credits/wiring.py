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


def lambda_app() -> Starlette:
    """Production: identity from API Gateway's JWT authorizer, no GraphiQL, no introspection."""
    return create_app(build_services(get_settings()), AuthorizerClaims(), production=True)


def dev_app(settings: Settings, clock: Clock | None = None, web_app: Path | None = None) -> Starlette:
    """The local server's app: dev tokens, GraphiQL, and the built web client if there is one."""
    services = build_services(settings, clock)
    return create_app(services, DevTokens(settings.dev_token_secret), production=False, web_app=web_app)
