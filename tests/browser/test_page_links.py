"""The real server in headless Chromium: a bookmarked page opened while logged out shows the login and then that
page (not the main one); a page the role may not open says so in Chinese; Streamlit's English "Page not found"
appears nowhere."""

from __future__ import annotations

import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, login, need_browser, new_page, running_server


@pytest.mark.browser
def test_a_bookmark_opens_its_page_after_the_login_and_a_forbidden_one_says_so(tmp_path):
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    with running_server(f"sqlite:///{tmp_path}/links.db") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = new_page(browser)
        try:
            # A server's very first session runs under Streamlit's legacy pages/ handling, which knows no page
            # addresses (Streamlit 1.67: PagesManager.uses_pages_directory); every later session routes them
            page.goto(url)
            expect(page.locator(".st-key-login_username input")).to_be_visible()
            page.goto(f"{url}/ledger")
            expect(page.locator(".st-key-login_username input")).to_be_visible()
            login(page, "secretary")
            expect(page.get_by_role("heading", name="民情台账")).to_be_visible()
            assert page.url.endswith("/ledger")
            page.goto(f"{url}/users")  # account administration: not a secretary's page
            expect(page.get_by_text("您的角色无权使用此页面")).to_be_visible()
            for shown in (page.get_by_text("Page not found"), page.get_by_text("Running the app's main page")):
                assert shown.count() == 0
        except Exception:
            page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)
            print(f"screenshot: {tmp_path / 'failed.png'}")
            raise
        finally:
            browser.close()
