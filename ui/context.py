"""The engine, settings and logged-in actor that every page needs."""

from __future__ import annotations

from dataclasses import dataclass

import streamlit as st
from sqlalchemy import Engine

from data_access import accounts
from data_access.bootstrap import open_database
from data_access.config import settings
from domain import access
from domain.access import Actor
from domain.settings import Settings


@st.cache_resource(show_spinner=False)
def engine_for(url: str) -> Engine:
    """One migrated (and, in demo mode, seeded) engine per database URL and process."""
    return open_database(settings())


@dataclass(frozen=True)
class PageContext:
    engine: Engine
    settings: Settings
    actor: Actor

    @property
    def scope(self) -> tuple[int, ...] | None:
        allowed = access.scope(self.actor, self.settings)
        return None if allowed is None else tuple(sorted(allowed))

    def within_scope(self, community_id: int | None) -> tuple[int, ...] | None:
        """The communities a read may touch: one chosen community, or every one in scope (None = all)."""
        scope = self.scope
        ids = access.limit_to_scope(None if community_id is None else [community_id],
                                    None if scope is None else frozenset(scope))
        return None if ids is None else tuple(ids)

    def can(self, permission: str, community_id: int | None = None) -> bool:
        return access.can(self.actor, self.settings, permission, community_id)


def current_engine() -> Engine:
    return engine_for(settings().database_url)


def current_actor() -> Actor | None:
    """The logged-in user, reloaded so that a disabled account stops at its next action."""
    user_id = st.session_state.get("user_id")
    if user_id is None:
        return None
    actor = accounts.load_actor(current_engine(), user_id)
    if actor is None:
        st.session_state.pop("user_id", None)
    return actor


def page_context() -> PageContext:
    """The context for a page; stops the page with a message if nobody is logged in."""
    actor = current_actor()
    if actor is None:
        from ui.i18n import t
        st.warning(t("login.expired"))
        st.stop()
    return PageContext(engine=current_engine(), settings=settings(), actor=actor)
