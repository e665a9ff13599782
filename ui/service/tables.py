"""The matter table shared by the ledger and the overview: labels, overdue rows highlighted, row selection."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.service.exports import code_labels
from domain.settings import Settings
from ui.i18n import lang, t

# what a matter is looked up for comes first, so that a phone shows the number, the step and the deadline
SHOWN = ["number", "step", "deadline", "description", "community", "grid", "handler", "registered_at", "category",
         "urgency", "channel", "mode", "overdue", "reopen_count", "ledger_no"]
OVERDUE_STYLE = "background-color: #fdecea; color: #922b21"


def matter_table(df: pd.DataFrame, settings: Settings, *, key: str) -> int | None:
    """Show matters; return the id of the row the user selected, if any."""
    view = df.copy()
    maps = code_labels(settings, lang())
    for column in ("channel", "category", "urgency", "mode", "step", "overdue"):
        view[column] = view[column].map(lambda v, m=maps[column]: m.get(v, v))
    for column in ("handler", "ledger_no"):
        view[column] = view[column].fillna(t("common.none"))
    overdue = df["overdue"].to_numpy()
    view = view[SHOWN]
    styled = view.style.apply(lambda row: [OVERDUE_STYLE if overdue[row.name] else ""] * len(row), axis=1)
    config = {c: st.column_config.Column(t(f"field.{c}")) for c in SHOWN}
    config["registered_at"] = st.column_config.DatetimeColumn(t("field.registered_at"), format="YYYY-MM-DD HH:mm")
    config["deadline"] = st.column_config.DateColumn(t("field.deadline"), format="YYYY-MM-DD")
    if lang() == "en":  # "Register in ledger" and "Resident evaluation" would be cut at the width of their header
        config["step"] = st.column_config.Column(t("field.step"), width=150)
    event = st.dataframe(styled, hide_index=True, column_config=config, on_select="rerun",
                         selection_mode="single-row", key=key)
    rows = event.selection.rows if event is not None else []
    if not rows:
        return None
    del st.session_state[key]  # forget the selection, so coming back to this table does not open it again
    return int(df.iloc[rows[0]]["id"])
