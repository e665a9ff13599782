"""The resident council's figures of the briefing on SQLite and PostgreSQL: each equals a count by hand from the
meetings and decisions, 环比 and 同比 compare with the earlier periods, and the reads keep to the actor's scope."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from data_access import clock
from data_access.briefing.council import figures
from data_access.council.queries import overview
from data_access.db import reading
from data_access.models import CouncilDecision, CouncilMeeting
from data_access.service.kpis import month_end
from domain.briefing.changes import Month, Period
from tests.conftest import NOW

pytestmark = pytest.mark.db

TODAY = clock.local(NOW).date()
YEAR = Period(Month(2026, 1), Month(2026, 12))
RECENT = Period(Month(2026, 6), Month(2026, 11))


def by_hand(engine, period: Period, community_ids: set[int] | None = None) -> dict:
    start = date(period.first.year, period.first.month, 1)
    end = month_end(date(period.last.year, period.last.month, 1))
    with reading(engine) as session:
        meetings = session.execute(select(CouncilMeeting)).scalars().all()
        decisions = session.execute(select(CouncilDecision)).scalars().all()
    if community_ids is not None:
        meetings = [m for m in meetings if m.community_id in community_ids]
        decisions = [d for d in decisions if d.community_id in community_ids]
    passed = [d for d in decisions if d.status == "passed"]
    return {
        "meetings": sum(m.status == "closed" and start <= m.day <= end for m in meetings),
        "passed": sum(start <= d.decided_on <= end for d in passed),
        "carried_out": sum(d.outcome == "carried_out" and start <= d.reviewed_on <= end for d in decisions),
        "in_notice": sum(d.notice_start <= TODAY <= d.notice_end for d in passed),
        "overdue": sum(d.due is not None and d.due < TODAY and d.outcome != "carried_out" for d in passed),
    }


@pytest.mark.parametrize("period", [YEAR, RECENT], ids=["year", "half"])
def test_each_council_figure_is_the_count_by_hand(demo_engine, actors, period):
    result, kinds = figures(demo_engine, period, None, actor=actors["leader"], today=TODAY)
    shown = {f.key: f.value for f in result}
    assert shown == by_hand(demo_engine, period)
    assert shown["meetings"] > 0 and shown["passed"] > 0, "the demo holds meetings and passes decisions"
    assert sum(kinds.values()) == shown["meetings"]
    before = by_hand(demo_engine, period.previous())
    for f in result:
        if f.key in ("in_notice", "overdue"):
            assert f.vs_previous.direction is None and f.vs_last_year.direction is None
        elif before[f.key]:
            assert f.vs_previous.delta == pytest.approx((f.value - before[f.key]) / before[f.key])


def test_the_years_meetings_by_kind_are_the_council_overviews(demo_engine, actors, settings):
    _, kinds = figures(demo_engine, YEAR, None, actor=actors["leader"], today=TODAY)
    year = overview(demo_engine, actor=actors["leader"], community_ids=None, year=2026, today=TODAY,
                    settings=settings)
    assert {k: n for k, n in year.meetings.items() if n} == kinds
    shown = {f.key: f.value for f in figures(demo_engine, YEAR, None, actor=actors["leader"], today=TODAY)[0]}
    assert shown["passed"] == year.passed and shown["in_notice"] == year.in_notice
    assert shown["overdue"] == year.overdue


def test_a_recorder_counts_only_their_community(demo_engine, actors):
    recorder = actors["recorder"]
    own = {g.community_id for g in recorder.grants}
    shown = {f.key: f.value for f in figures(demo_engine, YEAR, None, actor=recorder, today=TODAY)[0]}
    assert shown == by_hand(demo_engine, YEAR, own)
    street = {f.key: f.value for f in figures(demo_engine, YEAR, None, actor=actors["leader"], today=TODAY)[0]}
    assert shown["meetings"] < street["meetings"]


def test_an_empty_database_counts_nothing(engine, street_leader):
    result, kinds = figures(engine, YEAR, None, actor=street_leader, today=TODAY)
    assert kinds == {} and all(f.value == 0 for f in result)
    assert all(f.vs_previous.direction in (None, "flat") for f in result)

