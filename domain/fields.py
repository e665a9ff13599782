"""Form values made clean: typed text without control characters, within its limit, dates from a form or a table,
phone numbers, and the collectors of a form's errors. Shared by the validators of every area."""

from __future__ import annotations

import math
import re
from datetime import date, datetime, timedelta

from domain.errors import ValidationFailed

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f]")
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")  # a mobile or a landline with its area code
MIN_YEAR, MAX_YEAR = 2000, 2100
RECORD_BACK_DAYS = 366  # a record of what happened (progress, a need or topic raised) is entered within a year


def plain(value: object) -> str:
    """Typed text without control characters, trimmed: a paste from Word can carry them (its line break \\v
    becomes a newline), and Word files and PostgreSQL refuse them."""
    return CONTROL_CHARS.sub("", str(value or "").replace("\x0b", "\n")).strip()


def form_date(value) -> date | None:
    """A date from a form value: a date, a datetime (its day) or ISO text; None when empty or not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None


def form_text(errors: dict, data: dict, field: str, *, limits: dict[str, int], required: bool = False) -> str | None:
    """data[field] as plain text, None when empty; an error on the field when required and empty
    (error.required) or longer than limits[field] (error.too_long)."""
    value = plain(data.get(field))
    if not value:
        if required:
            errors.setdefault(field, ("error.required", {}))
        return None
    if len(value) > limits[field]:
        errors.setdefault(field, ("error.too_long", {"max": limits[field], "length": len(value)}))
    return value


def is_id(value: object) -> bool:
    """A row id as a form gives it: an int, not a bool."""
    return isinstance(value, int) and not isinstance(value, bool)


class Errors(dict):
    """Field -> (message key, params) of one form; raise_if_any() throws ValidationFailed when anything was added.
    A form's subclass sets LIMITS, the most characters of each text field."""

    LIMITS: dict[str, int] = {}

    def add(self, field: str, key: str, **params) -> None:
        self.setdefault(field, (key, params))

    def text(self, data: dict, field: str, *, required: bool, minimum: int = 1) -> str:
        value = plain(data.get(field))
        if not value:
            if required:
                self.add(field, "error.required")
        elif len(value) < minimum:
            self.add(field, "error.too_short", min=minimum)
        elif len(value) > self.LIMITS[field]:
            self.add(field, "error.too_long", max=self.LIMITS[field], length=len(value))
        return value

    def choice(self, data: dict, field: str, codes) -> str | None:
        value = data.get(field)
        if not value:
            self.add(field, "error.required")
        elif value not in codes:
            self.add(field, "error.unknown_choice", value=value)
        return value

    def raise_if_any(self) -> None:
        if self:
            raise ValidationFailed(dict(self))


class FormErrors(Errors):
    """Errors of a form of the committee or the council: plain texts within LIMITS, numbers, dates, ids and years.
    The messages are the committee's; another area's subclass sets its own date messages."""

    NOT_A_DATE, DATE_IN_FUTURE = "committee_error.not_a_date", "committee_error.date_in_future"

    def text(self, data: dict, field: str, *, required: bool, minimum: int = 1, limit: str | None = None) -> str:
        value = plain(data.get(field))
        most = self.LIMITS[limit or field]
        if not value:
            if required:
                self.add(field, "error.required")
        elif len(value) < minimum:
            self.add(field, "error.too_short", min=minimum)
        elif len(value) > most:
            self.add(field, "error.too_long", max=most, length=len(value))
        return value

    def number(self, data: dict, field: str, *, required: bool) -> float | None:
        """A finite number (int, float, Decimal or a numeric string); None when empty."""
        value = data.get(field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, "error.required")
            return None
        if isinstance(value, bool):
            self.add(field, "committee_error.not_a_number")
            return None
        try:
            number = float(value)
        except (TypeError, ValueError):
            self.add(field, "committee_error.not_a_number")
            return None
        if not math.isfinite(number):
            self.add(field, "committee_error.not_a_number")
            return None
        return number

    def day(self, data: dict, field: str, *, required: bool, today: date | None = None,
            recent: bool = False) -> date | None:
        """A date (a datetime counts by its date); not after `today` when given; with `recent` (a record of what
        happened, entered after the fact) not more than RECORD_BACK_DAYS before `today` either."""
        value = data.get(field)
        if value in (None, ""):
            if required:
                self.add(field, "error.required")
            return None
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            self.add(field, self.NOT_A_DATE)
            return None
        if today is not None and value > today:
            self.add(field, self.DATE_IN_FUTURE, today=today.isoformat())
        elif today is not None and recent and value < today - timedelta(days=RECORD_BACK_DAYS):
            self.add(field, "error.too_far_back", earliest=(today - timedelta(days=RECORD_BACK_DAYS)).isoformat())
        return value

    def ident(self, data: dict, field: str, *, required: bool) -> int | None:
        value = data.get(field)
        if value in (None, ""):
            if required:
                self.add(field, "error.required")
            return None
        if isinstance(value, bool) or not isinstance(value, int):
            self.add(field, "error.unknown_choice", value=str(value))
            return None
        return value

    def year(self, data: dict, field: str = "year") -> int | None:
        value = data.get(field)
        if value in (None, ""):
            self.add(field, "error.required")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not MIN_YEAR <= value <= MAX_YEAR:
            self.add(field, "committee_error.bad_year", min=MIN_YEAR, max=MAX_YEAR)
            return None
        return value
