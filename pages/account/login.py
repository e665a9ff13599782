"""Login: local accounts, optional single sign-on, and on a fresh production install the first admin account.

In demo mode the demo accounts are listed; in production (demo off) an empty database asks for the first admin.
"""

import pandas as pd
import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access.accounts import auth
from data_access.briefing import display
from data_access.config import settings
from data_access.demo.street import DISPLAY_LINK
from domain.errors import DomainError
from ui import outage
from ui.briefing.screen import screen_url
from ui.context import current_engine, start_session
from ui.forms import field_error, form_message, submit, widget_key
from ui.i18n import md_escape, role_names, t

cfg = settings()
SETUP = "setup"
SETUP_FIELDS = ["username", "display_name", "email", "password", "password_again"]


def sso_configured() -> bool:
    """Single sign-on is offered when secrets.toml has an [auth] section for st.login (OIDC)."""
    try:
        return "auth" in st.secrets
    except Exception:  # no secrets file at all  # noqa: BLE001
        return False


def guarded(callback):
    """A login callback whose database failure (away, locked) says so next to the form, not in an exception box."""
    def run() -> None:
        try:
            callback()
        except SQLAlchemyError as err:
            outage.unavailable(err)  # logged; the message is translated where it is shown
            st.session_state["login_error"] = ("app.try_again", {})
    return run


@guarded
def _login() -> None:
    result = auth.login(current_engine(), cfg, st.session_state.get("login_username") or "",
                            st.session_state.get("login_password") or "")
    st.session_state.pop("login_password", None)
    if result.actor is None:
        st.session_state["login_error"] = (result.error, result.params)
        return
    st.session_state.pop("login_error", None)
    start_session(result.actor)


def _create_first_admin(values: dict):
    actor = auth.create_first_admin(current_engine(), cfg, values)
    start_session(actor)
    return actor


def first_admin_form() -> None:
    """A production install with no account yet: the person installing it creates the first administrator."""
    st.title(t("setup.title"))
    st.info(t("setup.intro", min=cfg.password_min_length), icon=":material/admin_panel_settings:")
    form_message(SETUP)
    for field in SETUP_FIELDS:
        secret = field.startswith("password")
        st.text_input(t(f"setup.{field}"), key=widget_key(SETUP, field), type="password" if secret else "default",
                      autocomplete="new-password" if secret else "off")
        field_error(SETUP, field)
    st.button(t("setup.submit"), key="setup_save", type="primary", icon=":material/person_add:", on_click=submit,
              args=(SETUP, SETUP_FIELDS, _create_first_admin), kwargs={"signed_in": False})


@guarded
def _sso_login() -> None:
    """Map the identity the provider vouched for to a local account by e-mail."""
    result = auth.login_by_email(current_engine(), cfg, st.user.get("email") or "",
                                     verified=st.user.get("email_verified"))
    if result.actor is None:
        st.session_state["login_error"] = (result.error, result.params)
        return
    st.session_state.pop("login_error", None)
    start_session(result.actor)


if not cfg.demo_mode and auth.needs_first_admin(current_engine()):
    first_admin_form()
    st.stop()

st.title(t("login.title"))
st.caption(f"{t('app.name')} · {t('app.tagline')}")
notice = st.session_state.pop("login_notice", None)
if notice:
    st.warning(t(notice), icon=":material/schedule:")
left, right = st.columns([1, 1], gap="large")
with left:
    if sso_configured() and st.user.get("is_logged_in"):  # back from the identity provider: one click to enter
        st.button(t("login.sso_continue", email=md_escape(st.user.get("email") or "")), key="login_sso_continue",
                  type="primary", icon=":material/key:", on_click=_sso_login)
        st.button(t("login.sso_logout"), key="login_sso_logout", on_click=st.logout)
    with st.form("login"):
        st.text_input(t("login.username"), key="login_username", autocomplete="username")
        st.text_input(t("login.password"), key="login_password", type="password", autocomplete="current-password")
        st.form_submit_button(t("login.submit"), on_click=_login, type="primary", key="login_submit")
    error = st.session_state.get("login_error")
    if error:
        st.error(t(error[0], **{k: md_escape(v) for k, v in error[1].items()}), icon=":material/error:")
    if sso_configured() and not st.user.get("is_logged_in"):
        st.button(t("login.sso"), key="login_sso", icon=":material/key:", on_click=st.login)
if cfg.demo_mode:
    with right:
        st.subheader(t("login.demo_title"))
        st.info(t("login.demo_hint", password=auth.DEMO_PASSWORD))
        rows = [(username, name, role_names(roles))
                for username, name, roles in auth.demo_accounts(current_engine())]
        st.dataframe(pd.DataFrame(rows, columns=[t("login.demo_user"), t("login.demo_name"), t("login.demo_roles")]),
                     hide_index=True, key="login_demo_accounts")
        try:
            token = display.demo_token(current_engine(), cfg, DISPLAY_LINK)
        except DomainError:  # the signing secret cannot be read: logged for the administrator, no note here
            token = None
        if token:
            st.caption(t("login.demo_screen", name=DISPLAY_LINK))
            st.code(screen_url(token, cfg), language=None, wrap_lines=True)
            st.link_button(t("login.demo_screen_open"), screen_url(token, cfg), icon=":material/tv:")
