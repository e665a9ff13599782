"""Placeholder while issue 4 is built (replaced by its page)."""

import streamlit as st

from ui.context import page_context
from ui.i18n import t

ctx = page_context()
ctx.require("committee.read")
st.title(t("page.committee_units"))
