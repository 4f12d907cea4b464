"""Email through Amazon SES (moto in tests and locally)."""

import os
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
        """SES of the region (or AWS_ENDPOINT_URL_SES); locally, the moto server DynamoDB runs on."""
        local = settings.dynamodb_endpoint if "AWS_ENDPOINT_URL_SES" not in os.environ else None
        client = boto3.client("ses", region_name=settings.region, endpoint_url=local)
        if local is not None:
            client.verify_email_identity(EmailAddress=settings.ses_sender)  # moto sends only from verified
        return cls(client, settings.ses_sender)

    def send(self, to: str, subject: str, body: str) -> None:
        self.client.send_email(
            Source=self.sender,
            Destination={"ToAddresses": [to]},
            Message={
                "Subject": {"Data": subject, "Charset": "UTF-8"},
                "Body": {"Text": {"Data": body, "Charset": "UTF-8"}},
            },
        )
