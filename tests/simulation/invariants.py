"""The money rules the simulation checks after every step, from what is stored.

- the ledger adds up: each entry's balance follows from the one before, each entry's lot
  movements make its amount, and the movements of each lot make what the lot holds now;
- nothing is negative, and holds are backed by the lots they name;
- credits come only from grants, period grants (once each), rollovers (capped) of what expired in the same
  change, and refunds of real consumptions (never more than was paid);
- nothing is spent from a lot past its expiry, except the credits a hold took before it expired;
- the account as of now has no expired lot with credits left to spend, and no hold past its expiry;
- a notice is emailed at most once, and every email is a notice marked sent;
- the billing credit stored is what the last plan change left.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from studio_credits.domain.account import Account
from studio_credits.domain.as_of import as_of
from studio_credits.domain.catalogue import PLANS, Plan
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import LotSource
from studio_credits.domain.refresh import ACTOR as REFRESH
from tests.simulation.world import InvariantBroken, World


@dataclass
class LedgerWatch:
    """What the checks have verified so far of one account's ledger (entries never change)."""

    checked: int = 0
    balance: int = 0
    by_lot: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lot_expiry: dict[str, datetime | None] = field(default_factory=dict)
    periods_granted: set[str] = field(default_factory=set)


@dataclass
class Invariants:
    world: World
    watches: dict[str, LedgerWatch] = field(default_factory=dict)

    def check(self) -> None:
        for person in self.world.persons:
            self._check_account(person.principal.subject)
        self._check_notices()

    def _check_account(self, account_id: str) -> None:
        world = self.world
        stored = world.repository.get(account_id)
        if stored is None:
            raise InvariantBroken(f"{account_id} vanished")
        watch = self.watches.setdefault(account_id, LedgerWatch())
        for lot in stored.lots:
            seen = watch.lot_expiry.get(lot.id, lot.expires_at)
            watch.lot_expiry[lot.id] = min((d for d in (seen, lot.expires_at) if d is not None), default=None)
        entries = sorted(world.repository.items[account_id].entries.values(), key=lambda e: e.id)
        for position in range(watch.checked, len(entries)):
            entry = entries[position]
            self._check_entry(account_id, entry, entries, watch)
            # A rollover is capped by the plan of the period it rolls into (and of the one it leaves).
            if entry.kind is EntryKind.ROLLOVER:
                plan = _plan_granted_after(entries, position)
                cap = plan.rollover.cap_credits
                if entry.amount > cap:
                    raise InvariantBroken(f"{account_id}: {entry} rolls over above the {plan.id} cap {cap}")
        watch.checked = len(entries)
        self._check_state(stored, watch)

    def _check_state(self, stored: Account, watch: LedgerWatch) -> None:
        world, account_id = self.world, stored.id
        if watch.balance != stored.balance:
            raise InvariantBroken(f"{account_id}: ledger sums to {watch.balance}, lots to {stored.balance}")
        lots = {lot.id: lot.remaining for lot in stored.lots}
        moved = {lot_id: amount for lot_id, amount in watch.by_lot.items() if amount or lot_id in lots}
        if moved != lots:
            raise InvariantBroken(f"{account_id}: lots {lots} but their entries say {moved}")
        held = stored.held_by_lot()
        if any(remaining < 0 for remaining in lots.values()):
            raise InvariantBroken(f"{account_id}: a negative lot: {stored.lots}")
        if any(lots.get(lot_id, 0) < credits for lot_id, credits in held.items()):
            raise InvariantBroken(f"{account_id}: a hold names credits its lot lacks: {stored.holds}")
        if any(hold.credits != sum(p.amount for p in hold.portions) for hold in stored.holds):
            raise InvariantBroken(f"{account_id}: a hold's portions do not make its credits: {stored.holds}")

        now = world.clock.at
        current = as_of(stored, now).account
        if current.available < 0:
            raise InvariantBroken(f"{account_id}: {current.available} available")
        if any(hold.expires_at <= now for hold in current.holds):
            raise InvariantBroken(f"{account_id}: holds past their expiry still reserve credits at {now}")
        current_held = current.held_by_lot()
        lapsed = [
            lot for lot in current.lots if lot.is_expired(now) and lot.remaining > current_held.get(lot.id, 0)
        ]
        if lapsed:
            raise InvariantBroken(f"{account_id}: spendable credits in expired lots at {now}: {lapsed}")
        person = next(p for p in world.persons if p.principal.subject == account_id)
        if stored.billing_credit_cents != person.billing_credit_cents:
            raise InvariantBroken(
                f"{account_id}: billing credit {stored.billing_credit_cents}, "
                f"the last plan change left {person.billing_credit_cents}"
            )
        for consumption, paid in person.consumptions:
            if person.refunded.get(consumption, 0) > paid:
                raise InvariantBroken(f"{account_id}: {consumption} refunded above the {paid} paid")

    def _check_entry(
        self, account_id: str, entry: LedgerEntry, entries: list[LedgerEntry], watch: LedgerWatch
    ) -> None:
        watch.balance += entry.amount
        if entry.balance_after != watch.balance:
            raise InvariantBroken(f"{account_id}: {entry} does not follow the balance {watch.balance}")
        if sum(movement.amount for movement in entry.lots) != entry.amount:
            raise InvariantBroken(f"{account_id}: {entry}'s lots do not make its amount")
        for movement in entry.lots:
            watch.by_lot[movement.lot_id] += movement.amount
        if entry.amount > 0 and entry.kind not in (
            EntryKind.GRANT,
            EntryKind.ADJUST,
            EntryKind.REFUND,
            EntryKind.ROLLOVER,
        ):
            raise InvariantBroken(f"{account_id}: credits made by {entry}")
        if entry.kind is EntryKind.GRANT and entry.actor == REFRESH:
            if entry.description in watch.periods_granted:
                raise InvariantBroken(f"{account_id}: a period granted twice: {entry}")
            watch.periods_granted.add(entry.description)
        if entry.kind is EntryKind.ROLLOVER:
            expired_plan = -sum(
                movement.amount
                for other in entries
                if other.kind is EntryKind.EXPIRE and other.at == entry.at
                for movement in other.lots
                if movement.source is LotSource.PLAN
            )
            if entry.amount > expired_plan:
                raise InvariantBroken(
                    f"{account_id}: {entry} rolls over more than the {expired_plan} expired"
                )
        if entry.kind in (EntryKind.CONSUME, EntryKind.CAPTURE, EntryKind.ADJUST):
            self._check_not_spent_after_expiry(account_id, entry, watch)

    def _check_not_spent_after_expiry(self, account_id: str, entry: LedgerEntry, watch: LedgerWatch) -> None:
        held_since = None
        if entry.kind is EntryKind.CAPTURE and entry.job_id is not None:
            held_since = self.world.reserved_at[entry.job_id]
        for movement in entry.lots:
            if movement.amount >= 0:
                continue
            expires_at = watch.lot_expiry.get(movement.lot_id)
            if expires_at is None or expires_at > entry.at:
                continue
            if held_since is not None and held_since <= expires_at:
                continue  # captured from what the hold took before the lot expired (or ended, at once)
            raise InvariantBroken(
                f"{account_id}: {entry} spends lot {movement.lot_id}, expired at {expires_at}"
            )

    def _check_notices(self) -> None:
        world = self.world
        marked_sent = sum(
            1
            for items in world.repository.items.values()
            for notice in items.notices.values()
            if notice.sent_at is not None
        )
        if len(world.mailer.sent) != marked_sent:
            raise InvariantBroken(
                f"{len(world.mailer.sent)} emails sent for {marked_sent} notices marked sent"
            )


def _plan_granted_after(entries: list[LedgerEntry], rollover: int) -> Plan:
    """The plan of the period a rollover rolls into: the one whose monthly credits the same change
    grants next (one change may cross several boundaries, each its own rollover and grant)."""
    made = entries[rollover]
    grant = next(
        entry
        for entry in entries[rollover + 1 :]
        if entry.at == made.at and entry.kind is EntryKind.GRANT and entry.lots[0].source is LotSource.PLAN
    )
    return next(plan for plan in PLANS if plan.monthly_credits == grant.amount)
