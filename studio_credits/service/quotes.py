"""Quoting a creative against the plan of the account that would pay for it."""

from studio_credits.domain.access import Principal, quoted_account
from studio_credits.domain.account import Account
from studio_credits.domain.creatives import Creative
from studio_credits.domain.errors import InvalidInput
from studio_credits.domain.pricing import Quote, quote
from studio_credits.service.accounts import find_account, viewer_account
from studio_credits.service.ports import Services


def quote_for(services: Services, principal: Principal, creative: Creative, account_id: str | None) -> Quote:
    return quote(creative, paying_account(services, principal, account_id).plan)


def paying_account(services: Services, principal: Principal, account_id: str | None) -> Account:
    """The account a quote or a plan prices for, as of now: the caller's own, or the one named (the
    service always names one)."""
    named = quoted_account(principal, account_id)
    if named is None:
        return viewer_account(services, principal)
    found = find_account(services, principal, named)
    if found is None:
        raise InvalidInput("account_id", f"no account {named!r}")
    return found
