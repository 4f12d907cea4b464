"""The local server's outbox: the emails its SES accepted, newest first (what MailHog shows elsewhere).

SES is moto's, embedded in the local server's process, so the outbox reads the MIME message moto's
SES backend kept of each email; moto keeps no time, so the outbox remembers when, by the server's
clock, it sent each one. `/dev/outbox` lists them as JSON, or as a page showing each email
rendered (dev_pages/outbox.html). The local server only: Lambda emails through SES itself.
"""

from dataclasses import dataclass
from datetime import datetime
from email import message_from_string, policy
from email.message import EmailMessage
from pathlib import Path

from studio_credits.domain.clock import Clock
from studio_credits.mail import Email, Mailer

PAGE = Path(__file__).parent / "dev_pages" / "outbox.html"
SHOWN_HEADERS = ("From", "List-Unsubscribe", "List-Unsubscribe-Post")


@dataclass(frozen=True)
class SentEmail:
    to: str
    subject: str
    text: str
    html: str
    headers: dict[str, str]
    """Those of SHOWN_HEADERS the email has."""
    sent_at: datetime | None
    """None for an email that reached moto's SES some other way (a job run from the command line)."""

    @classmethod
    def parsed(cls, to: str, raw: str, sent_at: datetime | None) -> "SentEmail":
        message = message_from_string(raw, policy=policy.default)
        return cls(
            to=to,
            subject=str(message["Subject"]),
            text=_part(message, "plain"),
            html=_part(message, "html"),
            headers={name: str(message[name]) for name in SHOWN_HEADERS if name in message},
            sent_at=sent_at,
        )

    def as_json(self) -> dict[str, object]:
        sent_at = None if self.sent_at is None else self.sent_at.isoformat()
        return {
            "to": self.to,
            "subject": self.subject,
            "body": self.text,
            "html": self.html,
            "headers": self.headers,
            "sentAt": sent_at,
        }


def _part(message: EmailMessage, subtype: str) -> str:
    part = message.get_body(preferencelist=(subtype,))
    return "" if part is None else str(part.get_content()).replace("\r\n", "\n")


class Outbox:
    """A Mailer that sends through SES and lists what SES accepted."""

    def __init__(self, ses: Mailer, clock: Clock, region: str) -> None:
        self._ses = ses
        self._clock = clock
        self._region = region
        self._sent_at: dict[str, datetime] = {}

    def send(self, email: Email) -> str:
        message_id = self._ses.send(email)
        self._sent_at[message_id] = self._clock.now()
        return message_id

    def stamped_by(self, clock: Clock) -> "Outbox":
        """This outbox, noting the time of what it sends by another clock (the demo seeding's)."""
        other = Outbox(self._ses, clock, self._region)
        other._sent_at = self._sent_at
        return other

    def emails(self) -> list[SentEmail]:
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.ses.models import RawMessage, ses_backends

        sent = ses_backends[DEFAULT_ACCOUNT_ID][self._region].sent_messages
        return [
            SentEmail.parsed(", ".join(message.destinations), message.raw_data, self._sent_at.get(message.id))
            for message in reversed(sent)
            if isinstance(message, RawMessage)
        ]

    def page(self) -> str:
        """The outbox as a page: each email's envelope, its HTML rendered in a sandboxed frame (no
        scripts, no access to this page) and its plain text."""
        from jinja2 import Environment, FileSystemLoader, StrictUndefined

        templates = Environment(
            loader=FileSystemLoader(PAGE.parent), autoescape=True, undefined=StrictUndefined
        )
        return templates.get_template(PAGE.name).render(emails=self.emails())
