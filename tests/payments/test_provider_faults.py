"""Stripe not answering, and where the provider's settings and secrets come from."""

import socket
from collections.abc import Iterator

import boto3
import pytest
from moto import mock_aws

from studio_credits.bootstrap import bootstrap, secret
from studio_credits.domain.payments import ChargeOutcome, ChargeRequest, ChargeStatus
from studio_credits.payments.stripe_provider import StripeProvider
from studio_credits.service.ports import PaymentProviderUnavailable
from tests.conftest import SETTINGS
from tests.support.mailer import RecordingMailer
from tests.support.memory_repository import MemoryRepository

REQUEST = ChargeRequest("cus_1", "pm_1", 10_00, "500 credits", "key-1", "acct-1", "pay-1")


@pytest.fixture
def silent_port() -> Iterator[int]:
    """A port that accepts connections and never answers."""
    with socket.socket() as listening:
        listening.bind(("127.0.0.1", 0))
        listening.listen()
        yield listening.getsockname()[1]


@pytest.fixture
def unused_tcp_port() -> int:
    """A port nothing listens on (connections are refused)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


def provider_at(base: str, timeout_seconds: float = 10.0) -> StripeProvider:
    return StripeProvider(lambda: "sk_test_x", lambda: "whsec_x", "pk_test_x", base, None, timeout_seconds)


@pytest.mark.parametrize("fault", ["refused", "timeout"])
def test_a_charge_without_an_answer_is_unknown_and_other_calls_unavailable(
    silent_port: int, unused_tcp_port: int, fault: str
) -> None:
    port = silent_port if fault == "timeout" else unused_tcp_port
    provider = provider_at(f"http://127.0.0.1:{port}", timeout_seconds=0.3)

    assert provider.charge(REQUEST) == ChargeOutcome(ChargeStatus.UNKNOWN, None)
    with pytest.raises(PaymentProviderUnavailable):
        provider.create_customer("acct-1", None)
    with pytest.raises(PaymentProviderUnavailable):
        provider.find_charge(REQUEST)


def test_the_bootstrap_builds_stripe_from_the_settings() -> None:
    settings = SETTINGS.model_copy(
        update={"stripe_api_base": "http://127.0.0.1:9", "stripe_script_url": "http://127.0.0.1:9/js/"}
    )

    provider = bootstrap(settings, repository=MemoryRepository(), mailer=RecordingMailer()).payment_provider

    assert (provider.publishable_key, provider.script_url) == ("pk_test_local", "http://127.0.0.1:9/js/")


def test_a_secret_is_read_from_parameter_store_when_first_needed_not_before() -> None:
    with mock_aws():
        read = secret("/studio-credits/test/stripe-api-key", "sk_test_local")  # nothing there yet: not read
        ssm = boto3.client("ssm", region_name="us-east-1")
        ssm.put_parameter(Name="/studio-credits/test/stripe-api-key", Value="sk_live_x", Type="SecureString")

        assert read() == "sk_live_x"
        with pytest.raises(PaymentProviderUnavailable):
            secret("/studio-credits/test/missing", "sk_test_local")()
    assert secret(None, "sk_test_local")() == "sk_test_local"
