"""LOW_CREDITS: spending that crosses 80% and then 95% of the period's granted credits is noticed once
each per period, and each new period (stored by the refresh job) notices them again."""

from datetime import timedelta

from studio_credits.domain.catalogue import Resolution
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.ids import public_id
from studio_credits.domain.notices import NoticeKind
from studio_credits.jobs.refresh import refresh
from studio_credits.service import ledger
from studio_credits.service.ports import Services
from tests.support.accounts import SERVICE, at, person, subscribe
from tests.support.ledger import image, stored_account

VIDEO_1080P_30S = Creative(
    kind=CreativeKind.VIDEO, resolution=Resolution.RES_1080P, duration_seconds=30
)  # 450


def spend_images(services: Services, clock: FixedClock, account_id: str, count: int) -> None:
    """`count` 1080p images (4 credits each), one a minute."""
    for _ in range(count):
        spend(services, clock, account_id, image())


def spend(services: Services, clock: FixedClock, account_id: str, creative: Creative) -> None:
    clock.at += timedelta(minutes=1)
    key = f"{clock.at:%Y%m%d%H%M}"
    assert isinstance(ledger.consume(services, SERVICE, account_id, creative, key, key), ledger.Recorded)


def low_credit_messages(services: Services, account_id: str) -> list[tuple[str, str]]:
    """(when, message) of the LOW_CREDITS notices recorded, oldest first."""
    notices = services.repository.notices(account_id, 100)
    return sorted((f"{n.at:%Y-%m-%d %H:%M}", n.message) for n in notices if n.kind is NoticeKind.LOW_CREDITS)


def test_the_marks_start_again_at_each_period_boundary(services: Services, clock: FixedClock) -> None:
    account_id = subscribe(services, person("low")).id  # the free plan: 100 credits a month from 24 Nov
    spend_images(services, clock, account_id, 19)  # 76 of 100: under 80%
    assert low_credit_messages(services, account_id) == []

    spend_images(services, clock, account_id, 5)  # 80 at the 20th image, 96 at the 24th
    for boundary in (at(2026, 12, 24), at(2027, 1, 24)):
        clock.at = boundary
        assert refresh(services, account_id) == 1  # the refresh job stores the new period
        assert stored_account(services.repository, account_id).low_credit_marks == ()
        spend_images(services, clock, account_id, 24)

    assert low_credit_messages(services, account_id) == [
        (
            "2026-11-24 12:20",
            "You have used 80 of this period's 100 credits (80% or more); 20 remain until 24 Dec 2026.",
        ),
        (
            "2026-11-24 12:24",
            "You have used 96 of this period's 100 credits (95% or more); 4 remain until 24 Dec 2026.",
        ),
        (
            "2026-12-24 12:20",
            "You have used 80 of this period's 100 credits (80% or more); 20 remain until 24 Jan 2027.",
        ),
        (
            "2026-12-24 12:24",
            "You have used 96 of this period's 100 credits (95% or more); 4 remain until 24 Jan 2027.",
        ),
        (
            "2027-01-24 12:20",
            "You have used 80 of this period's 100 credits (80% or more); 20 remain until 24 Feb 2027.",
        ),
        (
            "2027-01-24 12:24",
            "You have used 96 of this period's 100 credits (95% or more); 4 remain until 24 Feb 2027.",
        ),
    ]
    assert stored_account(services.repository, account_id).low_credit_marks == (80, 95)


def test_a_mark_is_crossed_at_its_percent_not_before_and_a_capture_crosses_one_too(
    services: Services, clock: FixedClock
) -> None:
    """Pro: 3,000 credits, so 80% is 2,400 and 95% is 2,850."""
    account_id = subscribe(services, person("low-pro"), "pro").id
    spend(services, clock, account_id, VIDEO_1080P_30S.model_copy(update={"outputs": 5}))  # 2,250
    for _ in range(9):
        spend(services, clock, account_id, image(1, Resolution.RES_4K))  # 16 each: 2,394 (79.8%)
    assert services.repository.notices(account_id, 100) == []

    spend(services, clock, account_id, image(1, Resolution.RES_2K))  # 8: 2,402
    clock.at += timedelta(minutes=1)
    held = ledger.reserve(services, SERVICE, account_id, VIDEO_1080P_30S, "job-v", 600, "held")
    assert isinstance(held, ledger.Recorded) and held.reservation is not None
    clock.at += timedelta(minutes=1)
    captured = ledger.capture(services, SERVICE, public_id(account_id, held.reservation.id), None)
    assert isinstance(captured, ledger.Recorded)  # 450: 2,852

    notices = sorted(services.repository.notices(account_id, 100), key=lambda notice: notice.at)
    assert [(n.account_id, n.kind, f"{n.at:%H:%M}", n.message) for n in notices] == [
        (
            account_id,
            NoticeKind.LOW_CREDITS,
            "12:11",
            "You have used 2,402 of this period's 3,000 credits (80% or more); 598 remain until 24 Dec 2026.",
        ),
        (
            account_id,
            NoticeKind.LOW_CREDITS,
            "12:13",
            "You have used 2,852 of this period's 3,000 credits (95% or more); 148 remain until 24 Dec 2026.",
        ),
    ]
