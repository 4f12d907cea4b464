"""The notices' emails from their templates (mail/notice_emails.py, mail/templates/): HTML and plain
text for every kind, in the person's words and numbers, escaped, styled inline, linking to the page
that acts on the notice and, for the optional kinds, to the email preferences."""

from dataclasses import replace
from datetime import UTC, datetime
from html.parser import HTMLParser

import pytest

from studio_credits.domain.account import Account
from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.notice_rules import SUBJECTS
from studio_credits.domain.notices import Notice, NoticeKind
from studio_credits.domain.payments import Card
from studio_credits.mail.notice_emails import notice_email
from tests.support.accounts import subscribed

WEB = "https://app.studio.example"
NOW = datetime(2026, 12, 12, 0, tzinfo=UTC)
IMAGES_4K = Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_4K, outputs=10)  # 16 credits each
PRO = subscribed(
    "a", "pro", BillingInterval.MONTHLY, datetime(2026, 11, 15, 10, tzinfo=UTC), email="a@example.com"
)  # 3,000 credits to spend
ON_FILE = replace(PRO, card=Card("pm_1", "visa", "4242", 12, 2030))
OPTIONAL = {NoticeKind.CANCELLATION_ENDING, NoticeKind.CREDITS_EXPIRING, NoticeKind.LOW_CREDITS}
PLAN_PAGE, USAGE_OVERVIEW = f"{WEB}/plan", f"{WEB}/"
ACTS_ON = {
    NoticeKind.RENEWAL_REMINDER: ("Review your plan", PLAN_PAGE),
    NoticeKind.RENEWAL_PAID: ("See your plan", PLAN_PAGE),
    NoticeKind.PAYMENT_FAILED: ("Update your card and pay", PLAN_PAGE),
    NoticeKind.CANCELLATION_ENDING: ("Resume your plan", PLAN_PAGE),
    NoticeKind.AUTO_TOP_UP_MADE: ("See your payments", PLAN_PAGE),
    NoticeKind.AUTO_TOP_UP_OFF: ("Check your card", PLAN_PAGE),
    NoticeKind.CREDITS_EXPIRING: ("Use your credits", USAGE_OVERVIEW),
    NoticeKind.LOW_CREDITS: ("See your credits", USAGE_OVERVIEW),
}


def notice(kind: NoticeKind, message: str = "What happened, in words.", credits: int | None = None) -> Notice:
    return Notice(f"20261212T000000#{kind.value}#x", "a", kind, NOW, message, credits=credits)


class Tags(HTMLParser):
    """The tags of an HTML document, checked for closing in order (void elements excepted)."""

    VOID = frozenset({"meta", "br", "img", "hr", "link", "input"})

    def __init__(self, html: str) -> None:
        super().__init__()
        self.open: list[str] = []
        self.seen: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.seen.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        assert self.open and self.open.pop() == tag, f"</{tag}> closes nothing open"

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def words(html: str) -> str:
    """The HTML's text as a reader sees it, spaces collapsed."""
    return " ".join("".join(Tags(html).text).split())


def link_texts(html: str) -> dict[str, str]:
    """Each link's text and href."""
    links: dict[str, str] = {}

    class Links(HTMLParser):
        href: str | None = None
        text = ""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            if tag == "a":
                self.href, self.text = dict(attrs)["href"], ""

        def handle_data(self, data: str) -> None:
            if self.href is not None:
                self.text += data

        def handle_endtag(self, tag: str) -> None:
            if tag == "a" and self.href is not None:
                links[" ".join(self.text.split())] = self.href
                self.href = None

    Links().feed(html)
    return links


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_every_kind_is_an_email_in_html_and_text_with_its_subject_words_and_link(kind: NoticeKind) -> None:
    email = notice_email(notice(kind, "Your Pro plan renews on 15 Dec 2026 for $49.00"), ON_FILE, None, WEB)

    label, url = ACTS_ON[kind]
    assert (email.to, email.subject) == ("a@example.com", SUBJECTS[kind])
    tags = Tags(email.html)
    assert tags.open == []  # every element closed
    assert [tag for tag, _ in tags.seen][:3] == ["html", "head", "meta"]
    shown = words(email.html)
    assert shown.startswith(f"{SUBJECTS[kind]} ")  # the <title>
    assert f"Studio {SUBJECTS[kind]} Your Pro plan renews on 15 Dec 2026 for $49.00" in shown
    assert link_texts(email.html)[label] == url
    assert email.text.startswith(f"{SUBJECTS[kind]}\n\nYour Pro plan renews on 15 Dec 2026 for $49.00\n")
    assert f"\n{label}: {url}\n" in email.text


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_the_css_is_inline_for_mail_clients_that_drop_style_sheets(kind: NoticeKind) -> None:
    email = notice_email(notice(kind), ON_FILE, IMAGES_4K, WEB)

    tags = Tags(email.html).seen
    assert "<style" not in email.html and "stylesheet" not in email.html
    assert not [tag for tag, attrs in tags if "class" in attrs]
    styled = {tag for tag, attrs in tags if attrs.get("style")}
    assert {"body", "table", "td", "h1", "p", "a"} <= styled


@pytest.mark.parametrize("kind", list(NoticeKind))
def test_optional_kinds_say_how_to_turn_them_off_and_carry_list_unsubscribe(kind: NoticeKind) -> None:
    email = notice_email(notice(kind), ON_FILE, None, WEB)

    preferences = f"{WEB}/plan#emails"
    assert link_texts(email.html)["email preferences"] == preferences
    assert preferences in email.text
    if kind in OPTIONAL:
        assert email.headers == {"List-Unsubscribe": f"<{preferences}>"}
        assert "Don't want these? Turn them off in your email preferences" in words(email.html)
        assert f"Don't want these? Turn them off in your email preferences: {preferences}" in email.text
    else:
        assert email.headers == {}
        assert "It is about your payments, so it is always sent." in words(email.html)
        assert "It is about your payments, so it is always sent." in email.text


def test_the_footer_says_whom_it_went_to_and_why() -> None:
    email = notice_email(notice(NoticeKind.CREDITS_EXPIRING), ON_FILE, None, WEB)

    assert "This email went to a@example.com: you get it before credits expire." in words(email.html)
    assert "This email went to a@example.com: you get it before credits expire." in email.text


@pytest.mark.parametrize(
    ("kind", "phrase"),
    [
        (NoticeKind.CREDITS_EXPIRING, "Expiring: 1,200 credits: about 75 4K images"),
        (NoticeKind.CANCELLATION_ENDING, "Ending with your plan: 1,200 credits: about 75 4K images"),
        (NoticeKind.LOW_CREDITS, "Left: 1,200 credits: about 75 4K images"),
    ],
)
def test_the_credits_a_notice_is_about_are_counted_in_the_creative_made_most(
    kind: NoticeKind, phrase: str
) -> None:
    email = notice_email(notice(kind, credits=1_200), ON_FILE, IMAGES_4K, WEB)

    assert phrase in words(email.html)
    assert f"\n{phrase}\n" in email.text


@pytest.mark.parametrize(
    "kind", [NoticeKind.RENEWAL_PAID, NoticeKind.AUTO_TOP_UP_MADE, NoticeKind.AUTO_TOP_UP_OFF]
)
def test_notices_about_payments_count_the_credits_to_spend_now(kind: NoticeKind) -> None:
    email = notice_email(notice(kind), ON_FILE, IMAGES_4K, WEB)

    assert "Credits to spend now 3,000 credits: about 187 4K images" in words(email.html)
    assert "\nCredits to spend now: 3,000 credits: about 187 4K images\n" in email.text


def test_without_a_creative_made_or_one_the_plan_allows_credits_are_counted_as_credits() -> None:
    made_nothing = notice_email(notice(NoticeKind.CREDITS_EXPIRING, credits=1_200), ON_FILE, None, WEB)
    on_free = replace(ON_FILE, plan_id="free")  # Free makes images up to 1080p
    beyond_the_plan = notice_email(
        notice(NoticeKind.CREDITS_EXPIRING, credits=1_200), on_free, IMAGES_4K, WEB
    )

    for email in (made_nothing, beyond_the_plan):
        assert "Expiring: 1,200 credits Credits to spend now" in words(email.html)
        assert "\nExpiring: 1,200 credits\n" in email.text
        assert "about" not in email.text


def test_a_notice_about_no_credits_says_nothing_of_what_they_buy() -> None:
    email = notice_email(notice(NoticeKind.CREDITS_EXPIRING), ON_FILE, IMAGES_4K, WEB)

    assert "Expiring" not in email.text and "Expiring" not in email.html


def test_the_reminder_and_failure_say_the_plan_date_and_card() -> None:
    reminder = notice_email(notice(NoticeKind.RENEWAL_REMINDER), ON_FILE, None, WEB)
    no_card = notice_email(notice(NoticeKind.PAYMENT_FAILED), PRO, None, WEB)

    assert "Your plan Pro, billed monthly Renews on 15 Dec 2026 Charged to Visa •••• 4242" in words(
        reminder.html
    )
    assert (
        "Your plan: Pro, billed monthly\nRenews on: 15 Dec 2026\nCharged to: Visa •••• 4242\n"
        in reminder.text
    )
    assert "Card No card on file" in words(no_card.html)
    assert "\nCard: No card on file\n" in no_card.text


def test_the_person_s_and_the_notice_s_words_are_escaped_in_html_only() -> None:
    tricky: Account = replace(ON_FILE, email='a+"<b>"@example.com')
    said = 'Ends <script>alert("x")</script> & more'

    email = notice_email(notice(NoticeKind.CANCELLATION_ENDING, said), tricky, None, WEB)

    assert "<script>" not in email.html and "<b>" not in email.html
    assert "Ends &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; more" in email.html
    assert "a+&#34;&lt;b&gt;&#34;@example.com" in email.html
    assert said in words(email.html)  # what a reader sees
    assert said in email.text and 'a+"<b>"@example.com' in email.text


def test_an_account_without_an_email_address_has_no_email() -> None:
    with pytest.raises(ValueError, match="no email address"):
        notice_email(notice(NoticeKind.LOW_CREDITS), replace(PRO, email=None), None, WEB)
