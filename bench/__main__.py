"""`python -m bench --scale city`: generate (or reuse) the database, time the pages and the naive peer, write results.

Writes bench/results/{scale}-{db}.json (the headline figures) and {scale}-{db}-details.json (samples,
per-statement floor times, generation time, the peer's memory, the app commit, the machine), {db} being `sqlite`
(the default, the file bench/data/{scale}.db) or `postgresql` (`--db postgresql`: the same city copied from that file
into a PostgreSQL database, bench.database; `--postgresql-url` or $GONGZHI_BENCH_POSTGRESQL_URL, by default
postgresql://gongzhi:gongzhi@127.0.0.1:5432/gongzhi_{scale}).

`--only briefing` times only the leadership briefing (bench.briefing_measure, then bench.screens) and updates its
keys in both files, keeping the other areas' figures of the last full run; `--only volunteer` likewise times only
volunteer service (bench.volunteer_measure), `--only fund` the estate funds (bench.fund_measure).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

from sqlalchemy import func, select

from bench import (
    briefing_measure,
    committee,
    council,
    database,
    fund,
    fund_measure,
    report,
    volunteer,
    volunteer_measure,
)
from bench.generate import SCALES, checkpoint, ensure
from data_access import clock
from data_access.config import load_settings
from data_access.db import make_engine
from data_access.models import AuditLog, Community, Grid, MatterEvent, User, UserRole

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PAGES = ("overview", "ledger", "matter", "audit", "audit_secretary", "users")


def child(module: str, db: str, repeat: int) -> dict:
    """Run `python -m module DB` in its own process (its own peak RSS); its last stdout line is JSON."""
    env = {**os.environ, "GONGZHI_DATABASE_URL": database.url(db), "GONGZHI_DEMO": "0"}
    done = subprocess.run([sys.executable, "-m", module, str(db), "--repeat", str(repeat)], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def screens_child(db: str, minutes: float, screens: int) -> dict:
    """bench.screens in its own process (it starts the server and the browser): 20 wall screens for 10 minutes."""
    env = {**os.environ, "GONGZHI_DATABASE_URL": database.url(db), "GONGZHI_DEMO": "0"}
    done = subprocess.run([sys.executable, "-m", "bench.screens", str(db), "--minutes", str(minutes), "--screens",
                           str(screens)], cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def briefing_figures(measured: dict, screens: dict | None) -> tuple[dict, dict]:
    """The briefing's headline figures (for {scale}-{db}.json) and its details."""
    figures = ("cold_s", "warm_s", "sql_floor_s")
    headline = {
        "briefing_pages": {name: {k: p[k] for k in (*figures, "data_cold_s")} for name, p in measured["pages"].items()},
        "briefing": {name: {k: r[k] for k in (*figures, "disk_cold_s") if k in r}
                     for name, r in measured["reads"].items()},
        "briefing_cached": {name: {"miss_s": r["miss_s"], "hit_s": r["hit_s"]}
                            for name, r in measured["cached"].items()},
        "briefing_pptx": {who: {k: d[k] for k in ("build_s", "briefing_pptx_s", "gather_and_pptx_s", "slides")}
                          for who, d in (measured["pptx"] or {}).items()},
    }
    if screens:
        s, q = screens["slides"], screens["sql"]
        headline["briefing_screens"] = {
            "screens": screens["screens"], "minutes": screens["minutes"], "refresh_s": screens["refresh_s"],
            "interval_s": screens["interval_s"], "slide_changes": s["changes"], "not_next": s["not_next"],
            "median_late_s": s["median_late_s"], "p99_late_s": s["p99_late_s"], "max_late_s": s["max_late_s"],
            "intervals": q["intervals"], "briefing_sets": q["briefing_sets"],
            "briefing_sets_per_interval_max": q["briefing_sets_per_interval_max"],
            "link_opens": q["link_opens"], "link_statements": q["link_statements"],
            "link_statements_per_open": q["link_statements_per_open"],
            "server_peak_rss_mb": screens["server"].get("peak_rss_mb")}
    details = {"briefing": measured, "briefing_screens": screens,
               "briefing_checks": [{"target": t, "measured": m, "met": ok}
                                   for t, m, ok in briefing_measure.checks(measured, screens)]}
    return headline, details


def briefing_table(measured: dict, screens: dict | None) -> str:
    lines = ["| briefing target | measured | met |", "|---|---:|:---:|"]
    lines += [f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in briefing_measure.checks(measured, screens)]
    return "\n".join(lines)


def briefing_runs(db: str, args, load: dict) -> tuple[dict, dict | None]:
    """The briefing's timings, then (unless --screen-minutes 0) the wall screens; the load after each."""
    print("== leadership briefing: read, cockpit (AppTest), PowerPoint", flush=True)
    measured = child("bench.briefing_measure", db, args.repeat)
    load["after_briefing"] = os.getloadavg()[0]
    screens = None
    if args.screen_minutes > 0:
        print(f"== leadership briefing: {args.screens} wall screens for {args.screen_minutes:g} min", flush=True)
        screens = screens_child(db, args.screen_minutes, args.screens)
        load["after_screens"] = os.getloadavg()[0]
    return measured, screens


def only_briefing(scale, db: str, args, started: float) -> None:
    """Time the briefing alone and put its figures into the existing results files."""
    result_path = RESULTS / f"{scale.name}-{args.db}.json"
    details_path = RESULTS / f"{scale.name}-{args.db}-details.json"
    result = json.loads(result_path.read_text(encoding="utf-8"))
    details = json.loads(details_path.read_text(encoding="utf-8"))
    load = {"before": os.getloadavg()[0]}
    measured, screens = briefing_runs(db, args, load)
    headline, more = briefing_figures(measured, screens)
    result.update(headline)
    details.update(more)
    details.update({"briefing_app": app_version(), "briefing_repeat": args.repeat,
                    "briefing_load_average_1min": load, "briefing_wall_s": round(time.perf_counter() - started, 1),
                    "briefing_peak_rss_mb": measured["peak_rss_mb"], "machine": report.machine()})
    result_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    details_path.write_text(json.dumps(details, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\n{briefing_table(measured, screens)}\n")
    print(f"whole run: {time.perf_counter() - started:.0f} s; results in {RESULTS.relative_to(ROOT)}/")


def volunteer_extra(args, db: str, load: dict, started: float) -> dict:
    """What the details file says about a volunteer run besides its figures."""
    return {"volunteer_app": app_version(), "volunteer_repeat": args.repeat, "volunteer_database": database.shown(db),
            "volunteer_load_average_1min": load, "volunteer_wall_s": round(time.perf_counter() - started, 1)}


def only_volunteer(scale, db: str, args, started: float, volunteer_s: float | None) -> None:
    """Time volunteer service alone and put its figures into the results files (kept: the other areas'), with the
    seconds its generation took when this run added it."""
    load = {"before": os.getloadavg()[0]}
    print("== volunteer service: pages (AppTest) and reads", flush=True)
    measured = child("bench.volunteer_measure", db, args.repeat)
    load["after_volunteer"] = os.getloadavg()[0]
    name = f"{scale.name}-{args.db}"
    volunteer_measure.write(name, measured,
                            {**volunteer_extra(args, db, load, started), "volunteer_machine": report.machine()})
    details_path = RESULTS / f"{name}-details.json"
    if volunteer_s is not None and args.db == "sqlite":  # made in the SQLite file: kept for the next full run
        details = json.loads(details_path.read_text(encoding="utf-8"))
        details.setdefault("generation", {})["volunteer_seconds"] = round(volunteer_s, 1)
        details_path.write_text(json.dumps(details, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\n{volunteer_measure.table(measured)}\n")
    print(f"whole run: {time.perf_counter() - started:.0f} s; results in {RESULTS.relative_to(ROOT)}/")


def fund_extra(args, db: str, load: dict, started: float) -> dict:
    """What the details file says about a fund run besides its figures."""
    return {"fund_app": app_version(), "fund_repeat": args.repeat, "fund_database": database.shown(db),
            "fund_load_average_1min": load, "fund_wall_s": round(time.perf_counter() - started, 1)}


def only_fund(scale, db: str, args, started: float, fund_s: float | None) -> None:
    """Time the estate funds alone and put their figures into the results files (kept: the other areas'), with the
    seconds their generation took when this run added them."""
    load = {"before": os.getloadavg()[0]}
    print("== estate funds: reads and pages (AppTest)", flush=True)
    measured = child("bench.fund_measure", db, args.repeat)
    load["after_fund"] = os.getloadavg()[0]
    name = f"{scale.name}-{args.db}"
    engine = make_engine(database.url(db))
    rows = fund.counts(engine)
    engine.dispose()
    fund_measure.write(name, measured, {**fund_extra(args, db, load, started), "fund_machine": report.machine(),
                                        "fund_rows": rows})
    details_path = RESULTS / f"{name}-details.json"
    if fund_s is not None and args.db == "sqlite":  # made in the SQLite file: kept for the next full run
        details = json.loads(details_path.read_text(encoding="utf-8"))
        details.setdefault("generation", {})["fund_seconds"] = round(fund_s, 1)
        details_path.write_text(json.dumps(details, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\n{fund_measure.table(measured)}\n")
    print(f"whole run: {time.perf_counter() - started:.0f} s; results in {RESULTS.relative_to(ROOT)}/")


def app_version() -> str:
    """The commit the app code was at, "+changes" if it had uncommitted changes outside bench/."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+changes" if git("status", "--porcelain", "--", ".", ":!bench", ":!docs") else "")


def counts(db: str) -> dict:
    engine = make_engine(database.url(db))
    with engine.connect() as conn:
        rows = {table.__tablename__: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (Community, Grid, MatterEvent, User, UserRole, AuditLog)}
    rows.update(committee.counts(engine))
    rows.update(council.counts(engine))
    rows.update(volunteer.counts(engine))
    rows.update(fund.counts(engine))
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=list(SCALES), default="city")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the median is reported")
    parser.add_argument("--now", type=datetime.fromisoformat, default=None,
                        help="the generator's clock (ISO, with offset); default: the start of today in Asia/Shanghai")
    parser.add_argument("--only", choices=["briefing", "volunteer", "fund"], default=None,
                        help="time only this area and update its figures in the existing results files")
    parser.add_argument("--screen-minutes", type=float, default=10,
                        help="how long the briefing's wall screens run (bench.screens); 0: not at all")
    parser.add_argument("--screens", type=int, default=20, help="wall screens (browser tabs) on the one server")
    parser.add_argument("--db", choices=database.KINDS, default="sqlite",
                        help="the database to time: the SQLite file, or the same city copied into PostgreSQL")
    parser.add_argument("--postgresql-url", default=None,
                        help=f"with --db postgresql; default ${database.URL_ENV}, else "
                             f"{database.DEFAULT_POSTGRESQL_URL} ({{scale}}: the scale's name)")
    args = parser.parse_args()
    scale = SCALES[args.scale]
    started = time.perf_counter()
    now = args.now or clock.day_start(clock.today())

    print(f"== {scale.name}: {scale.matters:,} matters in {scale.communities} communities", flush=True)
    path, generation_s, trail_s, committee_s = ensure(scale, load_settings(), now)
    engine = make_engine(f"sqlite:///{path}")  # the resident councils, volunteer service and estate funds, added once
    try:
        council_s = council.ensure(engine, load_settings(), now)
        volunteer_s = volunteer.ensure(engine, load_settings(), now)
        fund_s = fund.ensure(engine, load_settings(), now)
        if council_s is not None or volunteer_s is not None or fund_s is not None:
            checkpoint(engine)
    finally:
        engine.dispose()
    db, copied = str(path), None
    if args.db == "postgresql":  # the same city, copied from the SQLite file unless the database holds it
        db = database.postgresql_url(scale.name, args.postgresql_url)
        copied = database.ensure_postgresql(path, db, scale.matters, print)
    if args.only == "briefing":
        only_briefing(scale, db, args, started)
        return
    if args.only == "volunteer":
        only_volunteer(scale, db, args, started, volunteer_s)
        return
    if args.only == "fund":
        only_fund(scale, db, args, started, fund_s)
        return
    details_path = RESULTS / f"{scale.name}-{args.db}-details.json"
    generated_path = RESULTS / f"{scale.name}-sqlite-details.json"  # the rows are made once, in the SQLite file
    if generated_path.exists():  # reused: keep the time it took to generate
        before = json.loads(generated_path.read_text(encoding="utf-8"))["generation"]
        generation_s = before["seconds"] if generation_s is None else generation_s
        trail_s = before.get("trail_seconds") if trail_s is None else trail_s
        committee_s = before.get("committee_seconds") if committee_s is None else committee_s
        council_s = before.get("council_seconds") if council_s is None else council_s
        volunteer_s = before.get("volunteer_seconds") if volunteer_s is None else volunteer_s
        fund_s = before.get("fund_seconds") if fund_s is None else fund_s
    if args.db == "postgresql" and copied is None and details_path.exists():  # reused: keep what the copy took
        copied = json.loads(details_path.read_text(encoding="utf-8"))["generation"].get("copy")

    print("== pages (AppTest) and their SQL floor", flush=True)
    load = {"before": os.getloadavg()[0]}
    measured = child("bench.measure", db, args.repeat)
    load["after_pages"] = os.getloadavg()[0]
    print("== naive peer (pandas, whole table)", flush=True)
    naive = child("bench.naive", db, args.repeat)
    load["after_naive"] = os.getloadavg()[0]
    print("== resident council: pages (AppTest) and reads", flush=True)
    councils = child("bench.council_measure", db, args.repeat)
    load["after_council"] = os.getloadavg()[0]
    print("== volunteer service: pages (AppTest) and reads", flush=True)
    volunteers = child("bench.volunteer_measure", db, args.repeat)
    load["after_volunteer"] = os.getloadavg()[0]
    volunteer_headline, volunteer_details = volunteer_measure.figures(volunteers)
    print("== estate funds: reads and pages (AppTest)", flush=True)
    funds = child("bench.fund_measure", db, args.repeat)
    load["after_fund"] = os.getloadavg()[0]
    fund_headline, fund_details = fund_measure.figures(funds)
    briefed, screens = briefing_runs(db, args, load)
    briefing_headline, briefing_details = briefing_figures(briefed, screens)

    figures = ("cold_s", "warm_s", "sql_floor_s")
    pages = {name: {k: measured["pages"][name][k] for k in figures} for name in PAGES}
    rows = counts(db)
    result = {"scale": scale.name, "db": args.db,
              "rows": {"matters": measured["matters"], "audit_log": rows["audit_log"], "users": rows["user_account"],
                       "member_units": rows["member_unit"], "progress_updates": rows["progress_update"],
                       "councils": rows["council"], "council_decisions": rows["council_decision"],
                       "volunteers": rows["volunteer"], "volunteer_orders": rows["volunteer_order"],
                       "funds": rows["fund"], "fund_income": rows["fund_income"],
                       "fund_requests": rows["fund_request"]},
              "pages": pages,
              "committee_pages": {name: {k: p[k] for k in figures} for name, p in measured["pages"].items()
                                  if name.startswith("committee_")},
              "committee": {name: {k: v[k] for k in figures} for name, v in measured["committee"]["views"].items()},
              "council_pages": {name: {k: p[k] for k in figures} for name, p in councils["pages"].items()},
              "council": {name: {k: v[k] for k in figures} for name, v in councils["reads"]["views"].items()},
              **volunteer_headline,
              **fund_headline,
              **briefing_headline,
              "naive_overview_s": naive["median_s"], "peak_rss_mb": measured["peak_rss_mb"]}
    details = {
        "generation": {"seconds": None if generation_s is None else round(generation_s, 1),
                       "trail_seconds": None if trail_s is None else round(trail_s, 1),
                       "committee_seconds": None if committee_s is None else round(committee_s, 1),
                       "council_seconds": None if council_s is None else round(council_s, 1),
                       "volunteer_seconds": None if volunteer_s is None else round(volunteer_s, 1),
                       "fund_seconds": None if fund_s is None else round(fund_s, 1),
                       "file_mb": round(path.stat().st_size / 2**20), "rows": rows,
                       **({"database": database.shown(db), "database_mb": database.database_size_mb(db),
                           "copy": copied} if args.db == "postgresql" else {})},
        "app": app_version(), "today": measured["today"], "repeat": args.repeat, "opened": measured["targets"],
        "pages": measured["pages"],
        "startup_s": measured["startup_s"], "audit_queries": measured["audit_queries"],
        "committee": measured["committee"], "committee_pages_failed": measured["committee_pages_failed"],
        "peak_rss_after_committee_mb": measured["peak_rss_after_committee_mb"], "naive": naive,
        "council": councils["reads"], "council_pages": councils["pages"],
        "council_pages_failed": councils["pages_failed"],
        "council_today": councils["today"], "peak_rss_council_mb": councils["peak_rss_mb"],
        "peak_rss_after_council_reads_mb": councils["peak_rss_after_reads_mb"],
        **volunteer_details, "volunteer_repeat": args.repeat,
        **fund_details, "fund_repeat": args.repeat,
        **briefing_details, "briefing_peak_rss_mb": briefed["peak_rss_mb"],
        "machine": report.machine(), "load_average_1min": load,
        **({"postgresql": database.server(db)} if args.db == "postgresql" else {}),
        "wall_s": round(time.perf_counter() - started, 1),
    }
    result_path = RESULTS / f"{scale.name}-{args.db}.json"
    if screens is None and result_path.exists() and details_path.exists():  # --screen-minutes 0: keep the last ones
        last, last_details = (json.loads(p.read_text(encoding="utf-8")) for p in (result_path, details_path))
        if "briefing_screens" in last:
            result["briefing_screens"] = last["briefing_screens"]
            details["briefing_screens"] = last_details.get("briefing_screens")
            details["briefing_screens_app"] = last_details.get("briefing_screens_app", last_details.get("app"))
    RESULTS.mkdir(exist_ok=True)
    result_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    details_path.write_text(json.dumps(details, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(f"\n{report.markdown(result)}\n")
    print(f"{briefing_table(briefed, screens)}\n")
    print(f"{volunteer_measure.table(volunteers)}\n")
    print(f"{fund_measure.table(funds)}\n")
    print(f"naive peer: {naive['median_s']:.2f} s, peak RSS {naive['peak_rss_mb']:.0f} MB, "
          f"counts agree with ours: {naive['counts_agree']}")
    made = "unknown (reused)" if generation_s is None else f"{generation_s:.0f} s"
    added = "unknown (reused)" if trail_s is None else f"{trail_s:.0f} s"
    joint = "unknown (reused)" if committee_s is None else f"{committee_s:.0f} s"
    councils_made = "unknown (reused)" if council_s is None else f"{council_s:.0f} s"
    volunteers_made = "unknown (reused)" if volunteer_s is None else f"{volunteer_s:.0f} s"
    funds_made = "unknown (reused)" if fund_s is None else f"{fund_s:.0f} s"
    print(f"generation: {made}; accounts and audit trail: {added}; committees: {joint}; councils: {councils_made}; "
          f"volunteer service: {volunteers_made}; estate funds: {funds_made}; whole run: {details['wall_s']:.0f} s; "
          f"results in {RESULTS.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
