"""DynamoDB's bad days through the Lambda handler: throttling, internal errors, transaction conflicts
and lost answers injected into the repository's real calls (on moto). A write is retried within its
budget and charges once; past it, or for a read, the caller gets UNAVAILABLE and nothing partial."""

import json
from typing import Any

import pytest

from studio_credits.bootstrap import bootstrap
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.ledger import EntryKind
from studio_credits.service.ports import Services
from studio_credits.service.retry import RetryPolicy
from studio_credits.store.repository import DynamoRepository
from tests.api.lambda_events import LambdaHandler, claims, event, handler_for, invoke
from tests.conftest import SETTINGS
from tests.support.faults import (
    ANSWER_LOST,
    INTERNAL_ERROR,
    THROTTLED,
    THROTTLING,
    TRANSACTION_CONFLICT,
    InjectedFaults,
    ManualTimer,
)
from tests.support.ledger import checked_ledger, stored_account

USER = claims("user")["sub"]
CONSUME = """
mutation Consume($account: ID!, $key: String!) {
  consumeCredits(input: {
    accountId: $account, jobId: "job-1", idempotencyKey: $key
    creative: { kind: IMAGE, resolution: RES_1080P }
  }) {
    __typename
    ... on CreditsConsumed { entry { id amount balanceAfter } balance { available } }
  }
}
"""
VIEWER = "{ viewer { id credits { available } } }"
HISTORY = "{ viewer { history(first: 5) { edges { node { kind amount } } } } }"
ALL_PAUSES = [0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.0]
"""The default policy's pauses, each at its ceiling: 8 attempts, 2.26 s of the 3 s budget."""
INTERNAL_NAMES = (
    "boto",
    "pynamodb",
    "dynamodb",
    "studio-credits-",
    "Traceback",
    "Throttl",
    "injected",
    ".py",
)


@pytest.fixture
def timer() -> ManualTimer:
    return ManualTimer()


@pytest.fixture
def services(dynamodb: None, clock: FixedClock, timer: ManualTimer) -> Services:
    """Production's services on moto, with the default retry policy but each pause at its ceiling,
    on a timer nobody waits for."""
    retry = RetryPolicy(sleep=timer.sleep, monotonic=timer.monotonic, jitter=lambda ceiling: ceiling)
    return bootstrap(SETTINGS, clock=clock, retry=retry)


@pytest.fixture
def handler(services: Services) -> LambdaHandler:
    handler = handler_for(services)
    assert "errors" not in post(handler, "user", VIEWER)  # the person's account, opened: 100 credits
    return handler


@pytest.fixture
def faults(services: Services, handler: LambdaHandler) -> InjectedFaults:
    assert isinstance(services.repository, DynamoRepository)
    return InjectedFaults().attach(services.repository.clients())


def post(handler: LambdaHandler, fixture: str, query: str, variables: dict[str, Any] | None = None) -> Any:
    response = invoke(event(fixture, query, variables), handler)
    assert response["statusCode"] == 200, response
    for name in INTERNAL_NAMES:
        assert name.lower() not in response["body"].lower(), response["body"]
    return json.loads(response["body"])


def consume(handler: LambdaHandler, key: str) -> Any:
    return post(handler, "service", CONSUME, {"account": USER, "key": key})


def consumptions(services: Services) -> list[int]:
    """The amounts of the account's consumptions, once its whole ledger is checked to add up."""
    ledger = checked_ledger(services.repository, stored_account(services.repository, USER))
    return [entry.amount for entry in ledger if entry.kind is EntryKind.CONSUME]


def assert_unavailable(body: Any, field: str) -> None:
    assert body["data"] is None or body["data"][field] is None
    (error,) = body["errors"]
    assert error["extensions"] == {"code": "UNAVAILABLE", "retryable": True, "retryAfterSeconds": 1}


@pytest.mark.parametrize("fault", [THROTTLED, THROTTLING, INTERNAL_ERROR, TRANSACTION_CONFLICT])
def test_a_write_the_store_turns_away_is_retried_and_charged_once(
    services: Services, handler: LambdaHandler, faults: InjectedFaults, timer: ManualTimer, fault: Any
) -> None:
    faults.plan("TransactWriteItems", fault, fault, fault)

    body = consume(handler, "key-1")

    consumed = body["data"]["consumeCredits"]
    assert consumed["entry"]["amount"] == -4  # a 1080p image
    assert consumed["balance"] == {"available": 96}
    assert len(faults.injected) == 3
    assert timer.pauses == [0.02, 0.04, 0.08]
    assert consumptions(services) == [-4]


def test_a_transaction_conflict_is_a_lost_race_retried_from_a_fresh_read(
    services: Services, handler: LambdaHandler, faults: InjectedFaults
) -> None:
    """DynamoDB cancels a transaction while another one changes the same item (moto never does)."""
    faults.plan("TransactWriteItems", TRANSACTION_CONFLICT)

    body = consume(handler, "key-1")

    assert body["data"]["consumeCredits"]["balance"] == {"available": 96}
    assert faults.injected == [("TransactWriteItems", "TransactionCanceledException")]


def test_past_the_budget_the_caller_is_told_to_retry_and_nothing_is_written(
    services: Services, handler: LambdaHandler, faults: InjectedFaults, timer: ManualTimer
) -> None:
    faults.plan("TransactWriteItems", *[THROTTLED] * 8)

    refused = consume(handler, "key-1")
    again = consume(handler, "key-1")  # as the hint says: the same request, the same key

    assert_unavailable(refused, "consumeCredits")
    assert timer.pauses == ALL_PAUSES
    assert again["data"]["consumeCredits"]["balance"] == {"available": 96}
    assert consumptions(services) == [-4]


def test_a_write_whose_answer_was_lost_is_read_again_and_answers_as_stored(
    services: Services, handler: LambdaHandler, faults: InjectedFaults
) -> None:
    """The timeout came after DynamoDB committed: the next attempt finds the key used, and the
    first result is the answer."""
    faults.plan("TransactWriteItems", ANSWER_LOST)

    consumed = consume(handler, "key-1")["data"]["consumeCredits"]
    again = consume(handler, "key-1")["data"]["consumeCredits"]

    assert faults.injected == [("TransactWriteItems", ANSWER_LOST)]
    assert consumed["entry"]["balanceAfter"] == 96
    assert consumed["balance"] == {"available": 96}
    assert again == consumed
    assert consumptions(services) == [-4]


def test_a_retry_with_the_same_key_after_an_unknown_outcome_returns_the_first_result(
    services: Services, handler: LambdaHandler, faults: InjectedFaults
) -> None:
    """The write was stored, but the caller only heard UNAVAILABLE; its retry is answered with the
    first call's entry and charges nothing more."""
    faults.plan("TransactWriteItems", ANSWER_LOST, *[THROTTLED] * 7)

    unknown = consume(handler, "key-1")
    retried = consume(handler, "key-1")

    assert_unavailable(unknown, "consumeCredits")
    assert consumptions(services) == [-4]  # stored by the first call
    replayed = retried["data"]["consumeCredits"]
    assert replayed["entry"]["balanceAfter"] == 96
    assert replayed["balance"] == {"available": 96}
    assert consumptions(services) == [-4]


@pytest.mark.parametrize(
    ("operation", "query"), [("GetItem", VIEWER), ("Query", HISTORY)], ids=["account", "history"]
)
@pytest.mark.parametrize("fault", [THROTTLED, INTERNAL_ERROR, ANSWER_LOST])
def test_a_read_the_store_does_not_answer_is_unavailable(
    handler: LambdaHandler, faults: InjectedFaults, operation: str, query: str, fault: Any
) -> None:
    faults.plan(operation, fault)

    body = post(handler, "user", query)

    assert_unavailable(body, "viewer")
    assert len(faults.injected) == 1


RESERVE = """
mutation Reserve($account: ID!) {
  reserveCredits(input: {
    accountId: $account, jobId: "job-2", idempotencyKey: "reserve-job-2"
    creative: { kind: IMAGE, resolution: RES_1080P }
  }) { ... on CreditsReserved { reservation { id } } }
}
"""
CAPTURE = """
mutation Capture($reservation: ID!) {
  captureReservation(input: { reservationId: $reservation }) {
    __typename
    ... on ReservationSettled { balance { available reserved } }
    ... on ReservationNotHeld { reservation { status } }
  }
}
"""


def test_a_capture_whose_answer_was_lost_is_not_captured_twice(
    services: Services, handler: LambdaHandler, faults: InjectedFaults
) -> None:
    """A capture takes no key: its retry finds the hold settled and says so."""
    reserved = post(handler, "service", RESERVE, {"account": USER})["data"]["reserveCredits"]
    faults.plan("TransactWriteItems", ANSWER_LOST)

    captured = post(handler, "service", CAPTURE, {"reservation": reserved["reservation"]["id"]})

    assert captured["data"]["captureReservation"] == {
        "__typename": "ReservationNotHeld",
        "reservation": {"status": "CAPTURED"},
    }
    account = stored_account(services.repository, USER)
    assert (account.available, account.reserved) == (96, 0)  # 100 - 4 for a 1080p image, charged once
    kinds = [entry.kind for entry in checked_ledger(services.repository, account)]
    assert kinds.count(EntryKind.CAPTURE) == 1
