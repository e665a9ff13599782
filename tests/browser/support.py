"""Runs the real Streamlit server for browser tests and screenshots, and drives its login in Chromium."""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path

from ui.server import background, free_port

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WAIT = 60_000  # ms that actions and assertions wait: CI machines are busy and a rerun can take seconds
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


@contextmanager
def running_server(database_url: str, *, demo: bool = True, timeout: float = 90, port: int | None = None):
    """The app's server (ui.server.background, as run.py serves it) against `database_url`; yields its base URL."""
    port = port or free_port()
    log = Path(os.environ.get("TMPDIR", "/tmp")) / f"gongzhi-server-{port}.log"
    env = {"GONGZHI_DATABASE_URL": database_url, "GONGZHI_DEMO": "1" if demo else "0"}
    with background(log, env=env, port=port, timeout=timeout) as (url, _):
        yield url


def need_browser() -> None:
    """Skip the test when there is no Chromium, unless GONGZHI_REQUIRE_BROWSER=1 says it must run."""
    import pytest

    if os.path.exists(CHROMIUM):
        return
    if os.environ.get("GONGZHI_REQUIRE_BROWSER") == "1":
        pytest.fail(f"GONGZHI_REQUIRE_BROWSER=1 but there is no Chromium at {CHROMIUM}")
    pytest.skip(f"no Chromium at {CHROMIUM}")


def new_page(browser, *, width: int = 1400, height: int = 1000, **options):
    """A Chinese-locale page whose actions and `expect` assertions both wait WAIT ms (expect's own default is 5 s,
    shorter than one rerun on a loaded machine)."""
    from playwright.sync_api import expect

    page = browser.new_page(viewport={"width": width, "height": height}, locale="zh-CN", **options)
    page.set_default_timeout(WAIT)
    expect.set_options(timeout=WAIT)
    return page


def login(page, username: str, password: str = "gongzhi-demo") -> None:
    """Log in through the login form and wait for the first screen."""
    page.locator(".st-key-login_username input").fill(username)
    page.locator(".st-key-login_password input").fill(password)
    page.locator(".st-key-login_submit button").click()
    page.get_by_text("退出登录").wait_for(timeout=WAIT)
