"""我的志愿服务: a volunteer's own screen, made for a phone (390 px): who they are, their code as a QR for the store's
counter, their hours and points; their open orders as cards with what each step allows (take or decline, record the
service, show the one-time sign-off QR code to the person served); the orders signed lately and the points statement.
A team leader also sees their team's orders not yet taken by anyone and takes them for themselves or a member."""

from __future__ import annotations

from datetime import date

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access import clock
from data_access.volunteer import documents
from data_access.volunteer import orders as vo
from data_access.volunteer import queries as vq
from domain.errors import ValidationFailed
from domain.volunteer.orders import HOURS, Step
from ui import cached, widgets
from ui.context import page_context
from ui.format import day, when
from ui.forms import date_field, field_error, form_message, number_bounds, search_box, submit, widget_key
from ui.i18n import join, lang, md_escape, t
from ui.volunteer.common import hours_text, rating_label, show_qr, step_label
from ui.volunteer.phone import phone_look, points_change, points_text, sign_url

WATCH_SECONDS = 5  # while a sign-off QR code is shown, how often the page looks whether it was signed
STATEMENT_SIZE = 10
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
CERTIFICATE, CERTIFICATE_FILE = "mine_certificate", "mine_certificate_file"
SIGNED = "mine_signed"  # session key: the number of the order the person served just signed
ctx = page_context()
ctx.require("volunteer.serve")
phone_look()
st.title(t("page.volunteer_mine"))

work = cached.read(ctx.engine, "volunteer_my_work", actor=ctx.actor)
if work is None:
    st.info(t("volunteer_mine.no_record", username=md_escape(ctx.actor.username)), icon=":material/person_off:")
    st.markdown(t("volunteer_mine.no_record_todo", username=md_escape(ctx.actor.username)))
    st.stop()


def form_of(order_id: int) -> str:
    """One form per order card: take, decline, the service and the QR code share its message and its round."""
    return f"mine_{order_id}"


# --- who I am ---------------------------------------------------------------------------------------------------

with st.container(border=True, key="mine_me"):
    st.subheader(md_escape(work.name), anchor=False)
    team = t("volunteer_mine.team", team=work.team) if work.team else t("volunteer_mine.no_team")
    if work.leads_team:
        team = t("volunteer_mine.leads", team=work.leads_team)
    st.caption(md_escape(team))
    with st.container(horizontal=True, gap="large"):
        st.metric(t("volunteer_mine.hours"), hours_text(work.hours))
        st.metric(t("volunteer_mine.points"), points_text(work.points))
    with st.expander(t("volunteer_mine.my_code", code=work.code), icon=":material/qr_code_2:"):
        show_qr(work.code, caption=t("volunteer_mine.code_caption"), width=220)
        with st.container(key="mine_code_text"):
            st.markdown(work.code)

# messages of orders that left the list (declined; signed by the person served)
if number := st.session_state.pop(SIGNED, None):
    st.success(t("volunteer_mine.signed_now", number=md_escape(number)), icon=":material/task_alt:")
listed = {form_of(int(i)) for i in work.open_orders["id"]}
for key in [k for k in st.session_state if isinstance(k, str) and k.endswith("__message")]:
    form = key.removesuffix("__message")
    if form.removeprefix("mine_").isdigit() and form not in listed:
        form_message(form)


# --- the actions of a card ------------------------------------------------------------------------------------------

def take_part(row, detail) -> None:
    """接单 (a team order: for myself or a member of the team) and 拒单 with a reason."""
    form, oid = form_of(int(row.id)), int(row.id)
    fields = []
    if row.team_order and detail is not None and detail.order.team_id is not None:
        members = dict(cached.read(ctx.engine, "volunteer_choices", actor=ctx.actor,
                                   community_id=detail.order.community_id, team_id=detail.order.team_id))
        options = {work.volunteer_id: work.name, **{k: v.split(" · ")[0] for k, v in members.items()}}
        st.selectbox(t("volunteer_mine.take_for"), list(options), format_func=options.get,
                     key=widget_key(form, "volunteer_id"))
        field_error(form, "volunteer_id")
        fields = ["volunteer_id"]

    def save(values: dict):
        return vo.take(ctx.engine, actor=ctx.actor, order_id=oid, volunteer_id=values.get("volunteer_id"))

    st.button(t("volunteer_mine.take"), key=f"big_take_{oid}", type="primary", width="stretch",
              icon=":material/check_circle:", on_click=submit, args=(form, fields, save),
              kwargs={"success": lambda o: t("volunteer_mine.taken", number=md_escape(o.number))})
    with st.expander(t("volunteer_mine.decline"), icon=":material/do_not_disturb_on:"):
        st.text_input(t("volunteer_mine.decline_reason"), key=widget_key(form, "reason"))
        field_error(form, "reason")

        def decline(values: dict):
            return vo.decline(ctx.engine, actor=ctx.actor, order_id=oid, reason=values["reason"])

        st.button(t("volunteer_mine.decline_confirm"), key=f"mine_decline_{oid}", width="stretch",
                  on_click=submit, args=(form, ["reason"], decline),
                  kwargs={"success": lambda o: t("volunteer_mine.declined", number=md_escape(o.number))})


def people_key(order_id: int) -> str:
    return f"mine_people_{order_id}"


def add_person(order_id: int, volunteer_id: int, name: str) -> None:
    people = st.session_state.setdefault(people_key(order_id), [])
    if volunteer_id not in [p[0] for p in people]:
        people.append((volunteer_id, name, None))


def remove_person(order_id: int, volunteer_id: int) -> None:
    st.session_state[people_key(order_id)] = [p for p in st.session_state.get(people_key(order_id), [])
                                              if p[0] != volunteer_id]


def recorded(detail) -> list[tuple[int, str, float | None]]:
    """Who served and their hours as recorded; myself alone (hours to fill in) when nothing is recorded yet."""
    if detail is not None and not detail.service.empty:
        return [(int(r.volunteer_id), str(r.name), float(r.hours)) for r in detail.service.itertuples()]
    return [(work.volunteer_id, work.name, None)]


def service_part(row, detail) -> None:
    """记录服务: who served (myself by default, others of the community found by name), the hours of each and the
    day; again, to correct it, until the person served signs."""
    form, oid = form_of(int(row.id)), int(row.id)
    st.session_state.setdefault(people_key(oid), recorded(detail))
    people = st.session_state[people_key(oid)]
    served_on = clock.today()
    if detail is not None and not detail.service.empty and widgets.known(detail.service["served_on"].iloc[0]):
        served_on = pd.Timestamp(detail.service["served_on"].iloc[0]).date()
    date_field(t("volunteer_mine.served_on"), key=widget_key(form, "served_on"), value=served_on)
    field_error(form, "served_on")
    for number, (vid, name, hours) in enumerate(people, 1):
        st.number_input(t("volunteer_mine.hours_of", name=md_escape(name)), key=widget_key(form, f"hours_{vid}"),
                        value=float(hours or 1.0), step=0.5, format="%.1f", **number_bounds(HOURS, hours))
        field_error(form, f"hours.{number}")
        field_error(form, f"volunteer.{number}")
        if len(people) > 1:
            st.button(t("volunteer_mine.remove", name=md_escape(name)), key=f"mine_remove_{oid}_{vid}",
                      type="tertiary", icon=":material/close:", on_click=remove_person, args=(oid, vid))
    if not people:
        st.warning(t("volunteer_mine.nobody"), icon=":material/group_add:")
    field_error(form, "volunteers")
    team = detail.order.team_id if detail is not None else None  # who served with them: one of the team
    text = search_box(t("volunteer_mine.find"), f"mine_find_{oid}", limit=30) if team is not None else None
    if text and detail is not None:
        shown = {p[0] for p in people}
        found = [(i, label) for i, label in cached.read(ctx.engine, "volunteer_choices", actor=ctx.actor,
                                                         community_id=detail.order.community_id, search=text,
                                                         team_id=team, limit=10) if i not in shown]
        if not found:
            st.caption(t("volunteer_mine.none_found", text=md_escape(text)))
        else:
            labels = dict(found)
            pick = st.selectbox(t("volunteer_mine.find_pick"), list(labels), format_func=labels.get,
                                key=f"mine_pick_{oid}")
            st.button(t("volunteer_mine.add"), key=f"mine_add_{oid}", icon=":material/person_add:",
                      on_click=add_person, args=(oid, pick, labels[pick].split(" · ")[0]))
    fields = ["served_on"] + [f"hours_{p[0]}" for p in people]

    def save(values: dict):
        if not people:
            raise ValidationFailed({"volunteers": ("error.required", {})})
        rows = [{"volunteer_id": p[0], "hours": values.get(f"hours_{p[0]}")} for p in people]
        order = vo.record_service(ctx.engine, actor=ctx.actor, order_id=oid, rows=rows,
                                  served_on=values.get("served_on"))
        st.session_state.pop(people_key(oid), None)  # read again from what was saved
        return order

    st.button(t("volunteer_mine.record_save"), key=f"big_record_{oid}", type="primary", width="stretch",
              icon=":material/save:", on_click=submit, args=(form, fields, save),
              kwargs={"success": lambda o: t("volunteer_mine.recorded", number=md_escape(o.number),
                                             hours=hours_text(o.hours_tenths / 10))})


def qr_key(order_id: int) -> str:
    return f"mine_qr_{order_id}"


@st.fragment(run_every=WATCH_SECONDS)
def watch(order_id: int, number: str, expires) -> None:
    """While the QR code is shown: once the person served has signed (or the code expired), draw the page again."""
    if clock.now() >= expires:
        st.rerun(scope="app")
    try:
        detail = vq.order_detail(ctx.engine, actor=ctx.actor, order_id=order_id)
    except SQLAlchemyError:  # the database is away for a moment: look again at the next tick
        return
    if detail is None or detail.order.step != Step.SERVED:
        st.session_state.pop(qr_key(order_id), None)
        if detail is not None and detail.order.step in (Step.SIGNED, Step.RATED):
            st.session_state[SIGNED] = number
        st.cache_data.clear()  # the sign-off was a write: the hours, points and lists changed
        st.rerun(scope="app")


def sign_part(row, detail) -> None:
    """签单: the service recorded, and the one-time sign-off link as a QR code with its expiry and its text."""
    form, oid = form_of(int(row.id)), int(row.id)
    if detail is not None and not detail.service.empty:
        first = detail.service["served_on"].iloc[0]
        service = join(f"{name} {hours_text(hours)}" for name, hours in zip(detail.service["name"],
                                                                              detail.service["hours"], strict=True))
        st.caption(t("volunteer_mine.service_line", day=day(pd.Timestamp(first).date()),
                     service=md_escape(service)))
    link = st.session_state.get(qr_key(oid))
    live = link is not None and clock.now() < link[1]
    if live:
        token, expires = link
        url = sign_url(token, ctx.settings)
        show_qr(url, caption=t("volunteer_mine.qr_caption"), width=280)
        st.caption(t("volunteer_mine.qr_expires", time=clock.local(expires).strftime("%H:%M")))
        with st.container(key=f"mine_link_{oid}"):
            st.caption(t("volunteer_mine.link_text"))
            st.code(url, language=None, wrap_lines=True)
        watch(oid, str(row.number), expires)
    elif link is not None:
        st.warning(t("volunteer_mine.qr_expired"), icon=":material/timer_off:")

    def make(values: dict):
        st.session_state[qr_key(oid)] = made = vo.make_link(ctx.engine, actor=ctx.actor, settings=ctx.settings,
                                                             order_id=oid)
        return made

    st.button(t("volunteer_mine.qr_again" if live else "volunteer_mine.show_qr"), key=f"big_qr_{oid}",
              type="secondary" if live else "primary", width="stretch", icon=":material/qr_code_2:",
              on_click=submit, args=(form, [], make), kwargs={"success": t("volunteer_mine.qr_ready")})
    with st.expander(t("volunteer_mine.record_again"), icon=":material/edit:"):
        service_part(row, detail)


def order_card(row) -> None:
    oid, step = int(row.id), Step(int(row.step))
    detail = cached.read(ctx.engine, "volunteer_order", actor=ctx.actor, order_id=oid)
    with st.container(border=True, key=f"mine_order_{oid}"):
        badges = f":blue-badge[{step_label(step)}]"
        if row.team_order:
            badges += f" :orange-badge[{t('volunteer_mine.team_order')}]"
        st.markdown(f"**{md_escape(row.number)}** {badges}")
        st.markdown(f"**{md_escape(row.title)}**")
        st.markdown(f":material/location_on: {md_escape(row.place)}  \n"
                    f":material/schedule: {t('volunteer_mine.wanted', time=when(row.wanted_at))}")
        if detail is not None:
            with st.expander(t("volunteer_mine.details"), icon=":material/person:"):
                order = detail.order
                lines = [t("volunteer_mine.recipient", name=md_escape(order.recipient_name))]
                if order.recipient_phone:
                    lines.append(t("volunteer_mine.recipient_phone", phone=md_escape(order.recipient_phone)))
                if order.detail:
                    lines.append(t("volunteer_mine.detail", detail=md_escape(order.detail)))
                if order.due_at:
                    lines.append(t("volunteer_mine.due", time=when(order.due_at)))
                st.markdown("  \n".join(lines))
        form_message(form_of(oid))
        if step == Step.DISPATCHED:
            take_part(row, detail)
        elif step == Step.TAKEN:
            st.markdown(f"**{t('volunteer_mine.record')}**")
            service_part(row, detail)
        elif step == Step.SERVED:
            sign_part(row, detail)


# --- my open orders, signed lately, my points -------------------------------------------------------------------------

st.subheader(t("volunteer_mine.open_orders"), anchor=False)
if work.open_orders.empty:
    st.info(t("volunteer_mine.no_open"), icon=":material/inbox:")
for order_row in work.open_orders.itertuples():
    order_card(order_row)

st.subheader(t("volunteer_mine.recent"), anchor=False)
if work.recent.empty:
    st.caption(t("volunteer_mine.no_recent"))
else:
    with st.container(border=True, key="mine_recent"):
        for r in work.recent.itertuples():
            signed = day(clock.local(r.signed_at).date()) if widgets.known(r.signed_at) else t("common.none")
            line = t("volunteer_mine.recent_line", number=md_escape(r.number), title=md_escape(r.title))
            about = t("volunteer_mine.recent_detail", day=signed, hours=hours_text(r.hours),
                      rating=rating_label(r.rating))
            st.markdown(f"{line}  \n:gray[{about}]")

st.subheader(t("volunteer_mine.statement"), anchor=False)
offset = widgets.page_offset("mine_statement_page", STATEMENT_SIZE)
entries, total, _ = cached.read(ctx.engine, "volunteer_statement", actor=ctx.actor, volunteer_id=work.volunteer_id,
                                offset=offset, limit=STATEMENT_SIZE)
if total == 0:
    st.caption(t("volunteer_mine.no_statement"))
else:
    with st.container(border=True, key="mine_statement"):
        for e in entries.itertuples():
            what = t(f"volunteer_ledger_kind.{e.kind}")
            about = t("volunteer_mine.statement_order", number=md_escape(e.order_number)) \
                if widgets.known(e.order_number) else \
                t("volunteer_mine.statement_slip", number=md_escape(e.redemption_number)) \
                if widgets.known(e.redemption_number) else ""
            colour = "green" if e.points >= 0 else "red"
            st.markdown(f":{colour}[**{points_change(int(e.points))}**] · {what}  \n"
                        f":gray[{when(e.at)}{' · ' + about if about else ''}]")
    widgets.pager(total, STATEMENT_SIZE, "mine_statement_page", len(entries))

st.subheader(t("volunteer_mine.certificate"), anchor=False)
st.caption(t("volunteer_mine.certificate_hint"))
form_message(CERTIFICATE)
date_field(t("volunteer_mine.certificate_from"), key=widget_key(CERTIFICATE, "start"),
           value=date(clock.today().year, 1, 1))
field_error(CERTIFICATE, "start")
date_field(t("volunteer_mine.certificate_to"), key=widget_key(CERTIFICATE, "end"), value=clock.today())
field_error(CERTIFICATE, "end")


def make_certificate(values: dict):
    row, content = documents.certificate(ctx.engine, actor=ctx.actor, volunteer_id=work.volunteer_id,
                                         start=values["start"], end=values["end"], lang=lang())
    st.session_state[CERTIFICATE_FILE] = (row.serial, content)
    return row


st.button(t("volunteer_mine.certificate_make"), key="big_certificate", width="stretch",
          icon=":material/workspace_premium:", on_click=submit, args=(CERTIFICATE, ["start", "end"], make_certificate),
          kwargs={"success": lambda row: t("volunteer_mine.certificate_made", serial=md_escape(row.serial))})
if made := st.session_state.get(CERTIFICATE_FILE):
    st.download_button(t("volunteer_mine.certificate_download"), made[1], file_name=f"{made[0]}.docx",
                       mime=DOCX, key="big_certificate_file", icon=":material/download:", width="stretch")
