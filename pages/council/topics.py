"""Topics (议题): a community's topics by stage, council and words; one topic's chain opinions -> topic ->
discussion -> decision -> notice -> follow-up -> review as a timeline with the meeting of each step; raising a
topic (from an opinion meeting, a 365 matter or a member) and withdrawing one before it is decided."""

import pandas as pd
import streamlit as st

from data_access import clock
from data_access.council.writes import save_topic, withdraw_topic
from domain.council.rules import TOPIC_SOURCES, TOPIC_STAGES
from ui import cached, widgets
from ui.context import page_context
from ui.council import records as cr
from ui.council.common import community_picker
from ui.forms import date_field, errors_key, field_error, form_message, search_box, submit, widget_key
from ui.i18n import md_escape, t

RAISE = "topic_new"
RAISE_FIELDS = ["council_id", "source", "opinion_meeting_id", "opinions", "matter_number", "member_id", "title",
                "detail", "raised_on"]
SELECTED = "ctopics_selected"
COUNCIL = "ctopics_council"
STAGE = "ctopics_stage"
SEARCH = "ctopics_search"

ctx = page_context()
ctx.require("council.read")
today = clock.today()
size = ctx.settings.page_size
st.title(t("page.council_topics"))
st.caption(t("council_page.tp_intro"))

asked = widgets.record_from_address(SELECTED)  # a topic's link, a bookmark or a reload: open that topic
if asked is not None:
    linked = cached.read(ctx.engine, "council_topic_timeline", actor=ctx.actor, topic_id=asked)
    if linked is None:
        st.warning(t("council_page.topic_not_found"), icon=":material/search_off:")
    else:
        st.session_state[SELECTED] = asked
        st.session_state["ctopics_community"] = linked.topic.community_id
community = community_picker(ctx, "ctopics_community")
manage = ctx.can("council.manage", community)
recorder = ctx.can("council.record", community)
kinds = cr.meeting_kinds(ctx)
councils = cached.read(ctx.engine, "council_councils", actor=ctx.actor, community_id=community)
if councils.empty:
    st.info(t("council_ui.no_councils"), icon=":material/info:")
    st.stop()
council_names = {int(i): str(n) for i, n in zip(councils["id"], councils["name"], strict=True)}
active_councils = {int(i): str(n) for i, n, a in zip(councils["id"], councils["name"], councils["active"],
                                                     strict=True) if a}


def key(field: str) -> str:
    return widget_key(RAISE, field)


def has_errors(form: str) -> bool:
    return bool(st.session_state.get(errors_key(form)))


def opinion_meetings(council_id: int | None, *, open_only: bool) -> dict[int, tuple[str, str]]:
    """The council's opinion meetings a topic may come from, held or being held (only those being held, for a
    recorder): id -> (label, status)."""
    if council_id is None:
        return {}
    rows, _ = cached.read(ctx.engine, "council_meetings", actor=ctx.actor, community_ids=(community,),
                          council_id=council_id, kind="opinion", status="open" if open_only else None, limit=50)
    return {int(r.id): (t("council_page.meeting_option", day=widgets.day_or_none(r.day),
                          place=r.place if widgets.known(r.place) and r.place else t("common.none"),
                          status=cr.code_label("meeting", r.status)), str(r.status))
            for r in rows.itertuples() if r.status != "planned"}


def active_members(council_id: int | None) -> dict[int, str]:
    if council_id is None:
        return {}
    rows = cached.read(ctx.engine, "council_members", actor=ctx.actor, council_id=council_id, active_only=True)
    return {int(i): str(n) for i, n in zip(rows["id"], rows["name"], strict=True)}


def raise_topic(values: dict):
    """Only the fields of the chosen source go to the write (the others may hold what was typed before)."""
    widgets.require_chosen(values, "council_id", "source")
    source = values["source"]
    data = {k: values.get(k) for k in ("council_id", "source", "title", "detail", "raised_on")}
    if source == "opinion":
        data |= {"opinion_meeting_id": values.get("opinion_meeting_id"), "opinions": values.get("opinions")}
    elif source == "matter":
        data["matter_number"] = values.get("matter_number")
    else:
        data["member_id"] = values.get("member_id")
    return save_topic(ctx.engine, actor=ctx.actor, data=data)


# --- raising a topic ---------------------------------------------------------------------------------------------

if manage or recorder:
    sources = list(TOPIC_SOURCES) if manage else ["opinion"]
    with st.expander(t("council_page.topic_new"), expanded=has_errors(RAISE), icon=":material/add_comment:"):
        if not manage:
            st.caption(t("council_page.recorder_topic_note"))
        form_message(RAISE)
        c1, c2 = st.columns(2)
        with c1:
            options = list(active_councils)
            st.selectbox(t("council_ui.council"), options, format_func=active_councils.get, key=key("council_id"),
                         index=0 if len(options) == 1 else None, placeholder=t("common.choose"))
            field_error(RAISE, "council_id")
        with c2:
            source_names = {s: cr.code_label("source", s) for s in sources}  # a fixed mapping: see code_labels
            st.radio(t("council_page.source"), sources, key=key("source"), horizontal=True,
                     format_func=source_names.get, index=0)
            field_error(RAISE, "source")
        chosen_council = st.session_state.get(key("council_id"))
        source = st.session_state.get(key("source")) or sources[0]
        if source == "opinion":
            meetings = opinion_meetings(chosen_council, open_only=not manage)
            o1, o2 = st.columns([1, 2])
            with o1:
                st.selectbox(t("council_page.opinion_meeting"), list(meetings), format_func=lambda m: meetings[m][0],
                             key=key("opinion_meeting_id"), index=None, placeholder=t("common.choose"),
                             disabled=not meetings, help=t("council_page.opinion_meeting_help"))
                if chosen_council is not None and not meetings:
                    st.caption(t("council_page.no_opinion_meetings") if manage
                               else t("council_page.no_open_opinion_meeting"))
                field_error(RAISE, "opinion_meeting_id")
            with o2:
                picked = meetings.get(st.session_state.get(key("opinion_meeting_id")))
                if picked is not None and picked[1] == "open":  # noted on the agenda of the meeting being held
                    st.text_area(t("council_page.opinions"), key=key("opinions"), height=90,
                                 placeholder=t("council_page.opinions_placeholder"))
                    field_error(RAISE, "opinions")
                elif picked is not None:
                    st.caption(t("council_page.opinions_closed"))
        elif source == "matter":
            st.text_input(t("council_page.matter_number"), key=key("matter_number"),
                          placeholder=t("council_page.matter_number_placeholder"))
            field_error(RAISE, "matter_number")
        else:
            people = active_members(chosen_council)
            st.selectbox(t("council_page.raised_by"), list(people), format_func=people.get, key=key("member_id"),
                         index=None, placeholder=t("common.choose"), disabled=not people)
            field_error(RAISE, "member_id")
        t1, t2 = st.columns([3, 1])
        with t1:
            st.text_input(t("council_page.topic_title"), key=key("title"),
                          placeholder=t("council_page.topic_title_placeholder"))
            field_error(RAISE, "title")
        with t2:
            date_field(t("council_page.raised_on"), value=today, key=key("raised_on"))
            field_error(RAISE, "raised_on")
        st.text_area(t("council_page.topic_detail"), key=key("detail"), height=80)
        field_error(RAISE, "detail")
        st.button(t("council_page.topic_create"), key="topic_new_save", type="primary", icon=":material/add:",
                  on_click=submit, args=(RAISE, RAISE_FIELDS, raise_topic),
                  kwargs={"success": lambda topic: t("council_page.topic_created", title=md_escape(topic.title))})
else:
    st.caption(t("common.read_only"))

# --- the list ----------------------------------------------------------------------------------------------------

f1, f2, f3 = st.columns([2, 1, 2])
with f1:
    council_id = widgets.filter_box(t("council_ui.council"), council_names, COUNCIL, t("common.all"))
with f2:
    stages = {i + 1: cr.code_label("stage", s) for i, s in enumerate(TOPIC_STAGES)}
    stage_pick = widgets.filter_box(t("council_page.stage"), stages, STAGE, t("common.all"))
    stage = None if stage_pick is None else TOPIC_STAGES[stage_pick - 1]
with f3:
    search = search_box(t("council_page.search"), SEARCH, limit=60,
                        placeholder=t("council_page.topic_search_placeholder"))
widgets.forget_on_new_search(SELECTED, community, council_id, stage, search)
page_key = f"ctopics_page_{council_id}_{stage}_{search}"
topics, total = cached.read(ctx.engine, "council_topics", actor=ctx.actor, community_id=community,
                            council_id=council_id, stage=stage, search=search,
                            offset=widgets.page_offset(page_key, size), limit=size)
if total == 0:
    if stage is None and search is None:
        st.info(t("council_page.no_topics") if manage else t("council_page.no_topics_read"), icon=":material/info:")
    else:
        st.info(t("council_page.no_topics_filtered"), icon=":material/info:")
else:
    widgets.pager(total, size, page_key, len(topics))
    topic_ids = [int(i) for i in topics["id"]]

    def origin(source: object, number: object, member: object) -> str:
        if source == "matter" and widgets.known(number):
            return t("council_page.follow_matter", number=number)
        if source == "member" and widgets.known(member):
            return str(member)
        return ""

    view = pd.DataFrame({
        "title": topics["title"], "council": topics["council"],
        "source": [cr.code_label("source", s) for s in topics["source"]],
        "origin": [origin(s, n, m) for s, n, m in zip(topics["source"], topics["matter_number"], topics["member"],
                                                      strict=True)],
        "stage": [cr.code_label("stage", s) for s in topics["stage"]],
        "raised_on": [widgets.day_or_none(v) for v in topics["raised_on"]],
        "meetings": topics["meetings"].fillna(0).astype(int),
        "last_meeting_day": [widgets.day_or_none(v) for v in topics["last_meeting_day"]],
        "decision": [cr.code_label("decision", s) if widgets.known(s) else "" for s in topics["decision_status"]],
        "due": [widgets.day_or_none(v) for v in topics["due"]]})
    shown = [c for c in view.columns if council_id is None or c != "council"]

    def on_topic_select() -> None:
        rows = st.session_state["ctopics_table"].selection.rows
        if rows and rows[0] < len(topic_ids):
            st.session_state[SELECTED] = topic_ids[rows[0]]

    config = {c: st.column_config.TextColumn(t(f"council_page.col_{c}")) for c in shown}
    config["title"] = st.column_config.TextColumn(t("council_page.topic_title"), width="medium")
    config["meetings"] = st.column_config.NumberColumn(t("council_page.col_meetings"), format="%d")
    st.caption(t("council_page.topic_select_hint"))
    st.dataframe(view[shown], hide_index=True, width="stretch", key="ctopics_table", column_config=config,
                 on_select=on_topic_select, selection_mode="single-row")

# --- one topic: its chain ----------------------------------------------------------------------------------------

selected = st.session_state.get(SELECTED)
timeline = cached.read(ctx.engine, "council_topic_timeline", actor=ctx.actor, topic_id=selected) \
    if selected else None
if selected and timeline is None:
    st.session_state.pop(SELECTED, None)
panel_open = timeline is not None and timeline.topic.community_id == community
widgets.show_in_address(SELECTED, selected if panel_open else None)
if panel_open:
    topic = timeline.topic
    with st.container(border=True, key="ctopics_panel"):
        h1, h2 = st.columns([6, 1])
        with h1:
            st.subheader(md_escape(topic.title))
        with h2:
            if st.button(t("council_page.close"), key="ctopics_close", icon=":material/close:"):
                st.session_state.pop(SELECTED, None)
                st.rerun()
        facts = [timeline.council, cr.code_label("source", topic.source),
                 t("council_page.raised_on_value", day=widgets.day_or_none(topic.raised_on)),
                 t("council_page.stage_value", stage=cr.code_label("stage", topic.stage))]
        st.caption(" · ".join(md_escape(f) for f in facts))
        if topic.detail:
            st.text(topic.detail)
        if topic.stage == "withdrawn":
            withdrawn = t("council_page.topic_withdrawn_on", day=widgets.day_or_none(topic.withdrawn_on),
                          reason=md_escape(topic.withdraw_reason)) if topic.withdraw_reason else \
                t("council_page.topic_withdrawn")
            st.warning(withdrawn, icon=":material/block:")
        source_text = ""
        if topic.source == "matter":
            source_text = t("council_page.source_matter_text", number=timeline.matter_number or t("common.none"))
        elif topic.source == "member":
            source_text = t("council_page.source_member_text", name=timeline.member or t("common.none"))
        entries = cr.timeline_entries(timeline.steps, kinds=kinds, source=topic.source, source_text=source_text,
                                      raised_on=topic.raised_on)
        st.markdown(f"**{t('council_page.timeline')}**")
        st.html(cr.timeline_html(entries))
        if manage and topic.stage in cr.OPEN_STAGES:
            form = f"topic_withdraw_{topic.id}"
            with st.expander(t("council_page.withdraw"), expanded=has_errors(form), icon=":material/undo:"):
                st.text_area(t("council_page.withdraw_reason"), key=widget_key(form, "reason"),
                             height=70)
                field_error(form, "reason")
                topic_id = topic.id
                st.button(t("council_page.withdraw_save"), key=f"{form}_save", icon=":material/undo:",
                          on_click=submit, args=(form, ["reason"], lambda v: withdraw_topic(
                              ctx.engine, actor=ctx.actor, topic_id=topic_id, reason=v["reason"] or "")),
                          kwargs={"success": t("council_page.withdrawn")})
        form_message(f"topic_withdraw_{topic.id}")
