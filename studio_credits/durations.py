"""ISO-8601 durations, to move the test clock: PnYnMnWnDTnHnMnS (P1M, P14M, P1Y2M10DT2H30M).

Years and months are calendar months, added as the credit periods add them: a day the target
month lacks falls on its last day (Jan 31 + P1M = Feb 28). Then weeks, days and time.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from studio_credits.domain.periods import add_months

_PATTERN = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?(?:(?P<seconds>\d+)S)?)?"
)


@dataclass(frozen=True)
class Duration:
    months: int
    time: timedelta

    def after(self, moment: datetime) -> datetime:
        return add_months(moment, self.months) + self.time


def parse_duration(text: str) -> Duration:
    match = _PATTERN.fullmatch(text)
    if match is None or not any(match.groups()):
        raise ValueError(f"not an ISO-8601 duration: {text!r} (e.g. P1M, P14M, P7D, PT15M, P1Y2M10DT2H)")
    parts = {name: int(value or 0) for name, value in match.groupdict().items()}
    return Duration(
        months=12 * parts["years"] + parts["months"],
        time=timedelta(
            weeks=parts["weeks"],
            days=parts["days"],
            hours=parts["hours"],
            minutes=parts["minutes"],
            seconds=parts["seconds"],
        ),
    )
