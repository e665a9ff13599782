"""Reads of the 365 workflow. Everything is counted and paged in SQL; no table is loaded whole.

Each read takes the actor and looks only where the actor holds "matter.read": a matter of another
community (or of another grid, for a grid-limited role) is simply not found. Personal fields come masked.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine, false, func, or_, select
from sqlalchemy.orm import aliased

from data_access import audit, clock
from data_access.db import reading, transaction
from data_access.models import Community, Grid, Matter, MatterEvent, MatterTally
from data_access.sql import code_equals, day_within, id_equals, page_offset
from domain.access import Actor, Scope, require, scope
from domain.errors import DomainError
from domain.fields import is_id, plain
from domain.personal import PERSONAL_FIELDS, masked
from domain.service.kpi import TALLY_DIMENSIONS
from domain.service.workflow import Step

SORTS = {"registered_at": Matter.registered_at, "deadline": Matter.deadline, "step": Matter.step,
         "number": Matter.id, "reopen_count": Matter.reopen_count}


@dataclass(frozen=True)
class MatterFilter:
    """What the ledger and the overview filter on; reads cut `community_ids` (None = all) to the actor's scope."""

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
    """domain.service.workflow.is_overdue in SQL."""
    return (Matter.step <= int(Step.HANDLE)) & (Matter.deadline < today)


def in_scope(allowed: Scope) -> list:
    """The SQL condition of a read scope (nothing at all for an empty one)."""
    if allowed.everything:
        return []
    if allowed.empty:
        return [false()]
    parts = []
    if allowed.communities:
        parts.append(Matter.community_id.in_(sorted(allowed.communities)))
    if allowed.grids:
        parts.append(Matter.grid_id.in_(sorted(allowed.grids)))
    return [or_(*parts)]


def readable(actor: Actor) -> list:
    """Matters the actor may read."""
    return in_scope(scope(actor, "matter.read"))


def where(flt: MatterFilter, today: date) -> list:
    """The SQL conditions of a filter. A value a filter cannot hold (an id out of range, a code that is not text, a
    date beyond a date field's reach; an address can carry anything) matches nothing."""
    conds = []
    if flt.community_ids is not None:
        ids = [c for c in flt.community_ids if is_id(c)] if isinstance(flt.community_ids, tuple | list) else []
        conds.append(Matter.community_id.in_(ids) if ids else false())
    if flt.grid_id:
        conds.append(id_equals(Matter.grid_id, flt.grid_id))
    if flt.step:
        conds.append(Matter.step == flt.step if flt.step in tuple(Step) else false())
    for column, value in ((Matter.channel, flt.channel), (Matter.mode, flt.mode), (Matter.category, flt.category)):
        if value:
            conds.append(code_equals(column, value))
    if flt.overdue_only:
        conds.append(_overdue(today))
    conds += day_within(Matter.registered_at, flt.date_from or None, flt.date_to or None, moments=True)
    text = plain(flt.text)
    if text:
        conds.append(Matter.description.icontains(text, autoescape=True)
                     | Matter.number.icontains(text, autoescape=True)
                     | Matter.ledger_no.icontains(text, autoescape=True)
                     | Matter.handler.icontains(text, autoescape=True))
    return conds


LEDGER_COLUMNS = ["id", "number", "ledger_no", "registered_at", "community", "grid", "channel", "sub_source",
                  "category", "urgency", "mode", "description", "step", "handler", "deadline", "reopen_count",
                  "escalated", "overdue"]


PERSONAL_COLUMNS = ["community_id", "grid_id", *PERSONAL_FIELDS]
# what the later steps file, read for the export only: supervisor (analyse), extensions, result (complete),
# feedback, evaluation, score (assess) and when the matter was evaluated and closed
FILED_COLUMNS = ["anonymous", "supervisor", "extension_count", "result", "feedback_content", "feedback_method",
                 "evaluation", "evaluation_comment", "evaluated_at", "score", "closed_at"]
LOCAL_TIMES = ("registered_at", "evaluated_at", "closed_at")


def _ledger_select(flt: MatterFilter, today: date, actor: Actor, *, personal: bool = False):
    """The ledger's columns; with `personal` (the export) also PERSONAL_COLUMNS and FILED_COLUMNS."""
    g = aliased(Grid)
    extra = [Matter.community_id, Matter.grid_id, *(getattr(Matter, f) for f in PERSONAL_FIELDS),
             *(getattr(Matter, f) for f in FILED_COLUMNS)] if personal else []
    return (select(Matter.id, Matter.number, Matter.ledger_no, Matter.registered_at, Community.name, g.name,
                   Matter.channel, Matter.sub_source, Matter.category, Matter.urgency, Matter.mode,
                   Matter.description, Matter.step, Matter.handler, Matter.deadline, Matter.reopen_count,
                   Matter.escalated, _overdue(today), *extra)
            .join(Community, Community.id == Matter.community_id)
            .join(g, g.id == Matter.grid_id)
            .where(*readable(actor), *where(flt, today)))


def _frame(rows, personal: bool = False) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=LEDGER_COLUMNS + (PERSONAL_COLUMNS + FILED_COLUMNS if personal else []))
    if not df.empty:
        for column in (c for c in LOCAL_TIMES if c in df.columns):
            df[column] = pd.to_datetime(df[column], utc=True).dt.tz_convert(clock.ZONE)
        df["overdue"] = df["overdue"].astype(bool)
    return df


def count_matters(engine: Engine, flt: MatterFilter, *, actor: Actor, today: date) -> int:
    """How many matters the actor may read match the filter."""
    query = select(func.count()).select_from(Matter).where(*readable(actor), *where(flt, today))
    with reading(engine) as session:
        return int(session.execute(query).scalar_one())


def ledger_page(engine: Engine, flt: MatterFilter, *, actor: Actor, today: date, page: int = 1,
                page_size: int = 50, sort: str = "registered_at", descending: bool = True) -> pd.DataFrame:
    """One page of the ledger."""
    column = SORTS.get(sort, Matter.registered_at) if isinstance(sort, str) else Matter.registered_at
    order = [column.desc() if descending else column.asc(), Matter.id.desc() if descending else Matter.id.asc()]
    query = (_ledger_select(flt, today, actor).order_by(*order).limit(page_size)
             .offset(page_offset(page, page_size)))
    with reading(engine) as session:
        return _frame(session.execute(query).all())


def ledger_chunks(engine: Engine, flt: MatterFilter, *, actor: Actor, today: date, limit: int,
                  chunk: int = 5000) -> Iterator[pd.DataFrame]:
    """The filtered ledger in chunks (for export), newest first, at most `limit` rows, with the reporter's
    personal fields (unmasked: the caller masks them), the community and grid ids and what the later steps filed
    (FILED_COLUMNS; evaluated_at and closed_at local like registered_at)."""
    query = (_ledger_select(flt, today, actor, personal=True)
             .order_by(Matter.registered_at.desc(), Matter.id.desc()).limit(limit))
    with reading(engine) as session:
        result = session.execute(query.execution_options(yield_per=chunk))
        for rows in result.partitions(chunk):
            yield _frame(rows, personal=True)


def overdue(engine: Engine, flt: MatterFilter, *, actor: Actor, today: date,
            limit: int = 20) -> tuple[pd.DataFrame, int]:
    """The open matters past their deadline, oldest deadline first, and how many there are."""
    scoped = MatterFilter(community_ids=flt.community_ids, overdue_only=True)
    query = _ledger_select(scoped, today, actor).order_by(Matter.deadline.asc(), Matter.id.asc()).limit(limit)
    with reading(engine) as session:
        rows = session.execute(query).all()
    return _frame(rows), count_matters(engine, scoped, actor=actor, today=today)


@dataclass(frozen=True)
class MatterDetail:
    matter: Matter
    community: str
    grid: str
    events: pd.DataFrame


def matter_detail(engine: Engine, matter_id: int, *, actor: Actor) -> MatterDetail | None:
    """A matter with its names and timeline, its reporter's personal fields masked; None if absent or outside
    the actor's scope."""
    if not is_id(matter_id):
        return None
    with reading(engine) as session:
        row = session.execute(select(Matter, Community.name, Grid.name)
                              .join(Community, Community.id == Matter.community_id)
                              .join(Grid, Grid.id == Matter.grid_id)
                              .where(Matter.id == matter_id, *readable(actor))).first()
        if row is None:
            return None
        events = session.execute(
            select(MatterEvent.at, MatterEvent.actor_name, MatterEvent.action, MatterEvent.step_from,
                   MatterEvent.step_to, MatterEvent.note, MatterEvent.data)
            .where(MatterEvent.matter_id == matter_id).order_by(MatterEvent.at, MatterEvent.id)).all()
    frame = pd.DataFrame(events, columns=["at", "actor", "action", "step_from", "step_to", "note", "data"])
    if not frame.empty:
        frame["at"] = pd.to_datetime(frame["at"], utc=True).dt.tz_convert(clock.ZONE)
    matter = row[0]
    shown = matter.model_copy(update=masked({f: getattr(matter, f) for f in PERSONAL_FIELDS}))
    return MatterDetail(matter=shown, community=row[1], grid=row[2], events=frame)


def personal_data(engine: Engine, matter_id: int, *, actor: Actor, now=None) -> dict[str, str | None]:
    """The reporter's name, phone and ID number unmasked, for an actor holding "personal.view" where the
    matter is. Each look is written to the audit trail (who, when, which matter, which fields)."""
    now = now or clock.now()
    with transaction(engine) as session:
        matter = session.execute(select(Matter).where(Matter.id == matter_id, *readable(actor))).scalars().first() \
            if is_id(matter_id) else None
        if matter is None:
            raise DomainError("error.not_found")
        require(actor, "personal.view", matter.community_id, matter.grid_id)
        values = {f: getattr(matter, f) for f in PERSONAL_FIELDS}
        audit.record(session, actor=actor, action="personal.view", entity="matter", entity_id=matter.id,
                     community_id=matter.community_id, at=now,
                     after={"number": matter.number, "fields": [f for f, v in values.items() if v]})
    return values


def find_by_number(engine: Engine, number: str, *, actor: Actor) -> int | None:
    """The id of the matter with this number or ledger number, within the actor's scope."""
    number = plain(number)
    query = select(Matter.id).where((Matter.number == number) | (Matter.ledger_no == number),
                                    *readable(actor))
    with reading(engine) as session:
        return session.execute(query).scalars().first()


def unknown_codes(engine: Engine, column: str, known: set[str]) -> list[str]:
    """Codes stored in `column` that config.yaml no longer defines (checked at start-up). A column the monthly
    tally counts is read from the tally (a few thousand rows), not from the matters. Another (urgency) is walked
    through its index one distinct value at a time, the next after the last found: a handful of index lookups
    where a DISTINCT would read every matter (neither SQLite nor PostgreSQL skips through an index by itself)."""
    with reading(engine) as session:
        if column in TALLY_DIMENSIONS:
            query = select(MatterTally.code).where(MatterTally.dim == column, MatterTally.n > 0).distinct()
            return sorted(set(session.execute(query).scalars()) - known)
        field, found = getattr(Matter, column), []
        query = select(field).where(field.is_not(None)).order_by(field).limit(1)
        while (code := session.execute(query).scalar()) is not None:
            found.append(code)
            query = select(field).where(field > code).order_by(field).limit(1)
        return sorted(set(found) - known)
