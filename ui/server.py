"""Serve app.py: `python -m ui.server [streamlit options]` is `streamlit run app.py`, minus one Streamlit habit.

Streamlit 1.67 treats an app with a `pages/` folder beside its main script as a legacy multipage app until the
first st.navigation call of the process: the very first session after a start would answer a bookmarked page's
address with Streamlit's English "Page not found" box. app.py routes every page with st.navigation, so the server
is told so before the first session. run.py serve, the browser tests and the benchmark all start it here.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
APP = ROOT / "app.py"


def prepare() -> None:
    """Tell Streamlit, before any session starts, that the app routes its pages with st.navigation."""
    from streamlit.runtime.pages_manager import PagesManager

    PagesManager.uses_pages_directory = False


def main(argv: list[str]) -> None:
    prepare()
    from streamlit.web import cli

    sys.argv = ["streamlit", "run", str(APP), *argv]
    cli.main()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_until_up(url: str, proc: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    """Wait until the server at `url` answers its health check; fail if it exits or takes longer than `timeout`."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as resp:
                if resp.status == 200:
                    return
        except OSError:
            pass
        if proc.poll() is not None or time.monotonic() > deadline:
            raise RuntimeError(f"the server did not start; see {log}")
        time.sleep(0.3)


def stop(proc: subprocess.Popen, timeout: float = 15) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@contextmanager
def background(log: Path, *, env: dict[str, str] | None = None, port: int | None = None,
               module: str = "ui.server", before: tuple[str, ...] = (),
               timeout: float = 120) -> Iterator[tuple[str, subprocess.Popen]]:
    """This server in a child process (for the browser tests, the screenshots and the benchmarks): `python -m
    module *before` with Streamlit's options, on 127.0.0.1 and `port` (a free one by default), output to `log`;
    yields (base URL, process) once it answers, and stops it afterwards. No file watcher: a source file saved
    meanwhile must not make the server re-import the models."""
    port = port or free_port()
    with open(log, "w") as out:
        proc = subprocess.Popen([sys.executable, "-m", module, *before, "--server.headless", "true",
                                 "--server.port", str(port), "--server.address", "127.0.0.1",
                                 "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"],
                                cwd=ROOT, env={**os.environ, **(env or {})}, stdout=out, stderr=subprocess.STDOUT)
        try:
            url = f"http://127.0.0.1:{port}"
            wait_until_up(url, proc, log, timeout)
            yield url, proc
        finally:
            stop(proc)


if __name__ == "__main__":
    main(sys.argv[1:])
