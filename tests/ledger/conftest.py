"""Ledger fixtures: an account on a plan with credits, and callers in each role."""

from dataclasses import replace

import pytest

from studio_credits.domain.access import Principal, Role
from studio_credits.domain.account import Account
from studio_credits.domain.catalogue import Resolution
from studio_credits.domain.change import Change
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.service.accounts import viewer_account
from studio_credits.service.ports import Services

SERVICE = Principal("generation-service", Role.SERVICE)
ADMIN = Principal("admin-1", Role.ADMIN)


def image(outputs: int = 1, resolution: Resolution = Resolution.RES_1080P) -> Creative:
    return Creative(kind=CreativeKind.IMAGE, resolution=resolution, outputs=outputs)


def open_on_plan(services: Services, account_id: str, plan_id: str = "free") -> Account:
    """A fresh account, moved onto `plan_id` directly (plan changes are another feature's business)."""
    account = viewer_account(services, Principal(account_id, Role.USER))
    if plan_id != "free":
        account = services.repository.commit(Change(replace(account, plan_id=plan_id)))
    return account


@pytest.fixture
def account(services: Services) -> Account:
    return open_on_plan(services, "acct-1", "pro")
