"""The 365 figures of the briefing on SQLite and PostgreSQL: each equals a count taken by hand from the matters,
环比 and 同比 compare with the same figures of the earlier periods, the ranking adds up to the street, and every
read keeps to the actor's scope."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import select

from data_access import clock
from data_access.briefing.service import RANKING_COLUMNS, figures, ranking
from data_access.db import reading
from data_access.models import Matter
from domain.briefing.changes import Month, Period
from domain.service.kpi import HAPPY
from domain.service.workflow import Step
from tests.conftest import NOW

pytestmark = pytest.mark.db

TODAY = clock.local(NOW).date()
YEAR_TO_DATE = Period(Month(2026, 1), Month(2026, 11))
RECENT = Period(Month(2026, 9), Month(2026, 11))


def by_hand(engine, period: Period, *, community_id: int | None = None, count_basic: bool = True) -> dict:
    """The figures counted one matter at a time, by the definitions in docs/architecture.md."""
    with reading(engine) as session:
        rows = session.execute(select(Matter)).scalars().all()
    if community_id is not None:
        rows = [m for m in rows if m.community_id == community_id]
    first, last = period.first, period.last

    def in_period(day: date) -> bool:
        return (first.year, first.month) <= (day.year, day.month) <= (last.year, last.month)

    accepted = [m for m in rows if in_period(clock.local(m.registered_at).date())]
    rated = [m for m in accepted if m.evaluation is not None]
    evaluations = sum(m.reopen_count + (m.evaluation in HAPPY) for m in accepted)
    happy = sum(m.evaluation == "satisfied" or (count_basic and m.evaluation == "basic") for m in accepted)
    due = [m for m in rows if in_period(m.deadline) and m.deadline <= TODAY
           and (m.handled_on_time is not None or m.deadline < TODAY)]
    return {
        "accepted": len(accepted),
        "closure_rate": sum(m.step == int(Step.CLOSED) for m in accepted) / len(accepted) if accepted else None,
        "on_time_rate": sum(bool(m.handled_on_time) for m in due) / len(due) if due else None,
        "satisfaction_rate": happy / evaluations if evaluations else None,
        "reopen_rate": sum(m.reopen_count > 0 for m in rated) / len(rated) if rated else None,
        "overdue": sum(m.step <= int(Step.HANDLE) and m.deadline < TODAY for m in rows),
    }


def shown(result) -> dict:
    return {f.key: f.value for f in result}


@pytest.mark.parametrize("period", [YEAR_TO_DATE, RECENT], ids=["year", "quarter"])
def test_each_figure_is_the_count_by_hand_and_its_changes_compare_with_the_earlier_periods(demo_engine, actors,
                                                                                          settings, period):
    basic = settings.satisfaction_counts_basic
    result = figures(demo_engine, period, None, actor=actors["leader"], today=TODAY, count_basic=basic)
    assert [f.key for f in result] == ["accepted", "closure_rate", "on_time_rate", "satisfaction_rate",
                                       "reopen_rate", "overdue"]
    expected = by_hand(demo_engine, period, count_basic=basic)
    assert shown(result) == pytest.approx(expected)
    assert expected["accepted"] > 0, "the demo has matters in the period"
    before, year_ago = by_hand(demo_engine, period.previous()), by_hand(demo_engine, period.last_year())
    for f in result:
        if f.key == "overdue":  # a count as of today: nothing to compare with
            assert f.vs_previous.direction is None and f.vs_last_year.direction is None
            continue
        for earlier, moved in ((before, f.vs_previous), (year_ago, f.vs_last_year)):
            if f.value is None or earlier[f.key] is None:
                assert moved.direction is None
            elif f.rate:
                assert moved.delta == pytest.approx(f.value - earlier[f.key])
            elif earlier[f.key]:
                assert moved.delta == pytest.approx((f.value - earlier[f.key]) / earlier[f.key])
            if moved.direction in ("up", "down"):
                assert moved.good == (moved.direction == f.better)


def test_a_rising_reopen_rate_is_bad_and_a_rising_closure_rate_good(demo_engine, actors):
    result = {f.key: f for f in figures(demo_engine, RECENT, None, actor=actors["leader"], today=TODAY,
                                        count_basic=True)}
    assert result["reopen_rate"].better == "down" and result["closure_rate"].better == "up"
    assert result["overdue"].better == "down"


def test_the_ranking_has_every_community_and_adds_up_to_the_street(demo_engine, actors):
    table = ranking(demo_engine, YEAR_TO_DATE, None, actor=actors["leader"], today=TODAY, count_basic=True)
    assert list(table.columns) == RANKING_COLUMNS
    assert sorted(table["community"]) == sorted(["康盛社区", "康和社区", "康泰社区"])
    street = shown(figures(demo_engine, YEAR_TO_DATE, None, actor=actors["leader"], today=TODAY,
                           count_basic=True))
    assert table["accepted"].sum() == street["accepted"] and table["overdue"].sum() == street["overdue"]
    for row in table.to_dict("records"):
        hand = by_hand(demo_engine, YEAR_TO_DATE, community_id=row["community_id"])
        assert {k: row[k] for k in hand} == pytest.approx(hand)
    ordered = table.sort_values("satisfaction_rate", ascending=False)["community"].tolist()
    assert len(ordered) == 3, "a leader can sort by any figure"


def test_a_secretary_sees_only_their_community(demo_engine, actors):
    secretary = actors["secretary"]
    table = ranking(demo_engine, YEAR_TO_DATE, None, actor=secretary, today=TODAY, count_basic=True)
    assert table["community"].tolist() == ["康盛社区"]
    asked_for_all = shown(figures(demo_engine, YEAR_TO_DATE, None, actor=secretary, today=TODAY, count_basic=True))
    own = by_hand(demo_engine, YEAR_TO_DATE, community_id=int(table["community_id"].iloc[0]))
    assert asked_for_all == pytest.approx(own)
    other = ranking(demo_engine, YEAR_TO_DATE, (99999,), actor=secretary, today=TODAY, count_basic=True)
    assert other.empty


def test_an_empty_database_has_no_false_rates(engine, street_leader):
    leader = street_leader
    result = figures(engine, YEAR_TO_DATE, None, actor=leader, today=TODAY, count_basic=True)
    assert shown(result) == {"accepted": 0, "closure_rate": None, "on_time_rate": None, "satisfaction_rate": None,
                             "reopen_rate": None, "overdue": 0}
    assert all(f.vs_previous.direction in (None, "flat") for f in result)
    assert ranking(engine, YEAR_TO_DATE, None, actor=leader, today=TODAY, count_basic=True).empty
