"""The SES adapter on moto's SES: one multipart/alternative MIME message an email, its plain text
then its HTML, with the headers the email names."""

from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from moto.core.models import DEFAULT_ACCOUNT_ID
from moto.ses.models import RawMessage, ses_backends

from studio_credits.mail import Email, MailRefused
from studio_credits.mail.ses import SesMailer, mime_message
from tests.conftest import SETTINGS

EMAIL = Email(
    to="a@example.com",
    subject="Your plan renews soon · “Pro”",
    html="<p>Your Pro plan renews on 15 Dec 2026 for $49.00 • Visa •••• 4242</p>\n",
    text="Your Pro plan renews on 15 Dec 2026 for $49.00 • Visa •••• 4242\n",
    headers={"List-Unsubscribe": "<https://app.studio.example/plan#emails>"},
)


def sent_raw() -> list[bytes]:
    backend = ses_backends[DEFAULT_ACCOUNT_ID][SETTINGS.region]
    return [m.raw_data.encode() for m in backend.sent_messages if isinstance(m, RawMessage)]


def parsed(raw: bytes) -> EmailMessage:
    message = message_from_bytes(raw, policy=policy.default)
    assert isinstance(message, EmailMessage)
    return message


def test_an_email_is_one_multipart_alternative_message_text_first(ses_mailer: SesMailer) -> None:
    message_id = ses_mailer.send(EMAIL)

    (raw,) = sent_raw()
    message = parsed(raw)
    assert message_id
    assert message.get_content_type() == "multipart/alternative"
    assert [part.get_content_type() for part in message.iter_parts()] == ["text/plain", "text/html"]
    assert all(part.get_content_charset() == "utf-8" for part in message.iter_parts())
    plain, html = message.iter_parts()
    assert plain.get_content() == EMAIL.text.replace("\n", "\r\n")  # lines end as the wire's do
    assert html.get_content() == EMAIL.html.replace("\n", "\r\n")
    assert (message["From"], message["To"], message["Subject"]) == (
        SETTINGS.ses_sender,
        EMAIL.to,
        EMAIL.subject,
    )
    assert message["List-Unsubscribe"] == "<https://app.studio.example/plan#emails>"
    assert "List-Unsubscribe-Post" not in message  # no one-click endpoint: the link opens the preferences


def test_the_message_is_seven_bit_with_short_lines_whatever_its_characters(ses_mailer: SesMailer) -> None:
    long_line = replace_text(EMAIL, "€ " * 200)
    ses_mailer.send(long_line)

    (raw,) = sent_raw()
    assert raw.isascii()
    assert max(len(line) for line in raw.split(b"\r\n")) <= 78
    assert b"=?utf-8?" in raw  # the subject, encoded
    assert parsed(raw).get_body(preferencelist=("plain",)) is not None


def replace_text(email: Email, text: str) -> Email:
    return Email(email.to, email.subject, f"<p>{text}</p>", text, email.headers)


def test_an_email_names_only_its_own_headers() -> None:
    message = mime_message("credits@studio.example", Email("a@example.com", "Hi", "<p>Hi</p>", "Hi"))

    assert "List-Unsubscribe" not in message
    assert sorted(message.keys()) == ["Content-Type", "From", "MIME-Version", "Subject", "To"]


def test_an_email_ses_will_not_send_is_refused(ses_mailer: SesMailer) -> None:
    unverified = SesMailer("nobody@unverified.example", ses_mailer.region, ses_mailer.endpoint)

    with pytest.raises(MailRefused, match="MessageRejected"):
        unverified.send(EMAIL)
    assert sent_raw() == []
