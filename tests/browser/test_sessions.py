"""The real server in headless Chromium: a password login survives a reload, a new tab and a server restart (its
cookie is SameSite=Strict and holds no more than a random token), and logging out ends it for every tab."""

from __future__ import annotations

import pytest

from data_access.bootstrap import open_database
from data_access.config import load_settings
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, WAIT, free_port, login, need_browser, running_server


@pytest.mark.browser
def test_a_login_survives_reloads_tabs_and_a_restart_until_logout(tmp_path, monkeypatch):
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=WAIT)
    database = f"sqlite:///{tmp_path}/sessions.db"
    monkeypatch.setenv("GONGZHI_DATABASE_URL", database)
    monkeypatch.setenv("GONGZHI_DEMO", "1")
    open_database(load_settings()).dispose()
    port = free_port()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000}, locale="zh-CN")
        context.set_default_timeout(WAIT)
        page = context.new_page()
        logout = page.get_by_role("button", name="退出登录")
        login_form = page.locator(".st-key-login_username input")
        try:
            with running_server(database, port=port) as url:
                page.goto(url)
                login(page, "secretary")
                cookie = next(c for c in page.context.cookies() if c["name"] == "gongzhi_session")
                assert cookie["sameSite"] == "Strict" and len(cookie["value"]) >= 40
                assert "secretary" not in cookie["value"] and "gongzhi-demo" not in cookie["value"]
                page.reload()
                expect(logout).to_be_visible()
                assert login_form.count() == 0
                other = context.new_page()
                other.goto(url)
                expect(other.get_by_role("button", name="退出登录")).to_be_visible()
                other.close()
            with running_server(database, port=port) as url:  # the server was restarted
                page.reload()
                expect(logout).to_be_visible()
                logout.click()
                expect(login_form).to_be_visible()
                page.reload()
                expect(login_form).to_be_visible()  # logged out stays logged out
                assert page.get_by_role("button", name="退出登录").count() == 0
        except Exception:
            page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)
            print(f"screenshot: {tmp_path / 'failed.png'}")
            raise
        finally:
            browser.close()
