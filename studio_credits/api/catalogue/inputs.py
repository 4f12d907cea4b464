"""The catalogue's GraphQL inputs: a creative, as the client describes it."""

import strawberry

from studio_credits.api.enums import CreativeKind, Resolution
from studio_credits.domain import creatives


@strawberry.input
class CreativeInput:
    kind: CreativeKind
    resolution: Resolution
    outputs: int = 1
    duration_seconds: int | None = None
    shots: int | None = None
    premium_model: bool = False
    advanced_template: bool = False

    def to_domain(self) -> creatives.Creative:
        """The creative, or InvalidInput naming the field under `creative`."""
        return creatives.parse_creative(strawberry.asdict(self))
