"""The fund's tables: the funds the actor sees, a fund's co-managers, a page of its income entries and a page of its
spending requests, each as plain text cells (money as ¥1,234.50); a request's co-signature rule in words and named
facts one a line."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from ui import widgets
from ui.context import PageContext
from ui.format import day, when
from ui.fund.common import money, purpose_labels, source_labels, status_label
from ui.i18n import labels, t


def rule_text(approvals_needed: int | None, needs_decision: bool) -> str:
    """The co-signature rule of a request in words: 需其他共管人 2 人签字, 全体共管人（申请人除外）签字 + 议事会决议."""
    who = t("fund_pages.rule.all") if approvals_needed is None else t("fund_pages.rule.some", n=approvals_needed)
    return t("fund_pages.rule.with_decision", who=who) if needs_decision else who


def fact_lines(lines: list[tuple[str, str]]) -> str:
    """Named facts, one a line (**收款方**：…); the values already made literal where a user typed them."""
    return "  \n".join(t("fund_pages.fact", name=name, value=value) for name, value in lines)


MONEY = ("balance", "amount")  # columns of money, right-aligned so that the yuan line up


def _table(view: pd.DataFrame, *, key: str, prefix: str, widths: dict[str, str | int] | None = None,
           on_select=None) -> None:
    config = {c: st.column_config.TextColumn(t(f"{prefix}.{c}"), width=(widths or {}).get(c),
                                             alignment="right" if c in MONEY else None) for c in view.columns}
    options = {"on_select": on_select, "selection_mode": "single-row"} if on_select else {}
    st.dataframe(view, hide_index=True, width="stretch", key=key, column_config=config, **options)


def funds_table(rows: list[dict], communities: dict[int, str], *, key: str) -> None:
    """The funds with their council, balance, co-managers who count today and open requests; a community column
    when they lie in more than one community."""
    view = pd.DataFrame({
        "name": [r["name"] for r in rows],
        "community": [communities.get(r["community_id"], "") for r in rows],
        "council": [r["council"] for r in rows],
        "opened_on": [day(r["opened_on"]) for r in rows],
        "balance": [money(r["balance_fen"]) for r in rows],
        "managers": [str(r["managers"]) for r in rows],
        "open_requests": [str(r["open_requests"]) for r in rows],
        "role": [t("fund_pages.funds.you_manage") if r["co_manager"] else "" for r in rows],
    })
    if len({r["community_id"] for r in rows}) < 2:
        view = view.drop(columns=["community"])
    if not any(r["co_manager"] for r in rows):
        view = view.drop(columns=["role"])
    _table(view, key=key, prefix="fund_pages.funds.col")


def manager_state(row: dict) -> str:
    """Whether a co-manager counts today: 计入会签, 已移除, or no longer on the council (so no longer counted)."""
    if not row["active"]:
        return t("fund_pages.funds.removed")
    return t("fund_pages.funds.counts") if row["counts"] else t("fund_pages.funds.left_council")


def managers_table(ctx: PageContext, rows: list[dict], *, key: str) -> None:
    seats = labels(ctx.settings.council.seats)
    view = pd.DataFrame({
        "name": [r["name"] for r in rows],
        "seat": [" · ".join(x for x in (seats.get(r["seat"], r["seat"] or ""), r["title"] or "") if x) for r in rows],
        "account": [f"{r['account']} ({r['username']})" for r in rows],
        "since": [day(r["since"]) for r in rows],
        "state": [manager_state(r) for r in rows],
    })
    _table(view, key=key, prefix="fund_pages.funds.mcol", widths={"seat": "large"})


def income_mark(row: dict) -> str:
    """已冲正 on an entry a later one reversed; on a reversal, the entry it corrects."""
    if widgets.known(row["reverses_id"]):
        return t("fund_pages.income.reversal_of", id=int(row["reverses_id"]))
    if widgets.known(row["reversed_by"]):
        return t("fund_pages.income.reversed", id=int(row["reversed_by"]))
    return ""


def income_note(row: dict) -> str:
    """An entry's note; a reversal's reason."""
    if widgets.known(row["reverses_id"]):
        return t("fund_pages.income.reason_is", reason=row["reason"] or "")
    return row["note"] or ""


def income_table(ctx: PageContext, rows: list[dict], *, key: str, on_select) -> None:
    sources = source_labels(ctx)
    view = pd.DataFrame({
        "no": [str(r["id"]) for r in rows],
        "received_on": [day(r["received_on"]) for r in rows],
        "source": [sources.get(r["source"], r["source"]) for r in rows],
        "payer": [r["payer"] for r in rows],
        "amount": [money(r["amount_fen"]) for r in rows],
        "mark": [income_mark(r) for r in rows],
        "receipts": [str(len(r["files"])) if r["files"] else "" for r in rows],
        "note": [income_note(r) for r in rows],
    })
    _table(view, key=key, prefix="fund_pages.income.col", on_select=on_select,
           widths={"no": "small", "received_on": "small", "amount": 90, "mark": 130, "receipts": "small",
                   "note": "large"})


def requests_table(ctx: PageContext, rows: list[dict], *, key: str, on_select) -> None:
    purposes = purpose_labels(ctx)
    view = pd.DataFrame({
        "number": [r["number"] or "" for r in rows],
        "requested_at": [when(r["requested_at"]) for r in rows],
        "purpose": [purposes.get(r["purpose"], r["purpose"]) for r in rows],
        "amount": [money(r["amount_fen"]) for r in rows],
        "payee": [r["payee"] for r in rows],
        "requester": [r["requester"] for r in rows],
        "status": [status_label(r["status"]) for r in rows],
        "decision": [(t("fund_pages.spending.decision_linked") if widgets.known(r["decision_id"])
                      else t("fund_pages.spending.decision_needed")) if r["needs_decision"] else "" for r in rows],
        "paid_on": [day(r["paid_on"]) if widgets.known(r["paid_on"]) else "" for r in rows],
    })
    _table(view, key=key, prefix="fund_pages.spending.col", on_select=on_select)
