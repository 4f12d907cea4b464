"""Cancelling with a confirmation, and resuming: the rules on their own."""

from dataclasses import replace
from datetime import datetime, timedelta

from studio_credits.domain.account import Account, PlanStatus, ScheduledChange
from studio_credits.domain.as_of import as_of
from studio_credits.domain.cancellation import (
    CancellationOffer,
    CancellationRefused,
    InvalidToken,
    NothingToResume,
    PlanEvent,
    confirm_cancellation,
    offer_cancellation,
    resume_plan,
)
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import Lot, LotSource
from studio_credits.domain.plan_changes import PlannedPlanChange, plan_change
from tests.support.accounts import ANNUAL, MONTHLY, at, on_plan
from tests.support.renewals import renewed_as_of

NONCE = "a-random-nonce-the-service-draws"
ACTOR = "user:u-1"
NOW = at(2027, 5, 10)
MAY = 3
"""The period of an account anchored on Jan 31, 2027 that NOW falls in: Apr 30 to May 31."""


def offered(account: Account, nonce: str, now: datetime) -> tuple[Account, CancellationOffer]:
    offer = offer_cancellation(account, nonce, now)
    assert not isinstance(offer, CancellationRefused), offer
    return offer


def test_an_offer_keeps_only_a_hash_and_tells_what_is_lost_at_the_end() -> None:
    account = on_plan("pro", ANNUAL, at(2027, 1, 31), period_index=3)
    plan = Lot("p-1", LotSource.PLAN, 3_000, 2_500, account.current_period.end, NOW)
    rolled = Lot("r-1", LotSource.ROLLOVER, 200, 150, account.current_period.end, NOW)
    top_up = Lot("t-1", LotSource.TOP_UP, 500, 500, at(2028, 1, 1), NOW)
    account = replace(account, lots=(plan, rolled, top_up))

    pending, offer = offered(account, NONCE, NOW)

    assert offer.token == NONCE
    assert offer.effective_at == at(2028, 1, 31)  # an annual plan lasts its year
    assert offer.credits_forfeited == 2_500 + 150  # plan and rolled-over credits; the top-up stays
    assert offer.token_expires_at == NOW + timedelta(minutes=10)
    assert pending.pending_cancellation is not None
    assert NONCE not in pending.pending_cancellation.token_hash
    assert replace(pending, pending_cancellation=None) == account


def test_confirming_within_ten_minutes_cancels_at_the_term_end() -> None:
    account = replace(
        on_plan("pro", MONTHLY, at(2027, 1, 31), MAY), scheduled_change=ScheduledChange("starter", MONTHLY)
    )
    pending, _ = offered(account, NONCE, NOW)

    confirmed = confirm_cancellation(
        pending, NONCE, NOW + timedelta(minutes=10) - timedelta(seconds=1), ACTOR
    )

    assert isinstance(confirmed, PlanEvent)
    canceled = confirmed.account
    assert canceled.status is PlanStatus.CANCELING
    assert (canceled.ends_at, canceled.renews_at) == (at(2027, 5, 31), None)
    # The plan ends instead of changing; the change is kept for a resume.
    assert (canceled.upcoming_change, canceled.pending_cancellation) == (None, None)
    assert canceled.scheduled_change == ScheduledChange("starter", MONTHLY)
    assert canceled.lots == account.lots
    entry = confirmed.entry
    assert (entry.kind, entry.amount, entry.balance_after) == (EntryKind.PLAN_CHANGE, 0, account.balance)
    assert entry.description == (
        "Cancellation confirmed, ends 31 May 2027, instead of the change to Starter, billed monthly "
        "(kept if resumed)"
    )


def test_a_token_is_refused_once_used_expired_replaced_or_made_up() -> None:
    account = on_plan("starter", MONTHLY, at(2027, 1, 31), MAY)
    pending, _ = offered(account, NONCE, NOW)
    confirmed = confirm_cancellation(pending, NONCE, NOW, ACTOR)
    assert isinstance(confirmed, PlanEvent)
    replaced, _ = offered(pending, "a-newer-nonce", NOW)

    refusals = [
        confirm_cancellation(confirmed.account, NONCE, NOW, ACTOR),
        confirm_cancellation(pending, NONCE, NOW + timedelta(minutes=10), ACTOR),
        confirm_cancellation(replaced, NONCE, NOW, ACTOR),
        confirm_cancellation(pending, "made-up", NOW, ACTOR),
        confirm_cancellation(account, NONCE, NOW, ACTOR),
    ]

    not_valid = (
        "This cancellation token is not valid for your account: it was used, replaced by a newer one "
        "or never issued. Request a new one."
    )
    assert refusals == [
        InvalidToken(not_valid),
        InvalidToken("This cancellation token has expired (tokens last 10 minutes): request a new one."),
        InvalidToken(not_valid),
        InvalidToken(not_valid),
        InvalidToken(not_valid),
    ]


def test_a_token_offered_before_a_downgrade_to_free_took_effect_finds_nothing_to_cancel() -> None:
    account = on_plan("starter", MONTHLY, at(2027, 1, 31))
    planned = plan_change(account, "free", MONTHLY, at(2027, 2, 10), ACTOR)
    assert isinstance(planned, PlannedPlanChange)
    pending, _ = offered(planned.account, NONCE, at(2027, 2, 28) - timedelta(minutes=5))
    now = at(2027, 2, 28) + timedelta(minutes=1)  # the downgrade took effect at 12:00

    refused = confirm_cancellation(as_of(pending, now).account, NONCE, now, ACTOR)

    assert refused == InvalidToken("Your account is on the Free plan now: there is nothing to cancel.")


def test_the_free_plan_and_a_canceled_plan_cannot_be_canceled() -> None:
    free = offer_cancellation(on_plan("free", MONTHLY, NOW), NONCE, NOW)
    canceling = replace(on_plan("pro", MONTHLY, NOW), status=PlanStatus.CANCELING, ends_at=at(2027, 6, 10))
    canceled = offer_cancellation(canceling, NONCE, NOW)

    assert free == CancellationRefused(
        "The Free plan has nothing to cancel: it costs nothing and never ends."
    )
    assert canceled == CancellationRefused(
        "Your plan is already canceled and ends on 10 Jun 2027; resume it to keep it."
    )


def test_resuming_before_the_end_renews_again_and_after_it_there_is_nothing_to_resume() -> None:
    account = on_plan("pro", MONTHLY, at(2027, 1, 31), MAY)
    pending, _ = offered(account, NONCE, NOW)
    confirmed = confirm_cancellation(pending, NONCE, NOW, ACTOR)
    assert isinstance(confirmed, PlanEvent)
    ends_at = confirmed.account.ends_at
    assert ends_at is not None

    resumed = resume_plan(confirmed.account, ends_at - timedelta(seconds=1), ACTOR)
    assert isinstance(resumed, PlanEvent)
    assert (resumed.account.status, resumed.account.ends_at, resumed.account.renews_at) == (
        PlanStatus.ACTIVE,
        None,
        ends_at,
    )
    assert resumed.entry.description == f"Plan resumed: Pro renews on {ends_at.day} {ends_at:%b %Y}"

    too_late = resume_plan(confirmed.account, ends_at, ACTOR)
    assert too_late == NothingToResume(
        f"Your plan ended on {ends_at.day} {ends_at:%b %Y}: choose a plan to subscribe again."
    )
    assert resume_plan(account, NOW, ACTOR) == NothingToResume(
        "Your plan is not canceled: there is nothing to resume."
    )


BOUNDARY = at(2029, 2, 28, 9)


def test_a_token_lasts_until_the_term_it_was_offered_for_ends_and_is_stale_once_it_renewed() -> None:
    """Starter annual to Feb 28, 2029 09:00. Offered at 08:58: the token expires at 09:00, with the
    term. Confirmed once the term has renewed (the account as of then runs to Feb 28, 2030), it is
    refused as stale, never taken to end the next term."""
    account = on_plan("starter", ANNUAL, at(2028, 2, 28, 9), period_index=11)
    assert account.term_end == BOUNDARY
    pending, offer = offered(account, NONCE, BOUNDARY - timedelta(minutes=2))
    assert (offer.effective_at, offer.token_expires_at) == (BOUNDARY, BOUNDARY)

    confirmed_in_time = confirm_cancellation(pending, NONCE, BOUNDARY - timedelta(minutes=1), ACTOR)
    assert isinstance(confirmed_in_time, PlanEvent)
    assert confirmed_in_time.account.ends_at == BOUNDARY
    refusals = [
        confirm_cancellation(renewed_as_of(pending, now).account, NONCE, now, ACTOR)
        for now in (BOUNDARY, BOUNDARY + timedelta(seconds=1), BOUNDARY + timedelta(minutes=3))
    ]
    assert refusals == 3 * [
        InvalidToken(
            "This cancellation was offered to end your plan on 28 Feb 2029, but the plan has renewed "
            "since and now runs to 28 Feb 2030: request a new cancellation to see what ending it means now."
        )
    ]


def test_resuming_restores_the_change_the_cancellation_set_aside() -> None:
    account = replace(
        on_plan("pro", MONTHLY, at(2027, 1, 31), MAY), scheduled_change=ScheduledChange("starter", MONTHLY)
    )
    pending, _ = offered(account, NONCE, NOW)
    confirmed = confirm_cancellation(pending, NONCE, NOW, ACTOR)
    assert isinstance(confirmed, PlanEvent)

    resumed = resume_plan(confirmed.account, NOW + timedelta(days=1), ACTOR)

    assert isinstance(resumed, PlanEvent)
    assert resumed.account.upcoming_change == ScheduledChange("starter", MONTHLY)
    assert (
        resumed.entry.description
        == "Plan resumed: Pro until 31 May 2027, then Starter, billed monthly as scheduled"
    )
    renewed = as_of(resumed.account, at(2027, 5, 31)).account
    assert (renewed.plan_id, renewed.interval, renewed.scheduled_change) == ("starter", MONTHLY, None)
