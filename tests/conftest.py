"""Shared fixtures: a clock; the services on the in-memory repository (the service, domain and jobs
tests); a moto DynamoDB with the tables, and the services on it (what only DynamoDB can prove)."""

import atexit
import os
import threading

# Before anything imports boto3 or the settings: no real AWS, ever.
os.environ.update(
    AWS_ACCESS_KEY_ID="testing",
    AWS_SECRET_ACCESS_KEY="testing",
    AWS_SECURITY_TOKEN="testing",
    AWS_SESSION_TOKEN="testing",
    AWS_REGION="us-east-1",
    AWS_DEFAULT_REGION="us-east-1",
    # The app clients of the tokens in tests/events/: the web client's ID tokens, the service's access token.
    STUDIO_CREDITS_WEB_CLIENT_ID="4f1kq0c2m7r8s9t0u1v2w3x4y5",
    STUDIO_CREDITS_SERVICE_CLIENT_ID="6q7r8s9t0u1v2w3x4y5z6a7b8c",
)
os.environ.pop("AWS_ENDPOINT_URL_DYNAMODB", None)
os.environ.pop("AWS_PROFILE", None)


from collections.abc import Iterator
from contextlib import ExitStack
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

import pytest
from hypothesis import settings as hypothesis_settings
from moto import mock_aws

from studio_credits.bootstrap import bootstrap, tables
from studio_credits.domain.clock import FixedClock
from studio_credits.payments.localstripe import localstripe_process
from studio_credits.service.ports import Services
from studio_credits.settings import Settings
from studio_credits.store.tables import bind_tables, create_tables
from tests.support.mailer import RecordingMailer
from tests.support.memory_repository import MemoryRepository

if TYPE_CHECKING:
    from studio_credits.payments.stripe_provider import StripeProvider

START = datetime(2026, 11, 24, 12, 0, tzinfo=UTC)
# Stripe is localstripe, started before anything reads the settings (handlers built at
# import included): never Stripe itself.
_RUNNING = ExitStack()
LOCALSTRIPE_URL = _RUNNING.enter_context(localstripe_process())
_STARTED_BY = os.getpid()
# Stopped when this process exits, not after a test session: mutmut runs several in one process
# (and forks children, which must leave it running).
atexit.register(lambda: _RUNNING.close() if os.getpid() == _STARTED_BY else None)
os.environ.update(
    STUDIO_CREDITS_STRIPE_API_BASE=LOCALSTRIPE_URL,
    STUDIO_CREDITS_STRIPE_SCRIPT_URL=f"{LOCALSTRIPE_URL}/js.stripe.com/v3/",
)
SETTINGS = Settings.from_environment()


def open_tables() -> None:
    """The tables, on whatever DynamoDB is mocked now, with the models pointed at them."""
    bind_tables(tables(SETTINGS))
    create_tables()


# Timings on a shared 2-core machine are not what the properties test (benchmarks are in bench/).
hypothesis_settings.register_profile("suite", deadline=None)
# `make mutate` runs the tests of a function once per mutant of it: fewer examples each, and the same
# ones on every run, so a score does not depend on which examples a run happened to draw.
hypothesis_settings.register_profile("mutate", deadline=None, max_examples=20, derandomize=True)
hypothesis_settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "suite"))


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests that run on moto (the `dynamodb` fixture, or `services_on_each`'s DynamoDB case),
    so `-m "not moto"` selects the fast in-memory ones (`make mutate`)."""
    for item in items:
        callspec = getattr(item, "callspec", None)
        on_each = callspec.params.get("services_on_each") if callspec else None
        if "dynamodb" in getattr(item, "fixturenames", ()) or on_each == "dynamodb":
            item.add_marker(pytest.mark.moto)


@pytest.fixture
def dynamodb() -> Iterator[None]:
    with mock_aws():
        open_tables()
        yield


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(START)


@pytest.fixture
def services(clock: FixedClock, mailer: RecordingMailer) -> Services:
    """The use cases on the repository port in memory (tests/store/test_repository_contract.py holds
    it to DynamoDB's contract)."""
    return bootstrap(SETTINGS, clock=clock, repository=MemoryRepository(), mailer=mailer)


@pytest.fixture
def dynamo_services(dynamodb: None, clock: FixedClock, mailer: RecordingMailer) -> Services:
    """The use cases on DynamoDB (moto), as production builds them."""
    return bootstrap(SETTINGS, clock=clock, mailer=mailer)


@pytest.fixture(params=["memory", "dynamodb"])
def services_on_each(request: pytest.FixtureRequest) -> Services:
    """The use cases on each repository, for a job's run through the due queries on both."""
    name = "services" if request.param == "memory" else "dynamo_services"
    services: Services = request.getfixturevalue(name)
    return services


@pytest.fixture
def mailer() -> RecordingMailer:
    return RecordingMailer()


@pytest.fixture
def atomic_moto(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make each mocked AWS call atomic, as DynamoDB's are: moto's in-process backend is not
    thread-safe (a transaction deep-copies tables another thread is writing). The callers still
    race between their calls, which is what concurrency tests are about."""
    from moto.core.botocore_stubber import BotocoreStubber

    lock = threading.Lock()
    original = BotocoreStubber.__call__

    def serialized(self: BotocoreStubber, *args: Any, **kwargs: Any) -> Any:
        with lock:
            return original(self, *args, **kwargs)

    monkeypatch.setattr(BotocoreStubber, "__call__", serialized)


@pytest.fixture(scope="session")
def localstripe_url() -> str:
    """Stripe's emulator in this process (its objects cleared by `stripe_provider`)."""
    return LOCALSTRIPE_URL


@pytest.fixture
def stripe_provider(localstripe_url: str) -> "StripeProvider":
    """The StripeProvider on the embedded localstripe, emptied of the objects of earlier tests."""
    from studio_credits.payments.localstripe import clear_localstripe
    from studio_credits.payments.stripe_provider import StripeProvider

    clear_localstripe(localstripe_url)
    return StripeProvider(
        lambda: SETTINGS.stripe_api_key,
        lambda: SETTINGS.stripe_webhook_secret,
        SETTINGS.stripe_publishable_key,
        localstripe_url,
        f"{localstripe_url}/js.stripe.com/v3/",
    )
