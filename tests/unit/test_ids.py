from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio_credits.domain.errors import InvalidInput
from studio_credits.domain.ids import entry_id, parse_public_id, public_id

MOMENT = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)


@given(
    version=st.integers(0, 2**40 - 2),
    sequence=st.integers(0, 50),
    later_ms=st.integers(0, 5),
)
def test_entry_ids_sort_by_time_then_change_then_place(version: int, sequence: int, later_ms: int) -> None:
    first = entry_id(version, MOMENT, sequence)
    next_in_change = entry_id(version, MOMENT, sequence + 1)
    next_change = entry_id(version + 1, MOMENT + timedelta(milliseconds=later_ms), 0)

    assert first < next_in_change < next_change


def test_public_ids_carry_their_account() -> None:
    local = entry_id(3, MOMENT, 0)

    account = "8b0e5c1a-93f2-4a6d-b7e4-2c9d1f0a3e57"
    assert parse_public_id(public_id(account, local), "id") == (account, local)


@pytest.mark.parametrize("account", ["", "acct/with/slashes", "x" * 129, "a\x00"])
def test_an_id_whose_account_is_no_account_id_was_not_issued_here(account: str) -> None:
    forged = public_id(account, entry_id(3, MOMENT, 0))

    with pytest.raises(InvalidInput, match="not an id this service issued"):
        parse_public_id(forged, "reservation_id")
