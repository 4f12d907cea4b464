"""Refresh benchmark on moto: DynamoDB calls per refreshed account and accounts per second,
for a few due accounts among many, to show the cost follows the accounts due, not the table.

    .venv/bin/python bench/refresh.py [--accounts 100000] [--due 10000 1000]

moto's TransactWriteItems deep-copies every table it writes (to roll back on failure), which makes
each transaction cost time in proportion to the table; the bench skips that copy (nothing fails
here) so accounts/s measure this code and moto's per-call work. The calls per refreshed account
are the figure that carries over to DynamoDB.
"""

import argparse
import os
import sys
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

os.environ.update(
    {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench", "AWS_DEFAULT_REGION": "us-east-1"}
)
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from moto import mock_aws

from studio_credits.bootstrap import bootstrap
from studio_credits.domain.account import open_account
from studio_credits.domain.clock import FixedClock
from studio_credits.jobs.refresh import run_refresh
from studio_credits.settings import Settings
from studio_credits.store.mapping import account_to_item
from studio_credits.store.models import AccountModel
from studio_credits.store.repository import DynamoRepository
from studio_credits.store.tables import create_tables

NOW = datetime(2026, 6, 1, tzinfo=UTC)


def skip_moto_transaction_backups() -> None:
    import copy
    from types import SimpleNamespace
    from typing import Any

    import moto.dynamodb.models as backend
    from moto.dynamodb.models.table import Table

    def deepcopy(value: Any, memo: Any = None) -> Any:
        return value if isinstance(value, Table) else copy.deepcopy(value, memo)

    backend.copy = SimpleNamespace(deepcopy=deepcopy)  # type: ignore[assignment,attr-defined]


def write_accounts(total: int, due: int, shards: int) -> None:
    """`due` accounts whose period ended an hour ago, the rest mid-period; in batches of 25."""
    with AccountModel.batch_write() as batch:
        for n in range(total):
            anchor = NOW - timedelta(days=31, hours=1) if n < due else NOW - timedelta(days=10 + n % 15)
            account, _ = open_account(f"bench-{n:06}", None, anchor)
            batch.save(account_to_item(replace(account, notices_checked_at=NOW), 1, shards))


def count_calls(repository: DynamoRepository) -> list[int]:
    calls = [0]
    seen = set()
    for client in repository.clients():
        if id(client) not in seen:
            seen.add(id(client))
            client.meta.events.register(
                "before-call.dynamodb", lambda **_: calls.__setitem__(0, calls[0] + 1)
            )
    return calls


def run(total: int, due: int) -> None:
    settings = Settings.from_environment()
    shards = settings.index_shards
    with mock_aws():
        services = bootstrap(settings, clock=FixedClock(NOW))
        create_tables()
        started = time.perf_counter()
        write_accounts(total, due, shards)
        setup = time.perf_counter() - started
        assert isinstance(services.repository, DynamoRepository)
        calls = count_calls(services.repository)
        started = time.perf_counter()
        report = run_refresh(services)
        elapsed = time.perf_counter() - started
    refreshed = max(report.done, 1)
    print(
        f"{due:>7,} due among {total:>7,}: refreshed {report.done:,} in {elapsed:.1f} s "
        f"({report.done / elapsed:,.0f} accounts/s on moto), {calls[0]:,} DynamoDB calls = "
        f"{calls[0] / refreshed:.2f} per refreshed account (set-up {setup:.0f} s)",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--due", type=int, nargs="+", default=[10_000, 1_000])
    args = parser.parse_args()
    skip_moto_transaction_backups()
    for due in args.due:
        run(args.accounts, due)


if __name__ == "__main__":
    main()
