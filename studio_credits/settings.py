"""Configuration from the environment, with working local defaults: read by the bootstrap only.

A pydantic model filled from STUDIO_CREDITS_* variables and the AWS SDK's own, rather than a
pydantic-settings one: its sources (dotenv files, secrets folders, the command line) are nothing
this service reads, and importing them is a fifth of what the Lambda handler adds to the cold start
of the bare stack (bench/cold_start.py).
"""

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict

from studio_credits.domain.access import AppClients
from studio_credits.mail import LOCAL_WEB_URL

PREFIX = "STUDIO_CREDITS_"
AWS_SDK_VARIABLES = {
    "region": ("AWS_REGION", "AWS_DEFAULT_REGION"),
    "dynamodb_endpoint": ("AWS_ENDPOINT_URL_DYNAMODB",),
    "ses_endpoint": ("AWS_ENDPOINT_URL_SES",),
}
"""Fields the AWS SDK's variables set (the first one present wins); the others read PREFIX + NAME."""


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    stage: str = "dev"
    region: str = "us-east-1"
    dynamodb_endpoint: str | None = None
    ses_endpoint: str | None = None
    accounts_table: str = ""
    ledger_table: str = ""
    dynamodb_connect_timeout_seconds: float = 1.0
    dynamodb_read_timeout_seconds: float = 1.0
    """One DynamoDB call's wait for an answer (single-digit milliseconds, a long catch-up's transaction
    tens): each call is made once, and the service's RetryPolicy retries writes (service/retry.py)."""
    index_shards: int = 8
    ses_sender: str = "credits@studio.example"
    web_url: str = LOCAL_WEB_URL
    """The web client's address, which the emails link to (https://app.studio.example); the local
    server sets its own unless told another."""
    web_client_id: str = "local-web-client"
    """The user pool's app client people sign in with: only its ID tokens name a person or an admin."""
    service_client_id: str = "local-service-client"
    """The generation service's app client: only its access tokens (with the scope) are the service."""
    dev_token_secret: str = "local-dev-secret-change-me-0123456789"  # noqa: S105 (local only)
    """Signs HS256 tokens on the local server only; Lambda never reads it."""
    dev_clock_max_job_runs: int = 2_000
    """The most job runs one move of the local server's test clock may make; Lambda never reads it."""
    stripe_api_key: str = "sk_test_local"
    """The secret key, where no parameter names it: locally. In Lambda it is read from
    `stripe_api_key_parameter`, never from the template or the zip."""
    stripe_api_key_parameter: str | None = None
    """The SSM Parameter Store SecureString holding the secret key (Lambda)."""
    stripe_webhook_secret: str = "whsec_local_0123456789abcdef0123456789abcdef"  # noqa: S105 (local only)
    stripe_webhook_secret_parameter: str | None = None
    """The SecureString holding the webhook endpoint's signing secret (Lambda)."""
    stripe_publishable_key: str = "pk_test_local"
    stripe_api_base: str | None = None
    """Where Stripe's API is: None for Stripe's own; localstripe's URL locally."""
    stripe_script_url: str | None = None
    """Where the web client loads Stripe.js from: None for Stripe's own; localstripe's stand-in locally."""
    stripe_timeout_seconds: float = 10.0
    """One Stripe call's wait for an answer (each call is made once: no retries by the client)."""

    @classmethod
    def from_environment(cls, environment: Mapping[str, str] = os.environ) -> "Settings":
        values: dict[str, str] = {}
        for field in cls.model_fields:
            names = AWS_SDK_VARIABLES.get(field, (PREFIX + field.upper(),))
            present = [environment[name] for name in names if name in environment]
            if present:
                values[field] = present[0]
        return cls.model_validate(values)

    def model_post_init(self, _context: object) -> None:
        self.accounts_table = self.accounts_table or f"studio-credits-{self.stage}-accounts"
        self.ledger_table = self.ledger_table or f"studio-credits-{self.stage}-ledger"

    @property
    def app_clients(self) -> AppClients:
        return AppClients(web=self.web_client_id, service=self.service_client_id)
