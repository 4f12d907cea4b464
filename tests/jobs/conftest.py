"""Jobs fixtures: SES on moto with the sender verified, and what it has sent, for the tests of the
real SES adapter (the others use the recording mailer of tests/conftest.py)."""

from collections.abc import Callable, Iterator

import boto3
import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import ses_backends

from studio_credits.mail.ses import SesMailer
from studio_credits.outbox import SentEmail
from tests.conftest import SETTINGS

Sent = Callable[[], list[SentEmail]]
"""The emails moto's SES accepted, oldest first, parsed from the MIME it kept."""


@pytest.fixture
def ses_mailer(dynamodb: None) -> SesMailer:
    boto3.client("ses", region_name=SETTINGS.region).verify_email_identity(EmailAddress=SETTINGS.ses_sender)
    return SesMailer(SETTINGS.ses_sender, SETTINGS.region, None)


@pytest.fixture
def ses_sent(ses_mailer: SesMailer) -> Iterator[Sent]:
    backend = ses_backends[DEFAULT_ACCOUNT_ID][SETTINGS.region]

    def messages() -> list[SentEmail]:
        return [SentEmail.parsed(m.destinations[0], m.raw_data, None) for m in backend.sent_messages]

    yield messages
