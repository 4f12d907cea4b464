"""Request bodies no GraphQL request is made of, for the Lambda handler and the local server alike."""

DEPTH = 100_000
MALFORMED_BODIES = {
    "null": b"null",
    "an array": b"[]",
    "an array of numbers": b"[1, 2]",
    "a number": b"42",
    "a string": b'"{ viewer { id } }"',
    "not JSON": b'{"query": ',
    "arrays nested 100,000 deep": b"[" * DEPTH + b"]" * DEPTH,
    "variables nested 100,000 deep": b'{"query": "{ viewer { id } }", "variables": '
    + b'{"a": ' * DEPTH
    + b"1"
    + b"}" * DEPTH
    + b"}",
    "invalid UTF-8": b'{"query": "{ viewer { id \xff\xfe } }"}',
    "2 MB": b'{"query": "{ viewer { id } }", "variables": {"pad": "' + b"x" * 2_000_000 + b'"}}',
}
"""Each answered 400 (api/app.py), never 500."""
