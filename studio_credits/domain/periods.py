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


def term_end(anchor: datetime, period_index: int, interval: BillingInterval) -> datetime:
    """When the paid term holding period `period_index` ends."""
    months = MONTHS_PER_TERM[interval]
    return add_months(anchor, (period_index // months + 1) * months)


def term_start(anchor: datetime, period_index: int, interval: BillingInterval) -> datetime:
    months = MONTHS_PER_TERM[interval]
    return add_months(anchor, (period_index // months) * months)
