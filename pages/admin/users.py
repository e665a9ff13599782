"""Account administration (账号管理): find accounts, create one, and for the selected account change its profile and
roles, reset its password, disable or enable it, and lift a lockout."""

import math

import pandas as pd
import streamlit as st

from data_access import clock
from data_access.accounts import users
from domain.calendar import arrangement_running_out
from domain.settings import Settings
from ui.context import page_context
from ui.format import when
from ui.forms import errors_key, field_error, form_message, search_box, submit, widget_key
from ui.i18n import lang, md_escape, t
from ui.widgets import filter_box, forget_on_new_search

NEW = "users_new"
NEW_FIELDS = ["username", "display_name", "email", "password", "password_again", "role", "community_id", "grid_id"]
SELECTED = "users_selected"
TABLE = "users_table"

ctx = page_context()
ctx.require("account.manage")
cfg: Settings = ctx.settings
language = lang()
st.title(t("page.users"))
st.caption(t("users.intro"))
if calendar_end := arrangement_running_out(cfg.calendar, clock.today()):  # next year's arrangement is due
    st.warning(t("calendar.arrangement_ends", end=calendar_end.isoformat()), icon=":material/event_busy:")

communities = users.communities(ctx.engine, actor=ctx.actor)
role_labels = {code: role.label(language) for code, role in cfg.roles.items()}


def password_pair(form: str) -> None:
    """The password and its repetition, side by side, each with its message."""
    c1, c2 = st.columns(2)
    with c1:
        st.text_input(t("users.password"), type="password", key=widget_key(form, "password"),
                      help=t("users.password_help", min=cfg.password_min_length))
        field_error(form, "password")
    with c2:
        st.text_input(t("users.password_again"), type="password", key=widget_key(form, "password_again"))
        field_error(form, "password_again")


def role_text(code: str, place: str) -> str:
    label = role_labels.get(code, code)
    return f"{label}@{place}" if place else label


def place_widgets(form: str) -> None:
    """Role, community (for community roles) and optional grid; problems with them show under the grid."""
    c1, c2, c3 = st.columns(3)
    with c1:
        st.selectbox(t("users.role"), list(role_labels), format_func=role_labels.get, index=None,
                     placeholder=t("common.choose"), key=widget_key(form, "role"))
    code = st.session_state.get(widget_key(form, "role"))
    street = code in cfg.roles and cfg.roles[code].scope == "street"
    with c2:
        st.selectbox(t("users.community"), list(communities), format_func=communities.get, index=None,
                     placeholder=t("users.street_wide") if street else t("common.choose"), disabled=street,
                     key=widget_key(form, "community_id"))
    community = None if street else st.session_state.get(widget_key(form, "community_id"))
    grids = users.grids(ctx.engine, community, actor=ctx.actor)
    with c3:
        st.selectbox(t("users.grid"), list(grids), format_func=grids.get, index=None,
                     placeholder=t("users.whole_community"), disabled=street or not grids,
                     key=widget_key(form, "grid_id"))
    if street:
        st.caption(t("users.street_role_hint"))
    field_error(form, "roles")


def roles_from(values: dict) -> list[dict]:
    """The one role a place form describes (none if no role was chosen); street roles take no place."""
    code = values.get("role")
    if not code:
        return []
    street = code in cfg.roles and cfg.roles[code].scope == "street"
    return [{"role": code, "community_id": None if street else values.get("community_id"),
             "grid_id": None if street else values.get("grid_id")}]


def has_errors(form: str) -> bool:
    return bool(st.session_state.get(errors_key(form)))


# --- new account ---------------------------------------------------------------------------------------------

def create(values: dict) -> str:
    new_id = users.create_user(ctx.engine, actor=ctx.actor, settings=cfg, data=values, roles=roles_from(values))
    st.session_state[SELECTED] = new_id
    return values["username"].strip().lower()


with st.expander(t("users.new"), expanded=has_errors(NEW), icon=":material/person_add:"):
    st.caption(t("users.new_hint"))
    c1, c2, c3 = st.columns(3)
    with c1:
        st.text_input(t("users.username"), key=widget_key(NEW, "username"),
                      help=t("users.username_help"))
        field_error(NEW, "username")
    with c2:
        st.text_input(t("users.display_name"), key=widget_key(NEW, "display_name"))
        field_error(NEW, "display_name")
    with c3:
        st.text_input(t("users.email"), key=widget_key(NEW, "email"))
        field_error(NEW, "email")
    password_pair(NEW)
    place_widgets(NEW)
    st.button(t("users.create"), key="users_new_save", type="primary", icon=":material/person_add:",
              on_click=submit, args=(NEW, NEW_FIELDS, create),
              kwargs={"success": lambda username: t("users.created", username=md_escape(username))})
    form_message(NEW)

# --- the list ----------------------------------------------------------------------------------------------------

c1, c2, c3, c4 = st.columns([3, 2, 2, 1])
with c1:
    text = search_box(t("users.search"), "users_text", limit=60)
with c2:
    community_filter = filter_box(t("users.filter_community"), communities, "users_community", t("common.all"))
with c3:
    role_filter = filter_box(t("users.filter_role"), role_labels, "users_role", t("common.all"))

forget_on_new_search(SELECTED, text, community_filter, role_filter)
size = cfg.page_size
df, total = users.list_users(ctx.engine, actor=ctx.actor, text=text, community_id=community_filter,
                             role=role_filter, page=st.session_state.get("users_page", 1), page_size=size,
                             settings=cfg, lang=language)
pages = max(1, math.ceil(total / size))
if st.session_state.get("users_page", 1) > pages:  # the filters changed: show their last page
    st.session_state["users_page"] = pages
with c4:
    page = st.number_input(t("users.page_input"), min_value=1, max_value=pages, value=1, step=1, key="users_page")
st.session_state["users_page_ids"] = [int(i) for i in df["id"]]


def on_select() -> None:
    """Remember the account picked in the table (and forget it when the row is unselected)."""
    event = st.session_state.get(TABLE)
    rows = event.selection.rows if event is not None else []
    ids = st.session_state.get("users_page_ids", [])
    st.session_state[SELECTED] = ids[rows[0]] if rows and rows[0] < len(ids) else None


if df.empty:
    st.info(t("users.empty_filtered"), icon=":material/info:")
else:
    st.caption(t("common.page", page=min(page, pages), pages=pages, total=f"{total:,}") + " · " + t("users.list_hint"))
    view = df.drop(columns=["id"]).copy()
    view["email"] = view["email"].fillna(t("common.none"))
    view["last_login_at"] = [t("common.none") if pd.isna(v) else when(v) for v in df["last_login_at"]]
    config = {
        "username": st.column_config.TextColumn(t("users.username")),
        "display_name": st.column_config.TextColumn(t("users.display_name")),
        "email": st.column_config.TextColumn(t("users.email")),
        "active": st.column_config.CheckboxColumn(t("users.col_active")),
        "locked": st.column_config.CheckboxColumn(t("users.col_locked")),
        "last_login_at": st.column_config.TextColumn(t("users.col_last_login"), width="medium"),
        "roles": st.column_config.TextColumn(t("users.roles"), width="large"),
    }
    st.dataframe(view, hide_index=True, column_config=config, on_select=on_select, selection_mode="single-row",
                 key=TABLE, use_container_width=True)

# --- the selected account ----------------------------------------------------------------------------------------

selected = st.session_state.get(SELECTED)
detail = users.user_detail(ctx.engine, selected, actor=ctx.actor) if selected else None
if detail is None:
    st.session_state.pop(SELECTED, None)
    st.info(t("users.select_hint"), icon=":material/touch_app:")
    st.stop()

uid = detail.id
st.divider()
head, close = st.columns([5, 1])
with head:
    st.subheader(t("users.details"))
    st.text(t("users.who", display_name=detail.display_name, username=detail.username))
    status = t("users.status_active") if detail.is_active else t("users.status_disabled")
    login_text = t("users.last_login", time=when(detail.last_login_at)) if detail.last_login_at \
        else t("users.never_logged_in")
    st.caption(f"{status} · {login_text}")
    if detail.locked:
        st.warning(t("users.status_locked", until=when(detail.locked_until)), icon=":material/lock:")
    if uid == ctx.actor.id:
        st.caption(t("users.own_account"))
with close:
    if st.button(t("users.close"), key=f"users_close_{uid}", icon=":material/close:"):
        st.session_state.pop(SELECTED, None)
        st.session_state.pop(TABLE, None)  # unselect the row too, so that picking it again opens it
        st.rerun()

profile_tab, roles_tab, password_tab, status_tab = st.tabs(
    [t("users.profile"), t("users.role_list"), t("users.reset_password"), t("users.status")])

with profile_tab:
    PROFILE = f"users_profile_{uid}"
    c1, c2 = st.columns(2)
    with c1:
        st.text_input(t("users.display_name"), value=detail.display_name, key=widget_key(PROFILE, "display_name"))
        field_error(PROFILE, "display_name")
    with c2:
        st.text_input(t("users.email"), value=detail.email or "", key=widget_key(PROFILE, "email"))
        field_error(PROFILE, "email")
    st.button(t("users.save_profile"), key=f"users_profile_save_{uid}", type="primary", icon=":material/save:",
              on_click=submit, args=(PROFILE, ["display_name", "email"],
                                     lambda v: users.update_user(ctx.engine, actor=ctx.actor, user_id=uid, data=v)),
              kwargs={"success": t("users.profile_saved")})
    form_message(PROFILE)

with roles_tab:
    ROLES = f"users_roles_{uid}"
    ADD = f"users_addrole_{uid}"

    def current_roles() -> list[dict]:
        fresh = users.user_detail(ctx.engine, uid, actor=ctx.actor)
        rows = fresh.roles if fresh else ()
        return [{"role": r, "community_id": c, "grid_id": g} for r, c, g in rows]

    def remove(row: tuple):
        def save(_values: dict) -> None:
            kept = [r for r in current_roles() if (r["role"], r["community_id"], r["grid_id"]) != row]
            users.set_roles(ctx.engine, actor=ctx.actor, settings=cfg, user_id=uid, roles=kept)
        return save

    def add(values: dict) -> None:
        users.set_roles(ctx.engine, actor=ctx.actor, settings=cfg, user_id=uid,
                        roles=current_roles() + roles_from(values))

    form_message(ROLES)
    if not detail.roles:
        st.info(t("users.no_roles"), icon=":material/info:")
    for i, (row, place) in enumerate(zip(detail.roles, detail.places, strict=True)):
        c1, c2 = st.columns([5, 1])
        with c1:
            st.text(role_text(row[0], place))
        with c2:
            st.button(t("users.remove_role"), key=f"users_role_remove_{uid}_{i}", icon=":material/remove_circle:",
                      on_click=submit, args=(ROLES, [], remove(row)), kwargs={"success": t("users.role_removed")})
    st.markdown(f"**{t('users.add_role')}**")
    place_widgets(ADD)
    st.button(t("users.add_role"), key=f"users_addrole_save_{uid}", icon=":material/add:",
              on_click=submit, args=(ADD, ["role", "community_id", "grid_id"], add),
              kwargs={"success": t("users.role_added")})
    form_message(ADD)

with password_tab:
    PASSWORD = f"users_password_{uid}"
    st.caption(t("users.reset_hint"))
    password_pair(PASSWORD)
    st.button(t("users.reset_password"), key=f"users_password_save_{uid}", icon=":material/key:",
              on_click=submit, args=(PASSWORD, ["password", "password_again"],
                                     lambda v: users.reset_password(ctx.engine, actor=ctx.actor, settings=cfg,
                                                                    user_id=uid, password=v["password"],
                                                                    password_again=v["password_again"])),
              kwargs={"success": t("users.password_reset_done")})
    form_message(PASSWORD)

with status_tab:
    STATUS = f"users_status_{uid}"
    st.caption(t("users.disable_hint"))
    if detail.is_active:
        st.button(t("users.disable"), key=f"users_disable_{uid}", icon=":material/person_off:",
                  disabled=uid == ctx.actor.id, on_click=submit,
                  args=(STATUS, [], lambda _v: users.set_active(ctx.engine, actor=ctx.actor, user_id=uid, active=False,
                                                                settings=cfg)),
                  kwargs={"success": t("users.disabled_done")})
    else:
        st.button(t("users.enable"), key=f"users_enable_{uid}", icon=":material/person_check:", on_click=submit,
                  args=(STATUS, [], lambda _v: users.set_active(ctx.engine, actor=ctx.actor, user_id=uid, active=True,
                                                                settings=cfg)),
                  kwargs={"success": t("users.enabled_done")})
    if detail.locked or detail.failed_logins:
        st.button(t("users.unlock"), key=f"users_unlock_{uid}", icon=":material/lock_open:", on_click=submit,
                  args=(STATUS, [], lambda _v: users.unlock(ctx.engine, actor=ctx.actor, user_id=uid)),
                  kwargs={"success": t("users.unlocked")})
    form_message(STATUS)
