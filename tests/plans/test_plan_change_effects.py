"""What a plan change carries along: an offered cancellation is void after it, the billing credit a
change leaves is kept by the changes after it, and the entries name the person who made them."""

import pytest

from studio_credits.domain.account import PlanStatus
from studio_credits.domain.cancellation import CancellationOffer, InvalidToken
from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.ledger import EntryKind
from studio_credits.domain.lots import LotSource
from studio_credits.domain.payments import PaymentPurpose
from studio_credits.domain.plan_terms import PlanChangeTerms
from studio_credits.service import plans
from studio_credits.service.ports import Services
from tests.support.accounts import ANNUAL, MONTHLY, PERSON, at, live_until, subscribe
from tests.support.ledger import ledger_entries


def changed(services: Services, plan_id: str, interval: BillingInterval, key: str) -> PlanChangeTerms:
    made = plans.change_plan(services, PERSON, plan_id, interval, key)
    assert isinstance(made, plans.PlanChangeMade), made
    return made.terms


@pytest.mark.parametrize(
    ("plan_id", "interval"),
    [("pro", MONTHLY), ("pro", ANNUAL), ("free", MONTHLY)],
    ids=["up", "year", "down"],
)
def test_a_plan_change_voids_the_cancellation_offered_before_it(
    services: Services, plan_id: str, interval: BillingInterval
) -> None:
    subscribe(services, PERSON, "starter")
    offer = plans.request_cancellation(services, PERSON)
    assert isinstance(offer, CancellationOffer)

    changed(services, plan_id, interval, "change")

    assert isinstance(plans.confirm_cancellation(services, PERSON, offer.token), InvalidToken)


def test_the_billing_credit_a_change_leaves_is_kept_by_the_changes_after_it(
    services: Services, clock: FixedClock
) -> None:
    subscribe(services, PERSON, "starter", ANNUAL)  # 24 Nov 2026, $182.00 for the year
    # At once to a month of Pro: the whole year's $182.00 is unused, $49.00 is due: $133.00 left over.
    to_pro = changed(services, "pro", MONTHLY, "to-pro")
    down = changed(services, "starter", MONTHLY, "down")
    kept = changed(services, "pro", MONTHLY, "keep")

    assert (to_pro.amount_due_now_cents, to_pro.billing_credit_after_cents) == (0, 13_300)
    assert down == PlanChangeTerms("starter", MONTHLY, False, at(2026, 12, 24), 0, 0, 0, 13_300)
    assert kept == PlanChangeTerms("pro", MONTHLY, True, clock.at, 0, 0, 0, 13_300)
    assert {entry.actor for entry in ledger_entries(services.repository, PERSON.subject)[1:]} == {"user:u-1"}


def test_asking_for_the_current_plan_again_is_an_event_with_its_terms_and_voids_the_offered_cancellation(
    services: Services, clock: FixedClock
) -> None:
    subscribe(services, PERSON, "starter")
    changed(services, "free", MONTHLY, "down")
    offer = plans.request_cancellation(services, PERSON)
    assert isinstance(offer, CancellationOffer)

    kept = changed(services, "starter", MONTHLY, "keep")

    assert kept == PlanChangeTerms("starter", MONTHLY, True, clock.at, 0, 0, 0, 0)
    event = ledger_entries(services.repository, PERSON.subject)[-1]
    assert (event.kind, event.description, event.plan_change) == (
        EntryKind.PLAN_CHANGE,
        "Scheduled change to Free, billed monthly, canceled: Starter continues",
        kept,
    )
    assert changed(services, "starter", MONTHLY, "keep") == kept  # a retry finds the terms in the event
    assert isinstance(plans.confirm_cancellation(services, PERSON, offer.token), InvalidToken)


def on_pro_with_credit_left(services: Services) -> None:
    """Yearly Starter ($182.00) from 24 Nov 2026, then at once a month of Pro: $49.00 due, paid by
    the unused year of Starter, and $133.00 left over as billing credit."""
    subscribe(services, PERSON, "starter", ANNUAL)
    assert changed(services, "pro", MONTHLY, "to-pro") == PlanChangeTerms(
        "pro", MONTHLY, True, at(2026, 11, 24), 3_000, 0, 0, 13_300
    )


def test_the_billing_credit_pays_first_toward_an_upgrade(services: Services) -> None:
    on_pro_with_credit_left(services)

    made = plans.change_plan(services, PERSON, "business", ANNUAL, "business")

    # A year of Business, $950.00, less the unused month of Pro, $49.00: $901.00, of which the
    # $133.00 of credit pays first; $768.00 is due and no credit is left.
    assert isinstance(made, plans.PlanChangeMade), made
    assert made.terms == PlanChangeTerms("business", ANNUAL, True, at(2026, 11, 24), 7_000, 76_800, 13_300, 0)
    assert made.account.billing_credit_cents == 0
    upgrade = ledger_entries(services.repository, PERSON.subject)[-2:]
    assert [(e.kind, e.amount, [m.source for m in e.lots], e.actor) for e in upgrade] == [
        (EntryKind.ROLLOVER, 3_000, [LotSource.ROLLOVER], "user:u-1"),
        (EntryKind.GRANT, 7_000, [LotSource.PLAN], "user:u-1"),
    ]


def test_the_billing_credit_pays_a_renewal_it_covers_and_nothing_is_charged(
    services: Services, clock: FixedClock
) -> None:
    on_pro_with_credit_left(services)

    account = live_until(services, clock, at(2026, 12, 24))

    assert (account.status, account.billing_credit_cents) == (PlanStatus.ACTIVE, 13_300 - 4_900)
    renewal = ledger_entries(services.repository, PERSON.subject)[-2:]
    assert [(e.kind, e.amount, e.description) for e in renewal] == [
        (EntryKind.RENEWAL, 0, "Pro plan renewed, billed monthly: $49.00 paid with billing credit"),
        (EntryKind.GRANT, 3_000, "Pro plan: 3,000 credits for the period 24 Dec 2026 to 24 Jan 2027"),
    ]
    payments, _ = services.repository.payments_page(PERSON.subject, 10, None)
    assert [p.purpose for p in payments] == [PaymentPurpose.PLAN_CHANGE]  # the yearly Starter only


def test_paid_value_left_over_adds_to_the_billing_credit_and_none_of_it_is_applied(
    services: Services,
) -> None:
    subscribe(services, PERSON, "pro", ANNUAL)

    made = plans.change_plan(services, PERSON, "business", MONTHLY, "business")

    # A month of Business, $99.00, against the unused year of Pro, $470.00: $371.00 of credit.
    assert isinstance(made, plans.PlanChangeMade), made
    assert made.terms == PlanChangeTerms("business", MONTHLY, True, at(2026, 11, 24), 7_000, 0, 0, 37_100)
    assert made.account.billing_credit_cents == 37_100
