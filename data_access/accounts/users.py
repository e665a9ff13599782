"""Account administration: list and find accounts, create them, change their profile and roles, reset a password,
disable, enable and unlock.

Every function takes the acting user and requires a street-wide grant of "account.manage"; anything else is refused
before anything is read or written. Each write is one transaction that also records the audit entry with the values
before and after (a password only ever as {"password": "reset"}, never its value or its hash).

All writes here are serialised (SQLite: BEGIN IMMEDIATE; PostgreSQL: a transaction-level advisory lock), so the
guard that keeps one active administrator cannot be beaten by two administrators disabling each other at once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

import pandas as pd
from sqlalchemy import Engine, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from data_access import audit, clock
from data_access.accounts.auth import hash_password, lock_accounts
from data_access.accounts.sessions import end_all
from data_access.db import reading, transaction
from data_access.models import Community, Grid, User, UserRole
from domain.access import Actor
from domain.accounts import check_password, clean_account
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from domain.fields import form, is_id, plain, shown
from domain.settings import Settings
from i18n import translate

PERMISSION = "account.manage"
COLUMNS = ["id", "username", "display_name", "email", "active", "locked", "last_login_at", "roles"]

RoleRow = tuple[str, int | None, int | None]  # (role, community_id, grid_id)


@dataclass(frozen=True)
class UserDetail:
    """One account as the admin screen shows it (never the password hash)."""

    id: int
    username: str
    display_name: str
    email: str | None
    is_active: bool
    locked: bool
    locked_until: datetime | None
    failed_logins: int
    last_login_at: datetime | None
    password_changed_at: datetime | None
    created_at: datetime
    roles: tuple[RoleRow, ...]
    places: tuple[str, ...] = ()  # per role: "康盛社区" or "康盛社区/第1网格"; "" for a street-wide role


# --- permission and shared helpers ---------------------------------------------------------------------------

def _require_admin(actor: Actor) -> None:
    """Only a street-wide grant of account.manage may administer accounts (they span every community)."""
    if not any(PERMISSION in g.can and g.community_id is None for g in actor.grants):
        raise PermissionDenied("error.permission", permission=PERMISSION)


def _settings(settings: Settings | None) -> Settings:
    if settings is not None:
        return settings
    from data_access.config import settings as process_settings
    return process_settings()


def _locked(user: User, now: datetime) -> bool:
    return user.locked_until is not None and user.locked_until > now


def _role_dicts(rows: Iterable[RoleRow]) -> list[dict]:
    return [{"role": r, "community_id": c, "grid_id": g}
            for r, c, g in sorted(rows, key=lambda x: (x[0], x[1] or 0, x[2] or 0))]


def _roles_of(session: Session, user_id: int) -> list[RoleRow]:
    rows = session.execute(select(UserRole.role, UserRole.community_id, UserRole.grid_id)
                           .where(UserRole.user_id == user_id)).all()
    return sorted(((r, c, g) for r, c, g in rows), key=lambda x: (x[0], x[1] or 0, x[2] or 0))


def _locked_user(session: Session, user_id: int) -> User:
    user = session.execute(select(User).where(User.id == user_id).with_for_update()).scalars().first() \
        if is_id(user_id) else None
    if user is None:
        raise DomainError("users.not_found")
    return user


def _admin_roles(settings: Settings) -> set[str]:
    """Street-wide roles that grant account.manage: only these may use this module (see _require_admin)."""
    return {code for code, role in settings.roles.items() if PERMISSION in role.can and role.scope == "street"}


def _grants_admin(settings: Settings, rows: Iterable[RoleRow]) -> bool:
    admin = _admin_roles(settings)
    return any(role in admin for role, _, _ in rows)


def _other_active_admins(session: Session, settings: Settings, user_id: int) -> int:
    """How many active accounts other than `user_id` hold a street-wide role granting account.manage."""
    admin = _admin_roles(settings)
    if not admin:
        return 0
    query = (select(func.count(func.distinct(User.id))).select_from(User)
             .join(UserRole, UserRole.user_id == User.id)
             .where(User.is_active, User.id != user_id, UserRole.role.in_(admin)))
    return session.execute(query).scalar_one()


def _clean_roles(session: Session, settings: Settings, roles: list[dict] | None) -> list[RoleRow]:
    """Check a whole role set; raise ValidationFailed on the field "roles" with the first problem found."""
    def refuse(key: str, **params):
        raise ValidationFailed({"roles": (key, params)})

    if not roles:
        refuse("users.role_required")
    if not isinstance(roles, list | tuple):
        refuse("error.not_a_form")
    cleaned: list[RoleRow] = []
    for item in roles:
        item = form(item)
        code = item.get("role")
        community_id, grid_id = item.get("community_id"), item.get("grid_id")
        spec = settings.roles.get(code) if code and isinstance(code, str) else None
        if spec is None:
            refuse("users.role_unknown", role=shown(code or ""))
        community_id = None if community_id in (None, "") else community_id
        grid_id = None if grid_id in (None, "") else grid_id
        if not (community_id is None or is_id(community_id)) or not (grid_id is None or is_id(grid_id)):
            refuse("users.community_unknown")
        if spec.scope == "street":
            if community_id is not None or grid_id is not None:
                refuse("users.street_role_no_community")
        else:
            if community_id is None:
                refuse("users.role_needs_community")
            if session.get(Community, community_id) is None:
                refuse("users.community_unknown")
            if grid_id is not None:
                grid = session.get(Grid, grid_id)
                if grid is None or grid.community_id != community_id:
                    refuse("users.grid_outside")
        row = (code, community_id, grid_id)
        if row in cleaned:
            refuse("users.role_duplicate")
        cleaned.append(row)
    for role, community_id, grid_id in cleaned:  # a whole-community role already covers each of its grids
        if grid_id is not None and (role, community_id, None) in cleaned:
            refuse("users.role_covered")
    return sorted(cleaned, key=lambda x: (x[0], x[1] or 0, x[2] or 0))


def _taken(err: IntegrityError, values: dict) -> ValidationFailed:
    """A unique constraint hit by a concurrent write, as the same message the check gives."""
    detail = str(err.orig or err).lower()
    if "email" in detail:
        return ValidationFailed({"email": ("users.email_taken", {"email": values.get("email") or ""})})
    return ValidationFailed({"username": ("users.username_taken", {"username": values.get("username") or ""})})


# --- reads ------------------------------------------------------------------------------------------------------

def _like(value: str) -> str:
    escaped = value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def list_users(engine: Engine, *, actor: Actor, text: str = "", community_id: int | None = None,
               role: str | None = None, page: int = 1, page_size: int = 50, settings: Settings | None = None,
               lang: str = "zh", now: datetime | None = None) -> tuple[pd.DataFrame, int]:
    """One page of accounts matching the filters (ordered by username) and the number of all that match.

    `text` matches username, display name or e-mail; `community_id` and `role` keep accounts holding a role in that
    community and/or that role (both on the same role row). The "roles" column reads like "社区工作者@康盛社区/第1网格",
    with role names from `settings` in `lang` when given.
    """
    _require_admin(actor)
    now = now or clock.now()
    conditions = []
    needle = plain(text).lower()
    community_id = community_id if community_id is None or is_id(community_id) else -1  # no community's
    role = role if role is None or isinstance(role, str) else "?"  # no role's
    if needle:
        pattern = _like(needle)
        conditions.append(or_(func.lower(User.username).like(pattern, escape="\\"),
                              func.lower(User.display_name).like(pattern, escape="\\"),
                              func.lower(func.coalesce(User.email, "")).like(pattern, escape="\\")))
    if community_id is not None or role:
        held = [UserRole.user_id == User.id]
        if community_id is not None:
            held.append(UserRole.community_id == community_id)
        if role:
            held.append(UserRole.role == role)
        conditions.append(exists().where(*held))
    page_size = min(max(1, page_size), 1000) if isinstance(page_size, int) else 50
    with reading(engine) as session:
        total = session.execute(select(func.count()).select_from(User).where(*conditions)).scalar_one()
        pages = max(1, -(-total // page_size))
        page = min(max(1, page), pages) if isinstance(page, int) else 1
        rows = session.execute(
            select(User.id, User.username, User.display_name, User.email, User.is_active, User.locked_until,
                   User.last_login_at)
            .where(*conditions).order_by(User.username).offset((page - 1) * page_size).limit(page_size)).all()
        ids = [r.id for r in rows]
        held_roles: dict[int, list[str]] = {}
        if ids:
            names = session.execute(
                select(UserRole.user_id, UserRole.role, Community.name, Grid.name)
                .outerjoin(Community, Community.id == UserRole.community_id)
                .outerjoin(Grid, Grid.id == UserRole.grid_id)
                .where(UserRole.user_id.in_(ids))
                .order_by(UserRole.user_id, UserRole.role, UserRole.community_id, UserRole.grid_id)).all()
            for user_id, code, community, grid in names:
                spec = settings.roles.get(code) if settings else None
                label = spec.label(lang) if spec else code
                place = f"{community}/{grid}" if community and grid else community
                held_roles.setdefault(user_id, []).append(f"{label}@{place}" if place else label)
    separator = translate(lang, "locale.list_separator")  # 、 or ", "
    df = pd.DataFrame(
        [{"id": r.id, "username": r.username, "display_name": r.display_name, "email": r.email,
          "active": bool(r.is_active), "locked": r.locked_until is not None and r.locked_until > now,
          "last_login_at": r.last_login_at, "roles": separator.join(held_roles.get(r.id, []))} for r in rows],
        columns=COLUMNS)
    return df, total


def user_detail(engine: Engine, user_id: int, *, actor: Actor, now: datetime | None = None) -> UserDetail | None:
    """The account `user_id` with its role rows (role, community_id, grid_id); None if there is none."""
    _require_admin(actor)
    now = now or clock.now()
    if not is_id(user_id):
        return None
    with reading(engine) as session:
        user = session.get(User, user_id)
        if user is None:
            return None
        roles = _roles_of(session, user.id)
        communities = dict(session.execute(select(Community.id, Community.name).where(
            Community.id.in_({c for _, c, _ in roles if c is not None}))).all())
        grids = dict(session.execute(select(Grid.id, Grid.name).where(
            Grid.id.in_({g for _, _, g in roles if g is not None}))).all())
        places = tuple("/".join(filter(None, (communities.get(c), grids.get(g)))) for _, c, g in roles)
        return UserDetail(id=user.id, username=user.username, display_name=user.display_name, email=user.email,
                          is_active=user.is_active, locked=_locked(user, now), locked_until=user.locked_until,
                          failed_logins=user.failed_logins, last_login_at=user.last_login_at,
                          password_changed_at=user.password_changed_at, created_at=user.created_at,
                          roles=tuple(roles), places=places)


def communities(engine: Engine, *, actor: Actor) -> dict[int, str]:
    """id -> name of every community (an account administrator assigns roles anywhere)."""
    _require_admin(actor)
    with reading(engine) as session:
        return dict(session.execute(select(Community.id, Community.name).order_by(Community.id)).all())


def grids(engine: Engine, community_id: int | None, *, actor: Actor) -> dict[int, str]:
    """id -> name of a community's grids (none without a community)."""
    _require_admin(actor)
    if not is_id(community_id):
        return {}
    with reading(engine) as session:
        return dict(session.execute(select(Grid.id, Grid.name).where(Grid.community_id == community_id)
                                    .order_by(Grid.id)).all())


# --- writes -----------------------------------------------------------------------------------------------------

def create_user(engine: Engine, *, actor: Actor, settings: Settings, data: dict, roles: list[dict],
                now: datetime | None = None) -> int:
    """A new active account with its roles; returns its id.

    `data` holds username, display_name, email (optional), password and password_again; `roles` a list of
    {role, community_id, grid_id}. Every problem is reported at once as ValidationFailed on its field ("roles" for
    the role set); nothing is written then.
    """
    _require_admin(actor)
    now = now or clock.now()
    data = form(data)
    errors: dict[str, tuple[str, dict]] = {}
    try:
        values = clean_account(data, min_length=settings.password_min_length, with_password=True)
    except ValidationFailed as err:
        errors.update(err.errors)
        values = {"username": plain(data.get("username")).lower() if "username" not in errors else "",
                  "email": plain(data.get("email")).lower() or None if "email" not in errors else None}
    hashed = None if errors else hash_password(values["password"])  # slow: done before the write lock is taken
    try:
        with transaction(engine) as session:
            lock_accounts(session)
            try:
                cleaned = _clean_roles(session, settings, roles)
            except ValidationFailed as err:
                errors.update(err.errors)
                cleaned = []
            if "username" not in errors and values["username"] and session.execute(
                    select(User.id).where(User.username == values["username"])).first():
                errors["username"] = ("users.username_taken", {"username": values["username"]})
            if "email" not in errors and values["email"] and session.execute(
                    select(User.id).where(User.email == values["email"])).first():
                errors["email"] = ("users.email_taken", {"email": values["email"]})
            if errors:
                raise ValidationFailed(errors)
            user = User(username=values["username"], display_name=values["display_name"], email=values["email"],
                        password_hash=hashed, is_active=True, created_at=now, password_changed_at=now)
            session.add(user)
            session.flush()
            session.add_all(UserRole(user_id=user.id, role=r, community_id=c, grid_id=g) for r, c, g in cleaned)
            audit.record(session, actor=actor, action="user.create", entity="user", entity_id=user.id, at=now,
                         after={"username": user.username, "display_name": user.display_name, "email": user.email,
                                "is_active": True, "roles": _role_dicts(cleaned)})
            session.flush()
            return user.id
    except IntegrityError as err:
        raise _taken(err, values) from err


def _clean_profile(data: dict) -> dict:
    """display_name and email checked by the account rules (the username is not part of a profile change)."""
    probe = {"username": "user", "display_name": data.get("display_name"), "email": data.get("email")}
    try:
        values = clean_account(probe, min_length=1, with_password=False)
    except ValidationFailed as err:
        raise ValidationFailed({k: v for k, v in err.errors.items() if k in ("display_name", "email")}) from err
    return {"display_name": values["display_name"], "email": values["email"]}


def update_user(engine: Engine, *, actor: Actor, user_id: int, data: dict, now: datetime | None = None) -> None:
    """Change an account's display name and e-mail (the keys present in `data`)."""
    _require_admin(actor)
    now = now or clock.now()
    data = form(data)
    values = {}
    try:
        with transaction(engine) as session:
            lock_accounts(session)
            user = _locked_user(session, user_id)
            wanted = {"display_name": data.get("display_name", user.display_name),
                      "email": data.get("email", user.email)}
            values = _clean_profile(wanted)
            if values["email"] and values["email"] != user.email and session.execute(
                    select(User.id).where(User.email == values["email"], User.id != user.id)).first():
                raise ValidationFailed({"email": ("users.email_taken", {"email": values["email"]})})
            before = {k: getattr(user, k) for k in values if getattr(user, k) != values[k]}
            if not before:
                return
            after = {k: values[k] for k in before}
            for key, value in after.items():
                setattr(user, key, value)
            audit.record(session, actor=actor, action="user.update", entity="user", entity_id=user.id, at=now,
                         before=before, after=after)
    except IntegrityError as err:
        raise _taken(err, values) from err


def set_roles(engine: Engine, *, actor: Actor, settings: Settings, user_id: int, roles: list[dict],
              now: datetime | None = None) -> None:
    """Replace an account's role set with `roles` ({role, community_id, grid_id} each)."""
    _require_admin(actor)
    now = now or clock.now()
    with transaction(engine) as session:
        lock_accounts(session)
        user = _locked_user(session, user_id)
        cleaned = _clean_roles(session, settings, roles)
        current = _roles_of(session, user.id)
        if cleaned == current:
            return
        if _grants_admin(settings, current) and not _grants_admin(settings, cleaned):
            if user.id == actor.id:
                raise DomainError("users.cannot_demote_self")
            if user.is_active and not _other_active_admins(session, settings, user.id):
                raise DomainError("users.last_admin")
        for row in session.execute(select(UserRole).where(UserRole.user_id == user.id)).scalars():
            session.delete(row)
        session.flush()
        session.add_all(UserRole(user_id=user.id, role=r, community_id=c, grid_id=g) for r, c, g in cleaned)
        end_all(session, user.id, "roles", now)  # new rights take effect at the next login
        audit.record(session, actor=actor, action="user.roles", entity="user", entity_id=user.id, at=now,
                     before={"roles": _role_dicts(current)}, after={"roles": _role_dicts(cleaned)})


def reset_password(engine: Engine, *, actor: Actor, settings: Settings, user_id: int, password: str,
                   password_again: str, now: datetime | None = None) -> None:
    """Give an account a new password; its open sessions end, and a lockout or failure count is cleared."""
    _require_admin(actor)
    now = now or clock.now()
    password, password_again = password or "", password_again or ""
    with reading(engine) as session:
        username = session.execute(select(User.username).where(User.id == user_id)).scalar() \
            if is_id(user_id) else None
    if username is None:
        raise DomainError("users.not_found")
    check_password(password, username=username, min_length=settings.password_min_length)
    if password != password_again:
        raise ValidationFailed({"password_again": ("error.password_mismatch", {})})
    hashed = hash_password(password)
    with transaction(engine) as session:
        lock_accounts(session)
        user = _locked_user(session, user_id)
        before = audit.snapshot_values({"failed_logins": user.failed_logins, "locked_until": user.locked_until})
        user.password_hash, user.password_changed_at = hashed, now
        user.failed_logins, user.locked_until = 0, None
        end_all(session, user.id, "password", now)
        audit.record(session, actor=actor, action="user.password_reset", entity="user", entity_id=user.id, at=now,
                     before=before, after={"password": "reset", "failed_logins": 0, "locked_until": None,
                                           "password_changed_at": now.isoformat()})


def set_active(engine: Engine, *, actor: Actor, user_id: int, active: bool, now: datetime | None = None,
               settings: Settings | None = None) -> None:
    """Enable or disable an account. A disabled account cannot log in and its open sessions end at once.

    Refused for the actor's own account and for the last active account that may administer accounts.
    """
    _require_admin(actor)
    now = now or clock.now()
    settings = _settings(settings)
    if not isinstance(active, bool):
        raise ValidationFailed({"active": ("error.unknown_choice", {"value": shown(active)})})
    with transaction(engine) as session:
        lock_accounts(session)
        user = _locked_user(session, user_id)
        if user.is_active == bool(active):
            return
        if not active:
            if user.id == actor.id:
                raise DomainError("users.cannot_disable_self")
            if _grants_admin(settings, _roles_of(session, user.id)) and \
                    not _other_active_admins(session, settings, user.id):
                raise DomainError("users.last_admin")
        user.is_active = bool(active)
        if not active:
            end_all(session, user.id, "disabled", now)
        audit.record(session, actor=actor, action="user.enable" if active else "user.disable", entity="user",
                     entity_id=user.id, at=now, before={"is_active": not active}, after={"is_active": bool(active)})


def unlock(engine: Engine, *, actor: Actor, user_id: int, now: datetime | None = None) -> None:
    """Lift a lockout after too many wrong passwords, and forget the count of failures."""
    _require_admin(actor)
    now = now or clock.now()
    with transaction(engine) as session:
        lock_accounts(session)
        user = _locked_user(session, user_id)
        if not _locked(user, now) and not user.failed_logins:
            return
        before = audit.snapshot_values({"locked_until": user.locked_until, "failed_logins": user.failed_logins})
        user.locked_until, user.failed_logins = None, 0
        audit.record(session, actor=actor, action="user.unlock", entity="user", entity_id=user.id, at=now,
                     before=before, after={"locked_until": None, "failed_logins": 0})
