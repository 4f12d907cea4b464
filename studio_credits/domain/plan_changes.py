"""Plan changes: upgrades apply now; downgrades and interval changes wait for the paid term's end.

`plan_change` decides everything a change does, and a preview is that decision's
terms, so what a person is shown and what the change then does never disagree.
"""

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from studio_credits.domain.account import Account, PlanStatus, ScheduledChange
from studio_credits.domain.catalogue import FREE, BillingInterval, Plan, UnknownPlan, plan_by_id
from studio_credits.domain.ids import new_ulid
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import Lot, LotMovement, LotSource
from studio_credits.domain.period_start import EntryDraft, PeriodStart, begin_period, change_entries
from studio_credits.domain.periods import Period
from studio_credits.domain.plan_terms import PlanChangeTerms
from studio_credits.domain.renewals import unpaid_renewal_refusal
from studio_credits.domain.wording import billed, day_text

DAY = timedelta(days=1)


@dataclass(frozen=True)
class InvalidPlanChange:
    message: str


@dataclass(frozen=True)
class PlannedPlanChange:
    terms: PlanChangeTerms
    account: Account
    entries: tuple[LedgerEntry, ...]
    """The PLAN_CHANGE event first, then the entries that move credits, in order."""

    @property
    def event(self) -> LedgerEntry:
        return self.entries[0]


def plan_change(
    account: Account, plan_id: str, interval: BillingInterval, now: datetime, actor: str
) -> PlannedPlanChange | InvalidPlanChange:
    try:
        target = plan_by_id(plan_id)
    except UnknownPlan as unknown:
        return InvalidPlanChange(str(unknown))
    refusal = _refusal(account, target, interval)
    if refusal is not None:
        return refusal
    if (target.id, interval) == (account.plan_id, account.interval):
        return _keep_current_plan(account, now, actor)
    if target.tier > account.plan.tier:
        if interval is account.interval:
            return _upgrade_within_term(account, target, now, actor)
        return _upgrade_to_new_term(account, target, interval, now, actor)
    return _schedule_at_term_end(account, target, interval, now, actor)


def preview_plan_change(
    account: Account, plan_id: str, interval: BillingInterval, now: datetime
) -> PlanChangeTerms | InvalidPlanChange:
    decided = plan_change(account, plan_id, interval, now, actor="preview")
    return decided if isinstance(decided, InvalidPlanChange) else decided.terms


def switch_at_term_end(account: Account) -> ScheduledChange | None:
    """The plan and interval the account moves to when its paid term ends; None where it renews as it is.

    For the refresh job, at `account.term_end` (a canceled plan's `ends_at`): a
    canceled plan drops to the free plan, otherwise a scheduled change applies.
    """
    if account.status is PlanStatus.CANCELING:
        return ScheduledChange(FREE.id, BillingInterval.MONTHLY)
    return account.scheduled_change


def prorated_cents(price_cents: int, term: Period, now: datetime) -> int:
    """The share of a term's price for the days left in it (a started day counts whole), to the cent."""
    term_days = round((term.end - term.start) / DAY)
    days_left = min(term_days, max(0, -((now - term.end) // DAY)))
    return (price_cents * days_left + term_days // 2) // term_days


def plan_event(account: Account, at: datetime, actor: str, description: str) -> LedgerEntry:
    """A PLAN_CHANGE entry where no credits move: the plan history a person reads."""
    return change_entries(account, at, actor, (EntryDraft(EntryKind.PLAN_CHANGE, 0, description),))[0]


def _refusal(account: Account, target: Plan, interval: BillingInterval) -> InvalidPlanChange | None:
    if not target.offers(interval):
        return InvalidPlanChange(f"The {target.name} plan cannot be bought yearly: choose MONTHLY billing.")
    unpaid = unpaid_renewal_refusal(account)
    if unpaid is not None:
        return InvalidPlanChange(unpaid)
    if account.status is PlanStatus.CANCELING:
        return InvalidPlanChange(
            f"Your plan is canceled and ends on {day_text(account.ends_at or account.term_end)}: "
            "resume it before changing plan."
        )
    if ScheduledChange(target.id, interval) == account.scheduled_change:
        return InvalidPlanChange(
            f"A change to {_offer(target, interval)}, is already scheduled for {day_text(account.term_end)}."
        )
    return None


def _keep_current_plan(account: Account, now: datetime, actor: str) -> PlannedPlanChange | InvalidPlanChange:
    plan, scheduled = account.plan, account.scheduled_change
    if scheduled is None:
        return InvalidPlanChange(
            f"You are already on the {plan.name} plan, billed {billed(account.interval)}, "
            "and no change is scheduled: choose another plan or interval."
        )
    credit = account.billing_credit_cents
    terms = PlanChangeTerms(plan.id, account.interval, True, now, 0, 0, 0, credit)
    dropped = offer_text(scheduled)
    event = EntryDraft(
        EntryKind.PLAN_CHANGE,
        0,
        f"Scheduled change to {dropped}, canceled: {plan.name} continues",
        terms=terms,
    )
    kept = replace(account, scheduled_change=None, pending_cancellation=None)
    return PlannedPlanChange(terms, kept, change_entries(account, now, actor, (event,)))


def _upgrade_within_term(account: Account, target: Plan, now: datetime, actor: str) -> PlannedPlanChange:
    """Same interval: the same anchor and term; the period gets the difference in monthly credits."""
    extra = target.monthly_credits - account.plan.monthly_credits
    price_difference = target.price_cents(account.interval) - account.plan.price_cents(account.interval)
    cost = prorated_cents(price_difference, account.current_term, now)
    terms = _billed(account, PlanChangeTerms(target.id, account.interval, True, now, extra, 0), cost)
    lot = Lot(new_ulid(now), LotSource.PLAN, extra, extra, account.current_period.end, now)
    drafts = (
        EntryDraft(EntryKind.PLAN_CHANGE, 0, f"Upgraded to {target.name}", terms=terms),
        EntryDraft(
            EntryKind.GRANT,
            extra,
            f"{target.name} upgrade: {extra:,} more credits for this period",
            (LotMovement(lot.id, lot.source, extra),),
        ),
    )
    upgraded = replace(
        account,
        plan_id=target.id,
        lots=(*account.lots, lot),
        period_granted=account.period_granted + extra,
        scheduled_change=None,
        pending_cancellation=None,
        billing_credit_cents=terms.billing_credit_after_cents,
    )
    return PlannedPlanChange(terms, upgraded, change_entries(account, now, actor, drafts))


def _upgrade_to_new_term(
    account: Account, target: Plan, interval: BillingInterval, now: datetime, actor: str
) -> PlannedPlanChange:
    """The other interval: a new term anchored now, begun like a refresh on the new plan."""
    anchor = now.replace(microsecond=0)
    unused_share = prorated_cents(account.plan.price_cents(account.interval), account.current_term, now)
    # The unused share can exceed the new term's price (a year left of Starter for a month of Pro):
    # the surplus is kept as billing credit.
    cost = target.price_cents(interval) - unused_share
    terms = _billed(account, PlanChangeTerms(target.id, interval, True, now, target.monthly_credits, 0), cost)

    start = PeriodStart(now, target, interval, anchor, 0, 0, True, target.rollover.cap_credits)
    renewed, drafts = begin_period(account, start, now)
    event = EntryDraft(
        EntryKind.PLAN_CHANGE,
        0,
        f"Upgraded to {target.name}, billed {billed(interval)}: a new term from {day_text(anchor)}",
        terms=terms,
    )
    renewed = replace(
        renewed,
        scheduled_change=None,
        pending_cancellation=None,
        billing_credit_cents=terms.billing_credit_after_cents,
    )
    return PlannedPlanChange(terms, renewed, change_entries(account, now, actor, (event, *drafts)))


def _schedule_at_term_end(
    account: Account, target: Plan, interval: BillingInterval, now: datetime, actor: str
) -> PlannedPlanChange:
    """A downgrade or a change of interval: nothing changes before the paid term ends."""
    effective = account.term_end
    credit = account.billing_credit_cents
    terms = PlanChangeTerms(target.id, interval, False, effective, 0, 0, 0, credit)
    if target.tier < account.plan.tier:
        changed_to = f"Downgrade to {target.name}"
        if interval is not account.interval:
            changed_to += f", billed {billed(interval)},"
    else:
        changed_to = f"Change to {billed(interval)} billing"
    event = EntryDraft(
        EntryKind.PLAN_CHANGE, 0, f"{changed_to} scheduled for {day_text(effective)}", terms=terms
    )
    scheduled = replace(
        account, scheduled_change=ScheduledChange(target.id, interval), pending_cancellation=None
    )
    return PlannedPlanChange(terms, scheduled, change_entries(account, now, actor, (event,)))


def _billed(account: Account, terms: PlanChangeTerms, cost_cents: int) -> PlanChangeTerms:
    """`terms` with what is due for `cost_cents`: the billing credit pays first; a negative cost (paid
    value left over) adds to it, so paid value is never dropped."""
    credit = account.billing_credit_cents
    applied = min(credit, max(0, cost_cents))
    return replace(
        terms,
        amount_due_now_cents=max(0, cost_cents) - applied,
        billing_credit_applied_cents=applied,
        billing_credit_after_cents=credit - applied + max(0, -cost_cents),
    )


def _offer(plan: Plan, interval: BillingInterval) -> str:
    return f"{plan.name}, billed {billed(interval)}"


def offer_text(change: ScheduledChange) -> str:
    """A scheduled change as the history says it: Starter, billed monthly."""
    return _offer(plan_by_id(change.plan_id), change.interval)
