"""One rule for time: every read and every write sees the account as of now.

Whatever has ended by `now` is applied first, in the order it ended: every hold past its expiry is
released (as the sweeper would have), every period boundary passed is crossed (a plan refresh each,
with its scheduled change or ending cancellation; a paid term's renewal waits for its payment), a
plan whose renewal went unpaid through its grace ends (domain/renewals.py), then every lot past its
`expiresAt` loses its credits, whenever it expires. Reads show the account so, in memory; writes
store these entries in the same transaction as what was asked (service/execution.py), and the
refresh and sweep jobs store only this. A lot's credits held for a reservation stay with the hold
until it is settled or expires.
"""

from datetime import datetime

from studio_credits.domain.account import Account, Hold
from studio_credits.domain.change import Change
from studio_credits.domain.period_start import EntryDraft, change_entries, expire_lapsed
from studio_credits.domain.refresh import ACTOR, cross_boundary
from studio_credits.domain.renewals import lapse
from studio_credits.domain.reservations import release_expired_hold
from studio_credits.domain.wording import day_text


def as_of(account: Account, now: datetime) -> Change:
    """The account at `now`, with the entries that bring it there (none when nothing has ended)."""
    current, drafts, expired = account, list[EntryDraft](), list[Hold]()
    while True:
        hold = _first_expired_hold(current, now)
        lapses_at = None if current.renewal is None else current.renewal.lapses_at(current.next_refresh_at)
        # A hold expiring at a boundary (or as an unpaid plan ends) is released after it: its credits
        # roll over with it first.
        if hold is not None and hold.expires_at < (lapses_at or current.next_refresh_at):
            current, made = release_expired_hold(current, hold)
            expired.append(hold)
        elif lapses_at is not None and lapses_at <= now:
            current, made = lapse(current)
        elif current.next_refresh_at <= now:
            current, made = cross_boundary(current, now)
        else:
            break
        drafts += made
    current, lapsed = expire_lapsed(
        current, now, lambda lot: f"past their expiry on {day_text(lot.expires_at or now)}"
    )
    drafts += lapsed
    if not drafts:
        return Change(account)
    entries = change_entries(account, now, ACTOR, drafts, first_sequence=0)
    return Change(current, entries, expired_holds=tuple(expired))


def _first_expired_hold(account: Account, now: datetime) -> Hold | None:
    return min((h for h in account.holds if h.expires_at <= now), key=lambda h: h.expires_at, default=None)
