"""One row read by a write function: locked for the transaction, and only where the actor may read it; and the flush
of a row whose unique name a concurrent write may have taken meanwhile."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session
from sqlmodel import SQLModel

from domain.access import Actor, scope
from domain.errors import DomainError, ValidationFailed
from domain.fields import is_id


def scoped_row(session: Session, actor: Actor, model: type[SQLModel], row_id, *, permission: str,
               lock: bool = True):
    """The row of `model` with id `row_id` (locked unless lock=False). None, a row id that is not an id, or a row
    of a community outside the actor's `permission` scope is not found (error.not_found)."""
    row = None
    if is_id(row_id):
        query = select(model).where(model.id == row_id)
        row = session.execute(query.with_for_update() if lock else query).scalars().first()
    if row is None or not scope(actor, permission).allows(row.community_id):
        raise DomainError("error.not_found")
    return row


def flush_unique(session: Session, field: str, key: str, **params) -> None:
    """Flush; a unique constraint the check before missed (a concurrent write) becomes the form's error on `field`."""
    try:
        session.flush()
    except IntegrityError as exc:
        raise ValidationFailed({field: (key, params)}) from exc
