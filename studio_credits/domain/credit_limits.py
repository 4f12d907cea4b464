"""How many credits the product moves and holds: a grant, an adjustment or a refund, what may be
granted in one period, and a balance. Far below 2^31 - 1, so every count the API returns (a
balance, an entry's amount and balance after, a period's or a range's totals) fits GraphQL's Int:
a balance stays under MAX_BALANCE plus one period's plan credits, and a century of periods
granting MAX_GRANTED_IN_PERIOD each spends less than 2^31.
"""

from dataclasses import dataclass

from studio_credits.domain.account import Account

MAX_CHANGE = 1_000_000
"""The most one grant, adjustment (either way) or refund moves."""
MAX_GRANTED_IN_PERIOD = 1_000_000
"""The most credits granted in one period, the plan's included."""
MAX_BALANCE = 10_000_000
"""The most credits an account may hold (its lots' total, reserved ones included) after a grant or a
refund; only the plan's own period grant may take it past."""


@dataclass(frozen=True)
class CreditLimitExceeded:
    limit: int
    message: str


def grant_limit(account: Account, amount: int) -> CreditLimitExceeded | None:
    """Why a grant (or an adjustment, when negative) of `amount` would break a limit, if it would."""
    if abs(amount) > MAX_CHANGE:
        return CreditLimitExceeded(
            MAX_CHANGE, f"one grant or adjustment moves at most {MAX_CHANGE:,} credits, not {abs(amount):,}"
        )
    if amount > 0 and account.period_granted + amount > MAX_GRANTED_IN_PERIOD:
        return CreditLimitExceeded(
            MAX_GRANTED_IN_PERIOD,
            f"at most {MAX_GRANTED_IN_PERIOD:,} credits are granted in a period; "
            f"{account.period_granted:,} are already",
        )
    return balance_limit(account, amount)


def balance_limit(account: Account, added: int) -> CreditLimitExceeded | None:
    """Why adding `added` credits would take the account past MAX_BALANCE, if it would."""
    if added > 0 and account.balance + added > MAX_BALANCE:
        return CreditLimitExceeded(
            MAX_BALANCE, f"an account holds at most {MAX_BALANCE:,} credits; it holds {account.balance:,}"
        )
    return None
