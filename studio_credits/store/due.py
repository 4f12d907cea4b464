"""What the scheduled jobs have to do: due accounts from the sparse sharded indexes, and notice claims.

Each index is queried shard by shard for keys up to `now` (keys only: the job reads each
account consistently before changing it). Never a Scan: the cost follows the accounts due.
When something is next due is the smallest first key of the shards: one item per shard.
"""

from collections.abc import Iterator
from datetime import datetime

from pynamodb.attributes import UTCDateTimeAttribute
from pynamodb.exceptions import UpdateError
from pynamodb.indexes import GlobalSecondaryIndex

from studio_credits.domain.notices import Notice
from studio_credits.store.mapping import notice_from_item
from studio_credits.store.models import NOTICE_PREFIX, AccountModel, NoticeItem


def _due(
    index: GlobalSecondaryIndex[AccountModel], at: UTCDateTimeAttribute, now: datetime, shards: int
) -> Iterator[str]:
    for shard in range(shards):
        for item in index.query(str(shard), at <= now):
            yield item.account_id


def due_for_refresh(now: datetime, shards: int) -> Iterator[str]:
    return _due(AccountModel.by_refresh, AccountModel.next_refresh_at, now, shards)


def due_for_notices(now: datetime, shards: int) -> Iterator[str]:
    return _due(AccountModel.by_notice, AccountModel.next_notice_at, now, shards)


def due_for_sweep(now: datetime, shards: int) -> Iterator[str]:
    return _due(AccountModel.by_hold_expiry, AccountModel.next_hold_expiry_at, now, shards)


def _earliest(
    index: GlobalSecondaryIndex[AccountModel], at: UTCDateTimeAttribute, shards: int
) -> datetime | None:
    firsts = (next(iter(index.query(str(shard), limit=1)), None) for shard in range(shards))
    return min((getattr(item, at.attr_name) for item in firsts if item is not None), default=None)


def earliest_refresh(shards: int) -> datetime | None:
    """When the first account falls due a refresh; None: no account."""
    return _earliest(AccountModel.by_refresh, AccountModel.next_refresh_at, shards)


def earliest_notice(shards: int) -> datetime | None:
    return _earliest(AccountModel.by_notice, AccountModel.next_notice_at, shards)


def earliest_hold_expiry(shards: int) -> datetime | None:
    return _earliest(AccountModel.by_hold_expiry, AccountModel.next_hold_expiry_at, shards)


def claim_notice(account_id: str, notice_id: str, now: datetime) -> Notice | None:
    """Mark a recorded notice sent unless it is: the notice to email, or None if another run has it."""
    item = NoticeItem(account_id, NOTICE_PREFIX + notice_id)
    try:
        item.update(
            actions=[NoticeItem.sent_at.set(now)],
            condition=NoticeItem.sk.exists() & NoticeItem.sent_at.does_not_exist(),
        )
    except UpdateError as error:
        if error.cause_response_code == "ConditionalCheckFailedException":
            return None
        raise
    return notice_from_item(item)


def unclaim_notice(account_id: str, notice_id: str, claimed_at: datetime) -> None:
    """Undo a claim whose email could not be sent, so a later run sends it."""
    item = NoticeItem(account_id, NOTICE_PREFIX + notice_id)
    item.update(actions=[NoticeItem.sent_at.remove()], condition=NoticeItem.sent_at == claimed_at)
