"""Login: local accounts; in demo mode the demo accounts are listed."""

import pandas as pd
import streamlit as st

from data_access import accounts
from data_access.config import settings
from ui.context import current_engine
from ui.i18n import role_names, t


def _login() -> None:
    actor = accounts.authenticate(current_engine(), st.session_state.get("login_username") or "",
                                  st.session_state.get("login_password") or "")
    if actor is None:
        st.session_state["login_failed"] = True
        return
    st.session_state.pop("login_failed", None)
    st.session_state.pop("login_password", None)
    st.session_state["user_id"] = actor.id


st.title(t("login.title"))
st.caption(f"{t('app.name')} · {t('app.tagline')}")
left, right = st.columns([1, 1], gap="large")
with left:
    with st.form("login"):
        st.text_input(t("login.username"), key="login_username", autocomplete="username")
        st.text_input(t("login.password"), key="login_password", type="password", autocomplete="current-password")
        st.form_submit_button(t("login.submit"), on_click=_login, type="primary", key="login_submit")
    if st.session_state.get("login_failed"):
        st.error(t("login.failed"), icon=":material/error:")
if settings().demo_mode:
    with right:
        st.subheader(t("login.demo_title"))
        st.info(t("login.demo_hint", password=accounts.DEMO_PASSWORD))
        rows = [(username, name, role_names(roles))
                for username, name, roles in accounts.demo_accounts(current_engine())]
        st.table(pd.DataFrame(rows, columns=[t("login.demo_user"), t("login.demo_name"), t("login.demo_roles")])
                 .set_index(t("login.demo_user")))
