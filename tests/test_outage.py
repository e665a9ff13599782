"""The database goes away while someone is typing: the save says it was not saved, the calm page replaces the page,
and when the database is back the page returns with everything that was typed, ready to be submitted again."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from streamlit.testing.v1 import AppTest

from data_access.config import settings
from data_access.db import make_engine, reading
from data_access.models import Grid, Matter, User, UserRole
from ui import context

APP = str(Path(__file__).resolve().parent.parent / "app.py")
CALM = "数据库暂时无法连接，系统将自动重试。您刚才的操作如未提示“已保存”，则没有保存。"
NOT_SAVED = "未保存：数据库暂时无法连接。您填写的内容仍在原处，连接恢复后请再提交一次。"
DESCRIPTION = "3号楼楼道灯不亮已经一周，老人晚上上下楼不方便"


@pytest.fixture
def app(tmp_path, monkeypatch):
    """The app on a demo database, logged in as the secretary, on the intake page; and a switch that makes every
    database call fail as a stopped server's would."""
    url = f"sqlite:///{tmp_path}/app.db"
    monkeypatch.setenv("GONGZHI_DATABASE_URL", url)
    monkeypatch.setenv("GONGZHI_DEMO", "1")
    settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()  # seeds the demo
    engine = make_engine(url)
    with reading(engine) as session:
        at.session_state["user_id"] = session.execute(select(User.id).where(User.username == "secretary")).scalar_one()
    at.run()
    at.switch_page("pages/service/intake.py").run()
    assert not at.exception
    down = {"now": False}
    real = context.current_actor

    def actor_or_outage(*args, **kwargs):
        if down["now"]:
            raise OperationalError("SELECT", {}, Exception("connection to server at 10.1.2.3 port 5432 failed"))
        return real(*args, **kwargs)

    monkeypatch.setattr(context, "current_actor", actor_or_outage)
    yield at, engine, down
    engine.dispose()
    settings.cache_clear()
    st.cache_resource.clear()


def second_grid(engine) -> int:
    """The second grid of the secretary's community."""
    with reading(engine) as session:
        community = session.execute(select(UserRole.community_id).join(User, User.id == UserRole.user_id)
                                    .where(User.username == "secretary")).scalars().first()
        return session.execute(select(Grid.id).where(Grid.community_id == community).order_by(Grid.id)).all()[1][0]


def matters(engine) -> int:
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(Matter)).scalar_one()


def test_a_save_while_the_database_is_away_keeps_what_was_typed_until_it_is_back(app):
    at, engine, down = app
    before = matters(engine)
    at.selectbox(key="intake_channel").select("resident").run()
    at.selectbox(key="intake_sub_source").select("phone")
    at.text_input(key="intake_reporter_name").input("王桂兰")
    at.text_input(key="intake_reporter_phone").input("13900001111")
    at.text_area(key="intake_description").input(DESCRIPTION)
    at.selectbox(key="intake_category").select("environment")
    at.selectbox(key="intake_grid_id").set_value(second_grid(engine))
    at.selectbox(key="intake_urgency").select("urgent")
    at.selectbox(key="intake_mode").select("team")
    at.run()
    grid = at.selectbox(key="intake_grid_id").value

    down["now"] = True
    at.button(key="intake_save").click().run()
    assert not at.exception
    assert [e.value for e in at.info] == [CALM], "the calm page, not the form or an exception box"
    shown = " ".join(str(e.value) for kind in ("markdown", "caption", "info", "error", "text") for e in at.get(kind))
    assert "10.1.2.3" not in shown and "5432" not in shown
    assert matters(engine) == before

    at.run()  # still away: still the calm page, and nothing typed forgotten
    assert [e.value for e in at.info] == [CALM]

    down["now"] = False
    at.run()  # the page's own retry finds the database again
    assert not at.exception
    assert NOT_SAVED in [e.value for e in at.error], "the save says it was not saved"
    assert at.text_area(key="intake_description").value == DESCRIPTION
    assert at.text_input(key="intake_reporter_name").value == "王桂兰"
    assert at.text_input(key="intake_reporter_phone").value == "13900001111"
    assert at.selectbox(key="intake_channel").value == "resident"
    assert at.selectbox(key="intake_sub_source").value == "phone"
    assert at.selectbox(key="intake_category").value == "environment"
    assert (at.selectbox(key="intake_grid_id").value, at.selectbox(key="intake_urgency").value,
            at.selectbox(key="intake_mode").value) == (grid, "urgent", "team")

    at.button(key="intake_save").click().run()  # submitted again: saved as typed
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert matters(engine) == before + 1
    with reading(engine) as session:
        saved = session.execute(select(Matter).order_by(Matter.id.desc())).scalars().first()
    assert (saved.description, saved.reporter_name, saved.category, saved.grid_id) == (
        DESCRIPTION, "王桂兰", "environment", grid)


def test_a_ticked_box_comes_back_too_and_the_buttons_stay_buttons(app):
    """Checkboxes are kept like text (an anonymous report must not come back as a named one); the page's buttons,
    whose state is a boolean too, still work afterwards."""
    at, engine, down = app
    at.checkbox(key="intake_anonymous").check()
    at.text_area(key="intake_description").input(DESCRIPTION)
    at.run()
    down["now"] = True
    at.button(key="intake_save").click().run()
    assert [e.value for e in at.info] == [CALM]
    down["now"] = False
    at.run()
    assert not at.exception
    assert at.checkbox(key="intake_anonymous").value is True
    assert at.text_input(key="intake_reporter_name").disabled, "still anonymous: the name cannot be typed"
    assert at.text_area(key="intake_description").value == DESCRIPTION
    at.button(key="intake_save").click().run()
    assert not at.exception


def test_a_login_while_the_database_is_away_says_so_next_to_the_form(tmp_path, monkeypatch):
    from data_access.accounts import auth

    monkeypatch.setenv("GONGZHI_DATABASE_URL", f"sqlite:///{tmp_path}/app.db")
    monkeypatch.setenv("GONGZHI_DEMO", "1")
    settings.cache_clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()

    def locked(*args, **kwargs):
        raise OperationalError("UPDATE user_account", {}, Exception("database is locked"))

    monkeypatch.setattr(auth, "login", locked)
    at.text_input(key="login_username").input("secretary")
    at.text_input(key="login_password").input("gongzhi-demo")
    at.button(key="login_submit").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["操作未完成：数据库暂时无法连接或正忙，请稍后再试。"]
    assert "locked" not in " ".join(str(e.value) for kind in ("markdown", "error", "info") for e in at.get(kind))
    assert at.text_input(key="login_username").value == "secretary"
    settings.cache_clear()
    st.cache_resource.clear()
