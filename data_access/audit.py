"""Writes audit records inside the caller's transaction."""

from __future__ import annotations

import math
from datetime import date, datetime
from enum import Enum

from sqlmodel import Session, SQLModel

from data_access.models import AuditLog
from domain.access import Actor
from domain.fields import plain, shown


def snapshot(row: SQLModel | None, fields: list[str] | None = None) -> dict | None:
    """JSON-safe copy of a row's values (or of `fields` only)."""
    if row is None:
        return None
    data = row.model_dump(include=set(fields) if fields else None)
    return {k: _plain(v) for k, v in data.items()}


def snapshot_values(values: dict) -> dict:
    """JSON-safe copy of a plain dict of form values."""
    return {k: _plain(v) for k, v in values.items()}


def described(flt) -> dict:
    """The fields of a filter (a dataclass) that are set, JSON-safe: what an export's audit entry records."""
    return {k: _plain(v) for k, v in vars(flt).items() if v not in (None, "", False, ())}


def _plain(value):
    """A value as JSON both databases store: text without control characters (PostgreSQL's JSON holds no NUL), a
    number that JSON can write (not nan or inf, nor beyond what PostgreSQL reads), and lists and objects of those;
    anything else (bytes, a set) as its short text."""
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return _plain(value.value)
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, str):
        return plain(value)
    if isinstance(value, int):
        return value if abs(value) < 2**63 else str(value)
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {shown(k) if not isinstance(k, str) else plain(k): _plain(v) for k, v in value.items()}
    return shown(value)


def record(session: Session, *, actor: Actor, action: str, entity: str, entity_id: int | None,
           at: datetime, community_id: int | None = None, before: dict | None = None,
           after: dict | None = None) -> None:
    session.add(AuditLog(at=at, actor_id=actor.id, actor_name=actor.username, action=action, entity=entity,
                         entity_id=entity_id, community_id=community_id, before=before, after=after))
