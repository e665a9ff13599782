"""Building blocks of the joint committee's pages: the community and year pickers, a pager, the item table with its
progress bars, and pure Altair builders for progress by unit and by project."""

from __future__ import annotations

import math

import altair as alt
import pandas as pd
import streamlit as st

from data_access import clock
from domain.errors import ValidationFailed
from ui import cached
from ui.charts import ACCENT
from ui.context import PageContext
from ui.format import day, num
from ui.i18n import labels, t

PICK = "pick"  # the name of a chart's point selection (its clicked bar)


# --- pure chart builders ---------------------------------------------------------------------------------------


def progress_bars(df: pd.DataFrame, *, category: str, value: str, category_title: str, value_title: str,
                  key_field: str | None = None, order: list[str] | None = None, height: int | None = None) -> alt.Chart:
    """Horizontal bars of a share (0-1) by `category` (in `order`, else highest first), labelled in percent. With
    `key_field`, a click on a bar selects its row (selection parameter PICK, for on_select)."""
    sort = order if order is not None else alt.EncodingSortField(field=value, order="descending")
    base = alt.Chart(df).encode(
        y=alt.Y(f"{category}:N", title=category_title, sort=sort, axis=alt.Axis(labelLimit=220, labelOverlap=False)),
        x=alt.X(f"{value}:Q", title=value_title, scale=alt.Scale(domain=[0, 1]), axis=alt.Axis(format="%")),
        tooltip=[alt.Tooltip(f"{category}:N", title=category_title),
                 alt.Tooltip(f"{value}:Q", title=value_title, format=".1%")],
    )
    bars = base.mark_bar(color=ACCENT, cornerRadiusEnd=3)
    if key_field is not None:
        pick = alt.selection_point(name=PICK, fields=[key_field])
        bars = bars.add_params(pick).encode(opacity=alt.condition(pick, alt.value(1.0), alt.value(0.45)))
    text = base.mark_text(align="left", dx=4).encode(text=alt.Text(f"{value}:Q", format=".0%"))
    return (bars + text).properties(height=height or alt.Step(26))


def picked(event, field: str) -> int | None:
    """The `field` of the bar clicked in a chart drawn with on_select (None when nothing is selected). A point
    selection comes as a list of the clicked rows' fields ([{"unit_id": 3}])."""
    if not event:
        return None
    chosen = (event.get("selection") or {}).get(PICK) or []
    if isinstance(chosen, dict):  # {"unit_id": [3]}, should a selection come by field
        value = chosen.get(field)
        value = value[0] if isinstance(value, list) and value else value
    else:
        value = chosen[0].get(field) if chosen and isinstance(chosen[0], dict) else None
    return None if value is None or isinstance(value, list) else int(value)


# --- pickers -----------------------------------------------------------------------------------------------------


def communities(ctx: PageContext) -> dict[int, str]:
    """id -> name of the communities whose committee the actor may read."""
    return dict(cached.read(ctx.engine, "committee_communities", actor=ctx.actor))


ALL = 0  # "all" in a filter (a None option would show as an empty box with its placeholder)


def filter_box(label: str, options: dict[int, str], key: str, all_label: str) -> int | None:
    """A selectbox of `options` led by "all" (None); a stale choice (no longer offered) falls back to all."""
    if key in st.session_state and st.session_state[key] not in (ALL, *options):
        st.session_state[key] = ALL
    value = st.selectbox(label, [ALL, *options], key=key,
                         format_func=lambda v: all_label if v == ALL else options[v])
    return None if value == ALL else value


def community_picker(ctx: PageContext, key: str, *, allow_all: bool = False) -> int | None:
    """The community to work on (None: all of them, only with `allow_all`). Stops the page when there is none."""
    known = communities(ctx)
    if not known:
        st.info(t("cdash.no_communities"), icon=":material/info:")
        st.stop()
    if allow_all and len(known) > 1:
        return filter_box(t("cfield.community"), known, key, t("cdash.all_communities"))
    if st.session_state.get(key) not in known:
        st.session_state.pop(key, None)
    return st.selectbox(t("cfield.community"), list(known), key=key, format_func=known.get)


def year_picker(key: str) -> int:
    """The committee's year (its projects, agreements and items): this year by default."""
    this_year = clock.today().year
    years = list(range(this_year + 1, this_year - 5, -1))
    return st.selectbox(t("cfield.year"), years, index=1, key=key, format_func=lambda y: t("cfield.year_value", year=y))


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


# --- tables ------------------------------------------------------------------------------------------------------


def share_column(title: str) -> st.column_config.ProgressColumn:
    return st.column_config.ProgressColumn(title, min_value=0.0, max_value=1.0, format="percent")


def state_label(state: object) -> str:
    return t(f"cfield.state_{state}") if isinstance(state, str) and state else t("common.none")


ITEM_COLUMNS = ["project", "community", "name", "target_text", "period", "beneficiaries", "claimed_by", "share",
                "last_update", "state"]


def items_table(df: pd.DataFrame, *, key: str, with_community: bool = False, on_select=None) -> None:
    """Service items (committee_queries.items) with their progress; rows selectable with an `on_select` callback."""
    view = pd.DataFrame({
        "project": df["project"], "community": df["community"], "name": df["name"],
        "target_text": [target_text(v, u, f) for v, u, f in zip(df["target"], df["unit"], df["frequency"],
                                                                  strict=True)],
        "period": [f"{day_or_none(a)} ~ {day_or_none(b)}" for a, b in zip(df["period_start"], df["period_end"],
                                                                         strict=True)],
        "beneficiaries": df["beneficiaries"].fillna(t("common.none")),
        "claimed_by": df["claimed_by"].fillna("").replace("", t("cfield.unclaimed")),
        "share": df["share"].fillna(0.0),
        "last_update": [day_or_none(v) for v in df["last_update_on"]],
        "state": [state_label(s) for s in df["state"]],
    })
    shown = [c for c in ITEM_COLUMNS if with_community or c != "community"]
    config = {c: st.column_config.TextColumn(t(f"cfield.{c}")) for c in shown}
    config["share"] = share_column(t("cfield.share"))
    selection = {"on_select": on_select, "selection_mode": "single-row"} if on_select else {}
    st.dataframe(view[shown], hide_index=True, column_config=config, key=key, width="stretch", **selection)


def target_text(target: object, unit: object, frequency: object = None) -> str:
    """"12 次（每月一次）"."""
    text = f"{num(float(target), '#,##0.##')} {unit or ''}".strip() if known(target) else t("common.none")
    return t("cfield.target_frequency", target=text, frequency=frequency) if known(frequency) and frequency else text


def known(value: object) -> bool:
    """Not None, NaN or NaT (a missing value of a DataFrame cell)."""
    return value is not None and not pd.isna(value) if not isinstance(value, (list, tuple)) else True


def day_or_none(value: object) -> str:
    """A date cell of a DataFrame in the UI's format (— when empty)."""
    if not known(value):
        return t("common.none")
    return day(value.date() if isinstance(value, pd.Timestamp) else value)


SIGNED = ("signed", "ended")  # an agreement that was signed (and may since have ended)


def unsigned(agreements: pd.DataFrame) -> pd.DataFrame:
    """The active units without a signed agreement (committee_queries.agreements rows)."""
    return agreements[agreements["active"].astype(bool) & ~agreements["status"].isin(SIGNED)]


def agreement_status(status: object) -> str:
    return t(f"cfield.agreement_{status}") if known(status) else t("cfield.agreement_none")


def agreements_table(df: pd.DataFrame, *, key: str, on_select=None) -> None:
    """The year's agreements, one row per unit (未签订 where there is none); selectable with `on_select`."""
    view = pd.DataFrame({"unit": df["unit"], "status": [agreement_status(s) for s in df["status"]],
                         "signed_on": [day_or_none(v) for v in df["signed_on"]],
                         "commitments": df["commitments"].fillna("")})
    config = {"unit": st.column_config.TextColumn(t("cfield.unit")),
              "status": st.column_config.TextColumn(t("cfield.status")),
              "signed_on": st.column_config.TextColumn(t("cfield.signed_on")),
              "commitments": st.column_config.TextColumn(t("cfield.commitments"), width="large")}
    selection = {"on_select": on_select, "selection_mode": "single-row"} if on_select else {}
    st.dataframe(view, hide_index=True, width="stretch", key=key, column_config=config, **selection)


def require_chosen(values: dict, *fields: str) -> None:
    """A form's choices that must be made before its write can look them up (the write would say "not found")."""
    missing = {f: ("error.required", {}) for f in fields if values.get(f) is None}
    if missing:
        raise ValidationFailed(missing)


def kind_labels(ctx: PageContext) -> dict[str, str]:
    return labels(ctx.settings.committee.unit_kinds)


def resource_labels(ctx: PageContext) -> dict[str, str]:
    return labels(ctx.settings.committee.resource_kinds)
