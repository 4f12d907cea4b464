"""Credit periods: one calendar month at a time from the billing anchor.

Period n runs from anchor + n months to anchor + (n + 1) months, each computed
from the anchor itself, so a day the month lacks (the 31st) falls on the month's
last day without drifting in the months after.
"""

import calendar
from dataclasses import dataclass
from datetime import datetime

from studio_credits.domain.catalogue import BillingInterval

MONTHS_PER_TERM = {BillingInterval.MONTHLY: 1, BillingInterval.ANNUAL: 12}


@dataclass(frozen=True)
class Period:
    start: datetime
    end: datetime

    def contains(self, moment: datetime) -> bool:
        return self.start <= moment < self.end


def add_months(anchor: datetime, months: int) -> datetime:
    month_index = anchor.month - 1 + months
    year, month = anchor.year + month_index // 12, month_index % 12 + 1
    day = min(anchor.day, calendar.monthrange(year, month)[1])
    return anchor.replace(year=year, month=month, day=day)


def period(anchor: datetime, index: int) -> Period:
    return Period(add_months(anchor, index), add_months(anchor, index + 1))


def term(anchor: datetime, first_period: int, period_index: int, interval: BillingInterval) -> Period:
    """The paid term holding period `period_index`, where terms of `interval` run from `first_period`.

    A switch from monthly to annual billing starts a yearly term at a period boundary
    without moving the anchor, so the anchor's day keeps deciding every period's end.
    """
    months = MONTHS_PER_TERM[interval]
    start = first_period + (period_index - first_period) // months * months
    return Period(add_months(anchor, start), add_months(anchor, start + months))
