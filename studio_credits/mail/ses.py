"""Email through Amazon SES (moto in tests and locally): each one a multipart/alternative MIME
message, its plain text first and its HTML last (the one mail clients prefer)."""

from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from studio_credits.mail import Email, MailRefused

if TYPE_CHECKING:
    from email.message import EmailMessage

    from mypy_boto3_ses import SESClient

CONNECT_TIMEOUT_SECONDS = 1
READ_TIMEOUT_SECONDS = 3


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
        from botocore.config import Config

        # One try per email: a refused one is sent by the notices job's next run, and a resent one
        # whose answer was lost would be emailed twice.
        once = Config(
            connect_timeout=CONNECT_TIMEOUT_SECONDS,
            read_timeout=READ_TIMEOUT_SECONDS,
            retries={"total_max_attempts": 1, "mode": "standard"},
        )
        client = boto3.client("ses", region_name=self.region, endpoint_url=self.endpoint, config=once)
        if self.endpoint is not None:
            client.verify_email_identity(EmailAddress=self.sender)  # moto sends only from verified
        return client

    def send(self, email: Email) -> str:
        from botocore.exceptions import ClientError

        raw = mime_message(self.sender, email).as_bytes()
        try:
            # No Destinations: SES sends to the message's To header, the one recipient.
            sent = self.client.send_raw_email(Source=self.sender, RawMessage={"Data": raw})
        except ClientError as answered:
            if answered.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 500) >= 500:
                raise  # SES's own failure: whether it sent the email is unknown
            raise MailRefused(answered.response.get("Error", {}).get("Code", "refused")) from answered
        return sent["MessageId"]


def mime_message(sender: str, email: Email) -> "EmailMessage":
    """Built at the first email, like the client: the functions that send none never import it."""
    from email.message import EmailMessage
    from email.policy import SMTP

    message = EmailMessage(policy=SMTP)
    message["From"] = sender
    message["To"] = email.to
    message["Subject"] = email.subject
    for name, value in email.headers.items():
        message[name] = value
    # Quoted-printable keeps every line 7-bit and short, whatever the words' characters.
    message.set_content(email.text, cte="quoted-printable")
    message.add_alternative(email.html, subtype="html", cte="quoted-printable")
    return message
