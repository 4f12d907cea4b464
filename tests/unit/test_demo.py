"""The demo person's fourteen months (studio_credits/demo.py), on the in-memory repository: the same now
gives the same story, seeding again changes nothing, and the story is the one the README tells."""

import re
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest

from studio_credits.demo import DEMO_USER, seed_demo_account, sign_up_time
from studio_credits.domain.as_of import as_of
from studio_credits.domain.catalogue import PLANS, BillingInterval, Resolution
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import IMAGE_RESOLUTIONS, VIDEO_RESOLUTIONS, Creative, CreativeKind
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.lots import LotSource
from studio_credits.domain.notices import NoticeKind
from studio_credits.domain.periods import add_months
from studio_credits.domain.pricing import quote
from studio_credits.service.ports import Services
from studio_credits.settings import Settings
from tests.http.dev_server import FROZEN_NOW
from tests.support.ledger import assert_ledger_adds_up, ledger_entries, stored_account
from tests.support.mailer import RecordingMailer
from tests.support.memory_repository import MemoryRepository
from tests.support.payments import local_stripe

Told = tuple[datetime, EntryKind, int, int, str]
"""What a person reads of an entry: when, what, the amount, the balance after it, the words."""


def seeded(now: datetime, services: Services | None = None) -> Services:
    services = services or Services(
        MemoryRepository(), FixedClock(now), RecordingMailer(), payments=local_stripe()
    )
    seed_demo_account(services, Settings.from_environment())
    return services


def told(services: Services) -> list[Told]:
    return [
        (e.at, e.kind, e.amount, e.balance_after, e.description)
        for e in ledger_entries(services.repository, DEMO_USER)
    ]


@pytest.fixture(scope="module")
def demo() -> Services:
    return seeded(FROZEN_NOW)


def entries(demo: Services, kind: EntryKind) -> list[LedgerEntry]:
    return [e for e in ledger_entries(demo.repository, DEMO_USER) if e.kind is kind]


def test_the_same_now_tells_the_same_story(demo: Services) -> None:
    assert told(seeded(FROZEN_NOW)) == told(demo)


def test_seeding_again_at_the_same_now_or_later_changes_nothing(demo: Services) -> None:
    before = told(demo)
    account = stored_account(demo.repository, DEMO_USER)

    seeded(FROZEN_NOW, demo)
    later = FixedClock(FROZEN_NOW + timedelta(days=40))
    seeded(later.at, Services(demo.repository, later, RecordingMailer(), payments=local_stripe()))

    assert told(demo) == before
    assert stored_account(demo.repository, DEMO_USER) == account


def test_fourteen_months_from_sign_up_up_to_now(demo: Services) -> None:
    history = ledger_entries(demo.repository, DEMO_USER)
    account = as_of(stored_account(demo.repository, DEMO_USER), FROZEN_NOW).account

    assert sign_up_time(FROZEN_NOW) == datetime(2026, 1, 30, 9, 0, tzinfo=UTC)
    assert history[0].at == sign_up_time(FROZEN_NOW)
    assert add_months(history[0].at, 13) < history[-1].at < FROZEN_NOW
    assert len({(e.at.year, e.at.month) for e in history}) == 15  # Jan 2026 to Mar 2027
    assert timedelta(days=10) <= account.current_period.end - FROZEN_NOW <= timedelta(days=20)
    assert_ledger_adds_up(history, account)


def test_free_then_starter_then_pro_billed_yearly(demo: Services) -> None:
    changes = [e.description for e in entries(demo, EntryKind.PLAN_CHANGE)]
    account = stored_account(demo.repository, DEMO_USER)

    assert changes == [
        "Upgraded to Starter (paid $12.87 with Visa •••• 4242)",
        "Upgraded to Pro (paid $18.00 with Visa •••• 4242)",
        "Change to yearly billing scheduled for 30 Oct 2026",
        "Scheduled change made: now on Pro, billed yearly",
    ]
    assert (account.plan_id, account.interval) == ("pro", BillingInterval.ANNUAL)
    payments, _ = demo.repository.payments_page(DEMO_USER, 20, None)
    assert [(p.description, p.amount_cents) for p in payments] == [
        ("Pro plan renewal, billed yearly: 30 Oct 2026 to 30 Oct 2027", 470_00),
        ("Pro plan renewal, billed monthly: 30 Sep 2026 to 30 Oct 2026", 49_00),
        ("Pro plan renewal, billed monthly: 30 Aug 2026 to 30 Sep 2026", 49_00),
        ("Pro plan renewal, billed monthly: 30 Jul 2026 to 30 Aug 2026", 49_00),
        ("Change to Pro, billed monthly", 18_00),
        ("Starter plan renewal, billed monthly: 30 Jun 2026 to 30 Jul 2026", 19_00),
        ("Starter plan renewal, billed monthly: 30 May 2026 to 30 Jun 2026", 19_00),
        ("Starter plan renewal, billed monthly: 30 Apr 2026 to 30 May 2026", 19_00),
        ("Change to Starter, billed monthly", 12_87),
    ]
    assert {p.status.value for p in payments} == {"SUCCEEDED"}


def test_a_top_up_a_promotion_that_expires_unused_a_partial_capture_and_a_refund(demo: Services) -> None:
    grants = Counter(e.amount for e in entries(demo, EntryKind.GRANT))
    expired = [e.description for e in entries(demo, EntryKind.EXPIRE)]
    [capture] = entries(demo, EntryKind.CAPTURE)
    [refund] = entries(demo, EntryKind.REFUND)

    assert grants[500] == 1 and grants[200] == 1  # the top-up, the promotion
    assert "200 promotion credits expired: past their expiry on 24 Aug 2026" in expired
    assert (capture.amount, capture.description) == (-24, "4 images, 2K: 24 credits for 3 of 4 outputs")
    assert (refund.amount, refund.description) == (120, "Refunded 120 of 120 credits: The render failed")


def test_monthly_rollovers_one_at_starter_s_cap_and_a_rollover_that_expires(demo: Services) -> None:
    rolled = [e.description for e in entries(demo, EntryKind.ROLLOVER)]
    expired = [e.description for e in entries(demo, EntryKind.EXPIRE)]

    assert len(rolled) == 11  # at every boundary after the two Free ones
    assert "1,000 unused Starter plan credits rolled over, until 30 Jun 2026" in rolled
    assert "460 rollover credits expired: past their expiry" in expired  # the quiet month's rest


def test_images_videos_and_multi_shot_videos_in_mixes_that_change_month_by_month(demo: Services) -> None:
    spent: dict[tuple[int, int], Counter[str]] = {}
    for e in entries(demo, EntryKind.CONSUME):
        assert e.creative is not None
        spent.setdefault((e.at.year, e.at.month), Counter())[e.creative.kind.value] -= e.amount

    assert len(spent) == 14  # Feb 2026 to Mar 2027
    assert {kind for month in spent.values() for kind in month} == {"IMAGE", "VIDEO", "MULTI_SHOT_VIDEO"}
    assert len({tuple(sorted(month.items())) for month in spent.values()}) >= 10
    assert spent[(2027, 3)] == Counter(IMAGE=320, VIDEO=1_204, MULTI_SHOT_VIDEO=1_689)


def test_at_now_the_demo_person_has_this_period_s_rollover_grant_and_top_up_less_its_spending(
    demo: Services,
) -> None:
    account = as_of(stored_account(demo.repository, DEMO_USER), FROZEN_NOW).account

    assert account.available == 3_000 + 3_000 + 500 - 3_213


def test_the_emails_are_the_demo_person_s(demo: Services) -> None:
    mailer = demo.mailer
    assert isinstance(mailer, RecordingMailer)
    subjects = Counter(mailer.subjects)

    assert {email.to for email in mailer.sent} == {"demo@studio.example"}
    assert subjects["You are running low on credits"] >= 1
    assert subjects["Your plan renews soon"] >= 5


ENUM_LIKE = re.compile(r"\b[A-Z][A-Z0-9]*_[A-Z0-9_]*\b|RES_|MULTI_SHOT|TOP_UP|_VIDEO")
ENUM_NAMES = {
    member.value
    for enum in (Resolution, CreativeKind, LotSource, BillingInterval, EntryKind, NoticeKind)
    for member in enum
}


def enum_words(text: str) -> list[str]:
    """The enum or code names a text shows a person: RES_2K, MULTI_SHOT_VIDEO, TOP_UP, IMAGE, ANNUAL."""
    return ENUM_LIKE.findall(text) + [
        word for word in re.findall(r"\b[A-Z_]{3,}\b", text) if word in ENUM_NAMES
    ]


def test_no_description_notice_email_or_price_line_shows_an_enum_name(demo: Services) -> None:
    """Over the demo's fourteen months (every kind of entry, notice and email it makes) and the quote
    of every kind of creative on every plan."""
    mailer = demo.mailer
    assert isinstance(mailer, RecordingMailer)
    texts = [e.description for e in ledger_entries(demo.repository, DEMO_USER)]
    texts += [n.message for n in demo.repository.notices(DEMO_USER, 100)]
    texts += [f"{email.subject} {email.text} {email.html}" for email in mailer.sent]
    creatives = [
        Creative(kind=CreativeKind.IMAGE, resolution=resolution, outputs=4, premium_model=True)
        for resolution in IMAGE_RESOLUTIONS
    ] + [
        Creative(
            kind=kind,
            resolution=resolution,
            outputs=2,
            duration_seconds=40,
            shots=3 if kind is CreativeKind.MULTI_SHOT_VIDEO else None,
            advanced_template=True,
        )
        for kind in (CreativeKind.VIDEO, CreativeKind.MULTI_SHOT_VIDEO)
        for resolution in VIDEO_RESOLUTIONS
    ]
    for plan in PLANS:
        for creative in creatives:
            priced = quote(creative, plan)
            texts += [line.label for line in priced.breakdown] + list(priced.blocked_by)

    assert len(texts) > 300
    assert {text: enum_words(text) for text in texts if enum_words(text)} == {}
