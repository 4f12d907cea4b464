"""A TransactWriteItems whose cancellation reasons are told by name.

PynamoDB sends the items grouped by operation (condition checks, deletes, puts,
updates), not in the order they were added, and DynamoDB's cancellation reasons
follow the order sent. This keeps the same grouping for the labels, so a failed
condition is reported against the item that carried it.

A transaction DynamoDB canceled because another one was changing one of its items at the same
time (`TransactionConflict`) is a lost race, as a failed version condition is.
"""

from collections.abc import Sequence
from typing import Any

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.expressions.condition import Condition
from pynamodb.expressions.update import Action
from pynamodb.models import Model
from pynamodb.transactions import TransactWrite

_GROUPS = ("condition_check", "delete", "put", "update")
TRANSACTION_CONFLICT = "TransactionConflict"


class TransactionCanceled(Exception):
    def __init__(self, failed: set[str], reasons: list[str]) -> None:
        super().__init__(f"transaction canceled: {', '.join(sorted(failed)) or '; '.join(reasons)}")
        self.failed = failed
        """Labels of the items whose condition failed."""


class TransactionConflicted(Exception):
    """Another transaction was changing one of the items: nothing was written."""


class LabelledTransaction:
    def __init__(self, connection: Connection) -> None:
        self._transaction = TransactWrite(connection=connection)
        self._labels: dict[str, list[str]] = {group: [] for group in _GROUPS}

    def put(self, label: str, item: Model, condition: Condition | None = None) -> None:
        self._transaction.save(item, condition=condition)
        self._labels["put"].append(label)

    def update(self, label: str, item: Model, actions: Sequence[Action]) -> None:
        self._transaction.update(item, list(actions))
        self._labels["update"].append(label)

    def commit(self) -> Any:
        try:
            return self._transaction._commit()
        except TransactWriteError as error:
            reasons = error.cancellation_reasons
            if not reasons:
                raise
            labels = [label for group in _GROUPS for label in self._labels[group]]
            failed = {
                label
                for label, reason in zip(labels, reasons, strict=False)
                if reason is not None and reason.code == "ConditionalCheckFailed"
            }
            codes = [reason.code for reason in reasons if reason is not None and reason.code != "None"]
            if failed:
                raise TransactionCanceled(failed, codes) from error
            if TRANSACTION_CONFLICT in codes:
                raise TransactionConflicted(*codes) from error
            raise
