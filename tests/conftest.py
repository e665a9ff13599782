"""Shared fixtures: real databases (a SQLite file; PostgreSQL when TEST_DATABASE_URL is set), settings, actors."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings
from sqlalchemy import text

from data_access.accounts.auth import login
from data_access.config import load_settings
from data_access.db import make_engine, migrate
from data_access.demo import street
from data_access.models import metadata
from domain.access import Actor
from tests.templates import copy_template

# timing limits belong in the benchmark: a busy CI machine must not fail a property test by its speed
hypothesis_settings.register_profile("gongzhi", deadline=None)
hypothesis_settings.load_profile("gongzhi")

PG_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", "postgresql"] if PG_URL else ["sqlite"]
NOW = datetime.fromisoformat("2026-11-20T10:00:00+08:00")


@pytest.fixture(scope="session", autouse=True)
def _display_secret(tmp_path_factory):
    """The tests' own secret for display links (the servers they start inherit it), never the project's file."""
    os.environ["GONGZHI_SECRET_FILE"] = str(tmp_path_factory.mktemp("secret") / "display-secret")


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


def _migrated(path: Path) -> None:
    eng = make_engine(f"sqlite:///{path}")
    migrate(eng)
    eng.dispose()


def _demo(path: Path) -> None:
    copy_template("migrated", _migrated, path)
    eng = make_engine(f"sqlite:///{path}")
    street.seed(eng, load_settings(), now=NOW)
    eng.dispose()


def _logins(engine, settings) -> dict[str, Actor]:
    return {username: login(engine, settings, username, "gongzhi-demo", now=NOW).actor
            for username, _, _ in street.ACCOUNTS}


_logged_in: dict[str, Actor] = {}  # the actors of the logins made in the "demo_logged_in" template


def _demo_logged_in(path: Path) -> None:
    copy_template("demo", _demo, path)
    eng = make_engine(f"sqlite:///{path}")
    _logged_in.update(_logins(eng, load_settings()))
    eng.dispose()


@pytest.fixture(params=BACKENDS)
def engine(request, tmp_path, settings):
    """An empty, migrated database of each configured backend; for a test that asks for demo_engine, the demo
    street (and for one that asks for actors, their logins). On SQLite each is a copy of a database built once
    per test process."""
    demo = "demo_engine" in request.fixturenames
    if request.param == "sqlite":
        path = tmp_path / "test.db"
        if "actors" in request.fixturenames:
            copy_template("demo_logged_in", _demo_logged_in, path)
        else:
            copy_template("demo" if demo else "migrated", _demo if demo else _migrated, path)
        eng = make_engine(f"sqlite:///{path}")
        yield eng
        eng.dispose()
    else:
        eng = request.getfixturevalue("_pg_engine")
        _truncate(eng)
        if demo:
            street.seed(eng, settings, now=NOW)
        yield eng


@pytest.fixture
def demo_engine(engine):
    """A database holding the demo street, its accounts and 300 matters (as of NOW)."""
    return engine


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    """For page tests: the app's database seeded with the demo street, its accounts and matters (GONGZHI_DEMO=1)."""
    from tests.pages_support import page_db

    with page_db(tmp_path, "demo", demo=True, monkeypatch=monkeypatch) as db:
        assert {"secretary", "worker", "leader"} <= set(db.users)
        yield db


@pytest.fixture
def actors(demo_engine, settings):
    """The demo accounts, logged in: {"secretary": Actor, ...}. On SQLite the logins are in the database copied."""
    if demo_engine.dialect.name == "sqlite":
        return dict(_logged_in)
    return _logins(demo_engine, settings)


def pytest_xdist_auto_num_workers(config):
    """`-n auto` (pyproject.toml) runs in one process against PostgreSQL: its tests share the one database, and one
    of them stops the cluster under the running app."""
    return 0 if PG_URL else None
