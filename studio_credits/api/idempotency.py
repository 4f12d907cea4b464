"""The answer shared by every mutation that takes an idempotency key."""

import strawberry

from studio_credits.api.errors import RefusalAnswer
from studio_credits.service import execution


@strawberry.type
class IdempotencyConflict(RefusalAnswer):
    message: str = strawberry.field(description="The key was used before with different input.")

    @classmethod
    def of(cls, conflict: execution.IdempotencyConflict) -> "IdempotencyConflict":
        return cls(message=conflict.message)
