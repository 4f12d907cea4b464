"""How the repository tells DynamoDB's failures: what may be tried again (a lost race, a store that did
not answer) from what may not; and each call made once, so the service's retry policy is the budget."""

from dataclasses import replace

import pytest
from pynamodb.exceptions import GetError

from studio_credits.domain.access import Principal, Role
from studio_credits.domain.change import Change
from studio_credits.service.accounts import viewer_account
from studio_credits.service.ports import Services, StoreUnavailable, VersionConflict
from studio_credits.store.repository import DynamoRepository
from tests.support.faults import (
    ANSWER_LOST,
    INTERNAL_ERROR,
    THROTTLED,
    TRANSACTION_CONFLICT,
    InjectedFaults,
    Refusal,
)


@pytest.fixture
def faults(services: Services) -> InjectedFaults:
    assert isinstance(services.repository, DynamoRepository)
    return InjectedFaults().attach(services.repository.clients())


def test_every_call_is_made_once_with_one_second_timeouts(services: Services) -> None:
    assert isinstance(services.repository, DynamoRepository)
    for client in services.repository.clients():
        config = client.meta.config
        assert config.retries == {"total_max_attempts": 1, "mode": "standard"}
        assert (config.connect_timeout, config.read_timeout) == (1.0, 1.0)


def test_a_lost_answer_is_not_sent_again_by_botocore(services: Services, faults: InjectedFaults) -> None:
    faults.plan("GetItem", ANSWER_LOST, ANSWER_LOST)

    with pytest.raises(StoreUnavailable):
        services.repository.get("acct")

    assert faults.injected == [("GetItem", ANSWER_LOST)]


@pytest.mark.parametrize("fault", [THROTTLED, INTERNAL_ERROR, ANSWER_LOST])
def test_a_write_the_store_did_not_take_is_unavailable(
    services: Services, faults: InjectedFaults, fault: Refusal | str
) -> None:
    account = viewer_account(services, Principal("u", Role.USER))
    faults.plan("TransactWriteItems", fault)

    with pytest.raises(StoreUnavailable):
        services.repository.commit(Change(account))


def test_a_transaction_conflict_is_a_version_conflict(services: Services, faults: InjectedFaults) -> None:
    account = viewer_account(services, Principal("u", Role.USER))
    faults.plan("TransactWriteItems", TRANSACTION_CONFLICT)

    with pytest.raises(VersionConflict):
        services.repository.commit(Change(account))

    assert services.repository.get("u") == account  # nothing written


def test_a_transaction_throttled_on_one_item_is_unavailable(
    services: Services, faults: InjectedFaults
) -> None:
    account = viewer_account(services, Principal("u", Role.USER))
    throttled_item = replace(TRANSACTION_CONFLICT, cancellation_reasons=("ThrottlingError", "None"))
    faults.plan("TransactWriteItems", throttled_item)

    with pytest.raises(StoreUnavailable):
        services.repository.commit(Change(account))


def test_a_request_dynamodb_rejects_is_not_told_as_unavailable(
    services: Services, faults: InjectedFaults
) -> None:
    faults.plan("GetItem", Refusal("ValidationException"))

    with pytest.raises(GetError):
        services.repository.get("acct")
