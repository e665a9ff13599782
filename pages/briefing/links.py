"""展示链接 (display links): make a link for a wall screen (a name, a scope, its slides, how long it works), copy its
address, rename and revoke it. Each action is one transaction with its audit entry (data_access/briefing/display.py).
"""

import pandas as pd
import streamlit as st

from data_access import clock
from data_access.briefing import display
from domain.briefing.screen import SLIDES
from ui import cached, widgets
from ui.briefing import screen
from ui.context import acting_actor, page_context
from ui.forms import field_error, form_message, submit, widget_key
from ui.i18n import md_escape, relabel, t

ctx = page_context()
ctx.require("briefing.display")
cfg = ctx.settings
NEW = "display_new"
st.title(t("links.title"))
st.caption(t("links.intro"))


communities = dict(cached.read(ctx.engine, "communities", actor=ctx.actor, permission="briefing.display"))
# the street is widgets.ALL, not None: a None option would keep its Chinese label after a switch to English
scopes = ([widgets.ALL] if display.holds(ctx.actor, "briefing.display", None) else []) + \
    [c for c in communities if display.holds(ctx.actor, "briefing.display", c)]


def scope_label(community_id) -> str:
    return t("briefing.street") if not community_id else communities.get(community_id, str(community_id))


with st.expander(t("links.new"), expanded=True, icon=":material/add_link:"):
    c1, c2 = st.columns([3, 2])
    c1.text_input(t("links.name"), key=widget_key(NEW, "name"), placeholder=t("links.name_help"))
    with c1:
        field_error(NEW, "name")
    relabel(widget_key(NEW, "community_id"))
    c2.selectbox(t("links.scope"), scopes, key=widget_key(NEW, "community_id"), format_func=scope_label)
    c3, c4 = st.columns([3, 2])
    c3.multiselect(t("links.slides"), SLIDES, key=widget_key(NEW, "slides"), placeholder=t("common.choose"),
                   format_func=lambda s: t(f"screen.slide_{s}"))
    with c3:
        field_error(NEW, "slides")
    c4.number_input(t("links.days"), min_value=1, max_value=cfg.briefing.link_max_days, step=1,
                    value=cfg.briefing.link_days, key=widget_key(NEW, "days"))
    with c4:
        field_error(NEW, "days")

    def create(values: dict) -> tuple[str, str]:
        actor = acting_actor()
        street_or_one = values["community_id"] or None
        token = display.create(ctx.engine, cfg, actor=actor, data={**values, "community_id": street_or_one})
        return values["name"], token

    st.button(t("links.create"), key="display_create", type="primary", icon=":material/add_link:", on_click=submit,
              args=(NEW, ["name", "community_id", "slides", "days"], create),
              kwargs={"success": lambda made: t("links.created", name=md_escape(made[0]))})
    form_message(NEW)
    made = st.session_state.pop(f"{NEW}__result", None)
    if made:
        st.code(screen.screen_url(made[1], cfg), language=None, wrap_lines=True)

st.subheader(t("links.list"))
now = clock.now()
links = display.links(ctx.engine, cfg, actor=ctx.actor, now=now)
if links.empty:
    st.info(t("links.empty"), icon=":material/info:")
    st.stop()

view = pd.DataFrame({
    "name": links["name"], "scope": [c if widgets.known(c) else t("briefing.street") for c in links["community"]],
    "status": [t(f"links.status_{s}") for s in links["status"]],
    "expires": [widgets.day_or_none(clock.local(v).date()) for v in links["expires_at"]],
    "used": [widgets.day_or_none(v) for v in links["last_used_on"]], "by": links["created_by"]})
st.dataframe(view, hide_index=True, width="stretch", key="display_links", column_config={
    "name": t("links.col_name"), "scope": t("links.col_scope"), "status": t("links.col_status"),
    "expires": t("links.col_expires"), "used": t("links.col_used"), "by": t("links.col_by")})

names = dict(zip(links["id"], links["name"], strict=True))
picked = st.selectbox(t("links.pick"), list(names), key="display_pick", format_func=lambda i: names[i])
row = links[links["id"] == picked].iloc[0]
if row["token"]:
    st.caption(t("links.open"))
    st.code(screen.screen_url(row["token"], cfg), language=None, wrap_lines=True)
    st.link_button(t("links.preview"), screen.screen_url(row["token"], cfg), icon=":material/tv:")


def rename() -> None:
    submit("display_rename", ["name"], lambda v: display.rename(ctx.engine, actor=acting_actor(), link_id=int(picked),
                                                                name=v["name"]), success=t("links.renamed"))


r1, r2 = st.columns([3, 1], vertical_alignment="bottom")
r1.text_input(t("links.rename_to"), key=widget_key("display_rename", "name"))
r2.button(t("links.rename"), key="display_rename_save", icon=":material/edit:", on_click=rename)
field_error("display_rename", "name")
form_message("display_rename")

if row["status"] == "active":
    confirm = st.checkbox(t("links.revoke_confirm", name=md_escape(row["name"])), key=f"display_revoke_ok_{picked}")
    if st.button(t("links.revoke"), key="display_revoke", icon=":material/link_off:", disabled=not confirm):
        display.revoke(ctx.engine, actor=ctx.actor, link_id=int(picked))
        st.cache_data.clear()
        st.toast(t("links.revoked", name=md_escape(row["name"])))
        st.rerun()
