"""Email through Amazon SES (moto in tests and locally)."""

from dataclasses import dataclass
from typing import TYPE_CHECKING

import boto3

from studio_credits.settings import Settings

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient


@dataclass(frozen=True)
class SesMailer:
    client: "SESClient"
    sender: str

    @classmethod
    def from_settings(cls, settings: Settings) -> "SesMailer":
        """SES of the region, or of AWS_ENDPOINT_URL_SES (locally, moto's: the local server sets it)."""
        client = boto3.client("ses", region_name=settings.region, endpoint_url=settings.ses_endpoint)
        if settings.ses_endpoint is not None:
            client.verify_email_identity(EmailAddress=settings.ses_sender)  # moto sends only from verified
        return cls(client, settings.ses_sender)

    def send(self, to: str, subject: str, body: str) -> str:
        sent = self.client.send_email(
            Source=self.sender,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
            },
        )
        return sent["MessageId"]
