"""Page tests (Streamlit AppTest) of account administration (pages/admin/users.py): the list, creating an account
through the form (saved, or refused with the message next to the field and the input kept), the selected account's
forms, and the refusal for everyone who may not manage accounts."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from data_access.accounts import auth
from data_access.db import reading
from data_access.models import User, UserRole
from i18n import translate
from tests.pages_support import PASSWORD, page_db, run_page, texts


def zh(key: str, **params) -> str:
    return translate("zh", key, **params)


@pytest.fixture
def db(tmp_path, monkeypatch):
    """A production-mode database with one community (3 grids), an administrator and a community secretary."""
    with page_db(tmp_path, "users", demo=False, monkeypatch=monkeypatch) as db:
        db.add_user("admin", "admin")
        community_id, grids = db.add_place("康盛社区", "KS", grids=3)
        db.add_user("wangli", "secretary", community_id)
        assert auth.login(db.engine, db.settings, "admin", PASSWORD).actor is not None  # one with a last login
        db.community_id, db.grid_ids = community_id, grids
        yield db


def account(db, username: str) -> User | None:
    with reading(db.engine) as session:
        return session.execute(select(User).where(User.username == username)).scalars().first()


def roles(db, username: str) -> list[tuple]:
    with reading(db.engine) as session:
        return sorted(session.execute(select(UserRole.role, UserRole.community_id, UserRole.grid_id)
                                      .join(User, User.id == UserRole.user_id)
                                      .where(User.username == username)).all())


def fill_new(at, **values) -> None:
    for field in ("username", "display_name", "email", "password", "password_again"):
        if field in values:
            at.text_input(key=f"users_new_{field}").input(values[field])
    for field in ("role", "community_id", "grid_id"):
        if field in values:
            at.selectbox(key=f"users_new_{field}").select(values[field])


def test_an_administrator_sees_the_accounts(db):
    at = run_page("users", db.users["admin"])
    assert not at.exception
    assert at.title[0].value == zh("page.users")
    (table,) = at.dataframe
    shown = table.value
    assert set(shown["username"]) == {"admin", "wangli"}
    assert "社区党组织书记@康盛社区" in set(shown["roles"])
    assert zh("users.select_hint") in texts(at.info)
    at.text_input(key="users_text").input("nobody-like-this").run()
    assert not at.dataframe and zh("users.empty_filtered") in texts(at.info)


def test_create_an_account_through_the_form(db):
    at = run_page("users", db.users["admin"])
    fill_new(at, username="zhangmin", display_name="张敏", email="zhangmin@example.cn", password="zhangmin-2026",
             password_again="zhangmin-2026", role="worker")
    at.run()
    fill_new(at, community_id=db.community_id)
    at.run()
    fill_new(at, grid_id=db.grid_ids[1])
    at.button(key="users_new_save").click().run()
    assert not at.exception
    assert zh("users.created", username="zhangmin") in texts(at.success)
    assert roles(db, "zhangmin") == [("worker", db.community_id, db.grid_ids[1])]
    assert auth.check_password("zhangmin-2026", account(db, "zhangmin").password_hash)
    assert [w.value for w in at.text_input if w.key.startswith("users_new_")] == ["", "", "", "", ""]
    assert "zhangmin" in set(at.dataframe[0].value["username"])
    # the new account is selected: its forms are shown
    assert at.text_input(key=f"users_profile_{account(db, 'zhangmin').id}_display_name").value == "张敏"


def test_a_refused_account_keeps_the_input_and_says_why_next_to_the_field(db):
    at = run_page("users", db.users["admin"])
    fill_new(at, username="wangli", display_name="王丽", password="short", password_again="short", role="worker")
    at.run()
    at.button(key="users_new_save").click().run()
    assert not at.exception
    errors = texts(at.error)
    assert zh("users.username_taken", username="wangli") in errors
    assert zh("error.password_short", min=db.settings.password_min_length) in errors
    assert zh("users.role_needs_community") in errors
    assert at.text_input(key="users_new_username").value == "wangli"
    assert at.text_input(key="users_new_display_name").value == "王丽"
    assert at.selectbox(key="users_new_role").value == "worker"
    assert account(db, "wangli").display_name != "王丽"
    with reading(db.engine) as session:
        assert len(session.execute(select(User.id)).all()) == 2


def test_the_selected_account_gets_a_role_a_new_password_and_is_disabled(db):
    wangli = db.users["wangli"]
    at = run_page("users", db.users["admin"], users_selected=wangli)
    assert not at.exception
    assert zh("users.who", display_name="测试用户 wangli", username="wangli") in texts(at.text)
    # a role in a second community's grid ... refused when the grid is not in the community
    other_id, other_grids = db.add_place("康和社区", "KH", grids=2)
    at.run()
    at.selectbox(key=f"users_addrole_{wangli}_role").select("worker")
    at.run()
    at.selectbox(key=f"users_addrole_{wangli}_community_id").select(other_id)
    at.run()
    at.selectbox(key=f"users_addrole_{wangli}_grid_id").select(other_grids[0])
    at.button(key=f"users_addrole_save_{wangli}").click().run()
    assert zh("users.role_added") in texts(at.success)
    assert roles(db, "wangli") == [("secretary", db.community_id, None), ("worker", other_id, other_grids[0])]
    # a too short password is refused next to the field (input kept); a good one is saved
    at.text_input(key=f"users_password_{wangli}_password").input("WANGLI")
    at.text_input(key=f"users_password_{wangli}_password_again").input("WANGLI")
    at.button(key=f"users_password_save_{wangli}").click().run()
    assert zh("error.password_short", min=db.settings.password_min_length) in texts(at.error)
    assert at.text_input(key=f"users_password_{wangli}_password").value == "WANGLI"
    at.text_input(key=f"users_password_{wangli}_password").input("a-new-password-1")
    at.text_input(key=f"users_password_{wangli}_password_again").input("a-new-password-1")
    at.button(key=f"users_password_save_{wangli}").click().run()
    assert zh("users.password_reset_done") in texts(at.success)
    assert auth.check_password("a-new-password-1", account(db, "wangli").password_hash)
    assert not auth.check_password(PASSWORD, account(db, "wangli").password_hash)
    # remove the first role, then disable
    at.button(key=f"users_role_remove_{wangli}_0").click().run()
    assert roles(db, "wangli") == [("worker", other_id, other_grids[0])]
    at.button(key=f"users_disable_{wangli}").click().run()
    assert zh("users.disabled_done") in texts(at.success)
    assert account(db, "wangli").is_active is False
    assert at.button(key=f"users_enable_{wangli}")


def test_an_administrator_cannot_disable_their_own_account_here(db):
    admin = db.users["admin"]
    at = run_page("users", admin, users_selected=admin)
    assert not at.exception
    assert at.button(key=f"users_disable_{admin}").disabled
    assert zh("users.own_account") in texts(at.caption)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_anyone_else_is_told_the_page_is_not_for_them(db, lang):
    at = run_page("users", db.users["wangli"], lang=lang)
    assert not at.exception
    assert translate(lang, "error.page_not_allowed") in texts(at.error)
    assert not at.dataframe and not at.text_input
