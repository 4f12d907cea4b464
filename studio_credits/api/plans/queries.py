"""The plan page's reads: what a plan change would do."""

import strawberry

from studio_credits.api.context import Info
from studio_credits.api.enums import BillingInterval
from studio_credits.api.plans.types import PlanChangePreview
from studio_credits.service import plans


@strawberry.type
class PlanQueries:
    @strawberry.field
    def preview_plan_change(
        self, info: Info, plan_id: strawberry.ID, interval: BillingInterval
    ) -> PlanChangePreview:
        context = info.context
        terms = plans.preview_plan_change(context.services, context.principal, str(plan_id), interval)
        return PlanChangePreview.of(terms)
