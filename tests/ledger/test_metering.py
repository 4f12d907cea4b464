"""What the use cases count through the metrics port: every credit a committed change moves, once,
by movement, creative kind and plan; a lost race; and each ledger entry names its request."""

from dataclasses import dataclass, replace

from studio_credits.domain.account import Account
from studio_credits.domain.change import Change
from studio_credits.domain.ids import public_id
from studio_credits.domain.lots import LotSource
from studio_credits.service import ledger
from studio_credits.service.ports import Services, VersionConflict
from studio_credits.telemetry import ConflictCount
from tests.support.accounts import ADMIN, SERVICE
from tests.support.ledger import image, recorded
from tests.support.memory_repository import MemoryRepository
from tests.support.telemetry import RecordingMetrics


def test_each_credit_moved_is_counted_once_by_movement_kind_and_plan(
    services: Services, account: Account
) -> None:
    metrics = RecordingMetrics()
    counted = replace(services, metrics=metrics)

    spent = recorded(ledger.consume(counted, SERVICE, account.id, image(2), "job-1", "k1"))
    ledger.consume(counted, SERVICE, account.id, image(2), "job-1", "k1")  # a retry moves nothing
    held = recorded(ledger.reserve(counted, SERVICE, account.id, image(3), "job-2", 600, "k2"))
    assert held.reservation is not None and spent.entry is not None
    recorded(ledger.capture(counted, SERVICE, public_id(account.id, held.reservation.id), 2))
    recorded(ledger.refund(counted, SERVICE, public_id(account.id, spent.entry.id), 4, "one failed", "k3"))
    recorded(ledger.grant(counted, ADMIN, account.id, 500, LotSource.PROMO, None, "welcome back", "k4"))

    # 1080p images at 4 credits each: 2 spent, 3 held of which 2 delivered.
    assert metrics.credits == [
        ("Consumed", 8, "IMAGE", "pro"),
        ("Reserved", 12, "IMAGE", "pro"),
        ("Captured", 8, "IMAGE", "pro"),
        ("Released", 4, "IMAGE", "pro"),
        ("Refunded", 4, "IMAGE", "pro"),
        ("Granted", 500, None, "pro"),
    ]
    assert metrics.conflicts == 0


@dataclass
class LosesTheFirstRace(MemoryRepository):
    lost: bool = False

    def commit(self, change: Change) -> Account:
        if not self.lost:
            self.lost = True
            raise VersionConflict
        return super().commit(change)


def test_a_lost_race_is_counted_and_the_entries_name_the_request(
    services: Services, account: Account
) -> None:
    racing = LosesTheFirstRace()
    racing.__dict__.update(services.repository.__dict__)  # the same accounts and ledger
    metrics = RecordingMetrics()
    request = replace(services, repository=racing, metrics=metrics, correlation_id="req-42")

    spent = recorded(ledger.consume(request, SERVICE, account.id, image(), "job-1", "k1"))

    assert metrics.conflicts == 1
    assert metrics.credits == [("Consumed", 4, "IMAGE", "pro")]  # counted once, when committed
    assert spent.entry is not None
    stored = racing.get_entry(account.id, spent.entry.id)
    assert stored is not None and stored.correlation_id == "req-42"


def test_the_local_server_counts_the_races_its_writes_lost(services: Services, account: Account) -> None:
    racing = LosesTheFirstRace()
    racing.__dict__.update(services.repository.__dict__)
    count = ConflictCount()
    local = replace(services, repository=racing, metrics=count)

    recorded(ledger.consume(local, SERVICE, account.id, image(), "job-1", "k1"))
    recorded(ledger.consume(local, SERVICE, account.id, image(), "job-2", "k2"))

    assert count.version_conflicts == 1
