"""Progress meetings (推进会): the meetings of the year, the proposed next meeting and its plan, and a meeting's
record: chair, day, place, attendance, the generated agenda, progress entered, decisions and action items, and
the minutes in Word.

The community secretary plans meetings and may change every open meeting; the representative of the unit that
chairs a meeting (the rotating secretary) opens it and keeps its record; everyone else reads.
"""

import streamlit as st

from data_access import clock
from data_access.committee.meetings import (
    finish_action_item,
    meeting_detail,
    meetings,
    open_meeting,
    plan_meeting,
    proposal,
)
from data_access.committee.queries import committee_communities, units
from domain.committee.rules import MEETING_KINDS
from ui.committee import meeting as mt
from ui.context import page_context
from ui.format import day
from ui.forms import date_field, field_error, form_message, submit, widget_key
from ui.i18n import md_escape, t
from ui.widgets import record_from_address, show_in_address

ctx = page_context()
ctx.require("committee.read")
cfg = ctx.settings
today = clock.today()
st.title(t("page.committee_meetings"))
st.caption(t("meetings.intro", months=cfg.committee.meeting_every_months))

communities = dict(committee_communities(ctx.engine, actor=ctx.actor))
if not communities:
    st.info(t("meetings.no_committee"), icon=":material/info:")
    st.stop()
asked = record_from_address("meetings_pick")  # a meeting's link, a bookmark or a reload: open that meeting
if asked is not None:
    linked = meeting_detail(ctx.engine, actor=ctx.actor, meeting_id=asked)
    if linked is None:
        st.warning(t("meetings.not_found"), icon=":material/search_off:")
    else:
        st.session_state["meetings_community"] = linked.meeting.community_id
        st.session_state["meetings_year"] = linked.meeting.day.year
        st.session_state["meetings_show"] = linked.meeting.id
c2, c1 = st.columns([1, 3])
if len(communities) > 1:
    community_id = c1.selectbox(t("meetings.community"), list(communities), format_func=communities.get,
                                key="meetings_community")
else:
    community_id = next(iter(communities))
st.session_state.setdefault("meetings_year", today.year)  # set here, not as the widget's index: a save may change it
years = sorted({*range(today.year - 4, today.year + 2), st.session_state["meetings_year"]}, reverse=True)
year = c2.selectbox(t("meetings.year"), years, key="meetings_year")
manages = ctx.can("committee.manage", community_id)


# --- the next meeting: the proposal, and the plan form for the secretary ------------------------------------------

def plan_form(form: str, *, kind: str, day_: object, place: str, chair_unit_id: int | None,
              meeting_id: int | None = None) -> None:
    """Plan a meeting (or change a planned one): kind, day, place, chair unit."""
    form_message(form)
    active = units(ctx.engine, actor=ctx.actor, community_id=community_id, year=year)
    active = active[active["active"]] if not active.empty else active
    choices = {int(u): (t("meetings.unit_with_rep", unit=n, name=r) if isinstance(r, str) and r
                        else t("meetings.unit_without_rep", unit=n))
               for u, n, r in zip(active["id"], active["name"], active["representative"], strict=True)}
    if not choices:
        st.info(t("meetings.no_units"), icon=":material/info:")
        return
    c1, c2 = st.columns(2)
    with c1:
        st.selectbox(t("meetings.kind"), MEETING_KINDS, index=MEETING_KINDS.index(kind), format_func=mt.kind_name,
                     key=widget_key(form, "kind"))
        field_error(form, "kind")
        date_field(t("meetings.day"), value=day_, key=widget_key(form, "day"))
        field_error(form, "day")
    with c2:
        options = list(choices)
        st.selectbox(t("meetings.chair_unit"), options, format_func=choices.get, key=widget_key(form, "chair_unit_id"),
                     index=options.index(chair_unit_id) if chair_unit_id in options else None,
                     placeholder=t("common.choose"), help=t("meetings.chair_unit_help"))
        field_error(form, "chair_unit_id")
        st.text_input(t("meetings.place"), value=place, key=widget_key(form, "place"))
        field_error(form, "place")
    fields = ["kind", "day", "place", "chair_unit_id"]

    def save(values: dict):
        data = {**values, "community_id": community_id, "place": (values.get("place") or "").strip() or None}
        saved = plan_meeting(ctx.engine, actor=ctx.actor, settings=cfg, data=data, meeting_id=meeting_id)
        st.session_state["meetings_show"] = saved.id
        if saved.day.year in years:
            st.session_state["meetings_year"] = saved.day.year  # the list shows the year of the meeting planned
        return saved

    st.button(t("meetings.plan_save") if meeting_id is None else t("meetings.replan_save"), key=f"{form}_save",
              type="primary", icon=":material/event:", on_click=submit, args=(form, fields, save),
              kwargs={"success": lambda m: t("meetings.planned", day=day(m.day))})


listed = meetings(ctx.engine, actor=ctx.actor, community_id=community_id, year=year)
pending = listed[listed["status"].isin(["planned", "open"])] if not listed.empty else listed
next_up = proposal(ctx.engine, actor=ctx.actor, settings=cfg, community_id=community_id, today=today)
number_of = mt.numbers(listed) if not listed.empty else {}
with st.container(border=True):
    st.markdown(f"#### {t('meetings.next_title')}")
    for row in pending.sort_values("day").itertuples(index=False):
        st.markdown(t("meetings.pending", day=day(row.day), title=mt.title(row.kind, number_of.get(int(row.id))),
                      unit=md_escape(row.chair or t("common.none")), status=mt.status_badge(row.status)))
    if next_up.chair_unit_id is None:
        st.info(t("meetings.no_rotation") if manages else t("meetings.no_rotation_read"), icon=":material/info:")
    else:
        st.markdown(t("meetings.proposal" if pending.empty else "meetings.proposal_after", number=next_up.number,
                      day=day(next_up.day), unit=md_escape(next_up.chair_name),
                      name=md_escape(next_up.representative_name or t("common.none"))))
    if manages:
        with st.expander(t("meetings.plan_title"), expanded=pending.empty, icon=":material/edit_calendar:"):
            plan_form("meetings_plan", kind="progress", day_=next_up.day, place="", chair_unit_id=next_up.chair_unit_id)
    elif pending.empty:
        st.caption(t("meetings.plan_by_secretary"))


# --- the meetings of the year -------------------------------------------------------------------------------------

st.subheader(t("meetings.list_title", year=year))
if listed.empty:
    st.info(t("meetings.list_empty_manage") if manages else t("meetings.list_empty"), icon=":material/info:")
    st.stop()
view = listed.assign(
    title=[mt.title(k, number_of.get(int(i))) for k, i in zip(listed["kind"], listed["id"], strict=True)],
    status=listed["status"].map(mt.status_name), place=listed["place"].fillna(t("common.none")),
    chair=listed["chair"].fillna(t("common.none")))
st.dataframe(view[["day", "title", "chair", "place", "status", "present", "absent", "outcomes"]], hide_index=True,
             key="meetings_table", column_config={
                 "day": st.column_config.DateColumn(t("meetings.day"), format="YYYY-MM-DD"),
                 "title": t("meetings.col_meeting"), "chair": t("meetings.chair"), "place": t("meetings.place"),
                 "status": t("meetings.status"),
                 "present": st.column_config.NumberColumn(t("meetings.col_present_count"), format="%d"),
                 "absent": st.column_config.NumberColumn(t("meetings.col_absent_count"), format="%d"),
                 "outcomes": st.column_config.NumberColumn(t("meetings.col_outcomes"), format="%d")})

# which meeting to open: the one just planned, else one being held, else the next planned, else the latest
ids = [int(i) for i in listed.sort_values(["day", "id"], ascending=False)["id"]]
labels = {int(r.id): f"{day(r.day)} · {mt.title(r.kind, number_of.get(int(r.id)))} · {mt.status_name(r.status)}"
          for r in listed.itertuples(index=False)}
wanted = st.session_state.pop("meetings_show", None)
if wanted in ids:
    st.session_state["meetings_pick"] = wanted
elif st.session_state.get("meetings_pick") not in ids:
    by_status = {s: listed[listed["status"] == s].sort_values("day") for s in ("open", "planned")}
    if not by_status["open"].empty:
        st.session_state["meetings_pick"] = int(by_status["open"]["id"].iloc[-1])
    elif not by_status["planned"].empty:
        st.session_state["meetings_pick"] = int(by_status["planned"]["id"].iloc[0])
    else:
        st.session_state["meetings_pick"] = ids[0]
meeting_id = st.selectbox(t("meetings.pick"), ids, format_func=labels.get, key="meetings_pick")
show_in_address("meetings_pick", meeting_id)

detail = meeting_detail(ctx.engine, actor=ctx.actor, meeting_id=meeting_id)
if detail is None:
    st.warning(t("meetings.not_found"), icon=":material/search_off:")
    st.stop()
m = detail.meeting
runs = mt.may_run(ctx, detail)

# --- the meeting's record -------------------------------------------------------------------------------------------

st.divider()
mt.facts(detail)
form_message("meeting_state")
if m.status == "planned":
    if runs and m.day <= today:
        def start(_values: dict):
            return open_meeting(ctx.engine, actor=ctx.actor, settings=cfg, meeting_id=m.id)

        st.button(t("meetings.open"), key="meeting_open", type="primary", icon=":material/play_arrow:",
                  on_click=submit, args=("meeting_state", [], start), kwargs={"success": t("meetings.opened")},
                  help=t("meetings.open_help"))
    elif runs:
        st.caption(t("meetings.open_later", day=day(m.day)))
    else:
        st.caption(t("meetings.opened_by_chair", unit=md_escape(detail.chair or t("common.none"))))
    if manages:
        with st.expander(t("meetings.replan_title"), icon=":material/edit_calendar:"):
            plan_form(f"meetings_replan_{m.id}", kind=m.kind, day_=m.day, place=m.place or "",
                      chair_unit_id=m.chair_unit_id, meeting_id=m.id)
elif m.status == "open":
    if runs:
        st.info(t("meetings.open_now_chair"), icon=":material/co_present:")
    else:
        st.info(t("meetings.open_now"), icon=":material/co_present:")

editable = m.status == "open" and runs
tabs = st.tabs([t("meetings.tab_attendance"), t("meetings.tab_agenda"), t("meetings.tab_outcomes"),
                t("meetings.tab_carried")])
with tabs[0]:
    present, absent = mt.present_counts(detail)
    if not detail.attendance.empty:
        st.caption(t("meetings.attendance_summary", present=present, absent=absent))
    if editable:
        mt.attendance_form(ctx, detail, "meeting_attendance")
    else:
        mt.attendance_table(detail)
with tabs[1]:
    mt.agenda_table(detail, key="meeting_agenda")
    st.markdown(f"##### {t('meetings.progress_title')}")
    mt.progress_table(detail)
with tabs[2]:
    mt.outcomes_table(detail)
    if editable:
        with st.container(border=True):
            st.markdown(f"##### {t('meetings.outcome_title')}")
            mt.outcome_form(ctx, detail, "meeting_outcome")
with tabs[3]:
    agenda = detail.agenda
    carried = agenda[agenda["section"] == "carried"] if not agenda.empty else agenda
    if carried.empty:
        st.caption(t("meetings.carried_none"))
    else:
        st.dataframe(carried[["text", "owner", "unit", "due", "finished"]], hide_index=True, column_config={
            "text": t("meetings.col_text"), "owner": t("meetings.col_owner"), "unit": t("meetings.owner_unit"),
            "due": st.column_config.DateColumn(t("meetings.col_due"), format="YYYY-MM-DD"),
            "finished": st.column_config.CheckboxColumn(t("meetings.col_done_flag"))})
    unfinished = detail.outcomes[(detail.outcomes["kind"] == "action") & ~detail.outcomes["done"].astype(bool)] \
        if not detail.outcomes.empty else detail.outcomes
    if m.status == "closed" and not unfinished.empty:
        st.caption(t("meetings.carry_next", count=len(unfinished)))
    if editable and not carried.empty:
        open_items = {int(r.action_item_id): f"{r.text} · {r.owner or t('common.none')}"
                      for r in carried.itertuples(index=False) if r.action_item_id and not r.finished}
        form_message("meeting_finish")
        if open_items:
            st.selectbox(t("meetings.finish_pick"), list(open_items), format_func=open_items.get,
                         key=widget_key("meeting_finish", "action_item_id"))

            def finish(values: dict):
                return finish_action_item(ctx.engine, actor=ctx.actor, action_item_id=values["action_item_id"],
                                          meeting_id=m.id)

            st.button(t("meetings.finish"), key="meeting_finish_save", icon=":material/check:", on_click=submit,
                      args=("meeting_finish", ["action_item_id"], finish), kwargs={"success": t("meetings.finished")})

if m.status in ("open", "closed"):
    st.divider()
    if editable:
        with st.container(border=True):
            st.markdown(f"##### {t('meetings.close_title')}")
            mt.close_form(ctx, detail, "meeting_close", key="meeting_close")
    mt.minutes_button(ctx, detail, key="meeting_minutes")
    if m.status == "open":
        st.caption(t("meetings.minutes_draft"))
