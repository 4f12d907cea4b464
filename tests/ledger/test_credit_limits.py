"""The product's limits on credits (domain/credit_limits.py): a grant, an adjustment or a refund that
would break one is refused as data, and nothing is written."""

from dataclasses import replace

from studio_credits.domain import spending
from studio_credits.domain.account import Account
from studio_credits.domain.credit_limits import (
    MAX_BALANCE,
    MAX_CHANGE,
    MAX_GRANTED_IN_PERIOD,
    CreditLimitExceeded,
)
from studio_credits.domain.lots import Lot, LotSource
from studio_credits.service import ledger
from studio_credits.service.ports import Services
from tests.conftest import START
from tests.support.accounts import ADMIN, MONTHLY, SERVICE, on_plan
from tests.support.ledger import image, ledger_entries, recorded, stored_account


def test_one_grant_or_adjustment_moves_at_most_a_million_credits(
    services: Services, account: Account
) -> None:
    before = ledger_entries(services.repository, account.id)

    too_much = ledger.grant(services, ADMIN, account.id, 1_000_001, LotSource.PROMO, None, "n", "g-1")
    taken = ledger.grant(services, SERVICE, account.id, -1_000_001, LotSource.ADJUSTMENT, None, "n", "g-2")
    issue_13 = ledger.grant(
        services, ADMIN, account.id, 2_147_483_647, LotSource.ADJUSTMENT, None, "n", "g-3"
    )

    assert MAX_CHANGE == 1_000_000
    assert too_much == CreditLimitExceeded(
        1_000_000, "one grant or adjustment moves at most 1,000,000 credits, not 1,000,001"
    )
    assert isinstance(taken, CreditLimitExceeded) and taken.limit == 1_000_000
    assert isinstance(issue_13, CreditLimitExceeded) and issue_13.limit == 1_000_000
    assert ledger_entries(services.repository, account.id) == before
    assert stored_account(services.repository, account.id).available == 3_000


def test_a_period_grants_at_most_a_million_credits_the_plan_s_included(
    services: Services, account: Account
) -> None:
    # Pro granted 3,000 this period: 997,000 more reach the limit, one more credit passes it.
    reached = recorded(ledger.grant(services, ADMIN, account.id, 997_000, LotSource.PROMO, None, "n", "g-1"))
    past = ledger.grant(services, ADMIN, account.id, 1, LotSource.PROMO, None, "n", "g-2")

    assert MAX_GRANTED_IN_PERIOD == 1_000_000
    assert reached.account.period_granted == 1_000_000
    assert past == CreditLimitExceeded(
        1_000_000, "at most 1,000,000 credits are granted in a period; 1,000,000 are already"
    )


def holding(credits: int) -> Account:
    """A Pro account whose lots hold `credits` in all: its 3,000 plan credits and a promotion."""
    account = on_plan("pro", MONTHLY, START)
    promotion = Lot("promo-1", LotSource.PROMO, credits - 3_000, credits - 3_000, None, START)
    return replace(account, lots=(*account.lots, promotion))


def test_an_account_holds_at_most_ten_million_credits_after_a_grant() -> None:
    near = holding(MAX_BALANCE - 10)

    fits = spending.grant(near, 10, LotSource.PROMO, None, "n", "admin:a", START)
    beyond = spending.grant(near, 11, LotSource.PROMO, None, "n", "admin:a", START)

    assert MAX_BALANCE == 10_000_000
    assert isinstance(fits, spending.LedgerWrite) and fits.change.account.balance == 10_000_000
    assert beyond == CreditLimitExceeded(
        10_000_000, "an account holds at most 10,000,000 credits; it holds 9,999,990"
    )


def test_a_refund_that_would_pass_the_balance_limit_is_refused() -> None:
    spent = spending.consume(holding(3_000), image(), "job-1", "service", START)
    assert isinstance(spent, spending.LedgerWrite) and spent.entry is not None
    full = replace(spent.change.account, lots=holding(MAX_BALANCE).lots)

    refunded = spending.refund(full, spent.entry, None, "failed", "service", START)

    assert refunded == CreditLimitExceeded(
        10_000_000, "an account holds at most 10,000,000 credits; it holds 10,000,000"
    )
