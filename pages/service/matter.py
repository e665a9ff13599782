"""A matter's detail (事项办理): its record, the six steps, the current step's form, and the timeline."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import clock
from data_access.service.exports import code_labels
from data_access.service.queries import find_by_number, matter_detail, personal_data
from data_access.service.writes import advance_matter
from data_access.volunteer.orders import MATTER_MODES as VOLUNTEER_MODES
from domain.errors import DomainError
from domain.fields import plain
from domain.personal import PERSONAL_FIELDS
from domain.service.matters import SCORE
from domain.service.workflow import Action, Evaluation, Step, allowed_actions, is_overdue, permission_for
from ui import cached
from ui.context import acting_actor, page_context
from ui.council import records as council_records
from ui.format import day, when
from ui.forms import date_field, field_error, form_message, submit, widget_key
from ui.i18n import error_text, labels, lang, md_escape, t
from ui.outage import unavailable
from ui.volunteer.common import step_label as volunteer_step
from ui.widgets import open_record

NUMBER_LIMIT = 40  # a matter number is far shorter

ctx = page_context()
ctx.require("matter.read")
cfg = ctx.settings
st.title(t("matter.title"))

with st.form("matter_find", border=False):
    c1, c2 = st.columns([4, 1], vertical_alignment="bottom")
    number = c1.text_input(t("matter.find"), key="matter_find_number")
    number = plain(number)
    if c2.form_submit_button(t("matter.find_button"), icon=":material/search:") and number:
        found = find_by_number(ctx.engine, number, actor=ctx.actor) if len(number) <= NUMBER_LIMIT else None
        if found is None:  # nothing found: the matter opened before is closed, not left beneath the message
            st.query_params.pop("id", None)
            st.error(t("matter.number_not_found", number=md_escape(number[:NUMBER_LIMIT])), icon=":material/error:")
            st.stop()
        st.query_params["id"] = str(found)

matter_id = st.query_params.get("id")  # the record is in the address: a reload, a bookmark or a link opens it
detail = matter_detail(ctx.engine, int(matter_id), actor=ctx.actor) if str(matter_id or "").isdigit() else None
if detail is None:
    st.info(t("error.not_found") if matter_id else t("matter.choose"), icon=":material/info:")
    st.stop()
m = detail.matter
maps = code_labels(cfg, lang())
today = clock.today()

badges = [f":red-badge[{t('matter.overdue_badge', days=(today - m.deadline).days)}]"
          if is_overdue(m.step, m.deadline, today) else "",
          f":orange-badge[{t('matter.escalated_badge', count=m.reopen_count)}]" if m.escalated else ""]
st.subheader(f"{m.number} · {t(f'step.{m.step}')} {' '.join(b for b in badges if b)}")
trail = []
for step in range(1, 7):
    name = t(f"step.{step}")
    if step < m.step:
        trail.append(f":green-badge[:material/check: {name}]")
    elif step == m.step:
        trail.append(f":red-badge[:material/radio_button_checked: {name}]")
    else:
        trail.append(f":gray-badge[{name}]")
st.markdown(" → ".join(trail))

PERSONAL_KEY = "matter_personal"  # (matter id, unmasked values) after the user chose to see them


def reveal() -> None:
    try:
        if acting_actor() is None:
            return
        st.session_state[PERSONAL_KEY] = (m.id, personal_data(ctx.engine, m.id, actor=ctx.actor))
    except DomainError as err:
        st.session_state["matter_personal_error"] = error_text(err)
    except SQLAlchemyError as err:  # its audit entry could not be written: nothing shown
        st.session_state["matter_personal_error"] = unavailable(err)


shown_id, unmasked = st.session_state.get(PERSONAL_KEY) or (None, None)
if shown_id == m.id and not ctx.can("personal.view", m.community_id, m.grid_id):
    shown_id = None  # the right was withdrawn since: back to the masks
person = unmasked if shown_id == m.id else {f: getattr(m, f) for f in PERSONAL_FIELDS}
reporter = t("common.anonymous") if m.anonymous else " ".join(x for x in person.values() if x)
facts = [
    ("field.registered_at", when(m.registered_at)), ("field.community", f"{detail.community} · {detail.grid}"),
    ("field.channel", f"{maps['channel'].get(m.channel, m.channel)} · "
                      f"{maps['sub_source'].get(m.sub_source, m.sub_source)}"),
    ("matter.reporter", reporter or t("common.none")), ("field.category", maps["category"].get(m.category, m.category)),
    ("field.urgency", maps["urgency"].get(m.urgency, m.urgency)), ("field.mode", maps["mode"].get(m.mode, m.mode)),
    ("field.deadline", day(m.deadline)), ("field.handler", m.handler or t("common.none")),
    ("field.supervisor", m.supervisor or t("common.none")), ("field.ledger_no", m.ledger_no or t("common.none")),
    ("field.reopen_count", str(m.reopen_count)),
    ("field.evaluation", t(f"evaluation.{m.evaluation}") if m.evaluation else t("common.none")),
    ("field.score", t("common.none") if m.score is None else str(m.score)),
]
with st.container(border=True):
    st.text(m.description)
    cols = st.columns(4)
    for index, (key, value) in enumerate(facts):
        cols[index % 4].caption(t(key))
        cols[index % 4].text(value)
    has_personal = not m.anonymous and any(getattr(m, f) for f in PERSONAL_FIELDS)
    if has_personal and shown_id == m.id:
        st.caption(t("matter.personal_shown"))
    elif has_personal and ctx.can("personal.view", m.community_id, m.grid_id):
        st.button(t("matter.personal_reveal"), key="matter_personal_reveal", on_click=reveal,
                  icon=":material/visibility:", help=t("matter.personal_reveal_help"))
    if "matter_personal_error" in st.session_state:
        st.error(st.session_state.pop("matter_personal_error"))
    for key, value in (("field.result", m.result), ("field.content", m.feedback_content),
                       ("field.comment", m.evaluation_comment)):
        if value:
            st.caption(t(key))
            st.text(value)

if ctx.can("council.read", m.community_id):  # the link back: the council decisions this matter carries out
    carried = cached.read(ctx.engine, "council_decisions_of_matter", actor=ctx.actor, matter_id=m.id)
    if not carried.empty:
        with st.container(border=True, key="matter_council"):
            st.markdown(f"**{t('council_page.from_council')}**")
            for row in carried.to_dict("records"):
                st.markdown(t("council_page.from_council_line", council=md_escape(row["council"]),
                              day=day(row["meeting_day"]), text=md_escape(row["text"]),
                              status=t(f"council.decision_{row['status']}")))
                if st.button(t("council_page.open_decision"), key=f"matter_council_{row['id']}",
                             icon=":material/gavel:"):
                    council_records.open_decision(row)

# the link both ways with volunteer service: a matter served by a team or as an errand raises volunteer orders
if ctx.can("volunteer.read", m.community_id) and m.mode in VOLUNTEER_MODES:
    raised = cached.read(ctx.engine, "volunteer_orders_of_matter", actor=ctx.actor, matter_id=m.id)
    with st.container(border=True, key="matter_volunteer"):
        st.markdown(f"**{t('volunteer_order.of_matter')}**")
        for row in raised.to_dict("records"):
            o1, o2 = st.columns([4, 1], vertical_alignment="center")
            o1.markdown(t("volunteer_order.of_matter_line", number=md_escape(row["number"]),
                          title=md_escape(row["title"]), step=volunteer_step(row["step"])))
            if o2.button(t("volunteer_order.open"), key=f"matter_order_{row['id']}", icon=":material/open_in_new:"):
                open_record("pages/volunteer/orders.py", row["id"])
        if raised.empty:
            st.caption(t("volunteer_order.of_matter_none"))
        if ctx.can("volunteer.manage", m.community_id) and st.button(
                t("volunteer_order.raise_from_matter"), key="matter_raise_order", icon=":material/volunteer_activism:"):
            st.switch_page("pages/volunteer/orders.py", query_params={"matter": m.number})


def step_form(action: Action) -> None:
    """The small form of one action on this matter."""
    form = f"step{m.id}_{action.value}"

    def key(field: str) -> str:
        return widget_key(form, field)

    def text(field: str, area: bool = False, label: str | None = None, **kwargs) -> None:
        (st.text_area if area else st.text_input)(t(label or f"field.{field}"), key=key(field), **kwargs)
        field_error(form, field)

    def choice(field: str, options: dict, **kwargs) -> None:
        st.selectbox(t(f"field.{field}"), list(options), format_func=options.get, key=key(field), **kwargs)
        field_error(form, field)

    fields: list[str]
    form_message(form)
    if action is Action.ANALYSE:
        fields = ["handler", "supervisor", "mode", "note"]
        text("handler")
        text("supervisor")
        modes = labels(cfg.modes)
        choice("mode", modes, index=list(modes).index(m.mode) if m.mode in modes else 0)
        text("note", area=True)
    elif action is Action.REGISTER:
        fields = ["ledger_no", "deadline"]
        text("ledger_no", value=f"TZ-{m.community_id:03d}-{clock.local(m.registered_at):%Y}-{m.id:07d}")
        date_field(t("field.deadline"), value=m.deadline, key=key("deadline"))
        field_error(form, "deadline")
    elif action is Action.PROGRESS:
        fields = ["note"]
        text("note", area=True, label="field.progress_note")
    elif action is Action.EXTEND:
        fields = ["deadline", "reason"]
        date_field(t("field.deadline"), value=m.deadline, key=key("deadline"))
        field_error(form, "deadline")
        text("reason", area=True)
    elif action is Action.COMPLETE:
        fields = ["result"]
        text("result", area=True)
    elif action is Action.FEEDBACK:
        fields = ["content", "method"]
        text("content", area=True)
        choice("method", labels(cfg.feedback_methods), index=None, placeholder=t("common.choose"))
    elif action is Action.EVALUATE:
        fields = ["evaluation", "comment"]
        st.radio(t("field.evaluation"), [e.value for e in Evaluation], key=key("evaluation"), index=None,
                 horizontal=True, format_func=lambda e: t(f"evaluation.{e}"))
        field_error(form, "evaluation")
        st.caption(t("matter.reopen_note"))
        text("comment", area=True)
    else:
        fields = ["score", "note"]
        st.number_input(t("field.score"), min_value=SCORE.low, max_value=SCORE.high, value=90, step=1, key=key("score"))
        field_error(form, "score")
        text("note", area=True)

    def save(values: dict):
        return advance_matter(ctx.engine, actor=ctx.actor, settings=cfg, matter_id=m.id, action=action, data=values,
                              expected_step=m.step)

    st.button(t(f"action.{action.value}"), key=f"{form}_save", type="primary", on_click=submit,
              args=(form, fields, save), kwargs={"success": t("matter.saved", action=t(f"action.{action.value}"))})


with st.container(border=True):
    for done in Action:  # the outcome of the action just taken, shown also now that the matter is at another step
        form_message(f"step{m.id}_{done.value}")
    if m.step == Step.CLOSED:
        st.success(t("matter.closed"), icon=":material/verified:")
    else:
        st.markdown(f"#### {t('matter.next_action', step=t(f'step.{m.step}'))}")
        actions = allowed_actions(Step(m.step))
        permitted = [a for a in actions if ctx.can(permission_for(a), m.community_id, m.grid_id)]
        if not permitted:
            can_read_only = not any(ctx.can(permission_for(a)) for a in Action)
            st.info(t("common.read_only") if can_read_only
                    else t("matter.no_permission_step", action=t(f"action.{actions[0].value}")))
        elif len(permitted) == 1:
            step_form(permitted[0])
        else:
            for tab, action in zip(st.tabs([t(f"action.{a.value}") for a in permitted]), permitted, strict=False):
                with tab:
                    step_form(action)

st.subheader(t("matter.timeline"))
events = detail.events.copy()
events["what"] = events["action"].map(lambda a: t(f"action.{a}"))
events["step"] = [t(f"step.{s}") for s in events["step_to"]]
events["at"] = events["at"].dt.strftime("%Y-%m-%d %H:%M")
NOTE_FIELDS = {"note", "reason", "result", "content", "comment"}   # already in the event's note
CODED = {"mode": labels(cfg.modes), "method": labels(cfg.feedback_methods),
         "evaluation": {e.value: t(f"evaluation.{e.value}") for e in Evaluation}}


def describe(note, data) -> str:
    """The event's note, then what its form set (承办人：…；办理时限：…)."""
    data = data if isinstance(data, dict) else {}
    facts = [f"{t(f'field.{k}')}：{CODED.get(k, {}).get(v, v)}" for k, v in data.items()
             if k not in NOTE_FIELDS and v not in (None, "")]
    return "；".join(x for x in [note if isinstance(note, str) else "", *facts] if x)


events["detail"] = [describe(n, d) for n, d in zip(events["note"], events["data"], strict=True)]
st.dataframe(events[["at", "actor", "what", "step", "detail"]], hide_index=True, column_config={
    "at": t("matter.at"), "actor": t("matter.actor"), "what": t("matter.what"), "step": t("field.step"),
    "detail": t("matter.detail")})
