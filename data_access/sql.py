"""SQL building blocks every area's reads share: a scope condition, a conditional count, a ratio, a page with its
total in one pass, and turning rows and aggregates into frames, floats and dates."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import Float, case, cast, false, func, select

from data_access import clock
from domain.fields import in_reach, is_id


def as_date(value) -> date | None:
    """A date from an aggregate (SQLite may hand a CASE over dates back as text)."""
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def count_if(condition):
    """How many rows meet `condition` (0, not NULL, when none do)."""
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def float_or_none(value) -> float | None:
    """A float, or None for a missing value (None, NaN)."""
    return None if value is None or pd.isna(value) else float(value)


def frame(rows, columns: list[str]) -> pd.DataFrame:
    """Rows as a frame; a column with an empty value keeps Python values and None (not NaN, nor ids as floats)."""
    df = pd.DataFrame([tuple(r) for r in rows], columns=columns, dtype=object)
    if df.empty:
        return df
    full = [c for c, missing in zip(columns, df.isna().any().tolist(), strict=True) if not missing]
    return pd.concat([df[full].infer_objects(), df.drop(columns=full)], axis=1)[columns]


MAX_OFFSET = 2**31 - 1  # an offset beyond any table (PostgreSQL refuses one beyond a bigint)


def row_offset(offset: object) -> int:
    """An offset a read can use: a whole number from 0 to MAX_OFFSET; anything else (nan, a list) is 0."""
    if not isinstance(offset, int) or isinstance(offset, bool):
        return 0
    return min(max(offset, 0), MAX_OFFSET)


def page_offset(page: object, size: int) -> int:
    """The offset of page `page` (from 1) of `size` rows; a page that is no whole number is the first."""
    page = page if isinstance(page, int) and not isinstance(page, bool) else 1
    return row_offset((min(max(page, 1), MAX_OFFSET // max(size, 1) + 1) - 1) * size)


def page_of(session, query, offset: int, limit: int) -> tuple[list[tuple], int]:
    """The rows of one page of an ordered query and how many rows it has in all, in one pass (a window count);
    only a page past the end needs a count of its own."""
    offset = row_offset(offset)
    rows = session.execute(query.add_columns(func.count().over()).offset(offset).limit(limit)).all()
    if rows:
        return [tuple(r)[:-1] for r in rows], int(rows[0][-1])
    if offset == 0:
        return [], 0
    return [], int(session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one())


def id_equals(column, value):
    """`column == value` for a row id; for anything else a filter or an address may carry (2^63, a list) a condition
    no row meets."""
    return column == value if is_id(value) else false()


def code_equals(column, value):
    """`column == value` for a code (text); for anything else a condition no row meets."""
    return column == value if isinstance(value, str) else false()


def day_within(column, first, last, *, moments: bool = False) -> list:
    """`column` from the date `first` to `last` (either None: open), for a date column or, with `moments`, a time
    column (from the start of `first` to the end of `last`, Asia/Shanghai); a date beyond a date field's reach (or
    no date) matches nothing."""
    since = (lambda d: column >= clock.day_start(d)) if moments else (lambda d: column >= d)
    until = (lambda d: column < clock.day_end(d)) if moments else (lambda d: column <= d)
    conds = []
    for day, cond in ((first, since), (last, until)):
        if day is not None:
            conds.append(cond(day) if in_reach(day) and not isinstance(day, datetime) else false())
    return conds


def ratio(part, whole):
    """part / whole as a float, NULL when whole is 0 or NULL."""
    return case((whole > 0, cast(part, Float) / cast(whole, Float)), else_=None)


def within(column, ids: tuple[int, ...] | None) -> list:
    """`column` among the ids of a read scope (None: every one)."""
    return [] if ids is None else [column.in_(ids)]
