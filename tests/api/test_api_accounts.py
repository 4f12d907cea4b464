"""viewer and account(id) through the Lambda handler, as each role."""

from studio_credits.store.models import EntryItem
from tests.api.lambda_events import claims, event, graphql, invoke

VIEWER = """
query Viewer {
  viewer {
    id email plan { id name } interval status
    currentPeriod { start end } renewsAt nextRefreshAt
    credits {
      available reserved usedThisPeriod grantedThisPeriod
      lots { source granted remaining expiresAt }
    }
  }
}
"""
ACCOUNT = "query Account($id: ID!) { account(id: $id) { id plan { id } credits { available } } }"
USER = claims("user")["sub"]


def test_first_viewer_call_opens_a_free_account_with_one_grant(dynamodb: None) -> None:
    viewer = graphql("user", VIEWER)["data"]["viewer"]

    assert viewer["id"] == USER
    assert viewer["email"] == "maya@studio.example"
    assert viewer["plan"] == {"id": "free", "name": "Free"}
    assert (viewer["interval"], viewer["status"]) == ("MONTHLY", "ACTIVE")
    assert viewer["credits"] == {
        "available": 100,
        "reserved": 0,
        "usedThisPeriod": 0,
        "grantedThisPeriod": 100,
        "lots": [
            {
                "source": "PLAN",
                "granted": 100,
                "remaining": 100,
                "expiresAt": viewer["currentPeriod"]["end"],
            }
        ],
    }
    assert viewer["renewsAt"] == viewer["nextRefreshAt"] == viewer["currentPeriod"]["end"]
    entries = list(EntryItem.query(USER))
    assert [(e.kind, e.amount, e.balance_after) for e in entries] == [("GRANT", 100, 100)]


def test_second_viewer_call_reads_the_same_account(dynamodb: None) -> None:
    first = graphql("user", VIEWER)["data"]["viewer"]
    again = graphql("user", VIEWER)["data"]["viewer"]

    assert again == first
    assert len(list(EntryItem.query(USER))) == 1


def test_a_base64_encoded_body_is_read_like_a_plain_one(dynamodb: None) -> None:
    response = invoke(event("user", "{ viewer { id } }", base64_body=True))

    assert response["statusCode"] == 200
    assert USER in response["body"]


def test_service_and_admin_read_any_account(dynamodb: None) -> None:
    graphql("user", VIEWER)

    for fixture in ("service", "admin"):
        account = graphql(fixture, ACCOUNT, {"id": USER})["data"]["account"]
        assert account == {"id": USER, "plan": {"id": "free"}, "credits": {"available": 100}}


def test_an_unknown_account_is_null_for_the_service(dynamodb: None) -> None:
    assert graphql("service", ACCOUNT, {"id": "nobody"}) == {"data": {"account": None}}


def test_a_user_may_read_their_own_account_by_id(dynamodb: None) -> None:
    graphql("user", VIEWER)

    assert graphql("user", ACCOUNT, {"id": USER})["data"]["account"]["id"] == USER


def test_a_user_may_not_read_another_account(dynamodb: None) -> None:
    graphql("admin", VIEWER)  # the admin has an account of their own

    body = graphql("user", ACCOUNT, {"id": claims("admin")["sub"]})

    assert body["data"] == {"account": None}
    [error] = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert "ops@studio.example" not in str(body)


def test_a_service_has_no_viewer_account(dynamodb: None) -> None:
    body = graphql("service", VIEWER)

    assert body["data"] is None
    assert body["errors"][0]["extensions"]["code"] == "FORBIDDEN"
