"""The refresh job: due accounts, once each, bounded by the time left; the Lambda handler on moto."""

import json
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from functions.refresh import handler
from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.payments import PaymentPurpose
from studio_credits.jobs.each_due import STOP_WITH_MS_LEFT
from studio_credits.jobs.refresh import run_refresh
from studio_credits.service.ports import Services
from tests.support.accounts import person, subscribe
from tests.support.ledger import checked_ledger
from tests.support.memory_repository import MemoryRepository
from tests.support.telemetry import captured_output

ANCHOR = datetime(2026, 1, 15, 10, 0, tzinfo=UTC)
EVENT = json.loads((Path(__file__).parent.parent / "events" / "eventbridge_scheduled.json").read_text())


@dataclass
class FakeContext:
    """A Lambda context whose remaining time is given by the test."""

    left: list[int]
    function_name: str = "studio-credits-test-refresh"
    memory_limit_in_mb: int = 512
    invoked_function_arn: str = "arn:aws:lambda:us-east-1:123456789012:function:studio-credits-test-refresh"
    aws_request_id: str = "0f9e8d7c-6b5a-4938-8271-605f4e3d2c1b"

    def get_remaining_time_in_millis(self) -> int:
        return self.left.pop(0) if len(self.left) > 1 else self.left[0]


def open_accounts(services: Services, count: int, anchor: datetime = ANCHOR) -> list[str]:
    """Accounts subscribed to Starter at `anchor`: each with two grants, the free plan's at opening
    and the upgrade's."""
    assert isinstance(services.clock, FixedClock)
    services.clock.at = anchor
    ids = [f"acct-{n:03}" for n in range(count)]
    for account_id in ids:
        subscribe(services, person(account_id), "starter", BillingInterval.MONTHLY)
    return ids


def grants(services: Services, account_id: str) -> int:
    account = services.repository.get(account_id)
    assert account is not None
    return sum(1 for entry in checked_ledger(services.repository, account) if entry.kind is EntryKind.GRANT)


def test_refreshes_only_the_accounts_due_and_a_second_run_finds_nothing(
    services_on_each: Services, clock: FixedClock
) -> None:
    services = services_on_each
    due = open_accounts(services, 5)
    clock.at = ANCHOR + timedelta(days=10)
    subscribe(services, person("later"), "pro", BillingInterval.MONTHLY)
    clock.at = datetime(2026, 2, 16, tzinfo=UTC)

    first = run_refresh(services)
    second = run_refresh(services)

    assert (first.due, first.done, first.skipped, first.failed, first.items) == (5, 5, 0, 0, 5)
    assert (second.due, second.done) == (0, 0)
    assert [grants(services, account_id) for account_id in due] == [3] * 5  # opening, upgrade, refresh
    assert grants(services, "later") == 2  # opening, upgrade: not due yet


def test_concurrent_runs_never_charge_or_grant_twice(services: Services, clock: FixedClock) -> None:
    ids = open_accounts(services, 6)
    clock.at = datetime(2026, 2, 16, tzinfo=UTC)  # each renewal due

    with ThreadPoolExecutor(max_workers=4) as pool:
        reports = list(pool.map(lambda _: run_refresh(services), range(4)))

    assert sum(report.failed for report in reports) == 0
    assert [grants(services, account_id) for account_id in ids] == [3] * 6  # opening, upgrade, renewal
    for account_id in ids:
        payments, _ = services.repository.payments_page(account_id, 10, None)
        renewals = [p.status.value for p in payments if p.purpose is PaymentPurpose.RENEWAL]
        assert renewals == ["SUCCEEDED"]


def test_a_retry_with_the_state_it_read_never_grants_twice(services: Services, clock: FixedClock) -> None:
    from studio_credits.domain.as_of import as_of
    from studio_credits.service.ports import VersionConflict

    open_accounts(services, 1)
    clock.at = datetime(2026, 2, 16, tzinfo=UTC)
    read = services.repository.get("acct-000")
    assert read is not None
    change = as_of(read, clock.at)
    assert change.entries
    services.repository.commit(change)

    with pytest.raises(VersionConflict):
        services.repository.commit(change)  # a run killed after its commit and retried with its old read
    assert grants(services, "acct-000") == 2  # opening, upgrade: the period's own waits for its charge


def test_stops_taking_accounts_when_time_runs_short_and_leaves_them_for_the_next_run(
    services: Services, clock: FixedClock
) -> None:
    open_accounts(services, 6)
    clock.at = datetime(2026, 2, 16, tzinfo=UTC)
    plenty, short = STOP_WITH_MS_LEFT + 60_000, STOP_WITH_MS_LEFT - 1
    context = FakeContext([plenty, plenty, short])

    first = run_refresh(services, context.get_remaining_time_in_millis)
    rest = run_refresh(services)

    assert (first.due, first.done, first.left) == (6, 2, 4)
    assert (rest.due, rest.done, rest.left) == (4, 4, 0)


def test_one_failing_account_does_not_stop_the_others(services: Services, clock: FixedClock) -> None:
    ids = open_accounts(services, 4)
    stored = services.repository
    assert isinstance(stored, MemoryRepository)
    stored.accounts[ids[1]] = replace(stored.accounts[ids[1]], plan_id="no-such-plan")  # a bad item
    clock.at = datetime(2026, 2, 16, tzinfo=UTC)

    report = run_refresh(services)

    assert (report.due, report.done, report.failed) == (4, 3, 1)
    assert [grants(services, account_id) for account_id in (ids[0], ids[2], ids[3])] == [3, 3, 3]


def test_the_lambda_handler_runs_as_of_the_scheduled_event_and_logs_one_json_line(
    dynamo_services: Services,
) -> None:
    open_accounts(dynamo_services, 3)

    with captured_output() as output:
        result = handler(EVENT, FakeContext([600_000]))

    expected = {"job": "refresh", "now": "2026-03-01T00:15:00+00:00", "due": 3, "refreshed": 3}
    assert result.items() >= expected.items()
    [line] = output.logs
    assert line.items() >= {**result, "level": "INFO", "message": "refresh run"}.items()
    assert line["correlation_id"] == EVENT["id"]


def test_an_account_already_up_to_date_is_not_written(services: Services, clock: FixedClock) -> None:
    from studio_credits.jobs.refresh import refresh

    (account_id,) = open_accounts(services, 1)
    before = services.repository.get(account_id)
    clock.at = ANCHOR + timedelta(days=20)

    assert refresh(services, account_id) == 0

    assert services.repository.get(account_id) == before  # the same version: nothing committed
