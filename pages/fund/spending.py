"""支出与会签: a fund's spending requests. A co-manager first sees what waits for their signature, and may request a
spending; a worker sees what is ready to pay. The requests by status, paged on the server; one request's panel
(opened from a card, a row of the table, or ?request=<id> in the address, so that a reload or a bookmark opens it
again) with its rule, signatures, decision, files, timeline and the actions the record allows the actor."""

import streamlit as st

from domain.fund.rules import STATUSES
from ui import cached, widgets
from ui.context import page_context
from ui.forms import errors_key
from ui.fund import request as fr
from ui.fund.common import fund_picker, status_label
from ui.fund.forms import REQUEST_FORM, request_form
from ui.fund.tables import requests_table
from ui.i18n import t

SELECTED, PICK, STATUS, SHOWN_AT = "fspend_selected", "fspend_fund", "fspend_status", "fspend_shown_at"
CHOICES = ["all", *STATUSES]

ctx = page_context()
ctx.require("fund.read", "fund.manage")
st.title(t("page.fund_spending"))
st.caption(t("fund_pages.spending.intro"))


def open_request(request_id: int, where: str = "top") -> None:
    st.session_state[SELECTED], st.session_state[SHOWN_AT] = request_id, where


def close_request() -> None:
    st.session_state.pop(SELECTED, None)


asked = fr.from_address(SELECTED)  # a link from the overview, a bookmark, a reload: open it in its fund
if asked is not None:
    open_request(asked)
    found = fr.record(ctx, asked)
    if found is not None:
        st.session_state[PICK] = found["fund"]["id"]
fund = fund_picker(ctx, PICK)
item = fr.record(ctx, st.session_state.get(SELECTED))
if st.session_state.get(SELECTED) is not None and (item is None or item["fund"]["id"] != fund["id"]):
    if item is None:
        st.warning(t("fund_pages.spending.not_found"), icon=":material/search_off:")
    close_request()
    item = None
fr.show_in_address(SELECTED, item["request"].id if item else None)

# --- what waits for the actor ----------------------------------------------------------------------------------
to_sign, to_pay = fr.waiting(ctx, fund["id"])
fr.cards(ctx, to_sign, title=t("fund_pages.spending.to_sign", count=len(to_sign)),
         button=t("fund_pages.spending.open_to_sign"), open_request=open_request)
if fund["co_manager"] and not to_sign:
    st.success(t("fund_pages.spending.nothing_to_sign"), icon=":material/task_alt:")
fr.cards(ctx, to_pay, title=t("fund_pages.spending.to_pay", count=len(to_pay)),
         button=t("fund_pages.spending.open_to_pay"), open_request=open_request)
if item is not None and st.session_state.get(SHOWN_AT) != "table":
    fr.panel(ctx, item, on_close=close_request)

# --- a new request (a co-manager) ------------------------------------------------------------------------------
if fund["co_manager"]:
    with st.expander(t("fund_pages.spending.new"), icon=":material/add_circle:",
                     expanded=bool(st.session_state.get(errors_key(REQUEST_FORM)))):
        request_form(ctx, fund, on_saved=open_request)

# --- the requests ----------------------------------------------------------------------------------------------
st.subheader(t("fund_pages.spending.all"))
if st.session_state.get(STATUS) not in CHOICES:
    st.session_state[STATUS] = "all"
status = st.segmented_control(t("fund_pages.spending.status"), CHOICES, key=STATUS, required=True,
                              format_func=lambda s: t("common.all") if s == "all" else status_label(s))
chosen = None if status == "all" else status
size = ctx.settings.page_size
page_key = f"fspend_page_{fund['id']}_{status}"
rows, total = cached.read(ctx.engine, "fund_requests", actor=ctx.actor, fund_id=fund["id"], status=chosen,
                          offset=widgets.page_offset(page_key, size), limit=size)
if total == 0:
    st.info(t("fund_pages.spending.none_filtered") if chosen else t("fund_pages.spending.none_manage")
            if fund["co_manager"] else t("fund_pages.spending.none"), icon=":material/info:")
else:
    widgets.pager(total, size, page_key, len(rows))
    ids = [int(r["id"]) for r in rows]
    table = f"fspend_table_{fund['id']}_{status}_{total}"  # a new request shifts the rows: their selection goes

    def on_select() -> None:
        picked = st.session_state[table].selection.rows
        if picked and picked[0] < len(ids):
            open_request(ids[picked[0]], "table")

    st.caption(t("fund_pages.spending.select_hint"))
    requests_table(ctx, rows, key=table, on_select=on_select)
if item is not None and st.session_state.get(SHOWN_AT) == "table":
    fr.panel(ctx, item, on_close=close_request)
