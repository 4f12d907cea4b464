"""Lambda entry point of the reservation sweeper (EventBridge schedule, every 5 minutes)."""

from typing import Any

from studio_credits.bootstrap import LambdaContext, run_scheduled


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, object]:
    return run_scheduled("sweep", event, context)
