"""The ASGI application: the same one behind Mangum in Lambda and uvicorn locally."""

from collections.abc import Sequence
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route
from strawberry.asgi import GraphQL

from studio_credits.api.context import RequestContext
from studio_credits.api.identity import IdentitySource
from studio_credits.api.schema import build_schema
from studio_credits.service.ports import Services


class GraphQLEndpoint(GraphQL[RequestContext, None]):
    def __init__(self, services: Services, identity: IdentitySource, production: bool) -> None:
        super().__init__(
            build_schema(production),
            graphql_ide=None if production else "graphiql",
            allow_queries_via_get=not production,
        )
        self._services = services
        self._identity = identity

    async def get_context(self, request: Any, response: Any) -> RequestContext:
        return RequestContext(request=request, services=self._services, identity=self._identity)


def create_app(
    services: Services, identity: IdentitySource, production: bool, more_routes: Sequence[BaseRoute] = ()
) -> Starlette:
    """`more_routes`: what the local server adds (its `/dev/` routes); Lambda adds none."""

    async def home(_: Request) -> Response:
        return RedirectResponse("/graphql")

    endpoint = GraphQLEndpoint(services, identity, production)
    return Starlette(routes=[Route("/graphql", endpoint), Route("/", home), *more_routes])
