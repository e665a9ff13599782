"""The 365 method's figures of the leadership briefing: for a period of whole months and a scope, each figure with
its change against the months before (环比) and the same months last year (同比), read from the monthly tally as the
overview reads it; the overdue count as of today; and the communities ranked by every figure.

Scope: where the actor holds "overview.read" (figures, no personal data), as the secretary's overview.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine, func, select

from data_access.db import reading
from data_access.models import Community, Matter, MatterTally
from data_access.service.kpis import ON_TIME, Overview, due_where, overview, tally_where
from data_access.service.queries import MatterFilter, where
from domain.access import Actor, scope
from domain.briefing.changes import Better, Change, Month, Period, change
from domain.service.kpi import Counts, compute

# key, a rate (else a count), which way is better
FIGURES: tuple[tuple[str, bool, Better], ...] = (
    ("accepted", False, "up"), ("closure_rate", True, "up"), ("on_time_rate", True, "up"),
    ("satisfaction_rate", True, "up"), ("reopen_rate", True, "down"), ("overdue", False, "down"))
RANKING_COLUMNS = ["community_id", "community", "accepted", "closure_rate", "on_time_rate", "satisfaction_rate",
                   "reopen_rate", "overdue"]
KPI_CODES = ("closed", "rated", "evaluations", "satisfied", "basic", "reopened")


@dataclass(frozen=True)
class Figure:
    key: str
    value: float | None
    rate: bool
    better: Better
    vs_previous: Change  # 环比
    vs_last_year: Change  # 同比; the overdue count is as of today and has neither


def first_day(month: Month) -> date:
    return date(month.year, month.month, 1)


def _values(counts: Counts, count_basic: bool) -> dict[str, float | None]:
    kpis = compute(counts, count_basic=count_basic)
    return {"accepted": counts.accepted, "closure_rate": kpis.closure_rate, "on_time_rate": kpis.on_time_rate,
            "satisfaction_rate": kpis.satisfaction_rate, "reopen_rate": kpis.reopen_rate}


def figures(engine: Engine, period: Period, community_ids: tuple[int, ...] | None, *, actor: Actor, today: date,
            count_basic: bool, seen: Overview | None = None) -> list[Figure]:
    """The figures of FIGURES for the period over the communities (None: every one the actor may read); `seen`
    is the period's overview when the caller has read it already. A period is read once (over twelve months the
    months before are last year's)."""
    known: dict[Period, Counts] = {} if seen is None else {period: seen.counts}

    def counts(p: Period) -> Counts:
        if p not in known:
            known[p] = overview(engine, community_ids, first_day(p.first), first_day(p.last), actor=actor,
                                today=today).counts
        return known[p]

    now, before, year_ago = (_values(counts(p), count_basic)
                             for p in (period, period.previous(), period.last_year()))
    ids = scope(actor, "overview.read").community_ids(community_ids)
    with reading(engine) as session:
        now["overdue"] = session.execute(select(func.count()).select_from(Matter).where(
            *where(MatterFilter(community_ids=ids, overdue_only=True), today))).scalar_one()
    none = Change(None, None, None)
    return [Figure(key, now[key], rate, better,
                   change(now[key], before[key], rate=rate, better=better) if key in before else none,
                   change(now[key], year_ago[key], rate=rate, better=better) if key in year_ago else none)
            for key, rate, better in FIGURES]


def ranking(engine: Engine, period: Period, community_ids: tuple[int, ...] | None, *, actor: Actor, today: date,
            count_basic: bool) -> pd.DataFrame:
    """One row per community in scope (RANKING_COLUMNS), with the figures of the period and the overdue count of
    today; a community without matters has a count of 0 and no rates (None)."""
    ids = scope(actor, "overview.read").community_ids(community_ids)
    start, end = first_day(period.first), first_day(period.last)
    places = select(Community.id, Community.name).order_by(Community.id)
    if ids is not None:
        places = places.where(Community.id.in_(ids))
    tally = (select(MatterTally.community_id, MatterTally.dim, MatterTally.code, func.sum(MatterTally.n))
             .where(*tally_where(ids, start, end), MatterTally.dim.in_(("step", "kpi")))
             .group_by(MatterTally.community_id, MatterTally.dim, MatterTally.code))
    due = (select(Matter.community_id, func.count(), ON_TIME).where(*due_where(ids, start, end, today))
           .group_by(Matter.community_id))
    # "+ 0" keeps SQLite from walking ix_matter_community_step (every matter) to skip a sort: the open matters
    # past their deadline are a range of the covering ix_matter_step_deadline, grouped in a small temp tree
    place = (Matter.community_id + 0).label("community_id")
    overdue = (select(place, func.count())
               .where(*where(MatterFilter(community_ids=ids, overdue_only=True), today)).group_by(place))
    with reading(engine) as session:
        names = session.execute(places).all()
        sums: dict[int, dict[str, int]] = {}
        for community_id, dim, code, n in session.execute(tally):
            row = sums.setdefault(community_id, {})
            key = "accepted" if dim == "step" else code
            row[key] = row.get(key, 0) + int(n)
        dues = {cid: (int(n), int(on_time)) for cid, n, on_time in session.execute(due)}
        late = {cid: int(n) for cid, n in session.execute(overdue)}
    rows = []
    for community_id, name in names:
        got = sums.get(community_id, {})
        n_due, on_time = dues.get(community_id, (0, 0))
        counts = Counts(accepted=got.get("accepted", 0), due=n_due, due_on_time=on_time,
                        **{code: got.get(code, 0) for code in KPI_CODES})
        rows.append({"community_id": community_id, "community": name, **_values(counts, count_basic),
                     "overdue": late.get(community_id, 0)})
    return pd.DataFrame(rows, columns=RANKING_COLUMNS)
