"""Generated GraphQL operations (hypothesis-graphql, from the production schema) sent through the Lambda
handler on moto, as the service, a person and an admin, one after another on the same tables: no
answer is a server error, none names what runs inside (libraries, tables, files, tracebacks) or is
an uncoded internal error, and afterwards every account's ledger adds up.

The suite runs a seeded sample; `make fuzz` runs 10,000 (FUZZ_EXAMPLES, FUZZ_SEED).
"""

import json
import logging
import os
from datetime import UTC, datetime, timedelta, timezone, tzinfo

from hypothesis import HealthCheck, given, seed, settings
from hypothesis import strategies as st
from hypothesis_graphql import from_schema, nodes

from studio_credits.api.schema import build_schema
from studio_credits.bootstrap import bootstrap
from studio_credits.domain.clock import FixedClock
from tests.api.lambda_events import claims, event, graphql, handler_for, invoke
from tests.conftest import SETTINGS
from tests.support.ledger import checked_ledger, stored_account

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "200"))
SEED = int(os.environ.get("FUZZ_SEED", "13"))

CALLERS = ("service", "user", "admin")
PEOPLE = (claims("user")["sub"], claims("admin")["sub"])
INTERNAL_NAMES = (
    "boto", "pynamodb", "dynamodb", "moto", "studio-credits-", "studio_credits", "traceback",
    'file "', ".py", "/work/", "/var/task",
)  # fmt: skip
"""What a response never says unless the request said it first (an error may quote the input)."""
MASKED = "Unexpected error."
"""Production's message for an error the code did not expect: an uncoded internal error."""

ids = st.one_of(st.sampled_from([*PEOPLE, "nobody", ""]), st.text(max_size=40))
offsets = st.timedeltas(min_value=timedelta(hours=-23), max_value=timedelta(hours=23)).map(timezone)
zones: st.SearchStrategy[tzinfo] = st.one_of(st.just(UTC), offsets)
moments = st.one_of(
    st.datetimes(datetime(1900, 1, 1), datetime(2200, 1, 1), timezones=zones),
    st.datetimes(datetime(1900, 1, 1), datetime(2200, 1, 1)),  # without an offset
)
OPERATIONS = from_schema(
    build_schema(production=True).as_str(),
    custom_scalars={
        "ID": ids.map(nodes.String),
        "DateTime": st.one_of(moments.map(datetime.isoformat), st.text(max_size=30)).map(nodes.String),
    },
)


def test_generated_operations_answer_without_errors_or_leaks_and_keep_the_books(
    dynamodb: None, clock: FixedClock
) -> None:
    services = bootstrap(SETTINGS, clock=clock)
    handler = handler_for(services)
    for fixture in ("user", "admin"):
        graphql(fixture, "{ viewer { id } }", lambda_handler=handler)  # their accounts, opened

    @seed(SEED)
    @settings(
        max_examples=EXAMPLES,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    @given(operation=OPERATIONS, caller=st.sampled_from(CALLERS))
    def answers_well(operation: str, caller: str) -> None:
        response = invoke(event(caller, operation), handler)
        said = response["body"].lower()
        seen = f"as {caller}: {operation}\n-> {response['statusCode']} {response['body']}"

        assert response["statusCode"] < 500, seen
        leaks = [name for name in INTERNAL_NAMES if name in said and name not in operation.lower()]
        assert not leaks, seen
        errors = json.loads(response["body"]).get("errors") or []
        assert not [error for error in errors if error["message"] == MASKED], seen

    errors_log = logging.getLogger("strawberry.execution")
    was_disabled, errors_log.disabled = errors_log.disabled, True  # each error request logs a traceback
    try:
        answers_well()
    finally:
        errors_log.disabled = was_disabled
    for person in PEOPLE:
        checked_ledger(services.repository, stored_account(services.repository, person))
