"""t(): the UI string in the session's language; labels of configured options; error messages."""

from __future__ import annotations

from collections.abc import Iterable

import streamlit as st

from data_access.config import settings
from domain.errors import DomainError
from domain.settings import Option
from i18n import translate


def lang() -> str:
    chosen = st.session_state.get("lang")
    if chosen:
        return chosen
    try:
        return settings().language
    except DomainError:  # a broken config.yaml is reported in Chinese
        return "zh"


MARKDOWN_SPECIAL = set("\\`*_{}[]()#+-.!<>|~:$")


def md_escape(text: object) -> str:
    """User text made safe inside a Markdown-rendering element (caption, info, error...): it shows as typed."""
    return "".join("\\" + ch if ch in MARKDOWN_SPECIAL else ch for ch in str(text))


def t(key: str, **params: object) -> str:
    return translate(lang(), key, **params)


def relabel(key: str) -> None:
    """Before a keyed choice whose labels are translated: after a language switch, send its value again, so that
    the browser shows the label in the new language. (The browser keeps the label it shows and, with a key, the same
    widget; unless the value is sent anew it goes on showing the old language's label.)"""
    marker = f"{key}__lang"
    if st.session_state.get(marker) != lang() and st.session_state.get(key) is not None:
        st.session_state[key] = st.session_state[key]
    st.session_state[marker] = lang()


def label(option: Option) -> str:
    return option.label(lang())


def labels(options) -> dict[str, str]:
    """code -> label of configured options (for format_func and for table columns)."""
    return {o.code: o.label(lang()) for o in options}


def error_text(err: DomainError) -> str:
    """The user's message for a domain error, with step and action names filled in."""
    params = {k: md_escape(v) if isinstance(v, str) else v for k, v in err.params.items()}
    if "step" in params:
        params["step_name"] = t(f"step.{params['step']}")
    if "action" in params:
        params["action_name"] = t(f"action.{params['action']}")
    return t(err.key, **params)


def join(items: Iterable[object]) -> str:
    """A list in a sentence or a cell, written as the session's language writes one: 甲、乙 or A, B."""
    return t("locale.list_separator").join(str(item) for item in items)


def role_names(codes) -> str:
    """The configured names of role codes, joined for display."""
    roles = settings().roles
    return join(roles[c].label(lang()) for c in codes if c in roles)
