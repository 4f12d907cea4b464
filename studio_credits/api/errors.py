"""Errors a client may read: a message and a code; everything else is masked in production.

Here alone the rules' words meet the contract's: an invalid input is named at the GraphQL
argument path the client wrote, and a refusal the schema has no result type for is REFUSED.
"""

import re
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from typing import Any

from strawberry.extensions import SchemaExtension

from graphql import GraphQLError
from studio_credits.domain.errors import DomainError, InvalidInput, NotAllowed


class RefusalAnswer:
    """A result union's member that says no (a refusal as data): the request log counts the
    request as refused, of this member's type."""


class PublicError(GraphQLError):
    def __init__(self, message: str, code: str, **extensions: Any) -> None:
        super().__init__(message, extensions={"code": code, **extensions})


class Unauthenticated(PublicError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason, "UNAUTHENTICATED")


class Forbidden(PublicError):
    def __init__(self, reason: str) -> None:
        super().__init__(reason, "FORBIDDEN")


def bad_user_input(path: str, message: str) -> PublicError:
    return PublicError(f"{path}: {message}", "BAD_USER_INPUT", field=path)


def refused(message: str) -> PublicError:
    """A rule's refusal where the field's type has no member for it."""
    return PublicError(message, "REFUSED")


def graphql_path(field: str, argument: str | None = None, paths: Mapping[str, str] | None = None) -> str:
    """Where the client wrote a domain field: as `paths` name it, else under `argument`, in camelCase."""
    head, _, rest = field.partition(".")
    named = (paths or {}).get(head)
    if named is None:
        named = _camel(head) if argument is None else f"{argument}.{_camel(head)}"
    return ".".join([named, *(_camel(part) for part in rest.split(".") if part)])


@contextmanager
def inputs_at(argument: str | None = None, **paths: str) -> Iterator[None]:
    """Shows the use case's InvalidInput at its GraphQL path: `paths` maps a domain field to it,
    and any other field is taken to be one of `argument`'s (or an argument itself)."""
    try:
        yield
    except InvalidInput as error:
        raise bad_user_input(graphql_path(error.field, argument, paths), error.message) from error


def public_error(error: DomainError) -> PublicError:
    if isinstance(error, InvalidInput):
        return bad_user_input(graphql_path(error.field), error.message)
    if isinstance(error, NotAllowed):
        return Forbidden(str(error))
    return refused(str(error))


class DomainErrorsArePublic(SchemaExtension):
    """Shows what the rules raise to the client as a coded error, never as an internal one."""

    def resolve(self, _next: Callable[..., Any], root: Any, info: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return _next(root, info, *args, **kwargs)
        except DomainError as error:
            raise public_error(error) from error


_VARIABLE_REFUSED = re.compile(
    r"^Variable '\$(?P<name>\w+)' (?:has invalid value(?: at (?P<at>[^:]*))?:|of )"
)
"""How graphql-core words a variable it cannot coerce (an unknown enum value, a wrong type, a
missing required one): `at` is the path inside the variable, as `.source` or `[0].kind`."""


class InvalidVariablesAreBadUserInput(SchemaExtension):
    """A variable GraphQL itself refuses, before any resolver runs, is BAD_USER_INPUT naming where
    it is wrong (`input.source`), not an error of ours (production would mask it)."""

    def on_execute(self) -> Iterator[None]:
        yield
        result = self.execution_context.result
        if result is not None and result.errors:
            result.errors = [_coded(error) for error in result.errors]


def _coded(error: GraphQLError) -> GraphQLError:
    refused = _VARIABLE_REFUSED.match(error.message)
    if refused is None or error.path is not None:
        return error
    return PublicError(error.message, "BAD_USER_INPUT", field=refused["name"] + (refused["at"] or ""))


def is_internal(error: GraphQLError) -> bool:
    """Errors from the code itself, not about the request: masked in production."""
    return error.original_error is not None and not isinstance(error.original_error, PublicError)


def _camel(name: str) -> str:
    first, *others = name.split("_")
    return first + "".join(part[:1].upper() + part[1:] for part in others)
