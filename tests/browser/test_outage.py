"""The real PostgreSQL stopped and started under the real server, in headless Chromium: a save in flight says it was
not saved and keeps what was typed; every page, the login page included, is calm and shows no address, driver
message or traceback; when the database is back the page returns by itself and the save goes through.

It stops the PostgreSQL cluster named by TEST_PG_CLUSTER (e.g. "15 main", as CI sets it) with pg_ctlcluster, so
it runs only where that is allowed; the cluster is started again whatever happens."""

from __future__ import annotations

import os
import re
import subprocess
import uuid

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url

from data_access.db import make_engine, reading
from data_access.models import Matter
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, login, need_browser, new_page, running_server
from tests.browser.test_service import choose

pytestmark = [pytest.mark.browser, pytest.mark.db]
PG_URL = os.environ.get("TEST_DATABASE_URL", "")
CLUSTER = os.environ.get("TEST_PG_CLUSTER", "").split()
LEAKS = ("127.0.0.1", "5432", "psycopg", "Traceback", "OperationalError", "connection", "site-packages")


def pg(action: str) -> None:
    subprocess.run(["pg_ctlcluster", *CLUSTER, action, *(["-m", "fast"] if action == "stop" else [])], check=True)
    if action == "start":
        subprocess.run(["pg_isready", "-q", "-t", "60", "-h", make_url(PG_URL).host or "127.0.0.1"], check=True)


def own_database() -> str:
    """A database of its own on the test server (the other tests' one is emptied between tests)."""
    url = make_url(PG_URL)
    admin = make_engine(url.render_as_string(hide_password=False))
    with admin.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("DROP DATABASE IF EXISTS gongzhi_outage WITH (FORCE)"))
        conn.execute(text("CREATE DATABASE gongzhi_outage"))
    admin.dispose()
    return url.set(database="gongzhi_outage").render_as_string(hide_password=False)


def assert_calm(page) -> None:
    from playwright.sync_api import expect

    expect(page.get_by_text("数据库暂时无法连接，系统将自动重试", exact=False)).to_be_visible()
    assert page.locator("[data-testid=stException]").count() == 0
    shown = page.locator("body").inner_text()
    assert not [leak for leak in LEAKS if leak in shown], shown


@pytest.mark.skipif(not PG_URL.startswith("postgresql") or len(CLUSTER) != 2,
                    reason="needs TEST_DATABASE_URL on a PostgreSQL cluster the test may stop (TEST_PG_CLUSTER)")
def test_postgresql_stopped_and_started_under_the_running_app(tmp_path):
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    database = own_database()
    description = f"停库测试{uuid.uuid4().hex[:8]}：9号楼单元门禁坏了，外来人员随意进出"
    with running_server(database) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = new_page(browser)
        stopped = False
        try:
            page.goto(url)
            login(page, "secretary")
            page.get_by_role("link", name="登记民情").click()
            expect(page.get_by_role("heading", name="登记民情")).to_be_visible()
            choose(page, "intake_channel", "群众反映")
            choose(page, "intake_sub_source", "来电")
            choose(page, "intake_grid_id", "康盛第2网格")
            page.locator(".st-key-intake_reporter_name input").fill("赵建国")
            page.locator(".st-key-intake_description textarea").fill(description)
            page.locator(".st-key-intake_description textarea").press("Tab")
            choose(page, "intake_category", "环境卫生")
            choose(page, "intake_mode", "组团服务")
            expect(page.get_by_text(re.compile(r"办理时限：\d+ 个工作日"))).to_be_visible()
            expect(page.locator("[data-testid=stStatusWidget]")).to_have_count(0)  # no run in flight

            pg("stop")
            stopped = True
            page.locator(".st-key-intake_save button").click()  # the save in flight
            assert_calm(page)
            visitor = new_page(browser)  # someone who has not logged in: the login page is calm too
            visitor.goto(url)
            assert_calm(visitor)
            visitor.goto(f"{url}/ledger")
            assert_calm(visitor)

            pg("start")
            stopped = False
            # the page returns by itself, with what was typed and the word that it was not saved
            expect(page.get_by_text("未保存：数据库暂时无法连接", exact=False)).to_be_visible()
            expect(page.locator(".st-key-intake_description textarea")).to_have_value(description)
            expect(page.locator(".st-key-intake_reporter_name input")).to_have_value("赵建国")
            expect(page.locator(".st-key-intake_category input")).to_have_value("环境卫生")
            expect(visitor.locator(".st-key-login_username input")).to_be_visible()

            page.locator(".st-key-intake_save button").click()
            expect(page.get_by_text(re.compile(r"已登记事项 MQ\d+"))).to_be_visible()
            with reading(make_engine(database)) as session:
                saved = session.execute(select(func.count()).select_from(Matter)
                                        .where(Matter.description == description)).scalar_one()
            assert saved == 1
        except Exception:
            page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)
            print(f"screenshot: {tmp_path / 'failed.png'}")
            raise
        finally:
            if stopped:
                pg("start")
            browser.close()
