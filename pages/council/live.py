"""Live meeting (会议主持): the projector screen of the chair and the recorder running a council meeting.

Pick today's meeting (or one being held) and open it; check in every expected member (present, absent, excused) with
the quorum in words updating at once; then one agenda item at a time in large type: the topic, the opinions and its
history, what is said (the minutes), a timer, and at a decision or ad hoc meeting the vote with its result shown as
the counts are typed; at a review meeting the report, the ratings of those present and the outcome. Last, a summary
to confirm, the meeting closed, and the minutes and the public notice to download.
"""

import time
from datetime import timedelta

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import clock
from data_access.council.meetings import (
    check_in,
    close_meeting,
    due_for_review,
    open_meeting,
    record_minutes,
    record_review,
    record_vote,
)
from data_access.council.queries import meeting_detail, meetings, topic_timeline
from data_access.council.writes import save_topic
from domain.council.rules import ATTENDANCE, CHOICES, DECIDED_TOPIC_STAGES, OUTCOMES, RATINGS, VOTE_METHODS, VOTES
from domain.errors import DomainError
from ui.context import acting_actor, page_context
from ui.council import common as cu
from ui.council import meeting as cm
from ui.format import day
from ui.forms import date_field, field_error, form_message, submit, widget_key
from ui.i18n import error_text, md_escape, t
from ui.outage import refusal
from ui.projector import Course
from ui.widgets import day_or_none, known, open_record

L = "council_live"
ctx = page_context()
ctx.require("council.record")
cfg = ctx.settings
today = clock.today()

# large type, for this page only: what is big sits in containers keyed council_live_big_* / council_live_huge_*
st.html("""<style>
[class*="st-key-council_live_huge"] [data-testid="stText"], [class*="st-key-council_live_huge"] p {
  font-size: 2.6rem; font-weight: 700; line-height: 1.25; font-family: inherit; }
[class*="st-key-council_live_big"] [data-testid="stText"], [class*="st-key-council_live_big"] p {
  font-size: 1.7rem; line-height: 1.35; font-family: inherit; }
.st-key-council_live_quorum p, .st-key-council_live_vote_result p { font-size: 1.8rem; line-height: 1.35; }
.st-key-council_live_screen [data-testid="stMarkdownContainer"] p { font-size: 1.2rem; }
.st-key-council_live_screen [data-testid="stMetricValue"] p { font-size: 2.2rem; }
.st-key-council_live_checkin [data-testid="stRadio"] label p { font-size: 1.3rem; }
.st-key-council_live_clock [data-testid="stMetricValue"] p { font-size: 2.8rem; font-variant-numeric: tabular-nums; }
</style>""")

st.title(t("page.council_live"))
record_ids = tuple(cid for cid in cu.communities(ctx) if ctx.can("council.record", cid))
if not record_ids:
    st.info(t(f"{L}.no_communities"), icon=":material/info:")
    st.stop()


# --- which meeting: one being held, else one due today or earlier; the one this session ran stays after closing ---

def listed(status: str, **filters) -> pd.DataFrame:
    df, _total = meetings(ctx.engine, actor=ctx.actor, community_ids=record_ids, status=status, limit=50, **filters)
    return df


held = listed("open")
due_now = listed("planned", date_to=today)
STICKY = "council_live_meeting"  # the meeting this session runs; kept after it closes, for its downloads
labels: dict[int, str] = {}
for frame in (held, due_now):
    for r in frame.sort_values(["day", "id"], ascending=False).itertuples(index=False):
        labels[int(r.id)] = t(f"{L}.pick_label", day=day(r.day), council=r.council,
                              kind=cm.meeting_kinds(ctx).get(r.kind, t("council.kind_unknown")),
                              status=cm.code_label("meeting", r.status))
# a meeting closed today stays here, with its downloads, for the rest of the day (a reload or a new login loses the
# session's STICKY)
recent, _n = meetings(ctx.engine, actor=ctx.actor, community_ids=record_ids, status="closed", date_to=today, limit=3)
for r in recent.itertuples(index=False):
    closed = meeting_detail(ctx.engine, actor=ctx.actor, meeting_id=int(r.id))
    if closed is not None and closed.meeting.closed_at and clock.local(closed.meeting.closed_at).date() == today:
        labels[int(r.id)] = t(f"{L}.pick_label", day=day(r.day), council=r.council,
                              kind=cm.meeting_kinds(ctx).get(r.kind, t("council.kind_unknown")),
                              status=cm.code_label("meeting", r.status))
sticky = st.session_state.get(STICKY)
detail = None
if sticky is not None and sticky not in labels:
    detail = meeting_detail(ctx.engine, actor=ctx.actor, meeting_id=sticky)
    if detail is None or detail.meeting.community_id not in record_ids:
        st.session_state.pop(STICKY, None)
        detail, sticky = None, None
    else:
        labels = {sticky: t(f"{L}.pick_label", day=day(detail.meeting.day), council=detail.council.name,
                            kind=cm.meeting_kind(ctx, detail.meeting.kind),
                            status=cm.code_label("meeting", detail.meeting.status)), **labels}
if not labels:
    later = listed("planned", date_from=today + timedelta(days=1))
    if later.empty:
        st.info(t(f"{L}.no_meeting"), icon=":material/info:")
    else:
        nxt = later.sort_values(["day", "id"]).iloc[0]
        st.info(t(f"{L}.later", day=day(nxt["day"]), council=md_escape(nxt["council"]),
                  kind=cm.meeting_kinds(ctx).get(nxt["kind"], t("council.kind_unknown"))), icon=":material/event:")
    st.stop()
options = list(labels)
if st.session_state.get("council_live_pick") not in options:
    st.session_state["council_live_pick"] = sticky if sticky in options else options[0]
if len(options) > 1:
    chosen = st.selectbox(t(f"{L}.pick"), options, format_func=labels.get, key="council_live_pick")
else:
    chosen = options[0]
if detail is None or detail.meeting.id != chosen:
    detail = meeting_detail(ctx.engine, actor=ctx.actor, meeting_id=chosen)
if detail is None:
    st.warning(t("council_meeting_page.not_found"), icon=":material/search_off:")
    st.stop()

m = detail.meeting
mid = m.id
rule = cm.rule_of(ctx, detail)
st.markdown(f"### {md_escape(detail.community)} · {md_escape(cm.title(ctx, detail))} · {cm.when_text(m)}")
st.caption(" · ".join(md_escape(x) for x in (
    t(f"{L}.chair_is", name=cm.text_or_none(detail.chair)), t(f"{L}.place_is", place=cm.text_or_none(m.place)),
    t(f"{L}.recorder_is", name=cm.text_or_none(m.recorder)),
    t(f"{L}.observers_is", names=cm.text_or_none(m.observers)))))
course = Course("council_live", mid)
form_message("council_live_state")

if m.status == "planned":
    def start(_values: dict):
        opened = open_meeting(ctx.engine, actor=ctx.actor, meeting_id=mid)
        st.session_state[STICKY] = mid
        course.go("attendance")
        return opened

    with st.container(key="council_live_big_ready"):
        st.text(t(f"{L}.ready", day=day(m.day)))
    st.button(t(f"{L}.open"), key="council_live_open", type="primary", icon=":material/play_arrow:", on_click=submit,
              args=("council_live_state", [], start), kwargs={"success": t(f"{L}.opened")})
    field_error("council_live_state", "day")
    field_error("council_live_state", "attendance")
    st.stop()

if m.status == "closed":
    form_message("council_live_close")
    st.success(t(f"{L}.closed_done"), icon=":material/verified:")
    if not detail.attendance.empty:
        cm.quorum_line(rule, cm.saved_counts(detail), key="council_live_quorum")
    if m.summary:
        st.caption(t("council_meeting_page.summary"))
        st.text(m.summary)
    cm.decisions_record(ctx, detail)
    if m.kind == cm.REVIEW_KIND:
        cm.reviews_record(detail)
    cm.downloads(ctx, detail, key="council_live_download")
    if st.button(t(f"{L}.leave"), key="council_live_leave", icon=":material/logout:"):
        st.session_state.pop(STICKY, None)
        open_record("pages/council/meetings.py", mid)  # its record; the live screen would show it again today
    st.stop()

# --- the meeting is open ---------------------------------------------------------------------------------------------

st.session_state[STICKY] = mid
agenda = detail.agenda.sort_values("position").reset_index(drop=True) if not detail.agenda.empty else detail.agenda
att = detail.attendance
saved = cm.saved_counts(detail)
stage, pos = course.begin(agenda, saved.present > 0)
course.badges(stage, L)
go = course.go


def save_item(aid: int, minutes_before: object, discussed_before: bool, *, discussed: bool | None) -> bool:
    """Save what was said on an agenda item and the time spent on it since it was shown (added to its time)."""
    typed = st.session_state.get(f"council_live_note_{aid}")
    note = (typed if typed is not None else (minutes_before or "")).strip() or None
    done = discussed if discussed is not None else (discussed_before or bool(note))
    spent = course.elapsed(aid)
    if note == ((minutes_before or "").strip() or None) and done == discussed_before and spent == 0:
        return True
    try:
        record_minutes(ctx.engine, actor=ctx.actor, meeting_id=mid, agenda_item_id=aid, minutes=note,
                       discussed=done, seconds=spent or None)
    except DomainError as err:
        st.session_state["council_live_move_error"] = error_text(err)
        return False
    except SQLAlchemyError as err:  # the minutes stay in their box, through an outage too
        st.session_state["council_live_move_error"] = refusal(err)
        return False
    course.restart(aid)
    return True


def leave_item(aid: int, minutes_before: object, discussed_before: bool, step: int, to: str | None = None) -> None:
    """Callback of next / previous / summary / save: save the item's minutes and time, then move."""
    try:
        if acting_actor() is None:
            st.session_state["council_live_move_error"] = t("error.rights_changed")
            return
    except SQLAlchemyError as err:
        st.session_state["council_live_move_error"] = refusal(err)
        return
    forward = step > 0 or to == "summary"  # back to the check-in the item is not done
    if not save_item(aid, minutes_before, discussed_before, discussed=True if forward else None):
        return
    if step == 0 and to is None:
        st.session_state["council_live_note_saved"] = True
        return
    if to:
        course.go(to)
    else:
        course.move(pos, step, len(agenda))


if "council_live_move_error" in st.session_state:
    st.error(st.session_state.pop("council_live_move_error"), icon=":material/error:")


# --- 1. check-in ----------------------------------------------------------------------------------------------------

if stage == "attendance":
    form = "council_live_attendance"
    st.subheader(t(f"{L}.attendance_title"))
    st.caption(t(f"{L}.attendance_hint"))
    form_message(form)
    if att.empty:
        st.info(t(f"{L}.attendance_none"), icon=":material/info:")
        st.stop()
    quorum_slot = st.container()
    members = [int(i) for i in att["member_id"]]
    statuses = []
    checkin = st.container(key="council_live_checkin")
    for row in att.itertuples(index=False):
        key = widget_key(form, f"status_{int(row.member_id)}")
        st.session_state.setdefault(key, row.status if row.status in ATTENDANCE else "absent")
        cols = checkin.columns([2, 3, 4], vertical_alignment="center")
        with cols[0], st.container(key=f"council_live_big_member_{int(row.member_id)}"):
            st.text(row.name)
        cols[1].caption(" · ".join(md_escape(x) for x in (cm.seat_label(ctx, row.seat),
                                                          row.title if known(row.title) else "") if x))
        statuses.append(cols[2].radio(md_escape(row.name), ATTENDANCE, key=key, horizontal=True,
                                      label_visibility="collapsed", format_func=cm.code_labels("attendance").get))
    with quorum_slot:
        cm.quorum_line(rule, cm.counts(statuses), key="council_live_quorum")
    field_error(form, "attendance")

    def all_present() -> None:
        for member_id in members:
            st.session_state[widget_key(form, f"status_{member_id}")] = "present"

    def save_attendance(values: dict):
        rows = [{"member_id": member_id, "status": values.get(f"status_{member_id}") or "absent"}
                for member_id in members]
        result = check_in(ctx.engine, actor=ctx.actor, meeting_id=mid, rows=rows)
        go("agenda")
        return result

    cols = st.columns([2, 2, 3])
    cols[0].button(t(f"{L}.all_present"), key="council_live_all_present", icon=":material/done_all:",
                   on_click=all_present, width="stretch")
    cols[1].button(t(f"{L}.attendance_save"), key="council_live_attendance_save", type="primary",
                   icon=":material/how_to_reg:", on_click=submit, width="stretch",
                   args=(form, [f"status_{member_id}" for member_id in members], save_attendance),
                   kwargs={"success": t(f"{L}.attendance_saved")})
    if saved.present:
        cols[2].button(t(f"{L}.to_agenda"), key="council_live_to_agenda", icon=":material/arrow_forward:",
                       on_click=go, args=("agenda",))
    st.stop()


# --- 2. one agenda item at a time -------------------------------------------------------------------------------------

present_members = att[att["status"] == "present"] if not att.empty else att
present_names = {int(i): n for i, n in zip(present_members["member_id"], present_members["name"], strict=True)} \
    if not present_members.empty else {}


def vote_panel(topic_id: int, topic: str, stage_now: object) -> None:
    """The vote on a topic: method, counts (or one named ballot per present member), the result in words as it is
    typed, the decision text, owner, due and notice period, and 记录表决."""
    form = f"council_live_vote_{topic_id}"
    form_message(form)  # above the decision, which replaces the form once it passed
    earlier = detail.decisions[detail.decisions["topic_id"] == topic_id] if not detail.decisions.empty \
        else detail.decisions
    for row in earlier.itertuples(index=False):
        cm.decision_block(ctx, detail, row)
    if not earlier.empty and (earlier["status"] == "passed").any():
        return
    if stage_now in DECIDED_TOPIC_STAGES:
        st.caption(t(f"{L}.vote_decided_before", stage=cm.code_label("stage", stage_now)))
        return
    key = lambda field: widget_key(form, field)  # noqa: E731
    with st.container(border=True):
        st.markdown(f"#### {t(f'{L}.vote_title') if earlier.empty else t(f'{L}.vote_again')}")
        field_error(form, "topic_id")
        if not present_names:
            st.warning(t(f"{L}.vote_nobody"), icon=":material/how_to_reg:")
        method = st.radio(t(f"{L}.method"), VOTE_METHODS, key=key("method"), horizontal=True,
                          format_func=cm.code_labels("method").get)
        field_error(form, "method")
        fields = ["method", "text", "owner", "due", "notice_start", "notice_end"]
        if method == "named":
            st.caption(t(f"{L}.ballots_hint"))
            choices = []
            for member_id, name in present_names.items():
                fields.append(f"ballot_{member_id}")
                choices.append(st.radio(md_escape(name), CHOICES, index=None, horizontal=True,
                                        key=key(f"ballot_{member_id}"), format_func=cm.code_labels("choice").get))
            votes_for, against, abstain = (sum(1 for c in choices if c == x) for x in CHOICES)
            field_error(form, "ballots")
            field_error(form, "votes_for")
        else:
            fields += ["votes_for", "against", "abstain"]
            cols = st.columns(3)
            counted = []
            for col, field in zip(cols, ("votes_for", "against", "abstain"), strict=True):
                with col:
                    counted.append(int(st.number_input(t(f"{L}.{field}"), min_value=VOTES.low, max_value=VOTES.high,
                                                       value=0, step=1,
                                                       key=key(field)) or 0))
                    field_error(form, field)
            votes_for, against, abstain = counted
        with st.container(key="council_live_vote_result"):
            if votes_for + against + abstain:
                preview = cm.preview_vote(ctx, rule, saved, votes_for=votes_for, against=against, abstain=abstain)
                st.markdown(cm.coloured(preview.text, preview.good))
            else:
                st.caption(t(f"{L}.vote_result_hint"))
        field_error(form, "attendance")
        st.text_area(t(f"{L}.decision_text"), key=key("text"), height=90,
                     placeholder=t(f"{L}.decision_text_hint", topic=topic))
        field_error(form, "text")
        c1, c2 = st.columns(2)
        with c1:
            st.text_input(t(f"{L}.owner"), key=key("owner"), help=t(f"{L}.owner_help"))
            field_error(form, "owner")
        with c2:
            date_field(t(f"{L}.due"), value=None, key=key("due"), help=t(f"{L}.owner_help"))
            field_error(form, "due")
        c1, c2 = st.columns(2)
        with c1:
            date_field(t(f"{L}.notice_start"), value=today, key=key("notice_start"))
            field_error(form, "notice_start")
        with c2:
            date_field(t(f"{L}.notice_end"), value=today + timedelta(days=cfg.council.notice_days),
                       key=key("notice_end"), help=t(f"{L}.notice_help", days=cfg.council.notice_days))
            field_error(form, "notice_end")
        members_present = list(present_names)

        def save_vote(values: dict):
            data = {"topic_id": topic_id, "text": (values.get("text") or "").strip(), "method": values.get("method"),
                    "owner": (values.get("owner") or "").strip() or None, "due": values.get("due"),
                    "notice_start": values.get("notice_start"), "notice_end": values.get("notice_end")}
            if values.get("method") == "named":
                ballots = {member_id: values[f"ballot_{member_id}"] for member_id in members_present
                           if values.get(f"ballot_{member_id}")}
                tally = list(ballots.values())
                data |= {"ballots": ballots, "votes_for": tally.count("for"), "against": tally.count("against"),
                         "abstain": tally.count("abstain")}
            else:
                data |= {"ballots": {}, **{f: int(values.get(f) or 0) for f in ("votes_for", "against", "abstain")}}
            return record_vote(ctx.engine, actor=ctx.actor, settings=cfg, meeting_id=mid, data=data)

        st.button(t(f"{L}.vote_save"), key=f"{form}_save", type="primary", icon=":material/how_to_vote:",
                  on_click=submit, args=(form, fields, save_vote),
                  kwargs={"success": lambda d: t(f"{L}.vote_saved", status=cm.code_label("decision", d.status))})


def review_panel(decision_id: int, decision_text: str, due_info: dict) -> None:
    """The review of a decision: the report, each present member's rating, the outcome and its reason."""
    form = f"council_live_review_{decision_id}"
    form_message(form)  # above the review, which replaces the form once recorded
    done = detail.reviews[detail.reviews["decision_id"] == decision_id] if not detail.reviews.empty \
        else detail.reviews
    for row in done.itertuples(index=False):
        cm.review_block(detail, row)
    if not done.empty:
        return
    info = due_info.get(decision_id, {})
    key = lambda field: widget_key(form, field)  # noqa: E731
    with st.container(border=True):
        st.markdown(f"#### {t(f'{L}.review_title')}")
        field_error(form, "decision_id")
        st.session_state.setdefault(key("reporter"), info.get("owner") or "")
        st.text_input(t(f"{L}.reporter"), key=key("reporter"), help=t(f"{L}.reporter_help"))
        field_error(form, "reporter")
        st.text_area(t(f"{L}.report"), key=key("report"), height=110)
        field_error(form, "report")
        fields = ["reporter", "report", "outcome", "reason"]
        st.markdown(f"##### {t(f'{L}.ratings')}")
        if not present_names:
            st.warning(t(f"{L}.vote_nobody"), icon=":material/how_to_reg:")
        given = []
        for member_id, name in present_names.items():
            fields.append(f"rating_{member_id}")
            given.append(st.radio(md_escape(name), RATINGS, index=None, horizontal=True, key=key(f"rating_{member_id}"),
                                  format_func=cm.code_labels("rating").get))
        st.caption(t(f"{L}.ratings_so_far", tally=cm.rating_tally(pd.DataFrame({"rating": [g for g in given if g]}))))
        field_error(form, "ratings")
        st.radio(t(f"{L}.outcome"), OUTCOMES, index=None, horizontal=True, key=key("outcome"),
                 format_func=cm.code_labels("outcome").get)
        field_error(form, "outcome")
        st.text_area(t(f"{L}.reason"), key=key("reason"), height=80, help=t(f"{L}.reason_help"))
        field_error(form, "reason")
        members_present = list(present_names)

        def save_review(values: dict):
            data = {"decision_id": decision_id, "reporter": (values.get("reporter") or "").strip(),
                    "report": (values.get("report") or "").strip(), "outcome": values.get("outcome"),
                    "reason": (values.get("reason") or "").strip() or None,
                    "ratings": {member_id: values[f"rating_{member_id}"] for member_id in members_present
                                if values.get(f"rating_{member_id}")}}
            return record_review(ctx.engine, actor=ctx.actor, meeting_id=mid, data=data)

        st.button(t(f"{L}.review_save"), key=f"{form}_save", type="primary", icon=":material/rate_review:",
                  on_click=submit, args=(form, fields, save_review),
                  kwargs={"success": lambda r: t(f"{L}.review_saved", outcome=cm.code_label("outcome", r.outcome))})


def opinion_form() -> None:
    """At an opinion meeting: a topic raised from what residents say, put on this meeting's agenda at once."""
    form = "council_live_opinion"
    with st.expander(t(f"{L}.opinion_title"), expanded=agenda.empty, icon=":material/record_voice_over:"):
        form_message(form)
        st.text_input(t(f"{L}.opinion_topic"), key=widget_key(form, "title"))
        field_error(form, "title")
        st.text_area(t(f"{L}.opinion_said"), key=widget_key(form, "opinions"), height=100,
                     help=t(f"{L}.opinion_said_help"))
        field_error(form, "opinions")
        st.text_area(t(f"{L}.opinion_detail"), key=widget_key(form, "detail"), height=70)
        field_error(form, "detail")

        def save(values: dict):
            data = {"council_id": m.council_id, "title": (values.get("title") or "").strip(),
                    "detail": (values.get("detail") or "").strip() or None, "source": "opinion",
                    "opinion_meeting_id": mid, "opinions": (values.get("opinions") or "").strip() or None,
                    "raised_on": today}
            return save_topic(ctx.engine, actor=ctx.actor, data=data)

        st.button(t(f"{L}.opinion_save"), key=f"{form}_save", icon=":material/add_comment:", on_click=submit,
                  args=(form, ["title", "opinions", "detail"], save),
                  kwargs={"success": lambda topic: t(f"{L}.opinion_saved", title=md_escape(topic.title))})


def history(topic_id: int) -> None:
    """The topic's detail and the opinions and meetings before this one."""
    timeline = topic_timeline(ctx.engine, actor=ctx.actor, topic_id=topic_id)
    if timeline is None:
        return
    if timeline.topic.detail:
        st.text(timeline.topic.detail)  # shown here, so not again as the "raised" step
    source = cm.code_label("source", timeline.topic.source)
    by = timeline.member or timeline.matter_number
    st.caption(t(f"{L}.raised", day=day(timeline.topic.raised_on), source=source)
               + (f" · {md_escape(by)}" if by else ""))
    steps = timeline.steps
    steps = steps[(steps["meeting_id"] != mid) & (steps["step"] != "topic")] if not steps.empty else steps
    if steps.empty:
        st.caption(t(f"{L}.history_none"))
        return
    kinds = cm.meeting_kinds(ctx)
    for s in steps.itertuples(index=False):
        where = kinds.get(s.meeting_kind, "") if known(s.meeting_kind) else ""
        head = " · ".join(x for x in (day_or_none(s.day), t(f"{L}.step_{s.step}"), where) if x)
        if known(s.text) and s.text:
            st.markdown("- " + t(f"{L}.step_text", head=md_escape(head), text=md_escape(s.text)))
        else:
            st.markdown(f"- **{md_escape(head)}**")


if stage == "agenda":
    if m.kind == "opinion":
        opinion_form()
    if agenda.empty:
        st.info(t(f"{L}.agenda_empty"), icon=":material/info:")
        st.button(t(f"{L}.to_summary"), key="council_live_to_summary", on_click=go, args=("summary",))
        st.stop()
    row = agenda.iloc[pos]
    aid = int(row["id"])
    started = course.show(aid)
    minutes_before = row["minutes"] if known(row["minutes"]) else None
    discussed_before = bool(row["discussed"])
    topic_id = int(row["topic_id"]) if known(row["topic_id"]) else None
    # at a review meeting the item is a decision under review (and its topic); elsewhere a topic (and the decision
    # taken on it at this meeting, once voted)
    reviewing = m.kind == cm.REVIEW_KIND
    decision_id = int(row["decision_id"]) if reviewing and known(row["decision_id"]) else None
    heading = cm.item_heading(row)
    with st.container(key="council_live_screen"):
        top = st.columns([3, 1], vertical_alignment="center")
        stage_badge = f":gray-badge[{cm.code_label('stage', row['topic_stage'])}]" if known(row["topic_stage"]) else ""
        top[0].markdown(f"{t(f'{L}.position', n=pos + 1, total=len(agenda))} &nbsp; {stage_badge}")
        with top[1], st.container(key="council_live_clock"):
            before = int(row["seconds"] or 0)

            @st.fragment(run_every=1)
            def clock_face() -> None:
                spent = before + max(0, int(time.time() - started))
                st.metric(t(f"{L}.timer"), f"{spent // 60:02d}:{spent % 60:02d}", help=t(f"{L}.timer_help"))

            clock_face()
        if decision_id is not None:
            with st.container(key="council_live_big_under_review"):
                st.text(t(f"{L}.under_review"))
        with st.container(key="council_live_huge_topic"):
            st.text(heading)
        if decision_id is not None and known(row["decision_text"]) and row["decision_text"] != heading:
            with st.container(key="council_live_big_decision"):
                st.text(row["decision_text"])

    due_info: dict[int, dict] = {}
    left, right = st.columns([2, 3])
    with left:
        st.markdown(f"##### {t(f'{L}.history')}")
        if topic_id is not None:
            history(topic_id)
        else:
            st.caption(t(f"{L}.history_none"))
        if decision_id is not None:
            due_df = due_for_review(ctx.engine, actor=ctx.actor, council_id=m.council_id, day=max(m.day, today))
            due_info = {int(r.id): {"owner": r.owner if known(r.owner) else None, "due": r.due}
                        for r in due_df.itertuples(index=False)} if not due_df.empty else {}
            info = due_info.get(decision_id)
            if info:
                st.caption(t(f"{L}.owner_due", owner=md_escape(info["owner"] or t("common.none")),
                             due=day_or_none(info["due"])))
    with right:
        st.text_area(t(f"{L}.minutes"), value=minutes_before or "", key=f"council_live_note_{aid}",
                     height=150, help=t(f"{L}.minutes_help"))
        if st.session_state.pop("council_live_note_saved", False):
            st.success(t(f"{L}.minutes_saved"), icon=":material/check:")
        st.button(t(f"{L}.minutes_save"), key="council_live_note_save", icon=":material/save:", on_click=leave_item,
                  args=(aid, minutes_before, discussed_before, 0))
    if m.kind in cm.VOTING_KINDS and topic_id is not None:
        vote_panel(topic_id, heading, row["topic_stage"])
    elif reviewing and decision_id is not None:
        review_panel(decision_id, heading, due_info)

    nav = st.columns([1, 1, 1, 2])
    nav[0].button(t(f"{L}.prev"), key="council_live_prev", icon=":material/arrow_back:", disabled=pos == 0,
                  on_click=leave_item, args=(aid, minutes_before, discussed_before, -1), shortcut="PageUp",
                  width="stretch")
    last_item = pos >= len(agenda) - 1
    nav[1].button(t(f"{L}.next") if not last_item else t(f"{L}.next_last"), key="council_live_next", type="primary",
                  icon=":material/arrow_forward:", on_click=leave_item,
                  args=(aid, minutes_before, discussed_before, 1, "summary" if last_item else None),
                  shortcut="PageDown", width="stretch")
    nav[2].button(t(f"{L}.to_summary"), key="council_live_to_summary", icon=":material/summarize:",
                  on_click=leave_item, args=(aid, minutes_before, discussed_before, 0, "summary"), width="stretch")
    nav[3].button(t(f"{L}.to_attendance"), key="council_live_to_attendance", icon=":material/how_to_reg:",
                  on_click=leave_item, args=(aid, minutes_before, discussed_before, 0, "attendance"))
    st.stop()


# --- 3. the summary to confirm, and closing -------------------------------------------------------------------------

st.subheader(t(f"{L}.summary_title"))
discussed = int(agenda["discussed"].fillna(False).astype(bool).sum()) if not agenda.empty else 0
decisions = detail.decisions
passed = int((decisions["status"] == "passed").sum()) if not decisions.empty else 0
with st.container(key="council_live_screen"):
    cols = st.columns(4)
    cols[0].metric(t(f"{L}.sum_present"), f"{saved.present} / {saved.members}")
    cols[1].metric(t(f"{L}.sum_discussed"), f"{discussed} / {len(agenda)}")
    if m.kind == cm.REVIEW_KIND:
        cols[2].metric(t(f"{L}.sum_reviews"), len(detail.reviews))
    else:
        cols[2].metric(t(f"{L}.sum_decisions"), len(decisions))
        cols[3].metric(t(f"{L}.sum_passed"), passed)
cm.quorum_line(rule, saved, key="council_live_quorum")
for status in ("absent", "excused"):
    names = att[att["status"] == status]["name"] if not att.empty else []
    if len(names):
        st.caption(t(f"{L}.names_{status}", names=t(f"{L}.name_sep").join(md_escape(n) for n in names)))
if m.observers:
    st.caption(t(f"{L}.observers_is", names=md_escape(m.observers)))
st.markdown(f"##### {t(f'{L}.sum_items')}")
cm.agenda_record(detail)
if m.kind == cm.REVIEW_KIND:
    st.markdown(f"##### {t(f'{L}.sum_reviews')}")
    cm.reviews_record(detail)
else:
    st.markdown(f"##### {t(f'{L}.sum_decisions')}")
    cm.decisions_record(ctx, detail)
nav = st.columns(2)
nav[0].button(t(f"{L}.back"), key="council_live_back", icon=":material/arrow_back:", on_click=go, args=("agenda",))
nav[1].button(t(f"{L}.to_attendance"), key="council_live_summary_attendance", icon=":material/how_to_reg:",
              on_click=go, args=("attendance",))
with st.container(border=True):
    form = "council_live_close"
    st.markdown(f"##### {t(f'{L}.close_title')}")
    form_message(form)
    if saved.present:  # "nobody present" no longer holds once attendance is saved
        st.session_state.get(f"{form}__errors", {}).pop("attendance", None)
    field_error(form, "attendance")
    st.text_area(t("council_meeting_page.summary"), key=widget_key(form, "summary"), height=100,
                 value=m.summary or "", help=t(f"{L}.summary_help"))
    field_error(form, "summary")

    def close(values: dict):
        closed = close_meeting(ctx.engine, actor=ctx.actor, meeting_id=mid,
                               summary=(values.get("summary") or "").strip() or None)
        st.session_state[STICKY] = mid
        return closed

    st.button(t(f"{L}.close"), key="council_live_close", type="primary", icon=":material/task_alt:", on_click=submit,
              args=(form, ["summary"], close), kwargs={"success": t(f"{L}.closed")}, help=t(f"{L}.close_help"))
