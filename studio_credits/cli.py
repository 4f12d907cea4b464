"""`studio-credits`: the local server and its test clock, dev tokens, the schema, and the scheduled jobs."""

import argparse
import json
from typing import Any

from studio_credits.domain.access import Role
from studio_credits.domain.clock import SystemClock

LOCAL_URL = "http://127.0.0.1:8000"


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="studio-credits", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    from studio_credits.jobs.scheduled import JOBS, parse_moment

    dev = commands.add_parser("dev", help="run the local server on an embedded DynamoDB")
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=8000)
    dev.add_argument("--now", type=parse_moment, help="run on a test clock frozen at this ISO-8601 moment")
    dev.add_argument(
        "--dynamodb-endpoint",
        metavar="URL",
        help="use this DynamoDB instead of the embedded one: another local server's (the DynamoDB "
        "endpoint it printed), so that several serve the same tables, or DynamoDB Local "
        "(default: $AWS_ENDPOINT_URL_DYNAMODB)",
    )

    token = commands.add_parser("token", help="mint a dev token for the local server")
    token.add_argument(
        "--sub",
        required=True,
        help="the subject: an account id for a user or an admin (the service's token names its app client)",
    )
    token.add_argument("--email")
    token.add_argument("--role", choices=[role.value for role in Role], default=Role.USER.value)

    commands.add_parser("schema", help="print the GraphQL schema (SDL)")

    for job in JOBS:
        run = commands.add_parser(job, help=f"run the {job} job once, as its Lambda function does")
        run.add_argument("--now", type=parse_moment, help="run as of this ISO-8601 moment (UTC if no offset)")

    _add_local_server_commands(commands)

    args = parser.parse_args(argv)
    if args.command == "dev":
        from studio_credits.devserver import serve

        serve(args.host, args.port, args.now, args.dynamodb_endpoint)
    elif args.command == "token":
        from studio_credits.api.identity import DevTokens
        from studio_credits.settings import Settings

        settings = Settings.from_environment()
        tokens = DevTokens(settings.dev_token_secret, settings.app_clients)
        print(tokens.mint(args.sub, Role(args.role), SystemClock().now(), email=args.email))
    elif args.command == "schema":
        from studio_credits.api.schema import build_schema

        print(build_schema(production=False).as_str())
    elif args.command in JOBS:
        from studio_credits.bootstrap import bootstrap
        from studio_credits.domain.clock import FixedClock
        from studio_credits.jobs.scheduled import run_job

        clock = SystemClock() if args.now is None else FixedClock(args.now)
        # The run's log line is its report; its ledger entries name it, as a Lambda run's name its event.
        services = bootstrap(clock=clock, correlation_id=f"cli-{args.command}-{clock.now().isoformat()}")
        run_job(args.command, services)
    elif args.command == "clock":
        _clock(args)
    elif args.command == "outbox":
        _outbox(args)
    elif args.command == "stripe":
        _stripe(args)


def _add_local_server_commands(commands: Any) -> None:
    """`clock`, `outbox` and `stripe`: HTTP calls to a running local server's `/dev/` routes."""
    from studio_credits.durations import parse_duration
    from studio_credits.jobs.scheduled import parse_moment

    url_help = f"the local server (default {LOCAL_URL})"
    clock = commands.add_parser("clock", help="show or move the local server's test clock")
    moves = clock.add_subparsers(dest="clock_command", required=True)
    moves.add_parser("show", help="what time the local server says it is").add_argument(
        "--url", default=LOCAL_URL, help=url_help
    )
    advance = moves.add_parser("advance", help="move the test clock forward, running the jobs on the way")
    advance.add_argument("--url", default=LOCAL_URL, help=url_help)
    how_far = advance.add_mutually_exclusive_group(required=True)
    how_far.add_argument("duration", nargs="?", type=parse_duration, help="ISO-8601: P1M, P7D, PT1H")
    how_far.add_argument("--to", type=parse_moment, help="an ISO-8601 moment (UTC if no offset)")
    advance.add_argument("--no-jobs", action="store_true", help="move the clock only")

    outbox = commands.add_parser("outbox", help="the emails the local server sent, newest first")
    outbox.add_argument("--url", default=LOCAL_URL, help=url_help)

    stripe = commands.add_parser(
        "stripe", help="refund or dispute a payment in the local server's localstripe"
    )
    acts = stripe.add_subparsers(dest="stripe_command", required=True)
    for act, what in (
        ("refund", "refund a payment (in full, or --amount cents)"),
        ("dispute", "dispute a payment"),
    ):
        acting = acts.add_parser(act, help=what)
        acting.add_argument("payment", help="the payment's id (viewer.payments)")
        acting.add_argument("--account", required=True, help="the account it was paid on")
        acting.add_argument("--url", default=LOCAL_URL, help=url_help)
        if act == "refund":
            acting.add_argument("--amount", type=int, help="cents to refund (default: all)")


def _clock(args: argparse.Namespace) -> None:
    now = _call("GET", args.url, "/dev/clock")
    if args.clock_command == "show":
        print(f"{now['now']} ({'frozen' if now['frozen'] else 'the real clock'})")
        return
    from datetime import datetime

    to = args.to or args.duration.after(datetime.fromisoformat(now["now"]))
    moved = _call("POST", args.url, "/dev/clock", {"advanceTo": to.isoformat(), "runJobs": not args.no_jobs})
    for run in moved["jobs"]:
        print(json.dumps(run))
    print(f"now {moved['now']} ({len(moved['jobs'])} job runs)")


def _outbox(args: argparse.Namespace) -> None:
    """Each email's envelope and plain text; the page at /dev/outbox shows them rendered."""
    import textwrap

    emails = _call("GET", args.url, "/dev/outbox")
    for email in emails:
        print(f"{email['sentAt'] or '(time unknown)'}  to {email['to']}: {email['subject']}")
        print(textwrap.indent(email["body"].rstrip("\n"), "    "))
    print(f"{len(emails)} emails")


def _stripe(args: argparse.Namespace) -> None:
    asked: dict[str, object] = {"accountId": args.account, "paymentId": args.payment}
    if getattr(args, "amount", None) is not None:
        asked["amountCents"] = args.amount
    print(json.dumps(_call("POST", args.url, f"/dev/stripe/{args.stripe_command}", asked)))


def _call(method: str, url: str, path: str, body: dict[str, object] | None = None) -> Any:
    import httpx  # the local server's dependencies (the dev extra), like the server itself

    try:
        response = httpx.request(method, url + path, json=body, timeout=600)
    except httpx.TransportError as error:
        raise SystemExit(f"no local server at {url} ({error}): start one with `studio-credits dev`") from None
    if response.is_error:
        problem = response.json().get("error") if _is_json(response) else response.text
        raise SystemExit(f"{response.status_code} from {url}{path}: {problem}")
    return response.json()


def _is_json(response: Any) -> bool:
    return str(response.headers.get("content-type", "")).startswith("application/json")


if __name__ == "__main__":
    main()
