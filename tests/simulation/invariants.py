"""The money rules the simulation checks after every step, from what is stored.

- the ledger adds up: each entry's balance follows from the one before, each entry's lot
  movements make its amount, and the movements of each lot make what the lot holds now;
- nothing is negative, and holds are backed by the lots they name;
- credits come only from grants, period grants (once each), rollovers (capped) of what expired in the same
  change, and refunds of real consumptions (never more than was paid);
- nothing is spent from a lot past its expiry, except the credits a hold took before it expired;
- the account as of now has no expired lot with credits left to spend, and no hold past its expiry;
- a notice is emailed at most once, and every email is a notice marked sent;
- the billing credit stored is what the last plan change left;
- every credit paid for (a credit pack's TOP_UP lot, a plan change with an amount due) names a paid
  payment (succeeded, then maybe refunded or disputed), and every paid payment applied once, its credits
  bought exactly, taking back only what its refunds or dispute cover; an unpaid one applied nothing;
- Stripe holds at most one PaymentIntent per payment, a paid payment's succeeded, and no payment that
  failed has a PaymentIntent that took the money;
- a renewal grants its period's plan credits only once paid (none while it is due), once, and is
  charged successfully once at most;
- auto top-up charges once per crossing: between two top-ups, a write saw credits available back at or
  above the threshold (or auto top-up turned on again); a credit period never opens more top-ups than
  the highest cap set in it; three declined in a row turn it off.
"""

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime

from studio_credits.domain.account import Account
from studio_credits.domain.as_of import as_of
from studio_credits.domain.auto_top_up import FAILURES_TURNING_IT_OFF
from studio_credits.domain.catalogue import PLANS, Plan
from studio_credits.domain.change import Change
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import LotSource
from studio_credits.domain.payments import Payment, PaymentPurpose, PaymentStatus, pack_by_id
from studio_credits.domain.purchases import PAYS_FOR_THE_PLAN
from studio_credits.domain.refresh import ACTOR as REFRESH
from studio_credits.domain.reservations import ReservationStatus
from tests.simulation.world import PAID, InvariantBroken, World


@dataclass
class LedgerWatch:
    """What the checks have verified so far of one account's ledger (entries never change)."""

    checked: int = 0
    balance: int = 0
    by_lot: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    lot_expiry: dict[str, datetime | None] = field(default_factory=dict)
    periods_granted: set[str] = field(default_factory=set)
    plan_grants: set[str] = field(default_factory=set)
    """The PLAN lots that GRANT entries made (a refund's PLAN lot is not a grant)."""


@dataclass
class TopUpWatch:
    """What the checks have seen of one account's auto top-ups, write by write."""

    on: bool = False
    rearmed: bool = True
    """Credits available seen at or above the threshold (or auto top-up turned on) since the last top-up."""
    period_start: datetime | None = None
    highest_cap: int = 0
    """The highest monthly cap set in the period."""
    opened_in_period: int = 0
    since_on: list[str] = field(default_factory=list)
    """The top-ups opened since it was last turned on, in order."""
    seen: set[str] = field(default_factory=set)
    """Every top-up written so far: one is opened by the first write that holds it."""


@dataclass
class Invariants:
    world: World
    watches: dict[str, LedgerWatch] = field(default_factory=dict)
    top_ups: dict[str, TopUpWatch] = field(default_factory=dict)
    commits_seen: int = 0

    def check(self) -> None:
        for person in self.world.persons:
            self._check_account(person.principal.subject)
        log = self.world.repository.log
        for change, committed in log[self.commits_seen :]:
            self._check_top_up(change, committed)
        self.commits_seen = len(log)
        self._check_turned_off()
        self._check_notices()
        for account_id in sorted(self.world.charged):
            self._check_charges(account_id)
        self.world.charged.clear()

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
        self._check_payments(account_id, entries)

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
        period_end = current.current_period.end
        if current.renewal is not None and any(
            lot.id in watch.plan_grants and lot.expires_at == period_end for lot in current.lots
        ):
            raise InvariantBroken(f"{account_id}: plan credits for a period whose renewal is unpaid")
        person = next(p for p in world.persons if p.principal.subject == account_id)
        if stored.billing_credit_cents != person.billing_credit_cents:
            raise InvariantBroken(
                f"{account_id}: billing credit {stored.billing_credit_cents}, "
                f"the last plan change left {person.billing_credit_cents}"
            )
        for consumption, paid in person.consumptions:
            if person.refunded.get(consumption, 0) > paid:
                raise InvariantBroken(f"{account_id}: {consumption} refunded above the {paid} paid")

    def _check_payments(self, account_id: str, entries: list[LedgerEntry]) -> None:
        payments = self.world.repository.items[account_id].payments
        named: dict[str, list[LedgerEntry]] = defaultdict(list)
        for entry in entries:
            if entry.payment_id is not None:
                named[entry.payment_id].append(entry)
            paid_for = entry.payment_id and payments.get(entry.payment_id)
            bought = entry.description.startswith(("Credit pack", "Auto top-up:"))
            if entry.kind is EntryKind.GRANT and bought and not paid_for:
                raise InvariantBroken(f"{account_id}: a credit pack granted with no payment: {entry}")
            due = 0 if entry.plan_change is None else entry.plan_change.amount_due_now_cents
            if due > 0 and not paid_for:
                raise InvariantBroken(f"{account_id}: a plan change with {due} due, unpaid: {entry}")
        _check_renewals(account_id, payments, entries)
        for payment in payments.values():
            if payment.status in PAID:
                _check_paid(account_id, payment, named.get(payment.id, []))
            elif (
                any(e.amount or e.kind is not EntryKind.RENEWAL for e in named.get(payment.id, []))
                or payment.entry_id
                or payment.lot_ids
                or payment.credits_bought
            ):  # a renewal's failed charge only tells it (a RENEWAL entry)
                raise InvariantBroken(f"{account_id}: {payment.status.value} {payment} applied something")
        if set(named) - set(payments):
            raise InvariantBroken(
                f"{account_id}: entries name payments it lacks: {set(named) - set(payments)}"
            )

    def _check_charges(self, account_id: str) -> None:
        """What Stripe holds of the account's payments: one renewal is charged once at most."""
        payments = self.world.repository.items[account_id].payments
        renewals_charged: dict[str, int] = defaultdict(int)
        for payment_id, intents in self.world.intents(account_id).items():
            payment = payments.get(payment_id)
            if len(intents) > 1 or payment is None:
                raise InvariantBroken(f"{account_id}: {[i.id for i in intents]} charged for {payment}")
            if payment.status is PaymentStatus.FAILED and intents[0].status == "succeeded":
                raise InvariantBroken(f"{account_id}: {payment} failed, yet {intents[0].id} took the money")
            if payment.purpose is PaymentPurpose.RENEWAL and intents[0].status == "succeeded":
                renewals_charged[_renewal_of(payment)] += 1
        if any(charges > 1 for charges in renewals_charged.values()):
            raise InvariantBroken(f"{account_id}: a renewal charged more than once: {renewals_charged}")
        for payment in payments.values():
            if payment.status in PAID and payment.charge_id is None:
                raise InvariantBroken(f"{account_id}: {payment} paid with no charge")

    def _check_top_up(self, change: Change, committed: Account) -> None:
        setting = committed.auto_top_up
        watch = self.top_ups.setdefault(committed.id, TopUpWatch())
        if setting is None:
            return
        if setting.enabled and not watch.on:
            watch.rearmed, watch.since_on = True, []
        watch.on = setting.enabled
        period_start = committed.current_period.start
        if period_start != watch.period_start:
            watch.period_start, watch.highest_cap, watch.opened_in_period = period_start, 0, 0
        watch.highest_cap = max(watch.highest_cap, setting.monthly_cap)
        spent = -sum(entry.amount for entry in change.entries if entry.kind is EntryKind.CONSUME) + sum(
            r.credits for r in change.reservations if r.status is ReservationStatus.HELD
        )
        if spent and committed.available + spent >= setting.threshold:
            watch.rearmed = True  # the spend saw credits available at or above it first
        opened = [
            p for p in change.payments if p.purpose is PaymentPurpose.AUTO_TOP_UP and p.id not in watch.seen
        ]
        watch.seen.update(payment.id for payment in opened)
        for payment in opened:
            if not watch.rearmed:
                raise InvariantBroken(f"{committed.id}: {payment.key} charged for a crossing already charged")
            watch.rearmed = False
            watch.opened_in_period += 1
            watch.since_on.append(payment.id)
            if watch.opened_in_period > watch.highest_cap:
                raise InvariantBroken(
                    f"{committed.id}: {watch.opened_in_period} top-ups in the period from {period_start}, "
                    f"above the cap of {watch.highest_cap}"
                )
        if committed.available >= setting.threshold:
            watch.rearmed = True

    def _check_turned_off(self) -> None:
        for account_id, watch in self.top_ups.items():
            payments = self.world.repository.items[account_id].payments
            declined_last = 0
            for payment_id in reversed(watch.since_on):
                if payments[payment_id].status is not PaymentStatus.FAILED:
                    break
                declined_last += 1
            if watch.on and declined_last >= FAILURES_TURNING_IT_OFF:
                raise InvariantBroken(
                    f"{account_id}: auto top-up still on after {declined_last} declines in a row"
                )

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
            if entry.kind is EntryKind.GRANT and movement.source is LotSource.PLAN:
                watch.plan_grants.add(movement.lot_id)
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


def _check_paid(account_id: str, payment: Payment, named: list[LedgerEntry]) -> None:
    """A paid payment's entries: its application (the change that starts with its entry_id), applying
    its credits once, then its take-backs (each change starting with an ADJUST), taking back from its
    lots only, no more than its refunds or its dispute cover."""
    if not named or named[0].id != payment.entry_id:
        raise InvariantBroken(f"{account_id}: {payment} is not applied first by its entry: {named}")
    first_take_back = next((n for n, e in enumerate(named) if e.kind is EntryKind.ADJUST), len(named))
    applied, taken_back = named[:first_take_back], named[first_take_back:]
    applied_kind = named[0].kind
    if sum(1 for entry in applied if entry.kind is applied_kind) != 1 or (
        payment.purpose in (PaymentPurpose.CREDIT_PACK, PaymentPurpose.AUTO_TOP_UP) and len(applied) != 1
    ):
        raise InvariantBroken(f"{account_id}: {payment} applied more than once: {applied}")
    bought = sum(m.amount for e in applied for m in e.lots if m.lot_id in payment.lot_ids and m.amount > 0)
    if bought != payment.credits_bought or (
        payment.pack_id is not None and bought != pack_by_id(payment.pack_id).credits
    ):
        raise InvariantBroken(f"{account_id}: {payment} bought {bought} credits: {applied}")
    disputed = payment.status is PaymentStatus.DISPUTED
    refunded = payment.amount_cents if disputed else payment.refunded_cents
    covered = -(-payment.credits_bought * refunded // payment.amount_cents)
    if not 0 <= refunded <= payment.amount_cents or payment.credits_taken_back != covered:
        raise InvariantBroken(
            f"{account_id}: {payment} takes back other than the {covered} its refunds cover"
        )
    if (payment.status is PaymentStatus.SUCCEEDED) != (not taken_back) or (
        payment.status is PaymentStatus.REFUNDED and not payment.refunded_cents
    ):
        raise InvariantBroken(f"{account_id}: {payment} with take-backs {taken_back}")
    taken = 0
    for entry in taken_back:
        if entry.kind is EntryKind.ADJUST:
            taken -= entry.amount
            if any(m.amount > 0 or m.lot_id not in payment.lot_ids for m in entry.lots):
                raise InvariantBroken(f"{account_id}: {payment}'s take-back {entry} moves other lots")
        elif not (disputed and payment.purpose in PAYS_FOR_THE_PLAN):
            raise InvariantBroken(f"{account_id}: {payment} applied again after a take-back: {entry}")
    if taken > payment.credits_taken_back:
        raise InvariantBroken(f"{account_id}: {payment} took back {taken}, above the {covered} covered")


def _check_renewals(account_id: str, payments: dict[str, Payment], entries: list[LedgerEntry]) -> None:
    """A renewal's credits are granted by its paid payment only, and once for its period."""
    by_id = {entry.id: entry for entry in entries}
    for entry in entries:
        renewal = entry.payment_id and payments.get(entry.payment_id)
        if "(renewal paid" in entry.description and not (
            renewal and renewal.purpose is PaymentPurpose.RENEWAL and renewal.status in PAID
        ):
            raise InvariantBroken(f"{account_id}: a renewal's credits granted unpaid: {entry}")
    renewed: dict[str, int] = defaultdict(int)
    for payment in payments.values():
        applied = by_id.get(payment.entry_id or "")
        if payment.purpose is PaymentPurpose.RENEWAL and applied and applied.kind is EntryKind.GRANT:
            renewed[_renewal_of(payment)] += 1
    if any(grants > 1 for grants in renewed.values()):
        raise InvariantBroken(f"{account_id}: a renewal's period granted more than once: {renewed}")


def _renewal_of(payment: Payment) -> str:
    """The renewal a payment is for: its key without the attempt."""
    return payment.key.rsplit(":", 1)[0]


def _plan_granted_after(entries: list[LedgerEntry], rollover: int) -> Plan:
    """The plan of the period a rollover rolls into: the one whose monthly credits the same change
    grants next (one change may cross several boundaries, each its own rollover and grant), or
    whose renewal it records as due (its grant waits for the payment)."""
    made = entries[rollover]
    opened = next(
        entry
        for entry in entries[rollover + 1 :]
        if entry.at == made.at
        and (
            entry.kind is EntryKind.RENEWAL
            or (entry.kind is EntryKind.GRANT and entry.lots[0].source is LotSource.PLAN)
        )
    )
    if opened.kind is EntryKind.RENEWAL:
        return next(plan for plan in PLANS if opened.description.startswith(f"{plan.name} plan renew"))
    return next(plan for plan in PLANS if plan.monthly_credits == opened.amount)
