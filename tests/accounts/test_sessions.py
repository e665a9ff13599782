"""Login sessions kept across reloads and restarts (data_access/accounts/sessions.py), on a real database: good
within the idle and absolute limits; ended by logout (audited), a role change, a password reset, disabling and a
lockout; what runs by itself does not keep one alive; only the token's hash is stored."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from data_access.accounts import sessions, users
from data_access.db import reading, transaction
from data_access.models import AuditLog, User, UserSession
from tests.conftest import NOW

pytestmark = pytest.mark.db


def uid(engine, username: str) -> int:
    with reading(engine) as session:
        return session.execute(select(User.id).where(User.username == username)).scalar_one()


def row(engine, token: str) -> UserSession:
    with reading(engine) as session:
        return session.execute(select(UserSession).where(UserSession.token_hash == sessions._hash(token))).scalar_one()


def test_a_session_lasts_while_used_within_the_idle_and_absolute_limits(demo_engine, settings):
    token = sessions.start(demo_engine, uid(demo_engine, "worker"), now=NOW)
    idle = timedelta(minutes=settings.idle_timeout_minutes)
    at = NOW
    while at + idle - timedelta(minutes=1) < NOW + timedelta(hours=settings.session_hours):
        at += idle - timedelta(minutes=1)
        found = sessions.resume(demo_engine, settings, token, now=at)
        assert found is not None and found[0].username == "worker" and found[1] == NOW
    assert sessions.resume(demo_engine, settings, token, now=NOW + timedelta(hours=settings.session_hours, minutes=5)) \
        is None, "12 hours at most, however active"
    assert row(demo_engine, token).end_reason == "expired"
    other = sessions.start(demo_engine, uid(demo_engine, "worker"), now=NOW)
    assert sessions.resume(demo_engine, settings, other, now=NOW + idle + timedelta(seconds=1)) is None
    assert row(demo_engine, other).end_reason == "idle"


def test_what_runs_by_itself_does_not_keep_a_session_alive(demo_engine, settings):
    token = sessions.start(demo_engine, uid(demo_engine, "leader"), now=NOW)
    idle = timedelta(minutes=settings.idle_timeout_minutes)
    for minutes in range(5, settings.idle_timeout_minutes, 5):
        assert sessions.resume(demo_engine, settings, token, now=NOW + timedelta(minutes=minutes), touch=False)
    assert sessions.resume(demo_engine, settings, token, now=NOW + idle + timedelta(minutes=1), touch=False) is None


def test_logout_ends_it_and_is_audited_and_the_stored_value_is_not_the_token(demo_engine, settings, actors):
    token = sessions.start(demo_engine, uid(demo_engine, "secretary"), now=NOW)
    stored = row(demo_engine, token)
    assert stored.token_hash != token and token not in stored.token_hash
    sessions.logout(demo_engine, token, actor=actors["secretary"], now=NOW + timedelta(minutes=1))
    assert sessions.resume(demo_engine, settings, token, now=NOW + timedelta(minutes=2)) is None
    assert row(demo_engine, token).end_reason == "logout"
    with reading(demo_engine) as session:
        entry = session.execute(select(AuditLog).where(AuditLog.action == "account.logout")).scalar_one()
    assert entry.actor_name == "secretary"


@pytest.mark.parametrize("change", ["roles", "password", "disabled", "locked"])
def test_an_account_change_ends_its_sessions_at_once(demo_engine, settings, actors, change):
    worker = uid(demo_engine, "worker")
    token = sessions.start(demo_engine, worker, now=NOW)
    later = NOW + timedelta(minutes=2)
    if change == "roles":
        users.set_roles(demo_engine, actor=actors["admin"], settings=settings, user_id=worker,
                        roles=[{"role": "secretary", "community_id": 1, "grid_id": None}], now=later)
    elif change == "password":
        users.reset_password(demo_engine, actor=actors["admin"], settings=settings, user_id=worker,
                             password="new-worker-password", password_again="new-worker-password", now=later)
    elif change == "disabled":
        users.set_active(demo_engine, actor=actors["admin"], user_id=worker, active=False, now=later,
                         settings=settings)
    else:
        with transaction(demo_engine) as session:
            session.execute(update(User).where(User.id == worker).values(locked_until=later + timedelta(hours=1)))
    assert sessions.resume(demo_engine, settings, token, now=later + timedelta(seconds=1)) is None
    assert row(demo_engine, token).ended_at is not None


@pytest.mark.parametrize("bad", [None, "", "x", "a" * 500, "\x00", 42])
def test_anything_but_a_token_is_no_session(demo_engine, settings, bad):
    assert sessions.resume(demo_engine, settings, bad, now=NOW) is None
