"""The estate public-welfare funds' figures of the leadership briefing, for a period of whole months and a scope: the
funds and their balance today, the income received and the spending paid in the period (each with 环比 and 同比), and,
as of today, the requests waiting for co-managers' signatures, the requests ready to pay and the large spending
waiting for a council decision.

Each figure is defined as the fund overview (data_access.fund.queries.overview) defines it, but read in SQL for the
whole scope: the period's sums in one pass over each table's (community, day) index, and the open requests weighed
against their rule with their approvals and co-managers counted in the database, so that a city of funds is a few
index scans rather than a request at a time. A test checks that both reads agree.

Scope: the communities where the actor holds "fund.read" (a co-manager's own funds are not a briefing's).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import Engine, and_, case, exists, func, select

from data_access.briefing.service import Figure, first_day
from data_access.db import reading
from data_access.fund.access import READ, member_counts
from data_access.models import CouncilDecision, CouncilMember, Fund, FundIncome, FundManager, FundRequest, FundSignature
from data_access.service.kpis import month_end
from data_access.sql import within
from domain.access import Actor, scope
from domain.briefing.changes import Change, Period, change

FI, FR, FS, FM, CM, CD = FundIncome, FundRequest, FundSignature, FundManager, CouncilMember, CouncilDecision


@dataclass(frozen=True)
class FundFigures:
    funds: int
    balance_fen: int   # today
    income: Figure     # fen received in the period (a reversal counts negative); 环比, 同比 (more is good)
    spending: Figure   # fen paid in the period; 环比, 同比 (neither good nor bad)
    waiting: int       # open requests still short of approvals, today
    to_pay: int        # open requests whose rule is met, today
    large: int         # open requests needing a council decision not yet in place, today


def _days(period: Period) -> tuple[date, date]:
    return first_day(period.first), month_end(first_day(period.last))


def _sums(session, model, day, ids, spans: list[tuple[date, date]], *conditions) -> list[int]:
    """The sum of `model.amount_fen` over each span of days (by `day`), in one pass over the rows of all spans."""
    low, high = min(a for a, _ in spans), max(b for _, b in spans)
    row = session.execute(select(*(func.coalesce(func.sum(case((and_(day >= a, day <= b), model.amount_fen),
                                                                else_=0)), 0) for a, b in spans))
                          .where(*within(model.community_id, ids), day >= low, day <= high, *conditions)).one()
    return [int(value) for value in row]


def figures(engine: Engine, period: Period, community_ids: tuple[int, ...] | None, *, actor: Actor,
            today: date) -> FundFigures:
    """The fund figures of the period over the communities (None: every one where the actor holds fund.read)."""
    allowed = scope(actor, READ)
    chosen = None if community_ids is None else set(community_ids)
    if allowed.everything:
        ids = None if chosen is None else tuple(sorted(chosen))
    else:
        ids = tuple(sorted(allowed.communities if chosen is None else allowed.communities & chosen))
    periods = [period, period.previous(), period.last_year()]
    spans = [_days(p) for p in periods]
    with reading(engine) as session:
        funds, balance = session.execute(select(func.count(), func.coalesce(func.sum(Fund.balance_fen), 0))
                                         .where(*within(Fund.community_id, ids))).one()
        income = _sums(session, FI, FI.received_on, ids, spans)
        spending = _sums(session, FR, FR.paid_on, ids, spans, FR.status == "paid")
        counting = member_counts(today)
        approved = (select(func.count()).select_from(FS)
                    .join(FM, and_(FM.fund_id == FR.fund_id, FM.user_id == FS.user_id))
                    .join(CM, CM.id == FM.member_id)
                    .where(FS.request_id == FR.id, FS.choice == "approve", FS.user_id != FR.requester_id, counting)
                    .correlate(FR).scalar_subquery())
        eligible = (select(func.count()).select_from(FM).join(CM, CM.id == FM.member_id)
                    .where(FM.fund_id == FR.fund_id, FM.user_id != FR.requester_id, counting)
                    .correlate(FR).scalar_subquery())
        decided = exists().where(CD.id == FR.decision_id, CD.council_id == Fund.council_id, CD.status == "passed",
                                 CD.notice_end < today)
        rows = session.execute(
            select(func.coalesce(FR.approvals_needed, eligible), approved, FR.needs_decision, decided)
            .join(Fund, Fund.id == FR.fund_id)
            .where(*within(FR.community_id, ids), FR.status == "pending")).all()
    waiting = to_pay = large = 0
    for needed, signed, needs_decision, decision_ok in rows:
        short = max(int(needed) - int(signed), 0)
        waiting += short > 0
        to_pay += int(needed) > 0 and short == 0 and (bool(decision_ok) or not needs_decision)
        large += bool(needs_decision) and not decision_ok
    compared = [
        Figure("income", income[0], False, "up", change(income[0], income[1], rate=False, better="up"),
               change(income[0], income[2], rate=False, better="up")),
        Figure("spending", spending[0], False, "up", _neutral(change(spending[0], spending[1], rate=False,
                                                                      better="up")),
               _neutral(change(spending[0], spending[2], rate=False, better="up")))]
    return FundFigures(funds=int(funds), balance_fen=int(balance), income=compared[0], spending=compared[1],
                       waiting=waiting, to_pay=to_pay, large=large)


def _neutral(moved: Change) -> Change:
    """Spending moves neither well nor badly: shown without the colour of good or bad."""
    return replace(moved, good=None)
