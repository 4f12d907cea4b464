"""Ledger fixtures: a person's account subscribed to Pro."""

import pytest

from studio_credits.domain.account import Account
from studio_credits.service.ports import Services
from tests.support.accounts import person, subscribe


@pytest.fixture
def account(services: Services) -> Account:
    """Opened on the free plan (100 credits) at START, then upgraded to Pro, which applies at once:
    a lot of 3,000 - 100 = 2,900 more credits for the period, so 100 + 2,900 = 3,000 available."""
    return subscribe(services, person("acct-1"), "pro")
