"""The GraphQL schema: the root types, put together from one module per feature, and its limits."""

from functools import partial
from typing import Any

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    ParserCache,
    QueryDepthLimiter,
    ValidationCache,
)
from strawberry.tools import merge_types

from studio_credits.api.account_queries import AccountQueries
from studio_credits.api.context import RequireIdentity
from studio_credits.api.errors import DomainErrorsArePublic, is_internal
from studio_credits.api.ledger import LedgerMutations
from studio_credits.api.plans import PlanMutations, PlanQueries

MAX_DEPTH = 10
MAX_TOKENS = 2_000
MAX_ALIASES = 20
CACHED_OPERATIONS = 128


Query = merge_types("Query", (AccountQueries, PlanQueries))
Mutation = merge_types("Mutation", (LedgerMutations, PlanMutations))


def build_schema(production: bool) -> strawberry.Schema:
    # Factories, not instances: each request gets its own extensions (a shared one races).
    extensions: list[Any] = [
        partial(QueryDepthLimiter, max_depth=MAX_DEPTH),
        partial(MaxTokensLimiter, max_token_count=MAX_TOKENS),
        partial(MaxAliasesLimiter, max_alias_count=MAX_ALIASES),
        # The generation service sends the same few operations all day: parse and validate them once.
        partial(ParserCache, maxsize=CACHED_OPERATIONS),
        partial(ValidationCache, maxsize=CACHED_OPERATIONS),
        RequireIdentity,
        DomainErrorsArePublic,
    ]
    if production:
        extensions += [
            partial(AddValidationRules, [NoSchemaIntrospectionCustomRule]),
            partial(MaskErrors, should_mask_error=is_internal),
        ]
    return strawberry.Schema(query=Query, mutation=Mutation, extensions=extensions)
