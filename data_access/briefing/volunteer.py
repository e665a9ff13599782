"""Volunteer service's figures of the leadership briefing, for a period of whole months and a scope: orders requested,
orders signed off, the sign-off rate, the satisfaction rate, hours served, points issued and redeemed, each with 环比
and 同比; and, as of today, active volunteers and orders dispatched but not taken in time; the hours of each month of
the period and the top of the honour roll (光荣榜).

Every figure is defined as the volunteer overview (data_access.volunteer.queries.overview) defines it, on the figures
stored when they happen: an order's requested_at, signed_month, hours_tenths, rated_at and rating; the points
transfers by kind and time; a volunteer's kept hours and last service day. The period's bounds are local days, its
months the signed-off months ("YYYY-MM"). A test checks that both reads agree.

Scope: where the actor holds "volunteer.read".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, and_, case, func, or_, select

from data_access import clock
from data_access.briefing.service import Figure, first_day
from data_access.db import reading
from data_access.models import PointsTransfer, Volunteer, VolunteerOrder, VolunteerTeam
from data_access.service.kpis import month_end
from data_access.sql import count_if, frame, within
from data_access.volunteer.queries import SIGNED_STEPS
from data_access.volunteer.registry import READ
from domain.access import Actor, scope
from domain.briefing.changes import Better, Change, Period, change
from domain.settings import Settings
from domain.volunteer.orders import Step

VO, VT, V, PT = VolunteerOrder, VolunteerTeam, Volunteer, PointsTransfer
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


def _bounds(period: Period) -> tuple[datetime, datetime, str, str]:
    """The period's first instant, the first instant after it, and its first and last month as stored."""
    return (clock.day_start(first_day(period.first)), clock.day_end(month_end(first_day(period.last))),
            str(period.first), str(period.last))


def _sum_if(condition, value):
    return func.coalesce(func.sum(case((condition, value), else_=0)), 0)


def _counts(session, periods: list[Period], ids: tuple[int, ...] | None, count_basic: bool,
            signed_months: dict[str, tuple[int, int]]) -> dict[Period, dict[str, float | None]]:
    """The compared figures of each period, with its dissatisfied count; `signed_months` the orders signed off and
    their tenths of hours by month. Orders requested and rated are counted in one pass over the orders for all the
    periods: no index leads with their times, and street-wide SQLite would otherwise skip through a community-first
    index once per figure and period and read every row it points to. Points are summed per period through the
    covering (community, kind, at, points) index. Street-wide over 500,000 orders and 660,000 transfers the year's
    figures took 2.4 s on SQLite and 0.97 s on PostgreSQL read query by query, 1.3 s and 0.56 s so; one community
    0.02 s and 0.03 s."""
    content = or_(VO.rating == "satisfied", *([VO.rating == "basic"] if count_basic else []))
    orders, returns = [], []
    for period in periods:
        since, until, _, _ = _bounds(period)
        asked = and_(VO.requested_at >= since, VO.requested_at < until)
        rated = and_(VO.rated_at >= since, VO.rated_at < until)
        orders += [count_if(asked), count_if(and_(asked, VO.step == Step.CANCELLED)),
                   count_if(and_(asked, VO.step.in_(SIGNED_STEPS))), count_if(rated), count_if(and_(rated, content)),
                   count_if(and_(rated, VO.flagged.is_(True)))]
        returns.append(_sum_if(and_(PT.at >= since, PT.at < until), PT.points))
    earliest = min(_bounds(p)[0] for p in periods)  # an order is rated after it is requested
    order_row = session.execute(select(*orders).select_from(VO).where(
        *within(VO.community_id, ids), or_(VO.requested_at >= earliest, VO.rated_at >= earliest))).one()
    # a redemption cancelled the same day is reversed: its points count as redeemed no more (reversals are few)
    returned_row = session.execute(select(*returns).where(
        *within(PT.community_id, ids), PT.kind == "reversal", PT.redemption_id.is_not(None))).one()
    result = {}
    for number, period in enumerate(periods):
        requested, cancelled, signed_of_them, rated, satisfied, flagged = \
            (int(v or 0) for v in order_row[number * 6:number * 6 + 6])
        since, until, first, last = _bounds(period)
        moved = dict(session.execute(select(PT.kind, func.sum(PT.points)).where(
            *within(PT.community_id, ids), PT.kind.in_(("earn", "redeem")), PT.at >= since, PT.at < until)
            .group_by(PT.kind)).all())
        signed = [v for month, v in signed_months.items() if first <= month <= last]
        live = requested - cancelled
        result[period] = {"requested": requested, "signed": sum(orders for orders, _ in signed),
                          "sign_off_rate": signed_of_them / live if live else None,
                          "satisfaction_rate": satisfied / rated if rated else None,
                          "hours": sum(t for _, t in signed) / 10, "points_issued": int(moved.get("earn") or 0),
                          "points_redeemed": int(moved.get("redeem") or 0) - int(returned_row[number] or 0),
                          "dissatisfied": flagged}
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
        # signed off and hours by month: through the covering (community, signed_month, team, hours) index
        signed_months = {month: (int(n), int(tenths or 0)) for month, n, tenths in session.execute(
            select(VO.signed_month, func.count(), func.sum(VO.hours_tenths))
            .where(*within(VO.community_id, ids), VO.signed_month >= first, VO.signed_month <= last)
            .group_by(VO.signed_month))}
        known = _counts(session, periods, ids, settings.satisfaction_counts_basic, signed_months)
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
    by_month = pd.DataFrame({"month": every, "hours": [signed_months.get(m, (0, 0))[1] / 10 for m in every]})
    if not honour.empty:
        honour["hours"] = honour["hours"].astype(float)
    return VolunteerFigures(result, current["dissatisfied"], by_month, honour)

