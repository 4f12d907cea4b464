"""What every Lambda function runs its handler in: the Powertools Logger's Lambda context and
correlation id on each line, and the invocation's metrics written when it returns (the cold start
counted once per container)."""

from collections.abc import Callable
from typing import Any

from studio_credits.telemetry.emf import EmfMetrics
from studio_credits.telemetry.logs import logger

Handler = Callable[[dict[str, Any], Any], Any]


def observed(handler: Handler, metrics: EmfMetrics, correlation_id_path: str) -> Handler:
    """`correlation_id_path`: where the event carries the id to find this invocation's lines by
    (Powertools' correlation_paths: API Gateway's request id, EventBridge's event id)."""

    def run(event: dict[str, Any], context: Any) -> Any:
        try:
            return handler(event, context)
        finally:
            metrics.flush()

    with_metrics = metrics.powertools.log_metrics(run, capture_cold_start_metric=True)
    observed_handler: Handler = logger.inject_lambda_context(
        with_metrics, correlation_id_path=correlation_id_path, clear_state=True
    )
    return observed_handler
