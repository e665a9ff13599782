"""The joint committee's reads, timed as bench.measure times the pages: cold, warm, and their SQL floor.

The reads are the functions the committee pages call (data_access.committee: queries, meetings and
minutes), for the views that weigh most:

- dashboard_leader: `dashboard` for `leader`, every community (the city: 217 communities, 2,142 units, 9,765
  items), as the overview page asks it with "all communities";
- dashboard_secretary: the same for `secretary`, community #1;
- items_behind_leader: `items(show="behind")`, the first page of 50, for `leader`, every community: the
  dashboard's drill-down into the items behind schedule;
- units_secretary and claims_secretary: `units` and `claims` of community #1 for `secretary`;
- meetings_secretary: `meetings` of community #1 this year; meeting_detail: `meeting_detail` of its last closed
  progress meeting (attendance, agenda, outcomes, progress entered); minutes_docx: the Word minutes of it
  (`minutes_docx` also writes its `export.minutes` audit entry, so every sample adds one entry to the trail).

cold: a new engine (a new SQLite connection: its page cache empty, the OS file cache warm), then the call; this
      leaves out the app's start-up (`open_database`, timed as startup_s) and Streamlit, which a cold page adds.
warm: the same call again at once on the same engine.
sql_floor: the SELECT statements of a warm call, recorded from the engine and replayed with their parameters on a
      raw sqlite3 connection.
Each figure is the median of `repeat` samples; each result is checked against counts taken directly from the
tables, so an empty or wrong answer fails the benchmark rather than being timed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from bench.database import url

VIEWS = ("dashboard_leader", "dashboard_secretary", "items_behind_leader", "units_secretary", "claims_secretary",
         "meetings_secretary", "meeting_detail", "minutes_docx")


@dataclass(frozen=True)
class Expect:
    """What the reads must return, counted directly from the tables."""

    community_id: int
    year: int
    meeting_id: int
    items: dict[str, int]  # listed items of the year: "leader" (all communities), "secretary" (community #1)
    units: int  # member units of community #1
    claims: int  # active claims of community #1
    meetings: int  # meetings of community #1 this year
    agenda: int  # agenda rows of the meeting
    attendance: int


def expect(engine, community_id: int, today: date) -> Expect:
    from sqlalchemy import text

    year = today.year
    with engine.connect() as conn:
        def one(sql: str, **params) -> int:
            return conn.execute(text(sql), {"c": community_id, "y": year, **params}).scalar_one()

        items_all = one("select count(*) from service_item i join project p on p.id = i.project_id where p.year = :y")
        items_own = one("select count(*) from service_item i join project p on p.id = i.project_id "
                        "where p.year = :y and p.community_id = :c")
        meeting = one("select id from committee_meeting where community_id = :c and kind = 'progress' "
                      "and status = 'closed' order by day desc, id desc limit 1")
        return Expect(
            community_id, year, meeting, {"leader": items_all, "secretary": items_own},
            one("select count(*) from member_unit where community_id = :c"),
            one("select count(*) from claim where community_id = :c and status = 'active'"),
            one("select count(*) from committee_meeting where community_id = :c and day >= :a and day <= :b",
                a=date(year, 1, 1), b=date(year, 12, 31)),
            one("select count(*) from agenda_item where meeting_id = :m", m=meeting),
            one("select count(*) from meeting_attendance where meeting_id = :m", m=meeting))


def calls(actors: dict, e: Expect, today: date, tolerance: float) -> dict[str, Callable]:
    """Each view: a function of the engine that makes the call and returns what it read."""
    from data_access.committee import meetings as committee_meetings
    from data_access.committee import minutes as committee_minutes
    from data_access.committee import queries as committee_queries

    leader, secretary = actors["leader"], actors["secretary"]
    c, year = e.community_id, e.year
    return {
        "dashboard_leader": lambda eng: committee_queries.dashboard(eng, actor=leader, community_ids=None, year=year,
                                                                    today=today, tolerance=tolerance),
        "dashboard_secretary": lambda eng: committee_queries.dashboard(eng, actor=secretary, community_ids=(c,),
                                                                       year=year, today=today, tolerance=tolerance),
        "items_behind_leader": lambda eng: committee_queries.items(eng, actor=leader, community_ids=None, year=year,
                                                                   show="behind", today=today, tolerance=tolerance),
        "units_secretary": lambda eng: committee_queries.units(eng, actor=secretary, community_id=c, year=year,
                                                               today=today),
        "claims_secretary": lambda eng: committee_queries.claims(eng, actor=secretary, community_id=c, today=today,
                                                                 tolerance=tolerance),
        "meetings_secretary": lambda eng: committee_meetings.meetings(eng, actor=secretary, community_id=c,
                                                                      year=year),
        "meeting_detail": lambda eng: committee_meetings.meeting_detail(eng, actor=secretary,
                                                                        meeting_id=e.meeting_id),
        "minutes_docx": lambda eng: committee_minutes.minutes_docx(eng, actor=secretary, meeting_id=e.meeting_id),
    }


def check(view: str, result, e: Expect) -> dict:
    """Fail unless the read returned what the tables hold; a few figures of it for the results."""
    if view.startswith("dashboard"):
        who = view.split("_")[1]
        ok = result.listed == e.items[who] and result.claimed > 0 and not result.by_unit.empty
        shown = {"listed": result.listed, "claimed": result.claimed, "behind": result.behind,
                 "stale": result.stale, "units": result.units, "ranked_units": result.ranked_units}
    elif view == "items_behind_leader":
        frame, total = result
        ok = 0 < total < e.items["leader"] and len(frame) == min(50, total) and bool(frame["behind"].all())
        shown = {"total": total, "rows": len(frame)}
    elif view == "units_secretary":
        ok, shown = len(result) == e.units, {"rows": len(result)}
    elif view == "claims_secretary":
        ok, shown = len(result) == e.claims, {"rows": len(result)}
    elif view == "meetings_secretary":
        ok, shown = len(result) == e.meetings, {"rows": len(result)}
    elif view == "meeting_detail":
        ok = (result is not None and len(result.agenda) == e.agenda and len(result.attendance) == e.attendance
              and not result.outcomes.empty)
        shown = {"agenda": len(result.agenda), "attendance": len(result.attendance),
                 "outcomes": len(result.outcomes), "progress": len(result.progress)} if result is not None else {}
    else:
        ok, shown = result[:2] == b"PK" and len(result) > 10_000, {"bytes": len(result)}
    if not ok:
        raise RuntimeError(f"committee {view} did not return the expected data: {shown}")
    return shown


def probes(db: str, users: dict[str, int], community_id: int, today: date, repeat: int, recorder) -> dict:
    """Time every view (VIEWS): cold and warm samples, the SQL floor, what it returned."""
    from bench.measure import time_reads
    from data_access.accounts import auth
    from data_access.config import settings
    from data_access.db import make_engine

    engine = make_engine(url(db))
    actors = {name: auth.load_actor(engine, settings(), users[name]) for name in ("leader", "secretary")}
    e = expect(engine, community_id, today)
    engine.dispose()
    tolerance = settings().committee.behind_tolerance
    views = calls(actors, e, today, tolerance)
    results = time_reads("committee", {view: views[view] for view in VIEWS},
                         lambda view, result: check(view, result, e), db, repeat, recorder)
    expected = {"community_id": e.community_id, "year": e.year, "meeting_id": e.meeting_id, "items": e.items,
                "units": e.units, "claims": e.claims, "meetings": e.meetings}
    return {"views": results, "expected": expected}
