"""Password logins that survive a reload, a closed tab and a server restart: a random token in the browser's cookie,
its SHA-256 in `user_session`. A session is good while it has not ended, was used within the idle limit and issued
within the absolute one, and its account is active, not locked and has not had its password reset since. Logout
ends it (audited); disabling an account, resetting its password or changing its roles ends them all."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import Engine, select, update
from sqlmodel import Session

from data_access import audit, clock
from data_access.accounts.auth import load_actor
from data_access.db import reading, transaction
from data_access.models import UserSession
from domain.access import Actor
from domain.settings import Settings

TOUCH_EVERY = timedelta(seconds=60)  # last_used_at is written at most this often


def _hash(token: str) -> str:
    return hashlib.sha256(str(token).encode("utf-8", "replace")).hexdigest()


def start(engine: Engine, user_id: int, *, now: datetime | None = None) -> str:
    """A new session for a user who just logged in; the token for the browser's cookie."""
    now = now or clock.now()
    token = secrets.token_urlsafe(32)
    with transaction(engine) as session:
        session.add(UserSession(user_id=user_id, token_hash=_hash(token), issued_at=now, last_used_at=now))
    return token


def resume(engine: Engine, settings: Settings, token: str | None, *, now: datetime | None = None,
           touch: bool = True) -> tuple[Actor, datetime] | None:
    """(the actor, when the session was issued) for a good token, its use recorded unless `touch` is False (what
    runs by itself must not keep a session alive); None otherwise, and a session that has just gone bad is ended
    with its reason."""
    if not token or not isinstance(token, str) or len(token) > 200:
        return None
    now = now or clock.now()
    with reading(engine) as session:
        row = session.execute(select(UserSession).where(UserSession.token_hash == _hash(token))).scalars().first()
    if row is None or row.ended_at is not None:
        return None
    reason = ("idle" if now - row.last_used_at > timedelta(minutes=settings.idle_timeout_minutes)
              else "expired" if now - row.issued_at > timedelta(hours=settings.session_hours) else None)
    actor = None if reason else load_actor(engine, settings, row.user_id, logged_in_at=row.issued_at, now=now)
    if actor is None:
        _end(engine, row.id, reason or "invalid", now)
        return None
    if touch and now - row.last_used_at >= TOUCH_EVERY:
        with transaction(engine) as session:
            session.execute(update(UserSession).where(UserSession.id == row.id).values(last_used_at=now))
    return actor, row.issued_at


def _end(engine: Engine, session_id: int, reason: str, now: datetime) -> None:
    with transaction(engine) as session:
        session.execute(update(UserSession).where(UserSession.id == session_id, UserSession.ended_at.is_(None))
                        .values(ended_at=now, end_reason=reason))


def logout(engine: Engine, token: str | None, *, actor: Actor, now: datetime | None = None) -> None:
    """End the session of this token (if any) and record the logout."""
    now = now or clock.now()
    with transaction(engine) as session:
        if token:
            session.execute(update(UserSession).where(UserSession.token_hash == _hash(token),
                                                      UserSession.ended_at.is_(None))
                            .values(ended_at=now, end_reason="logout"))
        audit.record(session, actor=actor, action="account.logout", entity="user", entity_id=actor.id, at=now)


def end_all(session: Session, user_id: int, reason: str, now: datetime) -> None:
    """End every open session of a user, inside the caller's transaction."""
    session.execute(update(UserSession).where(UserSession.user_id == user_id, UserSession.ended_at.is_(None))
                    .values(ended_at=now, end_reason=reason))
