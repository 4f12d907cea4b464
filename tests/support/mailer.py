"""The mailer port in memory: what the notices job sent, for the tests and the simulation (the SES
adapter has its own tests, in tests/jobs/test_notices.py and tests/jobs/test_ses_mailer.py)."""

from dataclasses import dataclass, field

from studio_credits.mail import Email, MailRefused


@dataclass
class RecordingMailer:
    sent: list[Email] = field(default_factory=list)
    """Each email accepted, in order."""
    refuses: bool = False
    """Refuse every email, as SES does when it throttles or will not send."""

    def send(self, email: Email) -> str:
        if self.refuses:
            raise MailRefused("Throttling")
        self.sent.append(email)
        return f"message-{len(self.sent)}"

    @property
    def subjects(self) -> list[str]:
        return [email.subject for email in self.sent]
