"""Service orders (服务订单): the loop 点单→派单→接单→服务→签单→评单. A new request (点单), typed in or raised from
a 365 matter of mode 组团服务 or 代办服务 by its number; the orders by step, service kind, team, late or flagged,
paged on the server; one order's panel with its loop, timeline and the forms its step allows. The overview's
figures open this page with their filter in the address (?step=, ?late=1, ?flagged=1, ?month=, ?team=,
?volunteer=)."""

import re
from datetime import date, time, timedelta

import streamlit as st

from data_access import clock
from data_access.service.queries import find_by_number
from data_access.volunteer import orders as writes
from data_access.volunteer.queries import STEP_FILTERS, OrderFilter
from domain.errors import ValidationFailed
from ui import cached, widgets
from ui.context import page_context
from ui.forms import date_field, field_error, form_message, search_box, submit, widget_key
from ui.i18n import md_escape, t
from ui.volunteer import orders as vo
from ui.volunteer.common import community_picker, kind_labels

SELECTED = "vord_selected"
STEP, KIND, TEAM, FLAGS, SEARCH = "vord_step", "vord_kind", "vord_team", "vord_flags", "vord_search"
FROM_ADDRESS = ("community", "step", "late", "flagged", "month", "team", "volunteer", "from", "to")
STEPS = ["all", *STEP_FILTERS]


def date_or_none(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


ctx = page_context()
ctx.require("volunteer.read")
cfg = ctx.settings
size = cfg.page_size
kinds = kind_labels(ctx)
st.title(t("page.volunteer_orders"))
st.caption(t("volunteer_order.intro"))

# a figure of the overview (or a bookmark) names its filter in the address: it replaces the filters chosen here
asked = {k: str(st.query_params.get(k, "")) for k in FROM_ADDRESS if st.query_params.get(k)}
if asked and st.session_state.get("vord_address") != asked:
    st.session_state["vord_address"] = asked
    st.session_state[STEP] = asked.get("step") if asked.get("step") in STEPS else "all"
    st.session_state[FLAGS] = [f for f in ("late", "flagged") if asked.get(f) == "1"]
    if asked.get("community", "").isdigit():
        st.session_state["vord_community"] = int(asked["community"])
    st.session_state.pop(SELECTED, None)
month = asked.get("month") if re.fullmatch(r"\d{4}-\d{2}", asked.get("month", "")) else None
volunteer_filter = int(asked["volunteer"]) if asked.get("volunteer", "").isdigit() else None
address_team = int(asked["team"]) if asked.get("team", "").isdigit() else None
requested = [date_or_none(asked.get(end)) for end in ("from", "to")]

raised_from = str(st.query_params.get("matter", ""))  # the matter page's 转为志愿服务订单: its number, to link
if raised_from and st.session_state.get("vord_matter_from") != raised_from:
    st.session_state["vord_matter_from"] = raised_from
    st.session_state[widget_key("vord_new", "matter_number")] = raised_from
opened = widgets.record_from_address(SELECTED)
if opened is not None:
    st.session_state[SELECTED] = opened

community = community_picker(ctx, "vord_community", allow_all=True)
chosen = None if community is None else (community,)
manage_here = ctx.can("volunteer.manage", community) if community is not None else False

# --- 点单: a new request ---------------------------------------------------------------------------------------
if manage_here:
    form = "vord_new"
    with st.expander(t("volunteer_order.new"), icon=":material/add_circle:",
                     expanded=bool(st.session_state.get(f"{form}__errors")) or bool(raised_from)):
        form_message(form)
        n1, n2 = st.columns([1, 2])
        with n1:
            st.selectbox(t("volunteer_order.service_kind"), list(kinds), key=widget_key(form, "service_kind"),
                         format_func=kinds.get)
            field_error(form, "service_kind")
        with n2:
            st.text_input(t("volunteer_order.title"), key=widget_key(form, "title"),
                          placeholder=t("volunteer_order.title_placeholder"))
            field_error(form, "title")
        st.text_area(t("volunteer_order.detail"), key=widget_key(form, "detail"), height=70)
        field_error(form, "detail")
        p1, p2, p3 = st.columns([2, 1, 1])
        with p1:
            st.text_input(t("volunteer_order.place"), key=widget_key(form, "place"),
                          placeholder=t("volunteer_order.place_placeholder"))
            field_error(form, "place")
        tomorrow = clock.today() + timedelta(days=1)
        with p2:
            date_field(t("volunteer_order.wanted_day"), key=widget_key(form, "wanted_day"), value=tomorrow)
        with p3:
            st.time_input(t("volunteer_order.wanted_time"), key=widget_key(form, "wanted_time"), value=time(9, 0),
                          step=timedelta(minutes=30))
        field_error(form, "wanted_at")
        r1, r2, r3 = st.columns(3)
        with r1:
            st.text_input(t("volunteer_order.recipient_name"), key=widget_key(form, "recipient_name"))
            field_error(form, "recipient_name")
        with r2:
            st.text_input(t("volunteer_order.recipient_phone"), key=widget_key(form, "recipient_phone"))
            field_error(form, "recipient_phone")
        with r3:
            st.text_input(t("volunteer_order.matter_number"), key=widget_key(form, "matter_number"),
                          help=t("volunteer_order.matter_help"))
            field_error(form, "matter_id")
        fields = ["service_kind", "title", "detail", "place", "wanted_day", "wanted_time", "recipient_name",
                  "recipient_phone", "matter_number"]

        def save(values: dict):
            number = (values.pop("matter_number") or "").strip()
            matter_id = None
            if number:
                matter_id = find_by_number(ctx.engine, number, actor=ctx.actor)
                if matter_id is None:
                    raise ValidationFailed({"matter_id": ("error.not_found", {})})
            data = {**values, "community_id": community, "matter_id": matter_id,
                    "wanted_at": vo.moment(values.pop("wanted_day"), values.pop("wanted_time"))}
            order = writes.create_order(ctx.engine, actor=ctx.actor, settings=cfg, data=data)
            st.session_state[SELECTED] = order.id
            return order

        st.button(t("volunteer_order.create"), key=f"{form}_go", type="primary", icon=":material/add:",
                  on_click=submit, args=(form, fields, save),
                  kwargs={"success": lambda o: t("volunteer_order.created", number=o.number)})

# --- the filters and the list ----------------------------------------------------------------------------------
if st.session_state.get(STEP) not in STEPS:
    st.session_state[STEP] = "all"
step_names = {"all": t("common.all"), "open": t("volunteer_order.step_open"),
              "signed": t("volunteer_order.step_signed_any"),
              **{code: t(f"volunteer_step.{code}") for code in STEP_FILTERS if code not in ("open", "signed")}}
step = st.segmented_control(t("volunteer_order.step"), STEPS, key=STEP, required=True, format_func=step_names.get)
f1, f2, f3, f4 = st.columns([1, 1, 1, 1.4])
with f1:
    kind = widgets.filter_box(t("volunteer_order.service_kind"), dict(enumerate(kinds.values(), 1)), KIND,
                              t("common.all"))
    kind_code = list(kinds)[kind - 1] if kind else None
team_id = address_team
with f2:
    if community is not None:
        teams_df = cached.read(ctx.engine, "volunteer_teams", actor=ctx.actor, community_id=community)
        team_names = {int(i): str(n) for i, n in zip(teams_df["id"], teams_df["name"], strict=True)}
        if address_team in team_names and st.session_state.get("vord_team_from") != address_team:
            st.session_state[TEAM], st.session_state["vord_team_from"] = address_team, address_team
        team_id = widgets.filter_box(t("volunteer_order.team"), team_names, TEAM, t("common.all"))
with f3:
    flags = st.multiselect(t("volunteer_order.flags"), ["late", "flagged"], key=FLAGS,
                           format_func=lambda f: t(f"volunteer_order.only_{f}"), placeholder=t("common.all"))
with f4:
    search = search_box(t("volunteer_order.search"), SEARCH, limit=60,
                        placeholder=t("volunteer_order.search_placeholder"))
if month:
    st.caption(t("volunteer_order.month_filter", month=month))
if any(requested):
    st.caption(t("volunteer_order.period_filter", first=requested[0] or "", last=requested[1] or ""))
if volunteer_filter:
    st.caption(t("volunteer_order.volunteer_filter"))

flt = OrderFilter(community_ids=chosen, step=None if step == "all" else step, service_kind=kind_code, team_id=team_id,
                  volunteer_id=volunteer_filter, flagged="flagged" in flags, late="late" in flags, month=month,
                  requested_from=requested[0], requested_to=requested[1], search=search)
widgets.forget_on_new_search(SELECTED, flt)
page_key = f"vord_page_{community}_{step}_{kind_code}_{team_id}_{'_'.join(flags)}_{search}_{month}_{volunteer_filter}" \
    f"_{requested[0]}_{requested[1]}"
rows, total = cached.read(ctx.engine, "volunteer_orders", actor=ctx.actor, flt=flt,
                          offset=widgets.page_offset(page_key, size), limit=size)
if total == 0:
    filtered = step != "all" or kind_code or team_id or flags or search or month or volunteer_filter or any(requested)
    st.info(t("volunteer_order.none_filtered") if filtered else
            t("volunteer_order.none_manage") if manage_here else t("volunteer_order.none"), icon=":material/info:")
else:
    widgets.pager(total, size, page_key, len(rows))
    ids = [int(i) for i in rows["id"]]

    def on_select() -> None:
        picked = st.session_state["vord_table"].selection.rows
        if picked and picked[0] < len(ids):
            st.session_state[SELECTED] = ids[picked[0]]

    st.caption(t("volunteer_order.select_hint"))
    vo.orders_table(ctx, rows, key="vord_table", with_community=community is None, on_select=on_select)

# --- one order ---------------------------------------------------------------------------------------------------
selected = st.session_state.get(SELECTED)
detail = cached.read(ctx.engine, "volunteer_order", actor=ctx.actor, order_id=selected) \
    if selected else None
if selected and detail is None:
    st.warning(t("volunteer_order.not_found"), icon=":material/search_off:")
    st.session_state.pop(SELECTED, None)
widgets.show_in_address(SELECTED, detail.order.id if detail else None)
if detail is None:
    st.stop()

order = detail.order
with st.container(border=True, key="vord_panel"):
    h1, h2 = st.columns([6, 1])
    with h1:
        st.subheader(f"{md_escape(order.number)} · {md_escape(order.title)}")
        st.markdown(f"{vo.step_badge(order.step)} {md_escape(detail.community)}")
    with h2:
        st.button(t("volunteer_order.close"), key="vord_close", icon=":material/close:",
                  on_click=lambda: st.session_state.pop(SELECTED, None))
    vo.loop_steps(detail)
    vo.facts(ctx, detail)
    vo.actions(ctx, detail)
    with st.expander(t("volunteer_order.timeline"), icon=":material/history:"):
        vo.timeline(detail)
