"""The overview's aggregates: three SQL scans whatever the period, everything else derived from small results."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine, case, func, select

from data_access import clock
from data_access.db import reading
from data_access.models import Community, Matter
from data_access.service_queries import MatterFilter, where
from domain.kpi import Counts
from domain.workflow import Evaluation, Step

HAPPY = Matter.evaluation.in_([Evaluation.SATISFIED.value, Evaluation.BASIC.value])
CUBE = ["month", "step", "channel", "mode", "category", "accepted", "rated", "evaluations", "satisfied", "basic",
        "reopened", "on_time", "handling_days"]


@dataclass(frozen=True)
class Overview:
    """What the secretary's overview shows for one period and set of communities."""

    counts: Counts
    steps: pd.DataFrame        # code, count
    channels: pd.DataFrame     # code, count
    modes: pd.DataFrame        # code, count
    categories: pd.DataFrame   # code, count
    months: pd.DataFrame       # month, accepted, closed, on_time
    communities: pd.DataFrame  # community, evaluations, satisfied, basic


def _total(cond):
    return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)


def _month(engine: Engine, column):
    """The local calendar month of a stored time, in SQL."""
    if engine.dialect.name == "postgresql":
        return func.to_char(func.timezone(clock.ZONE.key, column), "YYYY-MM")
    offset = clock.now().utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return func.strftime("%Y-%m", column, f"{hours:+d} hours")


def _period(flt: MatterFilter, today: date) -> list:
    return where(MatterFilter(community_ids=flt.community_ids, date_from=flt.date_from, date_to=flt.date_to), today)


def overview(engine: Engine, flt: MatterFilter, *, today: date) -> Overview:
    """KPI counts, splits and trend for the period and communities of `flt`."""
    month = _month(engine, Matter.registered_at).label("month")
    groups = [month, Matter.step, Matter.channel, Matter.mode, Matter.category]
    cube_query = (select(*groups, func.count(), _total(Matter.evaluation.is_not(None)),
                         func.coalesce(func.sum(Matter.reopen_count), 0) + _total(HAPPY),
                         _total(Matter.evaluation == Evaluation.SATISFIED.value),
                         _total(Matter.evaluation == Evaluation.BASIC.value), _total(Matter.reopen_count > 0),
                         _total(Matter.handled_on_time.is_(True)), func.coalesce(func.sum(Matter.handling_days), 0.0))
                  .where(*_period(flt, today)).group_by(*groups))
    due_conds = [Matter.deadline <= min(flt.date_to or today, today),
                 Matter.handled_on_time.is_not(None) | (Matter.deadline < today),
                 *where(MatterFilter(community_ids=flt.community_ids), today)]
    if flt.date_from:
        due_conds.append(Matter.deadline >= flt.date_from)
    due_query = select(func.count(), _total(Matter.handled_on_time.is_(True))).where(*due_conds)
    community_query = (select(Community.name, func.sum(Matter.reopen_count) + _total(HAPPY),
                              _total(Matter.evaluation == Evaluation.SATISFIED.value),
                              _total(Matter.evaluation == Evaluation.BASIC.value))
                       .join(Community, Community.id == Matter.community_id)
                       .where(*_period(flt, today), Matter.evaluation.is_not(None))
                       .group_by(Community.name).order_by(Community.name))
    with reading(engine) as session:
        cube = pd.DataFrame(session.execute(cube_query).all(), columns=CUBE)
        due, on_time = session.execute(due_query).one()
        communities = pd.DataFrame(session.execute(community_query).all(),
                                   columns=["community", "evaluations", "satisfied", "basic"])
    numbers = CUBE[5:-1]
    cube = cube.astype({c: int for c in numbers} | {"step": int, "handling_days": float})
    closed = cube["step"] == int(Step.CLOSED)
    counts = Counts(accepted=int(cube["accepted"].sum()), closed=int(cube.loc[closed, "accepted"].sum()),
                    due=int(due), due_on_time=int(on_time),
                    **{c: int(cube[c].sum()) for c in ("rated", "evaluations", "satisfied", "basic", "reopened")},
                    handling_days_sum=float(cube["handling_days"].sum()))
    cube["closed"] = cube["accepted"].where(closed, 0)
    months = cube.groupby("month", as_index=False)[["accepted", "closed", "on_time"]].sum().sort_values("month")

    def split(column: str) -> pd.DataFrame:
        return (cube.groupby(column, as_index=False)["accepted"].sum()
                .rename(columns={column: "code", "accepted": "count"}))

    return Overview(counts=counts, steps=split("step"), channels=split("channel"), modes=split("mode"),
                    categories=split("category"), months=months.reset_index(drop=True),
                    communities=communities.astype({"evaluations": int, "satisfied": int, "basic": int}))
