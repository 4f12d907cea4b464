"""localstripe, Stripe's emulator, in this process (docs/localstripe.md §4): for the local server
and the tests only. Lambda never imports it, and its zip holds neither localstripe nor aiohttp."""

import asyncio
import json
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator, Mapping
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


@contextmanager
def localstripe_process(host: str = "127.0.0.1") -> Iterator[str]:
    """localstripe in a process of its own, on a free port; yields its base URL. For the tests: it
    outlives the forks of the process that started it (mutmut runs each mutant's tests in one),
    where a thread would not."""
    with socket.socket() as probe:
        probe.bind((host, 0))
        port = probe.getsockname()[1]
    command = [sys.executable, "-m", "studio_credits.payments.localstripe", host, str(port)]
    serving = subprocess.Popen(command)  # noqa: S603 (this module, by the interpreter running it)
    url = f"http://{host}:{port}"
    try:
        deadline = time.monotonic() + STARTUP_SECONDS
        while not _answers(url):
            if serving.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("localstripe did not start")
            time.sleep(0.05)
        yield url
    finally:
        serving.terminate()
        serving.wait(STARTUP_SECONDS)


def _answers(url: str) -> bool:
    try:
        with urllib.request.urlopen(f"{url}/js.stripe.com/v3/", timeout=1):  # noqa: S310
            return True
    except OSError:
        return False


def clear_localstripe(base_url: str) -> None:
    """Forget every object (registered webhooks stay)."""
    request = urllib.request.Request(f"{base_url}/_config/data", method="DELETE")  # noqa: S310
    with urllib.request.urlopen(request, timeout=10):  # noqa: S310
        pass


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


def signed_event(event_type: str, thing: Mapping[str, Any], event_id: str, secret: str) -> tuple[bytes, str]:
    """An event as Stripe sends it, signed with `secret`: the body and its Stripe-Signature header.
    For what localstripe never sends (`charge.refunded`, `charge.dispute.created`)."""
    import stripe

    created = int(time.time())
    body = json.dumps(
        {"id": event_id, "object": "event", "type": event_type, "created": created, "data": {"object": thing}}
    )
    return body.encode(), stripe.WebhookSignature.generate_signature_header(body, secret, timestamp=created)


if __name__ == "__main__":  # localstripe_process: python -m studio_credits.payments.localstripe HOST PORT
    from aiohttp import web

    web.run_app(localstripe_app(), host=sys.argv[1], port=int(sys.argv[2]), access_log=None, print=None)
