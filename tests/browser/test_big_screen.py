"""The real server in headless Chromium at 1920x1080: the street hall's wall screen opens the demo's display link
with no login, shows a slide without any Streamlit chrome or scrolling, the next slide arrives by itself, the space
bar pauses, a reload still shows slides; the server stops and the screen keeps its slides with the reconnecting
banner, the server starts again and the screen recovers by itself; once the link is revoked the screen shows the
revoked page at its next refresh."""

from __future__ import annotations

import re

import pytest
import yaml
from sqlalchemy import select

from data_access.accounts.auth import load_actor
from data_access.bootstrap import open_database
from data_access.briefing import display
from data_access.config import CONFIG_PATH, load_settings
from data_access.db import reading
from data_access.models import User
from domain.briefing.screen import SLIDES
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, free_port, need_browser, new_page, running_server

REFRESH = 10  # seconds between the screen's reads in this test (config: briefing.refresh_seconds)
SLIDE_COUNT = len(SLIDES)  # the demo's display link shows every slide


@pytest.mark.browser
def test_a_wall_screen_runs_through_a_server_restart_until_its_link_is_revoked(tmp_path, monkeypatch):
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    raw = yaml.safe_load(CONFIG_PATH.read_text(encoding="utf-8"))
    raw["briefing"]["refresh_seconds"] = REFRESH
    config = tmp_path / "config.yaml"
    config.write_text(yaml.safe_dump(raw, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("GONGZHI_CONFIG", str(config))
    database = f"sqlite:///{tmp_path}/screen.db"
    monkeypatch.setenv("GONGZHI_DATABASE_URL", database)
    monkeypatch.setenv("GONGZHI_DEMO", "1")
    settings = load_settings()
    engine = open_database(settings)  # the demo street and its display link, as the server's first start makes them
    port = free_port()
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = new_page(browser, width=1920, height=1080)
        token = display.demo_token(engine, settings, "街道大厅大屏")
        position, banner = page.locator(".screen .position"), page.locator(".screen .banner")
        try:
            with running_server(database, port=port) as url:
                page.goto(f"{url}/?display={token}&interval=5")
                expect(position).to_have_text(f"1/{SLIDE_COUNT}")
                expect(page.locator(".screen .place")).to_have_text("青春山街道 · 全街道")
                expect(page.locator(".screen .clock")).to_have_text(re.compile(r"^\d\d:\d\d:\d\d$"))
                expect(page.locator(".screen .updated")).to_have_text(re.compile(r"^数据更新于 \d\d:\d\d$"))
                assert page.get_by_label("用户名").count() == 0, "no login"
                for chrome in ("stSidebar", "stToolbar", "stHeader", "stStatusWidget"):
                    assert not page.locator(f'[data-testid="{chrome}"]').is_visible(), chrome
                assert page.evaluate("document.scrollingElement.scrollHeight <= window.innerHeight + 1")
                headline = page.locator(".screen .value").first
                assert float(headline.evaluate("e => parseFloat(getComputedStyle(e).fontSize)")) >= 72
                smallest = page.evaluate("""() => {
                    const host = [...document.querySelectorAll("*")].find(e => e.shadowRoot?.querySelector(".screen"));
                    const worded = [...host.shadowRoot.querySelectorAll(".screen *")].filter(e =>
                        [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()));
                    return Math.min(...worded.map(e => parseFloat(getComputedStyle(e).fontSize)));
                }""")
                assert smallest >= 24, f"the smallest label is {smallest}px"

                expect(position).to_have_text(f"2/{SLIDE_COUNT}", timeout=15_000)  # the next slide arrives by itself
                page.keyboard.press("Space")
                expect(page.locator(".screen .paused")).to_have_text(re.compile("已暂停"))
                page.wait_for_timeout(7_000)
                expect(position).to_have_text(f"2/{SLIDE_COUNT}")
                page.keyboard.press("ArrowRight")
                expect(position).to_have_text(f"3/{SLIDE_COUNT}")
                page.keyboard.press("Space")  # running again

                page.reload()
                expect(position).to_have_text(f"1/{SLIDE_COUNT}")
                expect(banner).to_have_text("")
            # the server is gone: the slides stay, keep turning, and the screen says it is reconnecting
            expect(banner).to_have_text("连接中断，正在重连", timeout=(REFRESH * 3 + 10) * 1000)
            now = position.inner_text()
            turned = f"{int(now.split('/')[0]) % SLIDE_COUNT + 1}/{SLIDE_COUNT}"
            expect(position).to_have_text(turned, timeout=7_000)  # still turning on its own
            with running_server(database, port=port):
                expect(banner).to_have_text("", timeout=90_000)  # back by itself: new figures arrived
                with reading(engine) as session:
                    leader = load_actor(engine, settings, session.execute(
                        select(User.id).where(User.username == "leader")).scalar_one())
                display.revoke(engine, actor=leader, link_id=int(token.split(".")[0]))
                expect(page.locator(".screen .message")).to_contain_text("展示链接已撤销",
                                                                        timeout=REFRESH * 3 * 1000)
                assert not re.search(r"\d", page.locator(".screen .stage").inner_text()), "no figures remain"
        except Exception:
            page.screenshot(path=str(tmp_path / "failed.png"))
            print(f"screenshot: {tmp_path / 'failed.png'}")
            raise
        finally:
            browser.close()
            engine.dispose()
