"""The plan page's use cases: one atomic, idempotent, recorded change each."""

from dataclasses import replace
from datetime import timedelta

import pytest

from studio_credits.domain.access import Principal, Role
from studio_credits.domain.account import Account, PlanStatus, ScheduledChange
from studio_credits.domain.cancellation import (
    CancellationOffer,
    CancellationRefused,
    InvalidToken,
    NothingToResume,
)
from studio_credits.domain.catalogue import Resolution
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.creatives import Creative, CreativeKind
from studio_credits.domain.errors import NotAllowed
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.plan_changes import InvalidPlanChange
from studio_credits.service import plans
from studio_credits.service.execution import IdempotencyConflict
from studio_credits.service.ports import Services
from studio_credits.service.quotes import quote_for
from tests.support.accounts import ANNUAL, MONTHLY, PERSON, at, live_until, subscribe
from tests.support.ledger import assert_ledger_adds_up, ledger_entries, stored_account

OTHER = Principal("u-2", Role.USER, "u2@example.com")


def stored_of(services: Services, who: Principal = PERSON) -> Account:
    return stored_account(services.repository, who.subject)


def entries_of(services: Services) -> list[LedgerEntry]:
    """The person's whole ledger, oldest first."""
    return ledger_entries(services.repository, PERSON.subject)


def test_an_upgrade_is_stored_with_its_ledger_and_the_new_features_apply_at_once(
    services: Services, clock: FixedClock
) -> None:
    clock.at = at(2027, 1, 31)
    subscribe(services, PERSON, "starter", MONTHLY)
    multi_shot = Creative(
        kind=CreativeKind.MULTI_SHOT_VIDEO, resolution=Resolution.RES_1080P, duration_seconds=10, shots=3
    )
    assert not quote_for(services, PERSON, multi_shot, None).allowed
    clock.at = at(2027, 2, 27, 18)

    previewed = plans.preview_plan_change(services, PERSON, "pro", MONTHLY)
    made = plans.change_plan(services, PERSON, "pro", MONTHLY, "upgrade-1")

    assert isinstance(previewed, plans.PlanChangePreview)
    preview = previewed.terms
    assert isinstance(made, plans.PlanChangeMade)
    assert made.terms == preview
    assert previewed.card == stored_of(services).card
    assert made.payment is not None and made.payment.amount_cents == 107
    assert (preview.credits_granted_now, preview.amount_due_now_cents) == (2_000, 107)
    stored = stored_of(services)
    assert stored == made.account
    assert (stored.plan_id, stored.anchor, stored.balance) == ("pro", at(2027, 1, 31), 3_000)
    assert quote_for(services, PERSON, multi_shot, None).allowed
    entries = entries_of(services)
    assert_ledger_adds_up(entries, stored)
    assert [(e.kind, e.description) for e in entries[-2:]] == [
        (EntryKind.PLAN_CHANGE, "Upgraded to Pro (paid $1.07 with Visa •••• 4242)"),
        (EntryKind.GRANT, "Pro upgrade: 2,000 more credits for this period"),
    ]
    assert entries[-2].plan_change == made.terms


def test_an_upgrade_to_yearly_billing_is_one_refresh_on_the_new_plan(
    services: Services, clock: FixedClock
) -> None:
    clock.at = at(2026, 11, 24)
    subscribe(services, PERSON, "starter", MONTHLY)
    clock.at = at(2026, 12, 9)

    made = plans.change_plan(services, PERSON, "business", ANNUAL, "to-business-yearly")

    assert isinstance(made, plans.PlanChangeMade)
    assert made.terms.amount_due_now_cents == 95_000 - 950
    stored = stored_of(services)
    assert (stored.interval, stored.anchor, stored.term_end) == (ANNUAL, at(2026, 12, 9), at(2027, 12, 9))
    assert stored.balance == 1_000 + 7_000  # the unused starter credits roll over, then the grant
    entries = entries_of(services)
    assert_ledger_adds_up(entries, stored)
    assert [e.kind for e in entries[-5:]] == [
        EntryKind.PLAN_CHANGE,
        EntryKind.EXPIRE,
        EntryKind.EXPIRE,
        EntryKind.ROLLOVER,
        EntryKind.GRANT,
    ]


def test_a_retried_change_returns_the_first_result_and_changes_nothing(
    services: Services, clock: FixedClock
) -> None:
    clock.at = at(2026, 11, 24)
    subscribe(services, PERSON, "starter", MONTHLY)
    clock.at = at(2026, 12, 1)
    first = plans.change_plan(services, PERSON, "pro", MONTHLY, "key-1")
    entries = entries_of(services)
    clock.at = at(2026, 12, 5)  # a retry later still reports what the first call did

    again = plans.change_plan(services, PERSON, "pro", MONTHLY, "key-1")
    other_input = plans.change_plan(services, PERSON, "business", MONTHLY, "key-1")

    assert again == first
    assert isinstance(other_input, IdempotencyConflict)
    assert entries_of(services) == entries


def test_a_scheduled_downgrade_changes_nothing_but_the_schedule_and_is_replaced_then_cleared(
    services: Services, clock: FixedClock
) -> None:
    clock.at = at(2027, 3, 31)
    subscribe(services, PERSON, "pro", ANNUAL)
    before = live_until(services, clock, at(2028, 3, 30))
    assert before.period_index == 11

    scheduled = plans.change_plan(services, PERSON, "starter", MONTHLY, "down-1")
    assert isinstance(scheduled, plans.PlanChangeMade)
    assert (scheduled.terms.immediate, scheduled.terms.effective_at) == (False, at(2028, 3, 31))
    assert scheduled.account.scheduled_change == ScheduledChange("starter", MONTHLY)
    assert replace(scheduled.account, scheduled_change=None, version=before.version) == before

    replaced = plans.change_plan(services, PERSON, "free", MONTHLY, "down-2")
    assert isinstance(replaced, plans.PlanChangeMade)
    assert replaced.account.scheduled_change == ScheduledChange("free", MONTHLY)

    cleared = plans.change_plan(services, PERSON, "pro", ANNUAL, "keep")
    assert isinstance(cleared, plans.PlanChangeMade)
    assert cleared.account.scheduled_change is None
    assert [e.description for e in entries_of(services)[-3:]] == [
        "Downgrade to Starter, billed monthly, scheduled for 31 Mar 2028",
        "Downgrade to Free, billed monthly, scheduled for 31 Mar 2028",
        "Scheduled change to Free, billed monthly, canceled: Pro continues",
    ]
    assert_ledger_adds_up(entries_of(services), stored_of(services))


def test_an_invalid_change_writes_nothing(services: Services, clock: FixedClock) -> None:
    clock.at = at(2026, 11, 24)
    subscribe(services, PERSON, "pro", MONTHLY)
    entries = entries_of(services)

    refused = plans.change_plan(services, PERSON, "pro", MONTHLY, "same")

    assert isinstance(refused, InvalidPlanChange)
    assert "already on the Pro plan" in refused.message
    assert entries_of(services) == entries
    yearly_free = plans.preview_plan_change(services, PERSON, "free", ANNUAL)
    assert isinstance(yearly_free, InvalidPlanChange)
    assert "cannot be bought yearly" in yearly_free.message


def offered(services: Services, person: Principal) -> CancellationOffer:
    offer = plans.request_cancellation(services, person)
    assert isinstance(offer, CancellationOffer), offer
    return offer


@pytest.mark.parametrize("role", [Role.SERVICE, Role.ADMIN])
def test_the_service_and_admins_may_not_touch_a_plan(
    services: Services, clock: FixedClock, role: Role
) -> None:
    clock.at = at(2026, 11, 24)
    subscribe(services, PERSON, "pro", MONTHLY)
    caller = Principal(PERSON.subject, role)

    for attempt in (
        lambda: plans.preview_plan_change(services, caller, "business", MONTHLY),
        lambda: plans.change_plan(services, caller, "business", MONTHLY, "k"),
        lambda: plans.request_cancellation(services, caller),
        lambda: plans.confirm_cancellation(services, caller, "token"),
        lambda: plans.resume_plan(services, caller),
    ):
        with pytest.raises(NotAllowed):
            attempt()
    assert stored_of(services).plan_id == "pro"


def test_cancel_confirm_and_resume(services: Services, clock: FixedClock) -> None:
    clock.at = at(2026, 11, 24)
    subscribe(services, PERSON, "pro", MONTHLY)
    clock.at = at(2026, 12, 1)

    offer = offered(services, PERSON)
    assert (offer.effective_at, offer.credits_forfeited) == (at(2026, 12, 24), 3_000)
    clock.at += timedelta(minutes=9)
    canceled = plans.confirm_cancellation(services, PERSON, offer.token)

    assert not isinstance(canceled, InvalidToken)
    assert (canceled.status, canceled.ends_at, canceled.renews_at) == (
        PlanStatus.CANCELING,
        at(2026, 12, 24),
        None,
    )
    assert stored_of(services) == canceled
    used = plans.confirm_cancellation(services, PERSON, offer.token)
    assert isinstance(used, InvalidToken)

    resumed = plans.resume_plan(services, PERSON)
    assert not isinstance(resumed, NothingToResume)
    assert (resumed.status, resumed.ends_at, resumed.renews_at) == (PlanStatus.ACTIVE, None, at(2026, 12, 24))
    assert isinstance(plans.resume_plan(services, PERSON), NothingToResume)
    assert [(e.description, e.actor, e.at) for e in entries_of(services)[-2:]] == [
        ("Cancellation confirmed, ends 24 Dec 2026", "user:u-1", at(2026, 12, 1) + timedelta(minutes=9)),
        ("Plan resumed: Pro renews on 24 Dec 2026", "user:u-1", at(2026, 12, 1) + timedelta(minutes=9)),
    ]


def test_an_expired_or_foreign_token_changes_nothing(services: Services, clock: FixedClock) -> None:
    clock.at = at(2026, 11, 24)
    subscribe(services, PERSON, "pro", MONTHLY)
    offer = offered(services, PERSON)
    clock.at = at(2026, 11, 24) + timedelta(minutes=1)
    subscribe(services, OTHER, "starter", MONTHLY)
    other_offer = offered(services, OTHER)
    before = (stored_of(services), stored_of(services, OTHER))

    foreign = plans.confirm_cancellation(services, OTHER, offer.token)
    mine_with_theirs = plans.confirm_cancellation(services, PERSON, other_offer.token)
    clock.at = offer.token_expires_at
    expired = plans.confirm_cancellation(services, PERSON, offer.token)

    assert isinstance(foreign, InvalidToken)
    assert isinstance(mine_with_theirs, InvalidToken)
    assert isinstance(expired, InvalidToken)
    assert "expired" in expired.message
    assert (stored_of(services), stored_of(services, OTHER)) == before


def test_the_free_plan_cannot_be_canceled(services: Services) -> None:
    refused = plans.request_cancellation(services, PERSON)

    assert isinstance(refused, CancellationRefused)
    assert "The Free plan has nothing to cancel" in refused.message
