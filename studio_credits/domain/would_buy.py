"""What credits would still make, in the creative a person makes most: "1,200 credits: about 75 4K
images", as the notices' emails say it."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from studio_credits.domain.catalogue import Plan
from studio_credits.domain.creatives import Creative
from studio_credits.domain.ledger import EntryKind, LedgerEntry
from studio_credits.domain.pricing import blockers, unit_credits
from studio_credits.domain.wording import would_buy_text

SPENDING_KINDS = frozenset({EntryKind.CONSUME, EntryKind.CAPTURE})
"""The entries that say what a person made (a reservation's RESERVE and RELEASE make nothing)."""


@dataclass(frozen=True)
class WouldBuy:
    credits: int
    creative: Creative
    """One output of it."""
    count: int

    @property
    def text(self) -> str:
        return would_buy_text(self.credits, self.count, self.creative)


def one_output(creative: Creative) -> Creative:
    return creative.model_copy(update={"outputs": 1})


def most_made_creative(entries: Iterable[LedgerEntry]) -> Creative | None:
    """The creative made most often among the spending entries, as one output: each consumption or
    capture counts the outputs it paid for (a partial capture only those delivered). A tie goes to
    the one made last; None when the entries made nothing."""
    made: dict[Creative, tuple[int, datetime]] = {}
    for entry in entries:
        if entry.kind not in SPENDING_KINDS or entry.creative is None:
            continue
        creative = one_output(entry.creative)
        outputs = -entry.amount // unit_credits(creative)
        count, last = made.get(creative, (0, entry.at))
        made[creative] = (count + outputs, max(last, entry.at))
    counted = [(count, last, creative) for creative, (count, last) in made.items() if count > 0]
    if not counted:
        return None
    return max(counted, key=lambda found: found[:2])[2]


def would_buy(credits: int, creative: Creative, plan: Plan) -> WouldBuy | None:
    """How many of one output of the creative the credits pay for; None where the plan no longer
    allows it (what they could not make is no measure of what credits are worth)."""
    creative = one_output(creative)
    if credits < 0 or blockers(creative, plan):
        return None
    return WouldBuy(credits, creative, credits // unit_credits(creative))
