"""Local accounts: password hashing (bcrypt), login, and loading the actor for each request."""

from __future__ import annotations

import bcrypt
from sqlalchemy import Engine, select

from data_access.db import reading
from data_access.models import User, UserRole
from domain.access import Actor

DEMO_PASSWORD = "gongzhi-demo"


def hash_password(password: str) -> str:
    return bcrypt.hashpw(password.encode("utf-8"), bcrypt.gensalt()).decode("ascii")


def check_password(password: str, hashed: str) -> bool:
    try:
        return bcrypt.checkpw(password.encode("utf-8"), hashed.encode("ascii"))
    except ValueError:
        return False


def _actor(session, user: User) -> Actor:
    rows = session.execute(select(UserRole.role, UserRole.community_id).where(UserRole.user_id == user.id))
    return Actor(id=user.id, username=user.username, display_name=user.display_name,
                 roles=tuple((role, community) for role, community in rows))


def authenticate(engine: Engine, username: str, password: str) -> Actor | None:
    """The actor for a correct username and password of an active account, else None."""
    with reading(engine) as session:
        user = session.execute(select(User).where(User.username == username.strip())).scalars().first()
        if user is None or not user.is_active or not check_password(password, user.password_hash):
            return None
        return _actor(session, user)


def load_actor(engine: Engine, user_id: int) -> Actor | None:
    """Reload a logged-in user on each request, so a disabled account stops working at once."""
    with reading(engine) as session:
        user = session.get(User, user_id)
        if user is None or not user.is_active:
            return None
        return _actor(session, user)


def demo_accounts(engine: Engine) -> list[tuple[str, str, list[str]]]:
    """(username, display name, roles) of every account, for the demo login page."""
    with reading(engine) as session:
        users = session.execute(select(User).order_by(User.id)).scalars().all()
        roles: dict[int, list[str]] = {}
        for user_id, role in session.execute(select(UserRole.user_id, UserRole.role)):
            roles.setdefault(user_id, []).append(role)
        return [(u.username, u.display_name, sorted(set(roles.get(u.id, [])))) for u in users]
