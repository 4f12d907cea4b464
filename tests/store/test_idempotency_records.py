"""Where DynamoDB keeps an idempotency record: under the operation, the caller and the key."""

from studio_credits.service import ledger
from studio_credits.service.ports import Services
from studio_credits.store.models import IDEMPOTENCY_PREFIX, IdempotencyItem
from tests.support.accounts import SERVICE, person, subscribe
from tests.support.ledger import image


def test_a_record_s_sort_key_names_the_operation_the_caller_and_the_key(dynamo_services: Services) -> None:
    account = subscribe(dynamo_services, person("acct-9"), "pro")

    ledger.consume(dynamo_services, SERVICE, account.id, image(), "job-1", "01JDQ7Z3V6K8M2N4P5R7S9T1W3")

    keys = sorted(
        item.sk
        for item in IdempotencyItem.query(account.id, IdempotencyItem.sk.startswith(IDEMPOTENCY_PREFIX))
    )
    assert keys == [
        "K#changePlan#user:acct-9#subscribe-pro-MONTHLY",
        "K#consume#service#01JDQ7Z3V6K8M2N4P5R7S9T1W3",
    ]
