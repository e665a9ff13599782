"""Shown to an account whose roles grant no screen yet: says so and whom to ask."""

import streamlit as st

from ui.context import page_context
from ui.i18n import role_names, t

ctx = page_context()
st.title(t("page.no_access"))
st.info(t("app.no_access", roles=role_names(ctx.actor.role_codes()) or t("common.none")), icon=":material/info:")
