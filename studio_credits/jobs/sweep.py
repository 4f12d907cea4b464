"""Release reservations nobody settled before they expired: status EXPIRED, a RELEASE entry, exactly once."""

from datetime import datetime

from studio_credits.domain.account import Account
from studio_credits.domain.reservations import ReservationStatus
from studio_credits.domain.spending import NotHeld, release
from studio_credits.jobs.each_due import JobReport, RemainingMillis, apply, for_each_due
from studio_credits.service.execution import Decision, Planned, Refused
from studio_credits.service.ports import Services

ACTOR = "sweeper"
REASON = "not captured or released before it expired"


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
    """Release the account's expired holds, one change each (a hold gone means another run took it)."""
    released = 0
    while apply(services, account_id, lambda account, now: _release_first(services, account, now)):
        released += 1
    return released


def _release_first(services: Services, account: Account, now: datetime) -> Decision[str, str | NotHeld]:
    expired = sorted((hold for hold in account.holds if hold.expires_at <= now), key=lambda h: h.expires_at)
    if not expired:
        return Refused("no expired hold")
    reservation = services.repository.get_reservation(account.id, expired[0].reservation_id)
    if reservation is None:
        raise LookupError(f"the hold {expired[0].reservation_id} of {account.id} has no reservation")
    released = release(account, reservation, REASON, ACTOR, now, status=ReservationStatus.EXPIRED)
    if isinstance(released, NotHeld):
        return Refused(released)
    return Planned(released.change, reservation.id, lambda _: reservation.id)
