"""Pure accounts living through their renewals as they do when the card pays: `as_of`, with each
renewal paid the moment it falls due (the refresh job's first attempt succeeding)."""

from datetime import datetime

from studio_credits.domain.account import Account
from studio_credits.domain.as_of import as_of
from studio_credits.domain.change import Change
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.domain.payments import Card
from studio_credits.domain.purchases import paid
from studio_credits.domain.renewal_payments import open_attempt

CARD = Card("pm_card_visa", "visa", "4242", 12, 2034)


def renewal_paid_at(account: Account, at: datetime) -> tuple[Account, tuple[LedgerEntry, ...]]:
    """The renewal due paid on CARD at `at`, as the refresh job's first attempt pays it."""
    opened = open_attempt(account, CARD, at, by_person=False)
    assert opened is not None, account.renewal
    after, payment = opened
    settled = paid(after, payment, f"pi_{payment.id}", at, "refresh")
    return settled.account, settled.entries


def renewed_as_of(account: Account, now: datetime) -> Change:
    """The account at `now` with every renewal on the way paid when it fell due; the entries of
    every step, in order."""
    current, entries = account, list[LedgerEntry]()
    while (boundary := current.next_refresh_at) <= now:
        step = as_of(current, boundary)
        current = step.account
        entries += step.entries
        if current.renewal is not None:
            current, made = renewal_paid_at(current, boundary)
            entries += made
    last = as_of(current, now)
    return Change(last.account, (*entries, *last.entries))
