"""The ledger as read from an account: its usage, its history and its notices (fields of Account)."""

from datetime import datetime
from typing import Annotated, Protocol

import strawberry

from studio_credits.api.context import Info
from studio_credits.api.errors import inputs_at
from studio_credits.api.ledger.inputs import HistoryFilter
from studio_credits.api.ledger.types import (
    LedgerEntry,
    LedgerEntryConnection,
    LedgerEntryEdge,
    Notice,
    PageInfo,
    UsageReport,
)
from studio_credits.domain.account import Account
from studio_credits.domain.inputs import INSTANT, YEAR
from studio_credits.service import history

DEFAULT_PAGE = 20


class AccountRoot(Protocol):
    """The Account these fields hang on (api/accounts/types.py), as far as they read it."""

    @property
    def id(self) -> strawberry.ID: ...

    @property
    def holder(self) -> Account: ...


def account_usage(
    root: AccountRoot,
    info: Info,
    year: int | None = None,
    from_: Annotated[datetime | None, strawberry.argument(name="from")] = None,
    to: datetime | None = None,
) -> UsageReport:
    with inputs_at(since="from"):
        spent = history.usage(
            info.context.services,
            str(root.id),
            YEAR.check_optional("year", year),
            INSTANT.check_optional("since", from_),
            INSTANT.check_optional("to", to),
        )
    return UsageReport.of(spent)


def account_history(
    root: AccountRoot,
    info: Info,
    filter: HistoryFilter | None = None,
    first: int | None = DEFAULT_PAGE,
    after: str | None = None,
) -> LedgerEntryConnection:
    with inputs_at(year="filter.year", since="filter.from", until="filter.to"):
        selected = (filter or HistoryFilter()).to_domain()
        page = history.history(
            info.context.services, str(root.id), selected, DEFAULT_PAGE if first is None else first, after
        )
    return LedgerEntryConnection(
        edges=[
            LedgerEntryEdge(cursor=cursor, node=LedgerEntry.of(entry))
            for entry, cursor in zip(page.entries, page.cursors, strict=True)
        ],
        page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
    )


def account_notices(root: AccountRoot, info: Info, first: int | None = DEFAULT_PAGE) -> list[Notice]:
    services = info.context.services
    recorded = history.notices(services, str(root.id), DEFAULT_PAGE if first is None else first)
    worth = history.expiring_notices_worth(services, root.holder, recorded)
    return [Notice.of(notice, worth.get(notice.id)) for notice in recorded]
