"""The real server in headless Chromium: a secretary records a matter and finds it in the ledger."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, login, need_browser, new_page, running_server


def choose(page, key: str, option: str) -> None:
    """Pick `option` in the selectbox `key`: a combobox (waited for until enabled) with a listbox of options."""
    from playwright.sync_api import expect

    combobox = page.locator(f".st-key-{key} input")
    combobox.click()
    page.get_by_role("option", name=option, exact=True).click()
    expect(combobox).to_have_value(option)


@pytest.mark.browser
def test_secretary_records_a_matter_and_finds_it_in_the_ledger(tmp_path):
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    marker = uuid.uuid4().hex[:8]
    description = f"浏览器测试{marker}：7号楼东侧路灯不亮，夜间出行不便"
    with running_server(f"sqlite:///{tmp_path}/browser.db") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = new_page(browser)
            page.goto(url)
            login(page, "secretary")
            expect(page.get_by_role("heading", name="书记总览")).to_be_visible()

            # record a matter (navigating by the sidebar keeps the session; a new URL would log out)
            page.get_by_role("link", name="登记民情").click()
            expect(page.get_by_role("heading", name="登记民情")).to_be_visible()
            choose(page, "intake_channel", "群众反映")
            choose(page, "intake_sub_source", "来电")
            expect(page.locator(".st-key-intake_community_id input")).to_have_value("康盛社区")
            choose(page, "intake_grid_id", "康盛第2网格")
            page.locator(".st-key-intake_reporter_name input").fill("李秀英")
            page.locator(".st-key-intake_reporter_phone input").fill("13812345678")
            page.locator(".st-key-intake_description textarea").fill(description)
            page.locator(".st-key-intake_description textarea").press("Tab")
            choose(page, "intake_category", "环境卫生")
            choose(page, "intake_mode", "组团服务")
            expect(page.get_by_text(re.compile(r"办理时限：\d+ 个工作日"))).to_be_visible()
            page.locator(".st-key-intake_save button").click()

            saved = page.get_by_text(re.compile(r"已登记事项 MQ\d+"))
            expect(saved).to_be_visible()
            number = re.search(r"MQ\d+", saved.inner_text()).group(0)
            expect(page.locator("textarea")).to_have_value("")   # the form starts afresh after a save

            # find it in the ledger, by its description and by its number
            page.get_by_role("link", name="民情台账").click()
            expect(page.get_by_role("heading", name="民情台账")).to_be_visible()
            expect(page.get_by_text(re.compile(r"共 \d+ 条"))).to_be_visible()
            one_row = page.get_by_text(re.compile(r"第 1 / 1 页，共 1 条"))
            search = page.locator(".st-key-ledger_text input")
            search.fill(marker)
            search.press("Enter")
            expect(one_row).to_be_visible()
            search.fill(f"没有这样的事项{marker}")
            search.press("Enter")
            expect(page.get_by_text("没有符合条件的事项。", exact=False)).to_be_visible()
            expect(one_row).to_have_count(0)
            search.fill(number)
            search.press("Enter")
            expect(one_row).to_be_visible()
        finally:
            browser.close()


HOSTILE = "<script>alert(1)</script> ![x](http://evil.example/a.png) [点我](javascript:alert(1)) 楼道堆物"


def _demo_with_hostile_matter(url: str) -> str:
    """A demo database holding one more matter whose text is hostile; returns its number."""
    from data_access.accounts.auth import login as check_login
    from data_access.config import load_settings
    from data_access.db import make_engine, migrate
    from data_access.demo import street
    from data_access.org import grids
    from data_access.service.writes import create_matter

    settings = load_settings()
    engine = make_engine(url)
    try:
        migrate(engine)
        street.seed(engine, settings)
        secretary = check_login(engine, settings, "secretary", "gongzhi-demo").actor
        community = secretary.grants[0].community_id
        matter = create_matter(engine, actor=secretary, settings=settings, data={
            "channel": "resident", "sub_source": "phone", "community_id": community,
            "grid_id": grids(engine, community, actor=secretary)[0][0], "reporter_name": "李秀英",
            "reporter_phone": "13812345678", "description": HOSTILE, "category": "environment", "urgency": "normal",
            "mode": "team"})
        return matter.number
    finally:
        engine.dispose()


@pytest.mark.browser
def test_leader_finds_no_way_to_change_anything_and_hostile_text_shows_literally(tmp_path):
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    url_db = f"sqlite:///{tmp_path}/leader.db"
    number = _demo_with_hostile_matter(url_db)
    with running_server(url_db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = new_page(browser)
            dialogs = []
            page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
            page.goto(url)
            login(page, "leader")
            expect(page.get_by_role("heading", name="书记总览")).to_be_visible()
            nav = page.locator('[data-testid="stSidebarNav"]')
            for name in ("书记总览", "民情台账", "事项办理"):
                expect(nav.get_by_role("link", name=name)).to_be_visible()
            for name in ("登记民情", "账号管理", "审计日志"):
                expect(nav.get_by_role("link", name=name)).to_have_count(0)

            nav.get_by_role("link", name="民情台账").click()
            expect(page.get_by_role("heading", name="民情台账")).to_be_visible()
            expect(page.get_by_text("导出完整个人信息")).to_have_count(0)

            nav.get_by_role("link", name="事项办理").click()
            page.locator(".st-key-matter_find_number input").fill(number)
            page.get_by_role("button", name="查找").click()
            expect(page.get_by_role("heading", name=re.compile(number))).to_be_visible()
            expect(page.get_by_text(HOSTILE, exact=True)).to_be_visible()   # shown as typed
            expect(page.locator('img[src*="evil.example"]')).to_have_count(0)
            expect(page.locator('a[href^="javascript"]')).to_have_count(0)
            expect(page.get_by_text("李** 138****5678", exact=True)).to_be_visible()
            expect(page.get_by_text("13812345678")).to_have_count(0)
            expect(page.get_by_text("您的角色只能查看，不能修改。")).to_be_visible()
            main = page.locator('[data-testid="stMain"]')
            expect(main.locator("textarea")).to_have_count(0)
            expect(main.locator('[class*="_save"] button, [class*="personal_reveal"] button')).to_have_count(0)
            assert not dialogs, "no script ran"
        finally:
            browser.close()
