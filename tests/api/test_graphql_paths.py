"""The API alone names invalid input where the client wrote it: domain names in, GraphQL paths out."""

import pytest

from studio_credits.api.errors import PublicError, graphql_path, inputs_at
from studio_credits.domain.errors import InvalidInput


@pytest.mark.parametrize(
    ("field", "argument", "paths", "expected"),
    [
        ("ttl_seconds", "input", {}, "input.ttlSeconds"),
        ("creative.durationSeconds", "input", {}, "input.creative.durationSeconds"),
        ("creative.outputs", None, {}, "creative.outputs"),
        ("account_id", None, {}, "accountId"),
        ("since", None, {"since": "from"}, "from"),
        ("year", None, {"year": "filter.year", "since": "filter.from"}, "filter.year"),
        ("first", None, {"year": "filter.year"}, "first"),
    ],
)
def test_a_domain_field_at_its_graphql_path(
    field: str, argument: str | None, paths: dict[str, str], expected: str
) -> None:
    assert graphql_path(field, argument, paths) == expected


def test_invalid_input_becomes_bad_user_input_at_the_path() -> None:
    with pytest.raises(PublicError) as raised, inputs_at("input"):
        raise InvalidInput("delivered_outputs", "too many")

    assert raised.value.message == "input.deliveredOutputs: too many"
    assert raised.value.extensions == {"code": "BAD_USER_INPUT", "field": "input.deliveredOutputs"}
