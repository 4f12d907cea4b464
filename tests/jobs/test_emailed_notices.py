"""The notices job's emails: rendered from the templates in the person's numbers (what expiring
credits would still make of what they make most) and never sent for a kind they turned off."""

from dataclasses import replace
from datetime import UTC, datetime, timedelta

from studio_credits.domain.catalogue import Resolution
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.notices import NoticeKind
from studio_credits.jobs.notices import run_notices
from studio_credits.mail.ses import SesMailer
from studio_credits.service import ledger
from studio_credits.service.accounts import viewer_account
from studio_credits.service.notice_preferences import set_notice_preference
from studio_credits.service.ports import Services
from tests.jobs.conftest import Sent
from tests.jobs.test_notices import ANCHOR, open_pro
from tests.support.accounts import SERVICE, person
from tests.support.mailer import RecordingMailer

FREE_PERSON = person("f", "f@example.com")
IMAGE_1080P = Creative(kind=CreativeKind.IMAGE, resolution=Resolution.RES_1080P)  # 4 credits
VIDEO_720P = Creative(kind=CreativeKind.VIDEO, resolution=Resolution.RES_720P, duration_seconds=5)  # 50
BEFORE_THE_REFRESH = ANCHOR + timedelta(days=28)
"""Past the CREDITS_EXPIRING notice of the first period (due 3 days before its end), before the end."""


def free_account_that_made_images(services: Services, clock: FixedClock) -> None:
    """On the free plan from ANCHOR: five 1080p images and one 720p video made, 30 of 100 credits left."""
    clock.at = ANCHOR
    viewer_account(services, FREE_PERSON)
    for n, creative in enumerate([*[IMAGE_1080P] * 5, VIDEO_720P]):
        clock.at = ANCHOR + timedelta(days=1, minutes=n)
        made = ledger.consume(services, SERVICE, "f", creative, f"job-{n}", f"make-{n}")
        assert isinstance(made, ledger.Recorded), made


def test_expiring_credits_are_counted_in_the_creative_the_person_makes_most(
    services: Services, clock: FixedClock, mailer: RecordingMailer
) -> None:
    free_account_that_made_images(services, clock)
    clock.at = BEFORE_THE_REFRESH

    report = run_notices(services)

    (email,) = mailer.sent
    assert (report.items, email.to, email.subject) == (1, "f@example.com", "Some of your credits expire soon")
    assert "\nExpiring: 30 credits: about 7 1080p images\n" in email.text
    assert "Expiring: 30 credits: about 7 1080p images" in email.html
    assert f'href="{services.web_url}/"' in email.html  # the Usage Overview
    assert email.headers == {"List-Unsubscribe": f"<{services.web_url}/plan#emails>"}
    (recorded,) = services.repository.notices("f", 10)
    assert (recorded.kind, recorded.credits) == (NoticeKind.CREDITS_EXPIRING, 30)


def test_a_kind_turned_off_is_recorded_and_never_emailed(
    services: Services, clock: FixedClock, mailer: RecordingMailer
) -> None:
    free_account_that_made_images(services, clock)
    set_notice_preference(services, FREE_PERSON, NoticeKind.CREDITS_EXPIRING, enabled=False)
    clock.at = BEFORE_THE_REFRESH

    first = run_notices(services)
    again = run_notices(services)

    assert mailer.sent == []
    assert (first.due, first.items, again.due) == (1, 0, 0)  # looked at once, then nothing left
    (recorded,) = services.repository.notices("f", 10)
    assert recorded.kind is NoticeKind.CREDITS_EXPIRING
    assert recorded.sent_at is None  # not sent: nothing claims it was
    account = services.repository.get("f")
    assert account is not None and account.unsent_notices == ()


def test_notices_about_payments_are_emailed_whatever_else_is_turned_off(
    services: Services, clock: FixedClock, mailer: RecordingMailer
) -> None:
    open_pro(services, clock)
    pro_person = person("a", "a@example.com")
    for kind in (NoticeKind.CREDITS_EXPIRING, NoticeKind.LOW_CREDITS, NoticeKind.CANCELLATION_ENDING):
        set_notice_preference(services, pro_person, kind, enabled=False)
    clock.at = datetime(2026, 12, 13, tzinfo=UTC)  # both the renewal reminder and credits expiring are due

    run_notices(services)

    assert mailer.subjects == ["Your plan renews soon"]
    assert {n.kind for n in services.repository.notices("a", 10)} == {
        NoticeKind.RENEWAL_REMINDER,
        NoticeKind.CREDITS_EXPIRING,
    }


def test_the_emails_ses_sends_are_the_rendered_ones(
    dynamo_services: Services, clock: FixedClock, ses_mailer: SesMailer, ses_sent: Sent
) -> None:
    """On DynamoDB: the creative made most is read from the ledger's newest entries."""
    services = replace(dynamo_services, mailer=ses_mailer)
    free_account_that_made_images(services, clock)
    clock.at = BEFORE_THE_REFRESH

    run_notices(services)

    (email,) = ses_sent()
    assert (email.to, email.subject) == ("f@example.com", "Some of your credits expire soon")
    assert "\nExpiring: 30 credits: about 7 1080p images\n" in email.text
    assert "Expiring: 30 credits: about 7 1080p images" in email.html
    assert email.headers["List-Unsubscribe"] == f"<{services.web_url}/plan#emails>"
