"""Which DynamoDB tables the models use, and creating them where they are missing (local server, tests)."""

from dataclasses import dataclass

from pynamodb.connection import Connection
from pynamodb.models import Model

from studio_credits.store.models import AccountModel, LedgerItem

BOTOCORE_RETRIES = 0
"""Each DynamoDB call is made once: the service's RetryPolicy is the one retry budget, and a write
that timed out is read again (its outcome unknown), never sent again blindly."""


@dataclass(frozen=True)
class Tables:
    accounts: str
    ledger: str
    region: str
    endpoint: str | None
    """Another DynamoDB than the region's (moto's, DynamoDB Local); None: AWS."""
    connect_timeout_seconds: float
    read_timeout_seconds: float
    """How long one DynamoDB call may wait for its answer."""

    def connection(self) -> Connection:
        return Connection(
            region=self.region,
            host=self.endpoint,
            connect_timeout_seconds=self.connect_timeout_seconds,
            read_timeout_seconds=self.read_timeout_seconds,
            max_retry_attempts=BOTOCORE_RETRIES,
        )


def bind_tables(tables: Tables) -> None:
    """Point the models at `tables`. PynamoDB keeps this on the model classes, so it holds for the
    whole process: the bootstrap calls it once, before anything reads or writes."""
    for model, name in ((AccountModel, tables.accounts), (LedgerItem, tables.ledger)):
        model.Meta.table_name = name
        model.Meta.region = tables.region
        model.Meta.host = tables.endpoint
        model.Meta.connect_timeout_seconds = tables.connect_timeout_seconds
        model.Meta.read_timeout_seconds = tables.read_timeout_seconds
        model.Meta.max_retry_attempts = BOTOCORE_RETRIES
        for cls in with_subclasses(model):
            cls._connection = None  # made again from the Meta above at the next call


def create_tables() -> None:
    for model in (AccountModel, LedgerItem):
        if not model.exists():
            model.create_table(wait=True)


def with_subclasses(model: type[Model]) -> list[type[Model]]:
    """The model and every model derived from it: each keeps a connection of its own."""
    found = [model]
    for subclass in model.__subclasses__():
        found += with_subclasses(subclass)
    return found
