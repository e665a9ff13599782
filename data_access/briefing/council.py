"""The resident council's figures of the leadership briefing, for a period of whole months and a scope: meetings
held by kind (三会一评), decisions passed, decisions found carried out at a review, each with 环比 and 同比; and, as
of today, decisions in public notice and decisions overdue.

Scope: where the actor holds "council.read".
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Engine, func, select

from data_access.briefing.service import Figure, first_day
from data_access.council.queries import in_notice_on, overdue_on
from data_access.db import reading
from data_access.models import CouncilDecision, CouncilMeeting
from data_access.service.kpis import month_end
from data_access.sql import count_if, within
from domain.access import Actor, scope
from domain.briefing.changes import Change, Period, change

# key, which way is better; the last two are as of today and are not compared
FIGURES = (("meetings", "up"), ("passed", "up"), ("carried_out", "up"), ("in_notice", "up"), ("overdue", "down"))


def _between(column, period: Period) -> list:
    return [column >= first_day(period.first), column <= month_end(first_day(period.last))]


def _counts(engine: Engine, period: Period, ids: tuple[int, ...] | None) -> tuple[dict[str, int], dict[str, int]]:
    """Meetings held in the period by kind, and decisions passed and found carried out in it."""
    cm, dc = CouncilMeeting, CouncilDecision
    by_kind = (select(cm.kind, func.count()).where(cm.status == "closed", *_between(cm.day, period),
                                                   *within(cm.community_id, ids)).group_by(cm.kind))
    passed = select(func.count()).where(dc.status == "passed", *_between(dc.decided_on, period),
                                        *within(dc.community_id, ids))
    carried = select(func.count()).where(dc.outcome == "carried_out", *_between(dc.reviewed_on, period),
                                         *within(dc.community_id, ids))
    with reading(engine) as session:
        kinds = {kind: int(n) for kind, n in session.execute(by_kind)}
        return kinds, {"meetings": sum(kinds.values()), "passed": int(session.execute(passed).scalar_one()),
                       "carried_out": int(session.execute(carried).scalar_one())}


def figures(engine: Engine, period: Period, community_ids: tuple[int, ...] | None, *, actor: Actor,
            today: date) -> tuple[list[Figure], dict[str, int]]:
    """The figures of FIGURES, and the period's meetings by kind (code -> count)."""
    ids = scope(actor, "council.read").community_ids(community_ids)
    kinds, now = _counts(engine, period, ids)
    before, year_ago = (_counts(engine, p, ids)[1] for p in (period.previous(), period.last_year()))
    dc = CouncilDecision
    as_of_today = (select(count_if(in_notice_on(today)), count_if(overdue_on(today)))
                   .select_from(dc).where(*within(dc.community_id, ids)))
    with reading(engine) as session:
        now["in_notice"], now["overdue"] = (int(n) for n in session.execute(as_of_today).one())
    none = Change(None, None, None)
    result = [Figure(key, now[key], False, better,
                     change(now[key], before[key], rate=False, better=better) if key in before else none,
                     change(now[key], year_ago[key], rate=False, better=better) if key in year_ago else none)
              for key, better in FIGURES]
    return result, kinds

