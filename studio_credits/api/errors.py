"""Errors a client may read: a message and a code; everything else is masked in production."""

from collections.abc import Callable
from typing import Any

from strawberry.extensions import SchemaExtension

from graphql import GraphQLError
from studio_credits.domain.errors import DomainError, InvalidInput, NotAllowed


class PublicError(GraphQLError):
    def __init__(self, message: str, code: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": code, **extensions})


class Unauthenticated(PublicError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason, "UNAUTHENTICATED")


def public_error(error: DomainError) -> PublicError:
    if isinstance(error, InvalidInput):
        return PublicError(str(error), "BAD_USER_INPUT", field=error.field)
    if isinstance(error, NotAllowed):
        return PublicError(str(error), "FORBIDDEN")
    return PublicError(str(error), "REFUSED")


class DomainErrorsArePublic(SchemaExtension):
    """Shows a rule's refusal to the client as a coded error, never as an internal one."""

    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return _next(root, info, *args, **kwargs)
        except DomainError as error:
            raise public_error(error) from error


def is_internal(error: GraphQLError) -> bool:
    """Errors from the code itself, not about the request: masked in production."""
    return error.original_error is not None and not isinstance(error.original_error, PublicError)
