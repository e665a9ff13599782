"""KPI cards: a big value, its definition on hover, and a reason instead of a false 0% when empty."""

from __future__ import annotations

import streamlit as st

from ui.format import num, pct
from ui.i18n import t

# A card's title wraps onto a second line rather than being cut ("Average days …" in English, six to a row). A style
# alone takes no room on the page.
CARD_STYLE = """<style>
[data-testid="stMetricLabel"] { height: auto; min-height: 1.5rem; }
[data-testid="stMetricLabel"] * { white-space: normal !important; overflow: visible !important;
  text-overflow: clip !important; line-height: 1.25; }
</style>"""


def card(title: str, value: float | None, *, definition: str, why_empty: str, kind: str = "rate",
         good: float | None = None, higher_is_better: bool = True) -> None:
    """One KPI: rates as percentages (coloured against `good`), other values as numbers."""
    text = pct(value) if kind == "rate" else num(value, "#,##0" if kind == "count" else "#,##0.0")
    st.html(CARD_STYLE)
    with st.container(border=True):
        st.metric(title, text, help=definition)
        if value is None:
            st.caption(why_empty)
        elif good is not None:
            ok = value >= good if higher_is_better else value <= good
            st.caption(f":green[{t('overview.good')}]" if ok else f":orange[{t('overview.attention')}]")
