"""Times the overview, the ledger and a matter's detail through AppTest, cold and warm, and their SQL floor.

Runs in its own process (`python -m bench.measure DB`) so that its peak RSS is that of the page timings alone, and
so that GONGZHI_DATABASE_URL is set before any app module reads the settings. Prints one JSON object on stdout.

cold: st.cache_data and st.cache_resource cleared (a fresh engine: migration check, code check, empty SQLite page
      cache), then a new session renders the page; the OS file cache stays warm.
warm: the same session reruns the page at once, with the caches filled by the cold run.
data_cold: only st.cache_data cleared, as when the cached reads expire (cache_ttl_s) in a running server.
sql_floor: the reads the page issues, called directly from data_access on an open engine (no Streamlit).
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
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PAGES = {"overview": "pages/service/overview.py", "ledger": "pages/service/ledger.py",
         "matter": "pages/service/matter.py"}
LEDGER_CATEGORY = "complaint"
TIMEOUT_S = 600


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def median(samples: list[float]) -> float:
    return round(statistics.median(samples), 4)


def timed(fn: Callable, *args, **kwargs) -> float:
    start = time.perf_counter()
    fn(*args, **kwargs)
    return time.perf_counter() - start


def peak_rss_mb() -> float:
    """This process's peak resident set size so far (ru_maxrss is in KiB on Linux)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def configure(db: Path) -> None:
    """Point the app at the benchmark database before any page loads the settings."""
    os.environ["GONGZHI_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ["GONGZHI_DEMO"] = "0"
    from data_access.config import settings

    settings.cache_clear()
    import streamlit.logger

    streamlit.logger.set_log_level("error")  # AppTest's "missing ScriptRunContext" chatter


def overview_period(today: date) -> tuple[date, date]:
    """The overview's default period ("12m"), as pages/service/overview.py computes it."""
    return (today.replace(day=1) - timedelta(days=335)).replace(day=1), today


@dataclass(frozen=True)
class Targets:
    """What the pages open, and what they must show if they rendered for real."""

    leader_id: int
    community_id: int
    matter_id: int
    matters: int
    accepted: int
    ledger_total: int
    matter_number: str


def find_targets(engine, today: date) -> Targets:
    from sqlalchemy import text

    from data_access import service_queries as q
    from data_access.service_queries import MatterFilter

    with engine.connect() as conn:
        leader = conn.execute(text("select id from user_account where username = 'leader'")).scalar_one()
        community = conn.execute(text("select r.community_id from user_role r join user_account u on u.id = r.user_id"
                                      " where u.username = 'secretary'")).scalar_one()
        n = conn.execute(text("select count(*) from matter")).scalar_one()
        # a matter from the middle of the table that was sent back once: a long timeline
        matter_id, number = conn.execute(text("select id, number from matter where id >= :mid and reopen_count > 0 "
                                              "order by id limit 1"), {"mid": n // 2}).one()
    start, end = overview_period(today)
    accepted = q.counts(engine, MatterFilter(date_from=start, date_to=end), today=today).accepted
    ledger_total = q.count_matters(engine, ledger_filter(community), today=today)
    return Targets(leader, community, matter_id, n, accepted, ledger_total, number)


def ledger_filter(community_id: int):
    from data_access.service_queries import MatterFilter

    return MatterFilter(community_ids=(community_id,), category=LEDGER_CATEGORY)


def page_state(page: str, t: Targets) -> dict:
    """Session state set before the first run: the logged-in leader, and the ledger's filter widgets."""
    state = {"user_id": t.leader_id}
    if page == "ledger":
        state.update(ledger_community=t.community_id, ledger_category=LEDGER_CATEGORY)
    elif page == "matter":
        state["matter_id"] = t.matter_id
    return state


def check(page: str, at, t: Targets) -> None:
    """Fail loudly unless the page rendered the expected data (not an error, a login prompt or an empty state)."""
    if at.exception:
        raise RuntimeError(f"{page}: {at.exception[0].value}")
    if page == "overview":
        ok = len(at.metric) == 6 and at.metric[0].value.replace(",", "") == str(t.accepted)
    elif page == "ledger":
        ok = len(at.dataframe) == 1 and any(f"{t.ledger_total:,}" in c.value for c in at.caption)
    else:
        ok = at.subheader and at.subheader[0].value.startswith(t.matter_number)
    if not ok:
        raise RuntimeError(f"{page} did not render the expected content")


def time_page(page: str, t: Targets, repeat: int) -> dict:
    import streamlit as st
    from streamlit.testing.v1 import AppTest

    def session():
        at = AppTest.from_file(str(ROOT / PAGES[page]), default_timeout=TIMEOUT_S)
        for key, value in page_state(page, t).items():
            at.session_state[key] = value
        return at

    cold, warm, data_cold = [], [], []
    for _ in range(repeat):
        st.cache_data.clear()
        st.cache_resource.clear()
        at = session()
        cold.append(timed(at.run))
        check(page, at, t)
        warm.append(timed(at.run))
        check(page, at, t)
    for _ in range(repeat):
        st.cache_data.clear()
        at = session()
        data_cold.append(timed(at.run))
        check(page, at, t)
    log(f"  {page:<8} cold {median(cold):7.3f} s   warm {median(warm):6.3f} s   data_cold {median(data_cold):7.3f} s")
    return {"cold": cold, "warm": warm, "data_cold": data_cold}


def floor_reads(page: str, engine, t: Targets, today: date) -> list[tuple[str, Callable]]:
    """The reads `page` issues for the leader, in order, as direct data_access calls."""
    from data_access import accounts, org
    from data_access import service_queries as q
    from data_access.service_queries import MatterFilter

    reads = [("load_actor", lambda: accounts.load_actor(engine, t.leader_id))]
    if page == "overview":
        start, end = overview_period(today)
        flt = MatterFilter(date_from=start, date_to=end)
        reads += [("communities", lambda: org.communities(engine, None)),
                  ("counts", lambda: q.counts(engine, flt, today=today)),
                  ("satisfaction", lambda: q.satisfaction_by_community(engine, flt, today=today))]
        reads += [(f"by_{c}", lambda c=c: q.by_column(engine, flt, c, today=today))
                  for c in ("step", "channel", "mode", "category")]
        reads += [("monthly", lambda: q.monthly(engine, flt, today=today)),
                  ("overdue", lambda: q.overdue(engine, MatterFilter(), today=today))]
    elif page == "ledger":
        flt = ledger_filter(t.community_id)
        reads += [("communities", lambda: org.communities(engine, None)),
                  ("grids", lambda: org.grids(engine, t.community_id)),
                  ("count", lambda: q.count_matters(engine, flt, today=today)),
                  ("ledger_page", lambda: q.ledger_page(engine, flt, today=today, page=1, page_size=50))]
    else:
        reads.append(("matter_detail", lambda: q.matter_detail(engine, t.matter_id, community_ids=None)))
    return reads


def time_floor(page: str, engine, t: Targets, today: date, repeat: int) -> dict:
    totals, per_read = [], {}
    for _ in range(repeat):
        total = 0.0
        for name, read in floor_reads(page, engine, t, today):
            seconds = timed(read)
            per_read.setdefault(name, []).append(seconds)
            total += seconds
        totals.append(total)
    log(f"  {page:<8} sql floor {median(totals):7.3f} s")
    return {"total": totals, "reads": {name: median(s) for name, s in per_read.items()}}


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


def measure(db: Path, repeat: int) -> dict:
    configure(db)
    from data_access import clock
    from data_access.db import make_engine

    today = clock.today()
    engine = make_engine(f"sqlite:///{db}")
    t = find_targets(engine, today)
    engine.dispose()
    log(f"Pages as leader #{t.leader_id}; ledger: community #{t.community_id}, {LEDGER_CATEGORY} "
        f"({t.ledger_total:,} rows); matter #{t.matter_id}; {repeat} runs each")
    for page in PAGES:  # untimed: imports the page modules once, as a running server already has
        time_page(page, t, 1)
    log("Timed:")
    pages = {page: time_page(page, t, repeat) for page in PAGES}
    rss = peak_rss_mb()
    engine = make_engine(f"sqlite:///{db}")
    floors = {page: time_floor(page, engine, t, today, repeat) for page in PAGES}
    engine.dispose()
    startup = time_startup(repeat)
    return {
        "matters": t.matters,
        "today": today.isoformat(),
        "pages": {page: {"cold_s": median(p["cold"]), "warm_s": median(p["warm"]),
                         "sql_floor_s": median(floors[page]["total"]), "data_cold_s": median(p["data_cold"]),
                         "samples": {k: [round(s, 4) for s in v] for k, v in p.items()},
                         "floor_reads_s": floors[page]["reads"]} for page, p in pages.items()},
        "startup_s": median(startup),
        "peak_rss_mb": rss,
        "targets": {"leader_id": t.leader_id, "community_id": t.community_id, "category": LEDGER_CATEGORY,
                    "ledger_rows": t.ledger_total, "matter_id": t.matter_id},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", type=Path)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(args.db.resolve(), args.repeat)))


if __name__ == "__main__":
    main()
