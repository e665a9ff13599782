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
from sqlalchemy import Engine, func, or_, select

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


def _counts(session, period: Period, ids: tuple[int, ...] | None, count_basic: bool) -> dict[str, float | None]:
    """The compared figures of one period, with the dissatisfied count."""
    since, until, first, last = _bounds(period)
    orders = within(VO.community_id, ids)
    requested, cancelled, signed_of_them = session.execute(select(
        func.count(), count_if(VO.step == Step.CANCELLED), count_if(VO.step.in_(SIGNED_STEPS)))
        .where(*orders, VO.requested_at >= since, VO.requested_at < until)).one()
    signed, tenths = session.execute(select(func.count(), func.coalesce(func.sum(VO.hours_tenths), 0))
                                     .where(*orders, VO.signed_month >= first, VO.signed_month <= last)).one()
    content = [VO.rating == "satisfied"] + ([VO.rating == "basic"] if count_basic else [])
    rated, satisfied, flagged = session.execute(select(func.count(), count_if(or_(*content)), count_if(VO.flagged))
                                                .where(*orders, VO.rated_at >= since, VO.rated_at < until)).one()
    moved = dict(session.execute(select(PT.kind, func.sum(PT.points)).where(
        *within(PT.community_id, ids), PT.at >= since, PT.at < until, PT.kind.in_(("earn", "redeem")))
        .group_by(PT.kind)).all())
    # a redemption cancelled the same day is reversed: its points count as redeemed no more
    returned = session.execute(select(func.coalesce(func.sum(PT.points), 0)).where(
        *within(PT.community_id, ids), PT.at >= since, PT.at < until, PT.kind == "reversal",
        PT.redemption_id.is_not(None))).scalar_one()
    live = int(requested) - int(cancelled)
    return {"requested": int(requested), "signed": int(signed),
            "sign_off_rate": int(signed_of_them) / live if live else None,
            "satisfaction_rate": int(satisfied) / int(rated) if rated else None, "hours": int(tenths) / 10,
            "points_issued": int(moved.get("earn") or 0),
            "points_redeemed": int(moved.get("redeem") or 0) - int(returned or 0), "dissatisfied": int(flagged)}


def figures(engine: Engine, period: Period, community_ids: tuple[int, ...] | None, *, actor: Actor, today: date,
            now: datetime, settings: Settings) -> VolunteerFigures:
    """The figures of FIGURES for the period over the communities (None: every one the actor may read volunteer
    service of); `today` dates the active volunteers, `now` the orders not taken in time. Over twelve months the
    months before are last year's, read once."""
    ids = scope(actor, READ).community_ids(community_ids)
    known: dict[Period, dict] = {}
    with reading(engine) as session:
        for p in (period, period.previous(), period.last_year()):
            if p not in known:
                known[p] = _counts(session, p, ids, settings.satisfaction_counts_basic)
        recent = today - timedelta(days=settings.volunteer.active_days)
        active = session.execute(select(func.count()).select_from(V).where(
            *within(V.community_id, ids), V.active.is_(True), V.last_served_on >= recent)).scalar_one()
        late = session.execute(select(func.count()).select_from(VO).where(
            *within(VO.community_id, ids), VO.step == Step.DISPATCHED,
            VO.dispatched_at < now - timedelta(hours=settings.volunteer.take_within_hours))).scalar_one()
        _, _, first, last = _bounds(period)
        months = dict(session.execute(
            select(VO.signed_month, func.sum(VO.hours_tenths)).where(
                *within(VO.community_id, ids), VO.signed_month >= first, VO.signed_month <= last)
            .group_by(VO.signed_month)).all())
        honour = frame(session.execute(
            select(V.name, VT.name, V.hours_tenths / 10.0).outerjoin(VT, VT.id == V.team_id)
            .where(*within(V.community_id, ids), V.active.is_(True), V.hours_tenths > 0)
            .order_by(V.hours_tenths.desc(), V.id).limit(HONOUR)).all(), ["name", "team", "hours"])
    before, year_ago = known[period.previous()], known[period.last_year()]
    current = known[period] | {"active": int(active), "late": int(late)}
    none = Change(None, None, None)
    result = [Figure(key, current[key], rate, better,
                     change(current[key], before[key], rate=rate, better=better) if key in before else none,
                     change(current[key], year_ago[key], rate=rate, better=better) if key in year_ago else none)
              for key, rate, better in FIGURES]
    every = [str(period.first.plus(n)) for n in range(period.months)]
    by_month = pd.DataFrame({"month": every, "hours": [int(months.get(m) or 0) / 10 for m in every]})
    if not honour.empty:
        honour["hours"] = honour["hours"].astype(float)
    return VolunteerFigures(result, current["dissatisfied"], by_month, honour)

