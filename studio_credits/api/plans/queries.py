"""The plan page's reads: what a plan change would do."""

from typing import assert_never

import strawberry

from studio_credits.api.context import Info
from studio_credits.api.enums import BillingInterval
from studio_credits.api.errors import inputs_at, refused
from studio_credits.api.plans.types import PlanChangePreview
from studio_credits.domain import plan_changes
from studio_credits.domain.inputs import PLAN_ID
from studio_credits.service import plans


@strawberry.type
class PlanQueries:
    @strawberry.field
    def preview_plan_change(
        self, info: Info, plan_id: strawberry.ID, interval: BillingInterval
    ) -> PlanChangePreview:
        context = info.context
        with inputs_at():
            checked = PLAN_ID.check("plan_id", plan_id)
        preview = plans.preview_plan_change(context.services, context.principal, checked, interval)
        match preview:
            case plans.PlanChangePreview(terms=terms, card=card):
                return PlanChangePreview.of(terms, card)
            case plan_changes.InvalidPlanChange(message=message):
                raise refused(message)
            case _:
                assert_never(preview)
