"""The sweeper: reservations past their expiry are released once, with status EXPIRED."""

from datetime import timedelta

from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.reservations import ReservationStatus
from studio_credits.domain.spending import LedgerWrite, reserve
from studio_credits.jobs.sweep import run_sweep
from studio_credits.service.ports import Services
from tests.support.accounts import person, subscribe
from tests.support.ledger import checked_ledger

IMAGE = Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_2K, outputs=2)


def test_expired_reservations_are_released_once_and_live_ones_stay(
    services_on_each: Services, clock: FixedClock
) -> None:
    services = services_on_each
    account = subscribe(services, person("a"), "starter", BillingInterval.MONTHLY)  # 100 + 900 credits
    reservations = []
    for job, ttl in (("short-1", 5), ("short-2", 10), ("long", 60)):
        held = reserve(account, IMAGE, job, timedelta(minutes=ttl), "service", clock.at)
        assert isinstance(held, LedgerWrite) and held.reservation is not None
        account = services.repository.commit(held.change)
        reservations.append(held.reservation)
    clock.at += timedelta(minutes=15)

    first = run_sweep(services)
    second = run_sweep(services)

    assert (first.due, first.done, first.items) == (1, 1, 2)
    assert (second.due, second.items) == (0, 0)
    statuses = [services.repository.get_reservation("a", r.id) for r in reservations]
    assert [r.status if r else None for r in statuses] == [
        ReservationStatus.EXPIRED,
        ReservationStatus.EXPIRED,
        ReservationStatus.HELD,
    ]
    swept = services.repository.get("a")
    assert swept is not None and swept.reserved == 16 and swept.available == 1_000 - 16
    made = checked_ledger(services.repository, swept)
    assert [e.kind for e in made].count(EntryKind.RELEASE) == 2
