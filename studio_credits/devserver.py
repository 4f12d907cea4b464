"""The local server: embedded AWS (moto: DynamoDB and SES) and Stripe (localstripe), the tables, a
demo account, tokens, an optional test clock, uvicorn."""

import logging
import os
import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from studio_credits.domain.clock import Clock, FixedClock, SystemClock

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

    from studio_credits.service.ports import Services
    from studio_credits.settings import Settings

WEB_APP = Path(__file__).resolve().parent.parent / "web" / "dist"
"""The built web client (`make dev` builds it), served at / when it is there."""


@contextmanager
def embedded_aws(host: str = "127.0.0.1") -> Iterator[str]:
    """moto's server in this process, on a free port, applying one request at a time; yields its
    endpoint.

    moto's backends are not safe under concurrent requests: a TransactWriteItems checks its
    conditions, writes, and on a failed condition restores the tables as it copied them when it
    began, undoing what other requests committed meanwhile (two transactions on one account
    version can both succeed, an entry can vanish). DynamoDB applies each request atomically, so
    here each request holds one lock while moto handles it. Connections are still accepted and
    read on threads (HTTP keep-alive, SES and every other call work as before); only moto's work
    is serialised, which costs little as it runs under the GIL anyway.
    """
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per DynamoDB call
    back_up_each_table_once()
    moto = OneRequestAtATime(DomainDispatcherApplication(create_backend_app))
    server = make_server(host, 0, moto, threaded=True, request_handler=MotoRequestHandler)
    serving = threading.Thread(target=server.serve_forever, name="embedded-aws", daemon=True)
    serving.start()
    try:
        yield f"http://{host}:{server.port}"
    finally:
        server.shutdown()
        serving.join()


class OneRequestAtATime:
    """A WSGI app that lets one request in at a time, its response body produced under the lock."""

    def __init__(self, app: "WSGIApplication") -> None:
        self._app = app
        self._lock = threading.Lock()

    def __call__(self, environ: "WSGIEnvironment", start_response: "StartResponse") -> list[bytes]:
        with self._lock:
            response = self._app(environ, start_response)
            try:
                return [b"".join(response)]
            finally:
                close = getattr(response, "close", None)
                if close is not None:
                    close()


def back_up_each_table_once() -> None:
    """moto's TransactWriteItems backs up the whole table of each of its items before writing, to
    put it back on a failed condition: here three or four deep copies of the ledger table a
    transaction, a cost that grows with the table. One copy of each table is the same backup (no
    item is written before the last is taken); with one request at a time (OneRequestAtATime), the
    module's `copy` can be swapped for the call."""
    import copy

    from moto.dynamodb import models
    from moto.dynamodb.models.table import Table

    if getattr(models.DynamoDBBackend.transact_write_items, "backs_up_each_table_once", False):
        return
    transact = models.DynamoDBBackend.transact_write_items

    class TableBackups:
        def __init__(self) -> None:
            self.taken: dict[int, object] = {}

        def deepcopy(self, value: object) -> object:
            if not isinstance(value, Table):
                return copy.deepcopy(value)
            if id(value) not in self.taken:
                self.taken[id(value)] = copy.deepcopy(value)
            return self.taken[id(value)]

    def transact_write_items(backend: models.DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
        setattr(models, "copy", TableBackups())  # noqa: B010 (the module's own name for `copy`)
        try:
            transact(backend, transact_items)
        finally:
            setattr(models, "copy", copy)  # noqa: B010

    transact_write_items.backs_up_each_table_once = True  # type: ignore[attr-defined]
    setattr(models.DynamoDBBackend, "transact_write_items", transact_write_items)  # noqa: B010


TEST_CARDS = {
    "4242 4242 4242 4242": "pays",
    "4000 0000 0000 0002": "is declined",
    "4000 0027 6000 3184": "asks for 3D Secure",
    "4000 0000 0000 0341": "is saved, then declined at charge",
}
"""localstripe's cards (docs/localstripe.md), any future expiry and any CVC."""


def local_stripe() -> AbstractContextManager[str | None]:
    """localstripe in this process, yielding its URL; or nothing when STUDIO_CREDITS_STRIPE_API_BASE
    names a Stripe to use (Stripe's test mode, or a localstripe already running)."""
    if "STUDIO_CREDITS_STRIPE_API_BASE" in os.environ:
        return nullcontext()
    from studio_credits.payments.localstripe import embedded_localstripe

    return embedded_localstripe()


def use_local_stripe(base_url: str) -> None:
    """Point the payment provider and the web client's Stripe.js at the embedded localstripe."""
    os.environ["STUDIO_CREDITS_STRIPE_API_BASE"] = base_url
    os.environ["STUDIO_CREDITS_STRIPE_SCRIPT_URL"] = f"{base_url}/js.stripe.com/v3/"


def stripe_lines(settings: "Settings", embedded: bool) -> list[str]:
    where = settings.stripe_api_base or "Stripe's own API"
    if not embedded:
        return [f"Stripe: {where} (STUDIO_CREDITS_STRIPE_API_BASE)"]
    cards = (f"  {number}  {what}" for number, what in TEST_CARDS.items())
    return [f"Stripe: localstripe at {where}; test cards (any future expiry, any CVC):", *cards]


def use_local_aws(dynamodb: str, ses: str) -> None:
    """Point DynamoDB and SES at local endpoints with throwaway credentials, before the store is imported."""
    os.environ["AWS_ENDPOINT_URL_DYNAMODB"] = dynamodb
    os.environ["AWS_ENDPOINT_URL_SES"] = ses
    os.environ.setdefault("AWS_ACCESS_KEY_ID", "local")
    os.environ.setdefault("AWS_SECRET_ACCESS_KEY", "local")
    os.environ.setdefault("AWS_REGION", "us-east-1")


def warm_up(dynamodb: str, ses: str) -> None:
    """moto's server builds its app for a service and loads the service's backend at its first
    request: over a second on a busy machine. Done here, with time to spare, so that no call of the
    server's own (1 s to answer, README "Faults") waits on it."""
    import boto3
    from botocore.config import Config

    patient = Config(
        region_name=os.environ["AWS_REGION"],  # use_local_aws's default: boto3 reads only AWS_DEFAULT_REGION
        connect_timeout=60,
        read_timeout=60,
        retries={"total_max_attempts": 1},
    )
    boto3.client("dynamodb", endpoint_url=dynamodb, config=patient).list_tables()
    boto3.client("ses", endpoint_url=ses, config=patient).get_send_quota()


def prepare(services: "Services", settings: "Settings") -> dict[str, str]:
    """Create the tables, seed the demo account as of the services' clock; return tokens by role.

    Tokens live in real time (valid 12 hours from now, whatever the test clock says): they
    are the person's session, not part of the simulated world."""
    from studio_credits.api.identity import DevTokens
    from studio_credits.demo import DEMO_EMAIL, DEMO_USER, seed_demo_account
    from studio_credits.domain.access import Role
    from studio_credits.store.tables import create_tables

    create_tables()
    seed_demo_account(services, settings)
    tokens = DevTokens(settings.dev_token_secret, settings.app_clients)
    now = SystemClock().now()
    return {
        "user": tokens.mint(DEMO_USER, Role.USER, now, email=DEMO_EMAIL),
        "service": tokens.mint("generation-service", Role.SERVICE, now),
        "admin": tokens.mint("admin-1", Role.ADMIN, now, email="admin@studio.example"),
    }


def built_web_app() -> Path | None:
    return WEB_APP if (WEB_APP / "index.html").is_file() else None


def banner(
    url: str,
    endpoint: str,
    ses_endpoint: str,
    clock: Clock,
    tokens: dict[str, str],
    web_app: Path | None,
    stripe: list[str],
) -> str:
    if isinstance(clock, FixedClock):
        time = (
            f"Test clock: frozen at {clock.at.isoformat()}; move it with `studio-credits clock advance P1M`"
        )
    else:
        time = "Clock: the real one (`studio-credits dev --now ISO-8601` freezes a test clock)"
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
        f"SES endpoint: {ses_endpoint}",
        time,
        f"Emails sent: {url}/dev/outbox (`studio-credits outbox`)",
        *stripe,
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


def serve(host: str, port: int, now: datetime | None, dynamodb_endpoint: str | None = None) -> None:
    """SES is always the embedded moto's (the outbox reads it); DynamoDB too, unless
    `dynamodb_endpoint` or AWS_ENDPOINT_URL_DYNAMODB names another (another local server's, so that
    several share one). Stripe is the embedded localstripe, which sends its events to this server's
    /stripe/webhook, unless STUDIO_CREDITS_STRIPE_API_BASE names another."""
    import uvicorn

    with embedded_aws() as moto_endpoint, local_stripe() as localstripe:
        dynamodb = dynamodb_endpoint or os.environ.get("AWS_ENDPOINT_URL_DYNAMODB") or moto_endpoint
        use_local_aws(dynamodb, moto_endpoint)
        if localstripe is not None:
            use_local_stripe(localstripe)
        warm_up(dynamodb, moto_endpoint)
        from studio_credits.bootstrap import bootstrap, dev_app
        from studio_credits.mail.ses import SesMailer
        from studio_credits.outbox import Outbox
        from studio_credits.settings import Settings
        from studio_credits.telemetry import ConflictCount
        from studio_credits.telemetry.logs import plain_text_logs

        plain_text_logs()
        reachable = "127.0.0.1" if host in {"0.0.0.0", "::"} else host  # noqa: S104 (not a bind)
        os.environ.setdefault("STUDIO_CREDITS_WEB_URL", f"http://{reachable}:{port}")  # what emails link to
        settings = Settings.from_environment()
        clock: Clock = SystemClock() if now is None else FixedClock(now)
        ses = SesMailer(settings.ses_sender, settings.region, settings.ses_endpoint)
        services = bootstrap(
            settings,
            clock=clock,
            metrics=ConflictCount(),
            mailer=Outbox(ses, clock, settings.region),
        )
        tokens = prepare(services, settings)
        if localstripe is not None:
            from studio_credits.api.stripe_webhook import PATH
            from studio_credits.payments.localstripe import register_webhook

            register_webhook(localstripe, f"http://{reachable}:{port}{PATH}", settings.stripe_webhook_secret)
        web_app = built_web_app()
        stripe = stripe_lines(settings, embedded=localstripe is not None)
        url = f"http://{host}:{port}"
        print(banner(url, dynamodb, moto_endpoint, clock, tokens, web_app, stripe), flush=True)
        uvicorn.run(dev_app(services, settings, web_app), host=host, port=port, log_level="info")
