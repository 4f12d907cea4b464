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
    index_shards: int = 8
    ses_sender: str = "credits@studio.example"
    web_client_id: str = "local-web-client"
    """The user pool's app client people sign in with: only its ID tokens name a person or an admin."""
    service_client_id: str = "local-service-client"
    """The generation service's app client: only its access tokens (with the scope) are the service."""
    dev_token_secret: str = "local-dev-secret-change-me-0123456789"  # noqa: S105 (local only)
    """Signs HS256 tokens on the local server only; Lambda never reads it."""
    dev_clock_max_job_runs: int = 2_000
    """The most job runs one move of the local server's test clock may make; Lambda never reads it."""

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
