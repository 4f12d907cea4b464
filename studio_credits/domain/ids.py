"""Identifiers: time-sortable ULIDs, and public ids that carry their account."""

import base64
import secrets
from datetime import datetime

from ulid import ULID

from studio_credits.domain.errors import InvalidInput
from studio_credits.domain.inputs import ACCOUNT_ID


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
        ACCOUNT_ID.check(field, account_id)
    except (ValueError, InvalidInput):
        raise InvalidInput(field, "not an id this service issued") from None
    return account_id, local_id


FIRST_ASKED_SEQUENCE = 2**15
"""Entries that bring an account up to date (domain/as_of.py) are numbered from 0 and the entries
of what was asked from this, so in one write the catch-up sorts first."""


def entry_id(account_version: int, at: datetime, sequence: int) -> str:
    """A ledger entry's id: a ULID that sorts after every entry of the account's earlier changes
    and after the entries before it in the same change.

    The time comes first; within one millisecond a random ULID part would sort at random, so
    it starts with the account's version (which every change raises) and the entry's place in
    its change, then random bits.
    """
    randomness = (account_version % 2**40) << 40 | (sequence % 2**16) << 24 | secrets.randbits(24)
    milliseconds = int(at.timestamp() * 1000)
    return str(ULID.from_bytes(milliseconds.to_bytes(6, "big") + randomness.to_bytes(10, "big")))
