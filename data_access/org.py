"""Reads of the organisation: communities and grids within a user's scope."""

from __future__ import annotations

from sqlalchemy import Engine, select

from data_access.db import reading
from data_access.models import Community, Grid


def communities(engine: Engine, ids: list[int] | None = None) -> list[tuple[int, str]]:
    """(id, name) of the communities, limited to `ids` when given."""
    query = select(Community.id, Community.name).order_by(Community.id)
    if ids is not None:
        query = query.where(Community.id.in_(ids))
    with reading(engine) as session:
        return [(cid, name) for cid, name in session.execute(query)]


def grids(engine: Engine, community_id: int | None) -> list[tuple[int, str]]:
    if not community_id:
        return []
    query = select(Grid.id, Grid.name).where(Grid.community_id == community_id).order_by(Grid.id)
    with reading(engine) as session:
        return [(gid, name) for gid, name in session.execute(query)]

