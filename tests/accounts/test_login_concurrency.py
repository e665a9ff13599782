"""A login checks its password (bcrypt, a quarter of a second) without holding SQLite's one write lock: logins
that held it through the hash made 50 people logging in together fail with "database is locked" (bench.load)."""

from __future__ import annotations

import sqlite3

import pytest

from data_access.accounts import auth
from tests.conftest import NOW

pytestmark = pytest.mark.db


def test_the_password_is_checked_outside_the_write_transaction(demo_engine, settings, monkeypatch):
    if demo_engine.dialect.name != "sqlite":
        pytest.skip("SQLite's file-wide write lock")
    checked = []
    real = auth.check_password

    def check_while_another_writes(password: str, hashed: str) -> bool:
        other = sqlite3.connect(demo_engine.url.database, timeout=0.2)
        try:
            other.execute("BEGIN IMMEDIATE")  # raises "database is locked" if the login holds the write lock
            other.rollback()
        finally:
            other.close()
        checked.append(hashed)
        return real(password, hashed)

    monkeypatch.setattr(auth, "check_password", check_while_another_writes)
    assert auth.login(demo_engine, settings, "worker", "gongzhi-demo", now=NOW).actor is not None
    assert auth.login(demo_engine, settings, "worker", "wrong", now=NOW).error == "login.failed"
    assert auth.login(demo_engine, settings, "nobody", "gongzhi-demo", now=NOW).error == "login.failed"
    assert len(checked) == 3  # one hash each, the unknown name's too (no timing difference)
