"""Money across time boundaries, through the production Lambda app on a clock the test moves.

Each scenario is a request that lands after a boundary (a period's end, a lot's expiry)
and before the refresh job has run, with the figures a person checked by hand. A paid term's
renewal grants its credits only once the refresh job has charged it: until then the account
is PAST_DUE and plan changes wait, so the scenarios that change a renewed plan run the job first.
"""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from studio_credits.bootstrap import bootstrap
from studio_credits.domain.clock import FixedClock
from studio_credits.jobs.refresh import run_refresh
from studio_credits.jobs.sweep import run_sweep
from tests.api.lambda_events import LambdaHandler, claims, graphql, handler_at
from tests.support.payments import card_through_api

PERSON = claims("user")["sub"]
VIEWER = """{ viewer {
  plan { id } interval status renewsAt endsAt billingCreditCents
  currentPeriod { start end }
  scheduledChange { plan { id } }
  credits { available reserved lots { source remaining expiresAt } }
} }"""
CHANGE = """mutation Change($input: ChangePlanInput!) { changePlan(input: $input) {
  __typename
  ... on PlanChanged { creditsGranted amountDueCents billingCreditAppliedCents billingCreditAfterCents
                       account { credits { available } } }
  ... on PlanChangeScheduled { effectiveAt }
  ... on InvalidPlanChange { message }
} }"""
PREVIEW = """query Preview($planId: ID!, $interval: BillingInterval!) {
  previewPlanChange(planId: $planId, interval: $interval) {
    immediate creditsGrantedNow amountDueNowCents billingCreditAppliedCents billingCreditAfterCents
  }
}"""
RESERVE = """mutation Reserve($input: ReserveInput!) { reserveCredits(input: $input) {
  __typename ... on CreditsReserved { reservation { id credits } }
} }"""
RELEASE = """mutation Release($id: ID!) {
  releaseReservation(input: {reservationId: $id, reason: "job failed"}) {
    __typename ... on ReservationSettled { balance { available reserved } }
} }"""
CAPTURE = """mutation Capture($id: ID!) { captureReservation(input: {reservationId: $id}) {
  __typename ... on ReservationSettled { entry { amount } balance { available reserved } }
} }"""
CONSUME = """mutation Consume($input: ConsumeInput!) { consumeCredits(input: $input) {
  __typename ... on CreditsConsumed { entry { lots { source amount } } balance { available } }
  ... on InsufficientCredits { required available }
} }"""
GRANT = """mutation Grant($input: GrantInput!) { grantCredits(input: $input) {
  __typename ... on CreditsGranted { balance { available } }
} }"""


def at(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


class Studio:
    """The production app and the refresh job on one clock."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.handler: LambdaHandler = handler_at(clock)

    def at(self, moment: datetime) -> "Studio":
        self.clock.at = moment
        return self

    def ask(self, fixture: str, query: str, variables: dict[str, Any] | None = None) -> Any:
        body = graphql(fixture, query, variables, self.handler)
        assert "errors" not in body, body
        return body["data"]

    def viewer(self) -> Any:
        return self.ask("user", VIEWER)["viewer"]

    def change(self, plan: str, interval: str, key: str) -> Any:
        variables = {"input": {"planId": plan, "interval": interval, "idempotencyKey": key}}
        return self.ask("user", CHANGE, variables)["changePlan"]

    def preview(self, plan: str, interval: str) -> Any:
        return self.ask("user", PREVIEW, {"planId": plan, "interval": interval})["previewPlanChange"]

    def subscribe(self, when: datetime, plan: str, interval: str = "MONTHLY") -> None:
        """Open the person's account at `when` and subscribe then: the anchor is that moment."""
        self.at(when).viewer()
        card_through_api(lambda query, variables: self.ask("user", query, variables))
        assert self.change(plan, interval, f"subscribe-{plan}")["__typename"] == "PlanChanged"

    def reserve(self, creative: dict[str, Any], ttl_seconds: int, job: str) -> str:
        variables = {
            "input": {
                "accountId": PERSON,
                "creative": creative,
                "jobId": job,
                "idempotencyKey": f"reserve-{job}",
                "ttlSeconds": ttl_seconds,
            }
        }
        reserved = self.ask("service", RESERVE, variables)["reserveCredits"]
        assert reserved["__typename"] == "CreditsReserved", reserved
        return str(reserved["reservation"]["id"])

    def refresh(self) -> int:
        return run_refresh(bootstrap(clock=self.clock)).done

    def lives_until(self, moment: datetime) -> "Studio":
        """The clock moved to `moment`, the refresh job run at every period's end on the way (a
        minute after it), as EventBridge runs it: each renewal is charged as it falls due."""
        while (end := datetime.fromisoformat(self.viewer()["currentPeriod"]["end"])) < moment:
            self.at(end + timedelta(minutes=1)).refresh()
        return self.at(moment)


@pytest.fixture
def studio(dynamodb: None) -> Iterator[Studio]:
    yield Studio(FixedClock(at(2026, 1, 10)))


def period(start: str, end: str) -> dict[str, str]:
    """A period from midnight UTC to midnight UTC, as the API writes it."""
    return {"start": f"{start}T00:00:00+00:00", "end": f"{end}T00:00:00+00:00"}


def available(viewer: Any) -> int:
    return int(viewer["credits"]["available"])


# 1. Plan writes decide on the period as of now, not on the stored one.


def test_an_upgrade_after_the_period_ended_renews_it_first(studio: Studio) -> None:
    """Starter from Jan 10, nothing spent. Feb 10 12:05, before the refresh runs: the period has
    renewed (1,000 rolled over) but waits for its charge, and an upgrade waits for it. Charged, the
    period has its 1,000; then Pro adds 2,000 for the month, 3,000 cents for 28 of 28 days."""
    studio.subscribe(at(2026, 1, 10), "starter")

    due = studio.at(at(2026, 2, 10, 12, 5)).viewer()
    assert (due["status"], due["renewsAt"], available(due)) == ("PAST_DUE", None, 1_000)
    assert studio.change("pro", "MONTHLY", "upgrade") == {
        "__typename": "InvalidPlanChange",
        "message": "Your Starter plan's renewal of $19.00 is not paid yet: pay it on the Plan page first. "
        "Unpaid, the plan ends on 10 Mar 2026 and you move to the Free plan.",
    }
    assert studio.refresh() == 1  # the renewal charged, its period granted
    upgraded = studio.change("pro", "MONTHLY", "upgrade-paid")

    assert upgraded["creditsGranted"] == 2_000
    assert upgraded["amountDueCents"] == 3_000
    assert upgraded["account"]["credits"]["available"] == 4_000
    assert studio.refresh() == 0  # nothing left for the job: the write stored the renewal
    assert available(studio.viewer()) == 4_000


def test_an_upgrade_to_a_new_annual_term_after_the_period_ended_credits_the_renewed_month(
    studio: Studio,
) -> None:
    """The renewed Feb 10 period's 1,000 plan credits roll into the new term (the Jan credits rolled at
    Feb 10 end with the old term); 47,000 for the year less the unused renewed month, 1,900."""
    studio.subscribe(at(2026, 1, 10), "starter")
    studio.at(at(2026, 2, 10, 12, 5)).refresh()

    upgraded = studio.change("pro", "ANNUAL", "upgrade")

    assert upgraded["amountDueCents"] == 45_100
    assert upgraded["account"]["credits"]["available"] == 4_000
    viewer = studio.viewer()
    assert viewer["renewsAt"] == "2027-02-10T12:05:00+00:00"


def test_a_cancellation_after_the_period_ended_ends_with_the_renewed_period(studio: Studio) -> None:
    studio.subscribe(at(2026, 1, 10), "starter")
    studio.at(at(2026, 2, 10, 12, 5)).refresh()

    request = "mutation { requestCancellation { token effectiveAt } }"
    offer = studio.ask("user", request)["requestCancellation"]
    assert offer["effectiveAt"] == "2026-03-10T00:00:00+00:00"
    confirm = "mutation($t: String!) { confirmCancellation(token: $t) { __typename } }"
    assert studio.ask("user", confirm, {"t": offer["token"]})["confirmCancellation"] == {
        "__typename": "CancellationConfirmed"
    }
    assert studio.at(at(2026, 2, 10, 12, 15)).refresh() == 0
    viewer = studio.viewer()
    assert (viewer["plan"]["id"], viewer["status"], viewer["endsAt"]) == (
        "starter",
        "CANCELING",
        "2026-03-10T00:00:00+00:00",
    )
    assert available(viewer) == 2_000
    ended = studio.at(at(2026, 3, 10, 0, 1)).viewer()
    assert (ended["plan"]["id"], ended["status"], available(ended)) == ("free", "ACTIVE", 100)


def test_reads_show_the_account_as_of_now(studio: Studio) -> None:
    """Pro with a downgrade to Free scheduled for Feb 10: at 12:05 that day, before any job, the person
    is on Free, the Pro lots are gone and a 4K image is quoted as not allowed."""
    studio.subscribe(at(2026, 1, 10), "pro")
    assert studio.change("free", "MONTHLY", "downgrade")["__typename"] == "PlanChangeScheduled"

    viewer = studio.at(at(2026, 2, 10, 12, 5)).viewer()

    assert viewer["plan"]["id"] == "free"
    assert viewer["currentPeriod"] == period("2026-02-10", "2026-03-10")
    assert viewer["credits"]["lots"] == [
        {"source": "PLAN", "remaining": 100, "expiresAt": "2026-03-10T00:00:00+00:00"}
    ]
    quoted = studio.ask("user", "{ quote(creative: {kind: IMAGE, resolution: RES_4K}) { allowed } }")
    assert quoted["quote"] == {"allowed": False}


# 2. A lot past its expiry counts for nothing, whenever it expires.


def test_a_promotion_past_its_expiry_is_never_spent(studio: Studio) -> None:
    """Free (100) with a 50-credit promotion expiring Jan 20. On Jan 25 a 60-credit spend comes from
    the plan lot alone: 40 left, and the promotion's 50 show as expired."""
    studio.at(at(2026, 1, 10)).viewer()
    grant = {
        "accountId": PERSON,
        "amount": 50,
        "source": "PROMO",
        "expiresAt": "2026-01-20T00:00:00+00:00",
        "note": "launch week",
        "idempotencyKey": "promo-1",
    }
    assert studio.ask("service", GRANT, {"input": grant})["grantCredits"]["balance"] == {"available": 150}

    assert available(studio.at(at(2026, 1, 25)).viewer()) == 100
    spend = {
        "accountId": PERSON,
        "creative": {"kind": "VIDEO", "resolution": "RES_720P", "durationSeconds": 6},
        "jobId": "job-1",
        "idempotencyKey": "spend-1",
    }
    consumed = studio.ask("service", CONSUME, {"input": spend})["consumeCredits"]

    assert consumed["entry"]["lots"] == [{"source": "PLAN", "amount": -60}]
    assert consumed["balance"] == {"available": 40}
    history = studio.ask("user", "{ viewer { history(first: 3) { edges { node { kind amount } } } } }")
    assert [edge["node"] for edge in history["viewer"]["history"]["edges"]] == [
        {"kind": "CONSUME", "amount": -60},
        {"kind": "EXPIRE", "amount": -50},
        {"kind": "GRANT", "amount": 50},
    ]


def test_a_top_up_stops_counting_twelve_months_after_it_was_bought_mid_period(studio: Studio) -> None:
    """Pro from Jan 10, 2026; a 500-credit top-up on Jan 20 lasts to Jan 20, 2027. On Jan 25, 2027 the
    account holds the month's 3,000 and the 3,000 rolled over: the top-up is gone."""
    studio.subscribe(at(2026, 1, 10), "pro")
    grant = {
        "accountId": PERSON,
        "amount": 500,
        "source": "TOP_UP",
        "note": "paid 5 USD",
        "idempotencyKey": "top-up-1",
    }
    studio.at(at(2026, 1, 20)).ask("service", GRANT, {"input": grant})

    assert available(studio.lives_until(at(2027, 1, 19)).viewer()) == 6_500
    assert available(studio.lives_until(at(2027, 1, 25)).viewer()) == 6_000


# 3. A hold keeps the credits it took, under their lot's rules.


def test_credits_held_over_the_boundary_on_free_come_back_only_as_the_new_grant(studio: Studio) -> None:
    """Free, 100 held at Feb 9 23:00 for three hours. After the boundary: the new 100 are available
    and the old 100 are still held. Released: 100 available, not 200."""
    studio.at(at(2026, 1, 10)).viewer()
    video = {"kind": "VIDEO", "resolution": "RES_720P", "durationSeconds": 10}
    held = studio.at(at(2026, 2, 9, 23)).reserve(video, 3 * 3600, "job-1")

    viewer = studio.at(at(2026, 2, 10, 0, 30)).viewer()
    assert (available(viewer), viewer["credits"]["reserved"]) == (100, 100)

    released = studio.ask("service", RELEASE, {"id": held})["releaseReservation"]
    assert released["balance"] == {"available": 100, "reserved": 0}
    assert studio.viewer()["credits"]["lots"] == [
        {"source": "PLAN", "remaining": 100, "expiresAt": "2026-03-10T00:00:00+00:00"}
    ]


def test_credits_held_over_the_boundary_can_still_be_captured(studio: Studio) -> None:
    studio.at(at(2026, 1, 10)).viewer()
    video = {"kind": "VIDEO", "resolution": "RES_720P", "durationSeconds": 10}
    held = studio.at(at(2026, 2, 9, 23)).reserve(video, 3 * 3600, "job-1")

    captured = studio.at(at(2026, 2, 10, 0, 30)).ask("service", CAPTURE, {"id": held})["captureReservation"]

    assert captured["entry"] == {"amount": -100}
    assert captured["balance"] == {"available": 100, "reserved": 0}


def test_a_job_held_over_a_switch_to_free_then_failed_leaves_the_free_plan_only(studio: Studio) -> None:
    """Business with a downgrade to Free scheduled for Feb 10; 5,400 held for a job over the switch
    (three 60 s 4K videos); the job fails: Free with 100 available, not 5,500."""
    studio.subscribe(at(2026, 1, 10), "business")
    assert studio.change("free", "MONTHLY", "downgrade")["__typename"] == "PlanChangeScheduled"
    videos = {"kind": "VIDEO", "resolution": "RES_4K", "durationSeconds": 60, "outputs": 3}
    held = studio.at(at(2026, 2, 9, 23)).reserve(videos, 3 * 3600, "job-1")

    released = studio.at(at(2026, 2, 10, 0, 30)).ask("service", RELEASE, {"id": held})["releaseReservation"]

    assert released["balance"] == {"available": 100, "reserved": 0}
    viewer = studio.viewer()
    assert (viewer["plan"]["id"], available(viewer)) == ("free", 100)


# 4. The anchor is the day the person subscribed, across a switch to annual billing.


def test_a_switch_to_annual_billing_keeps_the_31st(studio: Studio) -> None:
    """Starter monthly from Jan 31; annual billing from the Feb 28 boundary: the year runs to
    Feb 28, 2027, and the periods still end on the 31st where the month has one."""
    studio.subscribe(at(2026, 1, 31), "starter")
    assert studio.change("starter", "ANNUAL", "to-annual")["__typename"] == "PlanChangeScheduled"

    march = studio.lives_until(at(2026, 3, 1)).viewer()
    assert march["interval"] == "ANNUAL"
    assert march["currentPeriod"] == period("2026-02-28", "2026-03-31")
    assert march["renewsAt"] == "2027-02-28T00:00:00+00:00"
    may = studio.at(at(2026, 5, 1)).viewer()
    assert may["currentPeriod"] == period("2026-04-30", "2026-05-31")


# 5. Paid value is kept as billing credit.


def test_unused_annual_value_above_the_new_price_is_kept_as_billing_credit(studio: Studio) -> None:
    """Starter annual from Jan 10, 2026 (18,200). On Mar 10 at noon, 306 of 365 days are left: 15,258
    unused. Pro monthly costs 4,900: nothing due, 10,358 kept. Then Business the same day: 5,000 for the
    month, paid from the credit: 5,358 left."""
    studio.subscribe(at(2026, 1, 10), "starter", "ANNUAL")
    studio.at(at(2026, 3, 10, 12))

    assert studio.preview("pro", "MONTHLY") == {
        "immediate": True,
        "creditsGrantedNow": 3_000,
        "amountDueNowCents": 0,
        "billingCreditAppliedCents": 0,
        "billingCreditAfterCents": 10_358,
    }
    moved = studio.change("pro", "MONTHLY", "to-pro")
    assert (moved["amountDueCents"], moved["billingCreditAfterCents"]) == (0, 10_358)
    assert studio.viewer()["billingCreditCents"] == 10_358

    upgraded = studio.change("business", "MONTHLY", "to-business")
    assert (upgraded["amountDueCents"], upgraded["billingCreditAppliedCents"]) == (0, 5_000)
    assert upgraded["billingCreditAfterCents"] == 5_358
    assert studio.viewer()["billingCreditCents"] == 5_358


# 6. An offer holds for the term it was made in; a hold past its expiry counts for nothing.

REQUEST_CANCELLATION = (
    "mutation { requestCancellation { token effectiveAt creditsForfeited tokenExpiresAt } }"
)
CONFIRM = """mutation($t: String!) { confirmCancellation(token: $t) {
  __typename ... on InvalidToken { message } ... on CancellationConfirmed { account { endsAt } }
} }"""
RENEWAL = at(2029, 2, 28, 9)


@pytest.mark.parametrize(
    ("interval", "subscribed", "next_term_end"),
    [("ANNUAL", at(2028, 2, 28, 9), "2030-02-28T09:00:00+00:00"), ("MONTHLY", at(2029, 1, 28, 9), None)],
)
@pytest.mark.parametrize("confirmed_after_seconds", [0, 1, 180])
def test_a_cancellation_confirmed_after_the_renewal_is_refused_as_stale(
    studio: Studio,
    interval: str,
    subscribed: datetime,
    next_term_end: str | None,
    confirmed_after_seconds: int,
) -> None:
    """Starter to Feb 28, 2029 09:00. Offered at 08:58 (the token lasts until the renewal, not 10
    minutes); confirmed at the renewal, a second after it or three minutes after: refused, and the
    plan renews as it would have, never ending a whole term later than the offer said."""
    studio.subscribe(subscribed, "starter", interval)
    offer = studio.at(RENEWAL - timedelta(minutes=2)).ask("user", REQUEST_CANCELLATION)["requestCancellation"]
    assert (offer["effectiveAt"], offer["tokenExpiresAt"]) == (RENEWAL.isoformat(), RENEWAL.isoformat())

    studio.at(RENEWAL + timedelta(seconds=confirmed_after_seconds)).refresh()  # the renewal charged
    confirmed = studio.ask("user", CONFIRM, {"t": offer["token"]})["confirmCancellation"]

    renewed_to = next_term_end or "2029-03-28T09:00:00+00:00"
    assert confirmed == {
        "__typename": "InvalidToken",
        "message": "This cancellation was offered to end your plan on 28 Feb 2029, but the plan has renewed "
        f"since and now runs to {datetime.fromisoformat(renewed_to).day} "
        f"{datetime.fromisoformat(renewed_to):%b %Y}: request a new cancellation to see what ending it "
        "means now.",
    }
    viewer = studio.viewer()
    assert (viewer["status"], viewer["renewsAt"], viewer["endsAt"]) == ("ACTIVE", renewed_to, None)


def test_a_cancellation_confirmed_before_the_renewal_ends_when_the_offer_said(studio: Studio) -> None:
    studio.subscribe(at(2028, 2, 28, 9), "starter", "ANNUAL")
    offer = studio.at(RENEWAL - timedelta(minutes=2)).ask("user", REQUEST_CANCELLATION)["requestCancellation"]
    assert offer["creditsForfeited"] == 2_000  # the month's 1,000 and the 1,000 rolled over

    confirmed = studio.at(RENEWAL - timedelta(seconds=1)).ask("user", CONFIRM, {"t": offer["token"]})

    assert confirmed["confirmCancellation"] == {
        "__typename": "CancellationConfirmed",
        "account": {"endsAt": RENEWAL.isoformat()},
    }
    ended = studio.at(RENEWAL + timedelta(minutes=3)).viewer()
    assert (ended["plan"]["id"], ended["status"], available(ended)) == ("free", "ACTIVE", 100)


def test_an_expired_reservation_reserves_nothing_before_the_sweeper_runs(studio: Studio) -> None:
    """Free, all 100 credits held for 60 s. Two minutes on, before any sweep: 100 available, none
    reserved; a spend of them succeeds; a capture is refused as expired; the sweeper finds nothing."""
    studio.at(at(2026, 1, 10)).viewer()
    video = {"kind": "VIDEO", "resolution": "RES_720P", "durationSeconds": 10}
    held = studio.reserve(video, 60, "job-1")
    studio.at(at(2026, 1, 10, 0, 2))

    viewer = studio.viewer()
    assert (available(viewer), viewer["credits"]["reserved"]) == (100, 0)
    captured = studio.ask(
        "service",
        """mutation($id: ID!) { captureReservation(input: {reservationId: $id}) {
          __typename ... on ReservationNotHeld { message reservation { status } } } }""",
        {"id": held},
    )["captureReservation"]
    assert captured == {
        "__typename": "ReservationNotHeld",
        "message": "the reservation expired at 2026-01-10T00:01:00+00:00",
        "reservation": {"status": "EXPIRED"},
    }
    spend = {"accountId": PERSON, "creative": video, "jobId": "job-2", "idempotencyKey": "spend-1"}
    consumed = studio.ask("service", CONSUME, {"input": spend})["consumeCredits"]
    assert consumed["balance"] == {"available": 0}
    assert run_sweep(bootstrap(clock=studio.clock)).due == 0
    history = studio.ask("user", "{ viewer { history(first: 3) { edges { node { kind description } } } } }")
    assert [edge["node"]["kind"] for edge in history["viewer"]["history"]["edges"]] == [
        "CONSUME",
        "RELEASE",
        "RESERVE",
    ]


def test_resuming_a_cancellation_restores_the_scheduled_downgrade(studio: Studio) -> None:
    """Pro from Jan 10 with a downgrade to Starter scheduled for Feb 10; canceled, then resumed: the
    account renews on Starter, and the history says each step."""
    studio.subscribe(at(2026, 1, 10), "pro")
    assert studio.change("starter", "MONTHLY", "downgrade")["__typename"] == "PlanChangeScheduled"
    offer = studio.ask("user", REQUEST_CANCELLATION)["requestCancellation"]
    assert studio.ask("user", CONFIRM, {"t": offer["token"]})["confirmCancellation"]["__typename"] == (
        "CancellationConfirmed"
    )
    assert studio.viewer()["scheduledChange"] is None  # the plan ends instead

    resumed = studio.ask("user", "mutation { resumePlan { __typename } }")["resumePlan"]

    assert resumed == {"__typename": "PlanResumed"}
    assert studio.viewer()["scheduledChange"] == {"plan": {"id": "starter"}}
    due = studio.at(at(2026, 2, 10, 0, 1)).viewer()
    assert (due["plan"]["id"], due["status"]) == ("starter", "PAST_DUE")
    assert studio.refresh() == 1  # Starter's first month charged
    assert studio.viewer()["status"] == "ACTIVE"
    plan_events = """{ viewer { history(first: 20, filter: {kinds: [PLAN_CHANGE]}) {
      edges { node { description } } } } }"""
    history = studio.ask("user", plan_events)
    assert [edge["node"]["description"] for edge in history["viewer"]["history"]["edges"]][:4] == [
        "Scheduled change made: now on Starter, billed monthly",
        "Plan resumed: Pro until 10 Feb 2026, then Starter, billed monthly as scheduled",
        "Cancellation confirmed, ends 10 Feb 2026, instead of the change to Starter, billed monthly "
        "(kept if resumed)",
        "Downgrade to Starter scheduled for 10 Feb 2026",
    ]
