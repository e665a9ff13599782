"""The page's look and behaviour beyond Streamlit's options, in one place, applied by app.py on every page:
theme.css (no English input hints) and theme.js (calendars in the session's language, the sidebar closing after a
page is picked on a narrow screen)."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from ui.i18n import lang, t

HERE = Path(__file__).parent
LOCALES = {"zh": "zh-CN", "en": "en-US"}
NARROW = 768  # px: Streamlit's own breakpoint, below which the sidebar lies over the page
# a range calendar's quick select, as Streamlit's frontend writes it -> the key of its words
QUICK_SELECT = {"Date range": "date_range", "Select...": "select", "Past Week": "past_week",
                "Past Month": "past_month", "Past 3 Months": "past_3_months", "Past 6 Months": "past_6_months",
                "Past Year": "past_year", "Past 2 Years": "past_2_years"}
COMPONENT = st.components.v2.component("gongzhi_theme", html="", js=(HERE / "theme.js").read_text())


def apply() -> None:
    """Style the page and start its script; call once per run, before the page."""
    st.html(HERE / "theme.css")  # only a style: Streamlit puts it out of the page's flow
    words = {english: t(f"locale.calendar.{key}") for english, key in QUICK_SELECT.items()}
    COMPONENT(key="gongzhi_theme", height=0,
              data={"locale": LOCALES.get(lang(), "zh-CN"), "narrow": NARROW,
                    "words": {english: word for english, word in words.items() if word != english}})
