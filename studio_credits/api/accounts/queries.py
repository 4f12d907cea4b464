"""Reading accounts: the viewer's own, or any by id."""

import strawberry

from studio_credits.api.accounts.types import Account
from studio_credits.api.context import Info
from studio_credits.api.errors import inputs_at
from studio_credits.domain.inputs import ACCOUNT_ID
from studio_credits.service import accounts


@strawberry.type
class AccountQueries:
    @strawberry.field(description="The signed-in person's account, created on the free plan at first sight.")
    def viewer(self, info: Info) -> Account:
        context = info.context
        return Account.of(accounts.viewer_account(context.services, context.principal))

    @strawberry.field(description="An account by id: a person reads their own, the service and admins any.")
    def account(self, info: Info, id: strawberry.ID) -> Account | None:
        context = info.context
        with inputs_at():
            found = accounts.find_account(context.services, context.principal, ACCOUNT_ID.check("id", id))
        return None if found is None else Account.of(found)
