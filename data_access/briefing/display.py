"""Display links (展示链接): a named, expiring, revocable link that lets a wall screen show one scope's briefing
without a login. The URL carries a token signed with a server secret kept in a file outside the database and outside
git (made on first use); the link's row decides whether it still works. A screen reads as a `screen_actor`: the
reads of the link's creator in the link's scope and nothing else, the same actor for every screen of that scope, so
their cached reads are shared.

Who: "briefing.display" over the link's whole scope (the street for a street link) creates, renames and revokes;
creating, the first use of each day and revoking are in the audit trail.
"""

from __future__ import annotations

import logging
import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine, select, update

from data_access import audit, clock
from data_access.accounts.auth import load_actor
from data_access.db import reading, transaction
from data_access.models import Community, DisplayLink, User
from domain.access import Actor, Grant, scope
from domain.briefing.screen import SLIDES, parse_slides, read_token, sign
from domain.errors import DomainError, PermissionDenied
from domain.fields import Errors, form, is_id, shown
from domain.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
READS = frozenset({"briefing.read", "overview.read", "committee.read", "council.read", "volunteer.read",
                   "fund.read"})
LIST_COLUMNS = ["id", "name", "community", "slides", "created_by", "created_at", "expires_at", "status",
                "last_used_on", "token"]


class LinkErrors(Errors):
    LIMITS = {"name": 40}


@dataclass(frozen=True)
class Opened:
    """A display link that works: what its screen shows and as whom it reads."""

    link_id: int
    name: str
    community_id: int | None
    slides: tuple[str, ...]
    actor: Actor


class LinkRefused(DomainError):
    """A token that does not open a screen; `key` says why (screen.forged, .revoked, .expired, .account)."""


def secret(settings: Settings) -> bytes:
    """The signing secret: the file GONGZHI_SECRET_FILE or briefing.secret_file (relative to the project), made
    with 32 random bytes and owner-only permissions the first time it is needed."""
    path = Path(os.environ.get("GONGZHI_SECRET_FILE") or settings.briefing.secret_file)
    path = path if path.is_absolute() else ROOT / path
    try:
        if not path.exists():
            _make_secret(path)
        if path.stat().st_mode & 0o077:  # copied with the wrong permissions: make it the owner's again
            path.chmod(0o600)
        value = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeError) as err:
        logging.getLogger(__name__).error("display link secret %s cannot be used: %s", path, err)
        raise DomainError("screen.bad_secret") from err
    if len(value) < 32:
        logging.getLogger(__name__).error("display link secret %s holds fewer than 32 characters", path)
        raise DomainError("screen.bad_secret")
    return value.encode()


def _make_secret(path: Path) -> None:
    """Write the secret whole to a temporary file and link it into place: a process that reads the path sees the
    whole secret or nothing, and of two processes making it at once one wins and both use its secret."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".secret-")
    try:
        with os.fdopen(fd, "w") as out:
            out.write(secrets.token_hex(32))
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        os.unlink(temporary)


def holds(actor: Actor, permission: str, community_id: int | None) -> bool:
    """The actor holds `permission` over the whole scope: the street (None) or one whole community."""
    where = scope(actor, permission)
    return where.everything or (community_id is not None and community_id in where.communities)


def screen_actor(creator: Actor, community_id: int | None) -> Actor:
    """The reads a screen of this scope may make: the creator's read permissions there, under one name."""
    can = frozenset(p for p in READS if holds(creator, p, community_id))
    return Actor(id=None, username="display", display_name="大屏", grants=(Grant("display", community_id, None, can),))


def _check(errors: LinkErrors, data: dict, settings: Settings) -> tuple[str, tuple[str, ...], int]:
    name = errors.text(data, "name", required=True)
    slides = data.get("slides") or ()
    if not isinstance(slides, list | tuple) or not all(isinstance(s, str) for s in slides):
        errors.add("slides", "error.unknown_choice", value=shown(slides))
        slides = ()
    unknown = [s for s in slides if s not in SLIDES]
    if unknown:
        errors.add("slides", "error.unknown_choice", value=", ".join(unknown)[:40])
    days = data.get("days")
    most = settings.briefing.link_max_days
    if not is_id(days) or not 1 <= days <= most:
        errors.add("days", "screen.bad_days", max=most)
    return name, tuple(s for s in slides if s in SLIDES), days


def create(engine: Engine, settings: Settings, *, actor: Actor, data: dict, now: datetime | None = None) -> str:
    """A new link from {name, community_id (None: the street), slides (names; none: all), days}; its token."""
    now = now or clock.now()
    data = form(data)
    community_id = data.get("community_id")
    if community_id is not None and not is_id(community_id):
        raise PermissionDenied("error.permission", permission="briefing.display")
    if not holds(actor, "briefing.display", community_id) or not holds(actor, "briefing.read", community_id):
        raise PermissionDenied("error.permission", permission="briefing.display")
    errors = LinkErrors()
    name, slides, days = _check(errors, data, settings)
    errors.raise_if_any()
    with transaction(engine) as session:
        if community_id is not None and session.get(Community, community_id) is None:
            raise PermissionDenied("error.permission", permission="briefing.display")
        link = DisplayLink(name=name, community_id=community_id, slides=",".join(slides), created_by=actor.id,
                           created_at=now, expires_at=now + timedelta(days=days))
        session.add(link)
        session.flush()
        audit.record(session, actor=actor, action="display.create", entity="display_link", entity_id=link.id,
                     community_id=community_id, at=now,
                     after={"name": name, "slides": link.slides, "expires_at": link.expires_at.isoformat()})
        return sign(secret(settings), link.id, link.version)


def _own(session, actor: Actor, link_id: object) -> DisplayLink:
    link = session.get(DisplayLink, link_id, with_for_update=True) if is_id(link_id) else None
    if link is None or not holds(actor, "briefing.display", link.community_id):
        raise PermissionDenied("error.permission", permission="briefing.display")
    return link


def rename(engine: Engine, *, actor: Actor, link_id: int, name: object, now: datetime | None = None) -> None:
    errors = LinkErrors()
    cleaned = errors.text({"name": name}, "name", required=True)
    errors.raise_if_any()
    with transaction(engine) as session:
        link = _own(session, actor, link_id)
        before, link.name = link.name, cleaned
        audit.record(session, actor=actor, action="display.rename", entity="display_link", entity_id=link.id,
                     community_id=link.community_id, at=now or clock.now(), before={"name": before},
                     after={"name": cleaned})


def revoke(engine: Engine, *, actor: Actor, link_id: int, now: datetime | None = None) -> None:
    """The link stops working at its screens' next refresh; revoking twice changes nothing."""
    now = now or clock.now()
    with transaction(engine) as session:
        link = _own(session, actor, link_id)
        if link.revoked_at is not None:
            return
        link.revoked_at, link.revoked_by = now, actor.id
        audit.record(session, actor=actor, action="display.revoke", entity="display_link", entity_id=link.id,
                     community_id=link.community_id, at=now, after={"name": link.name})


def status(link: DisplayLink, now: datetime) -> str:
    if link.revoked_at is not None:
        return "revoked"
    return "expired" if link.expires_at <= now else "active"


def links(engine: Engine, settings: Settings, *, actor: Actor, now: datetime | None = None) -> pd.DataFrame:
    """The links of the scopes where the actor may manage links (LIST_COLUMNS), newest first; the token only of
    links that still work."""
    now = now or clock.now()
    where = scope(actor, "briefing.display")
    query = (select(DisplayLink, Community.name, User.display_name)
             .join(Community, Community.id == DisplayLink.community_id, isouter=True)
             .join(User, User.id == DisplayLink.created_by).order_by(DisplayLink.id.desc()))
    if not where.everything:
        query = query.where(DisplayLink.community_id.in_(where.communities or {-1}))
    key = secret(settings)
    with reading(engine) as session:
        rows = [{"id": link.id, "name": link.name, "community": community, "slides": parse_slides(link.slides),
                 "created_by": creator, "created_at": link.created_at, "expires_at": link.expires_at,
                 "status": state, "last_used_on": link.last_used_on,
                 "token": sign(key, link.id, link.version) if state == "active" else None}
                for link, community, creator in session.execute(query) for state in [status(link, now)]]
    return pd.DataFrame(rows, columns=LIST_COLUMNS)


def demo_token(engine: Engine, settings: Settings, name: str, *, now: datetime | None = None) -> str | None:
    """The token of the working street link of this name (the demo's wall screen), if there is one."""
    now = now or clock.now()
    with reading(engine) as session:
        link = session.execute(select(DisplayLink).where(
            DisplayLink.name == name, DisplayLink.community_id.is_(None), DisplayLink.revoked_at.is_(None),
            DisplayLink.expires_at > now).order_by(DisplayLink.id).limit(1)).scalar_one_or_none()
    return None if link is None else sign(secret(settings), link.id, link.version)


def open_link(engine: Engine, settings: Settings, token: str, *, now: datetime | None = None) -> Opened:
    """What a screen with this token shows; LinkRefused when the token is forged or altered, the link revoked or
    expired, or its creator disabled or no longer allowed. The first use of a day is audited once."""
    now = now or clock.now()
    found = read_token(secret(settings), token) if isinstance(token, str) else None
    if found is None:
        raise LinkRefused("screen.forged")
    link_id, version = found
    with reading(engine) as session:
        link = session.get(DisplayLink, link_id)
    if link is None or link.version != version:
        raise LinkRefused("screen.forged")
    if status(link, now) != "active":
        raise LinkRefused(f"screen.{status(link, now)}")
    creator = load_actor(engine, settings, link.created_by, now=now, locked_ok=True)  # wrong passwords typed by
    # anyone must not blank the wall screens
    if creator is None or not holds(creator, "briefing.read", link.community_id):
        raise LinkRefused("screen.account")
    today = clock.local(now).date()
    if link.last_used_on != today:
        with transaction(engine) as session:
            first = session.execute(update(DisplayLink).where(
                DisplayLink.id == link.id, (DisplayLink.last_used_on != today) | DisplayLink.last_used_on.is_(None))
                .values(last_used_on=today)).rowcount
            if first:
                audit.record(session, actor=creator, action="display.use", entity="display_link", entity_id=link.id,
                             community_id=link.community_id, at=now, after={"name": link.name})
    return Opened(link.id, link.name, link.community_id, parse_slides(link.slides),
                  screen_actor(creator, link.community_id))
