"""Idempotency: a key remembers the input it came with and the result it produced.

A key is the caller's, for one operation (as Stripe scopes keys to the API key and the request):
the record is stored under the operation, the caller and the key, so the same key from another
caller or for another operation is another record, never a replay or a conflict."""

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime


def scoped_key(operation: str, caller: str, key: str) -> str:
    """The key a record is stored under. Neither an operation nor a key (domain/inputs.py) holds a
    "#", so the caller is what lies between the first and the last one."""
    return f"{operation}#{caller}#{key}"


@dataclass(frozen=True)
class IdempotencyRecord:
    key: str
    """The scoped key (`scoped_key`)."""
    operation: str
    fingerprint: str
    result_id: str
    """The local id of what the first call made: an entry or a reservation."""
    at: datetime


def fingerprint(operation: str, request: Mapping[str, object]) -> str:
    """A digest of the input, insensitive to key order, to tell a retry from a different request."""
    canonical = json.dumps({"operation": operation, "request": request}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()
