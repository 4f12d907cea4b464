"""Counts DynamoDB API calls made through botocore: the request log's figure, and the benchmark's
calls per operation."""

from collections import Counter
from typing import Any


class DynamoCallCounter:
    def __init__(self) -> None:
        self.calls: Counter[str] = Counter()

    def attach(self, client: Any) -> None:
        """Count `client`'s calls from now on (again on the same client: nothing changes)."""
        client.meta.events.register("before-call.dynamodb", self._count, unique_id=f"call-counter-{id(self)}")

    def _count(self, event_name: str, **_: Any) -> None:
        self.calls[event_name.rsplit(".", 1)[-1]] += 1


EVERY_CALL = DynamoCallCounter()
"""Every DynamoDB call of the process, once `count_every_call` has run (a Lambda container serves
one request at a time, so a request's calls are the difference across it)."""


def count_every_call() -> DynamoCallCounter:
    """Every botocore session made from now on counts its clients' DynamoDB calls in EVERY_CALL:
    nothing is made before its first call (a session costs about 10 ms, a client tens)."""
    from botocore.handlers import BUILTIN_HANDLERS

    handler = ("before-call.dynamodb", EVERY_CALL._count)
    if handler not in BUILTIN_HANDLERS:
        BUILTIN_HANDLERS.append(handler)
    return EVERY_CALL
