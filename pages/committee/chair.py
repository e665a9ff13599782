"""Chair mode (主持模式): the projector screen of the rotating secretary (轮值书记) running a progress meeting.

Check-in first, then one agenda item at a time in large type (its progress, its history, quick progress entry, a
note and a timer), then a summary to confirm before the meeting is closed. Only the representative of the unit
that chairs the meeting, or the community secretary, gets the controls.
"""

import time

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import clock
from data_access.committee.meetings import (
    claim_history,
    finish_action_item,
    mark_agenda_item,
    meeting_detail,
    meetings,
    open_meeting,
)
from data_access.committee.queries import committee_communities
from data_access.committee.writes import record_progress
from domain.committee.rules import QUANTITY
from domain.errors import DomainError
from ui.committee import meeting as mt
from ui.context import acting_actor, page_context
from ui.format import day, pct
from ui.forms import date_field, field_error, form_message, number_bounds, submit, widget_key
from ui.i18n import error_text, join, lang, md_escape, t
from ui.outage import refusal
from ui.projector import Course, duration_words
from ui.widgets import open_record, text_or_empty

ctx = page_context()
ctx.require("committee.meeting")
cfg = ctx.settings
today = clock.today()

# large type, for this page only: what is big sits in containers keyed chair_big_* / chair_huge_* / chair_clock
st.html("""<style>
[class*="st-key-chair_huge"] [data-testid="stText"], [class*="st-key-chair_huge"] p {
  font-size: 2.6rem; font-weight: 700; line-height: 1.25; font-family: inherit; }
[class*="st-key-chair_big"] [data-testid="stText"], [class*="st-key-chair_big"] p {
  font-size: 1.7rem; line-height: 1.35; font-family: inherit; }
.st-key-chair_screen [data-testid="stMarkdownContainer"] p { font-size: 1.2rem; }
.st-key-chair_screen [data-testid="stMetricValue"] p { font-size: 2.2rem; }
.st-key-chair_screen .st-key-chair_clock [data-testid="stMetricValue"] p { font-size: 2.8rem;
  font-variant-numeric: tabular-nums; }
</style>""")

communities = [(cid, name) for cid, name in committee_communities(ctx.engine, actor=ctx.actor)
               if ctx.can("committee.meeting", cid)]
if not communities:
    st.title(t("page.committee_chair"))
    st.info(t("chair.no_committee"), icon=":material/info:")
    st.stop()
names = dict(communities)
community_id = communities[0][0]
if len(communities) > 1:
    community_id = st.sidebar.selectbox(t("meetings.community"), list(names), format_func=names.get,
                                        key="chair_community")


# --- which meeting: the one this session runs, else one being held, else one due today or earlier -------------

listed = meetings(ctx.engine, actor=ctx.actor, community_id=community_id)  # every year: one held over New Year too
if not listed.empty:
    listed = listed[listed["kind"] == "progress"]
STICKY = "chair_meeting"  # the meeting this session runs; kept after it closes, for its minutes


def candidates() -> list[int]:
    if listed.empty:
        return []
    held = listed[listed["status"] == "open"].sort_values("day", ascending=False)
    due = listed[(listed["status"] == "planned") & (listed["day"] <= today)].sort_values("day", ascending=False)
    return [int(i) for i in [*held["id"], *due["id"]]]


details = {}
sticky = st.session_state.get(STICKY)
if sticky is not None and not listed.empty and sticky in set(listed["id"]):
    details[sticky] = meeting_detail(ctx.engine, actor=ctx.actor, meeting_id=sticky)
else:
    for candidate in candidates():
        details[candidate] = meeting_detail(ctx.engine, actor=ctx.actor, meeting_id=candidate)
    if not any(details.values()) and not listed.empty:
        # nothing to hold: a meeting closed today stays here, with its minutes, for the rest of the day (a reload
        # or a new login loses the session's STICKY)
        closed = listed[(listed["status"] == "closed") & (listed["day"] <= today)].sort_values(
            ["day", "id"], ascending=False)
        for candidate in closed["id"].head(3):
            held = meeting_detail(ctx.engine, actor=ctx.actor, meeting_id=int(candidate))
            if held is not None and held.meeting.closed_at and clock.local(held.meeting.closed_at).date() == today:
                details[int(candidate)] = held
shown = [d for d in details.values() if d is not None]
detail = next((d for d in shown if mt.may_run(ctx, d)), shown[0] if shown else None)

st.title(t("page.committee_chair"))
if detail is None:
    later = listed[(listed["status"] == "planned") & (listed["day"] > today)].sort_values("day") \
        if not listed.empty else listed
    if later.empty:
        st.info(t("chair.no_meeting"), icon=":material/info:")
    else:
        nxt = later.iloc[0]
        st.info(t("chair.later", day=day(nxt["day"]), unit=md_escape(nxt["chair"] or t("common.none"))),
                icon=":material/event:")
    st.stop()

m = detail.meeting
mid = m.id
st.markdown(f"### {md_escape(detail.community)} · {mt.title(m.kind, detail.number)} · {day(m.day)}")
st.caption(f"{t('meetings.chair')}：{md_escape(mt.chair_text(detail))} · {t('meetings.place')}："
           f"{md_escape(m.place or t('common.none'))}")

if not mt.may_run(ctx, detail):
    st.warning(t("chair.not_your_meeting", unit=md_escape(detail.chair or t("common.none")),
                 name=md_escape(detail.chair_representative or t("common.none"))), icon=":material/block:")
    st.stop()

course = Course("chair", mid)
form_message("chair_state")

if m.status == "planned":
    def start(_values: dict):
        opened = open_meeting(ctx.engine, actor=ctx.actor, settings=cfg, meeting_id=mid)
        st.session_state[STICKY] = mid
        course.go("attendance")
        return opened

    with st.container(key="chair_big_1"):
        st.text(t("chair.ready", day=day(m.day)))
    st.button(t("chair.open"), key="chair_open", type="primary", icon=":material/play_arrow:", on_click=submit,
              args=("chair_state", [], start), kwargs={"success": t("meetings.opened")})
    st.stop()

if m.status == "closed":
    st.success(t("chair.closed_done"), icon=":material/verified:")
    present, absent = mt.present_counts(detail)
    st.caption(t("meetings.attendance_summary", present=present, absent=absent))
    mt.outcomes_table(detail)
    c1, c2 = st.columns(2)
    with c1:
        mt.minutes_button(ctx, detail, key="chair_minutes")
    if c2.button(t("chair.leave"), key="chair_leave", icon=":material/logout:"):
        st.session_state.pop(STICKY, None)
        open_record("pages/committee/meetings.py", mid)  # its record; chair mode would show it again today
    st.stop()

# --- the meeting is open ----------------------------------------------------------------------------------------

st.session_state[STICKY] = mid
# the items the meeting goes through one at a time (open action items, claims behind schedule); the others are
# listed beside them, collapsed
agenda = mt.main_agenda(detail.agenda.sort_values("position")).reset_index(drop=True) \
    if not detail.agenda.empty else detail.agenda
present, absent = mt.present_counts(detail)
stage, pos = course.begin(agenda, present > 0)
course.badges(stage, "chair")
go = course.go


def leave_item(step: int, to: str | None = None) -> None:
    """Callback of next / previous / summary: save the time spent on the item and its note, then move."""
    row = agenda.iloc[pos]
    aid = int(row["id"])
    note = (st.session_state.get(f"chair_note_{aid}") or "").strip()
    try:
        if acting_actor() is None:
            st.session_state["chair_move_error"] = t("error.rights_changed")
            return
        mark_agenda_item(ctx.engine, actor=ctx.actor, meeting_id=mid, agenda_item_id=aid,
                         discussed=True if step > 0 or to else None,
                         seconds=int(row["seconds"] or 0) + course.elapsed(aid), note=note)
    except DomainError as err:
        st.session_state["chair_move_error"] = error_text(err)
        return
    except SQLAlchemyError as err:  # the note stays in its box, through an outage too
        st.session_state["chair_move_error"] = refusal(err)
        return
    if to:
        course.go(to)
    else:
        course.move(pos, step, len(agenda))


if "chair_move_error" in st.session_state:
    st.error(st.session_state.pop("chair_move_error"), icon=":material/error:")

# --- 1. check-in ------------------------------------------------------------------------------------------------

if stage == "attendance":
    st.subheader(t("chair.attendance_title"))
    st.caption(t("chair.attendance_hint"))
    mt.attendance_form(ctx, detail, "chair_attendance", then=lambda: go("agenda"))
    if present:
        st.button(t("chair.to_agenda"), key="chair_to_agenda", icon=":material/arrow_forward:",
                  on_click=go, args=("agenda",))
    st.stop()

# --- 2. one agenda item at a time -------------------------------------------------------------------------------

if stage == "agenda":
    if agenda.empty:
        st.info(t("chair.agenda_empty") if detail.agenda.empty else t("meetings.agenda_nothing_behind"),
                icon=":material/info:")
        mt.other_items(detail, key="chair_agenda")
        st.button(t("chair.to_summary"), key="chair_to_summary", on_click=go, args=("summary",))
        st.stop()
    row = agenda.iloc[pos]
    aid = int(row["id"])
    started = course.show(aid)
    is_claim = pd.notna(row["claim_id"]) and bool(row["claim_id"])
    with st.container(key="chair_screen"):
        top = st.columns([3, 1], vertical_alignment="center")
        top[0].markdown(f"{mt.section_badge(row['section'])} &nbsp; "
                        f"{t('chair.position', n=pos + 1, total=len(agenda))}")
        with top[1], st.container(key="chair_clock"):
            before = int(row["seconds"] or 0)

            @st.fragment(run_every=1)
            def clock_face() -> None:
                spent = max(0, int(time.time() - started))
                st.metric(t("chair.timer"), f"{spent // 60:02d}:{spent % 60:02d}",
                          help=t("chair.timer_help", spent=duration_words(before, lang())))

            clock_face()
        if is_claim:
            with st.container(key="chair_big_2"):
                st.text(f"{row['unit']} · {row['project']}")
            with st.container(key="chair_huge_3"):
                st.text(row["item"])
            unit_label = text_or_empty(row["unit_label"])
            done, pledge = float(row["done"] or 0), float(row["pledge"] or 0)
            share = float(row["share"]) if pd.notna(row["share"]) else (done / pledge if pledge else 0.0)
            with st.container(key="chair_big_4"):
                st.text(t("chair.figures", done=mt.fmt_qty(done), pledge=mt.fmt_qty(pledge), unit=unit_label,
                          share=pct(share)))
            st.progress(min(max(share, 0.0), 1.0))
            last = row["last_update_on"]
            st.caption(t("chair.last_update", day=day(last) if pd.notna(last) and last else t("common.none")))
        else:
            with st.container(key="chair_big_5"):
                st.text(t("chair.carried_from"))
            with st.container(key="chair_huge_6"):
                st.text(text_or_empty(row["text"]))
            due = row["due"]
            overdue = pd.notna(due) and due is not None and due < today
            with st.container(key="chair_big_7"):
                st.text(t("chair.owner_due", owner=row["owner"] or t("common.none"),
                          due=day(due) if pd.notna(due) and due else t("common.none")))
            if row["finished"]:
                st.markdown(f":green-badge[:material/check: {t('meetings.col_done_flag')}]")
            elif overdue:
                st.markdown(f":red-badge[{t('chair.overdue')}]")

    left, right = st.columns([3, 2])
    with left:
        if is_claim:
            st.markdown(f"##### {t('chair.history')}")
            history = claim_history(ctx.engine, actor=ctx.actor, claim_id=int(row["claim_id"]))
            if history.empty:
                st.caption(t("chair.history_none"))
            else:
                st.dataframe(history.assign(in_meeting=history["meeting_id"].notna())[
                    ["on", "done", "note", "by", "in_meeting"]], hide_index=True, column_config={
                    "on": st.column_config.DateColumn(t("meetings.col_on"), format="YYYY-MM-DD"),
                    "done": st.column_config.NumberColumn(t("meetings.col_done"), format="%g"),
                    "note": t("meetings.col_note"), "by": t("chair.col_by"),
                    "in_meeting": st.column_config.CheckboxColumn(t("chair.col_in_meeting"))})
        st.text_area(t("chair.note"), value=text_or_empty(row["note"]), key=f"chair_note_{aid}", height=90,
                     help=t("chair.note_help"))
    with right:
        if is_claim:
            form = f"chair_progress_{aid}"
            with st.container(border=True):
                st.markdown(f"##### {t('chair.progress_title')}")
                form_message(form)
                st.number_input(t("chair.done", unit=md_escape(unit_label)), value=done, step=1.0, format="%g",
                                **number_bounds(QUANTITY, done), key=widget_key(form, "done"),
                                help=t("chair.done_help", pledge=mt.fmt_qty(pledge)))
                field_error(form, "done")
                date_field(t("meetings.col_on"), value=today, key=widget_key(form, "on"))
                field_error(form, "on")
                st.text_input(t("meetings.col_note"), key=widget_key(form, "note"))
                field_error(form, "note")
                claim_id = int(row["claim_id"])

                def save_progress(values: dict):
                    data = {"on": values["on"], "done": values["done"], "note": (values.get("note") or "").strip()}
                    return record_progress(ctx.engine, actor=ctx.actor, settings=cfg, claim_id=claim_id, data=data,
                                           meeting_id=mid)

                st.button(t("chair.progress_save"), key=f"{form}_save", type="primary", icon=":material/save:",
                          on_click=submit, args=(form, ["done", "on", "note"], save_progress),
                          kwargs={"success": lambda p: t("chair.progress_saved", done=mt.fmt_qty(p.done))})
        elif row["action_item_id"] and not row["finished"]:
            form_message("chair_finish")

            def finish(_values: dict):
                return finish_action_item(ctx.engine, actor=ctx.actor, action_item_id=int(row["action_item_id"]),
                                          meeting_id=mid)

            st.button(t("chair.finish"), key="chair_finish", icon=":material/check:", on_click=submit,
                      args=("chair_finish", [], finish), kwargs={"success": t("meetings.finished")})

    nav = st.columns([1, 1, 1, 2])
    nav[0].button(t("chair.prev"), key="chair_prev", icon=":material/arrow_back:", disabled=pos == 0,
                  on_click=leave_item, args=(-1,), shortcut="PageUp", width="stretch")
    last_item = pos >= len(agenda) - 1
    nav[1].button(t("chair.next") if not last_item else t("chair.next_last"), key="chair_next", type="primary",
                  icon=":material/arrow_forward:", on_click=leave_item,
                  args=(1, "summary" if last_item else None), shortcut="PageDown", width="stretch")
    nav[2].button(t("chair.to_summary"), key="chair_to_summary", icon=":material/summarize:", on_click=leave_item,
                  args=(0, "summary"), width="stretch")
    nav[3].button(t("chair.to_attendance"), key="chair_to_attendance", icon=":material/how_to_reg:",
                  on_click=go, args=("attendance",))
    mt.other_items(detail, key="chair_agenda")
    st.stop()

# --- 3. the summary to confirm, and closing -----------------------------------------------------------------------

st.subheader(t("chair.summary_title"))
discussed = int(agenda["discussed"].fillna(False).astype(bool).sum()) if not agenda.empty else 0
outcomes = detail.outcomes
decisions = int((outcomes["kind"] == "decision").sum()) if not outcomes.empty else 0
actions = int((outcomes["kind"] == "action").sum()) if not outcomes.empty else 0
with st.container(key="chair_screen"):
    cols = st.columns(5)
    cols[0].metric(t("chair.sum_present"), f"{present} / {present + absent}")
    cols[1].metric(t("chair.sum_discussed"), f"{discussed} / {len(agenda)}")
    cols[2].metric(t("chair.sum_progress"), len(detail.progress))
    cols[3].metric(t("chair.sum_decisions"), decisions)
    cols[4].metric(t("chair.sum_actions"), actions)
if absent:
    att = detail.attendance
    missing = att[~att["present"].fillna(False).astype(bool)]["unit"]
    st.caption(t("chair.absent_units", units=join(md_escape(u) for u in missing)))
st.markdown(f"##### {t('meetings.progress_title')}")
mt.progress_table(detail)
st.markdown(f"##### {t('meetings.tab_outcomes')}")
mt.outcomes_table(detail)
with st.expander(t("meetings.outcome_title"), expanded=outcomes.empty, icon=":material/add_task:"):
    mt.outcome_form(ctx, detail, "chair_outcome")
nav = st.columns(2)
nav[0].button(t("chair.back"), key="chair_back", icon=":material/arrow_back:", on_click=go, args=("agenda",))
nav[1].button(t("chair.to_attendance"), key="chair_summary_attendance", icon=":material/how_to_reg:",
              on_click=go, args=("attendance",))
with st.container(border=True):
    st.markdown(f"##### {t('meetings.close_title')}")
    mt.close_form(ctx, detail, "chair_close", key="chair_close", then=lambda: go("closed"))
