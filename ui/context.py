"""The engine, settings and logged-in actor that every page needs."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

import streamlit as st
from sqlalchemy import Engine

from data_access import clock
from data_access.accounts import auth, sessions
from data_access.bootstrap import open_database
from data_access.config import settings
from domain import access
from domain.access import Actor
from domain.errors import PermissionDenied
from domain.settings import Settings
from ui import cookies
from ui.i18n import t

SHOWN_AS = "_shown_as"  # the actor the current page was drawn for
COOKIE = "gongzhi_session"  # the browser's session cookie
TOKEN = "_session_token"  # this session's token, as in the cookie
COOKIE_TO_SET = "_cookie_to_set"  # a value for the cookie on the next draw ("" clears it)


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """One migrated (and, in demo mode, seeded) engine per database URL and process."""
    return open_database(settings())


@dataclass(frozen=True)
class PageContext:
    engine: Engine
    settings: Settings
    actor: Actor

    def can(self, permission: str, community_id: int | None = None, grid_id: int | None = None) -> bool:
        return access.can(self.actor, permission, community_id, grid_id)

    def require(self, *permissions: str) -> None:
        """Stop the page with a message unless the actor holds one of `permissions` somewhere."""
        if not any(self.can(permission) for permission in permissions):
            st.error(t("error.page_not_allowed"), icon=":material/block:")
            st.stop()


def current_engine() -> Engine:
    return engine_for(settings().database_url)


def start_session(actor: Actor) -> None:
    """Remember a successful login in this browser session, and in a cookie so that a reload, another tab or a
    server restart finds it again (data_access.accounts.sessions)."""
    now = clock.now()
    st.session_state["user_id"] = actor.id
    st.session_state["logged_in_at"] = now
    st.session_state["last_active"] = now
    token = sessions.start(current_engine(), actor.id, now=now)
    st.session_state[TOKEN] = st.session_state[COOKIE_TO_SET] = token


def restore_session() -> None:
    """A browser that comes back (a reload, a bookmark, a new tab, a server restart) with a good session cookie is
    logged in again without typing the password."""
    if "user_id" in st.session_state:
        return
    token = st.context.cookies.get(COOKIE)
    found = sessions.resume(current_engine(), settings(), token) if token else None
    if found is None:
        if token:
            st.session_state[COOKIE_TO_SET] = ""  # a cookie of an ended session is of no use: clear it
        return
    actor, issued_at = found
    st.session_state.update({"user_id": actor.id, "logged_in_at": issued_at, "last_active": clock.now(),
                             TOKEN: token})


def logout(actor: Actor) -> None:
    """End the session here, in the database and in the browser's cookie; audited."""
    sessions.logout(current_engine(), st.session_state.get(TOKEN), actor=actor)
    end_session()


def sync_cookie() -> None:
    """Write (or clear) the session cookie in the browser when a login or logout asked for it."""
    value = st.session_state.pop(COOKIE_TO_SET, None)
    if value is not None:
        secure = (st.context.url or "").startswith("https:")
        cookies.write(COOKIE, value, max_age=settings().session_hours * 3600 if value else 0, secure=secure)


def end_session(reason: str | None = None) -> None:
    """Forget the login (and everything the session held but the language); `reason` is a message key for the
    login page."""
    language, had_cookie = st.session_state.get("lang"), TOKEN in st.session_state
    st.session_state.clear()
    if language:
        st.session_state["lang"] = language
    if had_cookie:
        st.session_state[COOKIE_TO_SET] = ""
    if reason:
        st.session_state["login_notice"] = reason


def current_actor(*, touch: bool = True) -> Actor | None:
    """The logged-in user, reloaded on every action: a disabled or locked account, a reset password or a
    session idle for longer than config.yaml allows ends the session here. `touch=False` for what runs by
    itself (the big screen's refresh), which must not keep an unattended session alive."""
    user_id = st.session_state.get("user_id")
    if user_id is None:
        return None
    cfg = settings()
    now = clock.now()
    token = st.session_state.get(TOKEN)
    if token:  # a password login: the session row decides (idle and absolute limits, account, password, roles)
        found = sessions.resume(current_engine(), cfg, token, now=now, touch=touch)
        if found is None:
            end_session("login.session_ended")
            return None
        if touch:
            st.session_state["last_active"] = now
        return found[0]
    last = st.session_state.get("last_active")
    if last is not None and now - last > timedelta(minutes=cfg.idle_timeout_minutes):
        end_session("login.idle_timeout")
        return None
    actor = auth.load_actor(current_engine(), cfg, user_id, logged_in_at=st.session_state.get("logged_in_at"),
                                now=now)
    if actor is None:
        end_session("login.session_ended")
        return None
    if touch:
        st.session_state["last_active"] = now
    return actor


def page_context() -> PageContext:
    """The context for a page; stops the page with a message if nobody is logged in."""
    actor = current_actor()
    if actor is None:
        st.warning(t("login.expired"))
        st.stop()
    st.session_state[SHOWN_AS] = actor
    return PageContext(engine=current_engine(), settings=settings(), actor=actor)


def acting_actor() -> Actor | None:
    """The actor a callback may act as. Callbacks run before the page script, on what the page showed, so
    the session is checked again here: None if it has ended (disabled, locked, idle, password reset) or if
    the user's rights changed since the page was drawn."""
    actor = current_actor()
    if actor is None or actor != st.session_state.get(SHOWN_AS):
        return None
    return actor


def export_actor(ctx: PageContext) -> Callable[[], Actor]:
    """For a download built on click (no rerun, no session state): a function that checks the session as it
    stood when the page was drawn, at the moment of the click, and returns the actor reloaded then."""
    user_id, logged_in_at = st.session_state.get("user_id"), st.session_state.get("logged_in_at")
    drawn_at, idle = clock.now(), timedelta(minutes=ctx.settings.idle_timeout_minutes)

    def check() -> Actor:
        now = clock.now()
        actor = auth.load_actor(ctx.engine, ctx.settings, user_id, logged_in_at=logged_in_at, now=now)
        if actor is None or actor != ctx.actor or now - drawn_at > idle:
            raise PermissionDenied("login.session_ended")
        return actor
    return check
