"""The terms of a plan change: what a preview shows and what the change's ledger event keeps."""

from dataclasses import dataclass
from datetime import datetime

from studio_credits.domain.catalogue import BillingInterval


@dataclass(frozen=True)
class PlanChangeTerms:
    plan_id: str
    interval: BillingInterval
    immediate: bool
    effective_at: datetime
    credits_granted_now: int
    amount_due_now_cents: int
    """What the person owes now, after the billing credit; a payment provider charges it."""
    billing_credit_applied_cents: int = 0
    """The account's billing credit used toward this change."""
    billing_credit_after_cents: int = 0
    """The account's billing credit once the change is made."""
