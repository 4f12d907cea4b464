"""Loads accounts and commits changes: each change is one TransactWriteItems."""

from collections.abc import Iterator
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.transactions import TransactWrite

from studio_credits.domain.account import Account
from studio_credits.domain.change import Change
from studio_credits.service.ports import AccountExists, VersionConflict
from studio_credits.store.mapping import account_from_item, account_to_item, entry_to_item
from studio_credits.store.models import AccountModel, EntryItem, LedgerItem


@dataclass
class DynamoRepository:
    index_shards: int

    @cached_property
    def _connection(self) -> Connection:
        return Connection(region=AccountModel.Meta.region, host=AccountModel.Meta.host)

    def clients(self) -> Iterator[Any]:
        """The botocore clients this repository calls through (for counting calls)."""
        yield AccountModel._get_connection().connection.client
        yield LedgerItem._get_connection().connection.client
        yield self._connection.client

    def get(self, account_id: str) -> Account | None:
        try:
            return account_from_item(AccountModel.get(account_id, consistent_read=True))
        except AccountModel.DoesNotExist:
            return None

    def commit(self, change: Change) -> Account:
        read_version = change.account.version
        item = account_to_item(change.account, read_version + 1, self.index_shards)
        account_condition: Condition = (
            AccountModel.account_id.does_not_exist()
            if change.creates_account
            else AccountModel.version == read_version
        )
        try:
            with TransactWrite(connection=self._connection) as transaction:
                # The account is the first Put, so its cancellation reason comes first.
                transaction.save(item, condition=account_condition)
                for entry in change.entries:
                    transaction.save(entry_to_item(entry), condition=EntryItem.sk.does_not_exist())
        except TransactWriteError as error:
            reasons = error.cancellation_reasons
            if reasons and reasons[0] is not None and reasons[0].code == "ConditionalCheckFailed":
                raise (AccountExists if change.creates_account else VersionConflict)() from error
            raise
        return replace(change.account, version=read_version + 1)
