"""KPI cards: a big value, its definition on hover, and a reason instead of a false 0% when empty."""

from __future__ import annotations

import streamlit as st

from ui.format import num, pct
from ui.i18n import t


def card(title: str, value: float | None, *, definition: str, why_empty: str, kind: str = "rate",
         good: float | None = None, higher_is_better: bool = True) -> None:
    """One KPI: rates as percentages (coloured against `good`), other values as numbers."""
    text = pct(value) if kind == "rate" else num(value, "#,##0" if kind == "count" else "#,##0.0")
    with st.container(border=True):
        st.metric(title, text, help=definition)
        if value is None:
            st.caption(why_empty)
        elif good is not None:
            ok = value >= good if higher_is_better else value <= good
            st.caption(f":green[{t('overview.good')}]" if ok else f":orange[{t('overview.attention')}]")
