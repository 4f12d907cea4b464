"""What a plan change carries along: an offered cancellation is void after it, the billing credit a
change leaves is kept by the changes after it, and the entries name the person who made them."""

import pytest

from studio_credits.domain.cancellation import CancellationOffer, InvalidToken
from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.plan_terms import PlanChangeTerms
from studio_credits.service import plans
from studio_credits.service.ports import Services
from tests.support.accounts import ANNUAL, MONTHLY, PERSON, at, subscribe
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
