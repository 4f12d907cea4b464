"""Planning a campaign on an account as of now: a read, nothing is written."""

from dataclasses import dataclass
from datetime import datetime

from studio_credits.domain.access import Principal
from studio_credits.domain.campaigns import CampaignLine, CampaignPlan, check_campaign, plan_campaign
from studio_credits.domain.payments import Card
from studio_credits.service.ports import Services
from studio_credits.service.quotes import paying_account


@dataclass(frozen=True)
class PlannedCampaign:
    plan: CampaignPlan
    card: Card | None
    """The card an upgrade or a pack would be charged to."""


def plan_for(
    services: Services,
    principal: Principal,
    lines: tuple[CampaignLine, ...],
    by: datetime,
    account_id: str | None,
) -> PlannedCampaign:
    now = services.clock.now()
    check_campaign(lines, by, now)
    account = paying_account(services, principal, account_id)
    return PlannedCampaign(plan_campaign(account, lines, by, now), account.card)
