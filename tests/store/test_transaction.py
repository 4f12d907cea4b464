"""Cancellation reasons come back in PynamoDB's grouped order; the labels must follow it."""

from dataclasses import replace

import pytest

from studio_credits.domain.access import Principal, Role
from studio_credits.domain.change import Change
from studio_credits.domain.idempotency import IdempotencyRecord
from studio_credits.service.accounts import viewer_account
from studio_credits.service.ports import IdempotencyKeyUsed, Services, VersionConflict
from studio_credits.store.models import USAGE_PREFIX, EntryItem, LedgerItem, UsageItem
from studio_credits.store.repository import DynamoRepository
from studio_credits.store.transaction import LabelledTransaction, TransactionCanceled


def entry_item(sk: str, services: Services) -> EntryItem:
    return EntryItem(
        "acct", sk, at=services.clock.now(), kind="GRANT", amount=1, balance_after=1,
        description="d", actor="a", lots=[],
    )  # fmt: skip


def test_a_failed_put_is_named_even_when_an_update_was_added_first(services: Services) -> None:
    entry_item("E#taken", services).save()
    assert isinstance(services.repository, DynamoRepository)
    transaction = LabelledTransaction(services.repository._connection)
    transaction.update(
        "usage", UsageItem("acct", USAGE_PREFIX + "2026-11-24"), [UsageItem.image_credits.add(1)]
    )
    transaction.put("free", entry_item("E#free", services), LedgerItem.sk.does_not_exist())
    transaction.put("taken", entry_item("E#taken", services), LedgerItem.sk.does_not_exist())

    with pytest.raises(TransactionCanceled) as canceled:
        transaction.commit()

    assert canceled.value.failed == {"taken"}


def test_a_used_key_wins_over_a_stale_version(services: Services) -> None:
    account = viewer_account(services, Principal("u", Role.USER))
    record = IdempotencyRecord("key", "consume", "fingerprint", "result", services.clock.now())
    services.repository.commit(Change(account, idempotency=record))

    with pytest.raises(IdempotencyKeyUsed):
        services.repository.commit(Change(account, idempotency=replace(record, fingerprint="other")))
    with pytest.raises(VersionConflict):
        services.repository.commit(Change(account))
