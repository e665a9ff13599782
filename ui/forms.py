"""Form helpers: validation messages next to each field, input kept on error, cleared after a save."""

from __future__ import annotations

import streamlit as st
from sqlalchemy.exc import SQLAlchemyError

from domain.errors import DomainError, ValidationFailed
from domain.fields import EARLIEST, LATEST, Span, plain
from ui import context, outage
from ui.i18n import error_text, md_escape, t


def widget_key(form: str, field: str) -> str:
    """The key of a form's widget. Each successful save starts a new round of keys, so the browser shows fresh
    widgets with their defaults (deleting a widget's state would not clear what the browser holds)."""
    round_ = st.session_state.get(f"{form}__round", 0)
    return f"{form}_{field}" if not round_ else f"{form}_{field}_r{round_}"


def errors_key(form: str) -> str:
    return f"{form}__errors"


def field_error(form: str, field: str) -> None:
    """Show the validation message of `field` right under its widget, if there is one."""
    error = st.session_state.get(errors_key(form), {}).get(field)
    if error:
        key, params = error
        st.error(t(key, **{k: md_escape(v) if isinstance(v, str) else v for k, v in params.items()}),
                 icon=":material/error:")


def form_message(form: str) -> None:
    """The form-level message (success or a general error), shown once."""
    message = st.session_state.pop(f"{form}__message", None)
    if message:
        kind, text = message
        (st.success if kind == "success" else st.error)(text)


def submit(form: str, fields: list[str], save, *, success: str | None = None, signed_in: bool = True) -> None:
    """Callback body: collect `form`'s widget values, call save(values); on success clear the fields.

    `save` raises DomainError on refusal; its message goes next to the field or above the form,
    and every typed value stays in its widget. With `signed_in`, nothing is saved unless the session is
    still valid and the user's rights are those the form was shown with.
    """
    try:
        if signed_in and context.acting_actor() is None:
            if "user_id" in st.session_state:
                st.session_state[f"{form}__message"] = ("error", t("error.rights_changed"))
            return
        result = save({field: st.session_state.get(widget_key(form, field)) for field in fields})
    except ValidationFailed as err:
        st.session_state[errors_key(form)] = err.errors
        st.session_state[f"{form}__message"] = ("error", error_text(err))
        return
    except DomainError as err:
        st.session_state[errors_key(form)] = {}
        st.session_state[f"{form}__message"] = ("error", error_text(err))
        return
    except SQLAlchemyError as err:  # the database went away, a lock timed out...: nothing was written, input kept
        st.session_state[f"{form}__message"] = ("error", outage.refusal(err))
        return
    st.session_state[errors_key(form)] = {}
    for field in fields:
        st.session_state.pop(widget_key(form, field), None)
    st.session_state[f"{form}__round"] = st.session_state.get(f"{form}__round", 0) + 1
    st.cache_data.clear()
    text = success(result) if callable(success) else (success or t("common.saved"))
    st.session_state[f"{form}__message"] = ("success", text)
    st.session_state[f"{form}__result"] = result


def search_box(label: str, key: str, *, limit: int, **kwargs) -> str | None:
    """A search or lookup box: the typed text made plain, or None when empty. Text longer than `limit` is not
    searched for; the box keeps it and says the limit and the length typed (a widget's own max_chars would drop
    a paste that is too long without a word)."""
    text = plain(st.text_input(label, key=key, **kwargs))
    if len(text) > limit:
        st.error(t("error.too_long", max=limit, length=len(text)), icon=":material/error:")
        return None
    return text or None


def date_field(label: str, key: str, **kwargs):
    """A date input whose calendar reaches far both ways. The browser puts the last good value back, without a word,
    for a date typed outside a date input's bounds, so a form never narrows them: its rule says what is wrong,
    next to the field, and what is on screen is what is saved."""
    return st.date_input(label, key=key, min_value=EARLIEST, max_value=LATEST, **kwargs)


def number_bounds(span: Span, value: float | None = None) -> dict:
    """A number input's min_value and max_value: the rule's range, widened to a stored value beyond it (one saved
    before the range existed). Streamlit refuses to draw a value outside its bounds; the rule says what is
    wrong, next to the field, if it is saved so."""
    low, high = span.low, span.high
    if value is not None:
        low, high = min(low, value), max(high, value)
    kind = type(value) if isinstance(value, int | float) else int if span.whole else float
    return {"min_value": kind(low), "max_value": kind(high)}
