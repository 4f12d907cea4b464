"""Paying through the real Lambda handlers (HTTP API v2 events): the card on file, a paid upgrade
with 3D Secure settled by Stripe's webhook (its own function, no JWT) and the person's
confirmation, credit packs, the payments list, and the ledger entries naming their payment."""

import json
from typing import Any

from functions.stripe_webhook import handler as webhook
from tests.api.lambda_events import graphql, invoke, stripe_webhook_event
from tests.support.payments import (
    ASKS_FOR_3DS,
    DECLINED_AT_CHARGE,
    DECLINED_AT_SETUP,
    authenticate,
    card_through_api,
    signed_event,
    stripe_client,
)

PAYMENT = "payment { id status amountCents card description failureReason }"
PREVIEW = """query Preview { previewPlanChange(planId: "pro", interval: MONTHLY) {
  amountDueNowCents card { brand last4 expMonth expYear } } }"""
CHANGE = f"""mutation {{ changePlan(input: {{planId: "pro", interval: MONTHLY, idempotencyKey: "to-pro"}}) {{
  __typename
  ... on PlanChanged {{ account {{ plan {{ id }} }} charged {{ id status }} }}
  ... on PaymentActionRequired {{ clientSecret {PAYMENT} }}
  ... on PaymentDeclined {{ message {PAYMENT} }}
  ... on PaymentMethodRequired {{ message amountDueCents }}
}} }}"""
CONFIRM = f"""mutation Confirm($id: ID!) {{ confirmPayment(input: {{paymentId: $id}}) {{
  __typename ... on PaymentSucceeded {{ account {{ plan {{ id }} credits {{ available }} }} {PAYMENT} }}
  ... on PaymentDeclined {{ message }}
}} }}"""
BUY = f"""mutation Buy($key: String!) {{ buyCredits(input: {{packId: "pack-500", idempotencyKey: $key}}) {{
  __typename
  ... on CreditsBought {{ credits account {{ credits {{ available }} }} {PAYMENT} }}
  ... on PaymentDeclined {{ message {PAYMENT} }}
  ... on InvalidPurchase {{ message }}
  ... on PaymentMethodRequired {{ message }}
}} }}"""
VIEWER = """{ viewer { customerCard: card { brand last4 } plan { id }
  payments(first: 10) { edges { node { status amountCents description card } } pageInfo { hasNextPage } }
  history(first: 20) { edges { node { kind description paymentId } } } } }"""


def ask(query: str, variables: dict[str, Any] | None = None) -> Any:
    body = graphql("user", query, variables)
    assert "errors" not in body, body
    return body["data"]


def deliver(event_type: str, thing: dict[str, Any], event_id: str) -> dict[str, Any]:
    body, header = signed_event(event_type, thing, event_id)
    response: dict[str, Any] = invoke(stripe_webhook_event(body.decode(), header), webhook)
    return response


def test_an_upgrade_asking_for_3d_secure_applies_once_after_the_webhook_and_the_confirmation(
    dynamodb: None,
) -> None:
    saved = card_through_api(ask, ASKS_FOR_3DS)
    preview = ask(PREVIEW)["previewPlanChange"]

    asked = ask(CHANGE)["changePlan"]
    authenticate(asked["clientSecret"], success=True)
    intent = stripe_client().v1.payment_intents.retrieve(asked["clientSecret"].split("_secret_")[0])
    succeeded = {"id": intent.id, "object": "payment_intent", "metadata": intent.metadata.to_dict()}
    first, again = (
        deliver("payment_intent.succeeded", succeeded, "evt_1"),
        deliver("payment_intent.succeeded", succeeded, "evt_1"),
    )
    confirmed = ask(CONFIRM, {"id": asked["payment"]["id"]})["confirmPayment"]
    viewer = ask(VIEWER)["viewer"]

    assert saved == {
        "__typename": "CardSaved",
        "card": {"brand": "visa", "last4": "3184", "expMonth": 12, "expYear": 2031},
    }
    assert preview == {"amountDueNowCents": 4_900, "card": saved["card"]}
    assert asked["__typename"] == "PaymentActionRequired"
    assert asked["payment"]["status"] == "REQUIRES_ACTION"
    assert [first["statusCode"], again["statusCode"]] == [200, 200]
    assert json.loads(first["body"]) == {"received": True}
    assert confirmed["__typename"] == "PaymentSucceeded"
    assert confirmed["account"] == {"plan": {"id": "pro"}, "credits": {"available": 3_000}}
    assert viewer["payments"]["edges"] == [
        {
            "node": {
                "status": "SUCCEEDED",
                "amountCents": 4_900,
                "description": "Change to Pro, billed monthly",
                "card": "Visa •••• 3184",
            }
        }
    ]
    paid = [e["node"] for e in viewer["history"]["edges"] if e["node"]["paymentId"] == asked["payment"]["id"]]
    assert [entry["kind"] for entry in paid] == ["GRANT", "PLAN_CHANGE"]


def test_a_decline_says_why_in_words_and_nothing_is_bought(dynamodb: None) -> None:
    no_card = ask(CHANGE)["changePlan"]
    refused_card = card_through_api(ask, DECLINED_AT_SETUP)
    card_through_api(ask, DECLINED_AT_CHARGE)

    declined = ask(CHANGE)["changePlan"]
    on_free = ask(BUY, {"key": "pack-1"})["buyCredits"]
    viewer = ask(VIEWER)["viewer"]

    assert no_card == {
        "__typename": "PaymentMethodRequired",
        "message": "Add a card to pay $49.00: there is no card on file.",
        "amountDueCents": 4_900,
    }
    assert refused_card == {"__typename": "CardDeclined", "message": "Your card was declined."}
    assert declined["__typename"] == "PaymentDeclined"
    assert declined["message"] == declined["payment"]["failureReason"] == "Your card was declined."
    assert on_free["__typename"] == "InvalidPurchase"
    assert viewer["plan"] == {"id": "free"}
    assert [edge["node"]["status"] for edge in viewer["payments"]["edges"]] == ["FAILED"]


def test_a_credit_pack_is_paid_then_granted_once(dynamodb: None) -> None:
    card_through_api(ask)
    ask(CHANGE)

    bought = ask(BUY, {"key": "pack-1"})["buyCredits"]
    again = ask(BUY, {"key": "pack-1"})["buyCredits"]

    assert bought["__typename"] == "CreditsBought"
    assert (bought["credits"], bought["account"]["credits"]["available"]) == (500, 3_500)
    assert bought["payment"]["description"] == "Credit pack: 500 credits"
    assert again == bought


def test_the_webhook_refuses_what_stripe_did_not_sign(dynamodb: None) -> None:
    body, _ = signed_event("payment_intent.succeeded", {"id": "pi_1", "object": "payment_intent"}, "evt_1")

    refused = invoke(stripe_webhook_event(body.decode(), "t=1,v1=00"), webhook)
    unsigned = invoke(stripe_webhook_event(body.decode(), ""), webhook)

    assert [refused["statusCode"], unsigned["statusCode"]] == [400, 400]
    assert json.loads(refused["body"]) == {"error": "invalid signature"}
