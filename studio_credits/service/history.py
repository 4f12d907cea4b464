"""Reading an account's credit history, usage and notices."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from studio_credits.domain import forecast as forecasts
from studio_credits.domain.account import Account
from studio_credits.domain.creatives import Creative
from studio_credits.domain.history import HistoryFilter, decode_cursor, encode_cursor, page_size
from studio_credits.domain.ledger import LedgerEntry
from studio_credits.domain.lots import Lot
from studio_credits.domain.notices import Notice, NoticeKind
from studio_credits.domain.usage import UsageReport, report, usage_days
from studio_credits.domain.would_buy import SPENDING_KINDS, WouldBuy, most_made_creative, would_buy
from studio_credits.service.ports import Services

MAX_NOTICES = 100
MADE_LATELY = 100
"""How many of the newest ledger entries say what a person makes most: one page, one query."""


@dataclass(frozen=True)
class ExpiringCredits:
    lot: Lot
    expires_at: datetime
    would_buy: WouldBuy | None
    """What the lot's credits would still make of the creative the person makes most."""


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


def most_made(services: Services, account_id: str) -> Creative | None:
    """The creative the person made most lately (their newest spending entries)."""
    spending = HistoryFilter(kinds=SPENDING_KINDS)
    entries, _ = services.repository.history_page(account_id, spending, MADE_LATELY, None)
    return most_made_creative(entries)


def expiring_soon(services: Services, account: Account, within: timedelta) -> list[ExpiringCredits]:
    """The lots with credits expiring within `within` of now, soonest first, and what they would buy."""
    horizon = services.clock.now() + within
    lots = sorted(
        (
            (lot.expires_at, lot)
            for lot in account.lots
            if lot.remaining and lot.expires_at is not None and lot.expires_at <= horizon
        ),
        key=lambda expiring: expiring[0],
    )
    made = most_made(services, account.id) if lots else None
    return [
        ExpiringCredits(lot, at, None if made is None else would_buy(lot.remaining, made, account.plan))
        for at, lot in lots
    ]


def notices(services: Services, account_id: str, first: int) -> list[Notice]:
    return services.repository.notices(account_id, max(1, min(first, MAX_NOTICES)))


def expiring_notices_worth(
    services: Services, account: Account, recorded: list[Notice]
) -> dict[str, WouldBuy]:
    """What the credits each CREDITS_EXPIRING notice is about would still make, by the notice's id."""
    told = [n for n in recorded if n.kind is NoticeKind.CREDITS_EXPIRING and n.credits]
    made = most_made(services, account.id) if told else None
    if made is None:
        return {}
    worth = {n.id: would_buy(n.credits or 0, made, account.plan) for n in told}
    return {notice_id: found for notice_id, found in worth.items() if found is not None}
