"""The packaged zip alone runs every function: unpacked into a fresh directory, imported with
nothing else on the path but the standard library, against the stack on moto."""

import posixpath
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest

from tests.api.lambda_events import stripe_webhook_event
from tests.infra.stack_deployment import (
    ROOT,
    Deployment,
    graphql_event,
    graphql_response,
    lambda_functions,
    packaged_artifact,
    run_function,
    scheduled_event,
)

DEPENDENCIES = (
    "strawberry",
    "mangum",
    "starlette",
    "pynamodb",
    "pydantic",
    "pydantic_core",
    "boto3",
    "botocore",
    "ulid",
)
EMAIL_ONLY = ("jinja2",)
"""Shipped for the notices' emails, and imported only at the first one."""
KEPT_OUT = (
    "tests/",
    "bench/",
    "infra/",
    "web/",
    "node_modules/",
    ".serverless/",
    "serverless.yml",
    "pyproject.toml",
    "aiohttp/",  # localstripe's, for the local server and the tests only
    "localstripe/",
)


@pytest.fixture(scope="module")
def unpacked(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("lambda-task")
    with zipfile.ZipFile(packaged_artifact()) as archive:
        archive.extractall(directory)
    return directory


def test_the_zip_holds_the_code_and_not_the_rest() -> None:
    names = zipfile.ZipFile(packaged_artifact()).namelist()
    assert "functions/api.py" in names
    assert "studio_credits/store/models.py" in names
    assert not [name for name in names if name.startswith(KEPT_OUT) or name.endswith(".graphql")]


def test_every_module_ships_bytecode_for_the_runtime_valid_whatever_its_timestamps() -> None:
    """Lambda unpacks the code read-only: a module without its pyc is compiled at every cold start.
    Unchecked-hash pycs (PEP 552: flags 0b01) are used as they are, whatever the files' times."""
    runtime = re.search(r"runtime: python(\d+)\.(\d+)", (ROOT / "serverless.yml").read_text())
    assert runtime is not None
    tag = f"cpython-{runtime[1]}{runtime[2]}"
    with zipfile.ZipFile(packaged_artifact()) as archive:
        names = set(archive.namelist())
        sources = [name for name in names if name.endswith(".py")]
        missing = [
            source
            for source in sources
            if f"{posixpath.dirname(source)}/__pycache__/{posixpath.basename(source)[:-3]}.{tag}.pyc".lstrip(
                "/"
            )
            not in names
        ]
        assert sources and not missing
        pycs = [name for name in names if name.endswith(".pyc")]
        flags = {int.from_bytes(archive.read(name)[4:8], "little") for name in pycs}
    assert flags == {0b01}


def test_every_handler_runs_from_the_zip_alone(deployment: Deployment, unpacked: Path) -> None:
    viewer = run_function(
        deployment,
        "api",
        graphql_event("admin", "{ viewer { plan { id } } }"),
        [str(unpacked)],
        report_modules=DEPENDENCIES + EMAIL_ONLY,
    )
    assert graphql_response(viewer) == {"viewer": {"plan": {"id": "free"}}}
    assert viewer.init_calls == []  # nothing a SnapStart snapshot would freeze (studio_credits/snapstart.py)
    loaded = {name: file for name, file in viewer.modules.items() if file is not None}

    now = datetime.now(UTC).isoformat()
    for function, body in lambda_functions(deployment.template).items():
        if function not in {"api", "stripeWebhook"}:
            event = scheduled_event(body["Properties"]["FunctionName"], now)
            job = run_function(
                deployment, function, event, [str(unpacked)], report_modules=DEPENDENCIES + EMAIL_ONLY
            )
            assert job.result["job"] == function and job.result["failed"] == 0, job.result
            loaded |= {name: file for name, file in job.modules.items() if file is not None}

    # boto3 (for SES) and Jinja2 only at the first email: no notice is due in this run.
    assert loaded.keys() == set(DEPENDENCIES) - {"boto3"}
    assert not [file for file in loaded.values() if unpacked not in Path(file).parents]

    # Stripe's webhook: its signing secret from Parameter Store (boto3), and stripe, from the zip.
    refused = run_function(
        deployment,
        "stripeWebhook",
        stripe_webhook_event("{}", "t=1,v1=00"),
        [str(unpacked)],
        report_modules=("stripe", "boto3"),
    )
    assert refused.result["statusCode"] == 400, refused.result
    assert all(unpacked in Path(str(file)).parents for file in refused.modules.values())


def _pyc_of(source: str, tag: str) -> str:
    folder, module = posixpath.split(source)
    return posixpath.join(folder, "__pycache__", f"{module.removesuffix('.py')}.{tag}.pyc")
