"""Numbers and dates in the UI language (Babel)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from babel import Locale
from babel.dates import format_date, format_datetime
from babel.numbers import format_decimal, format_percent

from data_access import clock
from ui.i18n import lang, t

# parsed once: Babel parses a locale's name again on every call given a string (a file-system check each time,
# some milliseconds; a page formats hundreds of dates)
LOCALES = {"en": Locale.parse("en_US"), "zh": Locale.parse("zh_CN")}


def _locale() -> Locale:
    return LOCALES["en"] if lang() == "en" else LOCALES["zh"]


def pct(value: float | None) -> str:
    return t("common.none") if value is None else format_percent(value, "#,##0.0%", locale=_locale())


def num(value: float | None, pattern: str = "#,##0.0") -> str:
    return t("common.none") if value is None else format_decimal(value, pattern, locale=_locale())


def money(fen: int | None) -> str:
    """Whole fen as yuan with the sign and two decimals: ¥1,234.50 (a refund or correction: -¥1,234.50)."""
    if fen is None:
        return t("common.none")
    amount = format_decimal(Decimal(abs(fen)).scaleb(-2), "#,##0.00", locale=_locale())
    return f"{'-' if fen < 0 else ''}¥{amount}"


def day(value: date | None) -> str:
    return t("common.none") if value is None else format_date(value, "yyyy-MM-dd", locale=_locale())


def when(value: datetime | None) -> str:
    if value is None:
        return t("common.none")
    return format_datetime(clock.local(value), "yyyy-MM-dd HH:mm", locale=_locale())


