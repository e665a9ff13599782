"""Form values made clean: typed text without control characters, within its limit, numbers within their range,
ids, dates from a form or a table, phone numbers, and the collectors of a form's errors. Shared by the validators of
every area.

Any value may reach a write (a form, an address, a caller's mistake): the readers here take any type and turn what is
not the kind of value a field holds (a list where text is expected, a dict, bytes, nan, 2^63) into the field's error
with a message key, never a Python or a driver error. The ranges of numbers are `Span`s that the widgets read too, so a
widget's min_value/max_value and the rule cannot drift apart."""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal

from domain.errors import ValidationFailed

# control characters (Word files and PostgreSQL refuse them), lone surrogates (no encoding holds them) and the two
# non-characters XML refuses
CONTROL_CHARS = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
PHONE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8})$")  # a mobile or a landline with its area code
MIN_YEAR, MAX_YEAR = 2000, 2100
RECORD_BACK_DAYS = 366  # a record of what happened (progress, a need or topic raised) is entered within a year
EARLIEST, LATEST = date(1950, 1, 1), date(2100, 12, 31)  # the reach of every date field (ui.forms.date_field)
MAX_ID = 2**31 - 1  # row ids are PostgreSQL integers: an id beyond is no row's
SHOWN = 40  # the most characters of a refused value repeated in its message


@dataclass(frozen=True)
class Span:
    """The range of a number a form takes (both ends included), and whether it is whole. A rule checks it with
    FormErrors.number; the widget takes min_value=span.low, max_value=span.high."""

    low: int | float
    high: int | float
    whole: bool = False
    key: str = "error.out_of_range"  # the message of a number beyond it (or not whole), with {min} and {max}

    def holds(self, number: float) -> bool:
        return self.low <= number <= self.high and (not self.whole or number == int(number))

    @staticmethod
    def shown(end: int | float) -> int | float | str:
        """An end as a message shows it: 100,000 with its thousands marked, a year (2100) as it is."""
        return f"{end:,}" if abs(end) >= 10_000 else end


YEARS = Span(MIN_YEAR, MAX_YEAR, whole=True)
IDS = Span(1, MAX_ID, whole=True)


def plain(value: object) -> str:
    """Typed text without control characters, trimmed: a paste from Word can carry them (its line break \\v
    becomes a newline), and Word files and PostgreSQL refuse them."""
    return CONTROL_CHARS.sub("", str(value or "").replace("\x0b", "\n")).strip()


def text_of(value: object) -> str | None:
    """A form's text made plain ("" when empty); None when the value is not text at all (a list, a number, bytes)."""
    if value is None:
        return ""
    return plain(value) if isinstance(value, str) else None


def shown(value: object) -> str:
    """A refused value as its message repeats it: plain and short."""
    text = plain(value if isinstance(value, str) else repr(value))
    return text if len(text) <= SHOWN else text[:SHOWN - 1] + "…"


def form(data: object) -> dict:
    """A form's data as a dict: None is an empty form; anything but a mapping is refused (error.not_a_form)."""
    if data is None:
        return {}
    if not isinstance(data, Mapping):
        raise ValidationFailed({"form": ("error.not_a_form", {})})
    return dict(data)


def value_of(data: object, field: str) -> object:
    """data[field], None when absent or when `data` is no mapping."""
    return data.get(field) if isinstance(data, Mapping) else None


def is_id(value: object) -> bool:
    """A row id as a form or an address gives it: an int (not a bool) from 1 to MAX_ID."""
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= MAX_ID


def as_number(value: object) -> float | None:
    """A finite number from an int, a float, a Decimal or a numeric string; None for anything else (a bool, nan,
    inf, an int too large for a float, a list)."""
    if isinstance(value, bool) or not isinstance(value, numbers.Real | Decimal | str):
        return None  # numbers.Real: the numbers of a table (numpy's) too
    try:
        number = float(value)
    except (ValueError, OverflowError):
        return None
    return number if math.isfinite(number) else None


def in_reach(day: object) -> bool:
    """A date a form may give: between EARLIEST and LATEST."""
    return isinstance(day, date) and EARLIEST <= (day.date() if isinstance(day, datetime) else day) <= LATEST


def form_date(value) -> date | None:
    """A date from a form value: a date, a datetime (its day) or ISO text; None when empty, not a date or beyond the
    reach of a date field (EARLIEST..LATEST)."""
    if isinstance(value, datetime):
        value = value.date()
    elif isinstance(value, str):
        try:
            value = date.fromisoformat(value.strip())
        except ValueError:
            return None
    return value if isinstance(value, date) and in_reach(value) else None


def form_text(errors: dict, data: dict, field: str, *, limits: dict[str, int], required: bool = False) -> str | None:
    """data[field] as plain text, None when empty; an error on the field when it is not text (error.not_text),
    required and empty (error.required) or longer than limits[field] (error.too_long)."""
    value = text_of(value_of(data, field))
    if value is None:
        errors.setdefault(field, ("error.not_text", {}))
        return None
    if not value:
        if required:
            errors.setdefault(field, ("error.required", {}))
        return None
    if len(value) > limits[field]:
        errors.setdefault(field, ("error.too_long", {"max": limits[field], "length": len(value)}))
    return value


class Errors(dict):
    """Field -> (message key, params) of one form; raise_if_any() throws ValidationFailed when anything was added.
    A form's subclass sets LIMITS, the most characters of each text field."""

    LIMITS: dict[str, int] = {}
    NOT_A_NUMBER = "error.not_a_number"
    NOT_A_DATE, DATE_IN_FUTURE = "error.not_a_date", "error.date_in_future"

    def add(self, field: str, key: str, **params) -> None:
        self.setdefault(field, (key, params))

    def text(self, data: dict, field: str, *, required: bool, minimum: int = 1, limit: str | None = None) -> str:
        """data[field] as plain text ("" when empty): not text at all, required and empty, shorter than `minimum`
        or longer than LIMITS[limit or field] is the field's error."""
        value = text_of(value_of(data, field))
        most = self.LIMITS[limit or field]
        if value is None:
            self.add(field, "error.not_text")
            return ""
        if not value:
            if required:
                self.add(field, "error.required")
        elif len(value) < minimum:
            self.add(field, "error.too_short", min=minimum)
        elif len(value) > most:
            self.add(field, "error.too_long", max=most, length=len(value))
        return value

    def choice(self, data: dict, field: str, codes) -> str | None:
        """One of `codes` (text); None, with the field's error, when empty or anything else."""
        value = value_of(data, field)
        if value is None or value == "":
            self.add(field, "error.required")
            return None
        if not isinstance(value, str) or value not in codes:
            self.add(field, "error.unknown_choice", value=shown(value))
            return None
        return value

    def number(self, data: dict, field: str, *, required: bool, span: Span) -> float | None:
        """A finite number (int, float, Decimal or a numeric string) within `span`; None when empty or refused."""
        value = value_of(data, field)
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                self.add(field, "error.required")
            return None
        number = as_number(value)
        if number is None:
            self.add(field, self.NOT_A_NUMBER)
        elif not span.holds(number):
            self.add(field, span.key, min=span.shown(span.low), max=span.shown(span.high))
        else:
            return int(number) if span.whole else number
        return None

    def ident(self, data: dict, field: str, *, required: bool) -> int | None:
        """A row id (is_id); another value is an unknown choice."""
        value = value_of(data, field)
        if value is None or value == "":
            if required:
                self.add(field, "error.required")
            return None
        if not is_id(value):
            self.add(field, "error.unknown_choice", value=shown(value))
            return None
        return value

    def day(self, data: dict, field: str, *, required: bool, today: date | None = None,
            recent: bool = False) -> date | None:
        """A date (a datetime counts by its date) within the reach of a date field; not after `today` when given;
        with `recent` (a record of what happened, entered after the fact) not more than RECORD_BACK_DAYS before
        `today` either."""
        value = value_of(data, field)
        if value is None or value == "":
            if required:
                self.add(field, "error.required")
            return None
        if isinstance(value, datetime):
            value = value.date()
        if not isinstance(value, date):
            self.add(field, self.NOT_A_DATE)
            return None
        if not in_reach(value):
            self.add(field, "error.date_out_of_reach", earliest=EARLIEST.isoformat(), latest=LATEST.isoformat())
            return None
        if today is not None and value > today:
            self.add(field, self.DATE_IN_FUTURE, today=today.isoformat())
        elif today is not None and recent and value < today - timedelta(days=RECORD_BACK_DAYS):
            self.add(field, "error.too_far_back", earliest=(today - timedelta(days=RECORD_BACK_DAYS)).isoformat())
        return value

    def flag(self, data: dict, field: str, *, default: bool) -> bool:
        """A yes/no field: True or False; absent is `default`; anything else is the field's error."""
        value = value_of(data, field)
        if value is None:
            return default
        if not isinstance(value, bool):
            self.add(field, "error.unknown_choice", value=shown(value))
            return default
        return value

    def raise_if_any(self) -> None:
        if self:
            raise ValidationFailed(dict(self))


class FormErrors(Errors):
    """Errors of a form of the committee or the council: plain texts within LIMITS, numbers, dates, ids and years.
    The messages are the committee's; another area's subclass sets its own date messages."""

    NOT_A_NUMBER = "committee_error.not_a_number"
    NOT_A_DATE, DATE_IN_FUTURE = "committee_error.not_a_date", "committee_error.date_in_future"

    def year(self, data: dict, field: str = "year") -> int | None:
        """A whole year within YEARS."""
        value = value_of(data, field)
        if value is None or value == "":
            self.add(field, "error.required")
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not YEARS.holds(value):
            self.add(field, "committee_error.bad_year", min=YEARS.low, max=YEARS.high)
            return None
        return value
