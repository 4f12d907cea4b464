"""Every GraphQL request leaves one log line and its metrics, and an unexpected error is shown to
the client only as a message with the request's correlation id, which finds that line.

The line: the operation, the caller's role, the account it acted on, the outcome (ok, refused or
error), the refusal's type (an error code, or the union member that said no), the DynamoDB calls
made, the duration and the correlation id. Expected refusals are INFO without a traceback; an
unexpected error is ERROR with its exception. Never the token, the variables or an email.
"""

import time
from collections.abc import Callable, Iterator, Mapping
from typing import Any

from strawberry.extensions import MaskErrors, SchemaExtension

from graphql import GraphQLError, OperationDefinitionNode
from studio_credits.api.context import RequestContext
from studio_credits.api.errors import RefusalAnswer, is_internal
from studio_credits.domain.access import Role
from studio_credits.domain.errors import InvalidInput
from studio_credits.domain.ids import parse_public_id
from studio_credits.telemetry.logs import logger

INVALID_OPERATION = "INVALID_OPERATION"
"""The refusal type of an operation GraphQL itself refused (syntax, validation, limits): no code."""
PUBLIC_IDS = ("reservationId", "entryId")
"""Arguments whose ids name their account (domain/ids.py)."""


class RequestLog(SchemaExtension):
    def __init__(self) -> None:
        self._refusal_answer: str | None = None
        self._account: str | None = None

    def on_operation(self) -> Iterator[None]:
        repository = self.execution_context.context.services.repository
        started = time.perf_counter()
        calls_before = repository.calls_made()
        try:
            yield
        except GraphQLError as raised:  # e.g. a syntax error, thrown through the operation
            self._write_line(started, repository.calls_made() - calls_before, [raised])
            raise
        result = self.execution_context.result
        errors = list(result.errors or []) if result is not None else []
        errors = errors or list(self.execution_context.pre_execution_errors or [])
        self._write_line(started, repository.calls_made() - calls_before, errors)

    def _write_line(self, started: float, dynamodb_calls: int, errors: list[GraphQLError]) -> None:
        context: RequestContext = self.execution_context.context
        duration_ms = (time.perf_counter() - started) * 1000
        outcome, refusal_type, unexpected = _outcome(errors, self._refusal_answer)
        caller = context.identified
        account = self._account or (caller.subject if caller and caller.role is Role.USER else None)
        operation = self.execution_context.operation_name or _root_fields(self.execution_context)
        line = {
            "operation": operation,
            "role": None if caller is None else caller.role.value,
            "account": account,
            "outcome": outcome,
            "refusal_type": refusal_type,
            "dynamodb_calls": dynamodb_calls,
            "duration_ms": round(duration_ms, 1),
            "correlation_id": context.request_id,
        }
        context.services.metrics.request_answered(outcome, refusal_type, duration_ms)
        summary = f"{operation}: {outcome}" + (f" ({refusal_type})" if refusal_type else "")
        if unexpected is None:
            logger.info(summary, extra=line)
        else:
            logger.error(summary, extra=line, exc_info=unexpected.original_error)

    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        answer = _next(root, info, *args, **kwargs)
        if info.path.prev is None:  # a root field: its arguments and its answer are the request's
            self._account = self._account or _account_argument(kwargs)
            if isinstance(answer, RefusalAnswer):
                self._refusal_answer = type(answer).__name__
        return answer


class MaskInternalErrors(MaskErrors):
    """Production: an error from the code itself reaches the client as a message with the request's
    correlation id (the log line has the details); errors about the request are shown as they are."""

    def __init__(self) -> None:
        super().__init__(should_mask_error=is_internal)

    def on_operation(self) -> Iterator[None]:
        self.correlation_id = self.execution_context.context.request_id
        self.error_message = f"Unexpected error; support can find it by the id {self.correlation_id}"
        yield from super().on_operation()

    def anonymise_error(self, error: GraphQLError) -> GraphQLError:
        masked = super().anonymise_error(error)
        masked.extensions = {"code": "INTERNAL_SERVER_ERROR", "correlationId": self.correlation_id}
        return masked


def _outcome(
    errors: list[GraphQLError], refusal_answer: str | None
) -> tuple[str, str | None, GraphQLError | None]:
    """ok, refused or error; the refusal's type; the unexpected error, if any."""
    for error in errors:
        if is_internal(error):
            return "error", None, error
    if errors:
        return "refused", str((errors[0].extensions or {}).get("code", INVALID_OPERATION)), None
    if refusal_answer is not None:
        return "refused", refusal_answer, None
    return "ok", None, None


def _root_fields(execution_context: Any) -> str:
    document = execution_context.graphql_document
    names = [
        selection.name.value
        for definition in (document.definitions if document is not None else ())
        if isinstance(definition, OperationDefinitionNode)
        for selection in definition.selection_set.selections
        if hasattr(selection, "name")
    ]
    return ",".join(names) or "unknown"


def _account_argument(arguments: Mapping[str, Any]) -> str | None:
    """The account a root field names, in its GraphQL arguments: `account(id:)`, `accountId`, or an
    id issued for one (a reservation's, an entry's), as an argument or a field of its `input`."""
    given = dict(arguments)
    if isinstance(given.get("input"), Mapping):
        given |= given.pop("input")
    for name in ("accountId", "id"):
        if isinstance(given.get(name), str):
            return str(given[name])
    for name in PUBLIC_IDS:
        if isinstance(given.get(name), str):
            try:
                return parse_public_id(given[name], name)[0]
            except InvalidInput:
                return None
    return None
