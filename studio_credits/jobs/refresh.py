"""Refresh every account whose period has ended, and charge the auto top-ups whose charge after their
spend got no answer: one atomic change each, under the version read."""

from studio_credits.domain.change import Change
from studio_credits.domain.ledger import EntryKind
from studio_credits.jobs.each_due import JobReport, RemainingMillis, apply, for_each_due
from studio_credits.service.auto_top_ups import charge_waiting_top_up
from studio_credits.service.execution import Planned
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
    """Store the account as of now, then charge an auto top-up left waiting for its charge: the number
    of periods granted (0: up to date)."""
    stored = apply(services, account_id, lambda account, _: Planned(Change(account), account.id, lambda c: c))
    if stored is None:
        return 0
    charge_waiting_top_up(services, stored.account)
    return _periods_granted(stored)


def _periods_granted(committed: Change) -> int:
    return sum(1 for entry in committed.entries if entry.kind is EntryKind.GRANT)
