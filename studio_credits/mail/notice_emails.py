"""A notice as the email a person reads: HTML and plain text from the Jinja2 templates in
templates/ (a base layout with its CSS inline, and one template of each format per kind), in the
person's words and numbers, with a link to the web page that acts on it.

Jinja2 is imported at the first email, so the functions that send none never load it (the cold
start of the API's Lambda, bench/cold_start.py).
"""

from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

from studio_credits.domain.account import Account
from studio_credits.domain.creatives import Creative
from studio_credits.domain.notice_preferences import can_turn_off
from studio_credits.domain.notice_rules import SUBJECTS
from studio_credits.domain.notices import Notice, NoticeKind
from studio_credits.domain.wording import billed, card_text, credits_text, day_text, notice_label
from studio_credits.domain.would_buy import would_buy
from studio_credits.mail import Email

if TYPE_CHECKING:
    from jinja2 import Environment

TEMPLATES = Path(__file__).parent / "templates"
PLAN_PAGE = "/plan"
USAGE_OVERVIEW = "/"
EMAIL_PREFERENCES = "/plan#emails"
"""The Plan page's Emails section (web/src/components/EmailPreferences.tsx)."""


@dataclass(frozen=True)
class Action:
    label: str
    path: str


ACTIONS = {
    NoticeKind.RENEWAL_REMINDER: Action("Review your plan", PLAN_PAGE),
    NoticeKind.RENEWAL_PAID: Action("See your plan", PLAN_PAGE),
    NoticeKind.PAYMENT_FAILED: Action("Update your card and pay", PLAN_PAGE),
    NoticeKind.CANCELLATION_ENDING: Action("Resume your plan", PLAN_PAGE),
    NoticeKind.AUTO_TOP_UP_MADE: Action("See your payments", PLAN_PAGE),
    NoticeKind.AUTO_TOP_UP_OFF: Action("Check your card", PLAN_PAGE),
    NoticeKind.CREDITS_EXPIRING: Action("Use your credits", USAGE_OVERVIEW),
    NoticeKind.LOW_CREDITS: Action("See your credits", USAGE_OVERVIEW),
}
"""What the email's button does: the page where the person acts on the notice."""


def notice_email(notice: Notice, account: Account, most_made: Creative | None, web_url: str) -> Email:
    """The email of a notice to the account's person. `most_made` is the creative they make most
    (domain/would_buy.py), in which credits are counted; None: credits are counted as credits."""
    if account.email is None:
        raise ValueError(f"account {account.id} has no email address")
    subject = SUBJECTS[notice.kind]
    action = ACTIONS[notice.kind]
    context = {
        "subject": subject,
        "message": notice.message,
        "to": account.email,
        "plan": account.plan.name,
        "billed": billed(account.interval),
        "renews_on": None if account.renews_at is None else day_text(account.renews_at),
        "ends_on": None if account.ends_at is None else day_text(account.ends_at),
        "card": None if account.card is None else card_text(account.card.brand, account.card.last4),
        "available": credits_text(account.available),
        "would_buy": _worth(notice.credits, account, most_made),
        "available_would_buy": _worth(account.available, account, most_made),
        "action_label": action.label,
        "action_url": web_url + action.path,
        "preferences_url": web_url + EMAIL_PREFERENCES,
        "label": notice_label(notice.kind),
        "can_turn_off": can_turn_off(notice.kind),
    }
    templates = _environment()
    name = notice.kind.value.lower()
    headers = {}
    if can_turn_off(notice.kind):
        headers["List-Unsubscribe"] = f"<{web_url}{EMAIL_PREFERENCES}>"
    return Email(
        to=account.email,
        subject=subject,
        html=templates.get_template(f"{name}.html").render(context),
        text=templates.get_template(f"{name}.txt").render(context),
        headers=headers,
    )


def _worth(credits: int | None, account: Account, most_made: Creative | None) -> str | None:
    """ "1,200 credits: about 75 4K images", or just the credits where nothing measures them."""
    if credits is None:
        return None
    measured = None if most_made is None else would_buy(credits, most_made, account.plan)
    return credits_text(credits) if measured is None else measured.text


@cache
def _environment() -> "Environment":
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=False),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
