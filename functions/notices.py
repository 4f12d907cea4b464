"""Lambda entry point of the notices (EventBridge schedule, daily)."""

from typing import Any

from studio_credits.bootstrap import LambdaContext, run_scheduled


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, object]:
    return run_scheduled("notices", event, context)
