"""The plan page's GraphQL inputs."""

import strawberry

from studio_credits.api.enums import BillingInterval


@strawberry.input
class ChangePlanInput:
    plan_id: strawberry.ID
    interval: BillingInterval
    idempotency_key: str
