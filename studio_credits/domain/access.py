"""Who may do what: the roles (user, service, admin) and every rule about them, in one place."""

from dataclasses import dataclass
from enum import Enum

from studio_credits.domain.errors import InvalidInput, NotAllowed

SERVICE_SCOPE = "credits/service"
ADMIN_GROUP = "admins"


class Role(Enum):
    USER = "user"
    SERVICE = "service"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    email: str | None = None

    @classmethod
    def from_claims(cls, subject: str, email: str | None, scopes: set[str], groups: set[str]) -> "Principal":
        if SERVICE_SCOPE in scopes:
            return cls(subject, Role.SERVICE, email)
        if ADMIN_GROUP in groups:
            return cls(subject, Role.ADMIN, email)
        return cls(subject, Role.USER, email)

    @property
    def actor(self) -> str:
        return f"{self.role.value}:{self.subject}"


def own_account_id(principal: Principal) -> str:
    """The account a person signs in as; a service has none."""
    if principal.role is Role.SERVICE:
        raise NotAllowed("a service has no account of its own; name the account")
    return principal.subject


def check_may_read(principal: Principal, account_id: str) -> None:
    """A person reads their own account; the service and admins read any.

    The fields of an account (its history, usage and notices) are read only through an account
    the caller was allowed to read here (`viewer`, `account(id)`), so they check nothing more.
    """
    if principal.role is Role.USER and account_id != principal.subject:
        raise NotAllowed("you may read only your own account")


def quoted_account(principal: Principal, account_id: str | None) -> str | None:
    """The account whose plan a quote prices, to read as `check_may_read` allows; None: the caller's
    own (a person naming no account, or their own). The service has no account: it names one."""
    if principal.role is Role.SERVICE:
        if account_id is None:
            raise InvalidInput("account_id", "a service quotes for a named account")
        return account_id
    return None if account_id in (None, principal.subject) else account_id


def check_may_spend(principal: Principal) -> None:
    """Consuming, reserving, settling and refunding belong to the generation service."""
    if principal.role is not Role.SERVICE:
        raise NotAllowed("only the generation service may spend, reserve, settle or refund credits")


def check_may_change_plan(principal: Principal) -> None:
    """A plan is paid for by its person: neither the service nor an admin changes, cancels or resumes it."""
    if principal.role is not Role.USER:
        raise NotAllowed(
            "only the account's own user may change, cancel or resume its plan (they pay for it)"
        )


def check_may_grant(principal: Principal) -> None:
    if principal.role not in (Role.SERVICE, Role.ADMIN):
        raise NotAllowed("only the service or an admin may grant or adjust credits")
