"""t(): the UI string in the session's language; labels of configured options; error messages."""

from __future__ import annotations

import re
import string
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


ESCAPED = frozenset(string.punctuation)  # every ASCII punctuation character: CommonMark lets each be escaped
WORD_JOINER = "\u2060"  # invisible, no break: keeps an autolink, shortcode or icon name from forming
JOINED = frozenset(":@")  # http://, mailto:, :smile:, :material/home:, :red[...]; a@b.example
WWW = re.compile(r"(?<=www)(?=\.)", re.IGNORECASE)  # www.example.org
BREAKS = re.compile(r"[ \t\n\r\f\v\x85\u2028\u2029]+")  # what Markdown reads as spaces and line breaks (not 　)


def md_escape(text: object) -> str:
    """User text (a name, a place, a note...) made literal in any element Streamlit renders as Markdown: markdown,
    caption, info / warning / error / success, toast, help tooltips, the labels of widgets, expanders, tabs and
    metrics, and the options of radios, pills and segmented controls. What the user typed shows as typed and can
    make no markup and no link:

    - one line: line breaks and runs of spaces and tabs become one space (as Markdown shows them), none leads, so
      no paragraph, heading, list, quote or code block can start inside it;
    - every ASCII punctuation character is backslash-escaped: no emphasis, link, image, HTML tag, entity, code,
      table, math or Streamlit directive (:red[...]);
    - a word joiner (U+2060, invisible) follows each ":" and "@" and sits inside "www.": remark-gfm finds
      autolink literals (http://..., www...., e-mail addresses) in the text after the escapes are resolved, and
      Streamlit turns :emoji: shortcodes and :material/...: names into pictures the same way, so escaping alone
      does not stop them.

    This is the only way user text enters Markdown (docs/architecture.md); plain-text elements (st.text, tables,
    chart labels, selectbox and multiselect options) take the text as it is."""
    line = WWW.sub(WORD_JOINER, BREAKS.sub(" ", str(text)).strip(" "))
    return "".join("\\" + ch + (WORD_JOINER if ch in JOINED else "") if ch in ESCAPED else ch for ch in line)


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
