"""Helpers for the page tests: a fresh database per test, accounts and places in it, AppTest runs of each page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, func, select
from streamlit.testing.v1 import AppTest

from data_access import clock, config
from data_access.accounts import auth
from data_access.bootstrap import open_database
from data_access.cli import add_community
from data_access.db import transaction
from data_access.models import Grid, Matter, User, UserRole
from domain.access import Actor
from domain.settings import Settings
from tests.templates import copy_template

ROOT = Path(__file__).resolve().parents[1]
APP = ROOT / "app.py"
PAGES = {name: ROOT / "pages" / "service" / f"{name}.py" for name in ("overview", "ledger", "intake", "matter")}
PAGES |= {name: ROOT / "pages" / "admin" / f"{name}.py" for name in ("users", "audit")}
PAGES |= {f"committee_{name}": ROOT / "pages" / "committee" / f"{name}.py"
          for name in ("dashboard", "units", "lists", "claims", "meetings", "chair")}
PAGES |= {f"council_{name}": ROOT / "pages" / "council" / f"{name}.py"
          for name in ("overview", "councils", "topics", "meetings", "live", "decisions")}
PAGES |= {f"briefing_{name}": ROOT / "pages" / "briefing" / f"{name}.py" for name in ("cockpit", "screen", "links")}
PAGES |= {f"volunteer_{name}": ROOT / "pages" / "volunteer" / f"{name}.py"
          for name in ("overview", "orders", "volunteers", "store", "mine", "sign")}
PAGES |= {f"fund_{name}": ROOT / "pages" / "fund" / f"{name}.py" for name in ("funds", "income", "spending")}
PAGES |= {f"fund_{name}": ROOT / "pages" / "fund" / f"{name}.py" for name in ("overview", "statement")}
TIMEOUT = 60
PASSWORD = "test-password-1"


def clear_caches() -> None:
    """Forget the settings, cached reads and engines of the previous test."""
    config.settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()


@dataclass
class PageDb:
    """The database the app under test opens (same URL), with the ids of its accounts."""

    engine: Engine
    settings: Settings
    users: dict[str, int] = field(default_factory=dict)

    def actor(self, username: str) -> Actor:
        actor = auth.load_actor(self.engine, self.settings, self.users[username])
        assert actor is not None
        return actor

    def add_user(self, username: str, role: str, community_id: int | None = None, grid_id: int | None = None) -> int:
        """A local account holding one role (street-wide when community_id is None; in one grid if given)."""
        with transaction(self.engine) as session:
            user = User(username=username, display_name=f"测试用户 {username}",
                        password_hash=auth.hash_password(PASSWORD), created_at=clock.now())
            session.add(user)
            session.flush()
            session.add(UserRole(user_id=user.id, role=role, community_id=community_id, grid_id=grid_id))
            user_id = user.id
        self.users[username] = user_id
        return user_id

    def add_place(self, community: str = "测试社区", code: str = "CS", grids: int = 2) -> tuple[int, list[int]]:
        """A community (in 测试街道) and its grids, added as the set-up command does: (community id, grid ids)."""
        community_id = add_community(self.engine, street="测试街道", name=community, code=code, grids=grids)
        return community_id, self.grids(community_id)

    def grids(self, community_id: int) -> list[int]:
        with transaction(self.engine) as session:
            return list(session.execute(select(Grid.id).where(Grid.community_id == community_id)
                                        .order_by(Grid.id)).scalars())

    def count_matters(self, *conditions) -> int:
        with transaction(self.engine) as session:
            return session.execute(select(func.count()).select_from(Matter).where(*conditions)).scalar_one()

    def matter(self, *conditions) -> Matter | None:
        with transaction(self.engine) as session:
            return session.execute(select(Matter).where(*conditions)).scalars().first()


def open_page_db(database_url: str, *, demo: bool, monkeypatch) -> PageDb:
    """Point the app at `database_url` and open it as the app would (migrated; seeded in demo mode)."""
    monkeypatch.setenv("GONGZHI_DATABASE_URL", database_url)
    monkeypatch.setenv("GONGZHI_DEMO", "1" if demo else "0")
    clear_caches()
    settings = config.settings()
    assert settings.database_url == database_url and settings.demo_mode is demo
    engine = open_database(settings)
    db = PageDb(engine=engine, settings=settings)
    with transaction(engine) as session:
        db.users = dict(session.execute(select(User.username, User.id)).all())
    return db


def _opened(path: Path, *, demo: bool) -> None:
    """A database as the app leaves it at its first start (migrated; seeded in demo mode)."""
    with pytest.MonkeyPatch.context() as monkeypatch:
        open_page_db(f"sqlite:///{path}", demo=demo, monkeypatch=monkeypatch).engine.dispose()
    clear_caches()


@contextmanager
def page_db(tmp_path: Path, name: str, *, demo: bool, monkeypatch) -> Iterator[PageDb]:
    """open_page_db on a fresh SQLite file in `tmp_path`, a copy of the one the app makes at its first start (built
    once per test process); afterwards its engine and the app's caches go."""
    path = tmp_path / f"{name}.db"
    copy_template("app_demo" if demo else "app_empty", partial(_opened, demo=demo), path)
    db = open_page_db(f"sqlite:///{path}", demo=demo, monkeypatch=monkeypatch)
    try:
        yield db
    finally:
        db.engine.dispose()
        clear_caches()


def app_test(monkeypatch=None) -> AppTest:
    """app.py (the router with its login gate), as the real server runs it."""
    return AppTest.from_file(str(APP), default_timeout=TIMEOUT)


def run_page(name: str, user_id: int | None, *, record: int | None = None, **state) -> AppTest:
    """Run one page (PAGES) for a logged-in user, with extra session state; `record` is the id of the record the
    page shows, put in its address (?id=) as a link would."""
    at = AppTest.from_file(str(PAGES[name]), default_timeout=TIMEOUT)
    if record is not None:
        at.query_params["id"] = str(record)
    if user_id is not None:
        at.session_state["user_id"] = user_id
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def texts(elements) -> list[str]:
    return [str(e.value) for e in elements]

