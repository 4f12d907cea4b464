"""The local server: an embedded DynamoDB (moto), the tables, a demo account, tokens, uvicorn."""

import logging
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from studio_credits.service.ports import Services

DEMO_USER = "demo-user"
DEMO_EMAIL = "demo@studio.example"
WEB_APP = Path(__file__).resolve().parent.parent / "web" / "dist"
"""The built web client (`make dev` builds it), served at / when it is there."""


@contextmanager
def embedded_dynamodb(host: str = "127.0.0.1") -> Iterator[str]:
    """moto's server in this process, on a free port; yields its endpoint."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per DynamoDB call
    server = ThreadedMotoServer(ip_address=host, port=0, verbose=False)
    server.start()
    address, port = server.get_host_and_port()
    try:
        yield f"http://{address}:{port}"
    finally:
        server.stop()


def use_local_aws(endpoint: str) -> None:
    """Point DynamoDB at `endpoint` with throwaway credentials, before the store is imported."""
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = endpoint
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_REGION", "us-east-1")


def prepare(endpoint: str) -> dict[str, str]:
    """Create the tables, seed the demo account; return tokens by role."""
    use_local_aws(endpoint)
    from studio_credits.api.identity import DevTokens
    from studio_credits.domain.access import Role
    from studio_credits.settings import get_settings
    from studio_credits.store.tables import create_tables
    from studio_credits.wiring import build_services

    settings = get_settings()
    create_tables()
    services = build_services(settings)
    seed_demo_account(services)
    tokens = DevTokens(settings.dev_token_secret)
    now = services.clock.now()
    return {
        "user": tokens.mint(DEMO_USER, Role.USER, now, email=DEMO_EMAIL),
        "service": tokens.mint("generation-service", Role.SERVICE, now),
        "admin": tokens.mint("admin-1", Role.ADMIN, now, email="admin@studio.example"),
    }


def seed_demo_account(services: "Services") -> None:
    """The demo person: on Pro, with a top-up and a few creatives spent. Fixed idempotency keys,
    so seeding an existing DynamoDB again changes nothing."""
    from studio_credits.domain.access import Principal, Role
    from studio_credits.domain.catalogue import BillingInterval, Resolution
    from studio_credits.domain.creatives import Creative, CreativeKind
    from studio_credits.domain.lots import LotSource
    from studio_credits.service import ledger, plans
    from studio_credits.service.accounts import viewer_account

    person = Principal(DEMO_USER, Role.USER, DEMO_EMAIL)
    studio = Principal("demo-seed", Role.SERVICE)
    viewer_account(services, person)
    plans.change_plan(services, person, "pro", BillingInterval.MONTHLY, "demo-seed-upgrade")
    ledger.grant(services, studio, DEMO_USER, 500, LotSource.TOP_UP, None, "demo top-up", "demo-seed-top-up")
    spent = [
        Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_2K, outputs=4),
        Creative(kind=CreativeKind.VIDEO, resolution=Resolution.RES_1080P, duration_seconds=8),
        Creative(
            kind=CreativeKind.MULTI_SHOT_VIDEO, resolution=Resolution.RES_720P, duration_seconds=12, shots=3
        ),
    ]
    for n, creative in enumerate(spent):
        ledger.consume(services, studio, DEMO_USER, creative, f"demo-job-{n}", f"demo-seed-spend-{n}")


def built_web_app() -> Path | None:
    return WEB_APP if (WEB_APP / "index.html").is_file() else None


def banner(url: str, endpoint: str, tokens: dict[str, str], web_app: Path | None) -> str:
    if web_app is None:
        web = ["The web client is not built (`make dev` builds it into web/dist)."]
    else:
        web = [
            "The web client, signed in as the demo person (the token stays in that tab):",
            f"  open {url}/#token={tokens['user']}",
        ]
    lines = [
        "",
        f"studio credits: GraphiQL at {url}/graphql",
        f"DynamoDB endpoint: {endpoint}",
        "",
        "Dev tokens (Authorization: Bearer <token>, valid 12 hours):",
        *(f"  {role:8} {token}" for role, token in tokens.items()),
        "",
        "Try it:",
        f"  curl -s {url}/graphql -H 'Content-Type: application/json' \\",
        f"    -H 'Authorization: Bearer {tokens['user']}' \\",
        '    -d \'{"query": "{ viewer { id plan { name } credits { available } } }"}\'',
        "",
        *web,
        "",
    ]
    return "\n".join(lines)


def serve(host: str, port: int) -> None:
    import uvicorn

    external = os.environ.get("AWS_ENDPOINT_URL_DYNAMODB")
    with _endpoint(external) as endpoint:
        tokens = prepare(endpoint)
        from studio_credits.settings import get_settings
        from studio_credits.wiring import dev_app

        web_app = built_web_app()
        print(banner(f"http://{host}:{port}", endpoint, tokens, web_app), flush=True)
        uvicorn.run(dev_app(get_settings(), web_app=web_app), host=host, port=port, log_level="info")


@contextmanager
def _endpoint(external: str | None) -> Iterator[str]:
    if external:
        yield external
    else:
        with embedded_dynamodb() as endpoint:
            yield endpoint
