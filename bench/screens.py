"""Wall screens on one server process: SCREENS tabs of one headless Chromium show the same display link
(`/?display=<token>&interval=N`) for MINUTES; every SQL statement the server sends is counted, and every slide change
on every screen is timed.

`python -m bench.screens DB [--minutes 10] [--screens 20] [--refresh 20] [--interval 10]` prints one JSON object on
stdout (the last line); `python -m bench` runs it after the other timings.

How:
- The server is the real one: `streamlit run app.py` in a child process (`python -m bench.screens --serve LOG ...`)
  that first installs an SQLAlchemy listener on the Engine class (before_cursor_execute / after_cursor_execute), so
  every statement of every engine of the process is written to LOG with its start (wall clock), its duration, the
  Streamlit session that sent it and its text. No file watcher, headless, on a free port.
- Its config is config.yaml with `briefing.refresh_seconds` set to --refresh (GONGZHI_CONFIG points at a copy in a
  temporary directory; the cache of the screens' reads lives as long). The display link is made with
  `data_access.briefing.display.create` as `leader` for the whole street, every slide, one day; the link's signing
  secret is a new file in the temporary directory (GONGZHI_SECRET_FILE), so the project's own secret is not touched.
  Creating the link writes its display.create audit entry, and the first screen of the day its display.use.
- The browser: /usr/bin/chromium through Playwright, the flags of tests/browser/support.py plus the three that keep a
  tab that is not in front from being throttled (a wall screen is always in front); SCREENS pages of one context at
  1280x720, opened one after the other. In each page a MutationObserver on the component's shadow root (under the
  element whose class holds `st-key-screen`) records, with the page's clock, every change of the footer's `.position`
  ("3/6") and of the slide's name. The measured window starts when every screen shows a slide, and lasts MINUTES.

What is reported:
- slides: each change's lateness = its time since the previous change on that screen minus the interval (the
  screen's JavaScript moves on at the first 250 ms tick after the interval, so 0 to 0.25 s is by design); changes that
  were not "the next slide" (a jump back to the first after a remount, say) are counted apart.
- sql: the statements of the window, sorted into the briefing's reads (`gather`, every statement on another table
  than the link's own), the link checks (display_link, user_account, user_role: each refresh of each screen opens the
  link again) and anything else; the briefing's statements grouped into sets (a burst of one session), and sets per
  refresh interval (windows of --refresh seconds from the start of the window), with each set's SQL time.
- the server's CPU time and peak RSS, the load average, the browser's process count.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

from bench.database import locate
from bench.database import url as database_url
from ui.server import background

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
                 # a wall screen's tab is always in front: no timer throttling of tabs that are not
                 "--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                 "--disable-backgrounding-occluded-windows"]
LINK_TABLES = ("display_link", "user_account", "user_role")
TABLE = re.compile(r"\b(?:FROM|JOIN|INTO|UPDATE)\s+\"?([a-z_]+)", re.IGNORECASE)
SET_GAP_S = 2.0  # briefing statements of one session closer than this belong to one set


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# --- the server process ----------------------------------------------------------------------------------------

def listen(path: Path) -> None:
    """Write every statement of every engine of this process to `path`, one JSON line each."""
    import threading

    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    out = open(path, "a", buffering=1, encoding="utf-8")  # noqa: SIM115 - open for the life of the process
    lock = threading.Lock()

    def session_id() -> str:
        try:
            from streamlit.runtime.scriptrunner import get_script_run_ctx

            ctx = get_script_run_ctx(suppress_warning=True)
            return ctx.session_id[:8] if ctx else threading.current_thread().name
        except Exception:  # noqa: BLE001 - outside a script run
            return threading.current_thread().name

    def before(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        conn.info.setdefault("bench_started", []).append((time.time(), time.perf_counter()))

    def after(conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        wall, start = conn.info["bench_started"].pop()
        line = json.dumps({"t": round(wall, 4), "s": round(time.perf_counter() - start, 6), "who": session_id(),
                           "tables": sorted(tables(statement)), "sql": " ".join(statement.split())[:300]},
                          ensure_ascii=False)
        with lock:
            out.write(line + "\n")

    event.listen(Engine, "before_cursor_execute", before)
    event.listen(Engine, "after_cursor_execute", after)


def serve(path: Path, argv: list[str]) -> None:
    """`streamlit run app.py ARGV` in this process, with the listener installed first."""
    listen(path)
    from ui import server

    server.main(argv)


# --- the bench -----------------------------------------------------------------------------------------------

def make_config(folder: Path, refresh: int) -> Path:
    import yaml

    raw = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
    raw.setdefault("briefing", {})["refresh_seconds"] = refresh
    path = folder / "config.yaml"
    path.write_text(yaml.safe_dump(raw, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return path


def make_link(db: str) -> tuple[str, int]:
    """A display link for the whole street, every slide, one day, made by `leader`; (token, link id)."""
    from sqlalchemy import text

    from data_access.accounts import auth
    from data_access.briefing import display
    from data_access.config import settings
    from data_access.db import make_engine

    engine = make_engine(database_url(db))
    with engine.connect() as conn:
        leader = conn.execute(text("select id from user_account where username = 'leader'")).scalar_one()
    actor = auth.load_actor(engine, settings(), leader)
    token = display.create(engine, settings(), actor=actor,
                           data={"name": "bench: wall screens", "community_id": None, "slides": [], "days": 1})
    engine.dispose()
    return token, int(token.split(".")[0])


def proc_stats(pid: int) -> dict:
    """CPU seconds (user + system) and peak RSS of a process."""
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        cpu = (int(fields[11]) + int(fields[12])) / ticks
        with open(f"/proc/{pid}/status", encoding="ascii") as fh:
            status = {line.split(":")[0]: line.split(":")[1].strip() for line in fh}
        return {"cpu_s": round(cpu, 1), "peak_rss_mb": round(int(status["VmHWM"].split()[0]) / 1024, 1),
                "rss_mb": round(int(status["VmRSS"].split()[0]) / 1024, 1)}
    except (OSError, KeyError, IndexError, ValueError):
        return {}


OBSERVE = """() => {
  // the component's shadow root: under the element whose class holds st-key-screen
  function findRoot() {
    const hosts = document.querySelectorAll('[class*="st-key-screen"]');
    for (const host of hosts) {
      for (const el of [host, ...host.querySelectorAll('*')]) {
        if (el.shadowRoot && el.shadowRoot.querySelector('.position')) return el.shadowRoot;
      }
      if (host.querySelector('.position')) return host;
    }
    return null;
  }
  const w = window;
  if (w.__bench) return w.__bench.events.length;
  w.__bench = { events: [], last: null, root: null, observer: null, remounts: 0 };
  function note(initial) {
    const r = w.__bench.root;
    const pos = r.querySelector('.position'), slide = r.querySelector('.stage section');
    const now = Date.now();
    const value = pos ? pos.textContent : '';
    const name = slide ? [...slide.classList].find((c) => c !== 'slide') || '' : '';
    const box = r.querySelector('.screen'), holder = box && box.parentNode;
    const state = holder && holder.__screen;
    if (value && value !== w.__bench.last) {
      w.__bench.last = value;
      // a slide already on screen when the observer came: its time is the screen's own
      w.__bench.events.push({ t: initial === true && state ? state.shownAt : now, pos: value, name,
                              shown: state ? state.shownAt : null,
                              visible: document.visibilityState });
    }
  }
  function attach() {
    const r = findRoot();
    if (!r || r === w.__bench.root) return;
    if (w.__bench.observer) { w.__bench.observer.disconnect(); w.__bench.remounts += 1; }
    w.__bench.root = r;
    w.__bench.observer = new MutationObserver(() => note(false));
    w.__bench.observer.observe(r, { subtree: true, childList: true, characterData: true });
    note(true);
  }
  attach();
  setInterval(attach, 1000);
  return w.__bench.events.length;
}"""


def open_screens(browser, url: str, screens: int, wait_s: float) -> list:
    pages = []
    context = browser.new_context(viewport={"width": 1280, "height": 720}, locale="zh-CN")
    for number in range(screens):
        page = context.new_page()
        page.goto(url, wait_until="domcontentloaded", timeout=int(wait_s * 1000))
        pages.append(page)
        log(f"  screen {number + 1:>2} opened")
    deadline = time.monotonic() + wait_s
    for number, page in enumerate(pages):
        while page.evaluate(OBSERVE) == 0:
            if time.monotonic() > deadline:
                page.screenshot(path=str(Path(tempfile.gettempdir()) / f"bench-screen-{number + 1}.png"))
                raise RuntimeError(f"screen {number + 1} showed no slide within {wait_s:.0f} s")
            time.sleep(0.5)
    return pages


def lateness(events_by_screen: list[list[dict]], start_ms: float, end_ms: float, interval: int) -> dict:
    late, own, steps, odd = [], [], 0, []
    per_screen = []
    for number, events in enumerate(events_by_screen):
        inside = [e for e in events if e["t"] >= start_ms - interval * 1000 and e["t"] <= end_ms]
        worst = None
        for before, after in zip(inside, inside[1:], strict=False):
            if after["t"] < start_ms:
                continue
            shown, total = (int(x) for x in before["pos"].split("/"))
            moved, total_after = (int(x) for x in after["pos"].split("/"))
            if total_after != total or moved != shown % total + 1:
                odd.append({"screen": number + 1, "from": before["pos"], "to": after["pos"], "at_ms": after["t"]})
                continue
            steps += 1
            seconds = (after["t"] - before["t"]) / 1000 - interval
            late.append(seconds)
            if after.get("shown") and before.get("shown"):
                own.append((after["shown"] - before["shown"]) / 1000 - interval)
            worst = seconds if worst is None else max(worst, seconds)
        per_screen.append({"screen": number + 1, "changes": sum(1 for e in inside if e["t"] >= start_ms),
                           "max_late_s": None if worst is None else round(worst, 3)})
    ordered = sorted(late)

    def pct(q: float) -> float | None:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 3) if ordered else None

    return {"changes": steps, "not_next": len(odd), "odd": odd[:20],
            "median_late_s": round(statistics.median(late), 3) if late else None, "p95_late_s": pct(0.95),
            "p99_late_s": pct(0.99), "max_late_s": round(max(late), 3) if late else None,
            "min_late_s": round(min(late), 3) if late else None,
            "later_than_1s": sum(1 for s in late if s > 1.0),
            "by_screen_clock": {"median_late_s": round(statistics.median(own), 3) if own else None,
                                "max_late_s": round(max(own), 3) if own else None,
                                "min_late_s": round(min(own), 3) if own else None},
            "later_than_0_5s": sum(1 for s in late if s > 0.5),
            "per_screen": per_screen}


def tables(sql: str) -> set[str]:
    return {name.lower() for name in TABLE.findall(sql)}


def kind(row: dict) -> str:
    found = set(row["tables"])
    if not found:
        return "other"
    if found <= set(LINK_TABLES):
        return "link"
    if found & {"alembic_version", "sqlite_master"}:
        return "other"
    return "briefing"


def sql_summary(path: Path, start: float, end: float, refresh: int, screens: int) -> dict:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    before = [r for r in rows if r["t"] < start]
    inside = [r for r in rows if start <= r["t"] < end]
    kinds = Counter(kind(r) for r in inside)
    # the briefing's statements in sets: one session's burst
    sets: list[dict] = []
    open_sets: dict[str, dict] = {}
    for r in sorted((r for r in inside if kind(r) == "briefing"), key=lambda r: r["t"]):
        current = open_sets.get(r["who"])
        if current is None or r["t"] - current["last"] > SET_GAP_S:
            current = {"first": r["t"], "last": r["t"], "who": r["who"], "statements": 0, "sql_s": 0.0}
            open_sets[r["who"]] = current
            sets.append(current)
        current["last"] = r["t"] + r["s"]
        current["statements"] += 1
        current["sql_s"] += r["s"]
    intervals = int((end - start) // refresh)
    per_interval = Counter(int((s["first"] - start) // refresh) for s in sets)
    counts = [per_interval.get(i, 0) for i in range(intervals)]
    link_rows = [r for r in inside if kind(r) == "link"]
    link_per_screen = Counter(r["who"] for r in link_rows)
    opens = Counter(r["who"] for r in link_rows if "display_link" in r["tables"]
                    and r["sql"].lstrip().upper().startswith("SELECT"))
    distinct = Counter(r["sql"][:120] for r in inside if kind(r) == "briefing")
    return {
        "window_s": round(end - start, 1), "refresh_s": refresh, "intervals": intervals,
        "statements": len(inside), "by_kind": dict(kinds),
        "before_window": {"statements": len(before), "by_kind": dict(Counter(kind(r) for r in before))},
        "briefing_sets": len(sets),
        "briefing_sets_per_interval": counts,
        "briefing_sets_per_interval_max": max(counts) if counts else 0,
        "briefing_statements_per_set": sorted(Counter(s["statements"] for s in sets).items()),
        "briefing_set_sql_s_median": round(statistics.median(s["sql_s"] for s in sets), 4) if sets else None,
        "briefing_set_wall_s_median": round(statistics.median(s["last"] - s["first"] for s in sets), 4)
        if sets else None,
        "briefing_set_wall_s_max": round(max(s["last"] - s["first"] for s in sets), 4) if sets else None,
        "briefing_sessions": len({s["who"] for s in sets}),
        "briefing_distinct_statements": len(distinct),
        "link_statements": len(link_rows),
        "link_sessions": len(link_per_screen),
        "link_opens": sum(opens.values()),
        "link_opens_per_screen": sorted(opens.values()),
        "link_statements_per_open": round(len(link_rows) / max(1, sum(opens.values())), 2),
        "link_statements_per_interval": round(len(link_rows) / max(1, intervals), 1),
        "link_sql_s": round(sum(r["s"] for r in link_rows), 4),
        "link_statement_kinds": sorted(Counter(r["sql"][:100] for r in link_rows).items(), key=lambda x: -x[1])[:8],
        "other_statements": sorted(Counter(r["sql"][:100] for r in inside if kind(r) == "other").items(),
                                   key=lambda x: -x[1])[:8],
        "expected_refreshes": screens * intervals,
    }


def run(db: str, minutes: float, screens: int, refresh: int, interval: int, keep: Path | None = None) -> dict:
    from playwright.sync_api import sync_playwright

    folder = Path(tempfile.mkdtemp(prefix="bench-screens-"))
    statements = folder / "statements.jsonl"
    config = make_config(folder, refresh)
    secret = folder / "display-secret"
    os.environ.update({"GONGZHI_DATABASE_URL": database_url(db), "GONGZHI_DEMO": "0",
                       "GONGZHI_CONFIG": str(config), "GONGZHI_SECRET_FILE": str(secret)})
    token, link_id = make_link(db)
    load = {"before": os.getloadavg()[0]}
    with background(folder / "server.log", module="bench.screens",
                    before=("--serve", str(statements), "--")) as (base, server):
        url = f"{base}/?display={token}&interval={interval}"
        log(f"Wall screens: {screens} tabs on {base}/?display=<link #{link_id}>&interval={interval}, "
            f"refresh {refresh} s, {minutes:g} min")
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            try:
                opened_at = time.time()
                pages = open_screens(browser, url, screens, wait_s=180)
                start = time.time()
                log(f"  every screen shows a slide after {start - opened_at:.1f} s; measuring for {minutes:g} min")
                samples = []
                end = start + minutes * 60
                while time.time() < end:
                    time.sleep(min(30, max(0.0, end - time.time())))
                    samples.append({"at_s": round(time.time() - start), "load_1min": os.getloadavg()[0],
                                    **proc_stats(server.pid)})
                    log(f"  {samples[-1]}")
                events = [page.evaluate("() => window.__bench.events") for page in pages]
                remounts = [page.evaluate("() => window.__bench.remounts") for page in pages]
                clock_skew = [page.evaluate("() => Date.now()") / 1000 - time.time() for page in pages[:1]]
                if keep:
                    pages[0].screenshot(path=str(keep))
            finally:
                browser.close()
        load["after"] = os.getloadavg()[0]
        server_stats = proc_stats(server.pid)
    (folder / "events.json").write_text(json.dumps(events), encoding="utf-8")
    slides = lateness(events, start * 1000, end * 1000, interval)
    slides["remounts"] = remounts
    sql = sql_summary(statements, start, end, refresh, screens)
    result = {"screens": screens, "minutes": minutes, "refresh_s": refresh, "interval_s": interval,
              "link_id": link_id, "startup_to_all_showing_s": round(start - opened_at, 1),
              "slides": slides, "sql": sql, "server": server_stats, "samples": samples, "load_average_1min": load,
              "browser_clock_minus_ours_s": round(clock_skew[0], 3), "log_dir": str(folder)}
    return result


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] == "--serve":
        serve(Path(sys.argv[2]), sys.argv[4:] if sys.argv[3:4] == ["--"] else sys.argv[3:])
        return
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a SQLite file or a database URL")
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--screens", type=int, default=20)
    parser.add_argument("--refresh", type=int, default=20, help="briefing.refresh_seconds for the run (10 or more)")
    parser.add_argument("--interval", type=int, default=10, help="seconds a slide stays (?interval=)")
    parser.add_argument("--screenshot", type=Path, default=None)
    args = parser.parse_args()
    result = run(locate(args.db), args.minutes, args.screens, args.refresh, args.interval, args.screenshot)
    print(json.dumps(result, ensure_ascii=False))


if __name__ == "__main__":
    main()
