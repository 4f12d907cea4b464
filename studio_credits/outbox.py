"""The local server's outbox: the emails its SES accepted, newest first (what MailHog shows elsewhere).

SES is moto's, embedded in the local server's process, so the outbox reads what moto's SES
backend kept of each email; moto keeps no time, so the outbox remembers when, by the
server's clock, it sent each one. The local server only: Lambda emails through SES itself.
"""

from dataclasses import dataclass
from datetime import datetime

from studio_credits.domain.clock import Clock
from studio_credits.mail import Mailer


@dataclass(frozen=True)
class SentEmail:
    to: str
    subject: str
    body: str
    sent_at: datetime | None
    """None for an email that reached moto's SES some other way (a job run from the command line)."""

    def as_json(self) -> dict[str, str | None]:
        sent_at = None if self.sent_at is None else self.sent_at.isoformat()
        return {"to": self.to, "subject": self.subject, "body": self.body, "sentAt": sent_at}


class Outbox:
    """A Mailer that sends through SES and lists what SES accepted."""

    def __init__(self, ses: Mailer, clock: Clock, region: str) -> None:
        self._ses = ses
        self._clock = clock
        self._region = region
        self._sent_at: dict[str, datetime] = {}

    def send(self, to: str, subject: str, body: str) -> str:
        message_id = self._ses.send(to, subject, body)
        self._sent_at[message_id] = self._clock.now()
        return message_id

    def stamped_by(self, clock: Clock) -> "Outbox":
        """This outbox, noting the time of what it sends by another clock (the demo seeding's)."""
        other = Outbox(self._ses, clock, self._region)
        other._sent_at = self._sent_at
        return other

    def emails(self) -> list[SentEmail]:
        from moto.core.models import DEFAULT_ACCOUNT_ID
        from moto.ses.models import Message, ses_backends

        sent = ses_backends[DEFAULT_ACCOUNT_ID][self._region].sent_messages
        return [
            SentEmail(
                ", ".join(message.destinations["ToAddresses"]),
                message.subject,
                message.body,
                self._sent_at.get(message.id),
            )
            for message in reversed(sent)
            if isinstance(message, Message)
        ]
