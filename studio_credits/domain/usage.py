"""Usage: credits spent per creative kind, rolled up per UTC day as they are spent."""

from dataclasses import dataclass
from datetime import datetime

from studio_credits.domain.creatives import CreativeKind


@dataclass(frozen=True)
class UsageIncrement:
    day: str
    """The UTC day the spending belongs to, as YYYY-MM-DD."""
    kind: CreativeKind
    credits: int
    creatives: int


def day_of(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d")
