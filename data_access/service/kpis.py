"""The overview's aggregates, read from the monthly tally (matter_tally) and not from the matters.

Periods are whole local months of registration. Only the on-time rate, which counts matters by deadline,
reads the matters (through a covering index).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pandas as pd
from sqlalchemy import Engine, case, func, select

from data_access.db import reading
from data_access.models import Community, Matter, MatterTally
from data_access.service.queries import MatterFilter, where
from domain.access import Actor, scope
from domain.service.kpi import Counts


@dataclass(frozen=True)
class Overview:
    """What the secretary's overview shows for one period and set of communities."""

    counts: Counts
    steps: pd.DataFrame        # code (int), count
    channels: pd.DataFrame     # code, count
    modes: pd.DataFrame        # code, count
    categories: pd.DataFrame   # code, count
    months: pd.DataFrame       # month, accepted, closed
    communities: pd.DataFrame  # community, evaluations, satisfied, basic


def months_back(today: date, n: int) -> date:
    """The first day of the month n months before today's."""
    year, month = divmod(today.year * 12 + today.month - 1 - n, 12)
    return date(year, month + 1, 1)


def month_end(day: date) -> date:
    """The last day of `day`'s month."""
    following = (day.replace(day=28) + timedelta(days=4)).replace(day=1)
    return following - timedelta(days=1)


def tally_where(community_ids: tuple[int, ...] | None, start: date, end: date) -> list:
    """The tally rows of the months from `start` to `end` in the communities (None: every one)."""
    conds = [MatterTally.month >= f"{start:%Y-%m}", MatterTally.month <= f"{end:%Y-%m}"]
    if community_ids is not None:
        conds.append(MatterTally.community_id.in_(community_ids) if community_ids else MatterTally.n < 0)
    return conds


def due_where(community_ids: tuple[int, ...] | None, start: date, end: date, today: date) -> list:
    """Matters whose deadline fell in the months from `start` to `end` and has passed or was met (the on-time
    rate's denominator)."""
    return [Matter.deadline >= start.replace(day=1), Matter.deadline <= min(month_end(end), today),
            Matter.handled_on_time.is_not(None) | (Matter.deadline < today),
            *where(MatterFilter(community_ids=community_ids), today)]


ON_TIME = func.coalesce(func.sum(case((Matter.handled_on_time.is_(True), 1), else_=0)), 0)  # of those, handled in time


def overview(engine: Engine, community_ids: tuple[int, ...] | None, start: date, end: date, *, actor: Actor,
             today: date) -> Overview:
    """KPI counts, splits and monthly trend for the months from `start` to `end` (whole months of registration;
    None for community_ids means every community), cut to where the actor holds "overview.read". A role limited
    to some grids sees its whole community's figures: they hold no personal data."""
    community_ids = scope(actor, "overview.read").community_ids(community_ids)
    tally_query = (select(MatterTally.month, MatterTally.dim, MatterTally.code, func.sum(MatterTally.n),
                          func.sum(MatterTally.days))
                   .where(*tally_where(community_ids, start, end))
                   .group_by(MatterTally.month, MatterTally.dim, MatterTally.code))
    community_query = (select(Community.id, Community.name, MatterTally.code, func.sum(MatterTally.n))
                       .join(Community, Community.id == MatterTally.community_id)
                       .where(*tally_where(community_ids, start, end), MatterTally.dim == "kpi",
                              MatterTally.code.in_(["evaluations", "satisfied", "basic"]))
                       .group_by(Community.id, Community.name, MatterTally.code))
    due_query = select(func.count(), ON_TIME).where(*due_where(community_ids, start, end, today))
    with reading(engine) as session:
        tally = pd.DataFrame(session.execute(tally_query).all(), columns=["month", "dim", "code", "n", "days"])
        per_community = pd.DataFrame(session.execute(community_query).all(), columns=["id", "community", "code", "n"])
        due, on_time = session.execute(due_query).one()
    tally = tally.astype({"n": int, "days": float})
    kpi = tally[tally["dim"] == "kpi"].groupby("code")["n"].sum()
    steps = tally[tally["dim"] == "step"]
    counts = Counts(accepted=int(steps["n"].sum()), due=int(due), due_on_time=int(on_time),
                    **{name: int(kpi.get(name, 0)) for name in
                       ("closed", "rated", "evaluations", "satisfied", "basic", "reopened")},
                    handling_days_sum=float(tally.loc[(tally["dim"] == "kpi") & (tally["code"] == "closed"),
                                                      "days"].sum()))
    by_month = tally.pivot_table(index="month", columns=["dim", "code"], values="n", aggfunc="sum", fill_value=0)
    months = pd.DataFrame({
        "month": by_month.index,
        "accepted": by_month["step"].sum(axis=1).to_numpy() if "step" in by_month else 0,
        "closed": by_month[("kpi", "closed")].to_numpy() if ("kpi", "closed") in by_month else 0,
    }).sort_values("month").reset_index(drop=True)
    communities = (per_community.pivot_table(index=["id", "community"], columns="code", values="n", aggfunc="sum",
                                             fill_value=0)
                   .reindex(columns=["evaluations", "satisfied", "basic"], fill_value=0).reset_index()
                   .drop(columns="id"))

    def split(dim: str) -> pd.DataFrame:
        part = tally[tally["dim"] == dim].groupby("code", as_index=False)["n"].sum()
        part = part.rename(columns={"n": "count"})
        return part.astype({"code": int}) if dim == "step" else part

    return Overview(counts=counts, steps=split("step"), channels=split("channel"), modes=split("mode"),
                    categories=split("category"), months=months,
                    communities=communities.astype({"evaluations": int, "satisfied": int, "basic": int}))
