"""Shared fixtures: real databases (a SQLite file; PostgreSQL when TEST_DATABASE_URL is set), settings, actors."""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from sqlalchemy import text

from data_access.accounts.auth import login
from data_access.config import load_settings
from data_access.db import make_engine, migrate
from data_access.demo import street
from data_access.models import metadata

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
NOW = datetime.fromisoformat("2026-11-20T10:00:00+08:00")


@pytest.fixture(scope="session")
def settings():
    return load_settings()


@pytest.fixture(scope="session")
def _pg_engine():
    engine = make_engine(PG_URL)
    with engine.begin() as conn:
        conn.execute(text("DROP SCHEMA public CASCADE; CREATE SCHEMA public"))
    migrate(engine)
    yield engine
    engine.dispose()


def _truncate(engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path):
    """An empty, migrated database of each configured backend."""
    if request.param == "sqlite":
        eng = make_engine(f"sqlite:///{tmp_path}/test.db")
        migrate(eng)
        yield eng
        eng.dispose()
    else:
        eng = request.getfixturevalue("_pg_engine")
        _truncate(eng)
        yield eng


@pytest.fixture
def demo_engine(engine, settings):
    """A database holding the demo street, its accounts and 300 matters (as of NOW)."""
    street.seed(engine, settings, now=NOW)
    return engine


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    """For page tests: the app's database seeded with the demo street, its accounts and matters (GONGZHI_DEMO=1)."""
    from tests.pages_support import page_db

    with page_db(tmp_path, "demo", street=True, monkeypatch=monkeypatch) as db:
        assert {"secretary", "worker", "leader"} <= set(db.users)
        yield db


@pytest.fixture
def actors(demo_engine, settings):
    """The demo accounts, logged in: {"secretary": Actor, ...}."""
    return {username: login(demo_engine, settings, username, "gongzhi-demo", now=NOW).actor
            for username, _, _ in street.ACCOUNTS}
