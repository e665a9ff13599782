"""基金总览 (the fund overview): for the funds the actor sees (a secretary every fund of the community, a co-manager
theirs), all of them or one, and a year: the balance, the year's income by source and spending by purpose, both by
month, and the requests waiting for signatures (and for whom), ready to pay, and the large spending waiting for a
council decision; a row opens its request on the spending page."""

from __future__ import annotations

import streamlit as st

from data_access import clock
from ui import cached, charts, widgets
from ui.context import page_context
from ui.format import money
from ui.fund.common import funds, purpose_labels, source_labels
from ui.fund.overview import by_code, by_month, money_cards, open_picked, request_table
from ui.i18n import t

ctx = page_context()
ctx.require("fund.read", "fund.manage")
today = clock.today()
st.title(t("page.fund_overview"))
st.caption(t("fund_ov.intro"))

known = {f["id"]: f for f in funds(ctx)}
if not known:
    st.info(t("fund_ui.no_funds"), icon=":material/info:")
    if ctx.can("fund.setup") and st.button(t("fund_ov.set_up"), key="fov_set_up", icon=":material/add_circle:"):
        st.switch_page("pages/fund/funds.py")
    st.stop()

c1, c2 = st.columns([3, 1])
with c1:
    if len(known) > 1:  # a selectbox's options are plain text: names as typed
        fund_id = widgets.filter_box(t("fund_ui.fund"), {i: f["name"] for i, f in known.items()}, "fov_fund",
                                     t("fund_ov.all_funds"))
    else:
        fund_id = next(iter(known))
        st.selectbox(t("fund_ui.fund"), [fund_id], format_func=lambda i: known[i]["name"], key="fov_only",
                     disabled=True)
with c2:
    first_year = min(f["opened_on"].year for f in known.values())
    years = list(range(today.year, min(first_year, today.year) - 1, -1))
    if st.session_state.get("fov_year") not in years:
        st.session_state["fov_year"] = today.year
    year = st.selectbox(t("fund_ov.year"), years, key="fov_year")

data = cached.read(ctx.engine, "fund_overview", actor=ctx.actor, year=year, fund_id=fund_id, today=today)
sources, purposes = source_labels(ctx), purpose_labels(ctx)
income, spending = by_code(data["income"], "source"), by_code(data["spending"], "purpose")
income_fen, spending_fen = sum(income.values()), sum(spending.values())

m1, m2, m3 = st.columns(3)
m1.metric(t("fund_ov.balance"), money(data["balance_fen"]), help=t("fund_ov.def_balance"), border=True,
          delta=t("fund_ov.funds_count", count=data["funds"]), delta_color="off", delta_arrow="off", height="stretch")
m2.metric(t("fund_ov.income", year=year), money(income_fen), help=t("fund_ov.def_income"), border=True,
          height="stretch")
m3.metric(t("fund_ov.spending", year=year), money(spending_fen), help=t("fund_ov.def_spending"), border=True,
          delta=t("fund_ov.net", amount=money(income_fen - spending_fen)), delta_color="off", delta_arrow="off",
          height="stretch")
for column, name in zip(st.columns(3), ("waiting", "to_pay", "large"), strict=True):
    column.metric(t(f"fund_ov.{name}"), f"{len(data[name]):,}", help=t(f"fund_ov.def_{name}"), border=True)

st.markdown(f"#### {t('fund_ov.by_source', year=year)}")
money_cards(sources, income)
st.markdown(f"#### {t('fund_ov.by_purpose', year=year)}")
money_cards(purposes, spending)
st.markdown(f"#### {t('fund_ov.by_month', year=year)}")
if data["income"] or data["spending"]:
    names = {"income": t("fund_ov.series_income"), "spending": t("fund_ov.series_spending")}
    st.altair_chart(charts.monthly(by_month(data), month_title=t("fund_ov.month"),
                                   count_title=t("fund_ov.amount_axis"), series_title=t("fund_ov.series"),
                                   names=names), width="stretch")
else:
    st.info(t("fund_ov.no_entries", year=year), icon=":material/info:")

show_fund = fund_id is None and len(known) > 1
if data["waiting"] or data["to_pay"] or data["large"]:
    st.caption(t("fund_ov.open_hint"))
for name, columns in (("waiting", ["signed", "waiting_for"]), ("to_pay", ["signed"]), ("large", ["decision"])):
    st.markdown(f"#### {t(f'fund_ov.{name}_title')}")
    request_table(data[name], key=f"fov_{name}", purposes=purposes, show_fund=show_fund, columns=columns,
                  empty=t(f"fund_ov.none_{name}"))
open_picked()
