"""The loop every job shares: each due account on its own, within the time the run has left."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime

from studio_credits.domain.account import Account
from studio_credits.domain.change import Change
from studio_credits.service.execution import Decision, Planned, Refusal, Refused, Result, execute
from studio_credits.service.ports import Services
from studio_credits.telemetry.logs import logger

STOP_WITH_MS_LEFT = 15_000
"""Take no new account with less time than this left: one account's work fits in it with room to spare."""

RemainingMillis = Callable[[], int]


@dataclass
class JobReport:
    job: str
    now: datetime
    done_label: str
    """What `done` counts, in the log line: refreshed, notified, swept."""
    item_label: str
    """What `items` counts: periods granted, emails sent, reservations released."""
    due: int = 0
    done: int = 0
    skipped: int = 0
    """Due when queried but with nothing to do when read: another run (or a retry) got there first."""
    failed: int = 0
    left: int = 0
    """Not taken because the run's time ran short: the next run picks them up."""
    items: int = 0

    def counts(self) -> dict[str, int]:
        return {
            "due": self.due,
            self.done_label: self.done,
            "skipped": self.skipped,
            "failed": self.failed,
            "left": self.left,
            self.item_label: self.items,
        }

    def as_log(self) -> dict[str, object]:
        return {"job": self.job, "now": self.now.isoformat(), **self.counts()}


def for_each_due(
    report: JobReport,
    account_ids: Iterable[str],
    handle: Callable[[str], int],
    remaining_ms: RemainingMillis | None,
) -> JobReport:
    """`handle` does one account's work in its own atomic change(s) and says how many items it did."""
    due = list(account_ids)
    report.due = len(due)
    for position, account_id in enumerate(due):
        if remaining_ms is not None and remaining_ms() < STOP_WITH_MS_LEFT:
            report.left = len(due) - position
            break
        try:
            items = handle(account_id)
        except Exception:
            report.failed += 1
            logger.exception(
                f"{report.job}: account {account_id} failed",
                extra={"job": report.job, "account_id": account_id},
            )
            continue
        report.items += items
        if items:
            report.done += 1
        else:
            report.skipped += 1
    logger.info(f"{report.job} run", extra=report.as_log())
    return report


def apply(
    services: Services, account_id: str, decide: Callable[[Account, datetime], Decision[Result, Refusal]]
) -> Result | None:
    """One change to a fresh read of the account, retried on a lost race; None if `decide` refused."""
    outcome = execute(services, account_id, decide)
    return None if isinstance(outcome, Refused) else outcome


def store_as_of[T](services: Services, account_id: str, counted: Callable[[Change], T]) -> T | None:
    """Store the account as of now (domain/as_of.py), and what `counted` finds in the committed change
    (None: no such account).

    `execute` brings the account up to date before deciding, so storing it is the whole job.
    """
    return apply(services, account_id, lambda account, _: Planned(Change(account), account.id, counted))
