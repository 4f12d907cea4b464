"""The planner's GraphQL inputs: the campaign's lines and its date."""

from datetime import datetime

import strawberry

from studio_credits.api.catalogue.inputs import CreativeInput
from studio_credits.domain import campaigns, creatives
from studio_credits.domain.inputs import INSTANT


@strawberry.input
class CampaignItemInput:
    creative: CreativeInput
    count: int = strawberry.field(description="How many of the creative: 1 to 1,000.")


@strawberry.input
class CampaignInput:
    items: list[CampaignItemInput] = strawberry.field(description="1 to 20 lines.")
    by: datetime = strawberry.field(
        description="When the campaign must be made by: from now to a year ahead."
    )

    def to_domain(self) -> tuple[tuple[campaigns.CampaignLine, ...], datetime]:
        """The lines and the date, or InvalidInput naming the field under the input."""
        lines = tuple(
            campaigns.CampaignLine(
                creatives.parse_creative(strawberry.asdict(item.creative), f"items.{index}.creative"),
                item.count,
            )
            for index, item in enumerate(self.items)
        )
        return lines, INSTANT.check("by", self.by)
