"""Runs the real Streamlit server for browser tests and screenshots, and drives its login in Chromium."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
WAIT = 60_000  # ms that actions and assertions wait: CI machines are busy and a rerun can take seconds
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def running_server(database_url: str, *, demo: bool = True, timeout: float = 90, port: int | None = None):
    """Start `streamlit run app.py` (through ui.server, as run.py serves it) on `port` (a free one by default)
    against `database_url`; yield its base URL.
    No file watcher: a source file saved while a test runs must not make the server re-import the models
    mid-test."""
    port = port or free_port()
    env = {**os.environ, "GONGZHI_DATABASE_URL": database_url, "GONGZHI_DEMO": "1" if demo else "0"}
    log = open(Path(os.environ.get("TMPDIR", "/tmp")) / f"gongzhi-server-{port}.log", "w")
    proc = subprocess.Popen([sys.executable, "-m", "ui.server", "--server.headless",
                             "true", "--server.port", str(port), "--server.address", "127.0.0.1",
                             "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                            cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                    if resp.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"Streamlit did not start; see {log.name}")
            time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


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
