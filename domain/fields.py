"""Form values made clean: typed text without control characters, within its limit, and dates from a form or a
table. Shared by the validators of every area; pure Python, imports nothing of ours."""

from __future__ import annotations

import re
from datetime import date, datetime

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0c\x0e-\x1f\x7f]")


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
