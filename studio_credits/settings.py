"""Configuration from the environment, with working local defaults: read by the bootstrap only."""

from pydantic import AliasChoices, Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="STUDIO_CREDITS_", extra="ignore")

    stage: str = "dev"
    region: str = Field(
        default="us-east-1", validation_alias=AliasChoices("AWS_REGION", "AWS_DEFAULT_REGION")
    )
    dynamodb_endpoint: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL_DYNAMODB")
    ses_endpoint: str | None = Field(default=None, validation_alias="AWS_ENDPOINT_URL_SES")
    accounts_table: str = ""
    ledger_table: str = ""
    dynamodb_connect_timeout_seconds: float = 1.0
    dynamodb_read_timeout_seconds: float = 1.0
    """One DynamoDB call's wait for an answer (single-digit milliseconds, a long catch-up's transaction
    tens): each call is made once, and the service's RetryPolicy retries writes (service/retry.py)."""
    index_shards: int = 8
    ses_sender: str = "credits@studio.example"
    dev_token_secret: str = "local-dev-secret-change-me-0123456789"  # noqa: S105 (local only)
    """Signs HS256 tokens on the local server only; Lambda never reads it."""
    dev_clock_max_job_runs: int = 2_000
    """The most job runs one move of the local server's test clock may make; Lambda never reads it."""

    def model_post_init(self, _context: object) -> None:
        self.accounts_table = self.accounts_table or f"studio-credits-{self.stage}-accounts"
        self.ledger_table = self.ledger_table or f"studio-credits-{self.stage}-ledger"
