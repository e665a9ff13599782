"""The peer: a naive overview that loads the whole matter table into pandas and computes the same figures there.

Runs in its own process (`python -m bench.naive DB`) so that its memory does not count toward the page timings'
peak RSS. Prints one JSON object on stdout: the median time, the samples, this process's peak RSS, and whether its
KPI counts agree with the app's (data_access.service_kpis).
"""

from __future__ import annotations

import argparse
import json
import math
import statistics
import sys
import time
from dataclasses import astuple

import pandas as pd
from sqlalchemy import Engine

from bench.database import url
from bench.measure import overview_period, peak_rss_mb
from data_access import clock
from data_access.config import load_settings
from data_access.db import make_engine
from data_access.service import kpis as service_kpis
from data_access.service.queries import MatterFilter, count_matters
from domain.access import Actor, grants_for
from domain.service.kpi import Counts, compute
from domain.service.workflow import Evaluation, Step

CLOSED = int(Step.CLOSED)


def overview(engine: Engine, today, *, count_basic: bool) -> dict:
    """Every figure of the leader's overview (all communities, default period), the pandas way."""
    with engine.connect() as conn:
        m = pd.read_sql("select * from matter", conn)
        community = pd.read_sql("select id as community_id, name as community from community", conn)
        grid = pd.read_sql("select id as grid_id, name as grid from grid", conn)
    m["registered_at"] = pd.to_datetime(m["registered_at"], utc=True).dt.tz_convert(clock.ZONE)
    m["deadline"] = pd.to_datetime(m["deadline"])
    start, end = overview_period(today)
    period = m[(m["registered_at"] >= clock.day_start(start)) & (m["registered_at"] < clock.day_end(end))]
    first, last, now = (pd.Timestamp(d) for d in (start, min(end, today), today))
    due = m[(m["deadline"] <= last) & (m["deadline"] >= first)
            & (m["handled_on_time"].notna() | (m["deadline"] < now))]
    period = period.assign(satisfied=period["evaluation"] == Evaluation.SATISFIED.value,
                           basic=period["evaluation"] == Evaluation.BASIC.value)
    happy = period["satisfied"] | period["basic"]
    counts = Counts(accepted=len(period), closed=int((period["step"] == CLOSED).sum()), due=len(due),
                    due_on_time=int((due["handled_on_time"] == 1).sum()),
                    rated=int(period["evaluation"].notna().sum()),
                    evaluations=int(period["reopen_count"].sum() + happy.sum()),
                    satisfied=int(period["satisfied"].sum()), basic=int(period["basic"].sum()),
                    reopened=int((period["reopen_count"] > 0).sum()),
                    handling_days_sum=float(period["handling_days"].sum()))
    kpis = compute(counts, count_basic=count_basic)
    splits = {c: period[c].value_counts() for c in ("step", "channel", "mode", "category")}
    monthly = (period.assign(month=period["registered_at"].dt.strftime("%Y-%m"),
                             closed=period["step"] == CLOSED, on_time=period["handled_on_time"] == 1)
               .groupby("month").agg(accepted=("id", "size"), closed=("closed", "sum"), on_time=("on_time", "sum")))
    rated = period[period["evaluation"].notna()].merge(community, on="community_id")
    satisfaction = rated.groupby("community")[["reopen_count", "satisfied", "basic"]].sum()
    satisfaction["evaluations"] = satisfaction.pop("reopen_count") + satisfaction["satisfied"] + satisfaction["basic"]
    overdue = m[(m["step"] <= int(Step.HANDLE)) & (m["deadline"] < now)]  # domain.service.workflow.is_overdue
    top = (overdue.sort_values(["deadline", "id"]).head(20)
           .merge(community, on="community_id").merge(grid, on="grid_id"))
    return {"counts": counts, "kpis": kpis, "splits": splits, "monthly": monthly, "satisfaction": satisfaction,
            "overdue": len(overdue), "overdue_top": top}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a SQLite file or a database URL")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    settings = load_settings()
    engine = make_engine(url(args.db))
    today = clock.today()
    samples = []
    for _ in range(args.repeat):
        start = time.perf_counter()
        result = overview(engine, today, count_basic=settings.satisfaction_counts_basic)
        samples.append(time.perf_counter() - start)
        print(f"  naive overview {samples[-1]:6.2f} s", file=sys.stderr, flush=True)
        del result
    rss = peak_rss_mb()
    start, end = overview_period(today)
    leader = Actor(None, "leader", "", grants_for(settings, [("leader", None, None)]))  # street-wide, as the page's
    ours = service_kpis.overview(engine, None, start, end, actor=leader, today=today).counts
    overdue = count_matters(engine, MatterFilter(overdue_only=True), actor=leader, today=today)
    theirs = overview(engine, today, count_basic=settings.satisfaction_counts_basic)
    agree = theirs["overdue"] == overdue and all(
        math.isclose(a, b, rel_tol=1e-9) for a, b in zip(astuple(ours), astuple(theirs["counts"]), strict=True))
    print(json.dumps({"median_s": round(statistics.median(samples), 4), "samples": [round(s, 4) for s in samples],
                      "peak_rss_mb": rss, "counts_agree": agree}))


if __name__ == "__main__":
    main()
