"""What a committed change moved, counted: credits by movement, creative kind and plan, and the
notices it recorded. Every write commits through `execute`, so each credit is counted once."""

from studio_credits.domain.change import Change
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.reservations import ReservationStatus
from studio_credits.telemetry import Metrics

SPENT_OR_GIVEN = {
    EntryKind.CONSUME: "Consumed",
    EntryKind.CAPTURE: "Captured",
    EntryKind.REFUND: "Refunded",
    EntryKind.GRANT: "Granted",
}
"""Entries whose amount is the credits moved (RESERVE and RELEASE entries are 0: a hold's credits
are in its reservation)."""


def count_committed(metrics: Metrics, change: Change) -> None:
    plan = change.account.plan_id
    for entry in change.entries:
        movement = SPENT_OR_GIVEN.get(entry.kind)
        if movement is not None and entry.amount:
            kind = None if entry.creative is None else entry.creative.kind.value
            metrics.credits_moved(movement, abs(entry.amount), kind, plan)
    for reservation in change.reservations:
        kind = reservation.creative.kind.value
        if reservation.status is ReservationStatus.HELD:
            metrics.credits_moved("Reserved", reservation.credits, kind, plan)
        elif reservation.status is ReservationStatus.CAPTURED:
            if reservation.credits > reservation.captured:
                metrics.credits_moved("Released", reservation.credits - reservation.captured, kind, plan)
        else:
            metrics.credits_moved("Released", reservation.credits, kind, plan)
    for hold in change.expired_holds:
        kind = None if hold.creative is None else hold.creative.kind.value
        metrics.credits_moved("Released", hold.credits, kind, plan)
    if change.notices:
        metrics.notices_recorded(len(change.notices))
