"""Reads of the organisation: communities and grids within a user's scope."""

from __future__ import annotations

from sqlalchemy import Engine, select

from data_access.db import reading
from data_access.models import Community, Grid
from domain.access import Actor, scope
from domain.fields import is_id


def communities(engine: Engine, *, actor: Actor, permission: str = "overview.read") -> list[tuple[int, str]]:
    """(id, name) of the communities where the actor holds `permission` (wholly or in some grids)."""
    query = select(Community.id, Community.name).order_by(Community.id)
    ids = scope(actor, permission).community_ids()
    if ids is not None:
        query = query.where(Community.id.in_(ids))
    with reading(engine) as session:
        return [(cid, name) for cid, name in session.execute(query)]


def grids(engine: Engine, community_id: int | None, *, actor: Actor,
          permission: str = "matter.read") -> list[tuple[int, str]]:
    """(id, name) of a community's grids where the actor holds `permission`."""
    if not is_id(community_id):
        return []
    allowed = scope(actor, permission)
    query = select(Grid.id, Grid.name).where(Grid.community_id == community_id).order_by(Grid.id)
    if not (allowed.everything or community_id in allowed.communities):
        query = query.where(Grid.id.in_(sorted(allowed.grids)))
    with reading(engine) as session:
        return [(gid, name) for gid, name in session.execute(query)]

