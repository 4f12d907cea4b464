"""Lambda entry point of the GraphQL API (HTTP API v2 events)."""

from studio_credits.bootstrap import api_handler

handler = api_handler()
