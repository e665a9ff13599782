"""Pieces of the fund overview: the year's sums by kind and by month from the overview's rows, money cards, and the
tables of requests (waiting for signatures, ready to pay, waiting for a council decision) whose rows open the request
on the spending page."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import widgets
from ui.format import money, when
from ui.i18n import join, t

SPENDING_PAGE = "pages/fund/spending.py"
PAGE_SIZE = 20
GO = "fov_go_request"  # session key: the request a row selection asked to open


def by_code(rows: list[dict], field: str) -> dict[str, int]:
    """The year's fen summed by source or purpose."""
    sums: dict[str, int] = {}
    for row in rows:
        sums[row[field]] = sums.get(row[field], 0) + row["amount_fen"]
    return sums


def by_month(data: dict) -> pd.DataFrame:
    """Every month of the year ("2026-01"), its income and spending in yuan (for the chart's axis only)."""
    year = data["year"]
    income, spending = [0] * 12, [0] * 12
    for row in data["income"]:
        income[row["month"] - 1] += row["amount_fen"]
    for row in data["spending"]:
        spending[row["month"] - 1] += row["amount_fen"]
    return pd.DataFrame({"month": [f"{year}-{m:02d}" for m in range(1, 13)],
                         "income": [fen / 100 for fen in income], "spending": [fen / 100 for fen in spending]})


def money_cards(labels: dict[str, str], sums: dict[str, int]) -> None:
    """One card per configured kind (and any stored kind no longer configured), its sum of the year."""
    codes = [*labels, *sorted(set(sums) - set(labels))]
    for column, code in zip(st.columns(len(codes)), codes, strict=True):
        column.metric(labels.get(code, code), money(sums.get(code, 0)), border=True)


def request_table(rows: list[dict], *, key: str, purposes: dict[str, str], show_fund: bool, columns: list[str],
                  empty: str) -> None:
    """A page of requests; selecting a row opens it on the spending page (?request=<id>). `columns` among signed,
    waiting_for and decision, after number, fund, purpose, amount, payee and requester."""
    if not rows:
        st.caption(empty)
        return
    offset = widgets.page_offset(f"{key}_page", PAGE_SIZE)
    shown = rows[offset:offset + PAGE_SIZE]
    table = pd.DataFrame({
        "number": [r["number"] or "" for r in shown], "fund": [r["fund"] for r in shown],
        "purpose": [purposes.get(r["purpose"], r["purpose"]) for r in shown],
        "amount": [money(r["amount_fen"]) for r in shown], "payee": [r["payee"] for r in shown],
        "requester": [r["requester"] for r in shown], "requested_at": [when(r["requested_at"]) for r in shown],
        "signed": [t("fund_ov.signed_value", approved=r["approved"], needed=r["needed"]) for r in shown],
        "waiting_for": [join(r["waiting_for"]) or t("fund_ov.nobody_left") for r in shown],
        "decision": [t("fund_ov.decision_missing") if r["decision_id"] is None else t("fund_ov.decision_pending")
                     for r in shown]})
    order = ["number", *(["fund"] if show_fund else []), "purpose", "amount", "payee", "requester", "requested_at",
             *columns]
    ids = [r["id"] for r in shown]

    def pick() -> None:
        chosen = st.session_state[key].selection.rows
        if chosen and chosen[0] < len(ids):
            st.session_state[GO] = ids[chosen[0]]

    st.dataframe(table[order], hide_index=True, width="stretch", key=key, on_select=pick,
                 selection_mode="single-row",
                 column_config={name: st.column_config.TextColumn(t(f"fund_ov.col_{name}")) for name in order})
    widgets.pager(len(rows), PAGE_SIZE, f"{key}_page", len(shown))


def open_picked() -> None:
    """Open the request a table's row selection asked for, on the spending page."""
    chosen = st.session_state.pop(GO, None)
    if chosen is not None:
        st.switch_page(SPENDING_PAGE, query_params={"request": str(int(chosen))})
