"""Placeholder of the council page 'live' while it is being built (issue 5)."""

import streamlit as st

from ui.context import page_context
from ui.i18n import t

ctx = page_context()
ctx.require("council.record")
st.title(t("page.council_live"))
