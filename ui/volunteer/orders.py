"""The service orders' table and one order's panel: its facts, the loop as steps with who and when, the service
recorded, and the forms its step allows the actor (派单 with suggestions, 接单, 拒单, 记录服务, 签单, the sign-off QR
code, 评单, 改派, 取消). Used by the orders page."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import clock
from data_access.volunteer import orders as writes
from data_access.volunteer.queries import OrderDetail
from domain.errors import DomainError
from domain.volunteer.orders import HOURS, Action, SignOff, Step, allowed_actions
from ui import cached, outage, widgets
from ui.context import PageContext
from ui.format import day, when
from ui.forms import date_field, field_error, form_message, number_bounds, submit, widget_key
from ui.i18n import error_text, md_escape, t
from ui.volunteer.common import action_label, hours_text, kind_labels, method_label, rating_label, show_qr, step_label
from ui.volunteer.phone import sign_url

STEP_TONES = {Step.REQUESTED: "blue", Step.DISPATCHED: "orange", Step.TAKEN: "violet", Step.SERVED: "violet",
              Step.SIGNED: "green", Step.RATED: "green", Step.CANCELLED: "gray"}
LOOP = (Step.REQUESTED, Step.DISPATCHED, Step.TAKEN, Step.SERVED, Step.SIGNED, Step.RATED)


def moment(day_value, time_value) -> datetime | None:
    """A date and a time from two widgets as a moment in Asia/Shanghai (None when either is empty)."""
    if day_value is None or time_value is None:
        return None
    if not isinstance(time_value, time):
        return None
    return datetime.combine(day_value, time_value, tzinfo=clock.ZONE)


def step_badge(step: object) -> str:
    try:
        tone = STEP_TONES[Step(int(step))]
    except (TypeError, ValueError, KeyError):
        tone = "gray"
    return f":{tone}-badge[{step_label(step)}]"


def orders_view(ctx: PageContext, df: pd.DataFrame, with_community: bool) -> pd.DataFrame:
    kinds = kind_labels(ctx)
    view = pd.DataFrame({
        "number": df["number"].fillna(""),
        "community": df["community"].fillna(""),
        "requested_at": [when(v) if widgets.known(v) else "" for v in df["requested_at"]],
        "service_kind": [kinds.get(k, k) for k in df["service_kind"]],
        "title": df["title"].fillna(""),
        "step": [step_label(s) for s in df["step"]],
        "assignee": [" · ".join(str(x) for x in (team, person) if widgets.known(x) and x) or t("common.none")
                     for team, person in zip(df["team"], df["volunteer"], strict=True)],
        "wanted_at": [when(v) if widgets.known(v) else "" for v in df["wanted_at"]],
        "flags": [" ".join(filter(None, (t("volunteer_order.flag_late") if late else "",
                                         t("volunteer_order.flag_dissatisfied") if flagged else "",
                                         t("volunteer_order.flag_matter") if widgets.known(m) else "")))
                  for late, flagged, m in zip(df["late"], df["flagged"], df["matter_number"], strict=True)],
    })
    return view if with_community else view.drop(columns=["community"])


def orders_table(ctx: PageContext, df: pd.DataFrame, *, key: str, with_community: bool, on_select) -> None:
    view = orders_view(ctx, df, with_community)
    config = {c: st.column_config.TextColumn(t(f"volunteer_order.col_{c}")) for c in view.columns}
    config["title"] = st.column_config.TextColumn(t("volunteer_order.col_title"), width="large")
    st.dataframe(view, hide_index=True, width="stretch", key=key, column_config=config, on_select=on_select,
                 selection_mode="single-row")


def loop_steps(detail: OrderDetail) -> None:
    """The loop 点单→派单→接单→服务→签单→评单 as a row of steps: done ones with their time, the current one marked."""
    order = detail.order
    times = {Step.REQUESTED: order.requested_at, Step.DISPATCHED: order.dispatched_at, Step.TAKEN: order.taken_at,
             Step.SERVED: order.served_at, Step.SIGNED: order.signed_at, Step.RATED: order.rated_at}
    cols = st.columns(len(LOOP))
    for col, step in zip(cols, LOOP, strict=True):
        reached = times[step] is not None and (order.step == Step.CANCELLED or order.step >= step)
        with col:
            mark = ":material/check_circle:" if reached else ":material/radio_button_unchecked:"
            current = order.step == step
            st.markdown(f"{mark} **{step_label(step)}**" if current or reached else f"{mark} {step_label(step)}")
            st.caption(when(times[step]) if reached else t("volunteer_order.not_yet"))


def timeline(detail: OrderDetail) -> None:
    if detail.events.empty:
        return
    rows = pd.DataFrame({
        "at": [when(v) for v in detail.events["at"]],
        "actor": detail.events["actor"].fillna(""),
        "action": [action_label(a) for a in detail.events["action"]],
        "to_step": [step_label(s) for s in detail.events["to_step"]],
        "note": [_note(a, n) for a, n in zip(detail.events["action"], detail.events["note"], strict=True)],
    })
    st.dataframe(rows, hide_index=True, width="stretch",
                 column_config={c: st.column_config.TextColumn(t(f"volunteer_order.ev_{c}")) for c in rows.columns})


def _note(action: str, note: object) -> str:
    if not widgets.known(note) or not note:
        return ""
    if action == Action.SIGN_OFF:
        return method_label(note)
    if action == Action.RATE:
        return rating_label(note)
    if action == Action.RECORD_SERVICE:
        return t("volunteer_order.service_note", note=note)
    return str(note)


def facts(ctx: PageContext, detail: OrderDetail) -> None:
    order = detail.order
    kinds = kind_labels(ctx)
    c1, c2, c3 = st.columns(3)
    with c1:
        st.caption(t("volunteer_order.what"))
        st.text(f"{kinds.get(order.service_kind, order.service_kind)} · {order.title}")
        if order.detail:
            st.text(order.detail)
        st.caption(t("volunteer_order.place_time"))
        st.text(f"{order.place} · {when(order.wanted_at)}")
    with c2:
        st.caption(t("volunteer_order.recipient"))
        st.text(" · ".join(filter(None, (order.recipient_name, order.recipient_phone))))
        st.caption(t("volunteer_order.assignee"))
        st.text(" · ".join(filter(None, (detail.team, detail.volunteer))) or t("common.none"))
        if order.due_at:
            st.caption(t("volunteer_order.due", due=when(order.due_at)))
    with c3:
        st.caption(t("volunteer_order.outcome"))
        if order.step in (Step.SIGNED, Step.RATED):
            st.text(t("volunteer_order.signed_line", method=method_label(order.sign_method),
                      hours=hours_text(order.hours_tenths / 10)))
        if order.rating:
            st.text(f"{rating_label(order.rating)} {order.comment or ''}".strip())
        if order.step == Step.CANCELLED:
            st.text(t("volunteer_order.cancelled_line", reason=order.cancel_reason or ""))
        if order.step not in (Step.SIGNED, Step.RATED, Step.CANCELLED):
            st.text(t("volunteer_order.in_progress"))
        if detail.matter_number:
            st.caption(t("volunteer_order.from_matter", number=md_escape(detail.matter_number)))
            if ctx.can("matter.read", order.community_id) and st.button(
                    t("volunteer_order.open_matter"), key=f"vo_matter_{order.id}", icon=":material/open_in_new:"):
                widgets.open_record("pages/service/matter.py", order.matter_id)
    badges = []
    if detail.late:
        badges.append(f":orange-badge[{t('volunteer_order.late', hours=ctx.settings.volunteer.take_within_hours)}]")
    if order.flagged:
        badges.append(f":red-badge[{t('volunteer_order.flagged')}]")
    if badges:
        st.markdown(" ".join(badges))
    if not detail.service.empty:
        st.caption(t("volunteer_order.service_recorded"))
        st.markdown("  \n".join(t("volunteer_order.service_line", name=md_escape(r["name"]), day=day(r["served_on"]),
                                  hours=hours_text(r["hours"])) for r in detail.service.to_dict("records")))


# --- the forms of each step --------------------------------------------------------------------------------------

def actions(ctx: PageContext, detail: OrderDetail) -> None:
    """The forms the order's step allows and the actor may use, as tabs."""
    order = detail.order
    allowed = set(allowed_actions(Step(order.step)))
    staff, serving = detail.staff, detail.serving
    tabs: list[tuple[str, callable]] = []
    if Action.DISPATCH in allowed and staff:
        tabs.append((t("volunteer_action.dispatch"), lambda: dispatch_form(ctx, detail, redispatch=False)))
    if Action.TAKE in allowed and (staff or serving):
        tabs.append((t("volunteer_action.take"), lambda: take_form(ctx, detail)))
    if Action.DECLINE in allowed and (staff or serving):
        tabs.append((t("volunteer_action.decline"), lambda: reason_form(ctx, detail, "decline")))
    if Action.RECORD_SERVICE in allowed and (staff or serving):
        tabs.append((t("volunteer_action.record_service"), lambda: service_form(ctx, detail)))
    if Action.SIGN_OFF in allowed and staff:
        tabs.append((t("volunteer_action.sign_off"), lambda: sign_form(ctx, detail)))
    if Action.SIGN_OFF in allowed and (staff or serving):
        tabs.append((t("volunteer_order.tab_qr"), lambda: qr_panel(ctx, detail)))
    if Action.RATE in allowed and staff:
        tabs.append((t("volunteer_action.rate"), lambda: rate_form(ctx, detail)))
    if Action.REDISPATCH in allowed and staff:
        tabs.append((t("volunteer_action.redispatch"), lambda: dispatch_form(ctx, detail, redispatch=True)))
    if Action.CANCEL in allowed and staff:
        tabs.append((t("volunteer_action.cancel"), lambda: reason_form(ctx, detail, "cancel")))
    if not tabs:
        if order.step in (Step.RATED, Step.CANCELLED):
            st.caption(t("volunteer_order.closed"))
        else:
            st.caption(t("volunteer_order.nothing_for_you"))
        return
    for tab, (_, draw) in zip(st.tabs([name for name, _ in tabs]), tabs, strict=True):
        with tab:
            draw()


def _choices(ctx: PageContext, community_id: int, team_id: int | None = None) -> dict[int, str]:
    return dict(cached.read(ctx.engine, "volunteer_choices", actor=ctx.actor, community_id=community_id,
                            team_id=team_id, limit=500))


def dispatch_form(ctx: PageContext, detail: OrderDetail, *, redispatch: bool) -> None:
    order = detail.order
    form = f"vo_{'redispatch' if redispatch else 'dispatch'}_{order.id}"
    form_message(form)
    hints = cached.read(ctx.engine, "volunteer_suggestions", actor=ctx.actor, order_id=order.id)
    teams_df = cached.read(ctx.engine, "volunteer_teams", actor=ctx.actor, community_id=order.community_id)
    teams = {int(i): str(n) for i, n, a in zip(teams_df["id"], teams_df["name"], teams_df["active"], strict=True) if a}
    people = _choices(ctx, order.community_id)
    if not teams and not people:
        st.info(t("volunteer_order.no_one_to_dispatch"), icon=":material/info:")
        return
    s1, s2 = st.columns(2)
    with s1:
        st.caption(t("volunteer_order.suggest_teams"))
        for row in hints.teams.to_dict("records"):
            fit = t("volunteer_order.fits") if row["fits"] else ""
            st.markdown(t("volunteer_order.suggest_team_line", name=md_escape(row["name"]), members=row["members"],
                          open=row["open_orders"], fit=fit))
    with s2:
        st.caption(t("volunteer_order.suggest_volunteers"))
        if hints.volunteers.empty:
            st.caption(t("volunteer_order.none_free"))
        for row in hints.volunteers.to_dict("records"):
            fit = t("volunteer_order.fits") if row["fits"] else ""
            st.markdown(t("volunteer_order.suggest_volunteer_line", name=md_escape(row["name"]),
                          team=md_escape(row["team"] or t("common.none")), open=row["open_orders"],
                          hours=hours_text(row["hours"]), fit=fit))
    first_team = int(hints.teams["id"].iloc[0]) if not hints.teams.empty and bool(hints.teams["fits"].iloc[0]) \
        else None
    c1, c2 = st.columns(2)
    with c1:
        options = [None, *teams]
        st.selectbox(t("volunteer_order.team"), options, key=widget_key(form, "team_id"),
                     index=options.index(first_team) if first_team in options else 0,
                     format_func=lambda v: t("volunteer_order.no_team") if v is None else teams[v])
        field_error(form, "team_id")
    with c2:
        options = [None, *people]
        st.selectbox(t("volunteer_order.volunteer"), options, key=widget_key(form, "volunteer_id"),
                     format_func=lambda v: t("volunteer_order.whole_team") if v is None else people[v])
        field_error(form, "volunteer_id")
    d1, d2 = st.columns(2)
    default_due = clock.local(max(order.wanted_at, clock.now() + timedelta(hours=1)))
    with d1:
        date_field(t("volunteer_order.due_day"), key=widget_key(form, "due_day"), value=default_due.date())
    with d2:
        st.time_input(t("volunteer_order.due_time"), key=widget_key(form, "due_time"),
                      value=default_due.time().replace(second=0, microsecond=0), step=timedelta(minutes=30))
    field_error(form, "due_at")
    fields = ["team_id", "volunteer_id", "due_day", "due_time"]
    if redispatch:
        st.text_area(t("volunteer_order.reason"), key=widget_key(form, "reason"), height=80)
        field_error(form, "reason")
        fields.append("reason")

    def save(values: dict):
        data = {"team_id": values["team_id"], "volunteer_id": values["volunteer_id"],
                "due_at": moment(values["due_day"], values["due_time"]), "reason": values.get("reason")}
        return writes.dispatch(ctx.engine, actor=ctx.actor, order_id=order.id, data=data, redispatch=redispatch)

    st.button(t("volunteer_action.redispatch" if redispatch else "volunteer_action.dispatch"), key=f"{form}_go",
              type="primary", icon=":material/send:", on_click=submit, args=(form, fields, save),
              kwargs={"success": t("volunteer_order.saved_dispatch")})


def take_form(ctx: PageContext, detail: OrderDetail) -> None:
    order = detail.order
    form = f"vo_take_{order.id}"
    form_message(form)
    fields = []
    if order.volunteer_id is None and order.team_id is not None:
        members = _choices(ctx, order.community_id, team_id=order.team_id)
        if not members:
            st.info(t("volunteer_order.team_empty"), icon=":material/info:")
            return
        st.selectbox(t("volunteer_order.taken_by"), list(members), key=widget_key(form, "volunteer_id"),
                     format_func=members.get)
        field_error(form, "volunteer_id")
        fields = ["volunteer_id"]
    else:
        st.caption(t("volunteer_order.take_for", name=md_escape(detail.volunteer or "")))
    st.button(t("volunteer_action.take"), key=f"{form}_go", type="primary", icon=":material/handshake:",
              on_click=submit, args=(form, fields, lambda v: writes.take(
                  ctx.engine, actor=ctx.actor, order_id=order.id, volunteer_id=v.get("volunteer_id"))),
              kwargs={"success": t("volunteer_order.saved_take")})


def reason_form(ctx: PageContext, detail: OrderDetail, what: str) -> None:
    order = detail.order
    form = f"vo_{what}_{order.id}"
    form_message(form)
    st.text_area(t("volunteer_order.reason"), key=widget_key(form, "reason"), height=80,
                 placeholder=t(f"volunteer_order.{what}_placeholder"))
    field_error(form, "reason")
    call = writes.decline if what == "decline" else writes.cancel
    st.button(t(f"volunteer_action.{what}"), key=f"{form}_go", icon=":material/undo:" if what == "decline"
              else ":material/cancel:", on_click=submit,
              args=(form, ["reason"], lambda v: call(ctx.engine, actor=ctx.actor, order_id=order.id,
                                                      reason=v["reason"])),
              kwargs={"success": t(f"volunteer_order.saved_{what}")})


def service_form(ctx: PageContext, detail: OrderDetail) -> None:
    """The volunteers who served and the hours of each (the order's volunteer by default), and the day."""
    order = detail.order
    form = f"vo_service_{order.id}"
    form_message(form)
    people = _choices(ctx, order.community_id)
    already = {int(r["volunteer_id"]): float(r["hours"]) for r in detail.service.to_dict("records")}
    default = list(already) or ([order.volunteer_id] if order.volunteer_id in people else [])
    chosen = st.multiselect(t("volunteer_order.who_served"), list(people), default=default,
                            key=widget_key(form, "who"), format_func=people.get,
                            placeholder=t("volunteer_order.who_placeholder"))
    field_error(form, "volunteers")
    for number, volunteer_id in enumerate(chosen, 1):
        value = already.get(volunteer_id, 2.0)
        st.number_input(t("volunteer_order.hours_of", name=md_escape(people.get(volunteer_id, ""))), step=0.5,
                        format="%.1f", value=value, key=widget_key(form, f"h_{volunteer_id}"),
                        **number_bounds(HOURS, value))
        field_error(form, f"hours.{number}")
        field_error(form, f"volunteer.{number}")
    today = clock.today()
    date_field(t("volunteer_order.served_on"), key=widget_key(form, "served_on"), value=today)
    field_error(form, "served_on")
    fields = ["who", "served_on", *[f"h_{v}" for v in chosen]]

    def save(values: dict):
        rows = [{"volunteer_id": v, "hours": values.get(f"h_{v}")} for v in values["who"] or []]
        return writes.record_service(ctx.engine, actor=ctx.actor, order_id=order.id, rows=rows,
                                     served_on=values["served_on"])

    st.button(t("volunteer_action.record_service"), key=f"{form}_go", type="primary", icon=":material/timer:",
              on_click=submit, args=(form, fields, save), kwargs={"success": t("volunteer_order.saved_service")})


def sign_form(ctx: PageContext, detail: OrderDetail) -> None:
    order = detail.order
    form = f"vo_sign_{order.id}"
    form_message(form)
    methods = [SignOff.IN_PERSON.value, SignOff.PHONE.value]
    st.radio(t("volunteer_order.sign_method"), methods, key=widget_key(form, "method"), format_func=method_label,
             horizontal=True)
    field_error(form, "method")
    st.caption(t("volunteer_order.sign_hint"))
    st.button(t("volunteer_action.sign_off"), key=f"{form}_go", type="primary", icon=":material/draw:",
              on_click=submit, args=(form, ["method"], lambda v: writes.sign_off(
                  ctx.engine, actor=ctx.actor, settings=ctx.settings, order_id=order.id, method=v["method"])),
              kwargs={"success": t("volunteer_order.saved_sign")})


def qr_panel(ctx: PageContext, detail: OrderDetail) -> None:
    """A one-time sign-off link as a QR code for the person served to open on their own phone."""
    order = detail.order
    key = f"vo_qr_{order.id}"
    form_message(key)
    if st.button(t("volunteer_order.make_qr"), key=f"{key}_go", icon=":material/qr_code_2:"):
        try:
            token, expires = writes.make_link(ctx.engine, actor=ctx.actor, settings=ctx.settings, order_id=order.id)
        except DomainError as err:
            st.error(error_text(err), icon=":material/error:")
            return
        except SQLAlchemyError as err:  # nothing was made; the next press tries again
            st.error(outage.refusal(err), icon=":material/error:")
            return
        st.session_state[key] = (sign_url(token, ctx.settings), expires)
    shown = st.session_state.get(key)
    if shown:
        url, expires = shown
        show_qr(url, caption=t("volunteer_order.qr_caption", until=when(expires)))
        st.code(url, language=None)


def rate_form(ctx: PageContext, detail: OrderDetail) -> None:
    order = detail.order
    form = f"vo_rate_{order.id}"
    form_message(form)
    st.radio(t("volunteer_order.rating"), ["satisfied", "basic", "dissatisfied"], key=widget_key(form, "rating"),
             format_func=rating_label, horizontal=True)
    field_error(form, "rating")
    st.text_area(t("volunteer_order.comment"), key=widget_key(form, "comment"), height=80)
    field_error(form, "comment")
    st.button(t("volunteer_action.rate"), key=f"{form}_go", type="primary", icon=":material/star:",
              on_click=submit, args=(form, ["rating", "comment"], lambda v: writes.rate(
                  ctx.engine, actor=ctx.actor, order_id=order.id, data=v)),
              kwargs={"success": t("volunteer_order.saved_rate")})
