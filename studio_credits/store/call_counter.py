"""Counts the DynamoDB API calls made through botocore clients: the request log's figure, and the
benchmark's calls per operation."""

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
