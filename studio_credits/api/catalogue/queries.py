"""Reading the plan catalogue, and quoting creatives."""

import strawberry

from studio_credits.api.catalogue.inputs import CreativeInput
from studio_credits.api.catalogue.types import CreditQuote, Plan
from studio_credits.api.context import Info
from studio_credits.domain.catalogue import PLANS
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
        parsed = creative.to_domain("creative")
        account = None if account_id is None else str(account_id)
        return CreditQuote.of(quotes.quote_for(context.services, context.principal, parsed, account))
