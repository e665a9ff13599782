"""When the database cannot be reached: a calm page that tries again by itself, and nothing the user typed is lost.

The driver's message, the database's address and the traceback go to the server's log only. A save refused
because the database went away says it was not saved; what was typed is kept through the outage (Streamlit
forgets the values of widgets a run does not draw, and the calm page draws none) and put back when the page
returns.
"""

from __future__ import annotations

import logging
import time
from datetime import date, datetime
from datetime import time as clock_time

import streamlit as st
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError, InterfaceError, OperationalError, SQLAlchemyError

from ui import context
from ui.i18n import t

RETRY_SECONDS = 5
KEPT = "__typed_before_outage"  # session key: {widget key: value} saved when the calm page replaced a page
KEEPABLE = (str, int, float, date, datetime, clock_time)  # what text, number, date and choice widgets hold
log = logging.getLogger("gongzhi")


def away(err: Exception) -> bool:
    """Whether `err` says the database cannot be reached (rather than that a statement was wrong)."""
    return isinstance(err, (OperationalError, InterfaceError)) or (
        isinstance(err, DBAPIError) and err.connection_invalidated)


def refusal(err: SQLAlchemyError) -> str:
    """The message of a save that failed in the database: not saved, input kept (database away), or the error's
    kind (a lock timeout or a constraint hit at the same moment). Nothing was written either way."""
    if away(err):
        log.warning("a save failed: the database cannot be reached", exc_info=err)
        return t("app.not_saved")
    return t("error.unexpected", detail=type(err.orig or err).__name__)


def unavailable(err: SQLAlchemyError) -> str:
    """The message of an action other than a save (showing personal data, logging in...) that failed in the
    database: try again shortly. The details go to the server's log."""
    log.warning("an action failed in the database", exc_info=err)
    return t("app.try_again")


def _ticked_box(key: str) -> bool:
    """Whether `key` is a checkbox's or a toggle's. A button's state is a boolean too, and may not be set; only
    Streamlit's record of the widget tells them apart (its own session state; without it, no boolean is kept)."""
    try:
        from streamlit.runtime.state import get_session_state

        state = get_session_state()._state
        meta = state.get_widget_metadata(state._get_widget_id(key))
    except Exception:  # noqa: BLE001 - another Streamlit's internals: keep no boolean rather than fail the page
        return False
    return meta is not None and meta.value_type == "bool_value"


def _keepable(key: object, value: object) -> bool:
    """A value a user typed, picked or ticked."""
    if not isinstance(key, str) or key.startswith(("_", "$$")):
        return False
    if isinstance(value, bool):
        return _ticked_box(key)
    if isinstance(value, list | tuple):
        return all(isinstance(v, KEEPABLE) and not isinstance(v, bool) for v in value)
    return isinstance(value, KEEPABLE)


def keep_typed() -> None:
    """Before the calm page replaces a page: keep the values of its inputs."""
    kept = st.session_state.get(KEPT, {})
    for key, value in st.session_state.to_dict().items():
        if key != KEPT and _keepable(key, value):
            kept.setdefault(key, value)
    st.session_state[KEPT] = kept


def restore_typed() -> None:
    """At the start of a run, before any input is drawn: put back what the calm page made the browser forget.
    Every kept value is set again, also one the server still holds: the browser draws the inputs afresh, empty,
    unless the value is sent to it as a new one."""
    for key, value in st.session_state.pop(KEPT, {}).items():
        st.session_state[key] = value


@st.fragment(run_every=RETRY_SECONDS)
def wait_for_database() -> None:
    """Try the database again every few seconds (not within a run that just failed); once it answers, the page
    comes back by itself."""
    if time.monotonic() - st.session_state.get("database_away_since", 0.0) < RETRY_SECONDS:
        return
    try:
        with context.current_engine().connect() as connection:
            connection.execute(text("SELECT 1"))
    except SQLAlchemyError:
        return
    st.rerun()


def database_away(err: Exception) -> None:
    """A calm page in place of the driver's message, keeping what was typed; then wait for the database."""
    log.warning("the database cannot be reached", exc_info=err)
    keep_typed()
    st.info(t("app.database_away"), icon=":material/cloud_off:")
    st.session_state["database_away_since"] = time.monotonic()
    wait_for_database()
    st.stop()
