"""Auto top-up as pure decisions: the spend that crosses the threshold opens one payment, once per
crossing (re-armed only back at or above the threshold), within the monthly cap; a paid top-up grants
its pack with a notice; three declines in a row turn it off."""

from dataclasses import replace
from datetime import datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from studio_credits.domain.account import TOP_UP_CHARGE_GRACE, Account, AutoTopUp
from studio_credits.domain.auto_top_up import (
    AutoTopUpRefused,
    checked_settings,
    top_ups_this_period,
    turn_off,
    turn_on,
)
from studio_credits.domain.catalogue import BillingInterval, Resolution
from studio_credits.domain.errors import InvalidInput
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import Lot, LotSource
from studio_credits.domain.notices import NoticeKind
from studio_credits.domain.payments import Card, Payment, PaymentPurpose, PaymentStatus, pack_by_id
from studio_credits.domain.purchases import Settled, failed, paid
from studio_credits.domain.spending import LedgerWrite, consume, reserve
from tests.support.accounts import PERSON, at, subscribed
from tests.support.ledger import image

ANCHOR = at(2026, 3, 10)
NOW = ANCHOR + timedelta(days=3)
CARD = Card("pm_1", "visa", "4242", 12, 2030)
IMAGE_CREDITS = 4
CREATIVES = {IMAGE_CREDITS: image(), 40: image(10), 160: image(10, Resolution.RES_4K)}
"""Creatives by what they cost on Pro."""


def on_pro(available: int, threshold: int = 200, monthly_cap: int = 3, card: Card | None = CARD) -> Account:
    """A Pro account with `available` credits in one lot, a card, and auto top-up on."""
    account = subscribed(PERSON.subject, "pro", BillingInterval.MONTHLY, ANCHOR)
    lot = Lot("lot-1", LotSource.PLAN, 10_000, available, account.current_period.end, ANCHOR)
    account = replace(account, lots=(lot,), card=card, customer_id="cus_1")
    turned_on = turn_on(account, pack_by_id("pack-500"), threshold, monthly_cap, NOW, PERSON.actor)
    assert not isinstance(turned_on, AutoTopUpRefused)
    return turned_on.account


def spend(account: Account, credits: int = IMAGE_CREDITS, now: datetime = NOW) -> LedgerWrite:
    written = consume(account, CREATIVES[credits], "job", "generation-service", now)
    assert isinstance(written, LedgerWrite), written
    return written


def setting(account: Account) -> AutoTopUp:
    assert account.auto_top_up is not None
    return account.auto_top_up


def charged(account: Account, top_up: Payment, now: datetime = NOW) -> Settled:
    return paid(account, top_up, "pi_1", now, "auto-top-up")


def test_the_spend_that_crosses_the_threshold_opens_the_top_ups_payment_in_its_own_change() -> None:
    written = spend(on_pro(available=202))

    top_up = written.top_up
    assert top_up is not None
    assert written.change.payments == (top_up,)
    assert (top_up.key, top_up.purpose, top_up.pack_id, top_up.amount_cents, top_up.off_session) == (
        f"auto-top-up:{PERSON.subject}:1",
        PaymentPurpose.AUTO_TOP_UP,
        "pack-500",
        1_000,
        True,
    )
    assert (top_up.status, top_up.card_brand, top_up.card_last4) == (PaymentStatus.PENDING, "visa", "4242")
    marked = setting(written.change.account)
    assert (marked.armed, marked.crossings, marked.pending_payment_id, marked.pending_since) == (
        False,
        1,
        top_up.id,
        NOW,
    )
    assert top_ups_this_period(written.change.account) == 1


def test_a_hold_that_crosses_it_opens_the_payment_too() -> None:
    held = reserve(on_pro(available=202), image(), "job", timedelta(hours=1), "generation-service", NOW)

    assert isinstance(held, LedgerWrite) and held.top_up is not None
    assert held.change.reservations and held.change.payments == (held.top_up,)


@pytest.mark.parametrize(
    ("available", "why"),
    [(300, "still at or above the threshold after it"), (200 + IMAGE_CREDITS, "lands on the threshold")],
)
def test_a_spend_that_stays_at_or_above_the_threshold_opens_nothing(available: int, why: str) -> None:
    assert spend(on_pro(available)).top_up is None, why


def test_spends_below_the_threshold_after_its_crossing_charge_nothing_more() -> None:
    crossed = spend(on_pro(available=202)).change.account

    later = spend(spend(crossed).change.account)

    assert later.top_up is None
    assert setting(later.change.account).crossings == 1


def test_it_re_arms_once_credits_available_are_back_at_the_threshold_and_the_next_crossing_charges() -> None:
    crossed = spend(on_pro(available=202))
    assert crossed.top_up is not None
    topped_up = charged(crossed.change.account, crossed.top_up).account  # 198 + 500

    down = topped_up
    while (written := spend(down, 160)).top_up is None:
        down = written.change.account

    assert written.top_up.key == f"auto-top-up:{PERSON.subject}:2"
    assert written.change.account.available < 200 <= down.available


def test_a_top_up_waiting_for_its_charge_holds_back_the_next_crossing_which_charges_once_it_is_answered() -> (
    None
):
    crossed = spend(on_pro(available=202))
    assert crossed.top_up is not None
    # A grant takes it back above the threshold while the top-up waits; a spend crosses again.
    granted = crossed.change.account
    granted = replace(granted, lots=(replace(granted.lots[0], remaining=300),))
    while_waiting = spend(granted, 160)

    assert while_waiting.top_up is None and setting(while_waiting.change.account).armed
    declined = failed(
        while_waiting.change.account, crossed.top_up, "pi_1", "Your card was declined.", NOW, "stripe:webhook"
    )
    assert spend(declined.account).top_up is not None


def test_the_monthly_cap_counts_declined_top_ups_and_starts_again_with_the_next_period() -> None:
    account = on_pro(available=202, monthly_cap=2)
    for _ in range(2):
        crossed = spend(account)
        assert crossed.top_up is not None
        declined = failed(
            crossed.change.account, crossed.top_up, "pi", "Your card was declined.", NOW, "stripe:webhook"
        )
        account = replace(declined.account, lots=(replace(declined.account.lots[0], remaining=202),))

    capped = spend(account)
    next_period = replace(capped.change.account, period_index=capped.change.account.period_index + 1)
    in_it = spend(next_period, now=next_period.current_period.start + timedelta(hours=1))

    assert capped.top_up is None and top_ups_this_period(capped.change.account) == 2
    assert setting(capped.change.account).armed  # the crossing waits for the cap
    assert in_it.top_up is not None and top_ups_this_period(in_it.change.account) == 1


@pytest.mark.parametrize("why", ["no card", "the free plan"])
def test_without_a_card_or_on_a_plan_without_packs_a_crossing_charges_nothing(why: str) -> None:
    account = on_pro(available=202, card=None if why == "no card" else CARD)
    if why == "the free plan":
        account = replace(account, plan_id="free")

    assert spend(account).top_up is None


def test_a_paid_top_up_grants_its_pack_names_the_card_and_leaves_a_notice_to_email() -> None:
    crossed = spend(on_pro(available=202))
    assert crossed.top_up is not None

    settled = charged(crossed.change.account, crossed.top_up)

    [entry] = settled.entries
    assert (entry.kind, entry.amount, entry.description, entry.payment_id) == (
        EntryKind.GRANT,
        500,
        "Auto top-up: 500 credits (paid $10.00 with Visa •••• 4242)",
        crossed.top_up.id,
    )
    [lot] = [lot for lot in settled.account.lots if lot.id in settled.payment.lot_ids]
    assert (lot.source, lot.granted) == (LotSource.TOP_UP, 500)
    [notice] = settled.notices
    assert notice.kind is NoticeKind.AUTO_TOP_UP_MADE
    assert notice.message == (
        "Auto top-up added 500 credits, charged $10.00 to Visa •••• 4242: you now have 698 credits "
        "available. It has made 1 of the 3 top-ups it may make this month."
    )
    assert settled.account.unsent_notices == (notice.id,)
    after = setting(settled.account)
    assert (after.pending_payment_id, after.pending_since, after.failures) == (None, None, 0)


def test_three_declined_top_ups_in_a_row_turn_it_off_with_an_event_and_a_notice() -> None:
    account = on_pro(available=202, monthly_cap=10)
    outcomes = []
    for _ in range(3):
        crossed = spend(account)
        assert crossed.top_up is not None
        outcomes.append(
            failed(
                crossed.change.account, crossed.top_up, "pi", "Your card was declined.", NOW, "stripe:webhook"
            )
        )
        account = replace(outcomes[-1].account, lots=(replace(outcomes[-1].account.lots[0], remaining=202),))

    assert [bool(o.entries) for o in outcomes] == [False, False, True]
    [event] = outcomes[-1].entries
    assert (event.kind, event.amount, event.description, event.payment_id) == (
        EntryKind.PLAN_CHANGE,
        0,
        "Auto top-up turned off: its last 3 payments were declined",
        None,
    )
    [notice] = outcomes[-1].notices
    assert notice.kind is NoticeKind.AUTO_TOP_UP_OFF
    assert notice.message.startswith("Auto top-up is off: its last 3 payments were declined")
    off = setting(account)
    assert (off.enabled, off.failures) == (False, 3)
    assert spend(account).top_up is None


def test_a_paid_top_up_clears_the_declines_before_it() -> None:
    account = on_pro(available=202, monthly_cap=10)
    for ending in ("declined", "declined", "paid", "declined", "declined"):
        crossed = spend(account)
        assert crossed.top_up is not None
        if ending == "paid":
            account = charged(crossed.change.account, crossed.top_up).account
        else:
            account = failed(
                crossed.change.account, crossed.top_up, "pi", "declined", NOW, "stripe:webhook"
            ).account
        account = replace(account, lots=(replace(account.lots[0], remaining=202),))

    assert (setting(account).enabled, setting(account).failures) == (True, 2)


def test_turning_it_on_again_arms_it_and_forgets_the_declines() -> None:
    crossed = spend(on_pro(available=202))
    off = turn_off(crossed.change.account, NOW, PERSON.actor).account
    assert crossed.top_up is not None
    off = failed(off, crossed.top_up, "pi", "declined", NOW, "stripe:webhook").account

    on_again = turn_on(off, pack_by_id("pack-2000"), 250, 2, NOW, PERSON.actor)

    assert not isinstance(on_again, AutoTopUpRefused)
    [event] = on_again.entries
    assert event.description == (
        "Auto top-up on: 2,000 credits for $35.00 when fewer than 250 credits are available, "
        "at most 2 top-ups a month"
    )
    again = setting(on_again.account)
    assert (again.enabled, again.armed, again.failures, again.crossings) == (True, True, 0, 1)
    assert spend(on_again.account).top_up is not None


def test_settings_set_again_as_they_are_record_nothing_and_changed_ones_an_event() -> None:
    account = on_pro(available=1_000)

    same = turn_on(account, pack_by_id("pack-500"), 200, 3, NOW, PERSON.actor)
    changed = turn_on(account, pack_by_id("pack-500"), 300, 3, NOW, PERSON.actor)

    assert not isinstance(same, AutoTopUpRefused) and not isinstance(changed, AutoTopUpRefused)
    assert (same.account, same.entries) == (account, ())
    assert [e.description for e in changed.entries] == [
        "Auto top-up changed: 500 credits for $10.00 when fewer than 300 credits are available, "
        "at most 3 top-ups a month"
    ]
    assert [e.description for e in turn_off(account, NOW, PERSON.actor).entries] == ["Auto top-up turned off"]


def test_it_is_for_paid_plans() -> None:
    free = subscribed(PERSON.subject, "free", BillingInterval.MONTHLY, ANCHOR)

    assert turn_on(free, pack_by_id("pack-500"), 200, 3, NOW, PERSON.actor) == AutoTopUpRefused(
        "Auto top-up is for paid plans: the Free plan has no credit packs. Upgrade to turn it on."
    )


@pytest.mark.parametrize(
    ("settings", "field", "message"),
    [
        (
            ("pack-9", 200, 3),
            "pack_id",
            "There is no credit pack 'pack-9': choose one of pack-500, pack-2000, pack-5000.",
        ),
        (("pack-500", 0, 3), "threshold", "the threshold is 1 to 1,000,000 credits available, not 0"),
        (("pack-500", 200, 0), "monthly_cap", "the monthly cap is 1 to 10 top-ups, not 0"),
        (("pack-500", 200, 11), "monthly_cap", "the monthly cap is 1 to 10 top-ups, not 11"),
    ],
)
def test_settings_no_rule_accepts_are_refused_naming_the_setting(
    settings: tuple[str, int, int], field: str, message: str
) -> None:
    with pytest.raises(InvalidInput) as refused:
        checked_settings(*settings)

    assert (refused.value.field, refused.value.message) == (field, message)


def test_the_refresh_job_is_due_a_minute_after_a_top_up_began_waiting_for_its_charge() -> None:
    account = on_pro(available=202)
    crossed = spend(account).change.account

    assert account.refresh_due_at == account.next_refresh_at
    assert crossed.refresh_due_at == NOW + TOP_UP_CHARGE_GRACE


@given(
    st.lists(
        st.one_of(
            st.tuples(st.just("spend"), st.sampled_from([4, 40, 160])),
            st.tuples(st.just("grant"), st.sampled_from([50, 300, 900])),
            st.tuples(st.sampled_from(["paid", "declined", "new period"]), st.just(0)),
        ),
        max_size=60,
    )
)
def test_one_top_up_per_crossing_and_never_more_than_the_cap_in_a_period(
    steps: list[tuple[str, int]],
) -> None:
    """Whatever happens, each top-up follows credits available at or above the threshold since the one
    before, and a period never opens more than the cap."""
    account, now = on_pro(available=400, threshold=200, monthly_cap=2), NOW
    waiting: list[Payment] = []
    rearmed, opened_in_period = True, 0
    for step, amount in steps:
        rearmed = rearmed or account.available >= 200
        if step == "spend" and account.available >= amount:
            written = spend(account, amount, now)
            account = written.change.account
            if written.top_up is not None:
                assert rearmed, "a second top-up for one crossing"
                rearmed, opened_in_period = False, opened_in_period + 1
                waiting.append(written.top_up)
        elif step == "grant":
            account = replace(
                account, lots=(replace(account.lots[0], remaining=account.lots[0].remaining + amount),)
            )
        elif step in ("paid", "declined") and waiting:
            top_up = waiting.pop(0)
            if step == "paid":
                account = charged(account, top_up, now).account
            else:
                account = failed(account, top_up, "pi", "declined", now, "stripe:webhook").account
        elif step == "new period":
            account = replace(account, period_index=account.period_index + 1)
            now, opened_in_period = account.current_period.start + timedelta(hours=1), 0
        assert opened_in_period <= 2
        assert len(waiting) <= 1
