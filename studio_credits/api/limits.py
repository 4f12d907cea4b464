"""What every operation runs through: its limits, the identity check and the public errors."""

from functools import partial
from typing import Any

from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)

from studio_credits.api.context import RequireIdentity
from studio_credits.api.errors import DomainErrorsArePublic, InvalidVariablesAreBadUserInput
from studio_credits.api.observability import MaskInternalErrors, RequestLog

MAX_DEPTH = 10
MAX_TOKENS = 2_000
MAX_ALIASES = 20
CACHED_OPERATIONS = 128


def extensions(production: bool) -> list[Any]:
    # Factories, not instances: each request gets its own extensions (a shared one races).
    chosen: list[Any] = [
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        # The generation service sends the same few operations all day: parse and validate them once.
        partial(ParserCache, maxsize=CACHED_OPERATIONS),
        partial(ValidationCache, maxsize=CACHED_OPERATIONS),
        RequireIdentity,
        InvalidVariablesAreBadUserInput,
        DomainErrorsArePublic,
    ]
    if production:
        chosen += [partial(AddValidationRules, [NoSchemaIntrospectionCustomRule]), MaskInternalErrors]
    # Last, so it sees the errors before they are masked (extensions finish in reverse order).
    return [*chosen, RequestLog]
