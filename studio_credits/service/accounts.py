"""Finding accounts, and opening one at a person's first visit."""

from studio_credits.domain.access import Principal, check_may_read, own_account_id
from studio_credits.domain.account import Account, open_account
from studio_credits.domain.change import Change
from studio_credits.domain.errors import DomainError
from studio_credits.service.ports import AccountExists, Services


class AccountNotFound(DomainError):
    def __init__(self, account_id: str) -> None:
        super().__init__(f"no account {account_id!r}")


def viewer_account(services: Services, principal: Principal) -> Account:
    """The signed-in person's account, opened on the free plan at first sight, exactly once."""
    account_id = own_account_id(principal)
    account = services.repository.get(account_id)
    if account is not None:
        return account
    account, grant = open_account(account_id, principal.email, services.clock.now())
    try:
        return services.repository.commit(Change(account, (grant,), creates_account=True))
    except AccountExists:
        # A concurrent first call opened it: show that one, never a second.
        return require_account(services, account_id)


def find_account(services: Services, principal: Principal, account_id: str) -> Account | None:
    check_may_read(principal, account_id)
    return services.repository.get(account_id)


def require_account(services: Services, account_id: str) -> Account:
    account = services.repository.get(account_id)
    if account is None:
        raise AccountNotFound(account_id)
    return account
