"""Gongzhi (共治): the router. Page config, start-up checks, login gate, navigation by role."""

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from data_access.config import settings
from domain.errors import DomainError
from i18n import LANGUAGES
from ui import context
from ui.i18n import error_text, role_names, t

st.set_page_config(page_title="共治 Gongzhi", page_icon=":material/diversity_3:", layout="wide")

try:
    cfg = settings()
    context.current_engine()
except DomainError as err:
    st.error(t("app.startup_failed"), icon=":material/error:")
    st.error(error_text(err))
    st.stop()
except SQLAlchemyError as err:
    st.error(t("app.startup_failed"), icon=":material/error:")
    st.error(t("app.database_unreachable", detail=str(getattr(err, "orig", None) or err).splitlines()[0][:200]))
    st.stop()

actor = context.current_actor()
if actor is None:
    navigation = st.navigation([st.Page("pages/account/login.py", title=t("login.title"), icon=":material/login:")])
else:
    service = [
        st.Page("pages/service/overview.py", title=t("page.overview"), icon=":material/monitoring:",
                url_path="overview", default=True),
        st.Page("pages/service/ledger.py", title=t("page.ledger"), icon=":material/table_view:", url_path="ledger"),
    ]
    if any(cfg.roles[r].can & {"matter.create"} for r, _ in actor.roles if r in cfg.roles):
        service.append(st.Page("pages/service/intake.py", title=t("page.intake"), icon=":material/edit_note:",
                               url_path="intake"))
    service.append(st.Page("pages/service/matter.py", title=t("page.matter"), icon=":material/assignment:",
                           url_path="matter"))
    navigation = st.navigation({t("app.section_service"): service})
    with st.sidebar:
        st.markdown(f"**{t('app.name')}** · {t('app.tagline')}")
        st.caption(t("app.signed_in_as", name=actor.display_name))
        st.caption(t("app.roles", roles=role_names(actor.role_codes())))
        st.selectbox(t("app.language"), LANGUAGES, key="lang", format_func=lambda c: {"zh": "中文", "en": "English"}[c],
                     index=LANGUAGES.index(cfg.language))
        if st.button(t("app.logout"), key="logout", icon=":material/logout:"):
            st.session_state.clear()
            st.rerun()
navigation.run()
