"""The real server in headless Chromium: the street leader opens 领导驾驶舱, edits the briefing text and downloads
it as Word, which opens again with python-docx holding the edit; then a figure opens the ledger behind it."""

from __future__ import annotations

import io
import re

import pytest

from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, login, need_browser, new_page, running_server


@pytest.mark.browser
def test_the_leader_reads_the_cockpit_edits_the_briefing_and_downloads_it(tmp_path):
    need_browser()
    import docx
    from playwright.sync_api import expect, sync_playwright

    with running_server(f"sqlite:///{tmp_path}/briefing.db") as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            page = new_page(browser, width=1600, height=1400, accept_downloads=True)
            page.goto(url)
            login(page, "leader")
            page.get_by_role("link", name="领导驾驶舱").click()
            expect(page.get_by_role("heading", name="工作简报")).to_be_visible()
            box = page.locator('[class*="st-key-cockpit_text_zh"] textarea')
            # the box may be drawn a moment before its text arrives: wait for the text, not only the box
            expect(box).to_have_value(re.compile("全街道共受理民情事项"))
            text = box.input_value()
            assert "全街道共受理民情事项" in text and "居民议事会" in text
            box.fill(text + "\n\n下一步，街道将对超期事项逐件督办。")
            box.press("Tab")  # leaving the box reruns the page with the edit
            page.wait_for_timeout(1500)
            with page.expect_download() as download:
                page.get_by_role("button", name="下载Word简报").click()
            document = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
            lines = [p.text for p in document.paragraphs if p.text.strip()]
            assert lines[0].endswith("工作简报") and lines[0].startswith("全街道")
            assert lines[2].startswith("一、") and "全街道共受理民情事项" in lines[2]
            assert lines[-1].endswith("下一步，街道将对超期事项逐件督办。"), "the edited text is what is exported"

            page.locator(".st-key-cockpit_open_overdue button").click()
            expect(page.get_by_role("heading", name="民情台账")).to_be_visible()
            expect(page.get_by_role("checkbox", name="只看超期")).to_be_checked()
        except Exception:
            page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)
            print(f"screenshot: {tmp_path / 'failed.png'}")
            raise
        finally:
            browser.close()
