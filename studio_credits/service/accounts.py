"""Finding accounts, and opening one at a person's first visit."""

from studio_credits.domain.access import Principal, check_may_read, own_account_id
from studio_credits.domain.account import Account, open_account
from studio_credits.domain.as_of import as_of
from studio_credits.domain.change import Change
from studio_credits.domain.errors import DomainError
from studio_credits.service.ports import AccountExists, Services


class AccountNotFound(DomainError):
    def __init__(self, account_id: str) -> None:
        super().__init__(f"no account {account_id!r}")


def viewer_account(services: Services, principal: Principal) -> Account:
    """The signed-in person's account as of now, opened on the free plan at first sight, exactly once."""
    account_id = own_account_id(principal)
    account = _current(services, account_id)
    if account is not None:
        return account
    account, grant = open_account(account_id, principal.email, services.clock.now())
    try:
        return services.repository.commit(Change(account, (grant,), creates_account=True))
    except AccountExists:
        # A concurrent first call opened it: show that one, never a second.
        opened = _current(services, account_id)
        if opened is None:
            raise AccountNotFound(account_id) from None
        return opened


def find_account(services: Services, principal: Principal, account_id: str) -> Account | None:
    """An account as of now (what has ended by now applied in memory), if the principal may read it."""
    check_may_read(principal, account_id)
    return _current(services, account_id)


def _current(services: Services, account_id: str) -> Account | None:
    stored = services.repository.get(account_id)
    return None if stored is None else as_of(stored, services.clock.now()).account
