"""Idempotency: a key remembers the input it came with and the result it produced."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class IdempotencyRecord:
    key: str
    operation: str
    fingerprint: str
    result_id: str
    """The local id of what the first call made: an entry or a reservation."""
    at: datetime


def fingerprint(operation: str, request: Mapping[str, object]) -> str:
    """A digest of the input, insensitive to key order, to tell a retry from a different request."""
    canonical = json.dumps({"operation": operation, "request": request}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
