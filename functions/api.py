"""Lambda entry point of the GraphQL API (HTTP API v2 events)."""

from mangum import Mangum

from studio_credits.bootstrap import bootstrap, lambda_app
from studio_credits.snapstart import register_restore_hooks

handler = Mangum(lambda_app(bootstrap()), lifespan="off")
register_restore_hooks()
