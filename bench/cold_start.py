"""`make bench`: the cold start of the zip `make package` ships, against the smallest handler on the
same stack, as Lambda runs them.

The zip is unpacked to a temporary folder. Each run is a fresh interpreter (`-I -S`, no bytecode
writes) whose only modules are that folder's, driven by the deployment tests' stand-in for the
Lambda runtime (tests/infra/lambda_runtime.py): it imports the handler (Lambda's init) and invokes
it once. For the API: one `viewer` request through Mangum, answered from DynamoDB on a moto server.
The baseline, bench/minimal_handler.py, runs on the same unpacked libraries, compiled the same way
(unchecked-hash bytecode). Runs are interleaved so that drift hits both alike; figures are medians.
Then each scheduled function's cold start, and what each part of the API handler's import costs
(`python -X importtime`, self time summed by package).
"""

import argparse
import json
import logging
import os
import py_compile
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import zipfile
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
ZIP = ROOT / "build" / "studio-credits.zip"
RUNTIME = ROOT / "tests" / "infra" / "lambda_runtime.py"
EVENTS = ROOT / "tests" / "events"
RATIO_TARGET = 1.2
STAGE = "bench"
FUNCTIONS = {
    "api": "functions/api.handler",
    "refresh": "functions/refresh.handler",
    "notices": "functions/notices.handler",
    "sweep": "functions/sweep.handler",
}
MINIMAL_HANDLER = "minimal_handler.handler"
VIEWER = "query { viewer { credits { available } } }"

Json = dict[str, Any]


@dataclass(frozen=True)
class ColdStart:
    init: float
    invoke: float
    cpu: float
    """Processor time of both: what a busy machine disturbs least."""

    @property
    def total(self) -> float:
        return self.init + self.invoke


@dataclass(frozen=True)
class Lambda:
    """A function's code as Lambda holds it, and how to run one cold start of it."""

    path: list[str]
    environment: dict[str, str]

    def cold_start(self, handler: str, event: Json) -> ColdStart:
        request = {
            "path": self.path,
            "handler": handler,
            "function_name": handler.partition("/")[2].partition(".")[0] or "minimal",
            "event": event,
            "record_calls": False,
        }
        output = self._run([str(RUNTIME), json.dumps(request)])
        reply = json.loads(output.splitlines()[-1])
        result = reply["result"]
        if isinstance(result, dict) and "statusCode" in result:
            body = json.loads(result["body"])
            if result["statusCode"] != 200 or body.get("errors"):
                raise SystemExit(f"{handler} failed: {result['body']}")
        seconds = reply["seconds"]
        return ColdStart(seconds["init"], seconds["invoke"], seconds["cpu"])

    def import_profile(self, module: str) -> str:
        """`python -X importtime` of importing `module`: its report, one line a module."""
        statement = f"import sys; sys.path[:0] = {self.path!r}; import {module}"
        return self._run(["-X", "importtime", "-c", statement], stderr=True)

    def _run(self, arguments: list[str], *, stderr: bool = False) -> str:
        completed = subprocess.run(  # noqa: S603 (this interpreter, our own script)
            [sys.executable, "-I", "-S", *arguments],
            env=self.environment,
            capture_output=True,
            text=True,
            check=False,
        )
        if completed.returncode != 0:
            raise SystemExit(completed.stderr)
        return completed.stderr if stderr else completed.stdout


@contextmanager
def dynamodb_on_moto() -> Iterator[str]:
    """A moto server with the service's tables; yields its endpoint."""
    from moto.server import ThreadedMotoServer

    from studio_credits.bootstrap import bootstrap
    from studio_credits.store.tables import create_tables

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per DynamoDB call
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    try:
        os.environ.update({"AWS_ENDPOINT_URL_DYNAMODB": endpoint, "STUDIO_CREDITS_STAGE": STAGE})
        bootstrap()
        create_tables()
        yield endpoint
    finally:
        server.stop()


OFFLINE_AWS = {
    "AWS_REGION": "us-east-1",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
}


def lambda_environment(endpoint: str) -> dict[str, str]:
    """What serverless.yml gives every function, with the SDK pointed at moto and the app clients
    of the fixtures' tokens."""
    claims = event("user")["requestContext"]["authorizer"]["jwt"]["claims"]
    return {
        "PATH": os.environ.get("PATH", ""),
        "PYTHONDONTWRITEBYTECODE": "1",
        **OFFLINE_AWS,
        "AWS_ENDPOINT_URL": endpoint,
        "STUDIO_CREDITS_STAGE": STAGE,
        "STUDIO_CREDITS_ACCOUNTS_TABLE": f"studio-credits-{STAGE}-accounts",
        "STUDIO_CREDITS_LEDGER_TABLE": f"studio-credits-{STAGE}-ledger",
        "STUDIO_CREDITS_SES_SENDER": "credits@studio.example",
        "STUDIO_CREDITS_WEB_CLIENT_ID": claims["aud"],
    }


def unpack(folder: Path) -> tuple[str, str]:
    """The zip unpacked, and the minimal handler compiled beside it: their two folders."""
    shipped, baseline = folder / "zip", folder / "minimal"
    with zipfile.ZipFile(ZIP) as archive:
        archive.extractall(shipped)
    baseline.mkdir()
    source = baseline / "minimal_handler.py"
    shutil.copy(Path(__file__).with_name(source.name), source)
    py_compile.compile(
        str(source), doraise=True, invalidation_mode=py_compile.PycInvalidationMode.UNCHECKED_HASH
    )
    return str(shipped), str(baseline)


def event(fixture: str, query: str | None = None) -> Json:
    loaded: Json = json.loads((EVENTS / f"{fixture}.json").read_text())
    if query is not None:
        loaded["body"] = json.dumps({"query": query})
        loaded["isBase64Encoded"] = False
    return loaded


def medians(runs: list[ColdStart]) -> ColdStart:
    return ColdStart(
        *(statistics.median(getattr(run, part) for run in runs) for part in ("init", "invoke", "cpu"))
    )


def import_costs(report: str, top: int) -> list[tuple[str, float]]:
    """Self time in ms summed by top-level package, and by subpackage for this project's own."""
    costs: Counter[str] = Counter()  # microseconds
    for match in re.finditer(r"^import time:\s+(\d+) \|\s+\d+ \|\s*(\S+)$", report, re.MULTILINE):
        parts = match[2].split(".")
        name = ".".join(parts[:2]) if parts[0] == "studio_credits" else parts[0]
        costs[name] += int(match[1])
    return [(name, micros / 1000) for name, micros in costs.most_common(top)]


def ms(seconds: float) -> str:
    return f"{1000 * seconds:.0f} ms"


def print_table(first_column: str, rows: dict[str, ColdStart]) -> None:
    print(f"| {first_column} | init (import) | first invocation | cold start | processor time |")
    print("|---|---|---|---|---|")
    for name, figures in rows.items():
        times = (figures.init, figures.invoke, figures.total, figures.cpu)
        print(f"| {name} | " + " | ".join(ms(time) for time in times) + " |")


def compare_with_minimal(service: Lambda, minimal: Lambda, viewer: Json, runs: int) -> float:
    """Prints both cold starts; returns their ratio."""
    service.cold_start(FUNCTIONS["api"], viewer)  # opens the viewer's account; fills the file cache
    minimal.cold_start(MINIMAL_HANDLER, viewer)
    api_runs: list[ColdStart] = []
    minimal_runs: list[ColdStart] = []
    for run in range(runs):
        pair = [(api_runs, service, FUNCTIONS["api"]), (minimal_runs, minimal, MINIMAL_HANDLER)]
        for cold_starts, code, handler in pair if run % 2 else reversed(pair):
            cold_starts.append(code.cold_start(handler, viewer))
    api, base = medians(api_runs), medians(minimal_runs)
    print(f"Cold start of one `viewer` request, {runs} fresh interpreters each, medians\n")
    print_table("handler", {"functions/api.py (the zip)": api, "minimal Strawberry/Mangum": base})
    ratio = api.total / base.total
    verdict = "met" if ratio <= RATIO_TARGET else "NOT met"
    cpu_ratio = api.cpu / base.cpu
    print(f"\nratio {ratio:.2f} (target <= {RATIO_TARGET}: {verdict}); processor time {cpu_ratio:.2f}\n")
    return ratio


def each_function(service: Lambda, viewer: Json, runs: int) -> None:
    scheduled = event("eventbridge_scheduled")
    rows = {}
    for function, handler in FUNCTIONS.items():
        request = viewer if function == "api" else scheduled
        rows[function] = medians([service.cold_start(handler, request) for _ in range(runs)])
    print(f"Each function's cold start ({runs} runs, medians; the jobs with nothing due)\n")
    print_table("function", rows)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=15, help="cold starts of each handler")
    parser.add_argument("--job-runs", type=int, default=5, help="cold starts of each function")
    args = parser.parse_args()
    if not ZIP.exists():
        raise SystemExit(f"{ZIP.relative_to(ROOT)} is missing: make package")
    sys.path.insert(0, str(ROOT))
    os.environ.update(OFFLINE_AWS)

    with tempfile.TemporaryDirectory() as folder, dynamodb_on_moto() as endpoint:
        shipped, baseline = unpack(Path(folder))
        environment = lambda_environment(endpoint)
        service = Lambda([shipped], environment)
        viewer = event("user", VIEWER)
        ratio = compare_with_minimal(service, Lambda([baseline, shipped], environment), viewer, args.runs)
        each_function(service, viewer, args.job_runs)
        print("\nWhere the API handler's import goes (python -X importtime, self time by package)\n")
        print("| package | self time |")
        print("|---|---|")
        for name, cost in import_costs(service.import_profile("functions.api"), top=15):
            print(f"| {name} | {cost:.0f} ms |")
    if ratio > RATIO_TARGET:
        sys.exit(1)


if __name__ == "__main__":
    main()
