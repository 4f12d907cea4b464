"""Accounts in a given state for the jobs' tests, and the ledger checks every test repeats."""

from dataclasses import replace
from datetime import datetime

from studio_credits.domain.account import Account, open_account
from studio_credits.domain.catalogue import BillingInterval, plan_by_id
from studio_credits.domain.change import Change
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import Lot, LotMovement, LotSource
from studio_credits.service.ports import Services
from studio_credits.store.mapping import entry_from_item
from studio_credits.store.models import ENTRY_PREFIX, EntryItem


def subscribed(
    account_id: str, plan_id: str, interval: BillingInterval, anchor: datetime, email: str | None = None
) -> tuple[Account, LedgerEntry]:
    """An account anchored at `anchor` on the plan, holding its first period's PLAN lot, and that grant."""
    free, _ = open_account(account_id, email, anchor)
    plan = plan_by_id(plan_id)
    end = free.current_period.end
    lot = Lot(f"plan-{account_id}-0", LotSource.PLAN, plan.monthly_credits, plan.monthly_credits, end, anchor)
    account = replace(free, plan_id=plan.id, interval=interval, lots=(lot,), period_granted=lot.granted)
    grant = LedgerEntry(
        id=f"00{anchor:%Y%m%d%H%M%S}",
        account_id=account_id,
        at=anchor,
        kind=EntryKind.GRANT,
        amount=lot.granted,
        balance_after=lot.granted,
        description="first grant",
        actor="test",
        lots=(LotMovement(lot.id, lot.source, lot.granted),),
    )
    return account, grant


def store_new(services: Services, account: Account, grant: LedgerEntry) -> Account:
    return services.repository.commit(Change(account, (grant,), creates_account=True))


def entries(account_id: str) -> list[LedgerEntry]:
    return [
        entry_from_item(item) for item in EntryItem.query(account_id, EntryItem.sk.startswith(ENTRY_PREFIX))
    ]


def assert_ledger_agrees(account: Account) -> list[LedgerEntry]:
    """The balance is the sum of the entries; each lot is the sum of its movements; the chain holds."""
    made = entries(account.id)
    assert sum(entry.amount for entry in made) == account.balance
    running = 0
    for entry in made:
        running += entry.amount
        assert entry.balance_after == running, entry
        assert entry.amount == sum(m.amount for m in entry.lots) or entry.kind in (
            EntryKind.RESERVE,
            EntryKind.RELEASE,
        )
    moved: dict[str, int] = {}
    for entry in made:
        for movement in entry.lots:
            moved[movement.lot_id] = moved.get(movement.lot_id, 0) + movement.amount
    for lot in account.lots:
        assert moved.get(lot.id, 0) == lot.remaining, lot
    assert all(
        amount == 0 for lot_id, amount in moved.items() if lot_id not in {lot.id for lot in account.lots}
    )
    assert account.balance >= 0 and account.available >= 0
    return made
