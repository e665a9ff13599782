"""Keeps volunteer service's monthly tally (volunteer_tally) in step with the orders and the ledger, inside each
write's transaction, so that the overview reads a few rows per community and month instead of every order and
transfer of the period (500,000 orders and 880,000 transfers in the benchmark city: 1.8 s street-wide).

A write says what an order was before and is after (`order_changed`) or which transfer it stored (`transferred`);
the differences are gathered on the session and added to the tally when the transaction commits, in key order and
after every other lock the write took, so that two writers never wait on each other's tally rows crosswise (on
PostgreSQL: concurrent writes of one community add to the same rows). `rebuild` counts the tally again from the
tables (after bulk loads: the demo, the benchmark); `differences` compares the kept tally with such a count.

What each dimension counts is models.VolunteerTally's docstring.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping
from datetime import UTC, datetime

from sqlalchemy import Engine, String, and_, case, cast, delete, event, func, literal, select, union_all
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from data_access import clock
from data_access.db import reading
from data_access.models import PointsTransfer, VolunteerOrder, VolunteerTally

PENDING = "volunteer_tally"  # session.info key: {(community, month, dim, code): [n, total]} not yet added
Key = tuple[int, str, str, str]


def _month(value) -> str | None:  # noqa: ANN001 - a datetime, its ISO text (an audit snapshot) or None
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return f"{clock.local(value):%Y-%m}"


def contributions(order: Mapping | None) -> Counter:
    """What one order adds to the tally: {(community, month, dim, code): (n, total)} summed as a Counter of pairs;
    `order` is a row's values (a model's dump or an audit snapshot of it), None for none."""
    found: dict[Key, list[int]] = {}
    if not order:
        return Counter()
    community = int(order["community_id"])

    def add(month: str | None, dim: str, code: str, total: int = 0) -> None:
        if month is not None:
            n_total = found.setdefault((community, month, dim, code), [0, 0])
            n_total[0] += 1
            n_total[1] += int(total or 0)

    add(_month(order["requested_at"]), "step", str(int(order["step"])))
    if order.get("take_minutes") is not None:
        add(_month(order.get("taken_at")), "take", "", order["take_minutes"])
    signed = order.get("signed_month")
    if signed:
        team = order.get("team_id")
        add(signed, "hours", "" if team is None else str(int(team)), order.get("hours_tenths"))
        if order.get("sign_minutes") is not None:
            add(signed, "sign", "", order["sign_minutes"])
    rated = _month(order.get("rated_at"))
    if rated is not None and order.get("rating"):
        add(rated, "rated", str(order["rating"]))
        if order.get("flagged"):
            add(rated, "flagged", "")
    return Counter({key: tuple(value) for key, value in found.items()})


def _values(row: VolunteerOrder) -> dict:
    return {c: getattr(row, c) for c in ("community_id", "requested_at", "step", "take_minutes", "taken_at",
                                         "signed_month", "team_id", "hours_tenths", "sign_minutes", "rated_at",
                                         "rating", "flagged")}


def order_changed(session: Session, before: Mapping | None, after: VolunteerOrder) -> None:
    """The order went from `before` (its values or audit snapshot; None when new) to `after` (the row now)."""
    old, new = contributions(before), contributions(_values(after))
    pending = session.info.setdefault(PENDING, {})
    for key in old.keys() | new.keys():
        n0, t0 = old.get(key, (0, 0))
        n1, t1 = new.get(key, (0, 0))
        if (n1 - n0, t1 - t0) != (0, 0):
            n_total = pending.setdefault(key, [0, 0])
            n_total[0] += n1 - n0
            n_total[1] += t1 - t0


def transfer_code(kind: str, redemption_id: int | None) -> str:
    return kind if redemption_id is None else f"{kind}/redemption"


def transferred(session: Session, row: PointsTransfer) -> None:
    """A transfer was stored."""
    key = (int(row.community_id), _month(row.at), "points", transfer_code(row.kind, row.redemption_id))
    n_total = session.info.setdefault(PENDING, {}).setdefault(key, [0, 0])
    n_total[0] += 1
    n_total[1] += int(row.points)


@event.listens_for(Session, "before_commit")
def _add_pending(session: Session) -> None:
    """Add what the transaction gathered, in key order, as the last writes before it commits (not when a savepoint
    inside it is released: points.account opens an account in one)."""
    if session.in_nested_transaction():
        return
    pending = session.info.pop(PENDING, None)
    rows = [{"community_id": c, "month": m, "dim": d, "code": code, "n": n, "total": total}
            for (c, m, d, code), (n, total) in sorted(pending.items()) if (n, total) != (0, 0)] if pending else []
    if not rows:
        return
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = insert(VolunteerTally)
    statement = statement.on_conflict_do_update(
        index_elements=["community_id", "month", "dim", "code"],
        set_={"n": VolunteerTally.n + statement.excluded.n, "total": VolunteerTally.total + statement.excluded.total})
    session.execute(statement, rows)


@event.listens_for(Session, "after_rollback")
def _forget_pending(session: Session) -> None:
    """The transaction rolled back: nothing it gathered happened (a savepoint's rollback leaves the rest)."""
    if not session.in_nested_transaction():
        session.info.pop(PENDING, None)


# --- counted from the tables ---------------------------------------------------------------------------------

def _local_month(column, dialect: str):  # noqa: ANN001
    """The local month ("YYYY-MM") of a stored time, in SQL: PostgreSQL converts with the zone's rules; SQLite holds
    naive UTC text and adds the zone's offset (Asia/Shanghai has kept +08:00 without summer time since 1991)."""
    if dialect == "postgresql":
        return func.to_char(func.timezone(clock.ZONE.key, column), "YYYY-MM")
    offset = clock.ZONE.utcoffset(datetime(2000, 1, 1))
    return func.strftime("%Y-%m", column, f"{int(offset.total_seconds()) // 60:+d} minutes")


def counted(dialect: str):
    """One SELECT of the whole tally counted from the orders and the transfers (community_id, month, dim, code, n,
    total), grouped in SQL."""
    vo, pt = VolunteerOrder, PointsTransfer

    def grouped(month, dim: str, code, n, total, *where):
        return (select(vo.community_id.label("community_id"), month.label("month"), literal(dim).label("dim"),
                       code.label("code"), n.label("n"), total.label("total"))
                .where(*where).group_by(vo.community_id, month, code))

    zero, empty = literal(0), literal("")
    team = func.coalesce(cast(vo.team_id, String), empty)
    requested, taken, rated = (_local_month(c, dialect) for c in (vo.requested_at, vo.taken_at, vo.rated_at))
    moved = _local_month(pt.at, dialect)
    code = case((pt.redemption_id.is_(None), pt.kind), else_=pt.kind + literal("/redemption"))
    points = (select(pt.community_id, moved, literal("points"), code, func.count(), func.sum(pt.points))
              .group_by(pt.community_id, moved, code))
    return union_all(
        grouped(requested, "step", cast(vo.step, String), func.count(), zero),
        grouped(taken, "take", empty, func.count(), func.sum(vo.take_minutes), vo.take_minutes.is_not(None),
                vo.taken_at.is_not(None)),
        grouped(vo.signed_month, "sign", empty, func.count(), func.sum(vo.sign_minutes),
                vo.signed_month.is_not(None), vo.signed_month != "", vo.sign_minutes.is_not(None)),
        grouped(vo.signed_month, "hours", team, func.count(), func.sum(vo.hours_tenths),
                vo.signed_month.is_not(None), vo.signed_month != ""),
        grouped(rated, "rated", vo.rating, func.count(), zero, vo.rated_at.is_not(None), vo.rating.is_not(None),
                vo.rating != ""),
        grouped(rated, "flagged", empty, func.count(), zero, and_(vo.rated_at.is_not(None), vo.rating.is_not(None),
                                                                 vo.rating != "", vo.flagged.is_(True))),
        points)


def rebuild(session: Session) -> int:
    """Count the whole tally again from the orders and the transfers (after bulk loads, or to repair it); the rows
    written. Nothing gathered by this transaction is added on top."""
    session.info.pop(PENDING, None)
    session.execute(delete(VolunteerTally))
    query = counted(session.get_bind().dialect.name)
    columns = ["community_id", "month", "dim", "code", "n", "total"]
    session.execute(VolunteerTally.__table__.insert().from_select(columns, query))
    return int(session.execute(select(func.count()).select_from(VolunteerTally)).scalar_one())


def differences(engine: Engine) -> list[tuple[Key, tuple[int, int], tuple[int, int]]]:
    """Every tally row that differs from a count of the tables: (key, kept (n, total), counted (n, total)); empty
    when the tally is sound."""
    with reading(engine) as session:
        kept = {(c, m, d, code): (int(n), int(t)) for c, m, d, code, n, t in session.execute(
            select(VolunteerTally.community_id, VolunteerTally.month, VolunteerTally.dim, VolunteerTally.code,
                   VolunteerTally.n, VolunteerTally.total)) if (n, t) != (0, 0)}
        fresh = {(c, m, d, code): (int(n), int(t or 0)) for c, m, d, code, n, t in session.execute(
            counted(engine.dialect.name))}
    return sorted((key, kept.get(key, (0, 0)), fresh.get(key, (0, 0))) for key in kept.keys() | fresh.keys()
                  if kept.get(key, (0, 0)) != fresh.get(key, (0, 0)))
