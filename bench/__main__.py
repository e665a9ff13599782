"""`python -m bench --scale city`: generate (or reuse) the database, time the pages and the naive peer, write results.

Writes bench/results/{scale}-sqlite.json (the headline figures) and {scale}-sqlite-details.json (samples,
per-statement floor times, generation time, the peer's memory, the app commit, the machine).
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

from bench import committee, council, report
from bench.generate import SCALES, checkpoint, ensure
from data_access import clock
from data_access.config import load_settings
from data_access.db import make_engine
from data_access.models import AuditLog, Community, Grid, MatterEvent, User, UserRole

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
DB = "sqlite"
PAGES = ("overview", "ledger", "matter", "audit", "audit_secretary", "users")


def child(module: str, db: Path, repeat: int) -> dict:
    """Run `python -m module DB` in its own process (its own peak RSS); its last stdout line is JSON."""
    env = {**os.environ, "GONGZHI_DATABASE_URL": f"sqlite:///{db}", "GONGZHI_DEMO": "0"}
    done = subprocess.run([sys.executable, "-m", module, str(db), "--repeat", str(repeat)], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def app_version() -> str:
    """The commit the app code was at, "+changes" if it had uncommitted changes outside bench/."""
    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True).stdout.strip()

    commit = git("rev-parse", "--short", "HEAD") or "unknown"
    return commit + ("+changes" if git("status", "--porcelain", "--", ".", ":!bench", ":!docs") else "")


def counts(db: Path) -> dict:
    engine = make_engine(f"sqlite:///{db}")
    with engine.connect() as conn:
        rows = {table.__tablename__: conn.execute(select(func.count()).select_from(table)).scalar_one()
                for table in (Community, Grid, MatterEvent, User, UserRole, AuditLog)}
    rows.update(committee.counts(engine))
    rows.update(council.counts(engine))
    engine.dispose()
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", choices=list(SCALES), default="city")
    parser.add_argument("--repeat", type=int, default=5, help="runs per figure; the median is reported")
    parser.add_argument("--now", type=datetime.fromisoformat, default=None,
                        help="the generator's clock (ISO, with offset); default: the start of today in Asia/Shanghai")
    args = parser.parse_args()
    scale = SCALES[args.scale]
    started = time.perf_counter()
    now = args.now or clock.day_start(clock.today())

    print(f"== {scale.name}: {scale.matters:,} matters in {scale.communities} communities", flush=True)
    db, generation_s, trail_s, committee_s = ensure(scale, load_settings(), now)
    engine = make_engine(f"sqlite:///{db}")  # the resident councils, added once (bench.council)
    try:
        council_s = council.ensure(engine, load_settings(), now)
        if council_s is not None:
            checkpoint(engine)
    finally:
        engine.dispose()
    details_path = RESULTS / f"{scale.name}-{DB}-details.json"
    if details_path.exists():  # reused: keep the time it took to generate
        before = json.loads(details_path.read_text(encoding="utf-8"))["generation"]
        generation_s = before["seconds"] if generation_s is None else generation_s
        trail_s = before.get("trail_seconds") if trail_s is None else trail_s
        committee_s = before.get("committee_seconds") if committee_s is None else committee_s
        council_s = before.get("council_seconds") if council_s is None else council_s

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

    figures = ("cold_s", "warm_s", "sql_floor_s")
    pages = {name: {k: measured["pages"][name][k] for k in figures} for name in PAGES}
    rows = counts(db)
    result = {"scale": scale.name, "db": DB,
              "rows": {"matters": measured["matters"], "audit_log": rows["audit_log"], "users": rows["user_account"],
                       "member_units": rows["member_unit"], "progress_updates": rows["progress_update"],
                       "councils": rows["council"], "council_decisions": rows["council_decision"]},
              "pages": pages,
              "committee_pages": {name: {k: p[k] for k in figures} for name, p in measured["pages"].items()
                                  if name.startswith("committee_")},
              "committee": {name: {k: v[k] for k in figures} for name, v in measured["committee"]["views"].items()},
              "council_pages": {name: {k: p[k] for k in figures} for name, p in councils["pages"].items()},
              "council": {name: {k: v[k] for k in figures} for name, v in councils["reads"]["views"].items()},
              "naive_overview_s": naive["median_s"], "peak_rss_mb": measured["peak_rss_mb"]}
    details = {
        "generation": {"seconds": None if generation_s is None else round(generation_s, 1),
                       "trail_seconds": None if trail_s is None else round(trail_s, 1),
                       "committee_seconds": None if committee_s is None else round(committee_s, 1),
                       "council_seconds": None if council_s is None else round(council_s, 1),
                       "file_mb": round(db.stat().st_size / 2**20), "rows": rows},
        "app": app_version(), "today": measured["today"], "repeat": args.repeat, "opened": measured["targets"],
        "pages": measured["pages"],
        "startup_s": measured["startup_s"], "audit_queries": measured["audit_queries"],
        "committee": measured["committee"], "committee_pages_failed": measured["committee_pages_failed"],
        "peak_rss_after_committee_mb": measured["peak_rss_after_committee_mb"], "naive": naive,
        "council": councils["reads"], "council_pages": councils["pages"],
        "council_pages_failed": councils["pages_failed"],
        "council_today": councils["today"], "peak_rss_council_mb": councils["peak_rss_mb"],
        "peak_rss_after_council_reads_mb": councils["peak_rss_after_reads_mb"],
        "machine": report.machine(), "load_average_1min": load,
        "wall_s": round(time.perf_counter() - started, 1),
    }
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{scale.name}-{DB}.json").write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    details_path.write_text(json.dumps(details, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")

    print(f"\n{report.markdown(result)}\n")
    print(f"naive peer: {naive['median_s']:.2f} s, peak RSS {naive['peak_rss_mb']:.0f} MB, "
          f"counts agree with ours: {naive['counts_agree']}")
    made = "unknown (reused)" if generation_s is None else f"{generation_s:.0f} s"
    added = "unknown (reused)" if trail_s is None else f"{trail_s:.0f} s"
    joint = "unknown (reused)" if committee_s is None else f"{committee_s:.0f} s"
    councils_made = "unknown (reused)" if council_s is None else f"{council_s:.0f} s"
    print(f"generation: {made}; accounts and audit trail: {added}; committees: {joint}; councils: {councils_made}; "
          f"whole run: {details['wall_s']:.0f} s; results in {RESULTS.relative_to(ROOT)}/")


if __name__ == "__main__":
    main()
