"""Account administration (data_access.accounts.users): create, roles in several communities or grids, password reset,
disable, unlock, the guards that keep an administrator, and the audit trail of every change - on SQLite and
PostgreSQL."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from data_access.accounts import users
from data_access.accounts.auth import DEMO_PASSWORD, load_actor, login
from data_access.cli import CLI
from data_access.db import reading
from data_access.demo import street
from data_access.models import AuditLog, Grid, User, UserRole
from domain.access import can, scope
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from tests.conftest import NOW

pytestmark = pytest.mark.db

PASSWORD = "a-long-password"


def counts(engine) -> tuple[int, int, int]:
    with reading(engine) as session:
        return tuple(session.execute(select(func.count()).select_from(m)).scalar_one()
                     for m in (User, UserRole, AuditLog))


def grids_of(engine, community_id: int) -> list[int]:
    with reading(engine) as session:
        return list(session.execute(select(Grid.id).where(Grid.community_id == community_id)
                                    .order_by(Grid.id)).scalars())


def user_id(engine, username: str) -> int:
    with reading(engine) as session:
        return session.execute(select(User.id).where(User.username == username)).scalar_one()


def trail(engine, entity_id: int) -> list[AuditLog]:
    """The account administration entries about one account (not its logins)."""
    with reading(engine) as session:
        return list(session.execute(select(AuditLog).where(AuditLog.entity == "user", AuditLog.entity_id == entity_id,
                                                           AuditLog.action.like("user.%"))
                                    .order_by(AuditLog.id)).scalars())


def form(**changes) -> dict:
    data = {"username": "lihua", "display_name": "李华", "email": "lihua@example.cn", "password": PASSWORD,
            "password_again": PASSWORD}
    return data | changes


def role(code: str, community_id: int | None = None, grid_id: int | None = None) -> dict:
    return {"role": code, "community_id": community_id, "grid_id": grid_id}


def create(engine, settings, actor, data=None, roles=None) -> int:
    return users.create_user(engine, actor=actor, settings=settings, data=data or form(),
                             roles=[role("worker", 1)] if roles is None else roles, now=NOW)


def assert_no_secret(engine, *passwords: str) -> None:
    """No audit entry holds a bcrypt hash or any of `passwords`."""
    with reading(engine) as session:
        rows = session.execute(select(AuditLog.before, AuditLog.after)).all()
    dumped = json.dumps([list(r) for r in rows], ensure_ascii=False)
    assert "$2b$" not in dumped and "password_hash" not in dumped
    for password in passwords:
        assert password not in dumped


def test_create_an_account_with_roles_in_two_communities(demo_engine, settings, actors):
    grid = grids_of(demo_engine, 1)[0]
    before = counts(demo_engine)
    new_id = create(demo_engine, settings, actors["admin"], form(username=" LiHua "),
                    [role("worker", 1, grid), role("secretary", 2)])
    assert counts(demo_engine) == (before[0] + 1, before[1] + 2, before[2] + 1)
    detail = users.user_detail(demo_engine, new_id, actor=actors["admin"], now=NOW)
    assert (detail.username, detail.display_name, detail.email, detail.is_active) == \
        ("lihua", "李华", "lihua@example.cn", True)
    assert detail.roles == (("secretary", 2, None), ("worker", 1, grid))
    assert detail.places == ("康和社区", "康盛社区/康盛第1网格")
    assert not hasattr(detail, "password_hash")
    (entry,) = trail(demo_engine, new_id)
    assert (entry.action, entry.actor_name, entry.before) == ("user.create", "admin", None)
    assert entry.after["roles"] == [role("secretary", 2), role("worker", 1, grid)]
    assert entry.after["username"] == "lihua"
    assert_no_secret(demo_engine, PASSWORD)
    result = login(demo_engine, settings, "lihua", PASSWORD, now=NOW)
    assert result.actor is not None and result.actor.id == new_id


@pytest.mark.parametrize("data, roles, field, key", [
    (form(username="secretary"), None, "username", "users.username_taken"),
    (form(username="Li Hua!"), None, "username", "error.bad_username"),
    (form(password="lihua", password_again="lihua"), None, "password", "error.password_short"),
    (form(username="lihua-2026", password="LIHUA-2026", password_again="LIHUA-2026"), None, "password",
     "error.password_weak"),
    (form(password="short", password_again="short"), None, "password", "error.password_short"),
    (form(password_again="another-long-one"), None, "password_again", "error.password_mismatch"),
    (form(display_name=""), None, "display_name", "error.required"),
    (form(email="not-an-address"), None, "email", "error.bad_email"),
    (form(), [], "roles", "users.role_required"),
    (form(), [role("mayor")], "roles", "users.role_unknown"),
    (form(), [role("worker")], "roles", "users.role_needs_community"),
    (form(), [role("leader", 1)], "roles", "users.street_role_no_community"),
    (form(), [role("worker", 999)], "roles", "users.community_unknown"),
    (form(), "grid of 康和 in 康盛", "roles", "users.grid_outside"),
    (form(), [role("worker", 1), role("worker", 1)], "roles", "users.role_duplicate"),
    (form(), "whole community and one of its grids", "roles", "users.role_covered"),
])
def test_a_refused_account_writes_nothing(demo_engine, settings, actors, data, roles, field, key):
    if roles == "grid of 康和 in 康盛":
        roles = [role("worker", 1, grids_of(demo_engine, 2)[0])]
    elif roles == "whole community and one of its grids":
        roles = [role("worker", 1), role("worker", 1, grids_of(demo_engine, 1)[0])]
    before = counts(demo_engine)
    with pytest.raises(ValidationFailed) as err:
        create(demo_engine, settings, actors["admin"], data, roles)
    assert err.value.errors[field][0] == key
    assert counts(demo_engine) == before


def test_every_problem_is_reported_at_once(demo_engine, settings, actors):
    with pytest.raises(ValidationFailed) as err:
        create(demo_engine, settings, actors["admin"], form(username="worker", password="x", password_again="x"), [])
    assert {k: v[0] for k, v in err.value.errors.items()} == {
        "username": "users.username_taken", "password": "error.password_short", "roles": "users.role_required"}


def test_a_taken_email_is_refused_on_create_and_update(demo_engine, settings, actors):
    admin = actors["admin"]
    create(demo_engine, settings, admin)
    before = counts(demo_engine)
    with pytest.raises(ValidationFailed) as err:
        create(demo_engine, settings, admin, form(username="zhangsan", email="LiHua@Example.cn"))
    assert err.value.errors == {"email": ("users.email_taken", {"email": "lihua@example.cn"})}
    with pytest.raises(ValidationFailed) as err:
        users.update_user(demo_engine, actor=admin, user_id=user_id(demo_engine, "worker"),
                          data={"display_name": "张敏", "email": "lihua@example.cn"}, now=NOW)
    assert err.value.errors["email"][0] == "users.email_taken"
    assert counts(demo_engine) == before


def test_update_the_profile_records_only_what_changed(demo_engine, settings, actors):
    worker = user_id(demo_engine, "worker")
    users.update_user(demo_engine, actor=actors["admin"], user_id=worker,
                      data={"display_name": "康盛社区社工 张敏", "email": " ZhangMin@Example.cn "}, now=NOW)
    detail = users.user_detail(demo_engine, worker, actor=actors["admin"])
    assert detail.email == "zhangmin@example.cn"
    (entry,) = trail(demo_engine, worker)
    assert (entry.action, entry.before, entry.after) == ("user.update", {"email": None},
                                                         {"email": "zhangmin@example.cn"})
    audits = counts(demo_engine)[2]
    users.update_user(demo_engine, actor=actors["admin"], user_id=worker,
                      data={"display_name": "康盛社区社工 张敏", "email": "zhangmin@example.cn"}, now=NOW)
    assert counts(demo_engine)[2] == audits, "no change, no audit entry"
    with pytest.raises(ValidationFailed) as err:
        users.update_user(demo_engine, actor=actors["admin"], user_id=worker, data={"display_name": " "}, now=NOW)
    assert err.value.errors == {"display_name": ("error.required", {})}


@pytest.mark.parametrize("name", ["secretary", "leader", "worker"])
def test_only_a_street_wide_account_manager_may_do_anything(demo_engine, settings, actors, name):
    actor, worker = actors[name], user_id(demo_engine, "worker")
    calls = [
        (users.list_users, {}),
        (users.user_detail, {"user_id": worker}),
        (users.communities, {}),
        (users.create_user, {"settings": settings, "data": form(), "roles": [role("worker", 1)]}),
        (users.update_user, {"user_id": worker, "data": {"display_name": "x"}}),
        (users.set_roles, {"settings": settings, "user_id": worker, "roles": [role("secretary", 1)]}),
        (users.reset_password, {"settings": settings, "user_id": worker, "password": PASSWORD,
                                "password_again": PASSWORD}),
        (users.set_active, {"user_id": worker, "active": False, "settings": settings}),
        (users.unlock, {"user_id": worker}),
    ]
    before = counts(demo_engine)
    for function, kwargs in calls:
        with pytest.raises(PermissionDenied):
            function(demo_engine, actor=actor, **kwargs)
    assert counts(demo_engine) == before


def test_roles_in_several_communities_and_a_grid_reach_the_login(demo_engine, settings, actors):
    worker = user_id(demo_engine, "worker")
    kang_he = grids_of(demo_engine, 2)
    users.set_roles(demo_engine, actor=actors["admin"], settings=settings, user_id=worker,
                    roles=[role("secretary", 1), role("worker", 2, kang_he[0])], now=NOW)
    actor = login(demo_engine, settings, "worker", DEMO_PASSWORD, now=NOW).actor
    assert can(actor, "matter.assess", 1) and not can(actor, "matter.assess", 2)
    assert can(actor, "matter.create", 2, kang_he[0]) and not can(actor, "matter.create", 2, kang_he[1])
    assert not can(actor, "matter.create", 3)
    reach = scope(actor, "matter.read")
    assert reach.communities == {1} and reach.grids == {kang_he[0]}
    entry = trail(demo_engine, worker)[-1]
    assert entry.action == "user.roles"
    assert entry.before == {"roles": [role("worker", 1)]}
    assert entry.after == {"roles": [role("secretary", 1), role("worker", 2, kang_he[0])]}
    before = counts(demo_engine)
    with pytest.raises(ValidationFailed) as err:
        users.set_roles(demo_engine, actor=actors["admin"], settings=settings, user_id=worker,
                        roles=[role("worker", 1, kang_he[1])], now=NOW)
    assert err.value.errors["roles"][0] == "users.grid_outside"
    assert counts(demo_engine) == before


def test_a_password_reset_ends_open_sessions_and_the_new_password_works(demo_engine, settings, actors):
    worker = user_id(demo_engine, "worker")
    assert load_actor(demo_engine, settings, worker, logged_in_at=NOW, now=NOW) is not None
    before = counts(demo_engine)
    for password, again, field, key in [("worker", "worker", "password", "error.password_short"),
                                        ("worker-password", "worker-passw0rd", "password_again",
                                         "error.password_mismatch")]:
        with pytest.raises(ValidationFailed) as err:
            users.reset_password(demo_engine, actor=actors["admin"], settings=settings, user_id=worker,
                                 password=password, password_again=again, now=NOW)
        assert err.value.errors[field][0] == key
    assert counts(demo_engine) == before
    later = NOW + timedelta(hours=1)
    users.reset_password(demo_engine, actor=actors["admin"], settings=settings, user_id=worker,
                         password="new-worker-password", password_again="new-worker-password", now=later)
    assert load_actor(demo_engine, settings, worker, logged_in_at=NOW, now=later) is None
    assert login(demo_engine, settings, "worker", DEMO_PASSWORD, now=later).error == "login.failed"
    fresh = login(demo_engine, settings, "worker", "new-worker-password", now=later + timedelta(minutes=1))
    assert fresh.actor is not None
    assert load_actor(demo_engine, settings, worker, logged_in_at=later + timedelta(minutes=1),
                      now=later + timedelta(minutes=2)) is not None
    entry = [e for e in trail(demo_engine, worker) if e.action == "user.password_reset"][-1]
    assert entry.after["password"] == "reset" and "password" not in entry.before
    assert_no_secret(demo_engine, "new-worker-password", DEMO_PASSWORD)


def test_a_disabled_account_cannot_log_in_and_its_session_ends(demo_engine, settings, actors):
    worker = user_id(demo_engine, "worker")
    users.set_active(demo_engine, actor=actors["admin"], user_id=worker, active=False, now=NOW, settings=settings)
    assert login(demo_engine, settings, "worker", DEMO_PASSWORD, now=NOW).error == "login.disabled"
    assert load_actor(demo_engine, settings, worker, logged_in_at=NOW, now=NOW) is None
    df, total = users.list_users(demo_engine, actor=actors["admin"], text="worker", now=NOW)
    assert total == 1 and not df.loc[0, "active"]
    users.set_active(demo_engine, actor=actors["admin"], user_id=worker, active=True, now=NOW, settings=settings)
    assert login(demo_engine, settings, "worker", DEMO_PASSWORD, now=NOW).actor is not None
    actions = [(e.action, e.before, e.after) for e in trail(demo_engine, worker)]
    assert actions == [("user.disable", {"is_active": True}, {"is_active": False}),
                       ("user.enable", {"is_active": False}, {"is_active": True})]


def test_unlock_lifts_a_lockout(demo_engine, settings, actors):
    worker = user_id(demo_engine, "worker")
    for _ in range(settings.max_failed_logins):
        login(demo_engine, settings, "worker", "wrong-password", now=NOW)
    assert login(demo_engine, settings, "worker", DEMO_PASSWORD, now=NOW).error == "login.locked"
    df, _ = users.list_users(demo_engine, actor=actors["admin"], text="worker", now=NOW)
    assert df.loc[0, "locked"]
    assert users.user_detail(demo_engine, worker, actor=actors["admin"], now=NOW).locked
    users.unlock(demo_engine, actor=actors["admin"], user_id=worker, now=NOW + timedelta(minutes=1))
    assert login(demo_engine, settings, "worker", DEMO_PASSWORD, now=NOW + timedelta(minutes=1)).actor is not None
    entry = [e for e in trail(demo_engine, worker) if e.action == "user.unlock"][-1]
    assert entry.after == {"locked_until": None, "failed_logins": 0} and entry.before["locked_until"]


def test_an_administrator_is_always_left(demo_engine, settings, actors):
    admin = actors["admin"]
    before = counts(demo_engine)
    with pytest.raises(DomainError) as err:
        users.set_active(demo_engine, actor=admin, user_id=admin.id, active=False, now=NOW, settings=settings)
    assert err.value.key == "users.cannot_disable_self"
    with pytest.raises(DomainError) as err:
        users.set_roles(demo_engine, actor=admin, settings=settings, user_id=admin.id, roles=[role("leader")])
    assert err.value.key == "users.cannot_demote_self"
    for call in (lambda: users.set_active(demo_engine, actor=CLI, user_id=admin.id, active=False, settings=settings),
                 lambda: users.set_roles(demo_engine, actor=CLI, settings=settings, user_id=admin.id,
                                         roles=[role("leader")])):
        with pytest.raises(DomainError) as err:
            call()
        assert err.value.key == "users.last_admin"
    assert counts(demo_engine) == before
    # with a second administrator, the first may go - and then the second is the last one
    second = create(demo_engine, settings, admin, form(username="admin2"), [role("admin"), role("leader")])
    users.set_roles(demo_engine, actor=admin, settings=settings, user_id=admin.id,
                    roles=[role("admin"), role("leader")], now=NOW)
    admin2 = login(demo_engine, settings, "admin2", PASSWORD, now=NOW).actor
    users.set_active(demo_engine, actor=admin2, user_id=admin.id, active=False, now=NOW, settings=settings)
    with pytest.raises(DomainError) as err:
        users.set_roles(demo_engine, actor=CLI, settings=settings, user_id=second, roles=[role("leader")])
    assert err.value.key == "users.last_admin"
    # a disabled administrator may lose the role: it leaves no one without an administrator
    users.set_roles(demo_engine, actor=admin2, settings=settings, user_id=admin.id, roles=[role("leader")], now=NOW)


def test_the_list_filters_and_pages_in_sql(demo_engine, settings, actors):
    admin = actors["admin"]
    for i in range(12):
        create(demo_engine, settings, admin, form(username=f"staff{i:02d}", email=None, display_name=f"社工{i}"),
               [role("worker", 2 if i % 2 else 3)])
    df, total = users.list_users(demo_engine, actor=admin, text="STAFF", page=2, page_size=5, now=NOW)
    assert total == 12 and list(df["username"]) == [f"staff{i:02d}" for i in range(5, 10)]
    assert list(df.columns) == users.COLUMNS
    _, total = users.list_users(demo_engine, actor=admin, community_id=2, role="worker", now=NOW)
    assert total == 6
    _, total = users.list_users(demo_engine, actor=admin, community_id=1, role="worker", now=NOW)
    assert total == 1
    _, total = users.list_users(demo_engine, actor=admin, role="admin", now=NOW)
    assert total == 1
    df, total = users.list_users(demo_engine, actor=admin, text="%", now=NOW)
    assert total == 0 and df.empty and list(df.columns) == users.COLUMNS
    df, _ = users.list_users(demo_engine, actor=admin, text="secretary", settings=settings, now=NOW)
    assert df.loc[0, "roles"] == "社区党组织书记@康盛社区"
    df, _ = users.list_users(demo_engine, actor=admin, text="admin", settings=settings, lang="en", now=NOW)
    assert df.loc[0, "roles"] == "Administrator"
    df, _ = users.list_users(demo_engine, actor=admin, page=99, page_size=50, now=NOW)
    assert len(df) == (len(street.ACCOUNTS) + 21 + 12) % 50, \
        "a page past the end shows the last page (demo, representatives, staff)"
    assert users.user_detail(demo_engine, 99999, actor=admin) is None


def test_the_same_username_created_at_the_same_moment_is_refused_with_the_same_message(demo_engine, settings, actors):
    """Another writer holds an uncommitted account "lihua" while the admin saves one: the admin's save waits for
    it (SQLite: the write lock; PostgreSQL: the unique index), then is refused as taken - never an error page."""
    import threading

    from sqlalchemy import insert

    outcome = {}

    def save():
        try:
            create(demo_engine, settings, actors["admin"])
        except ValidationFailed as err:
            outcome["errors"] = err.errors

    with demo_engine.connect() as conn:
        if demo_engine.dialect.name == "sqlite":
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        conn.execute(insert(User).values(username="lihua", display_name="另一位", password_hash="x", is_active=True,
                                         failed_logins=0, created_at=NOW))
        before = counts(demo_engine)
        worker = threading.Thread(target=save)
        worker.start()
        worker.join(timeout=1.5)
        assert worker.is_alive(), "the save waits for the other writer"
        conn.commit()
    worker.join(timeout=30)
    assert outcome["errors"] == {"username": ("users.username_taken", {"username": "lihua"})}
    assert counts(demo_engine) == (before[0] + 1, before[1], before[2])
