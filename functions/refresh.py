"""Lambda entry point of the plan refresh (EventBridge schedule, every 15 minutes)."""

from typing import Any

from studio_credits.bootstrap import LambdaContext, run_scheduled


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, object]:
    return run_scheduled("refresh", event, context)
