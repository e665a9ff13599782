"""Who may read and write what: roles from config.yaml, scoped to the street or to communities."""

from __future__ import annotations

from dataclasses import dataclass

from domain.errors import PermissionDenied
from domain.settings import Settings


@dataclass(frozen=True)
class Actor:
    """The logged-in user as the rules see them: (role, community_id or None for street-wide)."""

    id: int | None
    username: str
    display_name: str
    roles: tuple[tuple[str, int | None], ...] = ()

    def role_codes(self) -> list[str]:
        return sorted({role for role, _ in self.roles})


SYSTEM = Actor(id=None, username="system", display_name="系统")


def scope(actor: Actor, settings: Settings) -> frozenset[int] | None:
    """The community ids the actor may read; None means the whole street."""
    communities: set[int] = set()
    for role, community_id in actor.roles:
        spec = settings.roles.get(role)
        if spec is None:
            continue
        if spec.scope == "street":
            return None
        if community_id is not None:
            communities.add(community_id)
    return frozenset(communities)


def can(actor: Actor, settings: Settings, permission: str, community_id: int | None = None) -> bool:
    """True if one of the actor's roles grants `permission` in `community_id` (any community if None)."""
    for role, role_community in actor.roles:
        spec = settings.roles.get(role)
        if spec is None or permission not in spec.can:
            continue
        if spec.scope == "street" or community_id is None or role_community == community_id:
            return True
    return False


def require(actor: Actor, settings: Settings, permission: str, community_id: int | None) -> None:
    if not can(actor, settings, permission, community_id):
        raise PermissionDenied("error.permission", permission=permission)


def limit_to_scope(requested: list[int] | None, allowed: frozenset[int] | None) -> list[int] | None:
    """The communities a read may touch: the request cut to the scope (None = every community)."""
    if allowed is None:
        return requested
    if requested is None:
        return sorted(allowed)
    return [c for c in requested if c in allowed]
