"""Reads of the 365 workflow. Everything is counted and paged in SQL; no table is loaded whole."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine, case, func, select
from sqlalchemy.orm import aliased

from data_access import clock
from data_access.db import reading
from data_access.models import Community, Grid, Matter, MatterEvent
from domain.kpi import Counts
from domain.workflow import Evaluation, Step

SORTS = {"registered_at": Matter.registered_at, "deadline": Matter.deadline, "step": Matter.step,
         "number": Matter.id, "reopen_count": Matter.reopen_count}

HAPPY = Matter.evaluation.in_([Evaluation.SATISFIED.value, Evaluation.BASIC.value])


@dataclass(frozen=True)
class MatterFilter:
    """What the ledger and the overview filter on. `community_ids` is already cut to the user's scope."""

    community_ids: tuple[int, ...] | None = None
    grid_id: int | None = None
    step: int | None = None
    channel: str | None = None
    mode: str | None = None
    category: str | None = None
    overdue_only: bool = False
    date_from: date | None = None
    date_to: date | None = None
    text: str = ""


def _overdue(today: date):
    return (Matter.step < int(Step.CLOSED)) & (Matter.deadline < today)


def _where(flt: MatterFilter, today: date) -> list:
    conds = []
    if flt.community_ids is not None:
        conds.append(Matter.community_id.in_(flt.community_ids) if flt.community_ids else Matter.id < 0)
    if flt.grid_id:
        conds.append(Matter.grid_id == flt.grid_id)
    if flt.step:
        conds.append(Matter.step == flt.step)
    for column, value in ((Matter.channel, flt.channel), (Matter.mode, flt.mode), (Matter.category, flt.category)):
        if value:
            conds.append(column == value)
    if flt.overdue_only:
        conds.append(_overdue(today))
    if flt.date_from:
        conds.append(Matter.registered_at >= clock.day_start(flt.date_from))
    if flt.date_to:
        conds.append(Matter.registered_at < clock.day_end(flt.date_to))
    text = flt.text.strip()
    if text:
        conds.append(Matter.description.icontains(text, autoescape=True)
                     | Matter.number.icontains(text, autoescape=True)
                     | Matter.ledger_no.icontains(text, autoescape=True)
                     | Matter.handler.icontains(text, autoescape=True))
    return conds


LEDGER_COLUMNS = ["id", "number", "registered_at", "community", "grid", "channel", "sub_source", "category",
                  "urgency", "mode", "step", "handler", "deadline", "reopen_count", "escalated", "overdue"]


def _ledger_select(flt: MatterFilter, today: date):
    g = aliased(Grid)
    return (select(Matter.id, Matter.number, Matter.registered_at, Community.name, g.name, Matter.channel,
                   Matter.sub_source, Matter.category, Matter.urgency, Matter.mode, Matter.step, Matter.handler,
                   Matter.deadline, Matter.reopen_count, Matter.escalated, _overdue(today))
            .join(Community, Community.id == Matter.community_id)
            .join(g, g.id == Matter.grid_id)
            .where(*_where(flt, today)))


def _frame(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    if not df.empty:
        df["registered_at"] = pd.to_datetime(df["registered_at"], utc=True).dt.tz_convert(clock.ZONE)
        df["overdue"] = df["overdue"].astype(bool)
    return df


def count_matters(engine: Engine, flt: MatterFilter, *, today: date) -> int:
    """How many matters match the filter."""
    with reading(engine) as session:
        return int(session.execute(select(func.count()).select_from(Matter).where(*_where(flt, today))).scalar_one())


def ledger_page(engine: Engine, flt: MatterFilter, *, today: date, page: int = 1, page_size: int = 50,
                sort: str = "registered_at", descending: bool = True) -> pd.DataFrame:
    """One page of the ledger."""
    column = SORTS.get(sort, Matter.registered_at)
    order = [column.desc() if descending else column.asc(), Matter.id.desc() if descending else Matter.id.asc()]
    query = _ledger_select(flt, today).order_by(*order).limit(page_size).offset(max(page - 1, 0) * page_size)
    with reading(engine) as session:
        return _frame(session.execute(query).all())


def ledger_chunks(engine: Engine, flt: MatterFilter, *, today: date, limit: int,
                  chunk: int = 5000) -> Iterator[pd.DataFrame]:
    """The filtered ledger in chunks (for export), newest first, at most `limit` rows."""
    query = _ledger_select(flt, today).order_by(Matter.registered_at.desc(), Matter.id.desc()).limit(limit)
    with reading(engine) as session:
        result = session.execute(query.execution_options(yield_per=chunk))
        for rows in result.partitions(chunk):
            yield _frame(rows)


def _period(flt: MatterFilter, today: date) -> list:
    return _where(MatterFilter(community_ids=flt.community_ids, date_from=flt.date_from, date_to=flt.date_to),
                  today)


def counts(engine: Engine, flt: MatterFilter, *, today: date) -> Counts:
    """The KPI counts for the period and communities of `flt` (two aggregate queries)."""
    closed = Matter.step == int(Step.CLOSED)

    def total(cond):
        return func.coalesce(func.sum(case((cond, 1), else_=0)), 0)

    cohort = select(func.count(), total(closed), total(Matter.evaluation.is_not(None)),
                    func.coalesce(func.sum(Matter.reopen_count), 0) + total(HAPPY),
                    total(Matter.evaluation == Evaluation.SATISFIED.value),
                    total(Matter.evaluation == Evaluation.BASIC.value), total(Matter.reopen_count > 0),
                    func.coalesce(func.sum(Matter.handling_days), 0.0)).where(*_period(flt, today))
    handled = Matter.handled_on_time.is_not(None)
    due_cond = [Matter.deadline <= min(flt.date_to or today, today), (handled | (Matter.deadline < today))]
    if flt.date_from:
        due_cond.append(Matter.deadline >= flt.date_from)
    if flt.community_ids is not None:
        due_cond.extend(_where(MatterFilter(community_ids=flt.community_ids), today))
    due = select(func.count(), total(Matter.handled_on_time.is_(True))).where(*due_cond)
    with reading(engine) as session:
        accepted, n_closed, rated, evaluations, satisfied, basic, reopened, days = session.execute(cohort).one()
        n_due, on_time = session.execute(due).one()
    return Counts(accepted=accepted, closed=int(n_closed), due=n_due, due_on_time=int(on_time), rated=int(rated),
                  evaluations=int(evaluations),
                  satisfied=int(satisfied), basic=int(basic), reopened=int(reopened),
                  handling_days_sum=float(days))


def by_column(engine: Engine, flt: MatterFilter, column: str, *, today: date) -> pd.DataFrame:
    """Matters of the period grouped by `column` (step, channel, mode, category): columns code, count."""
    col = getattr(Matter, column)
    query = select(col, func.count()).where(*_period(flt, today)).group_by(col)
    with reading(engine) as session:
        return pd.DataFrame(session.execute(query).all(), columns=["code", "count"])


def _month(engine: Engine, column):
    if engine.dialect.name == "postgresql":
        return func.to_char(func.timezone(clock.ZONE.key, column), "YYYY-MM")
    offset = clock.now().utcoffset()
    hours = int(offset.total_seconds() // 3600) if offset else 0
    return func.strftime("%Y-%m", column, f"{hours:+d} hours")


def monthly(engine: Engine, flt: MatterFilter, *, today: date) -> pd.DataFrame:
    """Per month of registration: accepted, closed, and closed on time."""
    month = _month(engine, Matter.registered_at).label("month")
    query = (select(month, func.count(), func.sum(case((Matter.step == int(Step.CLOSED), 1), else_=0)),
                    func.sum(case((Matter.handled_on_time.is_(True), 1), else_=0)))
             .where(*_period(flt, today)).group_by(month).order_by(month))
    with reading(engine) as session:
        df = pd.DataFrame(session.execute(query).all(), columns=["month", "accepted", "closed", "on_time"])
    return df.astype({"accepted": int, "closed": int, "on_time": int})


def satisfaction_by_community(engine: Engine, flt: MatterFilter, *, today: date) -> pd.DataFrame:
    """Per community: evaluations, satisfied, basic (for naming communities below the floor)."""
    query = (select(Community.name, func.sum(Matter.reopen_count) + func.sum(case((HAPPY, 1), else_=0)),
                    func.sum(case((Matter.evaluation == Evaluation.SATISFIED.value, 1), else_=0)),
                    func.sum(case((Matter.evaluation == Evaluation.BASIC.value, 1), else_=0)))
             .join(Community, Community.id == Matter.community_id)
             .where(*_period(flt, today), Matter.evaluation.is_not(None))
             .group_by(Community.name).order_by(Community.name))
    with reading(engine) as session:
        df = pd.DataFrame(session.execute(query).all(), columns=["community", "evaluations", "satisfied", "basic"])
    return df.astype({"evaluations": int, "satisfied": int, "basic": int})


def overdue(engine: Engine, flt: MatterFilter, *, today: date, limit: int = 20) -> tuple[pd.DataFrame, int]:
    """The open matters past their deadline, oldest deadline first, and how many there are."""
    scoped = MatterFilter(community_ids=flt.community_ids, overdue_only=True)
    query = _ledger_select(scoped, today).order_by(Matter.deadline.asc(), Matter.id.asc()).limit(limit)
    with reading(engine) as session:
        rows = session.execute(query).all()
    return _frame(rows), count_matters(engine, scoped, today=today)


@dataclass(frozen=True)
class MatterDetail:
    matter: Matter
    community: str
    grid: str
    events: pd.DataFrame


def matter_detail(engine: Engine, matter_id: int, *, community_ids: tuple[int, ...] | None) -> MatterDetail | None:
    """A matter with its names and timeline; None if absent or outside `community_ids`."""
    with reading(engine) as session:
        row = session.execute(select(Matter, Community.name, Grid.name)
                              .join(Community, Community.id == Matter.community_id)
                              .join(Grid, Grid.id == Matter.grid_id).where(Matter.id == matter_id)).first()
        if row is None or (community_ids is not None and row[0].community_id not in community_ids):
            return None
        events = session.execute(
            select(MatterEvent.at, MatterEvent.actor_name, MatterEvent.action, MatterEvent.step_from,
                   MatterEvent.step_to, MatterEvent.note, MatterEvent.data)
            .where(MatterEvent.matter_id == matter_id).order_by(MatterEvent.at, MatterEvent.id)).all()
    frame = pd.DataFrame(events, columns=["at", "actor", "action", "step_from", "step_to", "note", "data"])
    if not frame.empty:
        frame["at"] = pd.to_datetime(frame["at"], utc=True).dt.tz_convert(clock.ZONE)
    return MatterDetail(matter=row[0], community=row[1], grid=row[2], events=frame)


def find_by_number(engine: Engine, number: str, *, community_ids: tuple[int, ...] | None) -> int | None:
    """The id of the matter with this number or ledger number, within scope."""
    query = select(Matter.id).where((Matter.number == number.strip()) | (Matter.ledger_no == number.strip()))
    if community_ids is not None:
        query = query.where(Matter.community_id.in_(community_ids))
    with reading(engine) as session:
        return session.execute(query).scalars().first()


def unknown_codes(engine: Engine, column: str, known: set[str]) -> list[str]:
    """Codes stored in `column` that config.yaml no longer defines (checked at start-up)."""
    col = getattr(Matter, column)
    with reading(engine) as session:
        return sorted(set(session.execute(select(col).distinct()).scalars()) - known)
