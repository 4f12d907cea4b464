"""Who is calling: claims from API Gateway's JWT authorizer in Lambda, dev tokens locally."""

from datetime import datetime, timedelta
from typing import Any, Protocol

from starlette.requests import Request

from studio_credits.api.errors import Unauthenticated
from studio_credits.domain.access import ADMIN_GROUP, SERVICE_SCOPE, Principal, Role

DEV_ISSUER = "studio-credits-dev"
DEV_TOKEN_LIFETIME = timedelta(hours=12)


class IdentitySource(Protocol):
    def identify(self, request: Request) -> Principal: ...


class AuthorizerClaims:
    """Reads the claims API Gateway verified; never looks at the Authorization header itself."""

    def identify(self, request: Request) -> Principal:
        event = request.scope.get("aws.event") or {}
        authorizer = (event.get("requestContext") or {}).get("authorizer") or {}
        jwt = authorizer.get("jwt") or {}
        claims: dict[str, Any] = jwt.get("claims") or {}
        subject = claims.get("sub") or claims.get("client_id")
        if not subject:
            raise Unauthenticated("sign in: the request carries no verified identity")
        scopes = set(jwt.get("scopes") or []) | set(str(claims.get("scope", "")).split())
        return Principal.from_claims(
            str(subject), claims.get("email"), scopes, _groups(claims.get("cognito:groups"))
        )


def _groups(value: object) -> set[str]:
    """Cognito groups arrive as a list, or flattened by API Gateway into "[a b]"."""
    if isinstance(value, list):
        return {str(group) for group in value}
    if isinstance(value, str):
        return set(value.strip("[]").replace(",", " ").split())
    return set()


class DevTokens:
    """HS256 tokens minted by `studio-credits token`: the local server only."""

    def __init__(self, secret: str) -> None:
        self._secret = secret

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
                options={"require": ["exp", "iss", "sub"]},
            )
        except jwt.ExpiredSignatureError:
            raise Unauthenticated("the token has expired: mint a new one") from None
        except jwt.InvalidTokenError as error:
            raise Unauthenticated(f"the token is not valid: {error}") from None
        scopes = set(str(claims.get("scope", "")).split())
        return Principal.from_claims(
            claims["sub"], claims.get("email"), scopes, _groups(claims.get("cognito:groups"))
        )

    def mint(self, subject: str, role: Role, now: datetime, email: str | None = None) -> str:
        import jwt

        claims: dict[str, Any] = {
            "sub": subject,
            "iss": DEV_ISSUER,
            "iat": now,
            "exp": now + DEV_TOKEN_LIFETIME,
        }
        if email:
            claims["email"] = email
        if role is Role.SERVICE:
            claims["scope"] = SERVICE_SCOPE
        elif role is Role.ADMIN:
            claims["cognito:groups"] = [ADMIN_GROUP]
        return jwt.encode(claims, self._secret, algorithm="HS256")
