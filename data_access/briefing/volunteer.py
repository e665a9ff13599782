"""Volunteer service's figures of the leadership briefing, for a period of whole months and a scope: orders requested,
orders signed off, the sign-off rate, the satisfaction rate, hours served, points issued and redeemed, each with 环比
and 同比; and, as of today, active volunteers and orders dispatched but not taken in time; the hours of each month of
the period and the top of the honour roll (光荣榜).

Every figure is defined as the volunteer overview (data_access.volunteer.queries.overview) defines it, and read as it
reads them: from volunteer_tally (data_access.volunteer.tally), kept per community and local month by every write, so
that a period's figures are a few rows per community and month rather than every order and transfer. The periods are
whole local months, the tally's months ("YYYY-MM"). Active volunteers (a volunteer's last service day), orders not
taken in time and the honour roll (a volunteer's kept hours) are read as of today from their tables. A test checks
that both reads agree.

Scope: where the actor holds "volunteer.read".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, func, select

from data_access.briefing.service import Figure
from data_access.db import reading
from data_access.models import Volunteer, VolunteerOrder, VolunteerTally, VolunteerTeam
from data_access.sql import frame, within
from data_access.volunteer.queries import SIGNED_STEPS
from data_access.volunteer.registry import READ
from domain.access import Actor, scope
from domain.briefing.changes import Better, Change, Period, change
from domain.settings import Settings
from domain.volunteer.orders import Step

VO, VT, V, VTally = VolunteerOrder, VolunteerTeam, Volunteer, VolunteerTally
# key, a rate (else a count), which way is better; the last two are as of today and are not compared
FIGURES: tuple[tuple[str, bool, Better], ...] = (
    ("requested", False, "up"), ("signed", False, "up"), ("sign_off_rate", True, "up"),
    ("satisfaction_rate", True, "up"), ("hours", False, "up"), ("points_issued", False, "up"),
    ("points_redeemed", False, "up"), ("active", False, "up"), ("late", False, "down"))
AS_OF_TODAY = ("active", "late")
HONOUR = 5  # volunteers on the briefing's honour roll


@dataclass(frozen=True)
class VolunteerFigures:
    figures: list[Figure]          # FIGURES, in that order
    dissatisfied: int              # orders rated 不满意 in the period (flagged for the secretary)
    hours_by_month: pd.DataFrame   # month ("YYYY-MM", every month of the period), hours
    honour: pd.DataFrame = field(default_factory=pd.DataFrame)  # name, team (None: none), hours (all served)

    def figure(self, key: str) -> Figure:
        return next(f for f in self.figures if f.key == key)


def _months(period: Period) -> tuple[str, str]:
    """The period's first and last month as the tally stores them ("YYYY-MM")."""
    return str(period.first), str(period.last)


def _counts(kept: dict[tuple[str, str, str], tuple[int, int]], periods: list[Period],
            count_basic: bool) -> dict[Period, dict[str, float | None]]:
    """The compared figures of each period, with its dissatisfied count, from the tally's rows of its months
    ({(month, dim, code): (n, total)}), as the overview counts them: step/<step> the orders requested by their step
    now, hours/<team> the orders signed off and their tenths, rated/<rating> and flagged the orders rated,
    points/<kind> the transfers (a redemption's redeem and its reversal coded <kind>/redemption)."""
    content = {"satisfied", "basic"} if count_basic else {"satisfied"}
    cancelled, signed_steps = str(int(Step.CANCELLED)), {str(int(s)) for s in SIGNED_STEPS}
    result = {}
    for period in periods:
        first, last = _months(period)
        got: dict[tuple[str, str], list[int]] = {}
        for (month, dim, code), (n, total) in kept.items():
            if first <= month <= last:
                n_total = got.setdefault((dim, code), [0, 0])
                n_total[0] += n
                n_total[1] += total
        requested = sum(n for (dim, _), (n, _) in got.items() if dim == "step")
        live = requested - got.get(("step", cancelled), [0, 0])[0]
        signed_of_them = sum(n for (dim, code), (n, _) in got.items() if dim == "step" and code in signed_steps)
        rated = sum(n for (dim, _), (n, _) in got.items() if dim == "rated")
        satisfied = sum(n for (dim, code), (n, _) in got.items() if dim == "rated" and code in content)
        points = {code: total for (dim, code), (_, total) in got.items() if dim == "points"}
        redeemed = sum(total for code, total in points.items() if code.startswith("redeem"))
        result[period] = {"requested": requested,
                          "signed": sum(n for (dim, _), (n, _) in got.items() if dim == "hours"),
                          "sign_off_rate": signed_of_them / live if live else None,
                          "satisfaction_rate": satisfied / rated if rated else None,
                          "hours": sum(t for (dim, _), (_, t) in got.items() if dim == "hours") / 10,
                          "points_issued": int(points.get("earn", 0)),
                          "points_redeemed": int(redeemed - points.get("reversal/redemption", 0)),
                          "dissatisfied": got.get(("flagged", ""), [0, 0])[0]}
    return result


def figures(engine: Engine, period: Period, community_ids: tuple[int, ...] | None, *, actor: Actor, today: date,
            now: datetime, settings: Settings) -> VolunteerFigures:
    """The figures of FIGURES for the period over the communities (None: every one the actor may read volunteer
    service of); `today` dates the active volunteers, `now` the orders not taken in time. Over twelve months the
    months before are last year's, read once."""
    ids = scope(actor, READ).community_ids(community_ids)
    periods = list(dict.fromkeys((period, period.previous(), period.last_year())))
    first, last = min(str(p.first) for p in periods), str(period.last)
    with reading(engine) as session:
        # the tally's rows of the periods' months (a few per community and month), summed over the communities;
        # hours by month, not by team (street-wide 1,728 teams a month: 21,000 rows to sum again in Python)
        in_months = [*within(VTally.community_id, ids), VTally.month >= first, VTally.month <= last]
        kept = {(month, dim, code): (int(n or 0), int(total or 0)) for month, dim, code, n, total in session.execute(
            select(VTally.month, VTally.dim, VTally.code, func.sum(VTally.n), func.sum(VTally.total))
            .where(*in_months, VTally.dim.in_(("step", "rated", "flagged", "points")))
            .group_by(VTally.month, VTally.dim, VTally.code))}
        kept |= {(month, "hours", ""): (int(n or 0), int(total or 0)) for month, n, total in session.execute(
            select(VTally.month, func.sum(VTally.n), func.sum(VTally.total))
            .where(*in_months, VTally.dim == "hours").group_by(VTally.month))}
        known = _counts(kept, periods, settings.satisfaction_counts_basic)
        recent = today - timedelta(days=settings.volunteer.active_days)
        active = session.execute(select(func.count()).select_from(V).where(
            *within(V.community_id, ids), V.active.is_(True), V.last_served_on >= recent)).scalar_one()
        late = session.execute(select(func.count()).select_from(VO).where(
            *within(VO.community_id, ids), VO.step == Step.DISPATCHED,
            VO.dispatched_at < now - timedelta(hours=settings.volunteer.take_within_hours))).scalar_one()
        # "+ 0" keeps SQLite from skipping through ix_volunteer_community_hours street-wide and sorting what it
        # finds (0.19 s on 120,000 volunteers): a scan keeping the top five takes 0.02 s
        honour = frame(session.execute(
            select(V.name, VT.name, V.hours_tenths / 10.0).outerjoin(VT, VT.id == V.team_id)
            .where(*within(V.community_id, ids), V.active.is_(True), V.hours_tenths + 0 > 0)
            .order_by(V.hours_tenths.desc(), V.id).limit(HONOUR)).all(), ["name", "team", "hours"])
    before, year_ago = known[period.previous()], known[period.last_year()]
    current = known[period] | {"active": int(active), "late": int(late)}
    none = Change(None, None, None)
    result = [Figure(key, current[key], rate, better,
                     change(current[key], before[key], rate=rate, better=better) if key in before else none,
                     change(current[key], year_ago[key], rate=rate, better=better) if key in year_ago else none)
              for key, rate, better in FIGURES]
    every = [str(period.first.plus(n)) for n in range(period.months)]
    tenths = {}
    for (month, dim, _), (_, total) in kept.items():
        if dim == "hours":
            tenths[month] = tenths.get(month, 0) + total
    by_month = pd.DataFrame({"month": every, "hours": [tenths.get(m, 0) / 10 for m in every]})
    if not honour.empty:
        honour["hours"] = honour["hours"].astype(float)
    return VolunteerFigures(result, current["dissatisfied"], by_month, honour)

