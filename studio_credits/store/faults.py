"""Which DynamoDB failures say nothing about the request: the store's weather, told to the service as
StoreUnavailable so it may try again (service/retry.py). Every other failure is raised as it is.

Transient: throttling (of the table or the account), DynamoDB's own errors (HTTP 5xx), a call
that got no answer (a timeout or a dropped connection: for a write, stored or not is unknown), and a
transaction canceled only because of throttling. Each call is made once (store/tables.py: botocore
does not retry), so the service's policy is the one retry budget.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from botocore.exceptions import HTTPClientError
from pynamodb.exceptions import PynamoDBException

from studio_credits.service.ports import StoreUnavailable

TRANSIENT = frozenset(
    {
        "ProvisionedThroughputExceededException",
        "ThrottlingException",
        "RequestLimitExceeded",
        "InternalServerError",
        "ServiceUnavailable",
    }
)
"""Error codes of throttling (of a table, a partition, the account) and of DynamoDB's own failures."""
THROTTLED_IN_TRANSACTION = frozenset({"ThrottlingError", "ProvisionedThroughputExceeded"})
"""Cancellation reasons of a TransactWriteItems that say an item's partition was throttled."""
TRANSACTION_CANCELED = "TransactionCanceledException"


def is_transient(error: PynamoDBException) -> bool:
    cause = error.cause
    if isinstance(cause, HTTPClientError):
        return True
    code = error.cause_response_code
    if code == TRANSACTION_CANCELED:
        codes = {reason.code for reason in getattr(error, "cancellation_reasons", []) if reason is not None}
        return bool(codes & THROTTLED_IN_TRANSACTION) and "ConditionalCheckFailed" not in codes
    return code in TRANSIENT


@contextmanager
def store_faults() -> Iterator[None]:
    """Transient failures of the DynamoDB calls made inside, as StoreUnavailable."""
    try:
        yield
    except PynamoDBException as error:
        if is_transient(error):
            raise StoreUnavailable from error
        raise


def classified[Item](items: Iterator[Item]) -> Iterator[Item]:
    """A lazy query's items, its transient failures as StoreUnavailable."""
    with store_faults():
        yield from items


def classifying[**Params, Returned](call: Callable[Params, Returned]) -> Callable[Params, Returned]:
    """`call`, its transient DynamoDB failures as StoreUnavailable."""

    @functools.wraps(call)
    def classifying_call(*args: Params.args, **kwargs: Params.kwargs) -> Returned:
        with store_faults():
            return call(*args, **kwargs)

    return classifying_call
