"""The mailer port in memory: what the notices job sent, for the tests and the simulation (the SES
adapter has its own tests, in tests/jobs/test_notices.py)."""

from dataclasses import dataclass, field

from studio_credits.mail import MailRefused


@dataclass
class RecordingMailer:
    sent: list[tuple[str, str, str]] = field(default_factory=list)
    """(to, subject, body) of each email accepted, in order."""
    refuses: bool = False
    """Refuse every email, as SES does when it throttles or will not send."""

    def send(self, to: str, subject: str, body: str) -> str:
        if self.refuses:
            raise MailRefused("Throttling")
        self.sent.append((to, subject, body))
        return f"message-{len(self.sent)}"
