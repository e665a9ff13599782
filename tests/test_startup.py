"""Start-up: a fresh database is migrated and seeded; a bad config.yaml stops the app with a Chinese message."""

from __future__ import annotations

from pathlib import Path

import pytest
import streamlit as st
import yaml
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_access.config import CONFIG_PATH, settings
from data_access.db import make_engine, reading
from data_access.models import Matter, User

APP = str(Path(__file__).resolve().parent.parent / "app.py")


@pytest.fixture
def fresh(tmp_path, monkeypatch):
    url = f"sqlite:///{tmp_path}/app.db"
    monkeypatch.setenv("GONGZHI_DATABASE_URL", url)
    monkeypatch.setenv("GONGZHI_DEMO", "1")
    settings.cache_clear()
    st.cache_data.clear()
    st.cache_resource.clear()
    yield url, tmp_path
    settings.cache_clear()
    st.cache_resource.clear()


def test_first_run_creates_schema_and_demo_data(fresh):
    url, _ = fresh
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    with reading(make_engine(url)) as session:
        assert session.execute(select(func.count()).select_from(Matter)).scalar_one() == 300
        users = set(session.execute(select(User.username)).scalars())
    listed = {"admin", "leader", "secretary", "worker", "unitrep", "recorder", "volunteer", "teamlead", "convener",
              "treasurer"}
    assert listed <= users
    assert all(u.startswith("rep_") for u in users - listed), "the other accounts represent member units"
    assert "gongzhi-demo" in " ".join(i.value for i in at.info)


def test_unknown_category_in_config_stops_the_start(fresh, monkeypatch):
    _, tmp_path = fresh
    raw = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    raw["service365"]["categories"][0]["deadline_days"]["rush"] = 1
    bad = tmp_path / "config.yaml"
    bad.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("GONGZHI_CONFIG", str(bad))
    settings.cache_clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    messages = " ".join(e.value for e in at.error)
    assert "系统启动失败" in messages and "rush" in messages and "config.yaml" in messages


def test_matters_with_codes_missing_from_config_stop_the_start(fresh, monkeypatch):
    _, tmp_path = fresh
    AppTest.from_file(APP, default_timeout=60).run()          # seeds demo data with every category
    raw = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    raw["service365"]["categories"] = [c for c in raw["service365"]["categories"] if c["code"] != "complaint"]
    trimmed = tmp_path / "config.yaml"
    trimmed.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("GONGZHI_CONFIG", str(trimmed))
    settings.cache_clear()
    st.cache_resource.clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    messages = " ".join(e.value for e in at.error)
    assert "complaint" in messages and "未定义" in messages


def test_an_unreachable_database_gets_a_calm_page_without_its_address(fresh, monkeypatch):
    """Before anyone logs in: no driver message, host, port or traceback on screen (they go to the server's log),
    and the page tries again by itself."""
    monkeypatch.setenv("GONGZHI_DATABASE_URL", "postgresql://nobody:wrong@127.0.0.1:9/nowhere")
    settings.cache_clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception and not at.error
    calm = "数据库暂时无法连接，系统将自动重试。您刚才的操作如未提示“已保存”，则没有保存。"
    assert [e.value for e in at.info] == [calm]
    shown = " ".join(str(e.value) for kind in ("markdown", "caption", "info", "text", "code")
                     for e in at.get(kind))
    assert "127.0.0.1" not in shown and "nowhere" not in shown and "psycopg" not in shown


def test_a_database_that_goes_away_while_a_page_runs_gets_the_same_page(fresh, monkeypatch):
    """Logged in, the database stops answering: the page says so calmly instead of Streamlit's exception box."""
    from sqlalchemy.exc import OperationalError

    from ui import cached

    at = AppTest.from_file(APP, default_timeout=60).run()  # seeds the demo
    at.session_state["user_id"] = demo_user("secretary")  # the overview opens first

    def gone(*args, **kwargs):
        raise OperationalError("SELECT", {}, Exception("connection to server at 127.0.0.1 port 5432 failed"))

    monkeypatch.setitem(cached.QUERIES, "overview", gone)
    at.run()
    assert not at.exception
    assert "数据库暂时无法连接" in " ".join(e.value for e in at.info)
    assert "127.0.0.1" not in " ".join(str(e.value) for e in at.get("markdown"))


def demo_user(username: str) -> int:
    from sqlalchemy import select

    from data_access.db import reading
    from data_access.models import User
    from ui.context import current_engine

    with reading(current_engine()) as session:
        return session.execute(select(User.id).where(User.username == username)).scalar_one()
