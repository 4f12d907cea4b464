"""Who is calling: claims from API Gateway's JWT authorizer in Lambda, dev tokens locally."""

from datetime import datetime, timedelta
from typing import Any, Protocol

from starlette.requests import Request

from studio_credits.api.errors import Forbidden, Unauthenticated
from studio_credits.domain.access import (
    ACCESS_TOKEN,
    ADMIN_GROUP,
    ID_TOKEN,
    SERVICE_SCOPE,
    AppClients,
    Principal,
    Role,
    TokenClaims,
    principal_of,
)
from studio_credits.domain.errors import NotAllowed, NotIdentified

DEV_ISSUER = "studio-credits-dev"
DEV_TOKEN_LIFETIME = timedelta(hours=12)


class IdentitySource(Protocol):
    def identify(self, request: Request) -> Principal: ...


def identified(claims: dict[str, Any], clients: AppClients, scopes: list[str] | None = None) -> Principal:
    """The caller verified claims name (domain/access.py has the rule), or a coded refusal."""
    token = TokenClaims(
        token_use=_text(claims.get("token_use")),
        subject=_text(claims.get("sub")),
        client_id=_text(claims.get("client_id")),
        audience=frozenset(_strings(claims.get("aud"))),
        email=_text(claims.get("email")),
        scopes=frozenset([*(scopes or []), *_strings(claims.get("scope"))]),
        groups=frozenset(_strings(claims.get("cognito:groups"))),
    )
    try:
        return principal_of(token, clients)
    except NotIdentified as error:
        raise Unauthenticated(str(error)) from None
    except NotAllowed as error:
        raise Forbidden(str(error)) from None


class AuthorizerClaims:
    """Reads the claims API Gateway verified; never looks at the Authorization header itself."""

    def __init__(self, clients: AppClients) -> None:
        self._clients = clients

    def identify(self, request: Request) -> Principal:
        event = request.scope.get("aws.event") or {}
        authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
        jwt = authorizer.get("jwt") or {}
        claims: dict[str, Any] = jwt.get("claims") or {}
        if not claims:
            raise Unauthenticated("sign in: the request carries no verified identity")
        return identified(claims, self._clients, [str(scope) for scope in jwt.get("scopes") or []])


def _text(value: object) -> str | None:
    return value if isinstance(value, str) and value else None


def _strings(value: object) -> list[str]:
    """A claim of several values: a list, a space-separated string ("scope"), or a list flattened
    by API Gateway into "[a b]" (Cognito groups)."""
    if isinstance(value, list):
        return [str(item) for item in value]
    if isinstance(value, str):
        return value.strip("[]").replace(",", " ").split()
    return []


class DevTokens:
    """HS256 tokens minted by `studio-credits token`: the local server only."""

    def __init__(self, secret: str, clients: AppClients) -> None:
        self._secret = secret
        self._clients = clients

    def identify(self, request: Request) -> Principal:
        import jwt  # only the local server verifies tokens itself

        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            raise Unauthenticated("sign in: send 'Authorization: Bearer <token>'")
        try:
            claims = jwt.decode(
                token,
                self._secret,
                algorithms=["HS256"],
                issuer=DEV_ISSUER,
                # The audience is the identity rule's to check, as in Lambda (an access token has none).
                options={"require": ["exp", "iss", "sub"], "verify_aud": False},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired: mint a new one") from None
        except jwt.InvalidTokenError as error:
            raise Unauthenticated(f"the token is not valid: {error}") from None
        return identified(claims, self._clients)

    def mint(self, subject: str, role: Role, now: datetime, email: str | None = None) -> str:
        """Shaped as Cognito's: the service's access token of its client (whose id is its subject,
        as in client credentials), a person's or an admin's ID token of the web client."""
        import jwt

        claims: dict[str, Any] = {"iss": DEV_ISSUER, "iat": now, "exp": now + DEV_TOKEN_LIFETIME}
        if role is Role.SERVICE:
            client = self._clients.service
            claims |= {"token_use": ACCESS_TOKEN, "sub": client, "client_id": client, "scope": SERVICE_SCOPE}
        else:
            claims |= {"token_use": ID_TOKEN, "sub": subject, "aud": self._clients.web}
            if email:
                claims["email"] = email
            if role is Role.ADMIN:
                claims["cognito:groups"] = [ADMIN_GROUP]
        return jwt.encode(claims, self._secret, algorithm="HS256")
