"""Reading accounts and plans, and quoting creatives."""

import strawberry

from studio_credits.api.context import Info
from studio_credits.api.types import Account, CreativeInput, CreditQuote, Plan
from studio_credits.domain.catalogue import PLANS
from studio_credits.domain.creatives import parse_creative
from studio_credits.service import accounts, quotes


@strawberry.type
class AccountQueries:
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
