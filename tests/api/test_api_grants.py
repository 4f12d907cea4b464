"""Grants through the Lambda handler: bounded by the product's limits, never an admin's to their own
account, and each one's who and why in the history."""

import uuid
from typing import Any

from tests.api.lambda_events import claims, graphql

USER, ADMIN = claims("user")["sub"], claims("admin")["sub"]
GRANT = """
mutation Grant($input: GrantInput!) {
  grantCredits(input: $input) {
    __typename
    ... on CreditsGranted { entry { amount description recordedBy } balance { available } }
    ... on CreditLimitExceeded { limit message }
  }
}
"""
READ = """
query Read($id: ID!) {
  account(id: $id) {
    credits { available grantedThisPeriod }
    history(first: 5) { edges { node { kind amount balanceAfter description recordedBy } } }
  }
}
"""


def grant(caller: str, amount: int, note: str, account_id: str = USER) -> dict[str, Any]:
    source = "ADJUSTMENT"
    body = {
        "accountId": account_id,
        "amount": amount,
        "source": source,
        "note": note,
        "idempotencyKey": str(uuid.uuid4()),
    }
    return graphql(caller, GRANT, {"input": body})


def read(caller: str, account_id: str = USER) -> dict[str, Any]:
    body = graphql(caller, READ, {"id": account_id})
    assert "errors" not in body, body
    account: dict[str, Any] = body["data"]["account"]
    return account


def test_a_grant_of_two_to_the_thirty_first_is_refused_and_the_account_stays_readable(dynamodb: None) -> None:
    graphql("user", "{ viewer { id } }")

    answer = grant("admin", 2_147_483_647, "issue 13")["data"]["grantCredits"]

    assert answer == {
        "__typename": "CreditLimitExceeded",
        "limit": 1_000_000,
        "message": "one grant or adjustment moves at most 1,000,000 credits, not 2,147,483,647",
    }
    after = read("service")
    assert after["credits"] == {"available": 100, "grantedThisPeriod": 100}
    assert [edge["node"]["kind"] for edge in after["history"]["edges"]] == ["GRANT"]


def test_an_admin_may_not_grant_to_their_own_account(dynamodb: None) -> None:
    graphql("admin", "{ viewer { id } }")

    body = grant("admin", 500, "for me", account_id=ADMIN)

    assert body["data"] is None
    [error] = body["errors"]
    assert error["message"] == "an admin may not grant or adjust credits on their own account"
    assert error["extensions"] == {"code": "FORBIDDEN"}
    assert read("service", ADMIN)["credits"]["available"] == 100


def test_each_grant_says_who_made_it_and_why(dynamodb: None) -> None:
    graphql("user", "{ viewer { id } }")

    by_admin = grant("admin", 40, "apology for ticket 812")["data"]["grantCredits"]
    by_service = grant("service", -15, "duplicate render")["data"]["grantCredits"]

    assert by_admin["entry"] == {
        "amount": 40,
        "description": "Adjustment: 40 credits (apology for ticket 812)",
        "recordedBy": f"admin:{ADMIN}",
    }
    assert by_service["entry"]["recordedBy"] == "service"
    seen_by_admin = [edge["node"] for edge in read("admin")["history"]["edges"]]
    assert seen_by_admin[:2] == [
        {
            "kind": "ADJUST",
            "amount": -15,
            "balanceAfter": 125,
            "description": "Adjustment: -15 credits (duplicate render)",
            "recordedBy": "service",
        },
        {
            "kind": "ADJUST",
            "amount": 40,
            "balanceAfter": 140,
            "description": "Adjustment: 40 credits (apology for ticket 812)",
            "recordedBy": f"admin:{ADMIN}",
        },
    ]
    seen_by_the_person = [edge["node"]["recordedBy"] for edge in read("user")["history"]["edges"]]
    assert seen_by_the_person == [None, None, None]
