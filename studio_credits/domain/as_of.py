"""One rule for time: every read and every write sees the account as of now.

Whatever has ended by `now` is applied first: every period boundary passed (a
plan refresh each, with its scheduled change or ending cancellation), then every
lot past its `expiresAt` loses its credits, whenever it expires. Reads show the
account so, in memory; writes store these entries in the same transaction as
what was asked (service/execution.py), and the refresh job stores only this. A
lot's credits held for a reservation stay with the hold until it is settled.
"""

from datetime import datetime

from studio_credits.domain.account import Account
from studio_credits.domain.change import Change
from studio_credits.domain.period_start import EntryDraft, change_entries, expire_lapsed
from studio_credits.domain.refresh import ACTOR, cross_boundary
from studio_credits.domain.wording import day_text


def as_of(account: Account, now: datetime) -> Change:
    """The account at `now`, with the entries that bring it there (none when nothing has ended)."""
    current, drafts = account, list[EntryDraft]()
    while current.next_refresh_at <= now:
        current, made = cross_boundary(current, now)
        drafts += made
    current, expired = expire_lapsed(
        current, now, lambda lot: f"past their expiry on {day_text(lot.expires_at or now)}"
    )
    drafts += expired
    if not drafts:
        return Change(account)
    return Change(current, change_entries(account, now, ACTOR, drafts, first_sequence=0))
