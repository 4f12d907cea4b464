"""The notice kinds a person turned off, as DynamoDB keeps them; accounts stored before have none."""

from dataclasses import replace
from datetime import UTC, datetime

import boto3

from studio_credits.domain.account import open_account
from studio_credits.domain.change import Change
from studio_credits.domain.notices import NoticeKind
from studio_credits.service.ports import Services
from tests.conftest import SETTINGS

NOW = datetime(2026, 11, 24, 12, tzinfo=UTC)


def test_muted_notice_kinds_are_stored_and_read_back(services: Services) -> None:
    account, grant = open_account("a", "a@example.com", NOW)
    muted = replace(account, muted_notices=frozenset({NoticeKind.LOW_CREDITS, NoticeKind.CREDITS_EXPIRING}))

    stored = services.repository.commit(Change(muted, (grant,), creates_account=True))

    assert services.repository.get("a") == stored
    assert stored.muted_notices == {NoticeKind.LOW_CREDITS, NoticeKind.CREDITS_EXPIRING}


def test_an_account_stored_before_preferences_emails_every_kind(services: Services) -> None:
    account, grant = open_account("a", "a@example.com", NOW)
    services.repository.commit(Change(account, (grant,), creates_account=True))
    boto3.client("dynamodb", region_name=SETTINGS.region).update_item(
        TableName=SETTINGS.accounts_table,
        Key={"account_id": {"S": "a"}},
        UpdateExpression="REMOVE muted_notices",
    )

    read = services.repository.get("a")

    assert read is not None and read.muted_notices == frozenset()
