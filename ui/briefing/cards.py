"""A briefing figure as a card: its value, its definition on hover, and its change against the months before (环比)
and the same months last year (同比), in colour and with an arrow that tell good from bad."""

from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from data_access.briefing.service import Figure
from domain.briefing.changes import Change
from ui.format import num, pct
from ui.i18n import t

COLOURS = {True: "green", False: "red", None: "gray"}
ARROWS = {"up": "▲", "down": "▼", "flat": "＝"}


def value_text(figure: Figure) -> str:
    """A rate in percent, a count whole, hours with their tenth when they have one."""
    return pct(figure.value) if figure.rate else num(figure.value, "#,##0.#")


def change_text(moved: Change, *, rate: bool) -> str:
    """"+2.1个百分点" for a rate, "+12.5%" for a count; 持平, or 无可比数据 when there is nothing to compare."""
    if moved.direction is None:
        return t("briefing.no_compare")
    if moved.direction == "flat":
        return t("briefing.flat")
    if moved.delta is None:  # a count that grew from nothing
        return t("briefing.from_zero")
    if rate:
        return t("briefing.points", value=num(moved.delta * 100, "+#,##0.0;-#,##0.0"))
    return num(moved.delta * 100, "+#,##0.0;-#,##0.0") + "%"


def change_line(label: str, moved: Change, *, rate: bool) -> str:
    """One coloured line of Markdown: "▲ 环比 +2.1个百分点" in green when the move is good, red when bad."""
    arrow = ARROWS.get(moved.direction or "", "")
    return f":{COLOURS[moved.good]}[{arrow} {label} {change_text(moved, rate=rate)}]"


def figure_card(figure: Figure, *, title: str, definition: str, why_empty: str, note: str | None = None,
                whole_year: bool = False, key: str | None = None, then: Callable[[], None] | None = None,
                shown: str | None = None) -> None:
    """One figure with its changes, or with `note` instead (a count as of today, a figure of the year); for a
    period of twelve months the months before are last year's, so only 同比 is shown. `then` draws more inside
    the card (the link to the records); `shown` is the value's text when it is not a rate or a count (money)."""
    with st.container(border=True, key=f"briefing_figure_{key or figure.key}"):
        st.metric(title, value_text(figure) if shown is None else shown, help=definition)
        if figure.value is None:
            st.caption(why_empty)
        elif note:
            st.caption(note)
        else:
            lines = [] if whole_year else [change_line(t("briefing.vs_previous"), figure.vs_previous, rate=figure.rate)]
            lines.append(change_line(t("briefing.vs_last_year"), figure.vs_last_year, rate=figure.rate))
            st.markdown("  \n".join(lines))
        if then is not None:
            then()
