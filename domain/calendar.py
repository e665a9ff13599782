"""Working-day calendar: weekends off, listed public holidays off, listed make-up days on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta


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


@dataclass(frozen=True)
class WorkCalendar:
    holidays: frozenset[date] = field(default_factory=frozenset)
    extra_workdays: frozenset[date] = field(default_factory=frozenset)

    def is_workday(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        return day.weekday() < 5 and day not in self.holidays

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
