"""Who may do what: the roles (user, service, admin) and every rule about them, in one place."""

from dataclasses import dataclass
from enum import Enum

from studio_credits.domain.errors import InvalidInput, NotAllowed, NotIdentified
from studio_credits.domain.inputs import ACCOUNT_ID

SERVICE_SCOPE = "credits/service"
ADMIN_GROUP = "admins"
ACCESS_TOKEN, ID_TOKEN = "access", "id"


class Role(Enum):
    USER = "user"
    SERVICE = "service"
    ADMIN = "admin"


@dataclass(frozen=True)
class Principal:
    subject: str
    role: Role
    email: str | None = None

    @property
    def actor(self) -> str:
        """Who made a ledger entry: "service", or the role and subject of a person or an admin."""
        if self.role is Role.SERVICE:
            return Role.SERVICE.value
        return f"{self.role.value}:{self.subject}"


@dataclass(frozen=True)
class AppClients:
    """The user pool's app clients whose tokens are accepted: the web client signs people in, the
    generation service's client gets access tokens for itself (client credentials)."""

    web: str
    service: str


@dataclass(frozen=True)
class TokenClaims:
    """What a verified token says (its signature, issuer and expiry checked before it comes here)."""

    token_use: str | None
    subject: str | None
    client_id: str | None
    audience: frozenset[str]
    email: str | None
    scopes: frozenset[str]
    groups: frozenset[str]


def principal_of(token: TokenClaims, clients: AppClients) -> Principal:
    """The caller a token names, as README's identity table says; NotIdentified or NotAllowed else.

    The service only from an access token of its own client that carries the service scope;
    people (and admins, by group) only from an ID token of the web client. No other claim, a
    scope in an ID token or a client id without a subject, makes anyone."""
    if token.token_use == ACCESS_TOKEN:
        if token.client_id != clients.service:
            raise NotIdentified("access tokens are accepted only from the generation service's app client")
        if SERVICE_SCOPE not in token.scopes:
            raise NotAllowed(f"the service's access token lacks the {SERVICE_SCOPE} scope")
        return Principal(token.client_id, Role.SERVICE)
    if token.token_use == ID_TOKEN:
        if token.audience != {clients.web}:
            raise NotIdentified("ID tokens are accepted only from the web client")
        if token.subject is None or not ACCOUNT_ID.accepts(token.subject):
            raise NotIdentified("the ID token's subject is not an account id")
        role = Role.ADMIN if ADMIN_GROUP in token.groups else Role.USER
        return Principal(token.subject, role, token.email)
    raise NotIdentified("sign in: an ID token of the web client, or the service's access token")


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


def may_see_who_recorded(principal: Principal) -> bool:
    """Who made an entry (an admin's subject among them) is for the service and admins, not people."""
    return principal.role is not Role.USER


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


def check_may_choose_emails(principal: Principal) -> None:
    """Which emails a person gets is theirs to say: not the service's, nor an admin's."""
    if principal.role is not Role.USER:
        raise NotAllowed("only the account's own user may choose which emails they get")


def check_may_grant(principal: Principal, account_id: str) -> None:
    """The service and admins grant, an admin never to their own account."""
    if principal.role not in (Role.SERVICE, Role.ADMIN):
        raise NotAllowed("only the service or an admin may grant or adjust credits")
    if principal.role is Role.ADMIN and account_id == principal.subject:
        raise NotAllowed("an admin may not grant or adjust credits on their own account")
