"""Widgets every area's pages share: a filter led by "all", a community picker, a pager for tables paged in SQL, a
share column, the missing-value helpers for DataFrame cells, and the check that a form's choices were made."""

from __future__ import annotations

import math

import pandas as pd
import streamlit as st

from domain.errors import ValidationFailed
from ui.format import day
from ui.i18n import relabel, t

ALL = 0  # "all" in a filter (a None option would show as an empty box with its placeholder)


def filter_box(label: str, options: dict[int, str], key: str, all_label: str) -> int | None:
    """A selectbox of `options` led by "all" (None); a stale choice (no longer offered) falls back to all."""
    if key in st.session_state and st.session_state[key] not in (ALL, *options):
        st.session_state[key] = ALL
    relabel(key)
    value = st.selectbox(label, [ALL, *options], key=key,
                         format_func=lambda v: all_label if v == ALL else options[v])
    return None if value == ALL else value


def community_picker(known: dict[int, str], key: str, *, label: str, all_label: str, empty: str,
                     allow_all: bool = False) -> int | None:
    """The community to work on among `known` (id -> name; None: all of them, only with `allow_all`). Stops the
    page with the hint `empty` when there is none."""
    if not known:
        st.info(empty, icon=":material/info:")
        st.stop()
    if allow_all and len(known) > 1:
        return filter_box(label, known, key, all_label)
    if st.session_state.get(key) not in known:
        st.session_state.pop(key, None)
    return st.selectbox(label, list(known), key=key, format_func=known.get)


def page_offset(key: str, size: int) -> int:
    """The offset of the page chosen in the pager `key` (read before the data, drawn after it)."""
    return (int(st.session_state.get(key) or 1) - 1) * size


def pager(total: int, size: int, key: str, shown: int) -> None:
    """The page number input (when there is more than one page) and the count; a page past the end (the data
    shrank) goes back to the last page."""
    pages = max(1, math.ceil(total / size))
    if int(st.session_state.get(key) or 1) > pages:
        st.session_state[key] = pages
        st.rerun()
    if pages > 1:
        page = st.number_input(t("cfield.page"), min_value=1, max_value=pages, value=1, step=1, key=key)
        st.caption(t("common.page", page=page, pages=pages, total=f"{total:,}"))
    elif shown:
        st.caption(t("cfield.count", count=f"{total:,}"))


def share_column(title: str) -> st.column_config.ProgressColumn:
    return st.column_config.ProgressColumn(title, min_value=0.0, max_value=1.0, format="percent")


def known(value: object) -> bool:
    """Not None, NaN or NaT (a missing value of a DataFrame cell)."""
    return value is not None and not pd.isna(value) if not isinstance(value, (list, tuple)) else True


def text_or_empty(value: object) -> str:
    """A text cell of a DataFrame as a widget's value: "" when missing (a NaN is truthy, so `value or ""` would put
    the word "nan" in the box, and a save would store it)."""
    return str(value) if known(value) else ""


def day_or_none(value: object) -> str:
    """A date cell of a DataFrame in the UI's format (— when empty)."""
    if not known(value):
        return t("common.none")
    return day(value.date() if isinstance(value, pd.Timestamp) else value)


def require_chosen(values: dict, *fields: str) -> None:
    """A form's choices that must be made before its write can look them up (the write would say "not found")."""
    missing = {f: ("error.required", {}) for f in fields if values.get(f) is None}
    if missing:
        raise ValidationFailed(missing)


def open_record(page: str, record_id: int) -> None:
    """Open the page that shows one record, its id in the address (?id=), so that a reload, a bookmark or a copied
    link opens the same record."""
    st.switch_page(page, query_params={"id": str(int(record_id))})


def record_from_address(key: str) -> int | None:
    """The record named by the page's address (?id=) when this session did not put it there itself (a link, a
    bookmark, a reload): the page should open it. `key` is the session key of the page's chosen record."""
    asked = str(st.query_params.get("id", ""))
    if not asked.isdigit() or asked == st.session_state.get(f"{key}__address"):
        return None
    st.session_state[f"{key}__address"] = asked
    return int(asked)


def show_in_address(key: str, record_id: int | None) -> None:
    """Put the record a page shows in its address (?id=), or take it out, so that the address bar can be copied,
    bookmarked and reloaded; `key` as for record_from_address."""
    if record_id is None:
        st.query_params.pop("id", None)
        st.session_state.pop(f"{key}__address", None)
    else:
        st.query_params["id"] = str(int(record_id))
        st.session_state[f"{key}__address"] = str(int(record_id))


def forget_on_new_search(key: str, *criteria) -> None:
    """Close the record opened (session key `key`) when the search or filters above it change: it would otherwise
    stand under a list, or a "nothing found", that no longer holds it."""
    marker = f"{key}__criteria"
    if marker in st.session_state and st.session_state[marker] != criteria:
        st.session_state.pop(key, None)
    st.session_state[marker] = criteria
