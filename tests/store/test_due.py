"""When the jobs next have something to do: the earliest key of each due index, over every shard."""

from datetime import UTC, datetime, timedelta

from studio_credits.domain.catalogue import BillingInterval
from studio_credits.domain.clock import FixedClock
from studio_credits.domain.periods import add_months
from studio_credits.service.ports import Services
from studio_credits.store.due import earliest_hold_expiry, earliest_notice, earliest_refresh
from studio_credits.store.mapping import shard_of
from tests.conftest import SETTINGS
from tests.support.accounts import person, subscribe

SHARDS = SETTINGS.index_shards
JAN_10 = datetime(2026, 1, 10, 9, 0, tzinfo=UTC)


def test_nothing_is_due_in_an_empty_table(services: Services) -> None:
    assert (earliest_refresh(SHARDS), earliest_notice(SHARDS), earliest_hold_expiry(SHARDS)) == (
        None,
        None,
        None,
    )


def test_the_earliest_refresh_is_found_whatever_shard_holds_it(services: Services, clock: FixedClock) -> None:
    anchors = {f"acct-{n}": JAN_10.replace(day=10 + n) for n in range(12)}
    for account_id, anchor in anchors.items():
        clock.at = anchor
        subscribe(services, person(account_id), "starter", BillingInterval.MONTHLY)
    assert len({shard_of(account_id, SHARDS) for account_id in anchors}) > 1

    assert earliest_refresh(SHARDS) == add_months(JAN_10, 1)
    assert earliest_notice(SHARDS) == add_months(JAN_10, 1) - timedelta(days=3)  # renewal reminder
    assert earliest_hold_expiry(SHARDS) is None  # sparse: no account holds credits
