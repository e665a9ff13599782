"""Placeholder of the council page 'topics' while it is being built (issue 5)."""

import streamlit as st

from ui.context import page_context
from ui.i18n import t

ctx = page_context()
ctx.require("council.read")
st.title(t("page.council_topics"))
