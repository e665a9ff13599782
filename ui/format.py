"""Numbers and dates in the UI language (Babel)."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from data_access import clock
from ui.i18n import lang, t


def _locale() -> str:
    return "en_US" if lang() == "en" else "zh_CN"


def pct(value: float | None) -> str:
    return t("common.none") if value is None else format_percent(value, "#,##0.0%", locale=_locale())


def num(value: float | None, pattern: str = "#,##0.0") -> str:
    return t("common.none") if value is None else format_decimal(value, pattern, locale=_locale())


def day(value: date | None) -> str:
    return t("common.none") if value is None else format_date(value, "yyyy-MM-dd", locale=_locale())


def when(value: datetime | None) -> str:
    if value is None:
        return t("common.none")
    return format_datetime(clock.local(value), "yyyy-MM-dd HH:mm", locale=_locale())


