"""Planning a campaign: a read on the account as of now."""

import strawberry

from studio_credits.api.campaigns.inputs import CampaignInput
from studio_credits.api.campaigns.types import CampaignPlan
from studio_credits.api.context import Info
from studio_credits.api.errors import inputs_at
from studio_credits.domain.inputs import ACCOUNT_ID
from studio_credits.service import campaigns


@strawberry.type
class CampaignQueries:
    @strawberry.field(
        description="Whether a campaign fits the credits now and by its date, and the cheapest ways to make "
        "it fit; writes nothing. A person plans for their own account, the service names one."
    )
    def plan_campaign(
        self, info: Info, input: CampaignInput, account_id: strawberry.ID | None = None
    ) -> CampaignPlan:
        context = info.context
        with inputs_at("input", account_id="accountId"):
            account = ACCOUNT_ID.check_optional("account_id", account_id)
            lines, by = input.to_domain()
            plan = campaigns.plan_for(context.services, context.principal, lines, by, account)
        return CampaignPlan.of(plan.plan, plan.card)
