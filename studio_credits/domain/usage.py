"""Usage: credits spent per creative kind, rolled up per UTC day in each spending transaction."""

from dataclasses import dataclass, field
from datetime import UTC, datetime
from fractions import Fraction

from studio_credits.domain.creatives import CreativeKind
from studio_credits.domain.errors import InvalidInput


@dataclass(frozen=True)
class UsageIncrement:
    day: str
    """The UTC day the spending belongs to, as YYYY-MM-DD."""
    kind: CreativeKind
    credits: int
    creatives: int


KindTotals = dict[CreativeKind, tuple[int, int]]
"""Credits and creatives per creative kind."""


@dataclass(frozen=True)
class DayUsage:
    day: str
    by_kind: KindTotals


@dataclass(frozen=True)
class UsageReport:
    total_credits: int
    total_creatives: int
    by_kind: KindTotals
    by_month: dict[str, int] = field(default_factory=dict)
    """Credits per UTC month (YYYY-MM)."""
    by_month_and_kind: dict[str, KindTotals] = field(default_factory=dict)
    """Each month's totals per creative kind, for the months with spending."""


@dataclass(frozen=True)
class KindShare:
    """A creative kind's part of the credits spent: which kinds cost the most."""

    kind: CreativeKind
    credits: int
    creatives: int
    share: Fraction
    """Of the credits all kinds spent; 0 where none were."""

    @property
    def average_credits(self) -> Fraction | None:
        """Per creative; None where none was made."""
        return Fraction(self.credits, self.creatives) if self.creatives else None


def kind_shares(totals: KindTotals) -> list[KindShare]:
    total = sum(credits for credits, _ in totals.values())
    return [
        KindShare(kind, credits, creatives, Fraction(credits, total) if total else Fraction(0))
        for kind, (credits, creatives) in totals.items()
    ]


def day_of(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d")


def usage_days(
    year: int | None, since: datetime | None, until: datetime | None, now: datetime
) -> tuple[str, str]:
    """The first and last UTC day a report covers: the year, or the days `from`..`to` touch."""
    if year is not None and (since is not None or until is not None):
        raise InvalidInput("year", "give a year, or from and to, not both")
    if year is not None:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    if since is None and until is None:
        return f"{now.year:04d}-01-01", f"{now.year:04d}-12-31"
    first = day_of(since) if since is not None else "0000-01-01"
    last = day_of(until) if until is not None else day_of(now)
    if first > last:
        raise InvalidInput("since", "from is after to")
    return first, last


def _add(totals: KindTotals, kind: CreativeKind, credits: int, creatives: int) -> None:
    before = totals.get(kind, (0, 0))
    totals[kind] = (before[0] + credits, before[1] + creatives)


def report(days: list[DayUsage]) -> UsageReport:
    by_kind: KindTotals = {}
    by_month_and_kind: dict[str, KindTotals] = {}
    for day in days:
        for kind, (credits, creatives) in day.by_kind.items():
            if not credits and not creatives:
                continue
            _add(by_kind, kind, credits, creatives)
            _add(by_month_and_kind.setdefault(day.day[:7], {}), kind, credits, creatives)
    months = sorted(by_month_and_kind)
    return UsageReport(
        total_credits=sum(credits for credits, _ in by_kind.values()),
        total_creatives=sum(creatives for _, creatives in by_kind.values()),
        by_kind=by_kind,
        by_month={month: sum(c for c, _ in by_month_and_kind[month].values()) for month in months},
        by_month_and_kind={month: by_month_and_kind[month] for month in months},
    )
