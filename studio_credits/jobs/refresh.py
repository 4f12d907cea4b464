"""Refresh every account whose period has ended or whose renewal waits on a charge, and charge the
auto top-ups whose charge after their spend got no answer.

Per account: one atomic change stores it as of now (a boundary crossed, a lapsed plan ended);
then an auto top-up left waiting is charged; then, if its renewal is due, the charge due now is
made (or the one in flight asked about) and its outcome settled; the notices that recorded
(renewal paid, payment failed) are emailed at once.
"""

from contextlib import suppress

from studio_credits.domain.change import Change
from studio_credits.domain.ledger import EntryKind
from studio_credits.jobs.each_due import JobReport, RemainingMillis, for_each_due, store_as_of
from studio_credits.jobs.notices import NoticesNotSent, notify
from studio_credits.service.auto_top_ups import charge_waiting_top_up
from studio_credits.service.ports import Services
from studio_credits.service.renewals import charge_due_renewal


def run_refresh(services: Services, remaining_ms: RemainingMillis | None = None) -> JobReport:
    now = services.clock.now()
    report = JobReport("refresh", now, done_label="refreshed", item_label="periods_and_charges")
    return for_each_due(
        report,
        services.repository.due_for_refresh(now),
        lambda account_id: refresh(services, account_id),
        remaining_ms,
    )


def refresh(services: Services, account_id: str) -> int:
    """Store the account as of now, charge an auto top-up left waiting for its charge, and charge its
    renewal if due: the periods granted and renewal charges made or asked about (0: nothing to do)."""
    stored = store_as_of(services, account_id, lambda committed: committed)
    if stored is None:
        return 0
    charge_waiting_top_up(services, stored.account)
    done = _periods_granted(stored)
    if stored.account.renewal is not None and charge_due_renewal(services, stored.account):
        done += 1
        account = services.repository.get(account_id)
        if account is not None and account.unsent_notices:
            with suppress(NoticesNotSent):  # recorded: the notices job's next run emails them
                notify(services, account_id)
    return done


def _periods_granted(committed: Change) -> int:
    return sum(1 for entry in committed.entries if entry.kind is EntryKind.GRANT)
