"""Working-day calendar: weekends off, public holidays off, make-up working days (调休) on.

config.yaml lists the official arrangement (the State Council's holidays and make-up days) for the years it knows;
a year it lists nothing for takes the rule-based public holidays of the `holidays` library (country CN), with the
make-up days the library knows, so that a deadline next year still skips 元旦 and the Spring Festival.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

import holidays as holiday_rules

RULES_COUNTRY = "CN"
WARN_WITHIN_DAYS = 60  # the admin is told this long before the configured arrangement ends


def shift_years(day, years: int):
    """The same day (a date, or a datetime with its time) `years` calendar years later, or earlier when negative;
    29 February becomes the 28th in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def parse_days(entries: list) -> frozenset[date]:
    """Expand config entries ("2026-10-01" or "2026-10-01..2026-10-07", or dates) into a set of days."""
    days: set[date] = set()
    for entry in entries or []:
        if isinstance(entry, date):
            days.add(entry)
            continue
        text = str(entry)
        start_s, _, end_s = text.partition("..")
        start = date.fromisoformat(start_s.strip())
        end = date.fromisoformat(end_s.strip()) if end_s else start
        if end < start:
            raise ValueError(text)
        while start <= end:
            days.add(start)
            start += timedelta(days=1)
    return frozenset(days)


@lru_cache(maxsize=256)
def rule_days(country: str, year: int) -> tuple[frozenset[date], frozenset[date]]:
    """The library's public holidays of `year` and the weekend days it knows to be make-up working days."""
    rules = holiday_rules.country_holidays(country, years=year)
    workdays = frozenset(d for d in getattr(rules, "weekend_workdays", ()) if d.year == year)
    return frozenset(rules), workdays


@dataclass(frozen=True)
class WorkCalendar:
    """`holidays` and `extra_workdays` are the configured arrangement; every year they touch follows them alone.
    Other years follow the rules of `country` (None: weekends only)."""

    holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)
    country: str | None = RULES_COUNTRY
    covered_years: frozenset[int] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "covered_years", frozenset(d.year for d in self.holidays | self.extra_workdays))

    @property
    def arrangement_ends(self) -> date | None:
        """The last day of the configured arrangement (31 December of its last year); None if it lists nothing."""
        return date(max(self.covered_years), 12, 31) if self.covered_years else None

    def is_workday(self, day: date) -> bool:
        if day.year in self.covered_years or self.country is None:
            holidays, extra = self.holidays, self.extra_workdays
        else:
            holidays, extra = rule_days(self.country, day.year)
        if day in extra:
            return True
        return day.weekday() < 5 and day not in holidays

    def add_working_days(self, start: date, days: int) -> date:
        """The date `days` working days after `start`; 0 is the same day (or the next workday if off)."""
        if days < 0:
            raise ValueError("days must be >= 0")
        current = start
        while not self.is_workday(current):
            current += timedelta(days=1)
        remaining = days
        while remaining:
            current += timedelta(days=1)
            if self.is_workday(current):
                remaining -= 1
        return current

    def working_days_between(self, start: date, end: date) -> int:
        """Working days after `start` up to and including `end` (0 if end <= start)."""
        count, current = 0, start
        while current < end:
            current += timedelta(days=1)
            count += self.is_workday(current)
        return count


def arrangement_running_out(calendar: WorkCalendar, today: date, within_days: int = WARN_WITHIN_DAYS) -> date | None:
    """The day the configured arrangement ends, if that is at most `within_days` after `today` (or already past):
    time to add next year's official holidays and make-up days to config.yaml. None otherwise, and when config.yaml
    lists no arrangement at all."""
    end = calendar.arrangement_ends
    if end is None or (end - today).days > within_days:
        return None
    return end
