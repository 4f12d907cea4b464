"""Faults injected into the real AWS calls, as DynamoDB and SES would cause them: botocore event hooks
on the clients the repository and the SES adapter use (on moto), so every layer above sees the
failure as it would arrive from AWS.

- A refusal (throttling, an internal error, a canceled transaction) answers the call before it
  reaches moto: nothing is stored.
- A lost answer lets the call reach moto, which carries it out, then raises a read timeout to the
  caller: the unknown outcome of a write that was in fact stored.
"""

from collections import defaultdict, deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from botocore.awsrequest import AWSResponse
from botocore.compat import HTTPHeaders
from botocore.exceptions import ReadTimeoutError
from botocore.model import OperationModel


@dataclass(frozen=True)
class Refusal:
    code: str
    status: int = 400
    cancellation_reasons: tuple[str, ...] = ()
    """A canceled transaction's reason for each of its items ("None" where that item was fine)."""

    def answer(self) -> tuple[AWSResponse, dict[str, Any]]:
        """What botocore makes of AWS's error response: the HTTP status and the parsed body."""
        parsed: dict[str, Any] = {
            "Error": {"Code": self.code, "Message": f"injected {self.code}"},
            "ResponseMetadata": {"HTTPStatusCode": self.status, "HTTPHeaders": {}},
        }
        if self.cancellation_reasons:
            parsed["CancellationReasons"] = [{"Code": code} for code in self.cancellation_reasons]
        return AWSResponse("https://aws.invalid/", self.status, HTTPHeaders(), None), parsed


THROTTLED = Refusal("ProvisionedThroughputExceededException")
THROTTLING = Refusal("ThrottlingException")
INTERNAL_ERROR = Refusal("InternalServerError", status=500)
TRANSACTION_CONFLICT = Refusal(
    "TransactionCanceledException", cancellation_reasons=("None", "TransactionConflict")
)
"""DynamoDB's answer when another transaction was changing one of the items (moto never gives it)."""
SES_THROTTLED = Refusal("Throttling")
ANSWER_LOST = "answer lost"
"""The call reached the service, which carried it out; its answer never came back (a read timeout)."""

Fault = Refusal | str


@dataclass
class InjectedFaults:
    """Faults planned for the next calls of each operation (by its AWS name), taken in order."""

    planned: dict[str, deque[Fault]] = field(default_factory=lambda: defaultdict(deque))
    injected: list[tuple[str, str]] = field(default_factory=list)
    """(operation, fault) of each fault that happened, in order."""

    def plan(self, operation: str, *faults: Fault) -> None:
        self.planned[operation].extend(faults)

    def attach(self, clients: Iterable[Any]) -> "InjectedFaults":
        for client in clients:
            client.meta.events.register("before-call", self._refuse)
            # Beside moto's own before-send hook, and after it: moto answers first.
            client.meta.events.register_last("before-send", self._lose_answer)
        return self

    def _next(self, operation: str, kind: type[Refusal] | type[str]) -> Fault | None:
        faults = self.planned[operation]
        if not faults or not isinstance(faults[0], kind):
            return None
        fault = faults.popleft()
        self.injected.append((operation, fault if isinstance(fault, str) else fault.code))
        return fault

    def _refuse(self, model: OperationModel, **_: Any) -> tuple[AWSResponse, dict[str, Any]] | None:
        fault = self._next(model.name, Refusal)
        return fault.answer() if isinstance(fault, Refusal) else None

    def _lose_answer(self, event_name: str, **_: Any) -> None:
        if self._next(event_name.rsplit(".", 1)[-1], str) is not None:
            raise ReadTimeoutError(endpoint_url="https://aws.invalid/")


@dataclass
class ManualTimer:
    """The retry policy's clock and sleep: a pause moves the time on, and nobody waits."""

    now: float = 0.0
    pauses: list[float] = field(default_factory=list)

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.pauses.append(seconds)
        self.now += seconds
