"""tests/store/ is about DynamoDB itself: here the services run on moto."""

import pytest

from studio_credits.service.ports import Services


@pytest.fixture
def services(dynamo_services: Services) -> Services:
    return dynamo_services
