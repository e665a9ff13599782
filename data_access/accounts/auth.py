"""Logging in: bcrypt passwords, lockout after repeated failures, single sign-on by e-mail, the first admin.

Every login, failure and lock is written to the audit trail. The actor is reloaded on every request, so a
disabled or locked account, or one whose password was reset, stops working at its next action.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

import bcrypt
from sqlalchemy import Engine, func, select, text

from data_access import audit, clock
from data_access.db import reading, transaction
from data_access.models import User, UserRole
from domain.access import Actor, grants_for
from domain.accounts import clean_account
from domain.errors import DomainError
from domain.fields import plain
from domain.settings import Settings

DEMO_PASSWORD = "gongzhi-demo"
UNKNOWN = "(unknown)"  # the actor of a failed login with a username no account has
ACCOUNTS_LOCK = 3650002  # PostgreSQL advisory lock taken by every write that must see all accounts
# Compared against when the username is unknown, so that a wrong name takes as long as a wrong password.
_NOBODY = bcrypt.hashpw(b"nobody", bcrypt.gensalt()).decode("ascii")


def lock_accounts(session) -> None:
    """Serialise writes that depend on the set of accounts (the first admin, the last admin). SQLite's
    BEGIN IMMEDIATE already does; PostgreSQL needs a transaction-level advisory lock."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": ACCOUNTS_LOCK})


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def check_password(password: str, hashed: str) -> bool:
    """Whether the password matches the hash; a password that is no text, holds a NUL or cannot be encoded never
    does."""
    if not isinstance(password, str):
        return False
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:
        return False


@dataclass(frozen=True)
class LoginResult:
    """The actor on success; otherwise the message key (and its params) to show."""

    actor: Actor | None
    error: str | None = None
    params: dict = field(default_factory=dict)


def _actor(session, user: User, settings: Settings) -> Actor:
    rows = session.execute(select(UserRole.role, UserRole.community_id, UserRole.grid_id)
                           .where(UserRole.user_id == user.id)).all()
    return Actor(id=user.id, username=user.username, display_name=user.display_name,
                 grants=grants_for(settings, rows))


def _locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _as_actor(user: User) -> Actor:
    return Actor(id=user.id, username=user.username, display_name=user.display_name)


def login(engine: Engine, settings: Settings, username: str, password: str,
          now: datetime | None = None) -> LoginResult:
    """Check a username and password; count failures and lock the account after too many in a row."""
    now = now or clock.now()
    name = plain(username).lower()
    # bcrypt's quarter of a second runs before the write transaction: on SQLite a transaction holds the one write
    # lock of the file, and logins that each held it through the hash made the others wait past the busy timeout
    # ("database is locked" for a few of 50 people logging in together, bench.load)
    with reading(engine) as session:
        stored = session.execute(select(User.password_hash).where(User.username == name)).scalars().first()
    matches = check_password(password, stored or _NOBODY)
    with transaction(engine) as session:
        user = session.execute(select(User).where(User.username == name).with_for_update()).scalars().first()
        if user is not None and user.password_hash != stored:  # the password was changed meanwhile
            matches = check_password(password, user.password_hash)
        if user is None:
            # not the name typed: people type their password into the username box
            audit.record(session, actor=Actor(None, UNKNOWN, ""), action="account.login_failed",
                         entity="user", entity_id=None, at=now, after={"reason": "unknown_user"})
            return LoginResult(None, "login.failed")
        if _locked(user, now):
            audit.record(session, actor=_as_actor(user), action="account.login_refused", entity="user",
                         entity_id=user.id, at=now, after={"reason": "locked"})
            return LoginResult(None, "login.locked", {"until": f"{clock.local(user.locked_until):%H:%M}"})
        if not matches:
            before = {"failed_logins": user.failed_logins, "locked_until": None}
            user.failed_logins += 1
            if user.failed_logins >= settings.max_failed_logins:
                user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                user.failed_logins = 0
                audit.record(session, actor=_as_actor(user), action="account.locked", entity="user",
                             entity_id=user.id, at=now, before=before,
                             after={"failed_logins": settings.max_failed_logins,
                                    "locked_until": user.locked_until.isoformat()})
                return LoginResult(None, "login.locked_now", {"minutes": settings.lockout_minutes,
                                                               "count": settings.max_failed_logins})
            audit.record(session, actor=_as_actor(user), action="account.login_failed", entity="user",
                         entity_id=user.id, at=now, before=before, after={"failed_logins": user.failed_logins})
            return LoginResult(None, "login.failed")
        if not user.is_active:
            return LoginResult(None, "login.disabled")
        return _logged_in(session, user, settings, now, "account.login")


def login_by_email(engine: Engine, settings: Settings, email: str, *, verified: bool | None = None,
                   now: datetime | None = None) -> LoginResult:
    """Single sign-on: the identity provider vouched for `email`; map it to an active local account.

    An address the provider marks as unverified (`verified` False) is refused: anyone could have typed it.
    Refusals are audited like failed logins."""
    now = now or clock.now()
    address = plain(email).lower()
    with transaction(engine) as session:
        user = session.execute(select(User).where(User.email == address).with_for_update()).scalars().first() \
            if address and verified is not False else None
        if user is None or not user.is_active or _locked(user, now):
            reason = ("unverified" if verified is False else "unknown" if user is None
                      else "disabled" if not user.is_active else "locked")
            audit.record(session, actor=_as_actor(user) if user else Actor(None, UNKNOWN, ""),
                         action="account.login_sso_refused", entity="user", entity_id=user.id if user else None,
                         at=now, after={"reason": reason, "email": address[:120]})
            if reason == "locked":
                return LoginResult(None, "login.locked", {"until": f"{clock.local(user.locked_until):%H:%M}"})
            return LoginResult(None, {"unverified": "login.sso_unverified", "disabled": "login.disabled"}
                               .get(reason, "login.sso_unknown"), {"email": address})
        return _logged_in(session, user, settings, now, "account.login_sso")


def _logged_in(session, user: User, settings: Settings, now: datetime, action: str) -> LoginResult:
    user.failed_logins, user.locked_until, user.last_login_at = 0, None, now
    audit.record(session, actor=_as_actor(user), action=action, entity="user", entity_id=user.id, at=now)
    return LoginResult(_actor(session, user, settings))


def load_actor(engine: Engine, settings: Settings, user_id: int, *, logged_in_at: datetime | None = None,
               now: datetime | None = None, locked_ok: bool = False) -> Actor | None:
    """The logged-in user for this request; None if the account was disabled, locked (unless `locked_ok`: a
    lockout stops logins, not what the account set up, such as its display links), or its password changed
    after `logged_in_at`."""
    now = now or clock.now()
    with reading(engine) as session:
        user = session.get(User, user_id)
        if user is None or not user.is_active or (_locked(user, now) and not locked_ok):
            return None
        if logged_in_at and user.password_changed_at and user.password_changed_at > logged_in_at:
            return None
        return _actor(session, user, settings)


def needs_first_admin(engine: Engine) -> bool:
    """True while the database has no account at all (a production install before its first login)."""
    with reading(engine) as session:
        return not session.execute(select(func.count()).select_from(User)).scalar_one()


def create_first_admin(engine: Engine, settings: Settings, data: dict, now: datetime | None = None) -> Actor:
    """Create the first administrator; refused once any account exists."""
    now = now or clock.now()
    values = clean_account(data, min_length=settings.password_min_length, with_password=True)
    with transaction(engine) as session:
        lock_accounts(session)
        if session.execute(select(func.count()).select_from(User)).scalar_one():
            raise DomainError("setup.already_done")
        user = User(username=values["username"], display_name=values["display_name"], email=values["email"],
                    password_hash=hash_password(values["password"]), created_at=now, password_changed_at=now,
                    last_login_at=now)
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=user.id, role="admin"))
        audit.record(session, actor=_as_actor(user), action="account.create_first_admin", entity="user",
                     entity_id=user.id, at=now,
                     after={"username": user.username, "display_name": user.display_name, "email": user.email,
                            "roles": [{"role": "admin", "community_id": None, "grid_id": None}]})
        return _actor(session, user, settings)


def demo_accounts(engine: Engine) -> list[tuple[str, str, list[str]]]:
    """(username, display name, roles) of every active account, for the demo login page."""
    with reading(engine) as session:
        users = session.execute(select(User).where(User.is_active).order_by(User.id)).scalars().all()
        roles: dict[int, list[str]] = {}
        for user_id, role in session.execute(select(UserRole.user_id, UserRole.role)):
            roles.setdefault(user_id, []).append(role)
        return [(u.username, u.display_name, sorted(set(roles.get(u.id, [])))) for u in users]
