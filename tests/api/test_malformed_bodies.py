"""Malformed bodies through the Lambda handler (API Gateway HTTP API v2 events): 400, never 500."""

import base64

import pytest

from tests.api.lambda_events import event, invoke
from tests.support.bodies import MALFORMED_BODIES


@pytest.mark.parametrize("body", MALFORMED_BODIES.values(), ids=MALFORMED_BODIES.keys())
def test_a_malformed_body_is_a_bad_request(dynamodb: None, body: bytes) -> None:
    sent = event("user", "") | {"body": base64.b64encode(body).decode(), "isBase64Encoded": True}

    response = invoke(sent)

    assert response["statusCode"] == 400, response["body"][:300]
    assert "Traceback" not in response["body"]
