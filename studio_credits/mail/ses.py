"""Email through Amazon SES (moto in tests and locally)."""

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from mypy_boto3_ses import SESClient


@dataclass
class SesMailer:
    sender: str
    region: str
    endpoint: str | None
    """Another SES than the region's (locally, moto's); None: AWS."""

    @cached_property
    def client(self) -> "SESClient":
        """Made at the first email, so the functions that send none never pay for it."""
        import boto3

        client = boto3.client("ses", region_name=self.region, endpoint_url=self.endpoint)
        if self.endpoint is not None:
            client.verify_email_identity(EmailAddress=self.sender)  # moto sends only from verified
        return client

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
