"""Reading an account's credit history, usage and notices."""

from dataclasses import dataclass
from datetime import datetime

from studio_credits.domain import forecast as forecasts
from studio_credits.domain.account import Account
from studio_credits.domain.history import HistoryFilter, decode_cursor, encode_cursor, page_size
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.domain.notices import Notice
from studio_credits.domain.usage import UsageReport, report, usage_days
from studio_credits.service.ports import Services

MAX_NOTICES = 100


@dataclass(frozen=True)
class HistoryPage:
    entries: list[LedgerEntry]
    cursors: list[str]
    end_cursor: str | None
    has_next_page: bool


def history(
    services: Services, account_id: str, history_filter: HistoryFilter, first: int, after: str | None
) -> HistoryPage:
    limit = page_size(first)
    after_id = None if after is None else decode_cursor(after, account_id, history_filter)
    entries, continue_after = services.repository.history_page(account_id, history_filter, limit, after_id)
    cursors = [encode_cursor(account_id, history_filter, entry.id) for entry in entries]
    end = None if continue_after is None else encode_cursor(account_id, history_filter, continue_after)
    return HistoryPage(
        entries, cursors, end or (cursors[-1] if cursors else None), continue_after is not None
    )


def usage(
    services: Services, account_id: str, year: int | None, since: datetime | None, until: datetime | None
) -> UsageReport:
    first, last = usage_days(year, since, until, services.clock.now())
    return report(services.repository.usage_days(account_id, first, last))


def forecast(services: Services, account: Account) -> forecasts.Forecast | None:
    """The run-out forecast of the account as of now; None without enough history for one."""
    now = services.clock.now()
    measured = forecasts.basis(account, now)
    if measured is None:
        return None
    days = services.repository.usage_days(
        account.id, measured.first_day.isoformat(), measured.last_day.isoformat()
    )
    return forecasts.forecast(account, report(days).total_credits, measured, now)


def notices(services: Services, account_id: str, first: int) -> list[Notice]:
    return services.repository.notices(account_id, max(1, min(first, MAX_NOTICES)))
