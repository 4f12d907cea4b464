"""Refresh every account whose period has ended: one atomic change each, under the version read."""

from datetime import datetime

from studio_credits.domain.account import Account
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.refresh import refresh_due
from studio_credits.jobs.each_due import JobReport, RemainingMillis, apply, for_each_due
from studio_credits.service.execution import Decision, Planned, Refused
from studio_credits.service.ports import Services
from studio_credits.store.due import due_for_refresh


def run_refresh(services: Services, shards: int, remaining_ms: RemainingMillis | None = None) -> JobReport:
    now = services.clock.now()
    report = JobReport("refresh", now, done_label="refreshed", item_label="periods")
    return for_each_due(
        report, due_for_refresh(now, shards), lambda account_id: refresh(services, account_id), remaining_ms
    )


def refresh(services: Services, account_id: str) -> int:
    """Bring one account up to date; the number of periods granted (0: already up to date)."""
    return apply(services, account_id, _decide) or 0


def _decide(account: Account, now: datetime) -> Decision[int]:
    change = refresh_due(account, now)
    if change is None:
        return Refused("no refresh due")
    grants = sum(1 for entry in change.entries if entry.kind is EntryKind.GRANT)
    return Planned(change, change.entries[-1].id, lambda _: grants)
