"""What the service writes to stdout, captured: its log lines (telemetry/logs.py) and its
CloudWatch embedded-metric lines (telemetry/emf.py), each parsed as JSON; and a recording fake of
the metrics port."""

import io
import json
import logging
from collections.abc import Iterator, Mapping
from contextlib import contextmanager, redirect_stdout
from dataclasses import dataclass, field
from typing import Any

from studio_credits.telemetry.logs import logger

Json = dict[str, Any]


@dataclass
class Captured:
    text: str = ""

    @property
    def lines(self) -> list[Json]:
        """Every line, parsed: a line that is not JSON fails the test here."""
        return [json.loads(line) for line in self.text.splitlines() if line.strip()]

    @property
    def logs(self) -> list[Json]:
        return [line for line in self.lines if "_aws" not in line]

    @property
    def metrics(self) -> dict[str, tuple[float, str, Json]]:
        """Each metric written, by name and dimensions: (value summed over lines, unit, dimensions)."""
        return metrics_of(self.lines)


def metrics_of(lines: list[Json]) -> dict[str, tuple[float, str, Json]]:
    """The embedded-metric-format lines among `lines`, by `Name|dimension=value|...`."""
    found: dict[str, tuple[float, str, Json]] = {}
    for line in lines:
        if "_aws" not in line:
            continue
        [directive] = line["_aws"]["CloudWatchMetrics"]
        [names] = directive["Dimensions"]
        dimensions = {name: line[name] for name in names}
        for metric in directive["Metrics"]:
            value = line[metric["Name"]]
            total = sum(value) if isinstance(value, list) else value
            key = metric["Name"] + "".join(f"|{name}={dimensions[name]}" for name in sorted(dimensions))
            found[key] = (found.get(key, (0.0, "", {}))[0] + total, metric["Unit"], dimensions)
    return found


@contextmanager
def captured_output() -> Iterator[Captured]:
    """stdout and the service's log, captured while the block runs."""
    captured = Captured()
    buffer = io.StringIO()
    handler = logger.registered_handler
    assert isinstance(handler, logging.StreamHandler)
    # Swapped, not `setStream`: that flushes the stream it replaces, which may be closed (the output
    # capture of an earlier pytest session in the same process, as `make mutate` runs them).
    previous, handler.stream = handler.stream, buffer
    try:
        with redirect_stdout(buffer):
            yield captured
    finally:
        handler.stream = previous
        captured.text = buffer.getvalue()


@dataclass
class RecordingMetrics:
    """The metrics port, keeping each call."""

    credits: list[tuple[str, int, str | None, str]] = field(default_factory=list)
    notices: list[int] = field(default_factory=list)
    conflicts: int = 0
    requests: list[tuple[str, str | None]] = field(default_factory=list)
    jobs: list[tuple[str, dict[str, int]]] = field(default_factory=list)

    def credits_moved(self, movement: str, credits: int, creative_kind: str | None, plan: str) -> None:
        self.credits.append((movement, credits, creative_kind, plan))

    def notices_recorded(self, count: int) -> None:
        self.notices.append(count)

    def conflict_retried(self) -> None:
        self.conflicts += 1

    def request_answered(self, outcome: str, refusal_type: str | None, duration_ms: float) -> None:
        self.requests.append((outcome, refusal_type))

    def job_ran(self, job: str, counts: Mapping[str, int]) -> None:
        self.jobs.append((job, dict(counts)))
