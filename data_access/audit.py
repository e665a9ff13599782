"""Writes audit records inside the caller's transaction."""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum

from sqlmodel import Session, SQLModel

from data_access.models import AuditLog
from domain.access import Actor


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
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


def record(session: Session, *, actor: Actor, action: str, entity: str, entity_id: int | None,
           at: datetime, community_id: int | None = None, before: dict | None = None,
           after: dict | None = None) -> None:
    session.add(AuditLog(at=at, actor_id=actor.id, actor_name=actor.username, action=action, entity=entity,
                         entity_id=entity_id, community_id=community_id, before=before, after=after))
