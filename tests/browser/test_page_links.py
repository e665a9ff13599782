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
            # the server's very first visitor comes with a bookmark (ui.server: no legacy pages/ handling)
            page.goto(f"{url}/ledger")
            expect(page.locator(".st-key-login_username input")).to_be_visible()
            login(page, "secretary")
            expect(page.get_by_role("heading", name="民情台账")).to_be_visible()
            assert page.url.endswith("/ledger")
            page.goto(f"{url}/users")  # account administration: not a secretary's page
            expect(page.get_by_text("您的角色无权使用此页面")).to_be_visible()
            page.goto(f"{url}/no-such-page")  # a mistyped or outdated bookmark
            expect(page.get_by_text("没有这个页面")).to_be_visible()
            expect(page.get_by_text("退出登录")).to_be_visible()  # still logged in, the menu at hand
            for shown in (page.get_by_text("Page not found"), page.get_by_text("Running the app's main page")):
                assert shown.count() == 0
        except Exception:
            page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)
            print(f"screenshot: {tmp_path / 'failed.png'}")
            raise
        finally:
            browser.close()


@pytest.mark.browser
def test_a_matter_is_in_the_address_for_a_reload_a_bookmark_and_a_shared_link(tmp_path):
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    database = f"sqlite:///{tmp_path}/records.db"
    with running_server(database) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = new_page(browser)
        try:
            page.goto(f"{url}/matter")
            login(page, "secretary")
            number = first_matter_number(database)  # the demo is seeded by the first session
            page.locator(".st-key-matter_find_number input").fill(number)
            page.get_by_role("button", name="查找").click()
            shown = page.get_by_role("heading", name=number)
            expect(shown).to_be_visible()
            page.wait_for_url(lambda address: "?id=" in address)
            link = page.url
            page.reload()
            expect(shown).to_be_visible()
            # the same address in another browser, logged out: the login, then that very matter
            other = new_page(browser)
            other.goto(link)
            login(other, "secretary")
            expect(other.get_by_role("heading", name=number)).to_be_visible()
            # a number that is nobody's: the message, and the matter opened before is gone from the screen
            page.locator(".st-key-matter_find_number input").fill("MQ000000000000000")
            page.get_by_role("button", name="查找").click()
            expect(page.get_by_text("没有找到编号为")).to_be_visible()
            expect(shown).to_have_count(0)
            # an address that is no page, logged out: a Chinese page with the login, not Streamlit's English box
            fresh = new_page(browser)
            fresh.goto(f"{url}/nothing-here")
            expect(fresh.get_by_text("没有这个页面")).to_be_visible()
            expect(fresh.locator(".st-key-login_username input")).to_be_visible()
            assert fresh.get_by_text("Page not found").count() == 0
        except Exception:
            page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)
            print(f"screenshot: {tmp_path / 'failed.png'}")
            raise
        finally:
            browser.close()


def first_matter_number(database: str) -> str:
    """The number of the demo's first matter (康盛社区, the secretary's community)."""
    from sqlmodel import Session, select

    from data_access.db import make_engine
    from data_access.models.org import Community
    from data_access.models.service import Matter

    engine = make_engine(database)
    try:
        with Session(engine) as session:
            return session.exec(select(Matter.number).join(Community, Community.id == Matter.community_id)
                                .where(Community.name == "康盛社区").order_by(Matter.id)).first()
    finally:
        engine.dispose()
