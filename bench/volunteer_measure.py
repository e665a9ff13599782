"""Volunteer service's pages and reads, timed as bench.measure and bench.council_measure time theirs.

Runs in its own process (`python -m bench.volunteer_measure DB --repeat N`, started by `python -m bench`) so that its
peak RSS is its own and GONGZHI_DATABASE_URL is set before any app module reads the settings. Prints one JSON object
on stdout; with `--write city-sqlite` it also puts its figures into bench/results/city-sqlite.json and its details
file (the keys `volunteer_pages` and `volunteer`, and `volunteer*` in the details), keeping the other areas' figures,
as `python -m bench --only volunteer` does.

Pages (PAGES), rendered by AppTest as the logged-in user, cold, warm, data cold and their SQL floor exactly as
bench.measure defines them; a page that fails is reported in `pages_failed`, not timed:
- volunteer_overview: pages/volunteer/overview.py as `leader`, all communities (the whole city), this year;
- volunteer_overview_secretary: the same page as `secretary` (community #1);
- volunteer_orders: pages/volunteer/orders.py as `leader`, all communities, the first page of every order;
- volunteer_orders_late: the same, filtered to the orders not taken in time (the late filter);
- volunteer_orders_secretary: the orders page as `secretary`;
- volunteer_orders_dispatch: the orders page as `secretary` with the community's newest order waiting for dispatch
  open (its panel, the dispatch form and its suggestions);
- volunteer_volunteers / volunteer_volunteers_search: the register as `secretary`, then searched by a surname;
- volunteer_store: the points store's counter and goods as `secretary`;
- volunteer_mine: a volunteer's own screen as the demo `volunteer` account.

Reads (VIEWS), the functions the pages call (data_access.volunteer.queries), called directly:
- overview_leader / overview_secretary: `overview` of this year, all communities / community #1;
- orders_leader, orders_open_leader, orders_late_leader, orders_flagged_leader, orders_month_leader: `orders_page`
  for `leader`, all communities, the first page of 50: every order, the open ones, those not taken in time, those
  rated 不满意, those signed off last month; orders_secretary: community #1's first page;
- order_detail: community #1's order with the longest timeline; suggestions: whom to dispatch community #1's newest
  waiting order to;
- volunteers_secretary, volunteers_name, volunteers_phone: `volunteers_page` of community #1, its first page, then
  searched by a surname and by the last four digits of a volunteer's phone; choices_name: `volunteer_choices` (the
  counter's search) by that surname; teams: `teams` of community #1;
- my_work: the demo volunteer's own screen; statement: the points statement of community #1's volunteer with the
  most transfers (its first page and its kept balance);
- goods, redemptions_today, redemptions: community #1's store, today's redemptions, the first page of all of them.

Then `check_balances` (data_access.volunteer.points): every kept balance against the sum of its transfers over the
whole city, timed `repeat` times on a new engine (it reads every transfer: it is a check, not a page's read).

cold: a new engine (empty SQLite page cache, the OS file cache warm), then the call; warm: the same call again;
sql_floor: the SELECT statements of a warm call replayed on a raw connection (bench.measure.time_floor). Each figure
is the median of `repeat` samples; each result is checked against counts taken directly from the tables, so an empty
or wrong answer fails the benchmark rather than being timed.
"""

from __future__ import annotations

import argparse
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path

from bench.database import locate, url
from bench.measure import median

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
ORDERS, VOLUNTEERS = "pages/volunteer/orders.py", "pages/volunteer/volunteers.py"
# view: (page, user, session state: a dict, or a function of Expect giving one)
PAGES: dict[str, tuple[str, str, object]] = {
    "volunteer_overview": ("pages/volunteer/overview.py", "leader", {}),
    "volunteer_overview_secretary": ("pages/volunteer/overview.py", "secretary", {}),
    "volunteer_orders": (ORDERS, "leader", {}),
    "volunteer_orders_late": (ORDERS, "leader", {"vord_flags": ["late"]}),
    "volunteer_orders_secretary": (ORDERS, "secretary", {}),
    "volunteer_orders_dispatch": (ORDERS, "secretary", lambda e: {"vord_selected": e.waiting_order}),
    "volunteer_volunteers": (VOLUNTEERS, "secretary", {}),
    "volunteer_volunteers_search": (VOLUNTEERS, "secretary", lambda e: {"vvol_search": e.surname}),
    "volunteer_store": ("pages/volunteer/store.py", "secretary", {}),
    "volunteer_mine": ("pages/volunteer/mine.py", "volunteer", {})}
VIEWS = ("overview_leader", "overview_secretary", "orders_leader", "orders_open_leader", "orders_late_leader",
         "orders_flagged_leader", "orders_month_leader", "orders_secretary", "order_detail", "suggestions",
         "volunteers_secretary", "volunteers_name", "volunteers_phone", "choices_name", "teams", "my_work",
         "statement", "goods", "redemptions_today", "redemptions")
USERS = ("leader", "secretary", "volunteer")
PAGE_SIZE = 50
TIMEOUT_S = 600
COLD_MAX_S, WARM_MAX_S = 1.0, 0.2  # issue 16: every volunteer page, the whole city


@dataclass
class Expect:
    """What the pages and reads must show, counted directly from the tables."""

    community_id: int
    start: date
    end: date
    month: str  # last month, "YYYY-MM"
    registered: dict[str, int]  # active volunteers: "leader" (every community), "secretary" (community #1)
    teams: dict[str, int]  # active teams
    requested: dict[str, int]  # orders requested this year
    hours_tenths: dict[str, int]  # signed off in this year's months
    orders: dict[str, int]  # the filters of VIEWS' orders_* reads -> matching orders
    detail_order: int
    detail_events: int
    detail_service: int
    waiting_order: int
    community_teams: int  # every team of community #1
    active_community_teams: int
    volunteers: int  # volunteers of community #1
    surname: str
    named: int  # volunteers of community #1 whose name holds the surname
    named_active: int
    digits: str
    phoned: int  # volunteers of community #1 found by the digits (phone ending, name, or the code)
    volunteer_id: int  # the demo volunteer's record
    open_orders: int  # the demo volunteer's open orders (theirs, and their team's if they lead one)
    points: int  # the demo volunteer's kept balance
    statement_volunteer: int
    statement_total: int
    statement_balance: int
    goods: int
    redeemed: int  # units redeemed in community #1's store, not cancelled
    redemptions: int
    redemptions_today: int
    users: dict[str, int] = field(default_factory=dict)


def expect(engine, users: dict[str, int], now: datetime) -> Expect:
    """Counts from the tables with plain SQL over the models' columns (so that times compare as stored)."""
    from sqlalchemy import and_, func, literal_column, or_, select

    from data_access import clock
    from data_access.config import settings
    from data_access.models import (
        OrderEvent,
        PointsAccount,
        PointsTransfer,
        Redemption,
        ServiceRecord,
        StoreGood,
        UserRole,
        Volunteer,
        VolunteerOrder,
        VolunteerTeam,
    )

    vo, v, vt, pt = VolunteerOrder, Volunteer, VolunteerTeam, PointsTransfer
    today = clock.local(now).date()
    start, end = date(today.year, 1, 1), today
    first_of_month = today.replace(day=1)
    month = f"{first_of_month - timedelta(days=1):%Y-%m}"
    since, until = clock.day_start(start), clock.day_end(end)
    hours = settings().volunteer.take_within_hours
    with engine.connect() as conn:
        def one(query) -> int:
            return int(conn.execute(query).scalar() or 0)

        def count(model, *where) -> int:
            return one(select(func.count()).select_from(model).where(*where))

        c = conn.execute(select(UserRole.community_id).where(UserRole.user_id == users["secretary"])).scalar_one()
        here = {"leader": [], "secretary": [v.community_id == c]}
        teams_here = {"leader": [], "secretary": [vt.community_id == c]}
        orders_here = {"leader": [], "secretary": [vo.community_id == c]}
        late = or_(and_(vo.step == 2, vo.dispatched_at < now - timedelta(hours=hours)), vo.take_minutes > hours * 60)
        orders = {"orders_leader": count(vo), "orders_open_leader": count(vo, vo.step.in_((1, 2, 3, 4))),
                  "orders_late_leader": count(vo, late), "orders_flagged_leader": count(vo, vo.flagged.is_(True)),
                  "orders_month_leader": count(vo, vo.step.in_((5, 6)), vo.signed_month == month),
                  "orders_secretary": count(vo, vo.community_id == c)}
        detail = conn.execute(select(OrderEvent.order_id).where(OrderEvent.community_id == c)
                              .group_by(OrderEvent.order_id).order_by(func.count().desc(), OrderEvent.order_id.desc())
                              .limit(1)).scalar_one()
        waiting = conn.execute(select(func.max(vo.id)).where(vo.community_id == c, vo.step == 1)).scalar_one()
        initial = func.substr(v.name, literal_column("1"), literal_column("1")).label("initial")
        surname = conn.execute(select(initial).where(v.community_id == c).group_by(initial)
                               .order_by(func.count().desc(), initial).limit(1)).scalar_one()
        phone = conn.execute(select(v.phone).where(v.community_id == c).order_by(v.id).limit(1)).scalar_one()
        digits = phone[-4:]
        found = [v.name.contains(digits), v.phone.endswith(digits)] + ([v.id == int(digits)] if int(digits) else [])
        me = conn.execute(select(v.id, v.team_id).where(v.user_id == users["volunteer"], v.active.is_(True))
                          ).one()
        balance = select(PointsAccount.balance).where(PointsAccount.holder == "volunteer",
                                                      PointsAccount.owner_id == me.id)
        accounts = select(PointsAccount.id, PointsAccount.owner_id).where(
            PointsAccount.holder == "volunteer", PointsAccount.community_id == c).subquery()
        moves = select(pt.source_id.label("account")).union_all(select(pt.target_id)).subquery()
        busiest = conn.execute(select(accounts.c.owner_id, accounts.c.id, func.count()).join(
            moves, moves.c.account == accounts.c.id).group_by(accounts.c.owner_id, accounts.c.id)
            .order_by(func.count().desc(), accounts.c.owner_id).limit(1)).one()
        goods = conn.execute(select(StoreGood.id).where(StoreGood.community_id == c)).scalars().all()
        return Expect(
            community_id=c, start=start, end=end, month=month,
            registered={who: count(v, v.active.is_(True), *w) for who, w in here.items()},
            teams={who: count(vt, vt.active.is_(True), *w) for who, w in teams_here.items()},
            requested={who: count(vo, vo.requested_at >= since, vo.requested_at < until, *w)
                       for who, w in orders_here.items()},
            hours_tenths={who: one(select(func.sum(vo.hours_tenths)).where(
                vo.signed_month >= f"{start:%Y-%m}", vo.signed_month <= f"{end:%Y-%m}", *w))
                for who, w in orders_here.items()},
            orders=orders, detail_order=detail, detail_events=count(OrderEvent, OrderEvent.order_id == detail),
            detail_service=count(ServiceRecord, ServiceRecord.order_id == detail), waiting_order=waiting,
            community_teams=count(vt, vt.community_id == c),
            active_community_teams=count(vt, vt.community_id == c, vt.active.is_(True)),
            volunteers=count(v, v.community_id == c), surname=surname,
            named=count(v, v.community_id == c, v.name.contains(surname)),
            named_active=count(v, v.community_id == c, v.active.is_(True), v.name.contains(surname)),
            digits=digits, phoned=count(v, v.community_id == c, or_(*found)),
            volunteer_id=me.id,
            open_orders=count(vo, vo.step.in_((2, 3, 4)), or_(vo.volunteer_id == me.id, and_(
                vo.team_id == select(vt.id).where(vt.leader_id == me.id, vt.active.is_(True)).limit(1)
                .scalar_subquery(), vo.volunteer_id.is_(None)))),
            points=one(balance), statement_volunteer=busiest.owner_id, statement_total=busiest[2],
            statement_balance=one(select(PointsAccount.balance).where(PointsAccount.id == busiest.id)),
            goods=len(goods),
            redeemed=one(select(func.sum(Redemption.quantity)).where(Redemption.community_id == c,
                                                                     Redemption.cancelled_at.is_(None))),
            redemptions=count(Redemption, Redemption.community_id == c),
            redemptions_today=count(Redemption, Redemption.community_id == c,
                                    Redemption.at >= clock.day_start(today), Redemption.at < clock.day_end(today)),
            users=users)


def calls(actors: dict, e: Expect) -> dict[str, Callable]:
    """Each view: a function of the engine that makes the call as the page makes it and returns what it read."""
    from data_access.volunteer import queries as q

    leader, secretary, volunteer = actors["leader"], actors["secretary"], actors["volunteer"]
    c = e.community_id

    def orders(who, **flt):
        return lambda eng: q.orders_page(eng, actor=who, flt=q.OrderFilter(**flt), offset=0, limit=PAGE_SIZE)

    def volunteers(search=None):
        return lambda eng: q.volunteers_page(eng, actor=secretary, flt=q.VolunteerFilter(community_ids=(c,),
                                                                                          search=search),
                                             offset=0, limit=PAGE_SIZE)

    return {
        "overview_leader": lambda eng: q.overview(eng, actor=leader, start=e.start, end=e.end),
        "overview_secretary": lambda eng: q.overview(eng, actor=secretary, community_ids=(c,), start=e.start,
                                                     end=e.end),
        "orders_leader": orders(leader),
        "orders_open_leader": orders(leader, step="open"),
        "orders_late_leader": orders(leader, late=True),
        "orders_flagged_leader": orders(leader, flagged=True),
        "orders_month_leader": orders(leader, step="signed", month=e.month),
        "orders_secretary": orders(secretary, community_ids=(c,)),
        "order_detail": lambda eng: q.order_detail(eng, actor=secretary, order_id=e.detail_order),
        "suggestions": lambda eng: q.suggestions(eng, actor=secretary, order_id=e.waiting_order),
        "volunteers_secretary": volunteers(),
        "volunteers_name": volunteers(e.surname),
        "volunteers_phone": volunteers(e.digits),
        "choices_name": lambda eng: q.volunteer_choices(eng, actor=secretary, community_id=c, search=e.surname,
                                                        limit=20),
        "teams": lambda eng: q.teams(eng, actor=secretary, community_id=c),
        "my_work": lambda eng: q.my_work(eng, actor=volunteer),
        "statement": lambda eng: q.statement(eng, actor=secretary, volunteer_id=e.statement_volunteer, offset=0,
                                             limit=20),
        "goods": lambda eng: q.goods(eng, actor=secretary, community_id=c),
        "redemptions_today": lambda eng: q.redemptions_page(eng, actor=secretary, community_id=c, day=e.end,
                                                            limit=200),
        "redemptions": lambda eng: q.redemptions_page(eng, actor=secretary, community_id=c, offset=0,
                                                      limit=PAGE_SIZE),
    }


def check(view: str, result, e: Expect) -> dict:
    """Fail unless the read returned what the tables hold; a few figures of it for the results."""
    if view.startswith("overview"):
        who = view.split("_")[1]
        ok = (result is not None and result.registered == e.registered[who] and result.teams == e.teams[who]
              and result.requested == e.requested[who] and round(result.hours * 10) == e.hours_tenths[who]
              and result.requested > 0 and not result.honour.empty and not result.hours_by_month.empty)
        shown = {} if result is None else {
            "registered": result.registered, "active": result.active, "teams": result.teams,
            "requested": result.requested, "hours": result.hours, "late_now": result.late_now,
            "flagged": result.flagged, "points_issued": result.points_issued,
            "points_redeemed": result.points_redeemed, "teams_with_hours": len(result.hours_by_team)}
    elif view.startswith("orders_"):
        frame, total = result
        ok = total == e.orders[view] and len(frame) == min(PAGE_SIZE, total) and total > 0
        if view == "orders_late_leader":
            ok = ok and bool(frame["late"].all())
        elif view == "orders_flagged_leader":
            ok = ok and bool(frame["flagged"].all())
        shown = {"total": total, "rows": len(frame)}
    elif view == "order_detail":
        ok = result is not None and len(result.events) == e.detail_events and len(result.service) == e.detail_service
        shown = {} if result is None else {"events": len(result.events), "service": len(result.service)}
    elif view == "suggestions":
        teams, people = result.teams, result.volunteers
        ok = len(teams) == min(8, e.active_community_teams) and 0 < len(people) <= 8
        shown = {"teams": len(teams), "volunteers": len(people), "fitting_teams": int(teams["fits"].sum()),
                 "fitting_volunteers": int(people["fits"].sum())}
    elif view.startswith("volunteers_"):
        frame, total = result
        wanted = {"volunteers_secretary": e.volunteers, "volunteers_name": e.named, "volunteers_phone": e.phoned}[view]
        ok = total == wanted and len(frame) == min(PAGE_SIZE, total) and total > 0
        shown = {"total": total, "rows": len(frame)}
    elif view == "choices_name":
        ok, shown = len(result) == min(20, e.named_active) and len(result) > 0, {"found": len(result)}
    elif view == "teams":
        ok = len(result) == e.community_teams and result["members"].astype(int).sum() > 0
        shown = {"teams": len(result), "members": int(result["members"].astype(int).sum()),
                 "open_orders": int(result["open_orders"].astype(int).sum())}
    elif view == "my_work":
        ok = (result is not None and result.volunteer_id == e.volunteer_id and result.points == e.points
              and len(result.open_orders) == min(100, e.open_orders))
        shown = {} if result is None else {"open_orders": len(result.open_orders), "recent": len(result.recent),
                                           "points": result.points, "hours": result.hours}
    elif view == "statement":
        frame, total, balance = result
        ok = total == e.statement_total and balance == e.statement_balance and len(frame) == min(20, total)
        shown = {"total": total, "rows": len(frame), "balance": balance}
    elif view == "goods":
        ok = len(result) == e.goods and int(result["redeemed"].astype(int).sum()) == e.redeemed and e.goods > 0
        shown = {"goods": len(result), "redeemed": int(result["redeemed"].astype(int).sum())}
    else:
        frame, total = result
        wanted, size = (e.redemptions_today, 200) if view == "redemptions_today" else (e.redemptions, PAGE_SIZE)
        ok = total == wanted and len(frame) == min(size, total) and (total > 0 or view == "redemptions_today")
        shown = {"total": total, "rows": len(frame)}
    if not ok:
        raise RuntimeError(f"volunteer {view} did not return the expected data: {shown}")
    return shown


def probes(db: str, e: Expect, actors: dict, repeat: int, recorder) -> dict:
    """Time every read (VIEWS): cold and warm samples, the SQL floor, what it returned."""
    from bench.measure import time_reads

    views = calls(actors, e)
    return time_reads("volunteer", {view: views[view] for view in VIEWS}, lambda view, result: check(view, result, e),
                      db, repeat, recorder)


def time_ledger_check(db: str, repeat: int, log) -> dict:
    """check_balances over the whole city on a new engine each time: its samples and the accounts it found wrong."""
    from bench.measure import time_city_check
    from data_access.volunteer.points import check_balances

    samples, wrong = time_city_check(url(db), repeat, check_balances)
    if wrong:
        raise RuntimeError(f"check_balances found {len(wrong)} accounts whose kept balance is not their sum: "
                           f"{wrong[:5]}")
    log(f"  volunteer check_balances (whole city) {median(samples):7.3f} s, every balance equals its transfers")
    return {"s": median(samples), "samples": [round(s, 4) for s in samples], "wrong": 0}


# --- pages ---------------------------------------------------------------------------------------------------

def page_state(view: str, e: Expect) -> dict:
    state = PAGES[view][2]
    return state(e) if callable(state) else dict(state)


def session(view: str, e: Expect):
    """A new AppTest session of the page, logged in, its state set."""
    from streamlit.testing.v1 import AppTest

    from bench.measure import quiet

    path, who, _ = PAGES[view]
    at = AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT_S)
    quiet()
    at.session_state["user_id"] = e.users[who]
    for key, value in page_state(view, e).items():
        at.session_state[key] = value
    return at


def check_page(view: str, at, e: Expect) -> None:
    """Fail unless the page rendered what the tables hold (not an error, a login prompt or an empty state)."""
    if at.exception:
        raise RuntimeError(f"{view}: {at.exception[0].value}")
    captions = " ".join(c.value for c in at.caption)
    if view.startswith("volunteer_overview"):
        who = "leader" if view == "volunteer_overview" else "secretary"
        ok = len(at.metric) >= 14 and at.metric[0].value.replace(",", "") == str(e.registered[who])
    elif view in ("volunteer_orders", "volunteer_orders_secretary"):
        total = e.orders["orders_leader" if view == "volunteer_orders" else "orders_secretary"]
        ok = bool(at.dataframe) and f"{total:,}" in captions
    elif view == "volunteer_orders_late":
        ok = bool(at.dataframe) and f"{e.orders['orders_late_leader']:,}" in captions
    elif view == "volunteer_orders_dispatch":
        ok = any(s.value.split(" · ")[0].endswith(f"{e.waiting_order:06d}") for s in at.subheader) \
            and bool(at.dataframe)
    elif view == "volunteer_volunteers":
        ok = bool(at.dataframe) and f"{e.volunteers:,}" in captions
    elif view == "volunteer_volunteers_search":
        ok = bool(at.dataframe) and f"{e.named:,}" in captions
    elif view == "volunteer_store":
        ok = any(len(df.value) == e.goods for df in at.dataframe)
    else:  # mine: the volunteer's name, hours and points
        ok = len(at.metric) >= 2 and f"{e.points:,}" in " ".join(m.value for m in at.metric)
    if not ok:
        raise RuntimeError(f"{view} did not render the expected content")


def time_page(view: str, e: Expect, repeat: int, log) -> dict:
    from bench.measure import clear_caches, timed

    cold, warm, data_cold = [], [], []
    for _ in range(repeat):
        clear_caches(resources=True)
        at = session(view, e)
        cold.append(timed(at.run))
        check_page(view, at, e)
        warm.append(timed(at.run))
        check_page(view, at, e)
    for _ in range(repeat):
        clear_caches(resources=False)
        at = session(view, e)
        data_cold.append(timed(at.run))
        check_page(view, at, e)
    log(f"  {view:<30} cold {median(cold):7.3f} s   warm {median(warm):6.3f} s   data_cold {median(data_cold):7.3f} s")
    return {"cold": cold, "warm": warm, "data_cold": data_cold}


def page_sql(recorder, view: str, e: Expect) -> list[tuple[str, tuple]]:
    """The statements a data-cold run of the page sends (the engine already open, the read cache empty)."""
    from bench.measure import clear_caches

    clear_caches(resources=False)
    at = session(view, e)
    recorder.statements, recorder.on = [], True
    at.run()
    recorder.on = False
    check_page(view, at, e)
    return recorder.statements


def measure(db: str, repeat: int) -> dict:
    from bench.measure import Recorder, configure, log, peak_rss_mb, time_floor

    configure(db)
    from sqlalchemy import text

    from data_access import clock
    from data_access.accounts import auth
    from data_access.config import settings
    from data_access.db import make_engine

    now = clock.now()
    engine = make_engine(url(db))
    with engine.connect() as conn:
        users = {name: id_ for name, id_ in conn.execute(text("select username, id from user_account")).all()
                 if name in USERS}
    e = expect(engine, users, now)
    actors = {name: auth.load_actor(engine, settings(), users[name]) for name in USERS}
    engine.dispose()
    log(f"Volunteer pages and reads: community #{e.community_id}, this year from {e.start}, month {e.month}, "
        f"median of {repeat}")
    pages, failed = {}, {}
    for view in PAGES:
        try:
            session(view, e).run()  # untimed: imports the page's modules once, as a running server has
            pages[view] = time_page(view, e, repeat, log)
        except Exception as error:  # noqa: BLE001 - a page that fails is reported, not timed
            failed[view] = f"{type(error).__name__}: {error}"[:300]
            log(f"  {view:<30} not timed: {failed[view]}")
    rss = peak_rss_mb()
    recorder = Recorder()
    floors = {}
    for view in list(pages):
        try:
            floors[view] = time_floor(view, page_sql(recorder, view, e), db, repeat)
        except Exception as error:  # noqa: BLE001
            failed[view] = f"{type(error).__name__}: {error}"[:300]
            pages.pop(view)
            log(f"  {view:<30} floor not taken: {failed[view]}")
    reads = probes(db, e, actors, repeat, recorder)
    ledger = time_ledger_check(db, repeat, log)
    expected = {k: v for k, v in vars(e).items() if k not in ("start", "end", "users")}
    return {
        "today": e.end.isoformat(), "year_from": e.start.isoformat(),
        "pages": {view: {"cold_s": median(p["cold"]), "warm_s": median(p["warm"]),
                         "sql_floor_s": median(floors[view]["total"]), "data_cold_s": median(p["data_cold"]),
                         "samples": {k: [round(s, 4) for s in v] for k, v in p.items()},
                         "floor_statements": floors[view]["statements"]} for view, p in pages.items()},
        "pages_failed": failed,
        "reads": {"views": reads, "expected": expected},
        "check_balances": ledger,
        "peak_rss_mb": rss,
        "peak_rss_after_reads_mb": peak_rss_mb(),
    }


# --- the results files ---------------------------------------------------------------------------------------

def checks(measured: dict) -> list[tuple[str, str, bool]]:
    """(target, measured, met): every page within COLD_MAX_S cold and WARM_MAX_S warm, and no page failed."""
    rows = []
    for view, p in measured["pages"].items():
        rows.append((f"{view} cold <= {COLD_MAX_S} s", f"{p['cold_s']:.3f} s", p["cold_s"] <= COLD_MAX_S))
        rows.append((f"{view} warm <= {WARM_MAX_S} s", f"{p['warm_s']:.3f} s", p["warm_s"] <= WARM_MAX_S))
    for view, error in measured["pages_failed"].items():
        rows.append((f"{view} renders", error, False))
    return rows


def table(measured: dict) -> str:
    lines = ["| volunteer target | measured | met |", "|---|---:|:---:|"]
    lines += [f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in checks(measured)]
    return "\n".join(lines)


def figures(measured: dict) -> tuple[dict, dict]:
    """The headline keys (for {scale}-{db}.json) and the details' keys."""
    keys = ("cold_s", "warm_s", "sql_floor_s")
    headline = {
        "volunteer_pages": {name: {k: p[k] for k in (*keys, "data_cold_s")} for name, p in measured["pages"].items()},
        "volunteer": {name: {k: r[k] for k in keys} for name, r in measured["reads"]["views"].items()},
        "volunteer_check_balances_s": measured["check_balances"]["s"]}
    details = {"volunteer": measured["reads"], "volunteer_pages": measured["pages"],
               "volunteer_pages_failed": measured["pages_failed"], "volunteer_today": measured["today"],
               "volunteer_check_balances": measured["check_balances"],
               "peak_rss_volunteer_mb": measured["peak_rss_mb"],
               "peak_rss_after_volunteer_reads_mb": measured["peak_rss_after_reads_mb"],
               "volunteer_checks": [{"target": t, "measured": m, "met": ok} for t, m, ok in checks(measured)]}
    return headline, details


def write(name: str, measured: dict, extra: dict) -> None:
    """Put the volunteer figures into bench/results/{name}.json and {name}-details.json (made if missing), keeping
    every other key."""
    result_path, details_path = RESULTS / f"{name}.json", RESULTS / f"{name}-details.json"
    result = json.loads(result_path.read_text(encoding="utf-8")) if result_path.exists() else {}
    details = json.loads(details_path.read_text(encoding="utf-8")) if details_path.exists() else {}
    headline, more = figures(measured)
    result.update(headline)
    details.update(more)
    details.update(extra)
    RESULTS.mkdir(exist_ok=True)
    result_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    details_path.write_text(json.dumps(details, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("db", help="a SQLite file or a database URL")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--write", default=None, metavar="NAME",
                        help="also put the figures into bench/results/NAME.json and NAME-details.json "
                             "(e.g. city-sqlite), keeping the other areas' figures")
    args = parser.parse_args()
    started = time.perf_counter()
    db = locate(args.db)
    measured = measure(db, args.repeat)
    if args.write:
        import os

        from bench import report
        from bench.__main__ import volunteer_extra
        from bench.measure import log

        write(args.write, measured, {**volunteer_extra(args, db, {"after_volunteer": os.getloadavg()[0]}, started),
                                     "volunteer_machine": report.machine()})
        log(f"\n{table(measured)}\n")
    print(json.dumps(measured))


if __name__ == "__main__":
    main()
