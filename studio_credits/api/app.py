"""The ASGI application: the same one behind Mangum in Lambda and uvicorn locally."""

import json
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from cross_web import HTTPException
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Mount, Route
from strawberry.asgi import GraphQL

from studio_credits.api.context import RequestContext
from studio_credits.api.identity import IdentitySource
from studio_credits.api.schema import build_schema
from studio_credits.service.ports import Services

MAX_BODY_BYTES = 1024 * 1024
"""The largest request body read (and the largest `variables` of a GET): a request is a few kB."""


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
        context = RequestContext(request=request, services=self._services, identity=self._identity)
        # What the request writes names it: each ledger entry carries its correlation id.
        context.services = replace(self._services, correlation_id=context.request_id)
        return context

    def decode_json(self, data: str | bytes) -> object:
        """Where Strawberry reads a body (and a GET's `variables`): anything but a JSON object of
        sane size is a bad request (400), never an error of ours."""
        if len(data) > MAX_BODY_BYTES:
            raise HTTPException(400, f"The request body is larger than {MAX_BODY_BYTES:,} bytes")
        try:
            decoded = json.loads(data)
        except (ValueError, RecursionError):  # invalid JSON or UTF-8; nesting too deep
            raise HTTPException(400, "Unable to parse request body as JSON") from None
        if not isinstance(decoded, dict):
            raise HTTPException(400, 'The request body must be a JSON object: {"query": ...}')
        return decoded


WEB_PAGES = ("/", "/plan", "/history", "/campaign")
"""The web client's pages (web/src/App.tsx): each is its index.html, which routes in the browser."""


def web_app_routes(built: Path) -> list[BaseRoute]:
    """The built web client (web/dist): its pages, then its files. Local only: in production
    CloudFront serves it from S3 (and Lambda never imports this)."""
    from starlette.responses import FileResponse
    from starlette.staticfiles import StaticFiles

    index = built / "index.html"

    async def page(_: Request) -> Response:
        return FileResponse(index)

    return [*(Route(path, page) for path in WEB_PAGES), Mount("/", StaticFiles(directory=built))]


def create_app(
    services: Services,
    identity: IdentitySource,
    production: bool,
    more_routes: Sequence[BaseRoute] = (),
    web_app: Path | None = None,
) -> Starlette:
    """What the local server adds, Lambda never does: `more_routes` (its `/dev/` routes) and `web_app`,
    the built web client to serve beside the API; without it, / leads to GraphiQL."""

    async def home(_: Request) -> Response:
        return RedirectResponse("/graphql")

    endpoint = GraphQLEndpoint(services, identity, production)
    pages = [Route("/", home)] if web_app is None else web_app_routes(web_app)
    return Starlette(routes=[Route("/graphql", endpoint), *more_routes, *pages])
