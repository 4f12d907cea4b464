"""The ledger as a test reads it (through the repository port, so on either repository), and the one
check that it adds up."""

from collections import defaultdict
from datetime import datetime

from ulid import ULID

from studio_credits.domain.account import Account
from studio_credits.domain.catalogue import Resolution
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.history import HistoryFilter
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.service import ledger
from studio_credits.service.ports import Repository

PAGE = 1_000
"""Larger than any test ledger: the reference read is one page, apart from the paging under test."""


def image(outputs: int = 1, resolution: Resolution = Resolution.RES_1080P) -> Creative:
    return Creative(kind=CreativeKind.IMAGE, resolution=resolution, outputs=outputs)


def entry_place(entry_id: str) -> tuple[datetime, int, int]:
    """When an entry id says it was made, and the account version and place in its change it carries
    (the id's layout: 48 bits of milliseconds, then the version's 40 bits and the place's 16)."""
    ulid = ULID.from_str(entry_id)
    after_time = int.from_bytes(ulid.bytes[6:], "big")
    return ulid.datetime, after_time >> 40, (after_time >> 24) & 0xFFFF


def recorded(outcome: object) -> ledger.Recorded:
    """A ledger use case's outcome that must be a write, not a refusal."""
    assert isinstance(outcome, ledger.Recorded), outcome
    return outcome


def stored_account(repository: Repository, account_id: str) -> Account:
    """The account as stored (no catch-up applied): what the writes left."""
    account = repository.get(account_id)
    assert account is not None, account_id
    return account


def ledger_entries(repository: Repository, account_id: str) -> list[LedgerEntry]:
    """The account's whole ledger, oldest first, read through the port's history pages."""
    newest_first: list[LedgerEntry] = []
    after: str | None = None
    while True:
        page, after = repository.history_page(account_id, HistoryFilter(), PAGE, after)
        newest_first += page
        if after is None:
            return newest_first[::-1]


def assert_ledger_adds_up(entries: list[LedgerEntry], after: Account, before: Account | None = None) -> None:
    """The money rules of a ledger: each entry's balance follows from the last; each entry moves its
    amount between lots; the lots hold what their movements say, none overdrawn or over-filled; what
    is held is there.

    Without `before`, `entries` must be the account's whole ledger, from its opening; with it, the
    entries of one change made to `before`.
    """
    balance = 0 if before is None else before.balance
    lots: dict[str, int] = defaultdict(int)
    for lot in () if before is None else before.lots:
        lots[lot.id] = lot.remaining
    for entry in entries:
        balance += entry.amount
        assert entry.balance_after == balance, entry
        assert sum(movement.amount for movement in entry.lots) == entry.amount, entry
        for movement in entry.lots:
            lots[movement.lot_id] += movement.amount
    assert balance == after.balance
    holding = {lot_id: remaining for lot_id, remaining in lots.items() if remaining}
    assert holding == {lot.id: lot.remaining for lot in after.lots if lot.remaining}
    for lot in after.lots:
        assert 0 <= lot.remaining <= lot.granted, lot
    assert after.available >= 0


def checked_ledger(repository: Repository, account: Account) -> list[LedgerEntry]:
    """The account's whole stored ledger, oldest first, once it is checked to add up to `account`."""
    entries = ledger_entries(repository, account.id)
    assert_ledger_adds_up(entries, account)
    return entries
