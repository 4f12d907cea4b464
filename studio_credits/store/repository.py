"""Loads accounts and ledger items, and commits each change as one TransactWriteItems."""

from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from datetime import datetime
from functools import cached_property
from typing import Any

from pynamodb.connection import Connection
from pynamodb.expressions.condition import Condition
from ulid import ULID

from studio_credits.domain.account import Account
from studio_credits.domain.change import Change
from studio_credits.domain.creatives import CreativeKind
from studio_credits.domain.history import HistoryFilter
from studio_credits.domain.idempotency import IdempotencyRecord
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.domain.notices import Notice
from studio_credits.domain.payments import Payment
from studio_credits.domain.reservations import Reservation, ReservationStatus
from studio_credits.domain.usage import DayUsage, UsageIncrement
from studio_credits.service.ports import (
    AccountExists,
    AlreadyRefunded,
    EventAlreadyHandled,
    IdempotencyKeyUsed,
    PaymentKeyUsed,
    VersionConflict,
)
from studio_credits.store import due
from studio_credits.store.call_counter import DynamoCallCounter, count_every_call
from studio_credits.store.faults import classified, classifying
from studio_credits.store.mapping import (
    account_from_item,
    account_to_item,
    entry_from_item,
    entry_to_item,
    idempotency_from_item,
    idempotency_to_item,
    notice_from_item,
    notice_to_item,
    payment_from_item,
    payment_key_item,
    payment_to_item,
    refund_marker,
    reservation_from_item,
    reservation_to_item,
)
from studio_credits.store.models import (
    ENTRY_PREFIX,
    EVENT_PREFIX,
    IDEMPOTENCY_PREFIX,
    NOTICE_PREFIX,
    PAYMENT_KEY_PREFIX,
    PAYMENT_PREFIX,
    RESERVATION_PREFIX,
    USAGE_PREFIX,
    AccountModel,
    EntryItem,
    EventItem,
    IdempotencyItem,
    LedgerItem,
    NoticeItem,
    PaymentItem,
    PaymentKeyItem,
    ReservationItem,
    UsageItem,
)
from studio_credits.store.tables import Tables, bind_tables, with_subclasses
from studio_credits.store.transaction import LabelledTransaction, TransactionCanceled, TransactionConflicted

ACCOUNT, IDEMPOTENCY, REFUND = "account", "idempotency", "refund"
PAYMENT_KEY, EVENT = "payment key", "event"

USAGE_ATTRIBUTES = {
    CreativeKind.IMAGE: (UsageItem.image_credits, UsageItem.image_creatives),
    CreativeKind.VIDEO: (UsageItem.video_credits, UsageItem.video_creatives),
    CreativeKind.MULTI_SHOT_VIDEO: (UsageItem.multi_shot_video_credits, UsageItem.multi_shot_video_creatives),
}


@dataclass
class DynamoRepository:
    tables: Tables
    index_shards: int
    _counter: DynamoCallCounter = field(default_factory=count_every_call, init=False, repr=False)

    def __post_init__(self) -> None:
        bind_tables(self.tables)

    @cached_property
    def _connection(self) -> Connection:
        return self.tables.connection()

    def clients(self) -> Iterator[Any]:
        """The botocore clients this repository calls through (for counting calls)."""
        for model in (*with_subclasses(AccountModel), *with_subclasses(LedgerItem)):
            yield model._get_connection().connection.client
        yield self._connection.client

    def calls_made(self) -> int:
        """DynamoDB API calls this process has made through the sessions made since the repository."""
        return self._counter.calls.total()

    @classifying
    def get(self, account_id: str) -> Account | None:
        try:
            return account_from_item(AccountModel.get(account_id, consistent_read=True))
        except AccountModel.DoesNotExist:
            return None

    @classifying
    def get_entry(self, account_id: str, entry_id: str) -> LedgerEntry | None:
        try:
            return entry_from_item(EntryItem.get(account_id, ENTRY_PREFIX + entry_id))
        except EntryItem.DoesNotExist:
            return None

    @classifying
    def get_reservation(self, account_id: str, reservation_id: str) -> Reservation | None:
        try:
            return reservation_from_item(
                ReservationItem.get(account_id, RESERVATION_PREFIX + reservation_id, consistent_read=True)
            )
        except ReservationItem.DoesNotExist:
            return None

    @classifying
    def get_idempotency(self, account_id: str, key: str) -> IdempotencyRecord | None:
        try:
            return idempotency_from_item(
                IdempotencyItem.get(account_id, IDEMPOTENCY_PREFIX + key, consistent_read=True)
            )
        except IdempotencyItem.DoesNotExist:
            return None

    @classifying
    def history_page(
        self, account_id: str, history: HistoryFilter, limit: int, after_entry_id: str | None
    ) -> tuple[list[LedgerEntry], str | None]:
        """Newest first, in ONE Query: up to `limit` entries, and the id to continue after (None at the end).

        Kind filters are applied by DynamoDB after reading, so a filtered page may hold fewer
        than `limit` entries while more follow.
        """
        since, until = history.time_range()
        lower = ENTRY_PREFIX + (_ulid_bound(since, "0") if since else "")
        upper = ENTRY_PREFIX + (_ulid_bound(until, "Z") if until else "~")
        condition: Condition | None = None
        if history.kinds:
            condition = EntryItem.kind.is_in(*(kind.value for kind in history.kinds))
        if history.creative_kinds:
            by_creative = EntryItem.creative_kind.is_in(*(kind.value for kind in history.creative_kinds))
            condition = by_creative if condition is None else condition & by_creative
        results = EntryItem.query(
            account_id,
            EntryItem.sk.between(lower, upper),
            filter_condition=condition,
            scan_index_forward=False,
            page_size=limit + 1,
            last_evaluated_key=None
            if after_entry_id is None
            else {"account_id": {"S": account_id}, "sk": {"S": ENTRY_PREFIX + after_entry_id}},
        )
        page = next(results.page_iter, None) or {}
        entries = [entry_from_item(EntryItem.from_raw_data(raw)) for raw in page.get("Items", [])]
        if len(entries) > limit:
            return entries[:limit], entries[limit - 1].id
        last_read = results.page_iter.last_evaluated_key
        return entries, None if last_read is None else str(last_read["sk"]["S"]).removeprefix(ENTRY_PREFIX)

    @classifying
    def usage_days(self, account_id: str, first_day: str, last_day: str) -> list[DayUsage]:
        days = []
        for item in UsageItem.query(
            account_id, UsageItem.sk.between(USAGE_PREFIX + first_day, USAGE_PREFIX + last_day)
        ):
            by_kind = {
                kind: (int(getattr(item, credits.attr_name)), int(getattr(item, creatives.attr_name)))
                for kind, (credits, creatives) in USAGE_ATTRIBUTES.items()
            }
            days.append(DayUsage(item.sk.removeprefix(USAGE_PREFIX), by_kind))
        return days

    @classifying
    def notices(self, account_id: str, limit: int) -> list[Notice]:
        items = NoticeItem.query(
            account_id, NoticeItem.sk.startswith(NOTICE_PREFIX), scan_index_forward=False, limit=limit
        )
        return [notice_from_item(item) for item in items]

    @classifying
    def get_payment(self, account_id: str, payment_id: str) -> Payment | None:
        try:
            return payment_from_item(
                PaymentItem.get(account_id, PAYMENT_PREFIX + payment_id, consistent_read=True)
            )
        except PaymentItem.DoesNotExist:
            return None

    @classifying
    def payment_for_key(self, account_id: str, key: str) -> Payment | None:
        try:
            pointer = PaymentKeyItem.get(account_id, PAYMENT_KEY_PREFIX + key, consistent_read=True)
        except PaymentKeyItem.DoesNotExist:
            return None
        return self.get_payment(account_id, pointer.payment_id)

    @classifying
    def payments_page(
        self, account_id: str, limit: int, after_payment_id: str | None
    ) -> tuple[list[Payment], str | None]:
        """Newest first: up to `limit`, and the id to continue after (None at the end)."""
        after = None if after_payment_id is None else PAYMENT_PREFIX + after_payment_id
        older = (
            PaymentItem.sk.startswith(PAYMENT_PREFIX)
            if after is None
            else PaymentItem.sk.between(PAYMENT_PREFIX, after)
        )
        # `between` includes the bound: one more read for it, then it is left out.
        results = PaymentItem.query(account_id, older, scan_index_forward=False, limit=limit + 2)
        payments = [payment_from_item(item) for item in results if item.sk != after][: limit + 1]
        if len(payments) > limit:
            return payments[:limit], payments[limit - 1].id
        return payments, None

    def due_for_refresh(self, now: datetime) -> Iterator[str]:
        return classified(due.due_for_refresh(now, self.index_shards))

    def due_for_notices(self, now: datetime) -> Iterator[str]:
        return classified(due.due_for_notices(now, self.index_shards))

    def due_for_sweep(self, now: datetime) -> Iterator[str]:
        return classified(due.due_for_sweep(now, self.index_shards))

    @classifying
    def claim_notice(self, account_id: str, notice_id: str, now: datetime) -> Notice | None:
        return due.claim_notice(account_id, notice_id, now)

    @classifying
    def unclaim_notice(self, account_id: str, notice_id: str, claimed_at: datetime) -> None:
        due.unclaim_notice(account_id, notice_id, claimed_at)

    @classifying
    def commit(self, change: Change) -> Account:
        account = change.account
        read_version = account.version
        transaction = LabelledTransaction(self._connection)
        condition: Condition = (
            AccountModel.account_id.does_not_exist()
            if change.creates_account
            else AccountModel.version == read_version
        )
        transaction.put(ACCOUNT, account_to_item(account, read_version + 1, self.index_shards), condition)
        new_item = LedgerItem.sk.does_not_exist()
        if change.idempotency is not None:
            transaction.put(IDEMPOTENCY, idempotency_to_item(account.id, change.idempotency), new_item)
        if change.refunded_entry_id is not None:
            refund_entry = change.entries[0].id
            marker = refund_marker(account.id, change.refunded_entry_id, refund_entry)
            transaction.put(REFUND, marker, new_item)
        for entry in change.entries:
            transaction.put(f"entry {entry.id}", entry_to_item(entry), new_item)
        for reservation in change.reservations:
            # Made or settled under the account's version condition, which serialises them.
            transaction.put(f"reservation {reservation.id}", reservation_to_item(reservation))
        for hold in change.expired_holds:
            expired = ReservationItem(account.id, RESERVATION_PREFIX + hold.reservation_id)
            status = ReservationItem.status.set(ReservationStatus.EXPIRED.value)
            transaction.update(f"reservation {hold.reservation_id}", expired, [status])
        for notice in change.notices:
            transaction.put(f"notice {notice.id}", notice_to_item(notice), new_item)
        for payment in change.payments:
            transaction.put(f"payment {payment.id}", payment_to_item(payment))
        if change.opens_payment:
            transaction.put(PAYMENT_KEY, payment_key_item(change.payments[0]), new_item)
        if change.event_id is not None:
            transaction.put(EVENT, EventItem(account.id, EVENT_PREFIX + change.event_id), new_item)
        for day, actions in _usage_actions(change.usage).items():
            transaction.update(f"usage {day}", UsageItem(account.id, USAGE_PREFIX + day), actions)
        try:
            transaction.commit()
        except TransactionCanceled as canceled:
            raise _conflict(change, canceled.failed) from canceled
        except TransactionConflicted as conflicted:
            raise VersionConflict() from conflicted
        return replace(account, version=read_version + 1)


def _ulid_bound(moment: datetime, fill: str) -> str:
    """The smallest ("0") or largest ("Z") ULID of `moment`'s millisecond."""
    return str(ULID.from_datetime(moment))[:10] + fill * 16


def _conflict(change: Change, failed: set[str]) -> Exception:
    if IDEMPOTENCY in failed and change.idempotency is not None:
        return IdempotencyKeyUsed(change.idempotency.key)
    if REFUND in failed:
        return AlreadyRefunded()
    if PAYMENT_KEY in failed:
        return PaymentKeyUsed()
    if EVENT in failed:
        return EventAlreadyHandled()
    if ACCOUNT in failed:
        return AccountExists() if change.creates_account else VersionConflict()
    return RuntimeError(f"a ledger item already exists: {', '.join(sorted(failed))}")


def _usage_actions(increments: tuple[UsageIncrement, ...]) -> dict[str, list[Any]]:
    """ADD actions per day: one update an item, as a transaction may touch an item only once."""
    totals: dict[str, dict[CreativeKind, tuple[int, int]]] = {}
    for increment in increments:
        of_day = totals.setdefault(increment.day, {})
        credits, creatives = of_day.get(increment.kind, (0, 0))
        of_day[increment.kind] = (credits + increment.credits, creatives + increment.creatives)
    actions: dict[str, list[Any]] = {}
    for day, by_kind in totals.items():
        actions[day] = [LedgerItem.item_type.set(UsageItem)]
        for kind, (credits, creatives) in by_kind.items():
            credits_attribute, creatives_attribute = USAGE_ATTRIBUTES[kind]
            actions[day] += [credits_attribute.add(credits), creatives_attribute.add(creatives)]
    return actions
