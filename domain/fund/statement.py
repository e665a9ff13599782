"""The quarterly public statement (季度公示) of a fund: its quarter's days, the part up to today of a quarter still
running (截至今日), and the arithmetic every statement satisfies, opening + income - spending = closing. Pure."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from domain.errors import DomainError


def quarter_of(day: date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_days(year: object, quarter: object) -> tuple[date, date]:
    """The first and last day of a quarter; a year outside 2000-2100 or a quarter outside 1-4 is refused."""
    if (not isinstance(year, int) or isinstance(year, bool) or not 2000 <= year <= 2100
            or not isinstance(quarter, int) or isinstance(quarter, bool) or not 1 <= quarter <= 4):
        raise DomainError("fund_error.bad_quarter")
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, following - timedelta(days=1)


def statement_days(year: object, quarter: object, *, today: date, opened_on: date) -> tuple[date, date, bool]:
    """(first, last day covered, whether it is cut at today) of the statement of a quarter: a quarter not yet ended
    runs to today (截至今日); one not begun, or ended before the fund opened, has no statement."""
    first, last = quarter_days(year, quarter)
    if first > today:
        raise DomainError("fund_error.quarter_not_started")
    if last < opened_on:
        raise DomainError("fund_error.quarter_before_opening", opened=opened_on.isoformat())
    return first, min(last, today), last > today


@dataclass
class Statement:
    """A fund's statement of a quarter (amounts in fen): the balance at its start, income by source and spending by
    purpose (each payment listed with its approvals), the balance at its end."""

    fund: dict
    year: int
    quarter: int
    first: date
    last: date
    to_date: bool
    opening_fen: int
    income: list[dict] = field(default_factory=list)      # the entries, in day order
    payments: list[dict] = field(default_factory=list)    # paid requests, in day order, with their approvers
    income_by_source: dict[str, int] = field(default_factory=dict)
    spending_by_purpose: dict[str, int] = field(default_factory=dict)

    @property
    def income_fen(self) -> int:
        return sum(self.income_by_source.values())

    @property
    def spending_fen(self) -> int:
        return sum(self.spending_by_purpose.values())

    @property
    def closing_fen(self) -> int:
        return self.opening_fen + self.income_fen - self.spending_fen
