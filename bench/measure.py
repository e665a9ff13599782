"""Times the overview, the ledger, a matter's detail and the admin screens through AppTest, cold and warm, and
their SQL floor.

Runs in its own process (`python -m bench.measure DB`) so that its peak RSS is that of the page timings alone, and
so that GONGZHI_DATABASE_URL is set before any app module reads the settings. Prints one JSON object on stdout.

cold: st.cache_data and st.cache_resource cleared (a fresh engine: migration check, code check, empty SQLite page
      cache), then a new session renders the page; the OS file cache stays warm.
warm: the same session reruns the page at once, with the caches filled by the cold run.
data_cold: only st.cache_data cleared, as when the cached reads expire (cache_ttl_s) in a running server.
sql_floor: the SQL statements the page issues (recorded from the engine during a data_cold run: the user's
      account, the cached reads and any direct reads), replayed with their parameters on a raw DB-API connection;
      no Streamlit, no ORM, no pandas. Recording them keeps the floor honest whatever the page calls.

The views are the leader's (street-wide) overview, ledger and matter detail, plus the secretary's overview (one
community) for comparison; the audit trail as `admin` (street-wide, no filter) and as `secretary` (one community);
the account list as `admin`. Then the audit trail's reads (count and one page) are timed directly for a set of
filters and for a deep page (AUDIT_PROBES), as the admin: the page's default view does not exercise them.
Last, the joint committee: its pages (COMMITTEE_PAGES, timed like the others; a page that fails is reported, not
timed) and its reads called directly (bench.committee_measure).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.database import Replay, locate, url

ROOT = Path(__file__).resolve().parent.parent
VIEWS = {"overview": ("pages/service/overview.py", "leader"), "ledger": ("pages/service/ledger.py", "leader"),
         "matter": ("pages/service/matter.py", "leader"),
         "overview_secretary": ("pages/service/overview.py", "secretary"),
         "audit": ("pages/admin/audit.py", "admin"), "audit_secretary": ("pages/admin/audit.py", "secretary"),
         "users": ("pages/admin/users.py", "admin")}
COMMITTEE_PAGES = {"committee_dashboard": ("pages/committee/dashboard.py", "leader"),
                   "committee_dashboard_secretary": ("pages/committee/dashboard.py", "secretary"),
                   "committee_units": ("pages/committee/units.py", "secretary"),
                   "committee_claims": ("pages/committee/claims.py", "secretary"),
                   "committee_meetings": ("pages/committee/meetings.py", "secretary")}
VIEWS.update(COMMITTEE_PAGES)
BASE_VIEWS = [view for view in VIEWS if view not in COMMITTEE_PAGES]
LEDGER_CATEGORY = "complaint"
DEMO_USERS = ("admin", "leader", "secretary", "worker", "unitrep", "recorder")
PROBE_ACTOR = "c002.w1"  # a worker of bench.trail's second community
SLOW_PROBE_S = 3  # an audit probe slower than this (count and page) is timed once after its first run
TIMEOUT_S = 600


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median(samples: list[float]) -> float:
    return round(statistics.median(samples), 4)


def time_city_check(db_url: str, repeat: int, check: Callable) -> tuple[list[float], object]:
    """Run check(engine) over the whole city `repeat` times, each on a new engine: its samples and its last result."""
    from data_access.db import make_engine

    samples, found = [], None
    for _ in range(repeat):
        engine = make_engine(db_url)
        start = time.perf_counter()
        found = check(engine)
        samples.append(time.perf_counter() - start)
        engine.dispose()
    return samples, found


def timed(fn: Callable, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def peak_rss_mb() -> float:
    """This process's peak resident set size so far, in MB.

    VmHWM from /proc/self/status where there is one: ru_maxrss survives execve on Linux, so a child started by a
    process that had just generated the database (1.9 GB with its page cache) would report the parent's peak.
    """
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            kib = next(int(line.split()[1]) for line in fh if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KiB on Linux
    return round(kib / 1024, 1)


def configure(db: str) -> None:
    """Point the app at the benchmark database (a SQLite file's path or a URL) before any page loads the settings."""
    os.environ["GONGZHI_DATABASE_URL"] = url(db)
    os.environ["GONGZHI_DEMO"] = "0"
    from data_access.config import settings

    settings.cache_clear()


def quiet() -> None:
    """Silence Streamlit's bare-mode warnings (AppTest sets the level back to info on every run)."""
    import streamlit.logger

    streamlit.logger.set_log_level("error")


def clear_caches(*, resources: bool) -> None:
    """Empty st.cache_data (and st.cache_resource), quietly: outside a script run Streamlit warns about it."""
    import streamlit as st

    quiet()
    st.cache_data.clear()
    if resources:
        st.cache_resource.clear()


def overview_period(today: date) -> tuple[date, date]:
    """The overview's default period ("12m"), as pages/service/overview.py computes it."""
    from data_access.service.kpis import months_back

    return months_back(today, 11), today


@dataclass(frozen=True)
class Targets:
    """What the pages open, and what they must show if they rendered for real."""

    users: dict[str, int]
    community_id: int
    matter_id: int
    matters: int
    accepted: dict[str, int]
    ledger_total: int
    matter_number: str
    audit_total: dict[str, int]  # entries in the trail the view's user may read
    audit_newest: dict[str, int]  # the id of the newest of them: the first row of the page
    users_total: int
    users_first: str  # the first username in order: the first row of the account list
    page_size: int


def find_targets(engine, today: date) -> Targets:
    """The accounts, the ledger's community and the matter to open, and what the pages should show for them."""
    from sqlalchemy import func, select, text

    from data_access import clock
    from data_access.config import settings
    from data_access.models import Matter

    start, end = overview_period(today)
    period = [Matter.registered_at >= clock.day_start(start), Matter.registered_at < clock.day_end(end)]
    with engine.connect() as conn:
        users = {name: id_ for name, id_ in conn.execute(text("select username, id from user_account")).all()
                 if name in DEMO_USERS}
        community = conn.execute(text("select community_id from user_role where user_id = :u"),
                                 {"u": users["secretary"]}).scalar_one()
        n = conn.execute(text("select count(*) from matter")).scalar_one()
        # a matter from the middle of the table that was sent back once: a long timeline
        matter_id, number = conn.execute(text("select id, number from matter where id >= :mid and reopen_count > 0 "
                                              "order by id limit 1"), {"mid": n // 2}).one()
        count = select(func.count()).select_from(Matter)
        accepted = {"leader": conn.execute(count.where(*period)).scalar_one(),
                    "secretary": conn.execute(count.where(*period, Matter.community_id == community)).scalar_one()}
        ledger_total = conn.execute(count.where(Matter.community_id == community,
                                                Matter.category == LEDGER_CATEGORY)).scalar_one()
        # counted without the app's code; "newest" is the largest `at`, the largest id among equals
        audit_total = {"admin": conn.execute(text("select count(*) from audit_log")).scalar_one(),
                       "secretary": conn.execute(text("select count(*) from audit_log where community_id = :c"),
                                                 {"c": community}).scalar_one()}
        audit_newest = {
            "admin": conn.execute(text("select id from audit_log order by at desc, id desc limit 1")).scalar_one(),
            "secretary": conn.execute(text("select id from audit_log where community_id = :c "
                                           "order by at desc, id desc limit 1"), {"c": community}).scalar_one()}
        users_total = conn.execute(text("select count(*) from user_account")).scalar_one()
        users_first = conn.execute(text("select min(username) from user_account")).scalar_one()
    return Targets(users, community, matter_id, n, accepted, ledger_total, number, audit_total, audit_newest,
                   users_total, users_first, settings().page_size)


def page_state(view: str, t: Targets) -> dict:
    """Session state set before the first run: the logged-in user, and the ledger's filter widgets (the matter page's
    record is in its address: `session`)."""
    state = {"user_id": t.users[VIEWS[view][1]]}
    if view == "ledger":
        state.update(ledger_community=t.community_id, ledger_category=LEDGER_CATEGORY)
    return state


def check(view: str, at, t: Targets) -> None:
    """Fail loudly unless the page rendered the expected data (not an error, a login prompt or an empty state)."""
    if at.exception:
        raise RuntimeError(f"{view}: {at.exception[0].value}")
    if view.startswith("overview"):
        accepted = t.accepted[VIEWS[view][1]]
        ok = len(at.metric) == 6 and at.metric[0].value.replace(",", "") == str(accepted)
    elif view == "ledger":
        ok = len(at.dataframe) == 1 and any(f"{t.ledger_total:,}" in c.value for c in at.caption)
    elif view.startswith("audit"):
        from data_access.accounts.audit_trail import EXPORT_LIMIT

        who = VIEWS[view][1]
        total = t.audit_total[who]  # the screen counts at most EXPORT_LIMIT + 1 entries, shown as "100,000+"
        shown = f"{EXPORT_LIMIT:,}+" if total > EXPORT_LIMIT else f"{total:,}"
        ok = (len(at.dataframe) == 1 and any(shown in c.value for c in at.caption)
              and len(at.dataframe[0].value) == min(t.page_size, t.audit_total[who])
              and int(at.dataframe[0].value["id"].iloc[0]) == t.audit_newest[who])
    elif view == "users":
        ok = (len(at.dataframe) == 1 and any(f"{t.users_total:,}" in c.value for c in at.caption)
              and len(at.dataframe[0].value) == min(t.page_size, t.users_total)
              and at.dataframe[0].value["username"].iloc[0] == t.users_first)
    elif view in COMMITTEE_PAGES:  # the figures, or a table of records
        ok = bool(at.metric) if view.startswith("committee_dashboard") else bool(at.dataframe)
    else:
        ok = at.subheader and at.subheader[0].value.startswith(t.matter_number)
    if not ok:
        raise RuntimeError(f"{view} did not render the expected content")


def session(view: str, t: Targets):
    """A new AppTest session of the view's page, logged in, its state set."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / VIEWS[view][0]), default_timeout=TIMEOUT_S)
    quiet()
    for key, value in page_state(view, t).items():
        at.session_state[key] = value
    if view == "matter":  # the page reads its record from the address (?id=)
        at.query_params["id"] = str(t.matter_id)
    return at


def time_view(view: str, t: Targets, repeat: int) -> dict:
    cold, warm, data_cold = [], [], []
    for _ in range(repeat):
        clear_caches(resources=True)
        at = session(view, t)
        cold.append(timed(at.run))
        check(view, at, t)
        warm.append(timed(at.run))
        check(view, at, t)
    for _ in range(repeat):
        clear_caches(resources=False)
        at = session(view, t)
        data_cold.append(timed(at.run))
        check(view, at, t)
    log(f"  {view:<18} cold {median(cold):7.3f} s   warm {median(warm):6.3f} s   "
        f"data_cold {median(data_cold):7.3f} s")
    return {"cold": cold, "warm": warm, "data_cold": data_cold}


class Recorder:
    """Every SQL statement the engines of this process send to the database while `on`."""

    def __init__(self) -> None:
        from sqlalchemy import event
        from sqlalchemy.engine import Engine

        self.on = False
        self.statements: list[tuple[str, tuple]] = []
        event.listen(Engine, "before_cursor_execute", self._record)

    def _record(self, conn, cursor, statement, parameters, context, executemany) -> None:  # noqa: ANN001
        if self.on:
            self.statements.append((statement, parameters))

    def page_sql(self, view: str, t: Targets) -> list[tuple[str, tuple]]:
        """The statements a data_cold run of the view sends (the engine already open, the read cache empty)."""
        clear_caches(resources=False)
        at = session(view, t)
        self.statements, self.on = [], True
        at.run()
        self.on = False
        check(view, at, t)
        return self.statements


def time_floor(view: str, statements: list[tuple[str, tuple]], db: str, repeat: int) -> dict:
    """Replay the statements on one raw connection (sqlite3 or psycopg), `repeat` times; the total and each
    statement's median."""
    conn = Replay(db)
    totals, each = [], [[] for _ in statements]
    for _ in range(repeat):
        total = 0.0
        for index, (sql, params) in enumerate(statements):
            start = time.perf_counter()
            conn.run(sql, params)
            seconds = time.perf_counter() - start
            each[index].append(seconds)
            total += seconds
        totals.append(total)
    conn.close()
    log(f"  {view:<18} sql floor {median(totals):7.3f} s ({len(statements)} statements)")
    timings = [{"sql": " ".join(sql.split())[:160], "s": round(statistics.median(samples), 6)}
               for (sql, _), samples in zip(statements, each, strict=True)]
    return {"total": totals, "statements": timings}


def time_reads(area: str, views: dict[str, Callable], check: Callable, db: str, repeat: int, recorder: Recorder
               ) -> dict:
    """Time each read of `views` (name -> call(engine)) as the pages call it: cold (a new engine and the call), warm
    (the same call again), its SQL floor (its SELECT statements replayed on a raw connection) and what it returned
    (check(name, result), which raises unless the result agrees with the tables)."""
    from data_access.db import make_engine

    for call in views.values():  # untimed: imports, and python-docx's template, as a running server has them
        engine = make_engine(url(db))
        call(engine)
        engine.dispose()
    results = {}
    for view, call in views.items():
        cold, warm = [], []
        for _ in range(repeat):
            engine = make_engine(url(db))
            start = time.perf_counter()
            result = call(engine)
            cold.append(time.perf_counter() - start)
            shown = check(view, result)
            start = time.perf_counter()
            check(view, call(engine))
            warm.append(time.perf_counter() - start)
            engine.dispose()
        engine = make_engine(url(db))
        call(engine)
        recorder.statements, recorder.on = [], True
        call(engine)
        recorder.on = False
        engine.dispose()
        selects = [(sql, params) for sql, params in recorder.statements
                   if sql.lstrip().upper().startswith(("SELECT", "WITH"))]
        replayed = time_floor(f"{area} {view}", selects, db, repeat)
        totals, statements = replayed["total"], replayed["statements"]
        results[view] = {"cold_s": median(cold), "warm_s": median(warm), "sql_floor_s": median(totals),
                         "returned": shown, "samples": {"cold": [round(s, 4) for s in cold],
                                                        "warm": [round(s, 4) for s in warm]},
                         "floor_statements": statements}
        log(f"  {area} {view:<26} cold {median(cold):7.3f} s   warm {median(warm):6.3f} s   "
            f"sql floor {median(totals):7.3f} s ({len(statements)} statements)   {shown}")
    return results


def time_startup(repeat: int) -> list[float]:
    """open_database: what a cold run pays once per process (migration to head, config codes checked)."""
    from data_access.bootstrap import open_database
    from data_access.config import settings

    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        open_database(settings()).dispose()
        samples.append(time.perf_counter() - start)
    return samples


def audit_probes(db: str, t: Targets, today: date, repeat: int) -> dict:
    """The audit trail's count and one page (data_access.audit_trail) as `admin`, per filter; median of `repeat`
    after one untimed run (or once, if that took more than SLOW_PROBE_S). The page's default view is the first
    probe; the others are what its filters ask. Each page is read with the probe's exact count (the screen passes
    its count when exact, up to EXPORT_LIMIT), so a page in the older half is read from the oldest end."""
    from datetime import timedelta

    from data_access.accounts import auth
    from data_access.accounts.audit_trail import AuditFilter, count_entries, entries_page
    from data_access.config import settings
    from data_access.db import make_engine

    engine = make_engine(url(db))
    admin = auth.load_actor(engine, settings(), t.users["admin"])
    last_page = max(1, -(-t.audit_total["admin"] // t.page_size))
    probes = {
        "no filter": (AuditFilter(), 1),
        "no filter, page 1,000": (AuditFilter(), 1000),
        "no filter, middle page": (AuditFilter(), (last_page + 1) // 2),
        "no filter, last page": (AuditFilter(), last_page),
        "one community": (AuditFilter(community_id=t.community_id), 1),
        "without community (accounts, system)": (AuditFilter(without_community=True), 1),
        "action group matter.": (AuditFilter(action="matter."), 1),
        "action group matter., page 2,000": (AuditFilter(action="matter."), 2000),
        "action matter.complete": (AuditFilter(action="matter.complete"), 1),
        "action account.locked (rare)": (AuditFilter(action="account.locked"), 1),
        "action group personal. (rare)": (AuditFilter(action="personal."), 1),
        "action group user. (rare, oldest)": (AuditFilter(action="user."), 1),
        "one actor": (AuditFilter(actor_name=PROBE_ACTOR), 1),
        "last 7 days": (AuditFilter(date_from=today - timedelta(days=6), date_to=today), 1),
        "one matter's history": (AuditFilter(entity="matter", entity_id=t.matter_id), 1),
        "entity matter": (AuditFilter(entity="matter"), 1),
        "entity user": (AuditFilter(entity="user"), 1),
        "one community, action matter.complete": (AuditFilter(community_id=t.community_id,
                                                              action="matter.complete"), 1),
    }
    results = {}
    for name, (flt, page) in probes.items():
        start = time.perf_counter()
        rows = count_entries(engine, flt, actor=admin)
        entries_page(engine, flt, actor=admin, page=page, page_size=t.page_size, count_up_to=rows)
        runs = repeat if time.perf_counter() - start < SLOW_PROBE_S else 1  # a slow one once more, not N times
        count_s = [timed(count_entries, engine, flt, actor=admin) for _ in range(runs)]
        page_s = [timed(entries_page, engine, flt, actor=admin, page=page, page_size=t.page_size, count_up_to=rows)
                  for _ in range(runs)]
        results[name] = {"filter": flt.described(), "page": page, "rows": rows, "count_s": median(count_s),
                         "page_s": median(page_s)}
        log(f"  audit {name:<40} {rows:>10,} rows   count {median(count_s):7.3f} s   "
            f"page {page:>6,} {median(page_s):7.3f} s")
    engine.dispose()
    return results


def measure(db: str, repeat: int) -> dict:
    configure(db)
    from data_access import clock
    from data_access.db import make_engine

    today = clock.today()
    engine = make_engine(url(db))
    t = find_targets(engine, today)
    engine.dispose()
    log(f"Ledger: community #{t.community_id}, {LEDGER_CATEGORY} ({t.ledger_total:,} rows); matter #{t.matter_id}; "
        f"median of {repeat}")
    for view in BASE_VIEWS:  # untimed: imports the page modules once, as a running server already has
        session(view, t).run()
    pages = {view: time_view(view, t, repeat) for view in BASE_VIEWS}
    committee_pages, failed = {}, {}
    for view in COMMITTEE_PAGES:
        try:
            session(view, t).run()
            committee_pages[view] = time_view(view, t, repeat)
        except Exception as error:  # noqa: BLE001 - a committee page still being written is reported, not timed
            failed[view] = f"{type(error).__name__}: {error}"[:300]
            log(f"  {view:<18} not timed: {failed[view]}")
    rss = peak_rss_mb()
    recorder = Recorder()
    timed_views = [*BASE_VIEWS, *committee_pages]
    sql = {view: recorder.page_sql(view, t) for view in timed_views}
    floors = {view: time_floor(view, sql[view], db, repeat) for view in timed_views}
    pages.update(committee_pages)
    startup = time_startup(repeat)
    probes = audit_probes(db, t, today, repeat)
    from bench import committee_measure

    committee = committee_measure.probes(db, t.users, t.community_id, today, repeat, recorder)
    return {
        "matters": t.matters,
        "today": today.isoformat(),
        "pages": {view: {"cold_s": median(p["cold"]), "warm_s": median(p["warm"]),
                         "sql_floor_s": median(floors[view]["total"]), "data_cold_s": median(p["data_cold"]),
                         "samples": {k: [round(s, 4) for s in v] for k, v in p.items()},
                         "floor_statements": floors[view]["statements"]} for view, p in pages.items()},
        "startup_s": median(startup),
        "peak_rss_mb": rss,
        "peak_rss_after_committee_mb": peak_rss_mb(),
        "committee": committee,
        "committee_pages_failed": failed,
        "audit_queries": probes,
        "targets": {"users": t.users, "community_id": t.community_id, "category": LEDGER_CATEGORY,
                    "ledger_rows": t.ledger_total, "matter_id": t.matter_id, "accepted": t.accepted,
                    "audit_entries": t.audit_total, "audit_newest": t.audit_newest, "accounts": t.users_total},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a SQLite file or a database URL")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(locate(args.db), args.repeat)))


if __name__ == "__main__":
    main()
