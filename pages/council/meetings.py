"""Council meetings (议事会议): the searchable meeting records of the councils (by community, council, meeting kind,
status, dates and words said), a meeting's full record (kind, time, place, chair, recorder, observers, attendance
with the quorum in words, the agenda with its minutes, decisions with their vote and named ballots, reviews with
their ratings and outcome), the minutes and the public notice in Word, and the planning form of the secretary.

Everyone with council.read reads; council.manage plans meetings and changes a planned one; meetings are run on the
live screen (会议主持) by those with council.record.
"""

from datetime import timedelta

import pandas as pd
import streamlit as st

from data_access import clock
from data_access.council.meetings import due_for_review, plan_meeting
from data_access.council.queries import meeting_detail
from domain.council.rules import MEETING_STATUSES
from ui import cached
from ui.context import page_context
from ui.council import common as cu
from ui.council import meeting as cm
from ui.format import day
from ui.forms import date_field, field_error, form_message, search_box, submit, widget_key
from ui.i18n import md_escape, t
from ui.widgets import (
    day_or_none,
    filter_box,
    known,
    page_offset,
    pager,
    record_from_address,
    require_chosen,
    show_in_address,
)

P = "council_meeting_page"
CLOSED_TOPIC_STAGES = ("withdrawn", "reviewed")  # topics that can no longer be put on an agenda
PAGE_SIZE = 20  # meetings per page of the records
PLAN_FIELDS = ["council_id", "kind", "day", "start_time", "place", "chair_id", "recorder", "observers", "topic_ids",
               "decision_ids"]

ctx = page_context()
ctx.require("council.read")
cfg = ctx.settings
today = clock.today()
st.title(t("page.council_meetings"))
st.caption(t(f"{P}.intro"))

known_communities = cu.communities(ctx)
asked = record_from_address("council_meetings_pick")  # a meeting's link, a bookmark or a reload: open that meeting
if asked is not None:
    linked = meeting_detail(ctx.engine, actor=ctx.actor, meeting_id=asked)
    if linked is None:
        st.warning(t(f"{P}.not_found"), icon=":material/search_off:")
    else:
        st.session_state["council_meetings_community"] = linked.meeting.community_id
        st.session_state["council_meetings_show"] = linked.meeting.id
community_id = cu.community_picker(ctx, "council_meetings_community", allow_all=True)
managed = [cid for cid in known_communities if ctx.can("council.manage", cid)]
plan_community = community_id if community_id is not None else (managed[0] if len(managed) == 1 else None)
manages = plan_community is not None and plan_community in managed


def active_councils(cid: int) -> dict[int, str]:
    df = cached.read(ctx.engine, "council_councils", actor=ctx.actor, community_id=cid)
    if df.empty:
        return {}
    df = df[df["active"].astype(bool)]
    return dict(zip(df["id"].astype(int), df["name"], strict=True))


def seed(key: str, value) -> None:
    """A widget's starting value, set before it is drawn (not as its default: a save may change it)."""
    st.session_state.setdefault(key, value)


def text_or_none(value) -> str | None:
    return (value or "").strip() or None


# --- planning (council.manage) ---------------------------------------------------------------------------------------


def plan_form(form: str, cid: int, *, meeting=None, agenda: pd.DataFrame | None = None) -> None:
    """Plan a meeting, or change a planned one (`meeting`, with its `agenda`): council, kind, day, start time, place,
    chair, recorder, observers and the agenda (topics; for a review meeting the decisions due)."""
    form_message(form)
    councils = active_councils(cid)
    if meeting is not None and meeting.council_id not in councils:
        councils[meeting.council_id] = t(f"{P}.council_inactive")
    if not councils:
        st.info(t("council_ui.no_councils"), icon=":material/info:")
        return
    kinds = cm.meeting_kinds(ctx)
    key = lambda field: widget_key(form, field)  # noqa: E731
    seed(key("council_id"), meeting.council_id if meeting else next(iter(councils)))
    if st.session_state.get(key("council_id")) not in councils:
        st.session_state[key("council_id")] = next(iter(councils))
    seed(key("kind"), meeting.kind if meeting else "decision" if "decision" in kinds else next(iter(kinds)))
    c1, c2 = st.columns(2)
    with c1:
        council_id = st.selectbox(t(f"{P}.council"), list(councils), format_func=councils.get, key=key("council_id"))
        field_error(form, "council_id")
        kind = st.selectbox(t(f"{P}.kind"), list(kinds), format_func=kinds.get, key=key("kind"))
        field_error(form, "kind")
        held = date_field(t(f"{P}.day"), value=meeting.day if meeting else today, key=key("day"))
        field_error(form, "day")
        st.time_input(t(f"{P}.start_time"), value=meeting.start_time if meeting else None, key=key("start_time"),
                      step=timedelta(minutes=15))
        field_error(form, "start_time")
        st.text_input(t(f"{P}.place"), value=(meeting.place or "") if meeting else "",
                      key=key("place"))
        field_error(form, "place")
    members = cached.read(ctx.engine, "council_members", actor=ctx.actor, council_id=council_id, active_only=True)
    chairs = {int(i): t(f"{P}.member_seat", name=n, seat=cm.seat_label(ctx, s))
              for i, n, s in zip(members["id"], members["name"], members["seat"], strict=True)} \
        if not members.empty else {}
    if meeting is not None and meeting.chair_id:
        seed(key("chair_id"), meeting.chair_id)
    elif not members.empty and members["convener"].astype(bool).any():
        seed(key("chair_id"), int(members[members["convener"].astype(bool)]["id"].iloc[0]))
    if st.session_state.get(key("chair_id")) not in chairs:
        st.session_state.pop(key("chair_id"), None)
    with c2:
        st.selectbox(t(f"{P}.chair"), list(chairs), format_func=chairs.get, key=key("chair_id"), index=None,
                     placeholder=t("common.choose") if chairs else t(f"{P}.no_members"), help=t(f"{P}.chair_help"))
        field_error(form, "chair_id")
        st.text_input(t(f"{P}.recorder"), value=(meeting.recorder or "") if meeting else "",
                      key=key("recorder"), help=t(f"{P}.recorder_help"))
        field_error(form, "recorder")
        st.text_input(t(f"{P}.observers"), value=(meeting.observers or "") if meeting else "",
                      key=key("observers"), help=t(f"{P}.observers_help"))
        field_error(form, "observers")
    planned_agenda = agenda if agenda is not None and not agenda.empty else pd.DataFrame(
        columns=["position", "topic_id", "topic", "decision_id", "decision_text"])
    planned_agenda = planned_agenda.sort_values("position")
    if kind == cm.REVIEW_KIND:
        due = due_for_review(ctx.engine, actor=ctx.actor, council_id=council_id, day=held or today)
        options = {int(i): t(f"{P}.decision_due", text=x, owner=o if known(o) and o else t("common.none"),
                             due=day_or_none(d))
                   for i, x, o, d in zip(due["id"], due["text"], due["owner"], due["due"], strict=True)} \
            if not due.empty else {}
        on_agenda = [int(i) for i in planned_agenda["decision_id"] if known(i)]
        for i, x in zip(planned_agenda["decision_id"], planned_agenda["decision_text"], strict=True):
            if known(i):
                options.setdefault(int(i), str(x))
        field = key("decision_ids")
        seed(field, on_agenda)
        st.session_state[field] = [i for i in st.session_state[field] if i in options]
        st.multiselect(t(f"{P}.decisions_due"), list(options), format_func=options.get, key=field,
                       placeholder=t(f"{P}.decisions_pick") if options else t(f"{P}.decisions_none_due"),
                       help=t(f"{P}.decisions_due_help"))
        field_error(form, "decision_ids")
    else:
        topics, _total = cached.read(ctx.engine, "council_topics", actor=ctx.actor, community_id=cid,
                                     council_id=council_id, offset=0, limit=500)
        open_topics = topics[~topics["stage"].isin(CLOSED_TOPIC_STAGES)] if not topics.empty else topics
        options = {int(i): t(f"{P}.topic_stage", title=x, stage=cm.code_label("stage", s))
                   for i, x, s in zip(open_topics["id"], open_topics["title"], open_topics["stage"], strict=True)} \
            if not open_topics.empty else {}
        on_agenda = [int(i) for i in planned_agenda["topic_id"] if known(i)]
        for i, x in zip(planned_agenda["topic_id"], planned_agenda["topic"], strict=True):
            if known(i):
                options.setdefault(int(i), str(x))
        field = key("topic_ids")
        seed(field, on_agenda)
        st.session_state[field] = [i for i in st.session_state[field] if i in options]
        st.multiselect(t(f"{P}.topics"), list(options), format_func=options.get, key=field,
                       placeholder=t(f"{P}.topics_pick") if options else t(f"{P}.topics_none"),
                       help=t(f"{P}.topics_help"))
        field_error(form, "topic_ids")
    meeting_id = meeting.id if meeting is not None else None

    def save(values: dict):
        require_chosen(values, "council_id", "kind", "day")
        review = values["kind"] == cm.REVIEW_KIND
        data = {"council_id": values["council_id"], "kind": values["kind"], "day": values["day"],
                "start_time": values.get("start_time"), "place": text_or_none(values.get("place")),
                "chair_id": values.get("chair_id"), "recorder": text_or_none(values.get("recorder")),
                "observers": text_or_none(values.get("observers")),
                "topic_ids": [] if review else list(values.get("topic_ids") or []),
                "decision_ids": list(values.get("decision_ids") or []) if review else []}
        saved = plan_meeting(ctx.engine, actor=ctx.actor, settings=cfg, data=data, meeting_id=meeting_id)
        st.session_state["council_meetings_show"] = saved.id
        return saved

    st.button(t(f"{P}.plan_save") if meeting_id is None else t(f"{P}.replan_save"), key=f"{form}_save",
              type="primary", icon=":material/event:", on_click=submit, args=(form, PLAN_FIELDS, save),
              kwargs={"success": lambda m: t(f"{P}.planned", day=day(m.day))})


if manages:
    with st.expander(t(f"{P}.plan_title"), icon=":material/edit_calendar:",
                     expanded=bool(st.session_state.get("council_plan__errors"))):
        plan_form("council_plan", plan_community)
elif managed and community_id is None:
    st.caption(t(f"{P}.plan_choose_community"))


# --- the records: filters, the list and its pager ---------------------------------------------------------------------

st.subheader(t(f"{P}.list_title"))
filters = st.columns([2, 2, 2, 2, 2])
council_id = None
if community_id is not None:
    councils_all = cached.read(ctx.engine, "council_councils", actor=ctx.actor, community_id=community_id)
    if councils_all.empty:
        st.info(t("council_ui.no_councils"), icon=":material/info:")
        st.stop()
    names = dict(zip(councils_all["id"].astype(int), councils_all["name"], strict=True))
    with filters[0]:
        council_id = filter_box(t(f"{P}.council"), names, "council_meetings_council", t(f"{P}.all_councils"))
with filters[1]:
    kind = filter_box(t(f"{P}.kind"), cm.meeting_kinds(ctx), "council_meetings_kind", t(f"{P}.all_kinds"))
with filters[2]:
    status = filter_box(t(f"{P}.status"), {s: cm.code_label("meeting", s) for s in MEETING_STATUSES},
                        "council_meetings_status", t(f"{P}.all_statuses"))
with filters[3]:
    date_from = date_field(t(f"{P}.date_from"), value=None, key="council_meetings_from")
with filters[4]:
    date_to = date_field(t(f"{P}.date_to"), value=None, key="council_meetings_to")
search = search_box(t(f"{P}.search"), "council_meetings_search", limit=100, placeholder=t(f"{P}.search_hint"))
filtered = any(v for v in (council_id, kind, status, date_from, date_to, search))

size = PAGE_SIZE
community_ids = (community_id,) if community_id is not None else None  # None: every community the actor reads
listed, total = cached.read(ctx.engine, "council_meetings", actor=ctx.actor, community_ids=community_ids,
                            council_id=council_id, kind=kind, status=status, search=search or None,
                            date_from=date_from, date_to=date_to, offset=page_offset("council_meetings_page", size),
                            limit=size)
# the meeting just planned stays shown, even off the list, until the filters or the page change
shown_for = (community_id, council_id, kind, status, date_from, date_to, search, total)
wanted = st.session_state.pop("council_meetings_show", None)
if wanted is not None:
    st.session_state["council_meetings_keep"] = (wanted, shown_for)
kept = st.session_state.get("council_meetings_keep")
if kept is not None and (kept[1] != shown_for or st.session_state.get("council_meetings_pick") != kept[0]) \
        and wanted is None:
    st.session_state.pop("council_meetings_keep", None)
    kept = None
if listed.empty and kept is None:
    if filtered:
        st.info(t(f"{P}.list_empty_filtered"), icon=":material/filter_alt_off:")
    else:
        st.info(t(f"{P}.list_empty_manage") if manages else t(f"{P}.list_empty"), icon=":material/info:")
    pager(total, size, "council_meetings_page", 0)
    st.stop()

if not listed.empty:
    kinds = cm.meeting_kinds(ctx)
    view = pd.DataFrame({
        "day": listed["day"], "time": [cm.clock_time(v) for v in listed["start_time"]],
        "community": listed["community"], "council": listed["council"],
        "kind": [kinds.get(k, t("council.kind_unknown")) for k in listed["kind"]],
        "place": listed["place"].fillna(""), "chair": listed["chair"].fillna(""),
        "status": [cm.code_label("meeting", s) for s in listed["status"]],
        "attendance": [f"{int(p)} / {int(e)}" if int(e or 0) else t("common.none")
                       for p, e in zip(listed["present"].fillna(0), listed["expected"].fillna(0), strict=True)],
        "topics": listed["topics"], "decisions": listed["decisions"]})
    shown_columns = [c for c in view.columns if c != "community" or community_id is None]
    row_ids = [int(i) for i in listed["id"]]

    def open_row() -> None:
        """A row clicked in the list opens its meeting below."""
        rows = st.session_state["council_meetings_table"].selection.rows
        if rows and rows[0] < len(row_ids):
            st.session_state["council_meetings_pick"] = row_ids[rows[0]]

    st.caption(t(f"{P}.list_hint"))
    st.dataframe(view[shown_columns], hide_index=True, key="council_meetings_table", width="stretch",
                 on_select=open_row, selection_mode="single-row", column_config={
        "day": st.column_config.DateColumn(t(f"{P}.day"), format="YYYY-MM-DD"), "time": t(f"{P}.start_time"),
        "community": t("council_ui.community"), "council": t(f"{P}.council"), "kind": t(f"{P}.kind"),
        "place": t(f"{P}.place"), "chair": t(f"{P}.chair"), "status": t(f"{P}.status"),
        "attendance": t(f"{P}.col_attendance"),
        "topics": st.column_config.NumberColumn(t(f"{P}.col_topics"), format="%d"),
        "decisions": st.column_config.NumberColumn(t(f"{P}.col_decisions"), format="%d")})
else:
    st.info(t(f"{P}.list_empty_filtered") if filtered else t(f"{P}.list_empty"), icon=":material/info:")
pager(total, size, "council_meetings_page", len(listed))


# --- one meeting's record ------------------------------------------------------------------------------------------

labels = {int(r.id): t(f"{P}.pick_label", day=day(r.day), council=r.council,
                       kind=cm.meeting_kinds(ctx).get(r.kind, t("council.kind_unknown")),
                       status=cm.code_label("meeting", r.status)) for r in listed.itertuples(index=False)}
ids = list(labels)
if wanted is not None:
    st.session_state["council_meetings_pick"] = wanted
picked = st.session_state.get("council_meetings_pick")
if kept is not None and picked == kept[0] and picked not in labels:
    extra = meeting_detail(ctx.engine, actor=ctx.actor, meeting_id=picked)
    if extra is not None:
        labels[picked] = t(f"{P}.pick_label", day=day(extra.meeting.day), council=extra.council.name,
                           kind=cm.meeting_kind(ctx, extra.meeting.kind),
                           status=cm.code_label("meeting", extra.meeting.status))
        ids = [picked, *ids]
if not ids:
    st.stop()
if st.session_state.get("council_meetings_pick") not in ids:
    st.session_state["council_meetings_pick"] = ids[0]
meeting_id = st.selectbox(t(f"{P}.pick"), ids, format_func=labels.get, key="council_meetings_pick")
show_in_address("council_meetings_pick", meeting_id)

detail = meeting_detail(ctx.engine, actor=ctx.actor, meeting_id=meeting_id)
if detail is None:
    st.warning(t(f"{P}.not_found"), icon=":material/search_off:")
    st.stop()
m = detail.meeting
st.divider()
st.subheader(f"{md_escape(cm.title(ctx, detail))} · {day(m.day)}")
st.markdown(f"{cm.status_badge(m.status)} &nbsp; {md_escape(detail.community)} · "
            f"{md_escape(cm.kind_name(ctx, detail))}")
cm.facts(ctx, detail)
records = ctx.can("council.record", m.community_id)
if m.status == "planned":
    if records:
        st.info(t(f"{P}.planned_run", day=day(m.day)), icon=":material/co_present:")
    else:
        st.caption(t(f"{P}.planned_read", day=day(m.day)))
    if ctx.can("council.manage", m.community_id):
        with st.expander(t(f"{P}.replan_title"), icon=":material/edit_calendar:",
                         expanded=bool(st.session_state.get(f"council_replan_{m.id}__errors"))):
            plan_form(f"council_replan_{m.id}", m.community_id, meeting=m, agenda=detail.agenda)
elif m.status == "open":
    st.info(t(f"{P}.open_run") if records else t(f"{P}.open_read"), icon=":material/co_present:")

tab_names = [t(f"{P}.tab_attendance"), t(f"{P}.tab_agenda"), t(f"{P}.tab_decisions")]
reviewing = m.kind == cm.REVIEW_KIND or not detail.reviews.empty
if reviewing:
    tab_names.append(t(f"{P}.tab_reviews"))
tabs = st.tabs(tab_names)
with tabs[0]:
    if not detail.attendance.empty:
        cm.quorum_line(cm.rule_of(ctx, detail), cm.saved_counts(detail), key="council_meetings_quorum")
    cm.attendance_table(ctx, detail, key="council_meetings_attendance")
with tabs[1]:
    cm.agenda_record(detail)
with tabs[2]:
    cm.decisions_record(ctx, detail)
if reviewing:
    with tabs[3]:
        cm.reviews_record(detail)
if m.summary:
    st.caption(t(f"{P}.summary"))
    st.text(m.summary)
if m.status in ("open", "closed"):
    st.divider()
    cm.downloads(ctx, detail, key="council_meetings_download")
    if m.status == "open":
        st.caption(t(f"{P}.minutes_draft"))
