"""Refresh every account whose period has ended: one atomic change each, under the version read."""

from studio_credits.domain.change import Change
from studio_credits.domain.ledger import EntryKind
from studio_credits.jobs.each_due import JobReport, RemainingMillis, for_each_due, store_as_of
from studio_credits.service.ports import Services


def run_refresh(services: Services, remaining_ms: RemainingMillis | None = None) -> JobReport:
    now = services.clock.now()
    report = JobReport("refresh", now, done_label="refreshed", item_label="periods")
    return for_each_due(
        report,
        services.repository.due_for_refresh(now),
        lambda account_id: refresh(services, account_id),
        remaining_ms,
    )


def refresh(services: Services, account_id: str) -> int:
    """Store the account as of now: the number of periods granted (0: up to date)."""
    return store_as_of(services, account_id, _periods_granted)


def _periods_granted(committed: Change) -> int:
    return sum(1 for entry in committed.entries if entry.kind is EntryKind.GRANT)
