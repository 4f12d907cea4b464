"""Creates the tables where they are missing: for the local server and tests."""

from studio_credits.store.models import AccountModel, LedgerItem


def create_tables() -> None:
    for model in (AccountModel, LedgerItem):
        if not model.exists():
            model.create_table(wait=True)
