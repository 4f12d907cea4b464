"""Which DynamoDB tables the models use, and creating them where they are missing (local server, tests)."""

from dataclasses import dataclass

from pynamodb.models import Model

from studio_credits.store.models import AccountModel, LedgerItem


@dataclass(frozen=True)
class Tables:
    accounts: str
    ledger: str
    region: str
    endpoint: str | None
    """Another DynamoDB than the region's (moto's, DynamoDB Local); None: AWS."""


def bind_tables(tables: Tables) -> None:
    """Point the models at `tables`. PynamoDB keeps this on the model classes, so it holds for the
    whole process: the bootstrap calls it once, before anything reads or writes."""
    for model, name in ((AccountModel, tables.accounts), (LedgerItem, tables.ledger)):
        model.Meta.table_name = name
        model.Meta.region = tables.region
        model.Meta.host = tables.endpoint
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
