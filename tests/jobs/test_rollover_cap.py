"""A paid plan's rollover cap below its monthly credits. Every plan of the catalogue caps its rollover at
its monthly credits, so a capped paid plan is made here: Pro as it is, but keeping at most 1,000."""

from dataclasses import replace
from datetime import timedelta

import pytest

from studio_credits.domain import catalogue
from studio_credits.domain.catalogue import RolloverRule
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import LotSource
from studio_credits.jobs.refresh import refresh
from studio_credits.service import ledger
from studio_credits.service.accounts import viewer_account
from studio_credits.service.ports import Services
from tests.support.accounts import ADMIN, at, person, subscribe
from tests.support.ledger import checked_ledger, stored_account


@pytest.fixture
def capped_pro(monkeypatch: pytest.MonkeyPatch) -> None:
    pro = catalogue.plan_by_id("pro")
    monkeypatch.setitem(catalogue._PLANS_BY_ID, "pro", replace(pro, rollover=RolloverRule(1_000, 1)))


@pytest.mark.usefixtures("capped_pro")
@pytest.mark.parametrize(
    ("spent", "rolled", "balance"),
    [
        # 3,000 - 1,200 = 1,800 unused: the cap keeps 1,000; 1,000 + 3,000 granted
        (1_200, 1_000, 4_000),
        # 3,000 - 2,000 = 1,000 unused: exactly the cap
        (2_000, 1_000, 4_000),
        # 3,000 - 2,500 = 500 unused, under the cap: all of it rolls
        (2_500, 500, 3_500),
    ],
)
def test_a_paid_plan_rolls_over_its_unused_credits_up_to_its_cap(
    services: Services, clock: FixedClock, spent: int, rolled: int, balance: int
) -> None:
    who = person("capped")
    viewer_account(services, who)  # opened on the free plan at 24 Nov 2026 12:00
    clock.at += timedelta(minutes=1)
    account = subscribe(services, who, "pro")  # 100 + 2,900 more credits for the month
    assert (account.plan.rollover.cap_credits, account.available) == (1_000, 3_000)
    taken = ledger.grant(services, ADMIN, account.id, -spent, LotSource.ADJUSTMENT, None, "spent", "spend")
    assert isinstance(taken, ledger.Recorded)

    clock.at = at(2026, 12, 24)
    assert refresh(services, account.id) == 1  # the renewal charged, which granted its period

    after = stored_account(services.repository, account.id)
    boundary = checked_ledger(services.repository, after)[-4:]
    assert [(e.kind, e.amount, e.balance_after) for e in boundary] == [
        (EntryKind.EXPIRE, -(3_000 - spent), 0),
        (EntryKind.ROLLOVER, rolled, rolled),
        (EntryKind.RENEWAL, 0, rolled),
        (EntryKind.GRANT, 3_000, balance),
    ]
    assert boundary[1].description == f"{rolled:,} unused Pro plan credits rolled over, until 24 Jan 2027"
    assert [(lot.source, lot.remaining) for lot in after.lots] == [
        (LotSource.ROLLOVER, rolled),
        (LotSource.PLAN, 3_000),
    ]
    assert (after.balance, after.period_granted) == (balance, balance)
