"""Building blocks of the joint committee's pages: the community and year pickers, the item table with its progress,
the year's agreements, and the labels of unit and resource kinds."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access import clock
from ui import cached, widgets
from ui.context import PageContext
from ui.format import num
from ui.i18n import join, labels, t
from ui.widgets import day_or_none, known, share_column

# --- pickers -----------------------------------------------------------------------------------------------------


def communities(ctx: PageContext) -> dict[int, str]:
    """id -> name of the communities whose committee the actor may read."""
    return dict(cached.read(ctx.engine, "committee_communities", actor=ctx.actor))


def community_picker(ctx: PageContext, key: str, *, allow_all: bool = False) -> int | None:
    """The community to work on (None: all of them, only with `allow_all`). Stops the page when there is none."""
    return widgets.community_picker(communities(ctx), key, label=t("cfield.community"),
                                    all_label=t("cdash.all_communities"), empty=t("cdash.no_communities"),
                                    allow_all=allow_all)


def year_picker(key: str) -> int:
    """The committee's year (its projects, agreements and items): this year by default."""
    this_year = clock.today().year
    years = list(range(this_year + 1, this_year - 5, -1))
    return st.selectbox(t("cfield.year"), years, index=1, key=key, format_func=lambda y: t("cfield.year_value", year=y))


# --- tables ------------------------------------------------------------------------------------------------------


def state_label(state: object) -> str:
    return t(f"cfield.state_{state}") if isinstance(state, str) and state else t("common.none")


ITEM_COLUMNS = ["project", "community", "name", "target_text", "period", "beneficiaries", "claimed_by", "share",
                "last_update", "state"]


def items_table(df: pd.DataFrame, *, key: str, with_community: bool = False, on_select=None) -> None:
    """Service items (data_access.committee.queries.items) with their progress; rows selectable with an `on_select`
    callback."""
    view = pd.DataFrame({
        "project": df["project"], "community": df["community"], "name": df["name"],
        "target_text": [target_text(v, u, f) for v, u, f in zip(df["target"], df["unit"], df["frequency"],
                                                                  strict=True)],
        "period": [f"{day_or_none(a)} ~ {day_or_none(b)}" for a, b in zip(df["period_start"], df["period_end"],
                                                                         strict=True)],
        "beneficiaries": df["beneficiaries"].fillna(t("common.none")),
        "claimed_by": [join(names) if names else t("cfield.unclaimed") for names in df["claimed_by"]],
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


SIGNED = ("signed", "ended")  # an agreement that was signed (and may since have ended)


def unsigned(agreements: pd.DataFrame) -> pd.DataFrame:
    """The active units without a signed agreement (data_access.committee.queries.agreements rows)."""
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


def kind_labels(ctx: PageContext) -> dict[str, str]:
    return labels(ctx.settings.committee.unit_kinds)


def resource_labels(ctx: PageContext) -> dict[str, str]:
    return labels(ctx.settings.committee.resource_kinds)
