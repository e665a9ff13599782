"""A grid worker on a home visit, on a phone (390x844): the sidebar closes once a page is picked, and the ledger shows
a matter's number, step and deadline without the page scrolling sideways."""

from __future__ import annotations

import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, WAIT, need_browser, new_page, running_server

PHONE = {"width": 390, "height": 844}


def login_on_phone(page, username: str) -> None:
    """The login form; on a phone the sidebar (with its logout button) starts closed."""
    page.locator(".st-key-login_username input").fill(username)
    page.locator(".st-key-login_password input").fill("gongzhi-demo")
    page.locator(".st-key-login_submit button").click()
    page.get_by_text("退出登录").wait_for(state="attached", timeout=WAIT)


def pick(page, link: str) -> None:
    """Open the sidebar and pick a page in it."""
    from playwright.sync_api import expect

    page.locator('[data-testid="stExpandSidebarButton"]').click()
    sidebar = page.locator('[data-testid="stSidebar"]')
    expect(sidebar).to_have_attribute("data-collapsed", "false")
    sidebar.get_by_role("link", name=link).click()
    expect(page.get_by_role("heading", name=link)).to_be_visible()


@pytest.mark.browser
def test_worker_on_a_phone_records_and_looks_up_matters(tmp_path):
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    with running_server(f"sqlite:///{tmp_path}/phone.db") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = new_page(browser, **PHONE)  # a desktop browser's narrow window: Streamlit only closes it for phones
            page.goto(url)
            login_on_phone(page, "worker")
            sidebar = page.locator('[data-testid="stSidebar"]')
            for link in ("登记民情", "民情台账"):
                pick(page, link)
                expect(sidebar).to_have_attribute("data-collapsed", "true")
                box = sidebar.bounding_box()
                assert box is None or box["x"] + box["width"] <= 1, "the sidebar lies over the page"

            grid = page.locator('[data-testid="stDataFrame"]').first
            expect(grid).to_be_visible()
            # the grid's accessible table lists the columns it draws in view (it scrolls sideways inside itself)
            headers = grid.locator("th")
            expect(headers.first).to_be_attached()
            shown = [text.strip() for text in headers.all_inner_texts()]
            for column in ("事项编号", "当前步骤", "办理时限"):
                assert column in shown, f"{column} not in view: {shown}"
            box = grid.bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
            assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        finally:
            browser.close()
