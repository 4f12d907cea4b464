"""What every resolver gets: the caller, the use cases' services, and the request."""

from dataclasses import dataclass, field
from functools import cached_property
from typing import Any
from uuid import uuid4

import strawberry
from starlette.requests import Request
from strawberry.extensions import SchemaExtension

from graphql import ExecutionResult, OperationDefinitionNode
from studio_credits.api.errors import PublicError
from studio_credits.api.identity import IdentitySource
from studio_credits.domain.access import Principal
from studio_credits.service.ports import Services


@dataclass
class RequestContext:
    request: Request
    services: Services
    identity: IdentitySource
    _principal: Principal | None = field(default=None, init=False)

    @property
    def principal(self) -> Principal:
        if self._principal is None:
            self._principal = self.identity.identify(self.request)
        return self._principal

    @property
    def identified(self) -> Principal | None:
        """The caller, if identified by now (the request log asks without identifying anyone)."""
        return self._principal

    @cached_property
    def request_id(self) -> str:
        """The correlation id: API Gateway's request id (Mangum passes its event on), a fresh one locally."""
        event = self.request.scope.get("aws.event") or {}
        request_id = event.get("requestContext", {}).get("requestId")
        return str(request_id) if request_id else str(uuid4())


Info = strawberry.Info[RequestContext, None]


class RequireIdentity(SchemaExtension):
    """No identity, no data: the whole operation is refused before any resolver runs.

    Introspection alone is let through, so GraphiQL can load the schema before a
    token is pasted (production disables introspection altogether).
    """

    def on_execute(self) -> Any:
        context = self.execution_context.context
        if not _introspection_only(self.execution_context.graphql_document):
            try:
                context.principal  # noqa: B018 (identifies the caller, once)
            except PublicError as error:  # not signed in, or a token no role accepts
                self.execution_context.result = ExecutionResult(data=None, errors=[error])
        yield


def _introspection_only(document: Any) -> bool:
    if document is None:
        return False
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for selection in definition.selection_set.selections:
                name = getattr(selection, "name", None)
                if name is None or not name.value.startswith("__"):
                    return False
    return True
