"""localstripe, Stripe's emulator, in this process (docs/localstripe.md §4): for the local server
and the tests only. Lambda never imports it, and its zip holds neither localstripe nor aiohttp."""

import asyncio
import json
import random
import string
import threading
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

STARTUP_SECONDS = 30.0


@contextmanager
def embedded_localstripe(host: str = "127.0.0.1") -> Iterator[str]:
    """localstripe's aiohttp app on a thread of its own, on a free port, keeping nothing on disk;
    yields its base URL (the `api` base address of StripeClient)."""
    from aiohttp import web

    app = localstripe_app()
    loop = asyncio.new_event_loop()
    runner = web.AppRunner(app, access_log=None)
    started = threading.Event()
    addresses: list[Any] = []

    def serve() -> None:
        asyncio.set_event_loop(loop)
        loop.run_until_complete(runner.setup())
        loop.run_until_complete(web.TCPSite(runner, host, 0).start())
        addresses.extend(runner.addresses)
        started.set()
        loop.run_forever()
        # One task per event sleeps a second before its webhooks are sent: cancelled, not left pending.
        pending = [task for task in asyncio.all_tasks(loop) if not task.done()]
        for task in pending:
            task.cancel()
        loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
        loop.run_until_complete(runner.cleanup())
        loop.close()

    serving = threading.Thread(target=serve, name="embedded-localstripe", daemon=True)
    serving.start()
    if not started.wait(STARTUP_SECONDS):
        raise RuntimeError("localstripe did not start")
    try:
        yield f"http://{host}:{addresses[0][1]}"
    finally:
        loop.call_soon_threadsafe(loop.stop)
        serving.join(STARTUP_SECONDS)


def localstripe_app() -> Any:
    """localstripe's module-global app, with its store kept in memory only (it pickles the whole
    store to /tmp/localstripe.pickle on every write otherwise) and PaymentIntents listed by
    customer, newest first, as Stripe lists them (localstripe refuses the `customer` filter)."""
    from localstripe import resources

    resources.Store.dump_to_disk = lambda self: None
    resources.Store.try_load_from_disk = lambda self: None
    # Its ids come from the global `random`, which hypothesis seeds again for each example: ids
    # would repeat (409 Conflict). A generator of its own draws them instead.
    ids = random.SystemRandom()
    resources.random_id = lambda n: "".join(
        ids.choice(string.ascii_letters + string.digits) for _ in range(n)
    )

    def list_payment_intents(
        cls: Any, url: str, customer: str | None = None, limit: Any = None, starting_after: Any = None
    ) -> Any:
        listed = resources.List(url, limit=limit, starting_after=starting_after)
        listed._list = [
            value
            for key, value in reversed(resources.store.items())
            if key.startswith("payment_intent:") and customer in (None, value.customer)
        ]
        return listed

    resources.PaymentIntent._api_list_all = classmethod(list_payment_intents)
    from localstripe.server import app

    return app


def clear_localstripe() -> None:
    """Forget every object (registered webhooks stay, as with `DELETE /_config/data`)."""
    from localstripe import resources

    resources.store.clear()


def register_webhook(base_url: str, url: str, secret: str, name: str = "studio-credits") -> None:
    """Have localstripe send its events to `url`, signed with `secret` (its own config API; the
    same `name` again replaces the endpoint)."""
    request = urllib.request.Request(  # noqa: S310 (localstripe's http URL)
        f"{base_url}/_config/webhooks/{name}",
        data=json.dumps({"url": url, "secret": secret}).encode(),
        headers={"Content-Type": "application/json"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310
        pass
