"""The estate funds' reads (and pages, once they exist), timed as bench.volunteer_measure times volunteer service's.

Runs in its own process (`python -m bench.fund_measure DB --repeat N`, started by `python -m bench`) so that its peak
RSS is its own and GONGZHI_DATABASE_URL is set before any app module reads the settings. Prints one JSON object on
stdout; with `--write city-sqlite` it also puts its figures into bench/results/city-sqlite.json and its details file
(the keys `fund`, `fund_pages` and `fund_check_balances_s`, and `fund*` in the details), keeping the other areas'
figures, as `python -m bench --only fund` does.

Reads (VIEWS), the functions the fund's pages call (data_access.fund.queries), called directly:
- overview_leader / overview_secretary / overview_comanager: `overview` of this year for `leader` (every fund of the
  city), `secretary` (community #1's funds) and the co-manager `recorder` (the one fund they co-manage);
- statement_quarter / statement_to_date: `statement` of the co-manager's fund for the last quarter that ended and for
  this one so far (截至今日), as `secretary`; statement_busiest: the statement of the fund and ended quarter with
  the most entries and payments in the city, as `leader`;
- funds_leader / funds_secretary / funds_comanager: `funds` (the list and the pickers);
- income / income_last: the first and the last page of 50 of the co-manager's fund's income (as `secretary`);
- requests / requests_pending: the first page of its requests, of all of them and of the pending ones;
- request_record: community #1's paid request with the longest timeline, as `secretary`; request_to_sign: the
  pending request of the co-manager's fund that waits for the co-manager's signature (or its newest pending), as
  `recorder`.

Pages (PAGES), rendered by AppTest as bench.measure defines cold, warm, data cold and the SQL floor: the fund's
overview as `leader` and as `secretary`, its statement as `secretary`, funds, income and spending as `secretary`, and
spending as the co-manager `recorder`. A page whose file is not there yet is left out (`pages_missing`); one that
fails is reported in `pages_failed`, not timed.

Then `bench.fund.wrong_balances` over the city (every kept balance against opening + income - payments, and no
balance below zero on any day), timed `repeat` times on a new engine: a check, not a page's read.

cold: a new engine (empty SQLite page cache, the OS file cache warm), then the call; warm: the same call again;
sql_floor: the SELECT statements of a warm call replayed on a raw connection (bench.measure.time_floor). Each figure
is the median of `repeat` samples; each result is checked against counts taken directly from the tables (the
overview's waiting, large and ready requests against a recount of every pending request's signatures and co-managers
in plain SQL), so an empty or wrong answer fails the benchmark rather than being timed.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

from bench.database import locate, url
from bench.measure import median

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
PAGES: dict[str, tuple[str, str]] = {  # view: (page, user)
    "fund_overview": ("pages/fund/overview.py", "leader"),
    "fund_overview_secretary": ("pages/fund/overview.py", "secretary"),
    "fund_statement": ("pages/fund/statement.py", "secretary"),
    "fund_funds": ("pages/fund/funds.py", "secretary"),
    "fund_income": ("pages/fund/income.py", "secretary"),
    "fund_spending": ("pages/fund/spending.py", "secretary"),
    "fund_spending_comanager": ("pages/fund/spending.py", "recorder")}
VIEWS = ("overview_leader", "overview_secretary", "overview_comanager", "statement_quarter", "statement_to_date",
         "statement_busiest", "funds_leader", "funds_secretary", "funds_comanager", "income", "income_last",
         "requests", "requests_pending", "request_record", "request_to_sign")
USERS = ("leader", "secretary", "recorder")
PAGE_SIZE = 50
TIMEOUT_S = 600
COLD_MAX_S, WARM_MAX_S = 1.0, 0.2  # issue 17: the overview and the statement of the city's 1,000 funds


@dataclass
class Expect:
    """What the reads must return, counted directly from the tables."""

    today: date
    year: int
    community_id: int
    fund_id: int  # the co-manager's fund (community #1)
    quarter: tuple[int, int]  # the last quarter that ended
    current: tuple[int, int]
    busiest: tuple[int, int, int]  # fund, year, quarter
    funds: dict[str, int]  # who -> funds they see
    balance: dict[str, int]  # who -> the sum of their funds' balances
    income_year: dict[str, int]  # who -> this year's income of their funds
    spending_year: dict[str, int]  # who -> this year's payments
    waiting: dict[str, int]  # who -> pending requests short of signatures
    large: dict[str, int]  # who -> pending requests needing a council decision not in place
    to_pay: dict[str, int]  # who -> pending requests whose rule is met
    statements: dict[str, dict]  # view -> entries, payments, income, spending, closing
    income_total: int
    requests_total: int
    pending_total: int
    record: int  # the paid request with the longest timeline
    record_events: int
    record_signatures: int
    to_sign: int
    to_sign_events: int
    users: dict[str, int] = field(default_factory=dict)


def _quarter_days(year: int, quarter: int) -> tuple[date, date]:
    first = date(year, 3 * quarter - 2, 1)
    following = date(year + 1, 1, 1) if quarter == 4 else date(year, 3 * quarter + 1, 1)
    return first, date.fromordinal(following.toordinal() - 1)


def recount(conn, funds: list[int] | None, today: date) -> dict[str, int]:  # noqa: ANN001
    """Pending requests of `funds` (None: every fund) short of signatures, waiting for a council decision, and ready
    to pay, recounted from the rows: the co-managers who count today (their row active, their council membership
    running) other than the requester; approvals by them; a decision of the fund's council, passed, its notice over."""
    from sqlalchemy import text

    where = "" if funds is None else f" AND r.fund_id IN ({', '.join(str(int(f)) for f in funds) or 'NULL'})"
    pending = conn.execute(text(
        "SELECT r.id, r.fund_id, r.requester_id, r.approvals_needed, r.needs_decision, d.council_id, d.status, "
        "d.notice_end, f.council_id FROM fund_request r JOIN fund f ON f.id = r.fund_id "
        f"LEFT JOIN council_decision d ON d.id = r.decision_id WHERE r.status = 'pending'{where}")).all()
    counting = defaultdict(set)
    for fund_id, user_id in conn.execute(text(
            "SELECT m.fund_id, m.user_id FROM fund_manager m JOIN council_member c ON c.id = m.member_id "
            "WHERE m.active = :yes AND c.active = :yes AND (c.term_end IS NULL OR c.term_end >= :today)"),
            {"yes": True, "today": today}):
        counting[fund_id].add(user_id)
    approved = defaultdict(set)
    for request_id, user_id in conn.execute(text(
            "SELECT s.request_id, s.user_id FROM fund_signature s JOIN fund_request r ON r.id = s.request_id "
            "WHERE r.status = 'pending' AND s.choice = 'approve'")):
        approved[request_id].add(user_id)
    found = {"waiting": 0, "large": 0, "to_pay": 0}
    for rid, fund_id, requester, needed, needs_decision, council, status, notice_end, fund_council in pending:
        eligible = counting[fund_id] - {requester}
        needed = len(eligible) if needed is None else needed
        short = max(needed - len(approved[rid] & eligible), 0)
        notice_end = date.fromisoformat(notice_end) if isinstance(notice_end, str) else notice_end
        decided = council == fund_council and status == "passed" and notice_end is not None and notice_end < today
        found["waiting"] += short > 0
        found["large"] += bool(needs_decision) and not decided
        found["to_pay"] += needed > 0 and short == 0 and (decided or not needs_decision)
    return found


def expect(engine, users: dict[str, int], now: datetime) -> Expect:
    """Counts from the tables with plain SQL."""
    from sqlalchemy import func, select, text

    from data_access import clock
    from data_access.models import Fund, FundEvent, FundIncome, FundManager, FundRequest, FundSignature, UserRole

    today = clock.local(now).date()
    year, quarter = today.year, (today.month - 1) // 3 + 1
    last = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    with engine.connect() as conn:
        def one(query) -> int:
            return int(conn.execute(query).scalar() or 0)

        c = conn.execute(select(UserRole.community_id).where(UserRole.user_id == users["secretary"])).scalar_one()
        own = conn.execute(select(FundManager.fund_id).where(FundManager.user_id == users["recorder"],
                                                             FundManager.active.is_(True))
                           .order_by(FundManager.fund_id)).scalars().all()
        scopes = {"leader": None, "secretary": conn.execute(select(Fund.id).where(Fund.community_id == c))
                  .scalars().all(), "recorder": own}

        def within(column, who):
            return [] if scopes[who] is None else [column.in_(scopes[who])]

        first, end = date(year, 1, 1), date(year, 12, 31)
        figures = {who: recount(conn, scopes[who], today) for who in scopes}
        statements = {}
        fund_id = own[0]
        moves = select(FundIncome.fund_id.label("fund_id"), FundIncome.received_on.label("day"),
                       FundIncome.amount_fen.label("fen")).union_all(
            select(FundRequest.fund_id, FundRequest.paid_on, -FundRequest.amount_fen)
            .where(FundRequest.status == "paid")).subquery()
        busy = conn.execute(text(
            "SELECT fund_id, y, q FROM (SELECT fund_id, CAST(strftime('%Y', received_on) AS INTEGER) AS y, "
            "(CAST(strftime('%m', received_on) AS INTEGER) + 2) / 3 AS q FROM fund_income UNION ALL "
            "SELECT fund_id, CAST(strftime('%Y', paid_on) AS INTEGER), (CAST(strftime('%m', paid_on) AS INTEGER) + 2) "
            "/ 3 FROM fund_request WHERE status = 'paid') AS m WHERE y * 4 + q < :now GROUP BY fund_id, y, q "
            "ORDER BY count(*) DESC, fund_id LIMIT 1" if engine.dialect.name == "sqlite" else
            "SELECT fund_id, y, q FROM (SELECT fund_id, extract(year FROM received_on)::int AS y, "
            "extract(quarter FROM received_on)::int AS q FROM fund_income UNION ALL SELECT fund_id, "
            "extract(year FROM paid_on)::int, extract(quarter FROM paid_on)::int FROM fund_request "
            "WHERE status = 'paid') AS m WHERE y * 4 + q < :now GROUP BY fund_id, y, q "
            "ORDER BY count(*) DESC, fund_id LIMIT 1"), {"now": year * 4 + quarter}).one()
        for view, (fid, (y, q)) in {"statement_quarter": (fund_id, last), "statement_to_date": (fund_id,
                                                                                                 (year, quarter)),
                                    "statement_busiest": (busy[0], (busy[1], busy[2]))}.items():
            a, b = _quarter_days(y, q)
            b = min(b, today)
            opening = one(select(Fund.opening_fen).where(Fund.id == fid))
            statements[view] = {
                "entries": one(select(func.count()).select_from(FundIncome).where(
                    FundIncome.fund_id == fid, FundIncome.received_on >= a, FundIncome.received_on <= b)),
                "payments": one(select(func.count()).select_from(FundRequest).where(
                    FundRequest.fund_id == fid, FundRequest.status == "paid", FundRequest.paid_on >= a,
                    FundRequest.paid_on <= b)),
                "income": one(select(func.sum(FundIncome.amount_fen)).where(
                    FundIncome.fund_id == fid, FundIncome.received_on >= a, FundIncome.received_on <= b)),
                "spending": one(select(func.sum(FundRequest.amount_fen)).where(
                    FundRequest.fund_id == fid, FundRequest.status == "paid", FundRequest.paid_on >= a,
                    FundRequest.paid_on <= b)),
                "closing": opening + one(select(func.sum(moves.c.fen)).where(moves.c.fund_id == fid,
                                                                             moves.c.day <= b)),
                "fund": fid, "year": y, "quarter": q}
        events = (select(FundEvent.request_id, func.count().label("n")).join(
            FundRequest, FundRequest.id == FundEvent.request_id).where(
            FundRequest.community_id == c, FundRequest.status == "paid").group_by(FundEvent.request_id)
            .order_by(func.count().desc(), FundEvent.request_id).limit(1))
        record, record_events = conn.execute(events).one()
        mine = conn.execute(select(FundRequest.id).where(
            FundRequest.fund_id == fund_id, FundRequest.status == "pending", FundRequest.requester_id != users[
                "recorder"], ~FundRequest.id.in_(select(FundSignature.request_id).where(
                    FundSignature.user_id == users["recorder"]))).order_by(FundRequest.id.desc()).limit(1)).scalar()
        mine = mine or conn.execute(select(func.max(FundRequest.id)).where(
            FundRequest.fund_id == fund_id, FundRequest.status == "pending")).scalar()
        return Expect(
            today=today, year=year, community_id=c, fund_id=fund_id, quarter=last, current=(year, quarter),
            busiest=tuple(busy),
            funds={who: one(select(func.count()).select_from(Fund).where(*within(Fund.id, who))) for who in scopes},
            balance={who: one(select(func.sum(Fund.balance_fen)).where(*within(Fund.id, who))) for who in scopes},
            income_year={who: one(select(func.sum(FundIncome.amount_fen)).where(
                FundIncome.received_on >= first, FundIncome.received_on <= end, *within(FundIncome.fund_id, who)))
                for who in scopes},
            spending_year={who: one(select(func.sum(FundRequest.amount_fen)).where(
                FundRequest.status == "paid", FundRequest.paid_on >= first, FundRequest.paid_on <= end,
                *within(FundRequest.fund_id, who))) for who in scopes},
            waiting={who: f["waiting"] for who, f in figures.items()},
            large={who: f["large"] for who, f in figures.items()},
            to_pay={who: f["to_pay"] for who, f in figures.items()},
            statements=statements,
            income_total=one(select(func.count()).select_from(FundIncome).where(FundIncome.fund_id == fund_id)),
            requests_total=one(select(func.count()).select_from(FundRequest).where(FundRequest.fund_id == fund_id)),
            pending_total=one(select(func.count()).select_from(FundRequest).where(
                FundRequest.fund_id == fund_id, FundRequest.status == "pending")),
            record=record, record_events=record_events,
            record_signatures=one(select(func.count()).select_from(FundSignature).where(
                FundSignature.request_id == record)),
            to_sign=mine, to_sign_events=one(select(func.count()).select_from(FundEvent).where(
                FundEvent.request_id == mine)),
            users=users)


def calls(actors: dict, e: Expect) -> dict:
    """Each view: a function of the engine that makes the call as the page makes it and returns what it read."""
    from data_access.fund import queries as q

    leader, secretary, recorder = actors["leader"], actors["secretary"], actors["recorder"]
    last_page = (e.income_total - 1) // PAGE_SIZE * PAGE_SIZE

    def statement(view, who):
        s = e.statements[view]
        return lambda eng: q.statement(eng, actor=who, fund_id=s["fund"], year=s["year"], quarter=s["quarter"],
                                       today=e.today)

    return {
        "overview_leader": lambda eng: q.overview(eng, actor=leader, year=e.year, today=e.today),
        "overview_secretary": lambda eng: q.overview(eng, actor=secretary, year=e.year, today=e.today),
        "overview_comanager": lambda eng: q.overview(eng, actor=recorder, year=e.year, today=e.today),
        "statement_quarter": statement("statement_quarter", secretary),
        "statement_to_date": statement("statement_to_date", secretary),
        "statement_busiest": statement("statement_busiest", leader),
        "funds_leader": lambda eng: q.funds(eng, actor=leader, today=e.today),
        "funds_secretary": lambda eng: q.funds(eng, actor=secretary, today=e.today),
        "funds_comanager": lambda eng: q.funds(eng, actor=recorder, today=e.today),
        "income": lambda eng: q.income(eng, actor=secretary, fund_id=e.fund_id, offset=0, limit=PAGE_SIZE,
                                       today=e.today),
        "income_last": lambda eng: q.income(eng, actor=secretary, fund_id=e.fund_id, offset=last_page,
                                            limit=PAGE_SIZE, today=e.today),
        "requests": lambda eng: q.requests(eng, actor=secretary, fund_id=e.fund_id, offset=0, limit=PAGE_SIZE,
                                           today=e.today),
        "requests_pending": lambda eng: q.requests(eng, actor=secretary, fund_id=e.fund_id, status="pending",
                                                   offset=0, limit=PAGE_SIZE, today=e.today),
        "request_record": lambda eng: q.request_record(eng, actor=secretary, request_id=e.record, today=e.today),
        "request_to_sign": lambda eng: q.request_record(eng, actor=recorder, request_id=e.to_sign, today=e.today),
    }


def check(view: str, result, e: Expect) -> dict:
    """Fail unless the read returned what the tables hold; a few figures of it for the results."""
    if view.startswith("overview"):
        who = {"leader": "leader", "secretary": "secretary", "comanager": "recorder"}[view.split("_")[1]]
        income = sum(r["amount_fen"] for r in result["income"])
        spending = sum(r["amount_fen"] for r in result["spending"])
        shown = {"funds": result["funds"], "balance_fen": result["balance_fen"], "income_fen": income,
                 "spending_fen": spending, "waiting": len(result["waiting"]), "large": len(result["large"]),
                 "to_pay": len(result["to_pay"])}
        ok = (result["funds"] == e.funds[who] and result["balance_fen"] == e.balance[who]
              and income == e.income_year[who] and spending == e.spending_year[who]
              and len(result["waiting"]) == e.waiting[who] and len(result["large"]) == e.large[who]
              and len(result["to_pay"]) == e.to_pay[who] and result["funds"] > 0 and income > 0)
    elif view.startswith("statement"):
        s = e.statements[view]
        shown = {"fund": result.fund["id"], "quarter": f"{result.year}Q{result.quarter}",
                 "to_date": result.to_date, "opening_fen": result.opening_fen, "income_fen": result.income_fen,
                 "spending_fen": result.spending_fen, "closing_fen": result.closing_fen,
                 "entries": len(result.income), "payments": len(result.payments)}
        ok = (len(result.income) == s["entries"] and len(result.payments) == s["payments"]
              and result.income_fen == s["income"] and result.spending_fen == s["spending"]
              and result.closing_fen == s["closing"]
              and result.opening_fen + result.income_fen - result.spending_fen == result.closing_fen
              and result.to_date == (view == "statement_to_date") and s["entries"] > 0
              and all(p["approved_by"] for p in result.payments))
    elif view.startswith("funds"):
        who = {"leader": "leader", "secretary": "secretary", "comanager": "recorder"}[view.split("_")[1]]
        shown = {"funds": len(result), "balance_fen": sum(f["balance_fen"] for f in result),
                 "open_requests": sum(f["open_requests"] for f in result)}
        ok = len(result) == e.funds[who] and shown["balance_fen"] == e.balance[who] and len(result) > 0
    elif view.startswith("income"):
        rows, total = result
        size = min(PAGE_SIZE, total) if view == "income" else total - (total - 1) // PAGE_SIZE * PAGE_SIZE
        shown = {"total": total, "rows": len(rows), "files": sum(len(r["files"]) for r in rows)}
        ok = total == e.income_total and len(rows) == size and total > 0
    elif view.startswith("requests"):
        rows, total = result
        wanted = e.pending_total if view == "requests_pending" else e.requests_total
        shown = {"total": total, "rows": len(rows)}
        ok = total == wanted and len(rows) == min(PAGE_SIZE, total) and (total > 0 or view == "requests_pending")
    else:
        wanted = e.record if view == "request_record" else e.to_sign
        events = e.record_events if view == "request_record" else e.to_sign_events
        shown = {"request": result["request"].id, "status": result["request"].status,
                 "signatures": len(result["signatures"]), "timeline": len(result["timeline"]),
                 "files": len(result["files"]) + len(result["payment_files"]),
                 "waiting_for": len(result["waiting_for"]), "may_sign": result["may_sign"]}
        ok = result["request"].id == wanted and len(result["timeline"]) == events
        if view == "request_record":
            ok = ok and len(result["signatures"]) == e.record_signatures and result["paid_by"] is not None
    if not ok:
        raise RuntimeError(f"fund {view} did not return the expected data: {shown}")
    return shown


def probes(db: str, e: Expect, actors: dict, repeat: int, recorder) -> dict:
    """Time every read (VIEWS): cold and warm samples, the SQL floor, what it returned."""
    from bench.measure import time_reads

    views = calls(actors, e)
    return time_reads("fund", {view: views[view] for view in VIEWS}, lambda view, result: check(view, result, e),
                      db, repeat, recorder)


def time_balance_check(db: str, repeat: int, log) -> dict:
    """bench.fund.wrong_balances over the whole city on a new engine each time: its samples and what it found."""
    from bench.fund import wrong_balances
    from bench.measure import time_city_check

    samples, wrong = time_city_check(url(db), repeat, wrong_balances)
    if wrong:
        raise RuntimeError(f"{len(wrong)} funds' balances are wrong (fund, balance, expected): {wrong[:5]}")
    log(f"  fund wrong_balances (whole city) {median(samples):7.3f} s, every balance equals its entries, none below 0")
    return {"s": median(samples), "samples": [round(s, 4) for s in samples], "wrong": 0}


# --- pages ---------------------------------------------------------------------------------------------------

def session(view: str, e: Expect):
    """A new AppTest session of the page, logged in."""
    from streamlit.testing.v1 import AppTest

    from bench.measure import quiet

    path, who = PAGES[view]
    at = AppTest.from_file(str(ROOT / path), default_timeout=TIMEOUT_S)
    quiet()
    at.session_state["user_id"] = e.users[who]
    return at


def check_page(view: str, at) -> None:
    """Fail on an exception, a login prompt or an empty state: a page must show figures (metrics), a table, or (the
    statement) its sheet with amounts in it."""
    if at.exception:
        raise RuntimeError(f"{view}: {at.exception[0].value}")
    sheets = [h for h in at.get("html") if "¥" in h.proto.body]
    if not (at.metric or at.dataframe or at.table or sheets):
        raise RuntimeError(f"{view} rendered no figure, no table and no sheet")


def time_page(view: str, e: Expect, repeat: int, log) -> dict:
    from bench.measure import clear_caches, timed

    cold, warm, data_cold = [], [], []
    for _ in range(repeat):
        clear_caches(resources=True)
        at = session(view, e)
        cold.append(timed(at.run))
        check_page(view, at)
        warm.append(timed(at.run))
        check_page(view, at)
    for _ in range(repeat):
        clear_caches(resources=False)
        at = session(view, e)
        data_cold.append(timed(at.run))
        check_page(view, at)
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
    check_page(view, at)
    return recorder.statements


def time_pages(db: str, e: Expect, repeat: int, recorder, log) -> tuple[dict, dict, list[str]]:
    """The pages that exist: their samples and floors, those that failed, those not there yet."""
    from bench.measure import time_floor

    pages, failed = {}, {}
    missing = [view for view, (path, _) in PAGES.items() if not (ROOT / path).exists()]
    for view in PAGES:
        if view in missing:
            continue
        try:
            session(view, e).run()  # untimed: imports the page's modules once, as a running server has
            pages[view] = time_page(view, e, repeat, log)
            pages[view]["floor"] = time_floor(view, page_sql(recorder, view, e), db, repeat)
        except Exception as error:  # noqa: BLE001 - a page that fails is reported, not timed
            failed[view] = f"{type(error).__name__}: {error}"[:300]
            pages.pop(view, None)
            log(f"  {view:<30} not timed: {failed[view]}")
    return pages, failed, missing


def measure(db: str, repeat: int) -> dict:
    from bench.measure import Recorder, configure, log, peak_rss_mb

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
    log(f"Fund reads: {e.funds['leader']:,} funds; community #{e.community_id}, the co-manager's fund #{e.fund_id}, "
        f"this year {e.year}, the last quarter {e.quarter[0]}Q{e.quarter[1]}; median of {repeat}")
    recorder = Recorder()
    reads = probes(db, e, actors, repeat, recorder)
    rss = peak_rss_mb()
    balances = time_balance_check(db, repeat, log)
    pages, failed, missing = time_pages(db, e, repeat, recorder, log)
    expected = {k: v for k, v in vars(e).items() if k not in ("users",)}
    expected.update(today=e.today.isoformat())
    return {
        "today": e.today.isoformat(),
        "reads": {"views": reads, "expected": expected},
        "pages": {view: {"cold_s": median(p["cold"]), "warm_s": median(p["warm"]),
                         "sql_floor_s": median(p["floor"]["total"]), "data_cold_s": median(p["data_cold"]),
                         "samples": {k: [round(s, 4) for s in p[k]] for k in ("cold", "warm", "data_cold")},
                         "floor_statements": p["floor"]["statements"]} for view, p in pages.items()},
        "pages_failed": failed, "pages_missing": missing,
        "check_balances": balances,
        "peak_rss_mb": rss,
        "peak_rss_after_pages_mb": peak_rss_mb(),
    }


# --- the results files ---------------------------------------------------------------------------------------

def checks(measured: dict) -> list[tuple[str, str, bool]]:
    """(target, measured, met): every read and page within COLD_MAX_S cold and WARM_MAX_S warm, no page failed."""
    rows = []
    timed = {**{f"read {name}": r for name, r in measured["reads"]["views"].items()}, **measured["pages"]}
    for view, p in timed.items():
        rows.append((f"{view} cold <= {COLD_MAX_S} s", f"{p['cold_s']:.3f} s", p["cold_s"] <= COLD_MAX_S))
        rows.append((f"{view} warm <= {WARM_MAX_S} s", f"{p['warm_s']:.3f} s", p["warm_s"] <= WARM_MAX_S))
    for view, error in measured["pages_failed"].items():
        rows.append((f"{view} renders", error, False))
    return rows


def table(measured: dict) -> str:
    lines = ["| fund target | measured | met |", "|---|---:|:---:|"]
    lines += [f"| {t} | {m} | {'yes' if ok else '**no**'} |" for t, m, ok in checks(measured)]
    return "\n".join(lines)


def figures(measured: dict) -> tuple[dict, dict]:
    """The headline keys (for {scale}-{db}.json) and the details' keys."""
    keys = ("cold_s", "warm_s", "sql_floor_s")
    headline = {
        "fund": {name: {k: r[k] for k in keys} for name, r in measured["reads"]["views"].items()},
        "fund_pages": {name: {k: p[k] for k in (*keys, "data_cold_s")} for name, p in measured["pages"].items()},
        "fund_check_balances_s": measured["check_balances"]["s"]}
    details = {"fund": measured["reads"], "fund_pages": measured["pages"],
               "fund_pages_failed": measured["pages_failed"], "fund_pages_missing": measured["pages_missing"],
               "fund_today": measured["today"], "fund_check_balances": measured["check_balances"],
               "peak_rss_fund_mb": measured["peak_rss_mb"],
               "peak_rss_after_fund_pages_mb": measured["peak_rss_after_pages_mb"],
               "fund_checks": [{"target": t, "measured": m, "met": ok} for t, m, ok in checks(measured)]}
    return headline, details


def write(name: str, measured: dict, extra: dict) -> None:
    """Put the fund figures into bench/results/{name}.json and {name}-details.json (made if missing), keeping every
    other key."""
    result_path, details_path = RESULTS / f"{name}.json", RESULTS / f"{name}-details.json"
    result = json.loads(result_path.read_text(encoding="utf-8")) if result_path.exists() else {}
    details = json.loads(details_path.read_text(encoding="utf-8")) if details_path.exists() else {}
    headline, more = figures(measured)
    result.update(headline)
    details.update(more)
    details.update(extra)
    RESULTS.mkdir(exist_ok=True)
    result_path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    details_path.write_text(json.dumps(details, indent=2, ensure_ascii=False, default=str) + "\n", encoding="utf-8")


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
        from bench.__main__ import fund_extra
        from bench.measure import log

        write(args.write, measured, {**fund_extra(args, db, {"after_fund": os.getloadavg()[0]}, started),
                                     "fund_machine": report.machine()})
        log(f"\n{table(measured)}\n")
    print(json.dumps(measured, default=str))


if __name__ == "__main__":
    main()
