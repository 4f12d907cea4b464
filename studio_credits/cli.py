"""`studio-credits`: the local server, dev tokens, the schema, and the scheduled jobs."""

import argparse

from studio_credits.domain.access import Role
from studio_credits.domain.clock import SystemClock


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="studio-credits", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    dev = commands.add_parser("dev", help="run the local server on an embedded DynamoDB")
    dev.add_argument("--host", default="127.0.0.1")
    dev.add_argument("--port", type=int, default=8000)

    token = commands.add_parser("token", help="mint a dev token for the local server")
    token.add_argument("--sub", required=True, help="the subject: an account id for a user")
    token.add_argument("--email")
    token.add_argument("--role", choices=[role.value for role in Role], default=Role.USER.value)

    commands.add_parser("schema", help="print the GraphQL schema (SDL)")

    from studio_credits.jobs.scheduled import JOBS, parse_moment

    for job in JOBS:
        run = commands.add_parser(job, help=f"run the {job} job once, as its Lambda function does")
        run.add_argument("--now", type=parse_moment, help="run as of this ISO-8601 moment (UTC if no offset)")

    args = parser.parse_args(argv)
    if args.command == "dev":
        from studio_credits.devserver import serve

        serve(args.host, args.port)
    elif args.command == "token":
        from studio_credits.api.identity import DevTokens
        from studio_credits.settings import get_settings

        tokens = DevTokens(get_settings().dev_token_secret)
        print(tokens.mint(args.sub, Role(args.role), SystemClock().now(), email=args.email))
    elif args.command == "schema":
        from studio_credits.api.schema import build_schema

        print(build_schema(production=False).as_str())
    elif args.command in JOBS:
        import json

        from studio_credits.jobs.scheduled import run_job

        print(json.dumps(run_job(args.command, args.now).as_log()))


if __name__ == "__main__":
    main()
