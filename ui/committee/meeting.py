"""Building blocks shared by the progress-meeting pages (推进会 and 主持模式): labels and badges, the meeting's
tables, the attendance, outcome and closing forms, and the minutes download.

Meeting reads are not cached: a meeting being held changes from minute to minute, and every page that shows it
must show what was just recorded.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from data_access.committee.meetings import add_outcome, close_meeting, set_attendance
from data_access.committee.minutes import minutes_docx
from domain.committee.meetings import on_agenda
from domain.committee.rules import may_act_for_unit
from ui.context import PageContext, export_actor
from ui.format import day
from ui.forms import date_field, errors_key, field_error, form_message, submit, widget_key
from ui.i18n import lang, t
from ui.projector import duration
from ui.widgets import text_or_empty

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
SECTION_COLOURS = {"carried": "violet", "behind": "red", "stale": "orange", "rest": "gray"}
STATUS_COLOURS = {"planned": "blue", "open": "green", "closed": "gray"}
OUTCOME_KINDS = ("action", "decision")


def section_name(section: str) -> str:
    return t(f"meetings.section_{section}")


def section_badge(section: str) -> str:
    return f":{SECTION_COLOURS.get(section, 'gray')}-badge[{section_name(section)}]"


def status_name(status: str) -> str:
    return t(f"meetings.status_{status}")


def status_badge(status: str) -> str:
    return f":{STATUS_COLOURS.get(status, 'gray')}-badge[{status_name(status)}]"


def kind_name(kind: str) -> str:
    return t(f"meetings.kind_{kind}")


def numbers(df: pd.DataFrame) -> dict[int, int]:
    """meeting id -> its number (第N次): its place among the listed progress meetings of its year, by day."""
    if "number" in df.columns:
        return {int(i): int(n) for i, n in zip(df["id"], df["number"], strict=True) if pd.notna(n)}
    progress = df[df["kind"] == "progress"].sort_values(["day", "id"])
    numbered, count = {}, {}
    for meeting_id, held in zip(progress["id"], progress["day"], strict=True):
        count[held.year] = count.get(held.year, 0) + 1
        numbered[int(meeting_id)] = count[held.year]
    return numbered


def title(kind: str, number: int | None) -> str:
    if kind == "progress" and number:
        return t("meetings.title_numbered", number=number)
    return kind_name(kind)


def may_run(ctx: PageContext, detail) -> bool:
    """Whether the actor may change this meeting's record: the community secretary, or the representative of the
    unit that chairs it (the rotating secretary)."""
    return may_act_for_unit(ctx.actor, "committee.meeting", detail.meeting.community_id,
                            detail.chair_representative_id)


def chair_text(detail) -> str:
    if not detail.chair:
        return t("common.none")
    if detail.chair_representative:
        return t("meetings.chair_with_rep", unit=detail.chair, name=detail.chair_representative)
    return detail.chair


def facts(detail) -> None:
    """The meeting's heading and its record: chair, day, place, status."""
    m = detail.meeting
    st.subheader(f"{day(m.day)} · {title(m.kind, detail.number)}")
    st.markdown(status_badge(m.status))
    cols = st.columns(4)
    for col, (key, value) in zip(cols, [("meetings.chair", chair_text(detail)), ("meetings.day", day(m.day)),
                                        ("meetings.place", m.place or t("common.none")),
                                        ("meetings.community", detail.community)], strict=True):
        col.caption(t(key))
        col.text(value)
    if m.summary:
        st.caption(t("meetings.summary"))
        st.text(m.summary)


def present_counts(detail) -> tuple[int, int]:
    att = detail.attendance
    if att.empty:
        return 0, 0
    present = int(att["present"].fillna(False).astype(bool).sum())
    return present, len(att) - present


def attendance_table(detail) -> None:
    att = detail.attendance
    if att.empty:
        st.info(t("meetings.attendance_none"), icon=":material/info:")
        return
    view = pd.DataFrame({"unit": att["unit"],
                         "present": [t("meetings.present") if p else t("meetings.absent") for p in att["present"]],
                         "attendee": att["attendee"].fillna("")})
    st.dataframe(view, hide_index=True, column_config={
        "unit": t("meetings.col_unit"), "present": t("meetings.col_present"),
        "attendee": t("meetings.col_attendee")})


def attendance_form(ctx: PageContext, detail, form: str, *, then=None) -> None:
    """Per unit: present or absent, and who came. One save writes all rows; `then` runs after a save.

    The rows sit in an st.form: a tick does not rerun the page, so quick ticks cannot race a rerun and come back
    unticked, and Enter in a name field does not save."""
    att = detail.attendance
    form_message(form)
    if att.empty:
        st.info(t("meetings.attendance_none"), icon=":material/info:")
        return
    box = st.form(f"{form}_form", border=False, enter_to_submit=False)
    head = box.columns([3, 1, 3])
    head[0].caption(t("meetings.col_unit"))
    head[1].caption(t("meetings.col_present"))
    head[2].caption(t("meetings.col_attendee"))
    fields = []
    for row in att.itertuples(index=False):
        uid = int(row.unit_id)
        fields += [f"present_{uid}", f"attendee_{uid}"]
        cols = box.columns([3, 1, 3], vertical_alignment="center")
        cols[0].text(row.unit)
        cols[1].checkbox(t("meetings.present"), value=bool(row.present), key=widget_key(form, f"present_{uid}"))
        cols[2].text_input(t("meetings.col_attendee"), value=text_or_empty(row.attendee),
                           key=widget_key(form, f"attendee_{uid}"), label_visibility="collapsed",
                           placeholder=t("meetings.attendee_hint"))
    with box:
        field_error(form, "attendance")
    meeting_id = detail.meeting.id
    units = [int(u) for u in att["unit_id"]]

    def save(values: dict):
        rows = [{"unit_id": uid, "present": bool(values.get(f"present_{uid}")),
                 "attendee": (values.get(f"attendee_{uid}") or "").strip() or None} for uid in units]
        result = set_attendance(ctx.engine, actor=ctx.actor, meeting_id=meeting_id, rows=rows)
        if then:
            then()
        return result

    box.caption(t("meetings.attendance_count", present=present_counts(detail)[0], total=len(att)))
    box.form_submit_button(t("meetings.attendance_save"), key=f"{form}_save", type="primary",
                           icon=":material/how_to_reg:", on_click=submit, args=(form, fields, save),
                           kwargs={"success": t("meetings.attendance_saved")})


def agenda_view(detail) -> pd.DataFrame:
    """The agenda as shown: section, unit, what is discussed, progress, and what the meeting noted."""
    ag = detail.agenda.sort_values("position")
    what = [(f"{r.text}" if pd.notna(r.action_item_id) and r.action_item_id else f"{r.project} · {r.item}")
            for r in ag.itertuples(index=False)]
    progress = []
    for r in ag.itertuples(index=False):
        if pd.notna(r.claim_id) and r.claim_id:
            progress.append(f"{fmt_qty(r.done)} / {fmt_qty(r.pledge)} {r.unit_label or ''}".strip())
        else:
            extra = [x for x in (r.owner, day(r.due) if pd.notna(r.due) and r.due else None) if x]
            progress.append(" · ".join(str(x) for x in extra))
    return pd.DataFrame({
        "position": ag["position"].to_numpy(), "section": [section_name(s) for s in ag["section"]],
        "unit": ag["unit"].fillna("").to_numpy(), "what": what, "progress": progress,
        "share": ag["share"].to_numpy(), "discussed": ag["discussed"].fillna(False).astype(bool).to_numpy(),
        "minutes": [duration(s) if s else "" for s in ag["seconds"].fillna(0)],
        "note": ag["note"].fillna("").to_numpy()})


def main_agenda(agenda: pd.DataFrame) -> pd.DataFrame:
    """The rows of an agenda the meeting goes through (domain.committee.meetings.on_agenda), in their order."""
    if agenda.empty:
        return agenda
    return agenda[[on_agenda(s) for s in agenda["section"]]]


def agenda_table(detail, *, key: str) -> None:
    """The agenda: the items the meeting goes through (open action items, claims behind schedule), then the others
    in a collapsed list the chair can open."""
    if detail.agenda.empty:
        st.info(t("meetings.agenda_empty") if detail.meeting.status == "planned" else t("meetings.agenda_none"),
                icon=":material/info:")
        return
    view = agenda_view(detail)
    main = view[[on_agenda(s) for s in detail.agenda.sort_values("position")["section"]]]
    others = view.drop(index=main.index)
    if main.empty:
        st.success(t("meetings.agenda_nothing_behind"), icon=":material/task_alt:")
    else:
        _agenda_frame(main, key=key)
    _others(others, key=key)


def other_items(detail, *, key: str) -> None:
    """The agenda's items the meeting does not go through, in a collapsed list (chair mode walks the others)."""
    if not detail.agenda.empty:
        view = agenda_view(detail)
        _others(view[[not on_agenda(s) for s in detail.agenda.sort_values("position")["section"]]], key=key)


def _others(others: pd.DataFrame, *, key: str) -> None:
    if not others.empty:
        with st.expander(t("meetings.agenda_others", count=len(others)), icon=":material/list:"):
            st.caption(t("meetings.agenda_others_hint"))
            _agenda_frame(others, key=f"{key}_others")


def _agenda_frame(view: pd.DataFrame, *, key: str) -> None:
    st.dataframe(view, hide_index=True, key=key, column_config={
        "position": st.column_config.NumberColumn(t("meetings.col_position"), format="%d", width="small"),
        "section": t("meetings.col_section"), "unit": t("meetings.col_unit"), "what": t("meetings.col_what"),
        "progress": t("meetings.col_progress"),
        "share": st.column_config.ProgressColumn(t("meetings.col_share"), min_value=0.0, max_value=1.0,
                                                 format="percent"),
        "discussed": st.column_config.CheckboxColumn(t("meetings.col_discussed")),
        "minutes": t("meetings.col_minutes"),
        "note": t("meetings.col_note")})


def fmt_qty(value) -> str:
    if value is None or (isinstance(value, float) and pd.isna(value)):
        return t("common.none")
    value = float(value)
    return str(int(value)) if value.is_integer() else f"{value:g}"


def progress_table(detail) -> None:
    pr = detail.progress
    if pr.empty:
        st.caption(t("meetings.progress_none"))
        return
    st.dataframe(pr[["unit", "item", "on", "done", "note"]], hide_index=True, column_config={
        "unit": t("meetings.col_unit"), "item": t("meetings.col_item"),
        "on": st.column_config.DateColumn(t("meetings.col_on"), format="YYYY-MM-DD"),
        "done": st.column_config.NumberColumn(t("meetings.col_done"), format="%g"), "note": t("meetings.col_note")})


def outcomes_table(detail) -> None:
    oc = detail.outcomes
    if oc.empty:
        st.caption(t("meetings.outcomes_none"))
        return
    view = pd.DataFrame({"kind": [t(f"meetings.outcome_{k}") for k in oc["kind"]], "text": oc["text"],
                         "owner": oc["owner"].fillna(""), "due": oc["due"],
                         "done": oc["done"].fillna(False).astype(bool)})
    st.dataframe(view, hide_index=True, column_config={
        "kind": t("meetings.col_kind"), "text": t("meetings.col_text"), "owner": t("meetings.col_owner"),
        "due": st.column_config.DateColumn(t("meetings.col_due"), format="YYYY-MM-DD"),
        "done": st.column_config.CheckboxColumn(t("meetings.col_done_flag"))})


def outcome_form(ctx: PageContext, detail, form: str) -> None:
    """Add a decision (a record) or an action item (who does what by when) to an open meeting."""
    form_message(form)
    att = detail.attendance
    owner_units = {None: t("meetings.owner_unit_none"),
                   **{int(u): n for u, n in zip(att["unit_id"], att["unit"], strict=True)}}
    st.radio(t("meetings.col_kind"), OUTCOME_KINDS, key=widget_key(form, "kind"), horizontal=True,
             format_func=lambda k: t(f"meetings.outcome_{k}"))
    field_error(form, "kind")
    st.text_area(t("meetings.col_text"), key=widget_key(form, "text"), height=80)
    field_error(form, "text")
    c1, c2, c3 = st.columns(3)
    with c1:
        st.text_input(t("meetings.col_owner"), key=widget_key(form, "owner"),
                      help=t("meetings.owner_help"))
        field_error(form, "owner")
    with c2:
        st.selectbox(t("meetings.owner_unit"), list(owner_units), format_func=owner_units.get,
                     key=widget_key(form, "owner_unit_id"))
        field_error(form, "owner_unit_id")
    with c3:
        date_field(t("meetings.col_due"), value=None, key=widget_key(form, "due"))
        field_error(form, "due")
    meeting_id = detail.meeting.id
    fields = ["kind", "text", "owner", "owner_unit_id", "due"]

    def save(values: dict):
        data = {**values, "text": (values.get("text") or "").strip(), "owner": (values.get("owner") or "").strip()}
        return add_outcome(ctx.engine, actor=ctx.actor, meeting_id=meeting_id, data=data)

    st.button(t("meetings.outcome_add"), key=f"{form}_save", icon=":material/add_task:", on_click=submit,
              args=(form, fields, save), kwargs={"success": t("meetings.outcome_saved")})


def close_form(ctx: PageContext, detail, form: str, *, key: str, then=None) -> None:
    """The closing summary and the button that closes the meeting (its record changes no more)."""
    form_message(form)
    if present_counts(detail)[0]:  # "nobody present" no longer holds once attendance is saved
        st.session_state.get(errors_key(form), {}).pop("attendance", None)
    field_error(form, "attendance")
    st.text_area(t("meetings.summary"), key=widget_key(form, "summary"), height=100,
                 value=detail.meeting.summary or "", help=t("meetings.summary_help"))
    field_error(form, "summary")
    meeting_id = detail.meeting.id

    def save(values: dict):
        result = close_meeting(ctx.engine, actor=ctx.actor, meeting_id=meeting_id,
                               summary=(values.get("summary") or "").strip() or None)
        if then:
            then()
        return result

    st.button(t("meetings.close"), key=key, type="primary", icon=":material/task_alt:", on_click=submit,
              args=(form, ["summary"], save), kwargs={"success": t("meetings.closed")},
              help=t("meetings.close_help"))


def minutes_button(ctx: PageContext, detail, *, key: str) -> None:
    """会议纪要（Word）: built when clicked, as the user is then (the export is audited)."""
    checked = export_actor(ctx)  # the session is checked again when the file is built
    language = lang()  # read here: the file is built on another thread, which has no session
    meeting_id = detail.meeting.id
    engine = ctx.engine
    st.download_button(
        t("meetings.minutes"), data=lambda: minutes_docx(engine, actor=checked(), meeting_id=meeting_id,
                                                         lang=language),
        file_name=f"{t('meetings.minutes_file')}-{detail.meeting.day:%Y-%m-%d}.docx", mime=DOCX, key=key,
        icon=":material/description:", on_click="ignore", help=t("meetings.minutes_help"))

