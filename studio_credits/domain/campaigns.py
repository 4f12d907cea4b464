"""Planning a campaign: what a batch of creatives costs on the account's plan, whether it fits the
credits available now and those the account will have had by a date, and the cheapest ways to
make it fit. Every figure comes from the rules spending and plan changes use: the price list
(`quote`), the periods and renewals (domain/outlook.py) and `plan_change` for an upgrade.

A campaign fits by the date when it fits now, or in the credits the account will have then had
nothing been spent until then: available now, plus what the refreshes on the way grant, less what
expires unused (after rollover).
"""

import math
from dataclasses import dataclass, replace
from datetime import datetime

from studio_credits.domain.account import Account
from studio_credits.domain.catalogue import FREE, PLANS, Plan
from studio_credits.domain.creatives import Creative
from studio_credits.domain.credit_limits import MAX_BALANCE
from studio_credits.domain.errors import InvalidInput
from studio_credits.domain.outlook import ACTOR, Refresh, outlook
from studio_credits.domain.payments import CREDIT_PACKS, CreditPack
from studio_credits.domain.periods import add_months
from studio_credits.domain.plan_changes import InvalidPlanChange, plan_change
from studio_credits.domain.plan_terms import PlanChangeTerms
from studio_credits.domain.pricing import Quote, cheapest_plan_allowing_all, quote
from studio_credits.domain.spending import TOP_UP_LIFETIME_MONTHS
from studio_credits.domain.wording import credits_text

MAX_LINES = 20
MAX_COUNT = 1_000
MAX_CAMPAIGN_CREDITS = MAX_BALANCE
HORIZON_MONTHS = TOP_UP_LIFETIME_MONTHS
"""How far ahead a campaign may be planned: a credit pack bought now lasts past its date."""


@dataclass(frozen=True)
class CampaignLine:
    creative: Creative
    count: int


@dataclass(frozen=True)
class PricedLine:
    line: CampaignLine
    quote: Quote

    @property
    def credits(self) -> int:
        return self.quote.credits * self.line.count


@dataclass(frozen=True)
class Packs:
    pack: CreditPack
    count: int


@dataclass(frozen=True)
class Fix:
    """One way to make the campaign fit by its date: an upgrade (its terms as `previewPlanChange`
    shows them), credit packs, or both."""

    upgrade: PlanChangeTerms | None
    packs: tuple[Packs, ...]
    credits_after: int
    """The most the campaign can use once the fix is made (now, or at the date), the packs' among them."""

    @property
    def price_cents(self) -> int:
        upgrade = 0 if self.upgrade is None else self.upgrade.amount_due_now_cents
        return upgrade + sum(p.pack.price_cents * p.count for p in self.packs)


@dataclass(frozen=True)
class CampaignPlan:
    by: datetime
    lines: tuple[PricedLine, ...]
    blocked_by: tuple[str, ...]
    cheapest_plan_allowing: Plan | None
    """Where the plan blocks a line: the cheapest plan that allows them all."""
    available_now: int
    refreshes: tuple[Refresh, ...]
    expiring_credits: int
    """Credits that expire unused by the date if nothing is spent until then (after rollover)."""
    fixes: tuple[Fix, ...]
    """Cheapest first; none where it fits by the date (or no fix can make it)."""

    @property
    def total(self) -> int:
        return sum(line.credits for line in self.lines)

    @property
    def allowed(self) -> bool:
        return not self.blocked_by

    @property
    def refresh_credits(self) -> int:
        return sum(refresh.credits for refresh in self.refreshes)

    @property
    def credits_by(self) -> int:
        """The credits at the date had nothing been spent until then."""
        return self.available_now + self.refresh_credits - self.expiring_credits

    @property
    def usable(self) -> int:
        """The most the campaign can use: made now, or at the date."""
        return max(self.available_now, self.credits_by)

    @property
    def fits_now(self) -> bool:
        return self.allowed and self.total <= self.available_now

    @property
    def fits_by(self) -> bool:
        return self.allowed and self.total <= self.usable

    @property
    def shortfall(self) -> int:
        """Credits missing to make it by the date."""
        return max(0, self.total - self.usable)


def check_campaign(lines: tuple[CampaignLine, ...], by: datetime, now: datetime) -> None:
    """Raise InvalidInput naming the field where the campaign cannot be planned."""
    if not 1 <= len(lines) <= MAX_LINES:
        raise InvalidInput("items", f"a campaign has 1 to {MAX_LINES} lines, not {len(lines)}")
    for index, line in enumerate(lines):
        if not 1 <= line.count <= MAX_COUNT:
            raise InvalidInput(f"items.{index}.count", f"count is 1 to {MAX_COUNT:,}, not {line.count:,}")
    horizon = add_months(now, HORIZON_MONTHS)
    if not now <= by < horizon:
        raise InvalidInput("by", f"by is from now to less than {HORIZON_MONTHS} months ahead")
    # A creative costs the same on every plan: only what each plan allows differs.
    total = sum(quote(line.creative, FREE).credits * line.count for line in lines)
    if total > MAX_CAMPAIGN_CREDITS:
        raise InvalidInput(
            "items", f"a campaign costs at most {credits_text(MAX_CAMPAIGN_CREDITS)}, not {total:,}"
        )


def plan_campaign(
    account: Account, lines: tuple[CampaignLine, ...], by: datetime, now: datetime
) -> CampaignPlan:
    """The campaign on the account as of `now` (checked by `check_campaign` first)."""
    planned = _planned(account, lines, by)
    return planned if planned.fits_by else replace(planned, fixes=_fixes(account, planned, now))


def _planned(account: Account, lines: tuple[CampaignLine, ...], by: datetime) -> CampaignPlan:
    priced = tuple(PricedLine(line, quote(line.creative, account.plan)) for line in lines)
    blocked = tuple(dict.fromkeys(reason for line in priced for reason in line.quote.blocked_by))
    ahead = outlook(account, by)
    available = account.available
    return CampaignPlan(
        by=by,
        lines=priced,
        blocked_by=blocked,
        cheapest_plan_allowing=cheapest_plan_allowing_all(line.creative for line in lines)
        if blocked
        else None,
        available_now=available,
        refreshes=ahead.refreshes,
        expiring_credits=available + ahead.refresh_credits - ahead.account.available,
        fixes=(),
    )


def _fixes(account: Account, planned: CampaignPlan, now: datetime) -> tuple[Fix, ...]:
    lines = tuple(line.line for line in planned.lines)
    fixes = []
    if planned.allowed and account.plan.features.top_ups:
        fixes.append(_with_packs(None, planned))
    for target in PLANS:
        if target.tier <= account.plan.tier or not target.offers(account.interval):
            continue
        decided = plan_change(account, target.id, account.interval, now, ACTOR)
        if isinstance(decided, InvalidPlanChange):
            continue
        upgraded = _planned(decided.account, lines, planned.by)
        if not upgraded.allowed:
            continue
        if upgraded.fits_by or target.features.top_ups:
            fixes.append(_with_packs(decided.terms, upgraded))
    return tuple(sorted(fixes, key=lambda fix: (fix.price_cents, fix.upgrade is not None)))


def _with_packs(upgrade: PlanChangeTerms | None, planned: CampaignPlan) -> Fix:
    packs = cheapest_packs(planned.shortfall)
    bought = sum(p.pack.credits * p.count for p in packs)
    return Fix(upgrade, packs, planned.usable + bought)


def cheapest_packs(credits: int) -> tuple[Packs, ...]:
    """The cheapest credit packs that add at least `credits` (on a tie, the fewer credits bought)."""
    unit = math.gcd(*(pack.credits for pack in CREDIT_PACKS))
    units = -(-credits // unit)
    # best[n]: the cheapest (price, credits, packs by index) covering n units, n from 0 up.
    best: list[tuple[int, int, tuple[int, ...]]] = [(0, 0, (0,) * len(CREDIT_PACKS))]
    for needed in range(1, units + 1):
        options = []
        for index, pack in enumerate(CREDIT_PACKS):
            price, bought, counts = best[max(0, needed - pack.credits // unit)]
            more = tuple(count + (i == index) for i, count in enumerate(counts))
            options.append((price + pack.price_cents, bought + pack.credits, more))
        best.append(min(options))
    counts = best[units][2]
    return tuple(Packs(pack, count) for pack, count in zip(CREDIT_PACKS, counts, strict=True) if count)
