"""Lambda entry point of the notices (EventBridge schedule, daily)."""

from typing import Any

from studio_credits.jobs.scheduled import LambdaContext, handle_scheduled_event


def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, object]:
    return handle_scheduled_event("notices", event, context)
