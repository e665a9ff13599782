"""Who may read and write what: roles from config.yaml, granted in communities (optionally in some grids).

An Actor carries its grants already resolved against config.yaml, so every check here is pure and needs
nothing else: `can` and `require` for writes, `scope` for reads. The permission names a role may grant are
`settings.PERMISSIONS`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from domain.errors import PermissionDenied
from domain.fields import is_id

if TYPE_CHECKING:
    from domain.settings import Settings


@dataclass(frozen=True)
class Grant:
    """One role of a user where it applies: street-wide (community_id None), a community, or one grid of it."""

    role: str
    community_id: int | None = None
    grid_id: int | None = None
    can: frozenset[str] = frozenset()

    def covers(self, community_id: int | None, grid_id: int | None = None) -> bool:
        if self.community_id is None:
            return True
        if community_id != self.community_id:
            return False
        return self.grid_id is None or grid_id is None or grid_id == self.grid_id


@dataclass(frozen=True)
class Actor:
    """The logged-in user as the rules see them."""

    id: int | None
    username: str
    display_name: str
    grants: tuple[Grant, ...] = ()

    def role_codes(self) -> list[str]:
        return sorted({g.role for g in self.grants})

    def permissions(self) -> frozenset[str]:
        """Every permission the actor holds somewhere."""
        return frozenset().union(*(g.can for g in self.grants)) if self.grants else frozenset()


SYSTEM = Actor(id=None, username="system", display_name="系统")


def grants_for(settings: Settings, rows: Iterable[tuple[str, int | None, int | None]]) -> tuple[Grant, ...]:
    """Resolve stored (role, community_id, grid_id) rows against config.yaml; unknown roles grant nothing.

    A street-scoped role applies everywhere; a community-scoped role without a community applies nowhere.
    """
    grants = []
    for role, community_id, grid_id in rows:
        spec = settings.roles.get(role)
        if spec is None:
            continue
        if spec.scope == "street":
            grants.append(Grant(role, None, None, spec.can))
        elif community_id is not None:
            grants.append(Grant(role, community_id, grid_id, spec.can))
    return tuple(sorted(set(grants), key=lambda g: (g.role, g.community_id or 0, g.grid_id or 0)))


def can(actor: Actor, permission: str, community_id: int | None = None, grid_id: int | None = None) -> bool:
    """True if a grant gives `permission` at this place; with no place given, anywhere at all. A place that is not
    an id (a list, 2^63) is nowhere."""
    if (community_id is not None and not is_id(community_id)) or (grid_id is not None and not is_id(grid_id)):
        return False
    return any(permission in g.can and (community_id is None or g.covers(community_id, grid_id))
               for g in actor.grants)


def require(actor: Actor, permission: str, community_id: int | None, grid_id: int | None = None) -> None:
    """Raise PermissionDenied (a Chinese message for the user) unless the actor may do this here."""
    if not can(actor, permission, community_id, grid_id):
        raise PermissionDenied("error.permission", permission=permission)


@dataclass(frozen=True)
class Scope:
    """Where a read may look: everywhere, or these whole communities plus these single grids."""

    everything: bool = False
    communities: frozenset[int] = frozenset()
    grids: frozenset[int] = frozenset()
    grid_communities: frozenset[int] = frozenset()

    @property
    def empty(self) -> bool:
        return not (self.everything or self.communities or self.grids)

    def community_ids(self, chosen: Iterable[int] | None = None) -> tuple[int, ...] | None:
        """Communities touched at all (whole or through a grid), cut to `chosen`; None means every one."""
        if chosen is not None:  # ids only: anything else a filter carries chooses nothing
            chosen = {c for c in chosen if is_id(c)} if isinstance(chosen, list | tuple | set | frozenset) else set()
        if self.everything:
            return None if chosen is None else tuple(sorted(chosen))
        allowed = self.communities | self.grid_communities
        return tuple(sorted(allowed if chosen is None else allowed & chosen))

    def allows(self, community_id: int, grid_id: int | None = None) -> bool:
        """Whether the read may look at this community (or grid); an id that is no id (a list, 2^63) is nowhere."""
        if (community_id is not None and not is_id(community_id)) or (grid_id is not None and not is_id(grid_id)):
            return False
        return self.everything or community_id in self.communities or (grid_id is not None and grid_id in self.grids)


def scope(actor: Actor, permission: str) -> Scope:
    """Where the actor holds `permission`."""
    communities, grids, grid_communities = set(), set(), set()
    for g in actor.grants:
        if permission not in g.can:
            continue
        if g.community_id is None:
            return Scope(everything=True)
        if g.grid_id is None:
            communities.add(g.community_id)
        else:
            grids.add(g.grid_id)
            grid_communities.add(g.community_id)
    return Scope(communities=frozenset(communities), grids=frozenset(grids),
                 grid_communities=frozenset(grid_communities - communities))
