"""Hot-account benchmark: concurrent spends on one account through local servers sharing one DynamoDB.

    .venv/bin/python bench/hot_account.py [--workers 1 4 16] [--spends 480] [--servers 2] [--repeat 1]

For each row: `--servers` fresh `studio-credits dev` processes, the first on its embedded DynamoDB,
the others started with `--dynamodb-endpoint` on the first's; a Business account (7,000 credits);
then `--spends` consumeCredits of a 1080p image (4 credits), sent in turn to the servers by
`workers` threads, each one request at a time (the same spends in every row, so every row leaves
tables of the same size: moto copies the tables a transaction writes, which costs time in
proportion). Prints the spends answered, throughput, the p50 and p99 latency of one request, and
the version conflicts the servers counted (`GET /dev/conflicts`: commits that lost the race for
the account's version, each read again and retried); then reads the whole ledger back over HTTP
and checks the books (every job answered `CreditsConsumed` has its one entry, no overdraft, the
balance is the ledger's sum). Exits 1 if they don't agree.

`--threaded-moto` runs the same against moto's stock threaded server (`moto_server`, started by this
script), which handles concurrent requests at the same time (as the local server's did before):
the books then disagree, which is what the embedded server's one-request-at-a-time lock prevents.
"""

import argparse
import math
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.http.dev_server import DevServer, dev_server, free_port
from tests.http.hot_account import (
    Answer,
    SpendRequest,
    discrepancies,
    open_account,
    read_books,
    service_token,
    spend_concurrently,
)


@contextmanager
def local_servers(count: int, dynamodb_endpoint: str | None) -> Iterator[list[DevServer]]:
    """`count` local servers on one DynamoDB: `dynamodb_endpoint`, or the first's embedded one."""
    with ExitStack() as stack:
        if dynamodb_endpoint is None:
            first = stack.enter_context(dev_server())
            dynamodb_endpoint = first.dynamodb_endpoint
        else:
            first = stack.enter_context(dev_server("--dynamodb-endpoint", dynamodb_endpoint))
        others = [
            stack.enter_context(dev_server("--dynamodb-endpoint", dynamodb_endpoint))
            for _ in range(count - 1)
        ]
        yield [first, *others]


@contextmanager
def threaded_moto() -> Iterator[str]:
    """`moto_server`, moto's stock threaded server, in a process of its own."""
    port = free_port()
    command = [str(Path(sys.executable).parent / "moto_server"), "-H", "127.0.0.1", "-p", str(port)]
    server = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)  # noqa: S603
    endpoint = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                httpx.get(f"{endpoint}/moto-api/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        yield endpoint
    finally:
        server.terminate()
        server.wait()


def version_conflicts(servers: list[DevServer]) -> int:
    return sum(
        httpx.get(f"{server.url}/dev/conflicts", timeout=10).json()["versionConflicts"] for server in servers
    )


def percentile(answers: list[Answer], fraction: float) -> float:
    """Milliseconds; the nearest-rank percentile (with 30 samples, p99 is the slowest)."""
    times = sorted(answer.seconds for answer in answers)
    return 1000 * times[math.ceil(fraction * len(times)) - 1]


def run(account: str, workers: int, spends: int, server_count: int, dynamodb_endpoint: str | None) -> bool:
    """One row: `spends` by `workers` threads; whether the books agree."""
    with local_servers(server_count, dynamodb_endpoint) as servers:
        open_account(servers[0].url, account, plan="business")
        token = service_token()
        requests = [SpendRequest(servers[n % server_count].url, f"{account}-job-{n}") for n in range(spends)]
        conflicts_before = version_conflicts(servers)
        answers, seconds = spend_concurrently(account, requests, workers, token)
        conflicts = version_conflicts(servers) - conflicts_before
        books = read_books(servers[-1].url, account, token)
    outcomes = Counter(answer.outcome for answer in answers)
    consumed = outcomes["CreditsConsumed"]
    entries = sum(1 for entry in books.entries if entry["kind"] == "CONSUME")
    problems = discrepancies(answers, books)
    others = ", ".join(f"{n} {outcome}" for outcome, n in outcomes.items() if outcome != "CreditsConsumed")
    print(
        f"{workers:>7}  {len(answers):>6}  {consumed:>8}  {entries:>7}  {consumed / seconds:>8.1f}  "
        f"{percentile(answers, 0.5):>7.0f}  {percentile(answers, 0.99):>7.0f}  {conflicts:>9}  "
        f"{books.balance:>7,}  {'agree' if not problems else f'{len(problems)} problems'}"
        + (f"  ({others})" if others else ""),
        flush=True,
    )
    for problem in problems[:10]:
        print(f"    {problem}")
    return not problems


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4, 16], help="a row for each")
    parser.add_argument("--spends", type=int, default=480, help="spends per row, shared by its workers")
    parser.add_argument("--servers", type=int, default=2, help="local server processes sharing the tables")
    parser.add_argument("--repeat", type=int, default=1, help="runs of each row, each on fresh servers")
    parser.add_argument(
        "--threaded-moto", action="store_true", help="all servers on moto's stock threaded server instead"
    )
    args = parser.parse_args()

    where = "moto's stock threaded server" if args.threaded_moto else "the first's embedded DynamoDB"
    print(
        f"One Business account (7,000 credits), 1080p images of 4 credits, {args.spends:,} spends a row, "
        f"through {args.servers} local servers on {where}\n"
    )
    print("workers  spends  consumed  entries  spends/s  p50 ms  p99 ms  conflicts  balance  books")
    with ExitStack() as stack:
        endpoint = stack.enter_context(threaded_moto()) if args.threaded_moto else None
        agreed = [
            run(f"hot-{workers}-{n}", workers, args.spends, args.servers, endpoint)
            for workers in args.workers
            for n in range(args.repeat)
        ]
    if not all(agreed):
        sys.exit(1)


if __name__ == "__main__":
    main()
