"""服务签单: the one-time sign-off link (?sign=<token>) opened on the resident's own phone, without an account. It shows
the order (number, service, place, time, the volunteers' names masked and their hours; never the resident's data),
asks for a rating and an optional comment, and signs the order off with one big button. The thank-you stays through
the reruns of the session; the link opened again (a reload, another phone) says it was used, kindly. An expired or
unknown link says what to do: ask the volunteer for a new code. No sidebar, no menu. A database away shows the
calm page that retries by itself, as everywhere in the app."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access.config import settings
from data_access.volunteer.orders import link_order, sign_by_link
from domain.errors import DomainError, ValidationFailed
from domain.volunteer.orders import Rating, Step
from ui import context, theme
from ui.format import when
from ui.forms import field_error, form_message, submit, widget_key
from ui.i18n import error_text, labels, md_escape, t
from ui.outage import away, database_away, restore_typed
from ui.volunteer.common import hours_text
from ui.volunteer.phone import bare_page, phone_look

FORM = "sign"
DONE = "sign_done"  # session key: {token: order number} of the links this session signed
REFUSED = {  # a link's refusal -> (title, what to do)
    "volunteer_error.link_used": ("volunteer_sign.used", "volunteer_sign.used_detail"),
    "volunteer_error.link_expired": ("volunteer_sign.expired", "volunteer_sign.expired_detail"),
    "volunteer_error.link_unknown": ("volunteer_sign.unknown", "volunteer_sign.unknown_detail"),
}

restore_typed()  # what the calm page made the browser forget (app.py does this for the pages behind the login)
theme.apply()  # as app.py does for the other pages: no English input hints
bare_page()
phone_look()
token = str(st.query_params.get("sign") or "").strip()
st.title(t("page.volunteer_sign"), anchor=False)

try:
    cfg = settings()
    engine = context.current_engine()
except DomainError as err:
    st.error(t("app.startup_failed"), icon=":material/error:")
    st.error(error_text(err))
    st.stop()
except SQLAlchemyError as err:
    database_away(err)

number = st.session_state.get(DONE, {}).get(token)
if number is not None:  # signed in this session: the thank-you, whatever the link says now
    st.success(t("volunteer_sign.thanks_title"), icon=":material/task_alt:")
    st.markdown(t("volunteer_sign.thanks", number=md_escape(number)))
    st.stop()

try:
    shown = link_order(engine, token)
except DomainError as err:
    title, todo = REFUSED.get(err.key, ("volunteer_sign.unknown", "volunteer_sign.unknown_detail"))
    if err.key == "volunteer_error.link_used":
        st.success(t(title), icon=":material/task_alt:")
    else:
        st.warning(t(title), icon=":material/link_off:")
    st.markdown(t(todo))
    st.stop()
except SQLAlchemyError as err:
    if not away(err):
        raise
    database_away(err)

with st.container(border=True, key="sign_order"):
    st.caption(t("volunteer_sign.intro"))
    kinds = labels(cfg.volunteer.service_kinds)
    volunteers = "  \n".join(t("volunteer_sign.volunteer_hours", name=md_escape(name), hours=hours_text(hours))
                             for name, hours in shown["volunteers"]) or t("common.none")
    st.markdown("  \n".join([
        f"**{t('volunteer_sign.number')}**：{md_escape(shown['number'])}",
        f"**{t('volunteer_sign.service')}**：{md_escape(kinds.get(shown['service_kind'], shown['service_kind']))}"
        f" · {md_escape(shown['title'])}",
        f"**{t('volunteer_sign.place')}**：{md_escape(shown['place'])}",
        f"**{t('volunteer_sign.time')}**：{when(shown['wanted_at'])}",
    ]))
    st.markdown(f"**{t('volunteer_sign.volunteers')}**  \n{volunteers}")
    st.caption(t("volunteer_sign.privacy"))

if shown["step"] != Step.SERVED:
    st.warning(t("volunteer_sign.not_served"), icon=":material/hourglass_empty:")
    st.stop()

form_message(FORM)
ratings = [r.value for r in Rating]
st.radio(t("volunteer_sign.rating"), ratings, index=None, key=widget_key(FORM, "rating"),
         format_func=lambda r: t(f"volunteer_rating.{r}"), horizontal=True)
field_error(FORM, "rating")
st.text_area(t("volunteer_sign.comment"), key=widget_key(FORM, "comment"), height=90)
field_error(FORM, "comment")


def sign(values: dict):
    if values.get("rating") is None:  # asked for here: signing and rating are one step on the resident's phone
        raise ValidationFailed({"rating": ("error.required", {})})
    order = sign_by_link(engine, settings=cfg, token=token, data=values)
    st.session_state.setdefault(DONE, {})[token] = order.number
    return order


st.button(t("volunteer_sign.confirm"), key="big_sign", type="primary", width="stretch", icon=":material/draw:",
          on_click=submit, args=(FORM, ["rating", "comment"], sign), kwargs={"signed_in": False})
