"""Reads of the 365 workflow. Everything is counted and paged in SQL; no table is loaded whole."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine, func, select
from sqlalchemy.orm import aliased

from data_access import clock
from data_access.db import reading
from data_access.models import Community, Grid, Matter, MatterEvent
from domain.workflow import Step

SORTS = {"registered_at": Matter.registered_at, "deadline": Matter.deadline, "step": Matter.step,
         "number": Matter.id, "reopen_count": Matter.reopen_count}


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
    """domain.workflow.is_overdue in SQL."""
    return (Matter.step <= int(Step.HANDLE)) & (Matter.deadline < today)


def where(flt: MatterFilter, today: date) -> list:
    """The SQL conditions of a filter."""
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


LEDGER_COLUMNS = ["id", "number", "ledger_no", "registered_at", "community", "grid", "channel", "sub_source",
                  "category", "urgency", "mode", "description", "step", "handler", "deadline", "reopen_count",
                  "escalated", "overdue"]


def _ledger_select(flt: MatterFilter, today: date):
    g = aliased(Grid)
    return (select(Matter.id, Matter.number, Matter.ledger_no, Matter.registered_at, Community.name, g.name,
                   Matter.channel, Matter.sub_source, Matter.category, Matter.urgency, Matter.mode,
                   Matter.description, Matter.step, Matter.handler, Matter.deadline, Matter.reopen_count,
                   Matter.escalated, _overdue(today))
            .join(Community, Community.id == Matter.community_id)
            .join(g, g.id == Matter.grid_id)
            .where(*where(flt, today)))


def _frame(rows) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=LEDGER_COLUMNS)
    if not df.empty:
        df["registered_at"] = pd.to_datetime(df["registered_at"], utc=True).dt.tz_convert(clock.ZONE)
        df["overdue"] = df["overdue"].astype(bool)
    return df


def count_matters(engine: Engine, flt: MatterFilter, *, today: date) -> int:
    """How many matters match the filter."""
    with reading(engine) as session:
        return int(session.execute(select(func.count()).select_from(Matter).where(*where(flt, today))).scalar_one())


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
