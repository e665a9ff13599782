"""Keeps the monthly tally (matter_tally) in step with the matters, inside each write's transaction."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from data_access import clock
from data_access.models import Matter, MatterTally
from domain.service.kpi import contributions, difference

SOURCE = [Matter.community_id, Matter.registered_at, Matter.step, Matter.channel, Matter.mode, Matter.category,
          Matter.evaluation, Matter.reopen_count, Matter.handling_days]


def month_of(registered_at: datetime) -> str:
    return f"{clock.local(registered_at):%Y-%m}"


def record_change(session: Session, *, community_id: int, registered_at: datetime, before: dict | None,
                  after: dict) -> None:
    """Add what the matter's change (before -> after; None for a new matter) makes to the tally."""
    diff = difference(contributions(before) if before else {}, contributions(after))
    # rows in key order, so concurrent writers lock tally rows in the same order (no deadlock on PostgreSQL)
    _add(session, [{"community_id": community_id, "month": month_of(registered_at), "dim": dim, "code": code,
                    "n": n, "days": days} for (dim, code), (n, days) in sorted(diff.items())])


def _add(session: Session, rows: list[dict]) -> None:
    if not rows:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(MatterTally)
    statement = statement.on_conflict_do_update(
        index_elements=["community_id", "month", "dim", "code"],
        set_={"n": MatterTally.n + statement.excluded.n, "days": MatterTally.days + statement.excluded.days})
    session.execute(statement, rows)


def rebuild(session: Session, chunk: int = 50_000) -> int:
    """Recount the whole tally from the matters (after bulk loads or to repair it); returns matters read."""
    session.execute(delete(MatterTally))
    totals: Counter = Counter()
    days: Counter = Counter()
    read = 0
    result = session.execute(select(*SOURCE).execution_options(yield_per=chunk))
    for row in result:
        read += 1
        values = row._mapping
        month = month_of(values["registered_at"])
        for (dim, code), (n, d) in contributions(dict(values)).items():
            key = (values["community_id"], month, dim, code)
            totals[key] += n
            days[key] += d
    rows = [{"community_id": c, "month": m, "dim": dim, "code": code, "n": n, "days": days[(c, m, dim, code)]}
            for (c, m, dim, code), n in totals.items()]
    for start in range(0, len(rows), 5000):
        session.execute(MatterTally.__table__.insert(), rows[start:start + 5000])
    return read
