"""Sending email: the port the notices job uses, and its SES adapter."""

from typing import Protocol


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> str:
        """Send one email and return its message id, or raise if it was not accepted."""
        ...
