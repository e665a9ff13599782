"""A briefing's periods and how a figure changed: the previous period of the same length (环比) and the same months
a year before (同比). Rates change in percentage points, counts in percent; whether a change is good depends on
the figure (a rising overdue count is bad)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Better = Literal["up", "down"]
SHOWN = 0.0005  # a change is shown to a tenth of a point or of a percent: anything smaller reads as 0.0


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    def plus(self, months: int) -> Month:
        year, month = divmod(self.year * 12 + self.month - 1 + months, 12)
        return Month(year, month + 1)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"


@dataclass(frozen=True)
class Period:
    """Whole months from `first` to `last`, both included (the 365 tally counts by month of registration)."""

    first: Month
    last: Month

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValueError("a period ends after it starts")

    @property
    def months(self) -> int:
        return (self.last.year - self.first.year) * 12 + self.last.month - self.first.month + 1

    def previous(self) -> Period:
        """The months just before, as many (环比)."""
        return Period(self.first.plus(-self.months), self.first.plus(-1))

    def last_year(self) -> Period:
        """The same months a year earlier (同比)."""
        return Period(self.first.plus(-12), self.last.plus(-12))


@dataclass(frozen=True)
class Change:
    """How a figure moved against an earlier one: `delta` in percentage points for a rate, as a share of the
    earlier count for a count (None when there is nothing to compare with); `good` None when it did not move."""

    delta: float | None
    direction: Literal["up", "down", "flat"] | None
    good: bool | None


def change(now: float | None, before: float | None, *, rate: bool, better: Better) -> Change:
    """The change from `before` to `now`. A rate's change is now - before (in points: 0.021 is 2.1 points); a
    count's is (now - before) / before, unknown when before is 0. A change that would show as 0.0 is flat."""
    if now is None or before is None:
        return Change(None, None, None)
    if rate:
        delta = now - before
    elif before:
        delta = (now - before) / before
    else:
        delta = None
    if now == before or (delta is not None and abs(delta) < SHOWN):  # too small to show is no change
        return Change(0.0 if delta is not None else None, "flat", None)
    direction = "up" if now > before else "down"
    return Change(delta, direction, direction == better)
