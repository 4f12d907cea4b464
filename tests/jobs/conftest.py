"""Jobs fixtures: SES on moto with the sender verified, and what it has sent."""

from collections.abc import Callable, Iterator

import boto3
import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from studio_credits.bootstrap import bootstrap
from studio_credits.domain.clock import FixedClock
from studio_credits.mail.ses import SesMailer
from studio_credits.service.ports import Services
from tests.conftest import SETTINGS

Sent = Callable[[], list[tuple[str, str, str]]]


@pytest.fixture
def mailer(dynamodb: None) -> SesMailer:
    boto3.client("ses", region_name=SETTINGS.region).verify_email_identity(EmailAddress=SETTINGS.ses_sender)
    return SesMailer(SETTINGS.ses_sender, SETTINGS.region, None)


@pytest.fixture
def services(dynamodb: None, clock: FixedClock, mailer: SesMailer) -> Services:
    return bootstrap(SETTINGS, clock=clock, mailer=mailer)


@pytest.fixture
def sent(mailer: SesMailer) -> Iterator[Sent]:
    backend = ses_backends[DEFAULT_ACCOUNT_ID][SETTINGS.region]

    def messages() -> list[tuple[str, str, str]]:
        return [(m.destinations["ToAddresses"][0], m.subject, m.body) for m in backend.sent_messages]

    yield messages
