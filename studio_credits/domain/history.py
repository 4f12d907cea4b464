"""Credit history: which entries a filter selects, and opaque cursors bound to account and filter."""

import base64
import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from ulid import ULID

from studio_credits.domain.creatives import CreativeKind
from studio_credits.domain.errors import InvalidInput
from studio_credits.domain.ledger import EntryKind

MAX_PAGE = 100


@dataclass(frozen=True)
class HistoryFilter:
    since: datetime | None = None
    until: datetime | None = None
    """Inclusive: an entry at exactly `until` is in."""
    year: int | None = None
    kinds: frozenset[EntryKind] = frozenset()
    creative_kinds: frozenset[CreativeKind] = frozenset()

    def time_range(self) -> tuple[datetime | None, datetime | None]:
        """The instants selected: `from`/`to` intersected with the calendar year (UTC)."""
        since, until = self.since, self.until
        if self.year is not None:
            if not 1970 <= self.year <= 9998:
                raise InvalidInput("year", f"{self.year} is not a year the ledger can hold")
            year_start = datetime(self.year, 1, 1, tzinfo=UTC)
            year_end = datetime(self.year + 1, 1, 1, tzinfo=UTC) - timedelta(microseconds=1)
            since = year_start if since is None else max(since, year_start)
            until = year_end if until is None else min(until, year_end)
        if since is not None and until is not None and since > until:
            raise InvalidInput("since", "from is after to")
        return since, until

    def digest(self) -> str:
        since, until = self.time_range()
        described = [
            str(since),
            str(until),
            sorted(k.value for k in self.kinds),
            sorted(k.value for k in self.creative_kinds),
        ]
        return hashlib.sha256(json.dumps(described).encode()).hexdigest()[:16]


def page_size(first: int) -> int:
    if not 1 <= first <= MAX_PAGE:
        raise InvalidInput("first", f"a page holds 1 to {MAX_PAGE} entries, not {first}")
    return first


def encode_cursor(account_id: str, history: HistoryFilter, entry_id: str) -> str:
    payload = json.dumps({"a": account_id, "f": history.digest(), "e": entry_id}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).decode().rstrip("=")


def decode_cursor(cursor: str, account_id: str, history: HistoryFilter) -> str:
    """The entry id a page continues after; refuses cursors of another account or filter, or made up."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        payload = json.loads(base64.urlsafe_b64decode(padded))
        entry_id = str(payload["e"])
        ULID.from_str(entry_id)
        owner, digest = payload["a"], payload["f"]
    except (ValueError, KeyError, TypeError):
        raise InvalidInput("after", "not a cursor this service issued") from None
    if owner != account_id:
        raise InvalidInput("after", "the cursor belongs to another account")
    if digest != history.digest():
        raise InvalidInput("after", "the cursor was issued for another filter")
    return entry_id
