"""What a client may send, before any rule or table sees it: ids, keys, texts, instants and years.

Each is a pydantic-constrained type with the words a refusal says; the API checks every input with
`Accepted.check` and shows a failure as BAD_USER_INPUT naming the field, so DynamoDB never sees an
empty or oversized key, a control character or a lone surrogate, and the rules never see a naive
or far-off instant.
"""

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from typing import Annotated, Any

from pydantic import AfterValidator, AwareDatetime, Field, TypeAdapter, ValidationError

from studio_credits.domain.errors import InvalidInput

MAX_ID_LENGTH = 128
MAX_KEY_LENGTH = 64
MAX_PUBLIC_ID_LENGTH = 256
"""An entry's or a reservation's id: base64url of the account id and a ULID."""
MAX_TEXT_LENGTH = 500
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2100, 1, 1, tzinfo=UTC)
FIRST_YEAR, LAST_YEAR = EARLIEST.year, LATEST.year - 1

_UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\ud800-\udfff]")
"""Control characters and lone surrogates (a surrogate pair arrives as one character)."""


def _printable(text: str) -> str:
    if _UNPRINTABLE.search(text):
        raise ValueError("control character or lone surrogate")
    if not text.strip():
        raise ValueError("blank")
    return text


@dataclass(frozen=True)
class Accepted[T]:
    """A kind of input: its pydantic type and what a refusal tells the client."""

    kind: Any
    """The type, annotated with its pydantic constraints."""
    says: str

    @cached_property
    def adapter(self) -> TypeAdapter[T]:
        """Built at the first check (all of them at import would add 40 ms to a cold start)."""
        return TypeAdapter(self.kind)

    def check(self, field: str, value: Any) -> T:
        try:
            return self.adapter.validate_python(value, strict=True)
        except ValidationError:
            raise InvalidInput(field, self.says) from None

    def accepts(self, value: Any) -> bool:
        try:
            self.adapter.validate_python(value, strict=True)
        except ValidationError:
            return False
        return True

    def check_optional(self, field: str, value: Any) -> T | None:
        return None if value is None else self.check(field, value)


ACCOUNT_ID: Accepted[str] = Accepted(
    Annotated[str, Field(min_length=1, max_length=MAX_ID_LENGTH, pattern=r"^[A-Za-z0-9_.:@+-]+$")],
    f"an account id is 1 to {MAX_ID_LENGTH} of A-Z a-z 0-9 _ . : @ + -",
)
PLAN_ID: Accepted[str] = Accepted(
    Annotated[str, Field(min_length=1, max_length=MAX_KEY_LENGTH, pattern=r"^[A-Za-z0-9_-]+$")],
    f"a plan id is 1 to {MAX_KEY_LENGTH} of A-Z a-z 0-9 _ - (the plans query lists them)",
)
JOB_ID: Accepted[str] = Accepted(
    Annotated[str, Field(min_length=1, max_length=MAX_ID_LENGTH, pattern=r"^[A-Za-z0-9_.:/-]+$")],
    f"a job id is 1 to {MAX_ID_LENGTH} of A-Z a-z 0-9 _ . : / -",
)
IDEMPOTENCY_KEY: Accepted[str] = Accepted(
    Annotated[str, Field(min_length=1, max_length=MAX_KEY_LENGTH, pattern=r"^[A-Za-z0-9_.:-]+$")],
    f"an idempotency key is 1 to {MAX_KEY_LENGTH} of A-Z a-z 0-9 _ . : - (a new random one per "
    "request, such as a UUID or a ULID)",
)
PUBLIC_ID: Accepted[str] = Accepted(
    Annotated[str, Field(min_length=1, max_length=MAX_PUBLIC_ID_LENGTH, pattern=r"^[A-Za-z0-9_-]+$")],
    "not an id this service issued",
)
TEXT: Accepted[str] = Accepted(
    Annotated[str, Field(max_length=MAX_TEXT_LENGTH), AfterValidator(_printable)],
    f"1 to {MAX_TEXT_LENGTH} characters, not blank, without control characters or lone surrogates",
)
INSTANT: Accepted[datetime] = Accepted(
    Annotated[AwareDatetime, Field(ge=EARLIEST, lt=LATEST)],
    f"an ISO-8601 date and time with an offset, from {FIRST_YEAR} to {LAST_YEAR}",
)
YEAR: Accepted[int] = Accepted(
    Annotated[int, Field(ge=FIRST_YEAR, le=LAST_YEAR)], f"a year from {FIRST_YEAR} to {LAST_YEAR}"
)
PAYMENT_ID: Accepted[str] = Accepted(
    Annotated[str, Field(pattern=r"^[0-9A-HJKMNP-TV-Z]{26}$")], "not a payment id this service issued"
)
SETUP_INTENT_ID: Accepted[str] = Accepted(
    Annotated[str, Field(min_length=1, max_length=MAX_ID_LENGTH, pattern=r"^seti_[A-Za-z0-9_]+$")],
    "a SetupIntent id, seti_ followed by letters and digits (the client secret's part before _secret_)",
)
