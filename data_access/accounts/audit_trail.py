"""Reads of the audit trail for the audit screen, and its Excel export (itself recorded in the trail).

Everything is filtered, counted and paged in SQL: the trail grows to millions of rows and is never loaded whole.
Who may read what: `audit.read` street-wide sees every entry, including account and system entries (no
community); held in communities, it sees those communities' entries only. Residents' personal fields in the
values before and after are masked unless the reader holds `personal.view` where the entry belongs.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from sqlalchemy import Engine, false, func, select

from data_access import audit, clock
from data_access.db import reading, transaction
from data_access.models import AuditLog, Community
from data_access.service.exports import new_sheet, safe_cell
from domain.access import Actor, scope
from domain.errors import PermissionDenied
from domain.fields import plain
from domain.personal import MASKS, masked
from domain.service.workflow import Action
from i18n import strings, translate

PERMISSION = "audit.read"
EXPORT_LIMIT = 100_000
SUMMARY_MAX = 80
CELL_MAX = 32_000  # an Excel cell holds at most 32,767 characters
# Every action code written by data_access (grep `action=`), for the action filter; free prefixes work too.
COMMITTEE_ACTIONS = [
    "committee.unit_create", "committee.unit_update", "committee.rotation", "committee.agreement_create",
    "committee.agreement_update", "committee.need_create", "committee.need_update", "committee.resource_create",
    "committee.resource_update", "committee.project_create", "committee.project_update", "committee.item_create",
    "committee.item_update", "committee.claim", "committee.claim_withdraw", "committee.progress",
    "meeting.plan", "meeting.update", "meeting.open", "meeting.attendance", "meeting.agenda", "meeting.outcome",
    "meeting.action_done", "meeting.close", "export.minutes"]
COUNCIL_ACTIONS = [
    "council.create", "council.update", "council.member_create", "council.member_update", "council.topic_create",
    "council.topic_update", "council.meeting_plan", "council.meeting_update", "council.meeting_open",
    "council.attendance", "council.minutes", "council.decision", "council.notice", "council.follow_up",
    "council.review", "council.meeting_close", "export.council_minutes", "export.council_notice"]
ACTIONS = ["matter.create", *(f"matter.{a.value}" for a in Action if a is not Action.RECORD),
           "account.login", "account.login_sso", "account.login_failed", "account.login_refused", "account.locked",
           "account.create_first_admin", "user.create", "user.update", "user.roles", "user.password_reset",
           "user.enable", "user.disable", "user.unlock", "community.create", "personal.view",
           "export.ledger", "export.audit", "demo.seed", *COMMITTEE_ACTIONS, *COUNCIL_ACTIONS, "export.briefing",
           "account.logout", "display.create", "display.rename", "display.revoke", "display.use", "database.backup",
           "database.restore"]
ACTION_GROUPS = sorted({code.split(".", 1)[0] + "." for code in ACTIONS})
ENTITIES = ["matter", "user", "community", "street", "audit_log", "member_unit", "agreement", "need", "resource",
            "project", "service_item", "claim", "committee_meeting", "action_item", "council", "council_member",
            "council_topic", "council_meeting", "council_decision", "council_review", "briefing", "display_link",
            "database"]
COLUMNS = ["id", "at", "actor_name", "action", "entity", "entity_id", "community", "summary"]
# (column, header key, width) of the export
EXPORT_COLUMNS = [("id", "audit.col_id", 10), ("at", "audit.col_at", 20), ("actor_name", "audit.col_actor", 14),
                  ("action_label", "audit.col_action", 16), ("action", "audit.col_action_code", 22),
                  ("entity", "audit.col_entity", 12), ("entity_id", "audit.col_entity_id", 10),
                  ("community", "audit.col_community", 12), ("summary", "audit.col_summary", 40),
                  ("before", "audit.col_before", 60), ("after", "audit.col_after", 60)]


@dataclass(frozen=True)
class AuditFilter:
    """What the audit screen filters on. `action` is an exact code or a prefix ending in "." ("matter.").
    `without_community` keeps only account and system entries (which have no community)."""

    actor_name: str | None = None
    action: str | None = None
    entity: str | None = None
    community_id: int | None = None
    date_from: date | None = None
    date_to: date | None = None
    entity_id: int | None = None
    without_community: bool = False

    def described(self) -> dict:
        """The fields that are set, JSON-safe (for the export's own audit entry)."""
        return audit.described(self)


@dataclass(frozen=True)
class AuditEntry:
    """One entry as the reader may see it; `masked` tells whether personal fields were masked."""

    id: int
    at: datetime
    actor_id: int | None
    actor_name: str
    action: str
    entity: str
    entity_id: int | None
    community_id: int | None
    community: str | None
    before: dict | None
    after: dict | None
    masked: bool


def action_label(lang: str, code: str) -> str:
    """The name of an action code or of a group prefix ("matter."); the code itself when it has none."""
    key = f"audit.group_{code[:-1]}" if code.endswith(".") else "audit.action_" + code.replace(".", "_")
    return strings(lang).get(key) or code


def entity_label(lang: str, entity: str) -> str:
    return strings(lang).get(f"audit.entity_{entity}") or entity


def street_wide(actor: Actor) -> bool:
    """True if the actor reads the whole trail, account and system entries included."""
    return scope(actor, PERMISSION).everything


def may_see_personal(actor: Actor, community_id: int | None) -> bool:
    """Personal fields of an entry shown whole: `personal.view` in its whole community (street-wide for an
    entry without one); a grant in some grids of the community is not enough."""
    allowed = scope(actor, "personal.view")
    return allowed.everything or (community_id is not None and community_id in allowed.communities)


def _scope_conditions(actor: Actor) -> list | None:
    """The SQL conditions of the actor's audit scope; None if the actor may read no entry at all."""
    allowed = scope(actor, PERMISSION)
    if allowed.everything:
        return []
    if not allowed.communities:  # grid-level grants do not open a community's trail
        return None
    return [AuditLog.community_id.in_(sorted(allowed.communities))]


def where(flt: AuditFilter, actor: Actor) -> list:
    """The SQL conditions of a filter within the actor's scope."""
    conds = _scope_conditions(actor)
    if conds is None:
        return [false()]
    name = plain(flt.actor_name).lower()
    if name:
        conds.append(AuditLog.actor_name == name)
    action = plain(flt.action)
    if action.endswith("."):
        conds.append(AuditLog.action.startswith(action, autoescape=True))
    elif action:
        conds.append(AuditLog.action == action)
    if flt.entity:
        conds.append(AuditLog.entity == flt.entity)
    if flt.entity_id is not None:
        conds.append(AuditLog.entity_id == flt.entity_id)
    if flt.without_community:
        conds.append(AuditLog.community_id.is_(None))
    elif flt.community_id is not None:
        conds.append(AuditLog.community_id == flt.community_id)
    if flt.date_from:
        conds.append(AuditLog.at >= clock.day_start(flt.date_from))
    if flt.date_to:
        conds.append(AuditLog.at < clock.day_end(flt.date_to))
    return conds


def _select(flt: AuditFilter, actor: Actor):
    return (select(AuditLog.id, AuditLog.at, AuditLog.actor_name, AuditLog.action, AuditLog.entity,
                   AuditLog.entity_id, AuditLog.community_id, Community.name, AuditLog.before, AuditLog.after)
            .outerjoin(Community, Community.id == AuditLog.community_id)
            .where(*where(flt, actor))
            .order_by(AuditLog.at.desc(), AuditLog.id.desc()))


def _text(value) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _short(value, size: int = 16) -> str:
    text = "—" if value is None else _text(value)
    return text if len(text) <= size else text[:size - 1] + "…"


def summary(before: dict | None, after: dict | None, limit: int = SUMMARY_MAX) -> str:
    """A short line of what changed: "field: old → new" per changed field, or the values of a new record."""
    if isinstance(before, dict) and isinstance(after, dict):
        keys = sorted((k for k in {**before, **after} if before.get(k) != after.get(k)),
                      key=lambda k: (k != "step", k))  # the step first, then by name: the same line every time
        text = "; ".join(f"{k}: {_short(before.get(k))} → {_short(after.get(k))}" for k in keys)
    else:
        values = after if isinstance(after, dict) else before if isinstance(before, dict) else {}
        text = ", ".join(f"{k}={_short(v)}" for k, v in values.items() if v is not None)
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _visible(actor: Actor, community_id: int | None, values: dict | None, cache: dict) -> dict | None:
    """`values` masked unless the actor may see personal data where the entry belongs."""
    if community_id not in cache:
        cache[community_id] = may_see_personal(actor, community_id)
    return values if values is None or cache[community_id] else masked(values)


def _frame(rows, actor: Actor, *, full: bool = False) -> pd.DataFrame:
    """The page's columns (with the masked values before and after, as JSON text, when `full`)."""
    cache: dict = {}
    records = []
    for id_, at, name, action, entity, entity_id, community_id, community, before, after in rows:
        before = _visible(actor, community_id, before, cache)
        after = _visible(actor, community_id, after, cache)
        record = {"id": id_, "at": at, "actor_name": name, "action": action, "entity": entity,
                  "entity_id": entity_id, "community": community, "summary": summary(before, after)}
        if full:
            record["before"] = None if before is None else _text(before)
            record["after"] = None if after is None else _text(after)
        records.append(record)
    df = pd.DataFrame.from_records(records, columns=COLUMNS + (["before", "after"] if full else []))
    df["at"] = pd.to_datetime(df["at"], utc=True).dt.tz_convert(clock.ZONE)
    df["entity_id"] = df["entity_id"].astype("Int64")
    df["id"] = df["id"].astype("int64")
    return df


def count_entries(engine: Engine, flt: AuditFilter, *, actor: Actor, cap: int | None = None) -> int:
    """How many entries match the filter within the actor's scope; with `cap`, counting stops at cap + 1
    (a city's trail holds millions: an exact count reads them all, a capped one reads cap + 1 index entries)."""
    matching = select(AuditLog.id).where(*where(flt, actor))
    if cap is not None:
        matching = matching.limit(cap + 1)
    with reading(engine) as session:
        return int(session.execute(select(func.count()).select_from(matching.subquery())).scalar_one())


def entries_page(engine: Engine, flt: AuditFilter, *, actor: Actor, page: int = 1,
                 page_size: int = 50) -> pd.DataFrame:
    """One page of the filtered trail, newest first (columns: COLUMNS)."""
    query = _select(flt, actor).limit(page_size).offset(max(page - 1, 0) * page_size)
    with reading(engine) as session:
        return _frame(session.execute(query).all(), actor)


def entry_chunks(engine: Engine, flt: AuditFilter, *, actor: Actor, limit: int = EXPORT_LIMIT,
                 chunk: int = 2000) -> Iterator[pd.DataFrame]:
    """The filtered trail in chunks, newest first, at most `limit` rows, with before/after as JSON text."""
    query = _select(flt, actor).limit(limit)
    with reading(engine) as session:
        result = session.execute(query.execution_options(yield_per=chunk))
        for rows in result.partitions(chunk):
            yield _frame(rows, actor, full=True)


def entry(engine: Engine, entry_id: int, *, actor: Actor) -> AuditEntry | None:
    """One entry; None if absent or outside the actor's audit scope."""
    query = (select(AuditLog, Community.name).outerjoin(Community, Community.id == AuditLog.community_id)
             .where(AuditLog.id == entry_id, *where(AuditFilter(), actor)))
    with reading(engine) as session:
        row = session.execute(query).first()
    if row is None:
        return None
    log, community = row
    whole = may_see_personal(actor, log.community_id)
    hidden = not whole and any(side and any(side.get(k) for k in MASKS) for side in (log.before, log.after))
    return AuditEntry(id=log.id, at=clock.local(log.at), actor_id=log.actor_id, actor_name=log.actor_name,
                      action=log.action, entity=log.entity, entity_id=log.entity_id, community_id=log.community_id,
                      community=community, before=_visible(actor, log.community_id, log.before, {}),
                      after=_visible(actor, log.community_id, log.after, {}), masked=hidden)


def _cell_text(value) -> str | None:
    """A value as it is shown side by side: text as stored, anything else as JSON; absent or null is None."""
    return None if value is None else _text(value)


def side_by_side(before: dict | None, after: dict | None) -> pd.DataFrame:
    """Every field of either side with its value before and after (as text); changed fields first."""
    before, after = before or {}, after or {}
    rows = []
    for key in {**after, **before}:
        old, new = _cell_text(before.get(key)), _cell_text(after.get(key))
        rows.append({"field": key, "before": old, "after": new, "changed": old != new})
    rows.sort(key=lambda r: not r["changed"])  # stable: within each group, the fields keep their order
    frame = pd.DataFrame(rows, columns=["field", "before", "after", "changed"], dtype=object)
    return frame.astype({"changed": bool})


def scope_communities(engine: Engine, *, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the communities whose trail the actor may read."""
    allowed = scope(actor, PERMISSION)
    if allowed.empty or not (allowed.everything or allowed.communities):
        return []
    query = select(Community.id, Community.name).order_by(Community.id)
    if not allowed.everything:
        query = query.where(Community.id.in_(sorted(allowed.communities)))
    with reading(engine) as session:
        return [(cid, name) for cid, name in session.execute(query)]


def _safe(value):
    """A value as an Excel cell: missing is empty, text loses control characters and is never a formula."""
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, str):
        value = value if len(value) <= CELL_MAX else value[:CELL_MAX - 1] + "…"
    return safe_cell(value)


def trail_xlsx(engine: Engine, flt: AuditFilter, *, actor: Actor, lang: str, now: datetime | None = None) -> bytes:
    """The filtered trail (newest first, at most EXPORT_LIMIT rows) as an .xlsx file; the export itself is
    recorded in the trail ("export.audit") before the file is handed out."""
    if _scope_conditions(actor) is None:
        raise PermissionDenied("error.permission", permission=PERMISSION)
    book = Workbook(write_only=True)
    sheet = new_sheet(book, translate(lang, "audit.sheet"), EXPORT_COLUMNS, lang)
    rows = 0
    for frame in entry_chunks(engine, flt, actor=actor):
        frame["at"] = frame["at"].dt.strftime("%Y-%m-%d %H:%M:%S")
        frame["action_label"] = frame["action"].map(lambda code: action_label(lang, code))
        frame["entity"] = frame["entity"].map(lambda code: entity_label(lang, code))
        frame["entity_id"] = frame["entity_id"].astype(object).where(frame["entity_id"].notna(), None)
        for row in frame[[c for c, _, _ in EXPORT_COLUMNS]].itertuples(index=False):
            sheet.append([_safe(v) for v in row])
        rows += len(frame)
    out = io.BytesIO()
    book.save(out)
    allowed = scope(actor, PERMISSION)
    # Recorded where the data came from: the chosen community, else the reader's only community (so that its
    # secretaries see it); a street-wide export of several communities has none.
    community_id = flt.community_id
    if community_id is None and not flt.without_community and not allowed.everything \
            and len(allowed.communities) == 1:
        (community_id,) = allowed.communities
    with transaction(engine) as session:
        audit.record(session, actor=actor, action="export.audit", entity="audit_log", entity_id=None,
                     at=now or clock.now(), community_id=community_id,
                     after={"rows": rows, "filter": flt.described()})
    return out.getvalue()
