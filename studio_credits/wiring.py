"""Puts the pieces together for each way the service runs."""

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
    """Production: identity from API Gateway's JWT authorizer, no GraphiQL, no introspection.

    `clock` is for tests that drive the production app at chosen moments.
    """
    return create_app(build_services(get_settings(), clock), AuthorizerClaims(), production=True)


def dev_app(settings: Settings, clock: Clock | None = None) -> Starlette:
    return create_app(build_services(settings, clock), DevTokens(settings.dev_token_secret), production=False)
