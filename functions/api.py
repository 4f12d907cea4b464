"""Lambda entry point of the GraphQL API (HTTP API v2 events)."""

from mangum import Mangum

from studio_credits.wiring import lambda_app

handler = Mangum(lambda_app(), lifespan="off")
