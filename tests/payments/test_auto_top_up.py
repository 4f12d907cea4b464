"""Auto top-up through the use cases, charged on localstripe: turned on with a paid plan and a card,
charged once right after the spend that crosses the threshold (whatever concurrent spends do), the
refresh job charging what that charge left unanswered, and turned off after three declines."""

from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import timedelta
from typing import Any

import pytest

from studio_credits.domain.account import TOP_UP_CHARGE_GRACE, Account
from studio_credits.domain.auto_top_up import AutoTopUpRefused
from studio_credits.domain.catalogue import Resolution
from studio_credits.domain.change import Change
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.errors import InvalidInput
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import LotSource
from studio_credits.domain.payments import ChargeRequest, Payment, PaymentPurpose, PaymentStatus
from studio_credits.jobs.refresh import run_refresh
from studio_credits.service import ledger
from studio_credits.service import payments as paying
from studio_credits.service.auto_top_ups import set_auto_top_up, turn_off_auto_top_up
from studio_credits.service.ports import PaymentProviderUnavailable, Services
from studio_credits.service.retry import RetryPolicy
from tests.support.accounts import PERSON, SERVICE, subscribe
from tests.support.ledger import assert_ledger_adds_up, image, ledger_entries, recorded, stored_account
from tests.support.mailer import RecordingMailer
from tests.support.payments import (
    ASKS_FOR_3DS,
    DECLINED_AT_CHARGE,
    LostAnswers,
    payment_intents,
    with_card,
)

FOUR_K_BATCH = image(10, Resolution.RES_4K)
"""160 credits on Pro."""


def on_pro_with_auto_top_up(services: Services, threshold: int = 2_700, monthly_cap: int = 3) -> Account:
    """Pro (3,000 credits this period) with the 4242 card, and auto top-up of 500 credits on."""
    subscribe(services, PERSON, "pro")
    account = set_auto_top_up(services, PERSON, "pack-500", threshold, monthly_cap)
    assert isinstance(account, Account), account
    return account


def spend(services: Services, key: str, creative: Any = FOUR_K_BATCH) -> ledger.Recorded:
    return recorded(ledger.consume(services, SERVICE, PERSON.subject, creative, f"job-{key}", key))


def grant_back(services: Services, key: str, credits: int = 160) -> None:
    """Credits back above the threshold, as a grant gives them, so that the next spend crosses again."""
    recorded(ledger.grant(services, SERVICE, PERSON.subject, credits, LotSource.TOP_UP, None, "back", key))


def top_ups(services: Services) -> list[Payment]:
    payments, _ = services.repository.payments_page(PERSON.subject, 100, None)
    return [payment for payment in payments if payment.purpose is PaymentPurpose.AUTO_TOP_UP]


def test_it_is_turned_on_only_on_a_paid_plan_with_a_card(services: Services) -> None:
    on_free = set_auto_top_up(services, PERSON, "pack-500", 200, 3)
    subscribe(services, PERSON, "pro")
    # No card on a paid plan: as an account whose card was taken off would be.
    services.repository.commit(
        Change(replace(stored_account(services.repository, PERSON.subject), card=None))
    )
    without_card = set_auto_top_up(services, PERSON, "pack-500", 200, 3)

    assert on_free == AutoTopUpRefused(
        "Auto top-up is for paid plans: the Free plan has no credit packs. Upgrade to turn it on."
    )
    assert without_card == paying.PaymentMethodRequired(
        "Add a card on the Plan page first: auto top-up charges $10.00 to it for each pack.", 1_000
    )
    assert stored_account(services.repository, PERSON.subject).auto_top_up is None


def test_settings_no_rule_accepts_change_nothing(services: Services) -> None:
    subscribe(services, PERSON, "pro")

    with pytest.raises(InvalidInput) as refused:
        set_auto_top_up(services, PERSON, "pack-500", 200, 0)

    assert refused.value.field == "monthly_cap"
    assert stored_account(services.repository, PERSON.subject).auto_top_up is None


def test_the_spend_that_crosses_the_threshold_tops_up_once_right_after_its_answer(
    services: Services, mailer: RecordingMailer
) -> None:
    on_pro_with_auto_top_up(services)
    spend(services, "above")  # 3,000 - 160 = 2,840: still above 2,700

    crossing = spend(services, "crossing")  # 2,680
    below = spend(services, "below")

    [top_up] = top_ups(services)
    assert crossing.top_up is not None and crossing.top_up.id == top_up.id
    assert crossing.account.available == 2_680  # its answer is the spend's, before the top-up
    after = stored_account(services.repository, PERSON.subject)
    assert after.available == 3_000 - 3 * 160 + 500
    assert (top_up.status, top_up.amount_cents, top_up.credits_bought) == (
        PaymentStatus.SUCCEEDED,
        1_000,
        500,
    )
    assert len(payment_intents(after.customer_id or "")) == 2  # the upgrade's and the top-up's
    entries = ledger_entries(services.repository, PERSON.subject)
    grant = next(entry for entry in entries if entry.id == top_up.entry_id)
    assert (grant.kind, grant.amount, grant.description, grant.actor) == (
        EntryKind.GRANT,
        500,
        "Auto top-up: 500 credits (paid $10.00 with Visa •••• 4242)",
        "auto-top-up",
    )
    assert below.top_up is None
    assert [email.subject for email in mailer.sent] == ["Credits added by auto top-up"]
    assert after.unsent_notices == ()
    assert_ledger_adds_up(entries, after)


def test_concurrent_spends_crossing_together_top_up_once(services: Services) -> None:
    on_pro_with_auto_top_up(services, threshold=2_000)
    calm = replace(services, retry=RetryPolicy(attempts=50, budget_seconds=30))

    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda n: spend(calm, f"spend-{n}"), range(8)))

    # 8 x 160 = 1,280 spent from 3,000: one crossing of 2,000, one top-up.
    [top_up] = top_ups(services)
    assert [answer.top_up is not None for answer in answers].count(True) == 1
    assert top_up.status is PaymentStatus.SUCCEEDED
    after = stored_account(services.repository, PERSON.subject)
    assert after.available == 3_000 - 1_280 + 500
    assert len(payment_intents(after.customer_id or "")) == 2
    assert_ledger_adds_up(ledger_entries(services.repository, PERSON.subject), after)


@dataclass
class Unreachable:
    """Stripe not answering at all: nothing reaches it."""

    provider: Any

    def __getattr__(self, name: str) -> Any:
        return getattr(self.provider, name)

    def charge(self, request: ChargeRequest) -> Any:
        raise PaymentProviderUnavailable()


@pytest.mark.parametrize("stripe", ["answer lost", "unreachable"])
def test_a_top_up_whose_charge_got_no_answer_is_charged_once_by_the_refresh_job_a_minute_later(
    services: Services, clock: FixedClock, mailer: RecordingMailer, stripe: str
) -> None:
    on_pro_with_auto_top_up(services)
    spend(services, "above")
    faulty = replace(
        services,
        payments=(LostAnswers if stripe == "answer lost" else Unreachable)(services.payment_provider),
    )

    crossing = spend(faulty, "crossing")  # answered as if Stripe were fine

    [waiting] = top_ups(services)
    assert crossing.entry is not None and crossing.entry.amount == -160
    assert waiting.status is PaymentStatus.PENDING
    too_soon = run_refresh(services)
    clock.at += TOP_UP_CHARGE_GRACE
    backstop = run_refresh(services)
    [paid] = top_ups(services)
    after = stored_account(services.repository, PERSON.subject)
    assert (too_soon.due, backstop.due, backstop.failed) == (0, 1, 0)
    assert paid.status is PaymentStatus.SUCCEEDED and after.available == 3_000 - 320 + 500
    assert len(payment_intents(after.customer_id or "")) == 2
    assert after.refresh_due_at == after.next_refresh_at
    assert [email.subject for email in mailer.sent] == ["Credits added by auto top-up"]


@dataclass
class Broken:
    """A Stripe adapter that fails in a way nobody planned for."""

    provider: Any

    def __getattr__(self, name: str) -> Any:
        return getattr(self.provider, name)

    def charge(self, request: ChargeRequest) -> Any:
        raise RuntimeError("bug")


def test_a_charge_that_fails_unexpectedly_never_fails_the_spend(services: Services) -> None:
    on_pro_with_auto_top_up(services)
    spend(services, "above")

    crossing = spend(replace(services, payments=Broken(services.payment_provider)), "crossing")

    assert crossing.top_up is not None
    assert [payment.status for payment in top_ups(services)] == [PaymentStatus.PENDING]


@pytest.mark.parametrize("card", [DECLINED_AT_CHARGE, ASKS_FOR_3DS], ids=["declined", "asks-for-3ds"])
def test_three_declined_top_ups_in_a_row_turn_it_off_with_an_email_and_an_event(
    services: Services, mailer: RecordingMailer, card: str
) -> None:
    on_pro_with_auto_top_up(services, threshold=2_900, monthly_cap=5)
    with_card(services, PERSON, card)

    for n in range(3):
        spend(services, f"crossing-{n}")  # 3,000 to 2,840
        grant_back(services, f"back-{n}")
    later = spend(services, "after-off")

    assert [payment.status for payment in top_ups(services)] == [PaymentStatus.FAILED] * 3
    off = stored_account(services.repository, PERSON.subject).auto_top_up
    assert off is not None and (off.enabled, off.failures) == (False, 3)
    assert later.top_up is None
    events = [
        e.description
        for e in ledger_entries(services.repository, PERSON.subject)
        if e.kind is EntryKind.PLAN_CHANGE
    ]
    assert events[-1] == "Auto top-up turned off: its last 3 payments were declined"
    assert [email.subject for email in mailer.sent] == ["Auto top-up is turned off"]


def test_turned_off_by_the_person_a_crossing_charges_nothing(services: Services) -> None:
    on_pro_with_auto_top_up(services)
    turned_off = turn_off_auto_top_up(services, PERSON)

    spend(services, "above")
    spend(services, "crossing")

    assert turned_off.auto_top_up is not None and not turned_off.auto_top_up.enabled
    assert top_ups(services) == []
    events = [
        e.description
        for e in ledger_entries(services.repository, PERSON.subject)
        if e.kind is EntryKind.PLAN_CHANGE
    ]
    assert events[-2:] == [
        "Auto top-up on: 500 credits for $10.00 when fewer than 2,700 credits are available, "
        "at most 3 top-ups a month",
        "Auto top-up turned off",
    ]


def test_on_dynamodb_the_refresh_job_finds_a_top_up_left_waiting(
    dynamo_services: Services, clock: FixedClock
) -> None:
    on_pro_with_auto_top_up(dynamo_services)
    spend(dynamo_services, "above")
    spend(replace(dynamo_services, payments=LostAnswers(dynamo_services.payment_provider)), "crossing")
    waiting = stored_account(dynamo_services.repository, PERSON.subject)

    clock.at += TOP_UP_CHARGE_GRACE + timedelta(seconds=1)
    report = run_refresh(dynamo_services)

    assert waiting.auto_top_up is not None and waiting.auto_top_up.pending_payment_id is not None
    assert (report.due, report.failed) == (1, 0)
    [paid] = top_ups(dynamo_services)
    assert paid.status is PaymentStatus.SUCCEEDED
    assert stored_account(dynamo_services.repository, PERSON.subject).auto_top_up == replace(
        waiting.auto_top_up, pending_payment_id=None, pending_since=None
    )
