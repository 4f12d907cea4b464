"""Cancelling with a confirmation step, and resuming before the paid term ends.

A request offers a token: a random nonce the person gets once, of which the
account keeps only a hash, an expiry and the end of the term the offer was for.
Confirming with it clears the hash in the same version-locked write, so a token
works once, on its own account only. An offer holds for the term it was made in:
a token lasts 10 minutes, but never past that term's end, and once the term has
renewed it is refused as stale, never taken to end the next term instead. A
scheduled change is kept while canceling: resuming restores it.
"""

import hashlib
import hmac
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from studio_credits.domain.account import Account, PendingCancellation, PlanStatus
from studio_credits.domain.catalogue import FREE
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.domain.period_start import ENDS_WITH_THE_PLAN
from studio_credits.domain.plan_changes import offer_text, plan_event
from studio_credits.domain.renewals import unpaid_renewal_refusal
from studio_credits.domain.wording import day_text

TOKEN_LIFETIME = timedelta(minutes=10)


@dataclass(frozen=True)
class CancellationRefused:
    """Nothing to cancel: the free plan, or a plan already canceled."""

    message: str


@dataclass(frozen=True)
class CancellationOffer:
    token: str
    effective_at: datetime
    credits_forfeited: int
    token_expires_at: datetime


@dataclass(frozen=True)
class InvalidToken:
    message: str


@dataclass(frozen=True)
class NothingToResume:
    message: str


@dataclass(frozen=True)
class PlanEvent:
    """An account after a plan event, and the PLAN_CHANGE entry that records it."""

    account: Account
    entry: LedgerEntry


def credits_forfeited(account: Account) -> int:
    return sum(lot.remaining for lot in account.lots if lot.source in ENDS_WITH_THE_PLAN)


def offer_cancellation(
    account: Account, nonce: str, now: datetime
) -> tuple[Account, CancellationOffer] | CancellationRefused:
    """The account holding the pending token's hash, and the offer that gives the person `nonce`."""
    if account.plan_id == FREE.id:
        return CancellationRefused("The Free plan has nothing to cancel: it costs nothing and never ends.")
    unpaid = unpaid_renewal_refusal(account)
    if unpaid is not None:
        return CancellationRefused(unpaid)
    if account.status is PlanStatus.CANCELING:
        return CancellationRefused(
            f"Your plan is already canceled and ends on {day_text(account.ends_at or account.term_end)}; "
            "resume it to keep it."
        )
    effective_at = account.term_end
    expires_at = min(now + TOKEN_LIFETIME, effective_at)
    offered = PendingCancellation(_digest(nonce), expires_at, effective_at)
    offer = CancellationOffer(nonce, effective_at, credits_forfeited(account), expires_at)
    return replace(account, pending_cancellation=offered), offer


def confirm_cancellation(account: Account, token: str, now: datetime, actor: str) -> PlanEvent | InvalidToken:
    pending = account.pending_cancellation
    if pending is None or not hmac.compare_digest(pending.token_hash, _digest(token)):
        return InvalidToken(
            "This cancellation token is not valid for your account: it was used, replaced by a newer one "
            "or never issued. Request a new one."
        )
    if account.plan_id == FREE.id:
        return InvalidToken("Your account is on the Free plan now: there is nothing to cancel.")
    unpaid = unpaid_renewal_refusal(account)
    if unpaid is not None:
        return InvalidToken(unpaid)
    ends_at = account.term_end
    if pending.effective_at != ends_at:
        offered = "" if pending.effective_at is None else f" on {day_text(pending.effective_at)}"
        return InvalidToken(
            f"This cancellation was offered to end your plan{offered}, but the plan has renewed "
            f"since and now runs to {day_text(ends_at)}: request a new cancellation to see what "
            "ending it means now."
        )
    if now >= pending.expires_at:
        return InvalidToken(
            "This cancellation token has expired (tokens last 10 minutes): request a new one."
        )
    canceled = replace(account, status=PlanStatus.CANCELING, ends_at=ends_at, pending_cancellation=None)
    description = f"Cancellation confirmed, ends {day_text(ends_at)}"
    if account.scheduled_change is not None:
        description += f", instead of the change to {offer_text(account.scheduled_change)} (kept if resumed)"
    return PlanEvent(canceled, plan_event(account, now, actor, description))


def resume_plan(account: Account, now: datetime, actor: str) -> PlanEvent | NothingToResume:
    if account.status is not PlanStatus.CANCELING or account.ends_at is None:
        return NothingToResume("Your plan is not canceled: there is nothing to resume.")
    if now >= account.ends_at:
        return NothingToResume(
            f"Your plan ended on {day_text(account.ends_at)}: choose a plan to subscribe again."
        )
    resumed = replace(account, status=PlanStatus.ACTIVE, ends_at=None)
    scheduled = account.scheduled_change
    if scheduled is None:
        description = f"Plan resumed: {account.plan.name} renews on {day_text(resumed.term_end)}"
    else:
        description = (
            f"Plan resumed: {account.plan.name} until {day_text(resumed.term_end)}, "
            f"then {offer_text(scheduled)} as scheduled"
        )
    return PlanEvent(resumed, plan_event(account, now, actor, description))


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
