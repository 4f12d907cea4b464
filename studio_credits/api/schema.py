"""The GraphQL schema: root fields that translate requests into use cases."""

from typing import Any

import strawberry
from graphql.validation import NoSchemaIntrospectionCustomRule
from strawberry.extensions import (
    AddValidationRules,
    MaskErrors,
    MaxAliasesLimiter,
    MaxTokensLimiter,
    QueryDepthLimiter,
)

from studio_credits.api.context import Info, RequireIdentity
from studio_credits.api.errors import DomainErrorsArePublic, is_internal
from studio_credits.api.types import Account, CreativeInput, CreditQuote, Plan
from studio_credits.domain.catalogue import PLANS
from studio_credits.domain.creatives import parse_creative
from studio_credits.service import accounts, quotes

MAX_DEPTH = 10
MAX_TOKENS = 2_000
MAX_ALIASES = 20


@strawberry.type
class Query:
    @strawberry.field(description="The signed-in person's account, created on the free plan at first sight.")
    def viewer(self, info: Info) -> Account:
        context = info.context
        return Account.of(accounts.viewer_account(context.services, context.principal))

    @strawberry.field(description="Any account: for the service and admin roles only.")
    def account(self, info: Info, id: strawberry.ID) -> Account | None:
        context = info.context
        found = accounts.find_account(context.services, context.principal, str(id))
        return None if found is None else Account.of(found)

    @strawberry.field
    def plans(self) -> list[Plan]:
        return [Plan.of(plan) for plan in PLANS]

    @strawberry.field
    def quote(
        self, info: Info, creative: CreativeInput, account_id: strawberry.ID | None = None
    ) -> CreditQuote:
        context = info.context
        parsed = parse_creative(strawberry.asdict(creative))
        account = None if account_id is None else str(account_id)
        return CreditQuote.of(quotes.quote_for(context.services, context.principal, parsed, account))


def build_schema(production: bool) -> strawberry.Schema:
    extensions: list[Any] = [
        QueryDepthLimiter(max_depth=MAX_DEPTH),
        MaxTokensLimiter(max_token_count=MAX_TOKENS),
        MaxAliasesLimiter(max_alias_count=MAX_ALIASES),
        RequireIdentity,
        DomainErrorsArePublic,
    ]
    if production:
        extensions += [
            AddValidationRules([NoSchemaIntrospectionCustomRule]),
            MaskErrors(should_mask_error=is_internal),
        ]
    return strawberry.Schema(query=Query, extensions=extensions)
