"""Lambda entry point of the GraphQL API (HTTP API v2 events)."""

from studio_credits.bootstrap import api_handler
from studio_credits.snapstart import register_restore_hooks

handler = api_handler()
register_restore_hooks()
