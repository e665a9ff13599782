"""Chinese throughout, whatever the browser's own language: the calendar's months and weekdays follow the session's
language, Streamlit's English input hints do not show, and English lists are joined with commas."""

from __future__ import annotations

import re

import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, WAIT, login, need_browser, running_server

ENGLISH_MONTH = re.compile(r"January|February|March|April|May|June|July|August|September|October|November|December")


@pytest.mark.browser
def test_chinese_calendar_and_no_english_hints_in_an_english_browser(tmp_path):
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    with running_server(f"sqlite:///{tmp_path}/locale.db") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            # an office PC set up in English, the UI in Chinese (new_page's own locale is the UI's)
            page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="en-US")
            page.set_default_timeout(WAIT)
            expect.set_options(timeout=WAIT)
            page.goto(url)
            login(page, "worker")
            page.get_by_role("link", name="登记民情").click()
            expect(page.get_by_role("heading", name="登记民情")).to_be_visible()

            # typing in a text field: no "Press Enter to apply" over the field
            name = page.locator(".st-key-intake_reporter_name input")
            name.click()
            name.press_sequentially("李秀英")
            expect(page.get_by_text("Press Enter to apply")).to_be_hidden()
            description = page.locator(".st-key-intake_description textarea")
            description.click()
            description.press_sequentially("楼道灯不亮")
            expect(page.get_by_text(re.compile(r"Press (Ctrl|⌘)\+Enter"))).to_be_hidden()

            # the date picker: Chinese month and weekday names
            page.locator(".st-key-intake_registered_date [data-testid=stDateInputField]").click()
            calendar = page.locator('[data-testid="stDateInputCalendar"]')
            expect(calendar).to_be_visible()
            expect(calendar.get_by_text(re.compile(r"^\d{4}年\d{1,2}月$")).first).to_be_attached()
            for weekday in "一二三四五六日":
                expect(calendar.get_by_text(weekday, exact=True).first).to_be_visible()
            assert not ENGLISH_MONTH.search(calendar.inner_text())
            page.keyboard.press("Escape")

            # the ledger's date range: its quick select in Chinese too
            page.get_by_role("link", name="民情台账").click()
            expect(page.get_by_role("heading", name="民情台账")).to_be_visible()
            page.get_by_text("筛选条件", exact=True).click()  # the filters start folded
            page.locator(".st-key-ledger_dates [data-testid=stDateInputField]").click()
            quick = page.locator('[data-testid="stDateInputQuickSelect"]')
            expect(quick).to_contain_text("日期范围")
            quick.locator("button").click()
            expect(page.get_by_role("option", name="近一周")).to_be_visible()
            expect(page.get_by_text("Past Week")).to_have_count(0)
        finally:
            browser.close()
