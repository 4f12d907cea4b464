"""Reading the plan catalogue, and quoting creatives."""

import strawberry

from studio_credits.api.catalogue.inputs import CreativeInput
from studio_credits.api.catalogue.types import CreditQuote, Plan
from studio_credits.api.context import Info
from studio_credits.api.errors import inputs_at
from studio_credits.domain.catalogue import PLANS
from studio_credits.domain.inputs import ACCOUNT_ID
from studio_credits.service import quotes


@strawberry.type
class CatalogueQueries:
    @strawberry.field
    def plans(self) -> list[Plan]:
        return [Plan.of(plan) for plan in PLANS]

    @strawberry.field
    def quote(
        self, info: Info, creative: CreativeInput, account_id: strawberry.ID | None = None
    ) -> CreditQuote:
        context = info.context
        with inputs_at():
            account = ACCOUNT_ID.check_optional("account_id", account_id)
            quote = quotes.quote_for(context.services, context.principal, creative.to_domain(), account)
        return CreditQuote.of(quote)
