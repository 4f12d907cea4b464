"""The repository port in memory, for fast service tests and the simulation.

It keeps the DynamoDB repository's contract: tests/store/test_repository_contract.py runs one
suite against both.
"""

import threading
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime

from studio_credits.domain.account import Account
from studio_credits.domain.change import Change
from studio_credits.domain.creatives import CreativeKind
from studio_credits.domain.history import HistoryFilter
from studio_credits.domain.idempotency import IdempotencyRecord
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.domain.notice_rules import next_notice_at
from studio_credits.domain.notices import Notice
from studio_credits.domain.payments import Payment
from studio_credits.domain.reservations import Reservation, ReservationStatus
from studio_credits.domain.usage import DayUsage
from studio_credits.service.ports import (
    AccountExists,
    AlreadyRefunded,
    EventAlreadyHandled,
    IdempotencyKeyUsed,
    PaymentKeyUsed,
    VersionConflict,
)


@dataclass
class AccountItems:
    """Everything stored under one account: what the ledger table holds for it."""

    entries: dict[str, LedgerEntry] = field(default_factory=dict)
    reservations: dict[str, Reservation] = field(default_factory=dict)
    idempotency: dict[str, IdempotencyRecord] = field(default_factory=dict)
    refunded: set[str] = field(default_factory=set)
    notices: dict[str, Notice] = field(default_factory=dict)
    usage: dict[str, dict[CreativeKind, tuple[int, int]]] = field(default_factory=dict)
    payments: dict[str, Payment] = field(default_factory=dict)
    payment_keys: dict[str, str] = field(default_factory=dict)
    events: set[str] = field(default_factory=set)


@dataclass
class MemoryRepository:
    accounts: dict[str, Account] = field(default_factory=dict)
    items: dict[str, AccountItems] = field(default_factory=dict)
    commits: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def get(self, account_id: str) -> Account | None:
        return self.accounts.get(account_id)

    def get_entry(self, account_id: str, entry_id: str) -> LedgerEntry | None:
        return self._items(account_id).entries.get(entry_id)

    def get_reservation(self, account_id: str, reservation_id: str) -> Reservation | None:
        return self._items(account_id).reservations.get(reservation_id)

    def get_idempotency(self, account_id: str, key: str) -> IdempotencyRecord | None:
        return self._items(account_id).idempotency.get(key)

    def history_page(
        self, account_id: str, history: HistoryFilter, limit: int, after_entry_id: str | None
    ) -> tuple[list[LedgerEntry], str | None]:
        """As DynamoDB's Query pages: `limit` + 1 entries read newest first, then the kind filters."""
        since, until = history.time_range()
        newest_first = sorted(self._items(account_id).entries.values(), key=lambda e: e.id, reverse=True)
        in_range = [
            entry
            for entry in newest_first
            if (since is None or entry.at >= since)
            and (until is None or entry.at <= until)
            and (after_entry_id is None or entry.id < after_entry_id)
        ]
        read = in_range[: limit + 1]
        matching = [entry for entry in read if _selected(entry, history)]
        if len(matching) > limit:
            return matching[:limit], matching[limit - 1].id
        return matching, read[-1].id if len(read) > limit else None

    def usage_days(self, account_id: str, first_day: str, last_day: str) -> list[DayUsage]:
        usage = self._items(account_id).usage
        return [
            DayUsage(day, {kind: usage[day].get(kind, (0, 0)) for kind in CreativeKind})
            for day in sorted(usage)
            if first_day <= day <= last_day
        ]

    def notices(self, account_id: str, limit: int) -> list[Notice]:
        recorded = self._items(account_id).notices
        return [recorded[notice] for notice in sorted(recorded, reverse=True)[:limit]]

    def get_payment(self, account_id: str, payment_id: str) -> Payment | None:
        return self._items(account_id).payments.get(payment_id)

    def payment_for_key(self, account_id: str, key: str) -> Payment | None:
        items = self._items(account_id)
        payment_id = items.payment_keys.get(key)
        return None if payment_id is None else items.payments.get(payment_id)

    def payments_page(
        self, account_id: str, limit: int, after_payment_id: str | None
    ) -> tuple[list[Payment], str | None]:
        payments = self._items(account_id).payments
        older = [
            payments[i]
            for i in sorted(payments, reverse=True)
            if after_payment_id is None or i < after_payment_id
        ]
        if len(older) > limit:
            return older[:limit], older[limit - 1].id
        return older, None

    def calls_made(self) -> int:
        return 0  # no database behind it

    def commit(self, change: Change) -> Account:
        with self._lock:
            return self._commit(change)

    def due_for_refresh(self, now: datetime) -> Iterator[str]:
        return iter([a.id for a in self.accounts.values() if a.refresh_due_at <= now])

    def due_for_notices(self, now: datetime) -> Iterator[str]:
        due = [a.id for a in self.accounts.values() if (at := next_notice_at(a)) is not None and at <= now]
        return iter(due)

    def due_for_sweep(self, now: datetime) -> Iterator[str]:
        return iter([a.id for a in self.accounts.values() if any(h.expires_at <= now for h in a.holds)])

    def claim_notice(self, account_id: str, notice_id: str, now: datetime) -> Notice | None:
        with self._lock:
            notices = self._items(account_id).notices
            notice = notices.get(notice_id)
            if notice is None or notice.sent_at is not None:
                return None
            notices[notice_id] = replace(notice, sent_at=now)
            return notices[notice_id]

    def unclaim_notice(self, account_id: str, notice_id: str, claimed_at: datetime) -> None:
        with self._lock:
            notices = self._items(account_id).notices
            notice = notices.get(notice_id)
            if notice is not None and notice.sent_at == claimed_at:
                notices[notice_id] = replace(notice, sent_at=None)

    def _items(self, account_id: str) -> AccountItems:
        return self.items.get(account_id) or AccountItems()

    def _commit(self, change: Change) -> Account:
        account = change.account
        stored = self.accounts.get(account.id)
        items = self.items.setdefault(account.id, AccountItems())
        # The same order of checks as the transaction's cancellation reasons (store/repository.py).
        if change.idempotency is not None and change.idempotency.key in items.idempotency:
            raise IdempotencyKeyUsed(change.idempotency.key)
        if change.refunded_entry_id is not None and change.refunded_entry_id in items.refunded:
            raise AlreadyRefunded
        _check_payment_claims(change, items)
        if change.creates_account:
            if stored is not None:
                raise AccountExists
        elif stored is None or stored.version != account.version:
            raise VersionConflict
        clashing = [e.id for e in change.entries if e.id in items.entries] + [
            n.id for n in change.notices if n.id in items.notices
        ]
        if clashing:
            raise RuntimeError(f"a ledger item already exists: {', '.join(clashing)}")
        self.commits += 1
        committed = replace(account, version=account.version + 1)
        self.accounts[account.id] = committed
        items.entries.update((entry.id, entry) for entry in change.entries)
        items.reservations.update((r.id, r) for r in change.reservations)
        for hold in change.expired_holds:
            expired = items.reservations[hold.reservation_id]
            items.reservations[hold.reservation_id] = replace(expired, status=ReservationStatus.EXPIRED)
        items.notices.update((notice.id, notice) for notice in change.notices)
        if change.idempotency is not None:
            items.idempotency[change.idempotency.key] = change.idempotency
        if change.refunded_entry_id is not None:
            items.refunded.add(change.refunded_entry_id)
        items.payments.update((payment.id, payment) for payment in change.payments)
        if change.opens_payment:
            items.payment_keys[change.payments[0].key] = change.payments[0].id
        if change.event_id is not None:
            items.events.add(change.event_id)
        for increment in change.usage:
            day = items.usage.setdefault(increment.day, {})
            credits, creatives = day.get(increment.kind, (0, 0))
            day[increment.kind] = (credits + increment.credits, creatives + increment.creatives)
        return committed


def _check_payment_claims(change: Change, items: AccountItems) -> None:
    if change.opens_payment and change.payments[0].key in items.payment_keys:
        raise PaymentKeyUsed
    if change.event_id is not None and change.event_id in items.events:
        raise EventAlreadyHandled


def _selected(entry: LedgerEntry, history: HistoryFilter) -> bool:
    if history.kinds and entry.kind not in history.kinds:
        return False
    creative_kind = None if entry.creative is None else entry.creative.kind
    return not history.creative_kinds or creative_kind in history.creative_kinds
