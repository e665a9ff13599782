"""基金收入: a fund's income entries, newest first and paged on the server, with their source, payer, amount, note and
receipts; reversed entries marked and each reversal with its reason. Whoever records payments, or a co-manager,
records income (with receipt photos or PDFs) and corrects an entry by a reversing entry with a reason (冲正),
never by an edit."""

import streamlit as st

from ui import cached, widgets
from ui.context import page_context
from ui.format import day, money
from ui.forms import errors_key, form_message
from ui.fund.common import fund_picker, source_labels
from ui.fund.forms import INCOME_FORM, downloads, income_form, reverse_form, reverse_key
from ui.fund.tables import fact_lines, income_mark, income_note, income_table
from ui.i18n import md_escape, t

SELECTED, PICK = "fincome_selected", "fincome_fund"

ctx = page_context()
ctx.require("fund.read", "fund.manage")
st.title(t("page.fund_income"))
st.caption(t("fund_pages.income.intro"))
fund = fund_picker(ctx, PICK)
may_record = fund["may_pay"] or fund["co_manager"]
st.metric(t("fund_pages.income.balance"), money(fund["balance_fen"]))

if may_record:
    with st.expander(t("fund_pages.income.new"), icon=":material/add_circle:",
                     expanded=bool(st.session_state.get(errors_key(INCOME_FORM)))):
        income_form(ctx, fund)

size = ctx.settings.page_size
page_key = f"fincome_page_{fund['id']}"
rows, total = cached.read(ctx.engine, "fund_income", actor=ctx.actor, fund_id=fund["id"],
                          offset=widgets.page_offset(page_key, size), limit=size)
if total == 0:
    st.info(t("fund_pages.income.none_record") if may_record else t("fund_pages.income.none"),
            icon=":material/info:")
    st.stop()
widgets.pager(total, size, page_key, len(rows))
ids = [int(r["id"]) for r in rows]
table = f"fincome_table_{fund['id']}_{total}"  # a new entry shifts the rows: the selection of the old ones goes


def on_select() -> None:
    picked = st.session_state[table].selection.rows
    if picked and picked[0] < len(ids):
        st.session_state[SELECTED] = ids[picked[0]]


st.caption(t("fund_pages.income.select_hint"))
income_table(ctx, rows, key=table, on_select=on_select)

# --- one entry: its receipts and its correction -------------------------------------------------------------------
entry = next((r for r in rows if r["id"] == st.session_state.get(SELECTED)), None)
if entry is None:
    st.stop()
sources = source_labels(ctx)
with st.container(border=True, key="fincome_panel"):
    h1, h2 = st.columns([6, 1])
    with h1:
        st.subheader(t("fund_pages.income.entry_title", amount=money(entry["amount_fen"]),
                       source=sources.get(entry["source"], entry["source"])))
    with h2:
        st.button(t("fund_pages.request.close"), key="fincome_close", icon=":material/close:",
                  on_click=lambda: st.session_state.pop(SELECTED, None))
    lines = [(t("fund_pages.income.col.received_on"), day(entry["received_on"])),
             (t("fund_pages.income.col.payer"), md_escape(entry["payer"])),
             (t("fund_pages.income.col.note"), md_escape(income_note(entry)) or t("common.none")),
             (t("fund_pages.income.col.by"), md_escape(entry["by"] or t("common.none")))]
    form_message(reverse_key(entry))
    mark = income_mark(entry)
    if mark:
        lines.append((t("fund_pages.income.col.mark"), md_escape(mark)))
    st.markdown(fact_lines(lines))
    if entry["files"]:
        downloads(ctx, entry["files"], key=f"fincome_file_{entry['id']}")
    else:
        st.caption(t("fund_pages.income.no_receipts"))
    if may_record and not widgets.known(entry["reverses_id"]) and not widgets.known(entry["reversed_by"]):
        with st.expander(t("fund_pages.income.reverse_title"), icon=":material/undo:"):
            reverse_form(ctx, entry)
