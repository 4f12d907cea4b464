"""The metrics port in CloudWatch embedded metric format (Powertools Metrics): JSON lines on stdout
that CloudWatch Logs turns into metrics, no API call. Every metric is in NAMESPACE with the
dimension `service`, the log's service name (serverless.yml: the service and the stage).

Metrics with their own dimensions (credits by creative kind and plan, refusals by type) are
summed per dimension set and written at `flush`, one line each; the others are added to the
invocation's one metric set, which Powertools writes when the handler returns.
"""

from collections import Counter
from collections.abc import Mapping

from aws_lambda_powertools.metrics import EphemeralMetrics, MetricUnit, single_metric

from studio_credits.telemetry.logs import SERVICE

NAMESPACE = "StudioCredits"
UNAVAILABLE = "UNAVAILABLE"
"""The error code of an answer that says: try again later (contention, a throttled table)."""


class EmfMetrics:
    def __init__(self, namespace: str = NAMESPACE, service: str = SERVICE) -> None:
        self.powertools = EphemeralMetrics(namespace=namespace, service=service)
        self._dimensioned: Counter[tuple[str, tuple[tuple[str, str], ...]]] = Counter()

    def credits_moved(self, movement: str, credits: int, creative_kind: str | None, plan: str) -> None:
        self._dimensioned[
            f"Credits{movement}", (("CreativeKind", creative_kind or "NONE"), ("Plan", plan))
        ] += credits

    def notices_recorded(self, count: int) -> None:
        self.powertools.add_metric("NoticesRecorded", MetricUnit.Count, count)

    def conflict_retried(self) -> None:
        self.powertools.add_metric("ConflictRetries", MetricUnit.Count, 1)

    def request_answered(self, outcome: str, refusal_type: str | None, duration_ms: float) -> None:
        self.powertools.add_metric("RequestLatency", MetricUnit.Milliseconds, duration_ms)
        if outcome == "error":
            self.powertools.add_metric("RequestErrors", MetricUnit.Count, 1)
        if refusal_type is not None:
            self._dimensioned["Refusals", (("RefusalType", refusal_type),)] += 1
        if refusal_type == UNAVAILABLE:
            self.powertools.add_metric("Unavailable", MetricUnit.Count, 1)

    def job_ran(self, job: str, counts: Mapping[str, int]) -> None:
        prefix = job.capitalize()
        self.powertools.add_metric(f"{prefix}Runs", MetricUnit.Count, 1)
        for name, value in counts.items():
            metric = "".join(
                word.capitalize() for word in name.split("_")
            )  # periods_and_charges: PeriodsAndCharges
            self.powertools.add_metric(f"{prefix}{metric}", MetricUnit.Count, value)

    def flush(self) -> None:
        """Write the dimensioned sums (the metric set is Powertools' to write, in `log_metrics`)."""
        defaults = {"service": str(self.powertools.service)}
        namespace = self.powertools.namespace
        for (name, dimensions), value in sorted(self._dimensioned.items()):
            with single_metric(
                name,
                MetricUnit.Count,
                value,
                namespace=namespace,
                default_dimensions=defaults,
            ) as metric:
                for dimension, dimension_value in dimensions:
                    metric.add_dimension(dimension, dimension_value)
        self._dimensioned.clear()
