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
    listed = {"admin", "leader", "secretary", "worker", "unitrep", "recorder"}
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


def test_an_unreachable_database_is_reported_in_chinese(fresh, monkeypatch):
    monkeypatch.setenv("GONGZHI_DATABASE_URL", "postgresql://nobody:wrong@127.0.0.1:9/nowhere")
    settings.cache_clear()
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    messages = " ".join(e.value for e in at.error)
    assert "系统启动失败" in messages and "无法连接或打开数据库" in messages
