"""Sending email: the port the notices job uses, the email it sends, and its SES adapter."""

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

LOCAL_WEB_URL = "http://127.0.0.1:8000"
"""The web client as the local server serves it: where emails link by default."""


@dataclass(frozen=True)
class Email:
    to: str
    subject: str
    html: str
    text: str
    headers: Mapping[str, str] = field(default_factory=dict)
    """Headers besides From, To and Subject (List-Unsubscribe)."""


class MailRefused(Exception):
    """The email service answered that it did not take the email (throttled, rejected): not sent."""


class Mailer(Protocol):
    def send(self, email: Email) -> str:
        """Send one email and return its message id; MailRefused if it was surely not sent. Anything
        else raised (a timeout) leaves unknown whether it was."""
        ...
