"""Which notices a person may turn off (domain/notice_preferences.py): the optional ones only."""

from dataclasses import replace
from datetime import UTC, datetime

from studio_credits.domain.account import open_account
from studio_credits.domain.notice_preferences import (
    AlwaysSent,
    NoticePreference,
    can_turn_off,
    is_emailed,
    notice_preferences,
    set_notice_preference,
)
from studio_credits.domain.notices import NoticeKind

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)
ACCOUNT, _ = open_account("a", "a@example.com", NOW)
OPTIONAL = {NoticeKind.CANCELLATION_ENDING, NoticeKind.CREDITS_EXPIRING, NoticeKind.LOW_CREDITS}


def test_only_notices_not_about_payments_can_be_turned_off() -> None:
    assert {kind for kind in NoticeKind if can_turn_off(kind)} == OPTIONAL
    assert not can_turn_off(NoticeKind.PAYMENT_FAILED)
    assert not can_turn_off(NoticeKind.RENEWAL_REMINDER)


def test_an_account_emails_every_kind_until_the_person_turns_one_off() -> None:
    assert ACCOUNT.muted_notices == frozenset()
    assert all(preference.enabled for preference in notice_preferences(ACCOUNT))

    muted = set_notice_preference(ACCOUNT, NoticeKind.LOW_CREDITS, enabled=False)

    assert not isinstance(muted, AlwaysSent)
    assert muted.muted_notices == {NoticeKind.LOW_CREDITS}
    assert not is_emailed(muted, NoticeKind.LOW_CREDITS)
    assert is_emailed(muted, NoticeKind.CREDITS_EXPIRING)
    again = set_notice_preference(muted, NoticeKind.LOW_CREDITS, enabled=True)
    assert not isinstance(again, AlwaysSent) and again.muted_notices == frozenset()


def test_turning_off_a_notice_about_payments_is_refused_in_words() -> None:
    refused = set_notice_preference(ACCOUNT, NoticeKind.PAYMENT_FAILED, enabled=False)

    assert refused == AlwaysSent(NoticeKind.PAYMENT_FAILED)
    assert refused.message == (
        "“When a payment fails” can't be turned off: emails about your payments are always sent"
    )
    assert set_notice_preference(ACCOUNT, NoticeKind.PAYMENT_FAILED, enabled=True) == ACCOUNT


def test_a_kind_stored_as_muted_that_is_always_sent_is_still_emailed() -> None:
    """Were a kind to become always sent, no one who had turned it off would miss it."""
    stored = set_notice_preference(ACCOUNT, NoticeKind.LOW_CREDITS, enabled=False)
    assert not isinstance(stored, AlwaysSent)
    stored = replace(stored, muted_notices=stored.muted_notices | {NoticeKind.RENEWAL_PAID})

    assert is_emailed(stored, NoticeKind.RENEWAL_PAID)


def test_the_preferences_list_each_kind_once_with_its_label() -> None:
    muted = set_notice_preference(ACCOUNT, NoticeKind.CREDITS_EXPIRING, enabled=False)
    assert not isinstance(muted, AlwaysSent)

    listed = notice_preferences(muted)

    assert [preference.kind for preference in listed] == [
        NoticeKind.CANCELLATION_ENDING,
        NoticeKind.CREDITS_EXPIRING,
        NoticeKind.LOW_CREDITS,
        NoticeKind.RENEWAL_REMINDER,
        NoticeKind.RENEWAL_PAID,
        NoticeKind.PAYMENT_FAILED,
        NoticeKind.AUTO_TOP_UP_MADE,
        NoticeKind.AUTO_TOP_UP_OFF,
    ]
    assert NoticePreference(NoticeKind.CREDITS_EXPIRING, enabled=False) in listed
    assert {p.label for p in listed if not p.can_turn_off} == {
        "Before your plan renews",
        "When your plan's renewal is paid",
        "When a payment fails",
        "When auto top-up buys credits",
        "When auto top-up turns itself off",
    }
