"""Building blocks shared by the fund's pages: the funds the actor sees and the fund picker, the names of income
sources, purposes, request states and timeline steps in the session's language, and money as shown (¥1,234.50)."""

from __future__ import annotations

import streamlit as st

from ui import cached
from ui.context import PageContext
from ui.format import money
from ui.i18n import labels, t

__all__ = ["funds", "fund_picker", "source_labels", "purpose_labels", "status_label", "event_label", "money"]


def funds(ctx: PageContext) -> list[dict]:
    """The funds the actor may see (fund.read scope, and the funds they co-manage)."""
    return cached.read(ctx.engine, "fund_funds", actor=ctx.actor)


def fund_picker(ctx: PageContext, key: str) -> dict:
    """The fund to work on, remembered by `key`; stops the page with what to do next when the actor sees none."""
    known = {f["id"]: f for f in funds(ctx)}
    if not known:
        st.info(t("fund_ui.no_funds"), icon=":material/info:")
        st.stop()
    if st.session_state.get(key) not in known:
        st.session_state.pop(key, None)
    chosen = st.selectbox(t("fund_ui.fund"), list(known), key=key,  # a selectbox's options are plain text
                          format_func=lambda i: known[i]["name"] if i in known else "")
    return known[chosen]


def source_labels(ctx: PageContext) -> dict[str, str]:
    return labels(ctx.settings.fund.income_sources)


def purpose_labels(ctx: PageContext) -> dict[str, str]:
    return labels(ctx.settings.fund.purposes)


def status_label(status: str) -> str:
    return t(f"fund_status.{status}")


def event_label(action: str) -> str:
    return t(f"fund_event.{action}")
