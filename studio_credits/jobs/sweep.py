"""Store the release of reservations nobody settled before they expired: status EXPIRED, a RELEASE
entry each, exactly once. Every request already counts such a hold for nothing (domain/as_of.py):
the sweeper only stores what the next request would have done."""

from studio_credits.jobs.each_due import JobReport, RemainingMillis, for_each_due, store_as_of
from studio_credits.service.ports import Services


def run_sweep(services: Services, remaining_ms: RemainingMillis | None = None) -> JobReport:
    now = services.clock.now()
    report = JobReport("sweep", now, done_label="swept", item_label="released")
    return for_each_due(
        report,
        services.repository.due_for_sweep(now),
        lambda account_id: sweep(services, account_id),
        remaining_ms,
    )


def sweep(services: Services, account_id: str) -> int:
    """Store the account as of now: the holds it released (0: another run got there first)."""
    return store_as_of(services, account_id, lambda committed: len(committed.expired_holds)) or 0
