"""The run-out forecast: when the credits available now run out at the pace of recent spending.

The pace is the credits spent per day over the last BASIS_DAYS whole UTC days (fewer for an
account younger than that, from its first whole day); with fewer than MIN_BASIS_DAYS of them there
is no forecast. The credits run out spending the soonest-expiring first, each lot's rest lost at
its expiry; what later refreshes grant is not counted, so a run-out before the next refresh is
exact and one after it only says the credits last past it.
"""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from fractions import Fraction

from studio_credits.domain.account import Account
from studio_credits.domain.lots import spending_order

BASIS_DAYS = 30
MIN_BASIS_DAYS = 7


@dataclass(frozen=True)
class Basis:
    first_day: date
    last_day: date

    @property
    def days(self) -> int:
        return (self.last_day - self.first_day).days + 1


@dataclass(frozen=True)
class Forecast:
    daily_rate: Fraction
    runs_out_at: datetime | None
    """None where nothing was spent: at no pace, the credits do not run out."""
    before_refresh: bool
    basis_days: int


def basis(account: Account, now: datetime) -> Basis | None:
    """The whole UTC days before today the pace is measured over; None below MIN_BASIS_DAYS."""
    today = now.astimezone(UTC).date()
    first_whole_day = account.created_at.astimezone(UTC).date() + timedelta(days=1)
    days = min(BASIS_DAYS, (today - first_whole_day).days)
    if days < MIN_BASIS_DAYS:
        return None
    return Basis(today - timedelta(days=days), today - timedelta(days=1))


def forecast(account: Account, spent: int, measured: Basis, now: datetime) -> Forecast:
    """The forecast for the account as of `now`, which spent `spent` credits over the basis days."""
    rate = Fraction(max(0, spent), measured.days)
    runs_out_at = None if rate == 0 else _runs_out_at(account, rate, now)
    before_refresh = runs_out_at is not None and runs_out_at < account.next_refresh_at
    return Forecast(rate, runs_out_at, before_refresh, measured.days)


def _runs_out_at(account: Account, rate: Fraction, now: datetime) -> datetime:
    held = account.held_by_lot()
    runs_out_at = now
    for lot in sorted(account.lots, key=spending_order):
        free = lot.remaining - held.get(lot.id, 0)
        if free <= 0:
            continue
        spent_by = runs_out_at + timedelta(seconds=round(free / rate * 86_400))
        if lot.expires_at is not None and lot.expires_at < spent_by:
            runs_out_at = max(runs_out_at, lot.expires_at)  # the rest expires unspent
        else:
            runs_out_at = spent_by
    return runs_out_at
