"""The leadership briefing's read, its cockpit page and its PowerPoint, timed as bench.measure and
bench.council_measure time theirs. (The wall screens are bench.screens.)

Runs in its own process (`python -m bench.briefing_measure DB --repeat N`, started by `python -m bench`) so that its
peak RSS is its own and GONGZHI_DATABASE_URL is set before any app module reads the settings. Prints one JSON object
on stdout.

The period is the one the big screen shows and the cockpit opens with: this year so far (`Period(Month(y, 1),
Month(y, m))`). The scopes are the street leader's (every community) and community #1's secretary.

Reads (VIEWS): `data_access.briefing.content.gather`, the one read behind the cockpit, every slide of the big screen
and the exports, called directly:
- cold: a new engine (empty SQLite page cache, the OS file cache warm), then the call; warm: the same call again;
  sql_floor: the SELECT statements of a warm call replayed on a raw sqlite3 connection (bench.measure.time_floor);
- disk_cold: as cold, after the database file's pages were dropped from the OS file cache (posix_fadvise
  DONTNEED on the file and its WAL; `fincore` says how much of the file was still cached before and after);
- cached: `ui.cached.read` and `ui.cached.read_for_screens` (st.cache_data) outside a script run: the first call
  after the cache was emptied (a miss: the gather and storing its result) and the next calls (hits: the arguments
  hashed and the Briefing unpickled), which is what a page or a screen pays while the entry lives.
Each result is checked against counts taken directly from the tables.

Pages (PAGES): pages/briefing/cockpit.py and pages/briefing/screen.py (the big screen opened by a logged-in user,
so without a display link's check; its fragment runs once) rendered by AppTest as the logged-in user, cold, warm,
data cold and their SQL floor exactly as bench.measure defines them (cold includes opening the engine: migration,
tally and code checks). The screen's warm run is what the server does for one screen at each refresh while the shared
read is cached (the slides' HTML and the component's data). A page that fails is reported in `pages_failed`, not
timed.

PowerPoint: `data_access.briefing.presentation.build` (the .pptx bytes from a Briefing, no database) and
`briefing_pptx` (build and its export.briefing audit entry, so every sample adds one entry to the trail), from the
warm briefing and its text as the cockpit makes it; the deck is opened again with python-pptx and its slides counted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.database import kind, locate, url
from bench.measure import median

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"briefing_cockpit": ("pages/briefing/cockpit.py", "leader"),
         "briefing_cockpit_secretary": ("pages/briefing/cockpit.py", "secretary"),
         "briefing_screen": ("pages/briefing/screen.py", "leader"),
         "briefing_screen_secretary": ("pages/briefing/screen.py", "secretary")}
VIEWS = ("gather_leader", "gather_secretary")
TIMEOUT_S = 600
# the targets (city, SQLite)
DATA_WARM_MAX_S = 0.3    # every slide's data, warm
DATA_COLD_MAX_S = 1.5    # every slide's data, cold, for the whole city
PAGE_WARM_MAX_S = 0.3    # the cockpit page, warm
PPTX_MAX_S = 3.0         # the PowerPoint
LATE_MAX_S = 1.0         # no slide on a wall screen later than this


def year_so_far(today: date):
    """The big screen's period (pages/briefing/screen.py) and the cockpit's default ("year")."""
    from domain.briefing.changes import Month, Period

    return Period(Month(today.year, 1), Month(today.year, today.month))


@dataclass(frozen=True)
class Expect:
    """What the briefing must hold, counted directly from the tables."""

    community_id: int
    accepted: dict[str, int]      # matters registered this year: "leader" (every community), "secretary"
    communities: dict[str, int]   # rows of the ranking
    passed: dict[str, int]        # council decisions passed this year


def expect(engine, community_id: int, today: date) -> Expect:
    from sqlalchemy import func, select, text

    from data_access import clock
    from data_access.models import Matter

    start = clock.day_start(date(today.year, 1, 1))
    with engine.connect() as conn:
        matters = select(func.count()).select_from(Matter).where(Matter.registered_at >= start)
        accepted = {"leader": conn.execute(matters).scalar_one(),
                    "secretary": conn.execute(matters.where(Matter.community_id == community_id)).scalar_one()}
        passed = "select count(*) from council_decision where status = 'passed' and decided_on >= :a " \
                 "and decided_on <= :b"
        window = {"a": date(today.year, 1, 1), "b": date(today.year, 12, 31), "c": community_id}
        return Expect(community_id, accepted,
                      {"leader": conn.execute(text("select count(*) from community")).scalar_one(), "secretary": 1},
                      {"leader": conn.execute(text(passed), window).scalar_one(),
                       "secretary": conn.execute(text(passed + " and community_id = :c"), window).scalar_one()})


def check(view: str, briefing, e: Expect) -> dict:
    """Fail unless the briefing holds what the tables hold; a few of its figures for the results."""
    who = view.split("_")[-1]
    accepted = briefing.figure("accepted").value
    passed = briefing.figure("passed").value if briefing.council is not None else None
    shown = {"accepted": accepted, "closed": briefing.closed, "overdue": briefing.figure("overdue").value,
             "ranking_rows": len(briefing.ranking), "alerts": len(briefing.alerts),
             "committee_units": None if briefing.committee is None else briefing.committee.units,
             "council_passed": passed, "months": len(briefing.months)}
    ok = (accepted == e.accepted[who] and len(briefing.ranking) == e.communities[who]
          and briefing.committee is not None and passed == e.passed[who])
    if not ok:
        raise RuntimeError(f"briefing {view} did not return the expected data: {shown}, expected {e}")
    return shown


def calls(actors: dict, e: Expect, today: date) -> dict:
    from data_access.briefing import content
    from data_access.config import settings

    period = year_so_far(today)
    return {"gather_leader": lambda eng: content.gather(eng, period, None, actor=actors["leader"], today=today,
                                                        settings=settings()),
            "gather_secretary": lambda eng: content.gather(eng, period, e.community_id, actor=actors["secretary"],
                                                           today=today, settings=settings())}


def cached_mb(db: Path) -> float | None:
    """How much of the database file the OS file cache holds (fincore), in MiB; None without fincore."""
    try:
        out = subprocess.run(["fincore", "--bytes", "--noheadings", "--output", "RES", str(db)], capture_output=True,
                             text=True, check=True).stdout.split()
        return round(int(out[0]) / 2**20, 1)
    except (OSError, subprocess.CalledProcessError, ValueError, IndexError):
        return None


def evict(db: Path) -> None:
    """Drop the database file's clean pages (and its WAL's) from the OS file cache; no other file is touched."""
    for path in (db, Path(f"{db}-wal")):
        if path.exists():
            fd = os.open(path, os.O_RDONLY)
            try:
                os.fsync(fd)
                os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
            finally:
                os.close(fd)


def disk_cold(db: Path, views: dict, e: Expect, repeat: int, log) -> dict:
    """Each read with a new engine after the file was dropped from the OS file cache."""
    from data_access.db import make_engine

    results = {}
    for view, call in views.items():
        samples, before, after = [], [], []
        for _ in range(repeat):
            evict(db)
            before.append(cached_mb(db))
            engine = make_engine(url(db))
            start = time.perf_counter()
            result = call(engine)
            samples.append(time.perf_counter() - start)
            engine.dispose()
            after.append(cached_mb(db))
            check(view, result, e)
        results[view] = {"disk_cold_s": median(samples), "samples": [round(s, 4) for s in samples],
                         "file_cached_mb_before": before, "file_cached_mb_after": after}
        log(f"  briefing {view:<24} disk cold {median(samples):7.3f} s   (file cached before/after, MiB: "
            f"{before[0]} / {after[0]})")
    return results


def cached_reads(db: str, actors: dict, e: Expect, today: date, repeat: int, log) -> dict:
    """ui.cached.read and read_for_screens of the briefing: a miss after the cache was emptied, then hits."""
    from bench.measure import clear_caches, timed
    from data_access.config import settings
    from data_access.db import make_engine
    from ui import cached

    period = year_so_far(today)
    engine = make_engine(url(db))
    results = {}
    for who, community in (("leader", None), ("secretary", e.community_id)):
        for name, read in (("read", cached.read), ("read_for_screens", cached.read_for_screens)):
            def call(read=read, who=who, community=community):
                return read(engine, "briefing", period, community, actor=actors[who], today=today,
                            settings=settings())
            misses, hits = [], []
            for _ in range(repeat):
                clear_caches(resources=False)
                misses.append(timed(call))
                hits += [timed(call) for _ in range(5)]
            check(f"gather_{who}", call(), e)
            key = f"{name}_{who}"
            results[key] = {"miss_s": median(misses), "hit_s": median(hits),
                            "samples": {"miss": [round(s, 4) for s in misses], "hit": [round(s, 5) for s in hits]}}
            log(f"  briefing cached.{key:<26} miss {median(misses):7.3f} s   hit {median(hits):7.4f} s")
    engine.dispose()
    return results


def pptx(db: str, actors: dict, e: Expect, today: date, repeat: int, log) -> dict:
    """The PowerPoint of the warm briefing: build alone, and briefing_pptx (build and its audit entry)."""
    import io

    from pptx import Presentation

    from data_access.briefing import content, presentation
    from data_access.config import settings
    from data_access.db import make_engine
    from i18n import translate
    from i18n.briefing_words import briefing_text, period_words

    cfg = settings()
    engine = make_engine(url(db))
    views = calls(actors, e, today)
    results = {}
    for who in ("leader", "secretary"):
        briefing = views[f"gather_{who}"](engine)
        lang = "zh"
        facts = content.facts(lang, briefing, {o.code: o.label(lang) for o in cfg.categories})
        text = briefing_text(lang, facts)
        title = translate(lang, "briefing_text.docx_title", scope=facts.scope,
                          period=period_words(lang, briefing.period))
        presentation.build(briefing, lang=lang, text=text, title=title, settings=cfg)  # untimed: imports, templates
        built, exported, gathered = [], [], []
        data = b""
        for _ in range(repeat):
            start = time.perf_counter()
            data = presentation.build(briefing, lang=lang, text=text, title=title, settings=cfg)
            built.append(time.perf_counter() - start)
            start = time.perf_counter()
            presentation.briefing_pptx(engine, actor=actors[who], briefing=briefing, text=text, title=title,
                                       lang=lang, settings=cfg)
            exported.append(time.perf_counter() - start)
            start = time.perf_counter()  # the whole export from an open engine: read, text, deck, audit entry
            fresh = views[f"gather_{who}"](engine)
            fresh_facts = content.facts(lang, fresh, {o.code: o.label(lang) for o in cfg.categories})
            fresh_text = briefing_text(lang, fresh_facts)
            presentation.briefing_pptx(engine, actor=actors[who], briefing=fresh, text=fresh_text, title=title,
                                       lang=lang, settings=cfg)
            gathered.append(time.perf_counter() - start)
        slides = len(Presentation(io.BytesIO(data)).slides)
        if data[:2] != b"PK" or slides < 5:
            raise RuntimeError(f"pptx {who}: {len(data)} bytes, {slides} slides")
        results[who] = {"build_s": median(built), "briefing_pptx_s": median(exported),
                        "gather_and_pptx_s": median(gathered), "bytes": len(data), "slides": slides,
                        "text_chars": len(text),
                        "samples": {"build": [round(s, 4) for s in built],
                                    "briefing_pptx": [round(s, 4) for s in exported],
                                    "gather_and_pptx": [round(s, 4) for s in gathered]}}
        log(f"  briefing pptx {who:<10} build {median(built):6.3f} s   with audit entry {median(exported):6.3f} s   "
            f"gather+text+pptx {median(gathered):6.3f} s   {len(data):,} bytes, {slides} slides")
    engine.dispose()
    return results


# --- pages ---------------------------------------------------------------------------------------------------

def session(view: str, users: dict[str, int]):
    from streamlit.testing.v1 import AppTest

    from bench.measure import quiet

    path, who = PAGES[view]
    at = AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT_S)
    quiet()
    at.session_state["user_id"] = users[who]
    return at


def screen_data(at) -> dict | None:
    """The data the big screen's component was sent (AppTest knows it as an unknown element)."""
    stack = [at._tree]
    while stack:
        node = stack.pop()
        proto = getattr(node, "proto", None)
        if getattr(proto, "component_name", "") == "gongzhi_screen":
            return json.loads(proto.json)
        stack += list(getattr(node, "children", {}).values())
    return None


def check_page(view: str, at, e: Expect) -> None:
    """Fail unless the cockpit shows this year's accepted matters of its scope as its first figure, or the big
    screen was sent every slide (domain.briefing.screen.SLIDES) with that figure on the first."""
    from domain.briefing.screen import SLIDES

    if at.exception:
        raise RuntimeError(f"{view}: {at.exception[0].value}")
    who = PAGES[view][1]
    if view.startswith("briefing_screen"):
        data = screen_data(at)
        slides = data["slides"] if data else []
        if [s.get("name") for s in slides] != list(SLIDES) or f">{e.accepted[who]:,}<" not in slides[0]["html"]:
            raise RuntimeError(f"{view} did not send the expected slides: {[s.get('name') for s in slides]}")
        return
    if not at.metric or at.metric[0].value.replace(",", "") != str(e.accepted[who]) or not at.dataframe:
        raise RuntimeError(f"{view} did not render the expected content "
                           f"({at.metric[0].value if at.metric else 'no figures'}, expected {e.accepted[who]:,})")


def time_page(view: str, users: dict[str, int], e: Expect, repeat: int, log) -> dict:
    from bench.measure import clear_caches, timed

    cold, warm, data_cold = [], [], []
    for _ in range(repeat):
        clear_caches(resources=True)
        at = session(view, users)
        cold.append(timed(at.run))
        check_page(view, at, e)
        for _ in range(3):  # three warm reruns per cold one: the warm figure is the one with the tight target
            warm.append(timed(at.run))
            check_page(view, at, e)
    for _ in range(repeat):
        clear_caches(resources=False)
        at = session(view, users)
        data_cold.append(timed(at.run))
        check_page(view, at, e)
    log(f"  {view:<28} cold {median(cold):7.3f} s   warm {median(warm):6.3f} s   data_cold {median(data_cold):7.3f} s")
    return {"cold": cold, "warm": warm, "data_cold": data_cold}


def page_sql(recorder, view: str, users: dict[str, int], e: Expect) -> list[tuple[str, tuple]]:
    from bench.measure import clear_caches

    clear_caches(resources=False)
    at = session(view, users)
    recorder.statements, recorder.on = [], True
    at.run()
    recorder.on = False
    check_page(view, at, e)
    return recorder.statements


def measure(db: str, repeat: int) -> dict:
    from bench.measure import DEMO_USERS, Recorder, configure, log, peak_rss_mb, time_floor, time_reads

    configure(db)
    from sqlalchemy import text

    from data_access import clock
    from data_access.accounts import auth
    from data_access.config import settings
    from data_access.db import make_engine

    today = clock.today()
    engine = make_engine(url(db))
    with engine.connect() as conn:
        users = {name: id_ for name, id_ in conn.execute(text("select username, id from user_account")).all()
                 if name in DEMO_USERS}
        community = conn.execute(text("select community_id from user_role where user_id = :u"),
                                 {"u": users["secretary"]}).scalar_one()
    actors = {name: auth.load_actor(engine, settings(), users[name]) for name in ("leader", "secretary")}
    e = expect(engine, community, today)
    engine.dispose()
    period = year_so_far(today)
    log(f"Briefing: {period.first}..{period.last}, community #{community}, median of {repeat}")

    pages, failed = {}, {}
    for view in PAGES:
        try:
            session(view, users).run()  # untimed: imports the page's modules once, as a running server has
            pages[view] = time_page(view, users, e, repeat, log)
        except Exception as error:  # noqa: BLE001 - reported, not timed
            failed[view] = f"{type(error).__name__}: {error}"[:300]
            log(f"  {view:<28} not timed: {failed[view]}")
    rss = peak_rss_mb()
    recorder = Recorder()
    floors = {}
    for view in list(pages):
        floors[view] = time_floor(view, page_sql(recorder, view, users, e), db, repeat)
    views = calls(actors, e, today)
    reads = time_reads("briefing", views, lambda view, result: check(view, result, e), db, repeat, recorder)
    cached = cached_reads(db, actors, e, today, repeat, log)
    try:
        deck, deck_failed = pptx(db, actors, e, today, repeat, log), None
    except Exception as error:  # noqa: BLE001 - data_access/briefing/presentation.py is still being written
        deck, deck_failed = None, f"{type(error).__name__}: {error}"[:300]
        log(f"  briefing pptx not timed: {deck_failed}")
    if kind(db) == "sqlite":  # PostgreSQL's files belong to its server, and it keeps its own buffer cache
        cold_disk = disk_cold(Path(db), views, e, repeat, log)  # last: it empties the OS file cache of the database
        for view, result in cold_disk.items():
            reads[view].update(result)
    return {
        "today": today.isoformat(), "period": f"{period.first}..{period.last}", "community_id": community,
        "expected": {"accepted": e.accepted, "communities": e.communities, "council_passed": e.passed},
        "pages": {view: {"cold_s": median(p["cold"]), "warm_s": median(p["warm"]),
                         "sql_floor_s": median(floors[view]["total"]), "data_cold_s": median(p["data_cold"]),
                         "samples": {k: [round(s, 4) for s in v] for k, v in p.items()},
                         "floor_statements": floors[view]["statements"]} for view, p in pages.items()},
        "pages_failed": failed,
        "reads": reads, "cached": cached, "pptx": deck, "pptx_failed": deck_failed,
        "peak_rss_mb": rss, "peak_rss_after_reads_mb": peak_rss_mb(),
    }


def checks(measured: dict, screens: dict | None) -> list[tuple[str, str, bool]]:
    """(target, measured, met) for the issue's targets."""
    rows = []
    for view, r in measured["reads"].items():
        rows.append((f"{view} warm <= {DATA_WARM_MAX_S} s (uncached gather)", f"{r['warm_s']:.3f} s",
                     r["warm_s"] <= DATA_WARM_MAX_S))
        rows.append((f"{view} cold <= {DATA_COLD_MAX_S} s (new engine)", f"{r['cold_s']:.3f} s",
                     r["cold_s"] <= DATA_COLD_MAX_S))
        if "disk_cold_s" in r:
            rows.append((f"{view} cold <= {DATA_COLD_MAX_S} s (file out of the OS cache)",
                         f"{r['disk_cold_s']:.3f} s", r["disk_cold_s"] <= DATA_COLD_MAX_S))
    for key, r in measured["cached"].items():
        rows.append((f"cached.{key} hit <= {DATA_WARM_MAX_S} s", f"{r['hit_s']:.4f} s", r["hit_s"] <= DATA_WARM_MAX_S))
    for view, p in measured["pages"].items():
        rows.append((f"{view} page warm <= {PAGE_WARM_MAX_S} s", f"{p['warm_s']:.3f} s",
                     p["warm_s"] <= PAGE_WARM_MAX_S))
    for who, d in (measured.get("pptx") or {}).items():
        rows.append((f"PowerPoint ({who}) <= {PPTX_MAX_S} s, read and deck", f"{d['gather_and_pptx_s']:.3f} s",
                     d["gather_and_pptx_s"] <= PPTX_MAX_S))
    if screens:
        late = screens["slides"]["max_late_s"]
        rows.append((f"no slide late by more than {LATE_MAX_S} s ({screens['screens']} screens)", f"{late:.3f} s",
                     late is not None and late <= LATE_MAX_S))
        sets = screens["sql"]["briefing_sets_per_interval_max"]
        rows.append(("one set of briefing reads per refresh interval", f"at most {sets}", sets <= 1))
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a SQLite file or a database URL")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(locate(args.db), args.repeat)))


if __name__ == "__main__":
    main()
