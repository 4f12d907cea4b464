"""The service's log: one Powertools Logger, JSON lines on stdout (CloudWatch Logs in Lambda),
the Lambda context and the correlation id on every line, at INFO and above. The service name comes
from POWERTOOLS_SERVICE_NAME (serverless.yml sets it; `studio-credits` unless set)."""

import logging
import os

from aws_lambda_powertools.logging import Logger

SERVICE = os.environ.get("POWERTOOLS_SERVICE_NAME", "studio-credits")
logger = Logger(service=SERVICE, level=logging.INFO, serialize_stacktrace=False)


class PlainText(logging.Formatter):
    """`12:00:01 INFO consumeCredits: ok  role=service account=demo-user dynamodb_calls=2 ...`"""

    FIELDS = ("role", "account", "dynamodb_calls", "duration_ms", "correlation_id")

    def format(self, record: logging.LogRecord) -> str:
        given = {name: getattr(record, name, None) for name in self.FIELDS}
        details = " ".join(f"{name}={value}" for name, value in given.items() if value is not None)
        line = f"{self.formatTime(record, '%H:%M:%S')} {record.levelname} {record.getMessage()}  {details}"
        if record.exc_info:
            line += "\n" + self.formatException(record.exc_info)
        return line.rstrip()


def plain_text_logs() -> None:
    """The local server: a readable line per request in the terminal, not JSON."""
    logger.registered_handler.setFormatter(PlainText())
