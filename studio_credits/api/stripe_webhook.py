"""POST /stripe/webhook: Stripe's events about charges, verified by their signature (no JWT), then
applied by the payments use case. A Lambda function of its own in production
(bootstrap.stripe_webhook_handler); a route of the local server's app locally."""

from dataclasses import replace

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from studio_credits.domain.errors import Unavailable
from studio_credits.service.payments import handle_payment_event
from studio_credits.service.ports import InvalidSignature, Services

PATH = "/stripe/webhook"
MAX_BODY_BYTES = 1024 * 1024
"""The largest body read, as the API's (an event is a few kB)."""


def stripe_webhook_route(services: Services) -> Route:
    async def receive(request: Request) -> Response:
        body = bytearray()
        async for chunk in request.stream():
            body += chunk
            if len(body) > MAX_BODY_BYTES:
                return JSONResponse({"error": f"body larger than {MAX_BODY_BYTES:,} bytes"}, 400)
        signature = request.headers.get("Stripe-Signature")
        try:
            event = await run_in_threadpool(services.payment_provider.parse_event, bytes(body), signature)
            # What the event writes names it: its ledger entries carry the event's id.
            await run_in_threadpool(handle_payment_event, replace(services, correlation_id=event.id), event)
        except InvalidSignature:
            return JSONResponse({"error": "invalid signature"}, 400)
        except Unavailable:
            return JSONResponse({"error": "unavailable, try again"}, 503)  # Stripe sends it again
        return JSONResponse({"received": True})

    return Route(PATH, receive, methods=["POST"])
