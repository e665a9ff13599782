"""Councils (议事组织): a community's resident councils and estate joint meetings (kind from config, estate,
members, convener, meetings held) and their members (seat, title, term, active, convener, participation rate);
the secretary creates and changes both, everybody else reads."""

import pandas as pd
import streamlit as st

from data_access import clock
from data_access.council.writes import save_council, save_member
from ui import cached, widgets
from ui.context import page_context
from ui.council import records as cr
from ui.council.common import community_picker
from ui.forms import date_field, errors_key, field_error, form_message, submit, widget_key
from ui.i18n import md_escape, t

COUNCIL_NEW = "council_new"
COUNCIL_FIELDS = ["name", "kind", "estate", "established_on", "active"]
MEMBER_NEW = "member_new"
MEMBER_FIELDS = ["name", "seat", "title", "term_start", "term_end", "active", "convener"]
COUNCIL = "ccouncils_council"  # the council whose members are shown
MEMBER_SELECTED = "ccouncils_member"

ctx = page_context()
ctx.require("council.read")
today = clock.today()
st.title(t("page.council_councils"))
st.caption(t("council_page.cc_intro"))

community = community_picker(ctx, "ccouncils_community")
manage = ctx.can("council.manage", community)
kinds = cr.council_kinds(ctx)
seat_names = cr.seats(ctx)
councils = cached.read(ctx.engine, "council_councils", actor=ctx.actor, community_id=community)


def has_errors(form: str) -> bool:
    return bool(st.session_state.get(errors_key(form)))


def council_form(form: str, record: dict | None) -> None:
    """The fields of a council, filled from `record` when changing one; each with its message."""
    def key(field: str) -> str:
        return widget_key(form, field)

    value = record or {}
    c1, c2 = st.columns(2)
    with c1:
        st.text_input(t("council_page.council_name"), value=value.get("name", ""), key=key("name"),
                      placeholder=t("council_page.council_name_placeholder"))
        field_error(form, "name")
        options = list(kinds)
        st.selectbox(t("council_page.kind"), options, format_func=kinds.get, key=key("kind"),
                     index=options.index(value["kind"]) if value.get("kind") in kinds else None,
                     placeholder=t("common.choose"), help=t("council_page.kind_help"))
        field_error(form, "kind")
    with c2:
        st.text_input(t("council_page.estate"), value=value.get("estate") or "", key=key("estate"),
                      help=t("council_page.estate_help"))
        field_error(form, "estate")
        date_field(t("council_page.established_on"), value=value.get("established_on") or today,
                   key=key("established_on"))
        field_error(form, "established_on")
    st.checkbox(t("council_page.council_active"), value=bool(value.get("active", True)), key=key("active"))
    field_error(form, "active")


def member_form(form: str, record: dict | None) -> None:
    """The fields of a member, filled from `record` when changing one; each with its message."""
    def key(field: str) -> str:
        return widget_key(form, field)

    value = record or {}
    c1, c2, c3 = st.columns(3)
    with c1:
        st.text_input(t("council_page.member_name"), value=value.get("name", ""), key=key("name"))
        field_error(form, "name")
        options = list(seat_names)
        st.selectbox(t("council_page.seat"), options, format_func=seat_names.get, key=key("seat"),
                     index=options.index(value["seat"]) if value.get("seat") in seat_names else None,
                     placeholder=t("common.choose"))
        field_error(form, "seat")
    with c2:
        st.text_input(t("council_page.member_title"), value=value.get("title") or "", key=key("title"),
                      placeholder=t("council_page.member_title_placeholder"))
        field_error(form, "title")
        d1, d2 = st.columns(2)
        with d1:
            date_field(t("council_page.term_start"), value=value.get("term_start") or today,
                       key=key("term_start"))
            field_error(form, "term_start")
        with d2:
            date_field(t("council_page.term_end"), value=value.get("term_end"),
                       key=key("term_end"), help=t("council_page.term_end_help"))
            field_error(form, "term_end")
    with c3:
        st.checkbox(t("council_page.member_active"), value=bool(value.get("active", True)), key=key("active"))
        field_error(form, "active")
        st.checkbox(t("council_page.convener"), value=bool(value.get("convener", False)), key=key("convener"),
                    help=t("council_page.convener_help"))
        field_error(form, "convener")


def record_of(row: dict, *dates: str) -> dict:
    """A table row as a form's record: dates as datetime.date, empty cells as None."""
    record = {k: (v if widgets.known(v) else None) for k, v in row.items()}
    for field in dates:
        record[field] = cr.as_date(record.get(field))
    return record


# --- the councils ------------------------------------------------------------------------------------------------

st.subheader(t("council_page.cc_councils"))
if manage:
    with st.expander(t("council_page.council_new"), expanded=has_errors(COUNCIL_NEW) or councils.empty,
                     icon=":material/add_circle:"):
        council_form(COUNCIL_NEW, None)
        st.button(t("council_page.council_create"), key="council_new_save", type="primary", icon=":material/add:",
                  on_click=submit, args=(COUNCIL_NEW, COUNCIL_FIELDS, lambda v: save_council(
                      ctx.engine, actor=ctx.actor, settings=ctx.settings, data=dict(v, community_id=community))),
                  kwargs={"success": lambda c: t("council_page.council_created", name=md_escape(c.name))})
        form_message(COUNCIL_NEW)
else:
    st.caption(t("common.read_only"))

if councils.empty:
    st.info(t("council_page.cc_empty") if manage else t("council_ui.no_councils"), icon=":material/info:")
    st.stop()

council_ids = [int(i) for i in councils["id"]]
council_names = dict(zip(council_ids, councils["name"], strict=True))
view = pd.DataFrame({
    "name": councils["name"], "kind": [kinds.get(k, t("council.kind_unknown")) for k in councils["kind"]],
    "estate": councils["estate"].fillna(t("common.none")),
    "established_on": [widgets.day_or_none(v) for v in councils["established_on"]],
    "members": councils["members"].fillna(0).astype(int),
    "convener": councils["convener"].fillna(t("council_page.no_convener")),
    "meetings": councils["meetings"].fillna(0).astype(int),
    "last_meeting_day": [widgets.day_or_none(v) for v in councils["last_meeting_day"]],
    "active": [t("council_page.active") if a else t("council_page.inactive") for a in councils["active"]]})


def on_council_select() -> None:
    rows = st.session_state["ccouncils_table"].selection.rows
    if rows and rows[0] < len(council_ids):
        st.session_state[COUNCIL] = council_ids[rows[0]]
        st.session_state.pop(MEMBER_SELECTED, None)


config = {c: st.column_config.TextColumn(t(f"council_page.col_{c}")) for c in view.columns}
config |= {c: st.column_config.NumberColumn(t(f"council_page.col_{c}"), format="%d") for c in ("members", "meetings")}
st.caption(t("council_page.cc_count", count=len(councils)) + " · " + t("council_page.cc_select_hint"))
st.dataframe(view, hide_index=True, width="stretch", key="ccouncils_table", column_config=config,
             on_select=on_council_select, selection_mode="single-row")

# --- one council: its record and its members ---------------------------------------------------------------------

if st.session_state.get(COUNCIL) not in council_ids:
    st.session_state[COUNCIL] = council_ids[0]
st.subheader(t("council_page.cc_members"))
council_id = st.selectbox(t("council_ui.council"), council_ids, key=COUNCIL, format_func=council_names.get)
council = record_of(councils.iloc[council_ids.index(council_id)].to_dict(), "established_on")

if manage:
    form = f"council_edit_{council_id}"
    with st.expander(t("council_page.council_edit", name=md_escape(council["name"])), expanded=has_errors(form),
                     icon=":material/edit:"):
        council_form(form, council)
        st.button(t("common.save"), key=f"{form}_save", type="primary", icon=":material/save:", on_click=submit,
                  args=(form, COUNCIL_FIELDS, lambda v: save_council(
                      ctx.engine, actor=ctx.actor, settings=ctx.settings, data=dict(v, community_id=community),
                      council_id=council_id)),
                  kwargs={"success": lambda c: t("council_page.council_updated", name=md_escape(c.name))})
        form_message(form)

members = cached.read(ctx.engine, "council_members", actor=ctx.actor, council_id=council_id)
if manage:
    with st.expander(t("council_page.member_new", council=md_escape(council["name"])),
                     expanded=has_errors(MEMBER_NEW) or members.empty, icon=":material/person_add:"):
        member_form(MEMBER_NEW, None)
        st.button(t("council_page.member_create"), key="member_new_save", type="primary", icon=":material/add:",
                  on_click=submit, args=(MEMBER_NEW, MEMBER_FIELDS, lambda v: save_member(
                      ctx.engine, actor=ctx.actor, settings=ctx.settings, data=dict(v, council_id=council_id))),
                  kwargs={"success": lambda m: t("council_page.member_created", name=md_escape(m.name))})
        form_message(MEMBER_NEW)

if members.empty:
    st.info(t("council_page.no_members") if manage else t("council_page.no_members_read"), icon=":material/info:")
    st.stop()

member_ids = [int(i) for i in members["id"]]
view = pd.DataFrame({
    "name": members["name"], "seat": [seat_names.get(s, s) for s in members["seat"]],
    "title": members["title"].fillna(""),
    "term": [cr.period(a, b) if widgets.known(b) else t("council_page.term_open", start=widgets.day_or_none(a))
             for a, b in zip(members["term_start"], members["term_end"], strict=True)],
    "active": [t("council_page.active") if a else t("council_page.inactive") for a in members["active"]],
    "convener": [t("council_page.is_convener") if c else "" for c in members["convener"]],
    "expected": members["expected"].fillna(0).astype(int), "present": members["present"].fillna(0).astype(int),
    "rate": members["rate"].astype(float)})


def on_member_select() -> None:
    rows = st.session_state["ccouncils_members_table"].selection.rows
    st.session_state[MEMBER_SELECTED] = member_ids[rows[0]] if rows and rows[0] < len(member_ids) else None


config = {c: st.column_config.TextColumn(t(f"council_page.col_{c}")) for c in ("title", "term", "active", "convener")}
config |= {"name": st.column_config.TextColumn(t("council_page.col_member")),
           "seat": st.column_config.TextColumn(t("council_page.seat")),
           "expected": st.column_config.NumberColumn(t("council_page.col_expected"), format="%d"),
           "present": st.column_config.NumberColumn(t("council_page.col_present"), format="%d"),
           "rate": widgets.share_column(t("council_page.rate"))}
st.caption(t("council_page.members_count", count=len(members), active=int(members["active"].astype(bool).sum()))
           + (" · " + t("council_page.member_select_hint") if manage else ""))
st.dataframe(view, hide_index=True, width="stretch", key="ccouncils_members_table", column_config=config,
             **({"on_select": on_member_select, "selection_mode": "single-row"} if manage else {}))
st.caption(t("council_page.rate_note"))

selected = st.session_state.get(MEMBER_SELECTED)
if manage and selected in member_ids:
    member = record_of(members.iloc[member_ids.index(selected)].to_dict(), "term_start", "term_end")
    form = f"member_edit_{selected}"
    with st.container(border=True):
        st.markdown(f"**{t('council_page.member_edit', name=md_escape(member['name']))}**")
        member_form(form, member)
        b1, b2 = st.columns([1, 5])
        with b1:
            st.button(t("common.save"), key=f"{form}_save", type="primary", icon=":material/save:", on_click=submit,
                      args=(form, MEMBER_FIELDS, lambda v: save_member(
                          ctx.engine, actor=ctx.actor, settings=ctx.settings, data=dict(v, council_id=council_id),
                          member_id=selected)),
                      kwargs={"success": lambda m: t("council_page.member_updated", name=md_escape(m.name))})
        with b2:
            if st.button(t("council_page.close"), key=f"{form}_close", icon=":material/close:"):
                st.session_state.pop(MEMBER_SELECTED, None)
                st.rerun()
        form_message(form)
