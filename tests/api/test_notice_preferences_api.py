"""The email preferences through the real Lambda handler: the person reads and sets their own; no
one else sets them; notices about payments cannot be turned off."""

from typing import Any

import pytest

from tests.api.lambda_events import graphql

PREFERENCES = "{ viewer { noticePreferences { kind label enabled canTurnOff } } }"
SET = """
mutation Set($kind: NoticeKind!, $enabled: Boolean!) {
  setNoticePreference(kind: $kind, enabled: $enabled) {
    __typename
    ... on NoticePreferenceSet {
      preference { kind enabled canTurnOff }
      account { noticePreferences { kind enabled } }
    }
    ... on NoticeAlwaysSent { kind message }
  }
}
"""


def set_preference(kind: str, enabled: bool, fixture: str = "user") -> Any:
    return graphql(fixture, SET, {"kind": kind, "enabled": enabled})


def enabled_kinds(preferences: list[dict[str, Any]]) -> set[str]:
    return {preference["kind"] for preference in preferences if preference["enabled"]}


def test_the_viewer_has_every_kind_emailed_until_they_turn_one_off(dynamodb: None) -> None:
    preferences = graphql("user", PREFERENCES)["data"]["viewer"]["noticePreferences"]

    assert len(preferences) == 8
    assert all(preference["enabled"] for preference in preferences)
    assert {p["kind"] for p in preferences if p["canTurnOff"]} == {
        "CANCELLATION_ENDING",
        "CREDITS_EXPIRING",
        "LOW_CREDITS",
    }
    low = {"kind": "LOW_CREDITS", "label": "When your credits run low", "enabled": True, "canTurnOff": True}
    assert low in preferences

    turned_off = set_preference("LOW_CREDITS", enabled=False)["data"]["setNoticePreference"]
    read_again = graphql("user", PREFERENCES)["data"]["viewer"]["noticePreferences"]
    turned_on = set_preference("LOW_CREDITS", enabled=True)["data"]["setNoticePreference"]

    assert turned_off["__typename"] == "NoticePreferenceSet"
    assert turned_off["preference"] == {"kind": "LOW_CREDITS", "enabled": False, "canTurnOff": True}
    assert "LOW_CREDITS" not in enabled_kinds(turned_off["account"]["noticePreferences"])
    assert "LOW_CREDITS" not in enabled_kinds(read_again)
    assert len(enabled_kinds(read_again)) == 7
    assert turned_on["preference"]["enabled"] is True
    assert len(enabled_kinds(turned_on["account"]["noticePreferences"])) == 8


def test_a_notice_about_payments_cannot_be_turned_off(dynamodb: None) -> None:
    refused = set_preference("PAYMENT_FAILED", enabled=False)["data"]["setNoticePreference"]

    assert refused == {
        "__typename": "NoticeAlwaysSent",
        "kind": "PAYMENT_FAILED",
        "message": "“When a payment fails” can't be turned off: emails about your payments are always sent",
    }
    preferences = graphql("user", PREFERENCES)["data"]["viewer"]["noticePreferences"]
    assert len(enabled_kinds(preferences)) == 8


@pytest.mark.parametrize("fixture", ["service", "admin"])
def test_only_the_person_sets_their_preferences(dynamodb: None, fixture: str) -> None:
    body = set_preference("LOW_CREDITS", enabled=False, fixture=fixture)

    assert body["data"] is None
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "FORBIDDEN"
    assert error["message"] == "only the account's own user may choose which emails they get"
