"""The resident council's pages and reads, timed as bench.measure and bench.committee_measure time theirs.

Runs in its own process (`python -m bench.council_measure DB --repeat N`, started by `python -m bench`) so that
its peak RSS is its own and GONGZHI_DATABASE_URL is set before any app module reads the settings. Prints one JSON
object on stdout.

Pages (PAGES), rendered by AppTest as the logged-in user, cold, warm, data cold and their SQL floor exactly as
bench.measure defines them; a page that fails is reported in `pages_failed`, not timed:
- council_overview: pages/council/overview.py as `leader`, all communities (the city: 1,000 councils);
- council_overview_secretary: the same page as `secretary` (community #1);
- council_meetings, council_decisions, council_topics, council_councils: the other record pages as `secretary`;
- council_decisions_overdue_leader: the decisions page as `leader`, all communities, showing the overdue ones.

Reads (VIEWS), the functions the pages call (data_access.council: queries, minutes), called directly:
- overview_leader / overview_secretary: `overview` of this year, all communities / community #1;
- participation_leader: `participation` of this year, all communities (per member and per seat);
- quarterly_leader: `quarterly` of this year, all communities;
- meetings_search_leader: `meetings` of all communities whose records say SEARCH, the first page of 50;
- meetings_secretary: `meetings` of community #1, the first page;
- decisions_overdue_leader: `decisions(show="overdue")`, all communities, the first page of 50;
- meeting_detail and minutes_docx: of community #1's closed decision meeting with the most agenda items
  (`minutes_docx` writes its `export.council_minutes` audit entry, so every sample adds one entry to the trail).

cold: a new engine (empty SQLite page cache, the OS file cache warm), then the call; warm: the same call again;
sql_floor: the SELECT statements of a warm call replayed on a raw sqlite3 connection (bench.measure.time_floor).
Each figure is the median of `repeat` samples; each result is checked against counts taken directly from the tables.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from bench.database import locate, url
from bench.measure import median

ROOT = Path(__file__).resolve().parent.parent
SEARCH = "充电"
PAGES = {"council_overview": ("pages/council/overview.py", "leader", {}),
         "council_overview_secretary": ("pages/council/overview.py", "secretary", {}),
         "council_meetings": ("pages/council/meetings.py", "secretary", {}),
         "council_decisions": ("pages/council/decisions.py", "secretary", {}),
         "council_decisions_overdue_leader": ("pages/council/decisions.py", "leader", {"cdec_show": "overdue"}),
         "council_topics": ("pages/council/topics.py", "secretary", {}),
         "council_councils": ("pages/council/councils.py", "secretary", {})}
VIEWS = ("overview_leader", "overview_secretary", "participation_leader", "quarterly_leader",
         "meetings_search_leader", "meetings_secretary", "decisions_overdue_leader", "meeting_detail",
         "minutes_docx")
TIMEOUT_S = 600


@dataclass(frozen=True)
class Expect:
    """What the reads must return, counted directly from the tables."""

    community_id: int
    year: int
    meeting_id: int
    decisions: dict[str, int]  # decided this year: "leader" (all communities), "secretary" (community #1)
    councils: dict[str, int]  # active councils
    members_year: int  # distinct members with an attendance row at a closed meeting this year (all communities)
    found: int  # meetings whose records say SEARCH
    meetings: int  # meetings of community #1
    overdue: int  # overdue decisions, all communities
    agenda: int  # agenda items of the meeting
    attendance: int
    decided: int  # decisions taken at the meeting


def expect(engine, community_id: int, today: date) -> Expect:
    from sqlalchemy import text

    year = today.year
    with engine.connect() as conn:
        def one(sql: str, **params) -> int:
            return conn.execute(text(sql), {"c": community_id, "a": date(year, 1, 1), "b": date(year, 12, 31),
                                            "t": today, "s": f"%{SEARCH}%", **params}).scalar_one()

        meeting = one("select m.id from council_meeting m join council_agenda_item a on a.meeting_id = m.id "
                      "where m.community_id = :c and m.kind = 'decision' and m.status = 'closed' "
                      "group by m.id order by count(*) desc, m.day desc, m.id desc limit 1")
        decided = "select count(*) from council_decision where decided_on >= :a and decided_on <= :b"
        active = "select count(*) from council where active"
        return Expect(
            community_id, year, meeting, {"leader": one(decided), "secretary": one(decided + " and community_id = :c")},
            {"leader": one(active), "secretary": one(active + " and community_id = :c")},
            one("select count(distinct a.member_id) from council_attendance a join council_meeting m "
                "on m.id = a.meeting_id where m.status = 'closed' and m.day >= :a and m.day <= :b"),
            one("select count(*) from council_meeting m where m.place like :s or m.summary like :s "
                "or m.id in (select i.meeting_id from council_agenda_item i left join council_topic t "
                "on t.id = i.topic_id where i.minutes like :s or t.title like :s) "
                "or m.id in (select meeting_id from council_decision where text like :s)"),
            one("select count(*) from council_meeting where community_id = :c"),
            one("select count(*) from council_decision where status = 'passed' and due < :t "
                "and (outcome is null or outcome != 'carried_out')"),
            one("select count(*) from council_agenda_item where meeting_id = :m", m=meeting),
            one("select count(*) from council_attendance where meeting_id = :m", m=meeting),
            one("select count(*) from council_decision where meeting_id = :m", m=meeting))


def calls(actors: dict, e: Expect, today: date) -> dict[str, Callable]:
    """Each view: a function of the engine that makes the call and returns what it read."""
    from data_access.config import settings
    from data_access.council import minutes as council_minutes
    from data_access.council import queries as council_queries

    leader, secretary = actors["leader"], actors["secretary"]
    c, year = e.community_id, e.year
    return {
        "overview_leader": lambda eng: council_queries.overview(eng, actor=leader, community_ids=None, year=year,
                                                                today=today),
        "overview_secretary": lambda eng: council_queries.overview(eng, actor=secretary, community_ids=(c,),
                                                                   year=year, today=today),
        "participation_leader": lambda eng: council_queries.participation(eng, actor=leader, community_ids=None,
                                                                          year=year),
        "quarterly_leader": lambda eng: council_queries.quarterly(eng, actor=leader, community_ids=None, year=year),
        "meetings_search_leader": lambda eng: council_queries.meetings(eng, actor=leader, community_ids=None,
                                                                       search=SEARCH),
        "meetings_secretary": lambda eng: council_queries.meetings(eng, actor=secretary, community_ids=(c,)),
        "decisions_overdue_leader": lambda eng: council_queries.decisions(eng, actor=leader, community_ids=None,
                                                                          show="overdue", today=today),
        "meeting_detail": lambda eng: council_queries.meeting_detail(eng, actor=secretary, meeting_id=e.meeting_id),
        "minutes_docx": lambda eng: council_minutes.minutes_docx(eng, actor=secretary, settings=settings(),
                                                                 meeting_id=e.meeting_id),
    }


def check(view: str, result, e: Expect) -> dict:
    """Fail unless the read returned what the tables hold; a few figures of it for the results."""
    if view.startswith("overview"):
        who = view.split("_")[1]
        ok = (result.decisions == e.decisions[who] and result.councils == e.councils[who]
              and sum(result.meetings.values()) > 0)
        shown = {"councils": result.councils, "members": result.members, "decisions": result.decisions,
                 "overdue": result.overdue, "due_for_review": result.due_for_review, "reviewed": result.reviewed,
                 "meetings": sum(result.meetings.values())}
    elif view == "participation_leader":
        by_member, by_seat = result
        ok = len(by_member) == e.members_year and not by_seat.empty
        shown = {"members": len(by_member), "seats": len(by_seat)}
    elif view == "quarterly_leader":
        decided = int(result["decisions"].sum())
        ok, shown = decided == e.decisions["leader"], {"decisions": decided}
    elif view == "meetings_search_leader":
        frame, total = result
        ok = total == e.found and len(frame) == min(50, total) and total > 0
        shown = {"total": total, "rows": len(frame)}
    elif view == "meetings_secretary":
        frame, total = result
        ok, shown = total == e.meetings and len(frame) == min(50, total), {"total": total, "rows": len(frame)}
    elif view == "decisions_overdue_leader":
        frame, total = result
        ok = total == e.overdue and len(frame) == min(50, total) and bool(frame["overdue"].all())
        shown = {"total": total, "rows": len(frame)}
    elif view == "meeting_detail":
        ok = (result is not None and len(result.agenda) == e.agenda and len(result.attendance) == e.attendance
              and len(result.decisions) == e.decided)
        shown = {"agenda": len(result.agenda), "attendance": len(result.attendance),
                 "decisions": len(result.decisions), "ballots": len(result.ballots)} if result is not None else {}
    else:
        ok, shown = result[:2] == b"PK" and len(result) > 10_000, {"bytes": len(result)}
    if not ok:
        raise RuntimeError(f"council {view} did not return the expected data: {shown}")
    return shown


def probes(db: str, users: dict[str, int], community_id: int, today: date, repeat: int, recorder) -> dict:
    """Time every read (VIEWS): cold and warm samples, the SQL floor, what it returned."""
    from bench.measure import time_reads
    from data_access.accounts import auth
    from data_access.config import settings
    from data_access.db import make_engine

    engine = make_engine(url(db))
    actors = {name: auth.load_actor(engine, settings(), users[name]) for name in ("leader", "secretary")}
    e = expect(engine, community_id, today)
    engine.dispose()
    views = calls(actors, e, today)
    results = time_reads("council", {view: views[view] for view in VIEWS}, lambda view, result: check(view, result, e),
                         db, repeat, recorder)
    expected = {"community_id": e.community_id, "year": e.year, "meeting_id": e.meeting_id, "decisions": e.decisions,
                "councils": e.councils, "members_year": e.members_year, "search": SEARCH, "found": e.found,
                "meetings": e.meetings, "overdue": e.overdue}
    return {"views": results, "expected": expected}


# --- pages ---------------------------------------------------------------------------------------------------

def session(view: str, users: dict[str, int]):
    """A new AppTest session of the page, logged in, its state set."""
    from streamlit.testing.v1 import AppTest

    from bench.measure import quiet

    path, who, state = PAGES[view]
    at = AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT_S)
    quiet()
    at.session_state["user_id"] = users[who]
    for key, value in state.items():
        at.session_state[key] = value
    return at


def check_page(view: str, at) -> None:
    """Fail unless the page rendered its figures or a table of records (not an error or an empty state)."""
    if at.exception:
        raise RuntimeError(f"{view}: {at.exception[0].value}")
    ok = bool(at.metric) if view.startswith("council_overview") else bool(at.dataframe)
    if not ok:
        raise RuntimeError(f"{view} did not render the expected content")


def time_page(view: str, users: dict[str, int], repeat: int, log) -> dict:
    from bench.measure import clear_caches, timed

    cold, warm, data_cold = [], [], []
    for _ in range(repeat):
        clear_caches(resources=True)
        at = session(view, users)
        cold.append(timed(at.run))
        check_page(view, at)
        warm.append(timed(at.run))
        check_page(view, at)
    for _ in range(repeat):
        clear_caches(resources=False)
        at = session(view, users)
        data_cold.append(timed(at.run))
        check_page(view, at)
    log(f"  {view:<34} cold {median(cold):7.3f} s   warm {median(warm):6.3f} s   data_cold {median(data_cold):7.3f} s")
    return {"cold": cold, "warm": warm, "data_cold": data_cold}


def page_sql(recorder, view: str, users: dict[str, int]) -> list[tuple[str, tuple]]:
    """The statements a data-cold run of the page sends (the engine already open, the read cache empty)."""
    from bench.measure import clear_caches

    clear_caches(resources=False)
    at = session(view, users)
    recorder.statements, recorder.on = [], True
    at.run()
    recorder.on = False
    check_page(view, at)
    return recorder.statements


def measure(db: str, repeat: int) -> dict:
    from bench.measure import DEMO_USERS, Recorder, configure, log, peak_rss_mb, time_floor

    configure(db)
    from sqlalchemy import text

    from data_access import clock
    from data_access.db import make_engine

    today = clock.today()
    engine = make_engine(url(db))
    with engine.connect() as conn:
        users = {name: id_ for name, id_ in conn.execute(text("select username, id from user_account")).all()
                 if name in DEMO_USERS}
        community = conn.execute(text("select community_id from user_role where user_id = :u"),
                                 {"u": users["secretary"]}).scalar_one()
    engine.dispose()
    log(f"Council pages and reads: community #{community}, median of {repeat}")
    pages, failed = {}, {}
    for view in PAGES:
        try:
            session(view, users).run()  # untimed: imports the page's modules once, as a running server has
            pages[view] = time_page(view, users, repeat, log)
        except Exception as error:  # noqa: BLE001 - a council page still being written is reported, not timed
            failed[view] = f"{type(error).__name__}: {error}"[:300]
            log(f"  {view:<34} not timed: {failed[view]}")
    rss = peak_rss_mb()
    recorder = Recorder()
    floors = {}
    for view in list(pages):
        try:
            floors[view] = time_floor(view, page_sql(recorder, view, users), db, repeat)
        except Exception as error:  # noqa: BLE001 - changed under our feet (pages still being written)
            failed[view] = f"{type(error).__name__}: {error}"[:300]
            pages.pop(view)
            log(f"  {view:<34} floor not taken: {failed[view]}")
    reads = probes(db, users, community, today, repeat, recorder)
    return {
        "today": today.isoformat(),
        "pages": {view: {"cold_s": median(p["cold"]), "warm_s": median(p["warm"]),
                         "sql_floor_s": median(floors[view]["total"]), "data_cold_s": median(p["data_cold"]),
                         "samples": {k: [round(s, 4) for s in v] for k, v in p.items()},
                         "floor_statements": floors[view]["statements"]} for view, p in pages.items()},
        "pages_failed": failed,
        "reads": reads,
        "peak_rss_mb": rss,
        "peak_rss_after_reads_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a SQLite file or a database URL")
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print(json.dumps(measure(locate(args.db), args.repeat)))


if __name__ == "__main__":
    main()
