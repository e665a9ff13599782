"""季度公示 (the quarterly public statement): a fund's quarter for the notice board. The opening balance, every income
entry by source (reversals with their reason), every payment by purpose with its requester, approvers and council
decision, the closing balance and the line 期初余额 + 本期收入 − 本期支出 = 期末余额; a quarter still running is
stated up to today (截至今日). Printed alone on A4 from the print button, or downloaded in Word (audited)."""

from __future__ import annotations

import streamlit as st

from data_access import clock
from data_access.fund.documents import sheet, statement_docx
from domain.errors import DomainError
from domain.fund.statement import quarter_of
from ui import cached
from ui.context import export_actor, page_context
from ui.fund.common import fund_picker
from ui.fund.statement import print_button, sheet_html
from ui.i18n import error_text, lang, t

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"

ctx = page_context()
ctx.require("fund.read", "fund.manage")
today = clock.today()
st.title(t("page.fund_statement"))
st.caption(t("fund_statement.intro"))

c1, c2, c3 = st.columns([3, 1, 1])
with c1:
    fund = fund_picker(ctx, "fst_fund")
opened = quarter_of(fund["opened_on"])
now_quarter = quarter_of(today)
with c2:
    years = list(range(now_quarter[0], opened[0] - 1, -1))
    if st.session_state.get("fst_year") not in years:
        st.session_state["fst_year"] = now_quarter[0]
    year = st.selectbox(t("fund_statement.year"), years, key="fst_year")
with c3:
    quarters = [q for q in range(1, 5) if opened <= (year, q) <= now_quarter]
    if st.session_state.get("fst_quarter") not in quarters:
        st.session_state["fst_quarter"] = now_quarter[1] if year == now_quarter[0] else quarters[-1]
    quarter = st.selectbox(t("fund_statement.quarter"), quarters, key="fst_quarter",
                           format_func=lambda q: t("fund_statement.quarter_option", quarter=t(f"fund_doc.q{q}")))

try:
    result = cached.read(ctx.engine, "fund_statement", actor=ctx.actor, fund_id=fund["id"], year=year,
                         quarter=quarter, today=today)
except DomainError as err:
    st.warning(error_text(err), icon=":material/event_busy:")
    st.stop()
decisions = {d["id"]: d for d in cached.read(ctx.engine, "fund_decisions", actor=ctx.actor, fund_id=fund["id"],
                                              today=today)}
words = sheet(result, settings=ctx.settings, decisions=decisions, lang=lang(), today=today)

with st.container(horizontal=True, vertical_alignment="center", key="fst_actions"):
    print_button(t("fund_statement.print"), key="fst_print")
    language, checked = lang(), export_actor(ctx)
    st.download_button(t("fund_statement.download_docx"), key="fst_docx", icon=":material/description:",
                       data=lambda: statement_docx(ctx.engine, actor=checked(), fund_id=fund["id"], year=year,
                                                   quarter=quarter, settings=ctx.settings, lang=language),
                       file_name=f"{words.title}.docx", mime=DOCX)
    st.caption(t("fund_statement.print_hint"))
if not result.income and not result.payments:
    st.info(t("fund_statement.empty"), icon=":material/info:")
with st.container(key="fst_sheet"):
    st.html(sheet_html(words))
