"""基金与共管人: the funds the actor sees, with their council, balance, co-managers counting today and open requests;
one fund's co-managers (seat, account, since, and whether they count: one who left the council no longer does). The
community's secretary (fund.setup) opens a fund for a council with its opening balance, names a member of that council
co-manager with the account they sign with, and removes one."""

import streamlit as st

from ui import cached
from ui.context import page_context
from ui.format import day, money
from ui.forms import errors_key
from ui.fund.common import fund_picker, funds
from ui.fund.forms import OPEN_FORM, add_manager_form, open_fund_form, remove_manager_form
from ui.fund.tables import funds_table, managers_table
from ui.i18n import join, md_escape, t

PICK, SETUP_COMMUNITY = "ffunds_fund", "ffunds_setup_community"

ctx = page_context()
ctx.require("fund.read", "fund.manage")
st.title(t("page.fund_funds"))
st.caption(t("fund_pages.funds.intro"))
seen = funds(ctx)
setup_in = dict(cached.read(ctx.engine, "communities", actor=ctx.actor, permission="fund.setup"))

if not seen:
    st.info(t("fund_pages.funds.none_setup") if setup_in else t("fund_ui.no_funds"), icon=":material/info:")
else:
    names = dict(cached.read(ctx.engine, "communities", actor=ctx.actor, permission="fund.read"))
    funds_table(seen, names, key="ffunds_table")

    fund = fund_picker(ctx, PICK)
    st.subheader(md_escape(fund["name"]))
    st.caption(t("fund_pages.funds.held_by", council=md_escape(fund["council"]), day=day(fund["opened_on"])))
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("fund_pages.funds.balance"), money(fund["balance_fen"]))
    m2.metric(t("fund_pages.funds.opening_balance"), money(fund["opening_fen"]))
    m3.metric(t("fund_pages.funds.counting"), str(fund["managers"]))
    m4.metric(t("fund_pages.funds.open_requests"), str(fund["open_requests"]))

    st.markdown(f"**{t('fund_pages.funds.managers')}**")
    managers = cached.read(ctx.engine, "fund_managers", actor=ctx.actor, fund_id=fund["id"])
    if managers:
        managers_table(ctx, managers, key="ffunds_managers")
        left = [m["name"] for m in managers if m["active"] and not m["counts"]]
        if left:
            st.warning(t("fund_pages.funds.left_warning", names=join(md_escape(n) for n in left)),
                       icon=":material/person_off:")
        st.caption(t("fund_pages.funds.counting_hint"))
    else:
        st.info(t("fund_pages.funds.no_managers_setup") if fund["may_setup"] else t("fund_pages.funds.no_managers"),
                icon=":material/info:")
    if fund["may_setup"]:
        add_tab, remove_tab = st.tabs([t("fund_pages.funds.add_title"), t("fund_pages.funds.remove_title")])
        with add_tab:
            add_manager_form(ctx, fund, managers)
        with remove_tab:
            remove_manager_form(ctx, managers)

if setup_in:
    with st.expander(t("fund_pages.funds.open_title"), icon=":material/add_card:",
                     expanded=not seen or bool(st.session_state.get(errors_key(OPEN_FORM)))):
        community = next(iter(setup_in))
        if len(setup_in) > 1:
            community = st.selectbox(t("fund_pages.funds.community"), list(setup_in), key=SETUP_COMMUNITY,
                                     format_func=setup_in.get)
        open_fund_form(ctx, community, {f["council_id"] for f in seen}, pick_key=PICK)
