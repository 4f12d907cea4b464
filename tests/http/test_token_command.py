"""`studio-credits token`: dev tokens whose claims carry the role the local server reads back."""

from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest
from starlette.requests import Request

from studio_credits.api.identity import DEV_ISSUER, DEV_TOKEN_LIFETIME, DevTokens
from studio_credits.cli import main
from studio_credits.domain.access import Principal, Role
from studio_credits.settings import Settings


def mint(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    main(["token", *args])
    return capsys.readouterr().out.strip()


def decoded(token: str) -> dict[str, Any]:
    claims: dict[str, Any] = jwt.decode(
        token,
        Settings.from_environment().dev_token_secret,
        algorithms=["HS256"],
        issuer=DEV_ISSUER,
        options={"verify_aud": False},
    )
    return claims


def identify(token: str) -> Principal:
    request = Request({"type": "http", "headers": [(b"authorization", f"Bearer {token}".encode())]})
    settings = Settings.from_environment()
    return DevTokens(settings.dev_token_secret, settings.app_clients).identify(request)


def test_a_user_token_by_default_is_an_id_token_of_the_web_client(capsys: pytest.CaptureFixture[str]) -> None:
    token = mint(capsys, "--sub", "u-7", "--email", "u7@studio.example")

    claims = decoded(token)
    assert (claims["sub"], claims["email"], claims["iss"]) == ("u-7", "u7@studio.example", DEV_ISSUER)
    assert (claims["token_use"], claims["aud"]) == ("id", Settings.from_environment().web_client_id)
    assert "scope" not in claims and "cognito:groups" not in claims
    assert identify(token) == Principal("u-7", Role.USER, "u7@studio.example")


def test_a_service_token_is_an_access_token_of_the_service_client_with_its_scope(
    capsys: pytest.CaptureFixture[str],
) -> None:
    token = mint(capsys, "--sub", "generation-service", "--role", "service")

    claims, client = decoded(token), Settings.from_environment().service_client_id
    assert (claims["token_use"], claims["client_id"]) == ("access", client)
    assert claims["scope"] == "credits/service"
    assert identify(token) == Principal(client, Role.SERVICE)


def test_an_admin_token_carries_the_admins_group(capsys: pytest.CaptureFixture[str]) -> None:
    token = mint(capsys, "--sub", "admin-1", "--role", "admin", "--email", "ops@studio.example")

    assert decoded(token)["cognito:groups"] == ["admins"]
    assert identify(token) == Principal("admin-1", Role.ADMIN, "ops@studio.example")


def test_a_token_lasts_twelve_hours(capsys: pytest.CaptureFixture[str]) -> None:
    before = datetime.now(UTC).replace(microsecond=0)

    claims = decoded(mint(capsys, "--sub", "u-7"))

    lifetime = datetime.fromtimestamp(claims["exp"], UTC) - datetime.fromtimestamp(claims["iat"], UTC)
    assert lifetime == DEV_TOKEN_LIFETIME == timedelta(hours=12)
    assert datetime.fromtimestamp(claims["iat"], UTC) >= before


def test_an_unknown_role_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["token", "--sub", "u-7", "--role", "root"])

    assert "invalid choice: 'root'" in capsys.readouterr().err


def test_a_subject_is_required(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["token"])

    assert "--sub" in capsys.readouterr().err
