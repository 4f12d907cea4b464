"""Sending email: the port the notices job uses, and its SES adapter."""

from typing import Protocol


class MailRefused(Exception):
    """The email service answered that it did not take the email (throttled, rejected): not sent."""


class Mailer(Protocol):
    def send(self, to: str, subject: str, body: str) -> str:
        """Send one email and return its message id; MailRefused if it was surely not sent. Anything
        else raised (a timeout) leaves unknown whether it was."""
        ...
