"""Record a resident matter (登记民情): channel, place, reporter, description, category, urgency, mode."""

from datetime import datetime

import streamlit as st

from data_access import clock
from data_access.service.writes import compute_deadline, create_matter
from ui import cached
from ui.context import page_context
from ui.format import day
from ui.forms import date_field, field_error, form_message, submit, widget_key
from ui.i18n import labels, t
from ui.widgets import open_record

FORM = "intake"
FIELDS = ["channel", "sub_source", "community_id", "grid_id", "anonymous", "reporter_name", "reporter_phone",
          "reporter_id_number", "description", "category", "urgency", "mode", "registered_date", "registered_time"]

ctx = page_context()
ctx.require("matter.create")
cfg = ctx.settings
st.title(t("intake.title"))
st.caption(t("intake.intro"))

communities = dict(cached.read(ctx.engine, "communities", actor=ctx.actor, permission="matter.create"))


def key(field: str) -> str:
    return widget_key(FORM, field)


def save(values: dict):
    registered_at = None
    if values["registered_date"] and values["registered_time"]:
        registered_at = datetime.combine(values["registered_date"], values["registered_time"], tzinfo=clock.ZONE)
    data = {k: v for k, v in values.items() if k not in ("registered_date", "registered_time")}
    data["registered_at"] = registered_at
    return create_matter(ctx.engine, actor=ctx.actor, settings=cfg, data=data)


def selectbox(field: str, options: dict, **kwargs) -> None:
    st.selectbox(t(f"field.{field}"), list(options), format_func=options.get, key=key(field),
                 placeholder=t("common.choose"), **kwargs)
    field_error(FORM, field)


form_message(FORM)
saved = st.session_state.get(f"{FORM}__result")
if saved is not None and st.button(t("intake.open_saved"), key="intake_open_saved", icon=":material/open_in_new:"):
    open_record("pages/service/matter.py", st.session_state.pop(f"{FORM}__result").id)

channels = labels(cfg.channels)
left, right = st.columns(2, gap="large")
with left:
    selectbox("channel", channels, index=None)
    chosen = st.session_state.get(key("channel"))
    subs = labels(cfg.channel(chosen).sub_sources) if chosen in channels else {}
    selectbox("sub_source", subs, index=None, disabled=not subs)
    selectbox("community_id", communities, index=0 if len(communities) == 1 else None)
    grids = dict(cached.read(ctx.engine, "grids", st.session_state.get(key("community_id")), actor=ctx.actor,
                             permission="matter.create"))
    selectbox("grid_id", grids, index=None, disabled=not grids)
    c1, c2 = st.columns(2)
    with c1:
        date_field(t("field.registered_date"), value=clock.today(),
                   key=key("registered_date"))
    with c2:
        st.time_input(t("field.registered_time"), value=clock.now().time().replace(second=0, microsecond=0),
                      key=key("registered_time"), step=600)
    field_error(FORM, "registered_at")
with right:
    anonymous = st.checkbox(t("field.anonymous"), key=key("anonymous"))
    c1, c2 = st.columns(2)
    with c1:
        st.text_input(t("field.reporter_name"), key=key("reporter_name"), disabled=anonymous)
        field_error(FORM, "reporter_name")
    with c2:
        st.text_input(t("field.reporter_phone"), key=key("reporter_phone"), disabled=anonymous,
                      placeholder="13812345678")
        field_error(FORM, "reporter_phone")
    st.text_input(t("field.reporter_id_number"), key=key("reporter_id_number"), disabled=anonymous,
                  help=t("intake.id_number_help"))
    field_error(FORM, "reporter_id_number")
    st.text_area(t("field.description"), key=key("description"), height=120)
    field_error(FORM, "description")
    c1, c2 = st.columns(2)
    with c1:
        selectbox("category", labels(cfg.categories), index=None)
    with c2:
        selectbox("urgency", labels(cfg.urgencies), index=len(cfg.urgencies) - 1)
    selectbox("mode", labels(cfg.modes), index=None)

category, urgency = st.session_state.get(key("category")), st.session_state.get(key("urgency"))
if category and urgency:
    days = cfg.deadline_days(category, urgency)
    registered = datetime.combine(st.session_state.get(key("registered_date")) or clock.today(),
                                  clock.now().time(), tzinfo=clock.ZONE)
    deadline = compute_deadline(cfg, registered, category, urgency)
    st.info(t("intake.same_day", date=day(deadline)) if days == 0
            else t("intake.deadline_preview", days=days, date=day(deadline)), icon=":material/schedule:")

st.button(t("intake.submit"), key="intake_save", type="primary", icon=":material/save:",
          on_click=submit, args=(FORM, FIELDS, save),
          kwargs={"success": lambda m: t("intake.saved", number=m.number)})
