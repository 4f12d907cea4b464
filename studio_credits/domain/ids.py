"""Identifiers: time-sortable ULIDs, and public ids that carry their account."""

import base64
from datetime import datetime

from ulid import ULID

from studio_credits.domain.errors import InvalidInput


def new_ulid(at: datetime) -> str:
    return str(ULID.from_datetime(at))


def public_id(account_id: str, local_id: str) -> str:
    """An opaque id for an entry or a reservation that names its account, so it is found in one read."""
    return base64.urlsafe_b64encode(f"{account_id}/{local_id}".encode()).decode().rstrip("=")


def parse_public_id(value: str, field: str) -> tuple[str, str]:
    try:
        padded = value + "=" * (-len(value) % 4)
        account_id, local_id = base64.urlsafe_b64decode(padded).decode().rsplit("/", 1)
        ULID.from_str(local_id)
    except ValueError:
        raise InvalidInput(field, "not an id this service issued") from None
    return account_id, local_id
