"""Production sign-in (web/src/cognito.ts) against a stand-in for Cognito's hosted UI: the
authorization code flow with PKCE, then the ID token on every API call.

The stand-in answers the hosted UI's two endpoints in the browser (Playwright routes): the
authorize page redirects back with a code, and the token endpoint gives an ID token only for the
verifier whose S256 challenge the app sent. The local server does not accept that token (it
verifies its own dev tokens), so the app ends on its sign-in screen, as after an expired sign-in.
"""

import base64
import hashlib
import json
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import Page, Request, Route, expect

from tests.http.dev_server import FROZEN_NOW, DevServer

HOSTED_UI = "https://auth.studio.test"
ISSUER = "https://cognito-idp.us-east-1.amazonaws.com/us-east-1_TestPool1"
CLIENT_ID = "web-app-client"
CODE = "the-authorization-code"


def base64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def id_token(subject: str) -> str:
    """What the token endpoint returns: a JWT with Cognito's claims (its signature is not checked
    in the browser; API Gateway's authorizer checks it in production). Issued at the browser's clock,
    which checks its lifetime."""
    now = int(FROZEN_NOW.timestamp())
    header = {"alg": "RS256", "typ": "JWT", "kid": "test"}
    claims = {"iss": ISSUER, "aud": CLIENT_ID, "sub": subject, "iat": now, "exp": now + 3600}
    return ".".join(base64url(json.dumps(part).encode()) for part in (header, claims)) + ".c2lnbmF0dXJl"


def test_sign_in_with_the_hosted_ui_code_flow_and_pkce(page: Page, server: DevServer) -> None:
    config = {
        "signIn": "cognito",
        "issuer": ISSUER,
        "domain": HOSTED_UI.removeprefix("https://"),
        "clientId": CLIENT_ID,
    }
    authorize: dict[str, str] = {}
    exchanged: dict[str, str] = {}
    sent_tokens: list[str | None] = []
    token = id_token("hosted-ui-person")

    def hosted_ui_authorize(route: Route) -> None:
        authorize.update(
            {key: values[0] for key, values in parse_qs(urlsplit(route.request.url).query).items()}
        )
        back = f"{authorize['redirect_uri']}?code={CODE}&state={authorize['state']}"
        route.fulfill(status=302, headers={"location": back})

    def hosted_ui_token(route: Route) -> None:
        exchanged.update({key: values[0] for key, values in parse_qs(route.request.post_data or "").items()})
        verifier_challenge = base64url(hashlib.sha256(exchanged["code_verifier"].encode()).digest())
        grant = {"id_token": token, "access_token": "access", "token_type": "Bearer", "expires_in": 3600}
        if exchanged["code"] != CODE or verifier_challenge != authorize["code_challenge"]:
            grant = {"error": "invalid_grant"}
        route.fulfill(
            status=200 if "id_token" in grant else 400,
            json=grant,
            headers={"access-control-allow-origin": server.url},
        )

    def api_call(request: Request) -> None:
        if request.url.endswith("/graphql"):
            sent_tokens.append(request.headers.get("authorization"))

    page.route(f"{server.url}/config.json", lambda route: route.fulfill(json=config))
    page.route(f"{HOSTED_UI}/oauth2/authorize?*", hosted_ui_authorize)
    page.route(f"{HOSTED_UI}/oauth2/token", hosted_ui_token)
    page.on("request", api_call)

    page.goto(f"{server.url}/history")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in to Credits and Plans")
    page.get_by_role("button", name="Sign in").click()

    # Back from the hosted UI: the code exchanged once, with the verifier of the challenge sent.
    expect(page.get_by_role("alert")).to_contain_text("Your sign-in has ended or was not accepted")
    assert authorize["response_type"] == "code"
    assert (authorize["client_id"], authorize["redirect_uri"]) == (CLIENT_ID, f"{server.url}/")
    assert authorize["code_challenge_method"] == "S256"
    assert exchanged["grant_type"] == "authorization_code" and exchanged["client_id"] == CLIENT_ID
    assert sent_tokens and set(sent_tokens) == {f"Bearer {token}"}
    assert page.url == f"{server.url}/history"  # the code and state are out of the address bar
    expect(page.get_by_role("button", name="Sign in")).to_be_visible()
