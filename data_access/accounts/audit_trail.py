"""Reads of the audit trail for the audit screen, and its Excel export (itself recorded in the trail).

Everything is filtered, counted and paged in SQL: the trail grows to millions of rows and is never loaded whole.
A page is read in two steps: the ids of its entries, in order, through an index alone, then those entries. Pages in
the older half of a counted trail are read from the oldest end. An action group ("user.") read street-wide is read
as a merge of one index-ordered read per code stored in it; see `entries_page`.
Who may read what: `audit.read` street-wide sees every entry, including account and system entries (no
community); held in communities, it sees those communities' entries only. Residents' personal fields in the
values before and after are masked unless the reader holds `personal.view` where the entry belongs.
"""

from __future__ import annotations

import io
import json
import math
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from sqlalchemy import Engine, false, func, select, text, union_all
from sqlalchemy.orm import Session

from data_access import audit, clock
from data_access.db import reading, transaction
from data_access.models import AuditLog, Community
from data_access.service.exports import new_sheet, safe_cell
from data_access.sql import code_equals, day_within, id_equals, page_offset
from domain.access import Actor, scope
from domain.errors import PermissionDenied
from domain.fields import is_id, plain
from domain.personal import MASKS, masked
from domain.service.workflow import Action
from domain.volunteer.orders import Action as VolunteerAction
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
VOLUNTEER_ACTIONS = [
    "volunteer.create", "volunteer.update", "volunteer.import", "volunteer.team_create", "volunteer.team_update",
    "volunteer.order_create", *(f"volunteer.order_{a.value}" for a in VolunteerAction), "volunteer.link_create",
    "volunteer.points_expire", "volunteer.good_create", "volunteer.good_update", "volunteer.redeem",
    "volunteer.redeem_cancel", "volunteer.certificate", "export.volunteers"]
FUND_ACTIONS = [
    "fund.open", "fund.manager_add", "fund.manager_remove", "fund.income", "fund.income_reverse", "fund.request",
    "fund.approve", "fund.reject", "fund.decision", "fund.withdraw", "fund.pay", "export.fund_statement",
    "export.fund_file"]
ACTIONS = ["matter.create", *(f"matter.{a.value}" for a in Action if a is not Action.RECORD),
           "account.login", "account.login_sso", "account.login_failed", "account.login_refused", "account.locked",
           "account.create_first_admin", "user.create", "user.update", "user.roles", "user.password_reset",
           "user.enable", "user.disable", "user.unlock", "community.create", "personal.view",
           "export.ledger", "export.audit", "demo.seed", *COMMITTEE_ACTIONS, *COUNCIL_ACTIONS, "export.briefing",
           "account.logout", "display.create", "display.rename", "display.revoke", "display.use", "database.backup",
           "database.restore", *VOLUNTEER_ACTIONS, *FUND_ACTIONS]
ACTION_GROUPS = sorted({code.split(".", 1)[0] + "." for code in ACTIONS})
ENTITIES = ["matter", "user", "community", "street", "audit_log", "member_unit", "agreement", "need", "resource",
            "project", "service_item", "claim", "committee_meeting", "action_item", "council", "council_member",
            "council_topic", "council_meeting", "council_decision", "council_review", "briefing", "display_link",
            "database", "volunteer", "volunteer_team", "volunteer_order", "store_good", "redemption", "certificate",
            "points_transfer", "fund", "fund_manager", "fund_income", "fund_request", "fund_file"]
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
    # a value no filter field holds (an id out of range, a date beyond a date field's reach) matches nothing
    if flt.entity:
        conds.append(code_equals(AuditLog.entity, flt.entity))
    if flt.entity_id is not None:
        conds.append(id_equals(AuditLog.entity_id, flt.entity_id))
    if flt.without_community:
        conds.append(AuditLog.community_id.is_(None))
    elif flt.community_id is not None:
        conds.append(id_equals(AuditLog.community_id, flt.community_id))
    return conds + day_within(AuditLog.at, flt.date_from or None, flt.date_to or None, moments=True)


def _columns():
    """The columns a page or an export shows, with the entry's community."""
    return (select(AuditLog.id, AuditLog.at, AuditLog.actor_name, AuditLog.action, AuditLog.entity,
                   AuditLog.entity_id, AuditLog.community_id, Community.name, AuditLog.before, AuditLog.after)
            .outerjoin(Community, Community.id == AuditLog.community_id))


def _select(flt: AuditFilter, actor: Actor):
    return _columns().where(*where(flt, actor)).order_by(AuditLog.at.desc(), AuditLog.id.desc())


# Every distinct action code stored, one index lookup each (a "loose index scan" of ix_audit_log_action_at), on
# SQLite and PostgreSQL alike: a city's trail holds millions of entries but a few dozen codes.
STORED_CODES = text(
    "WITH RECURSIVE codes(action) AS ("
    " SELECT min(action) FROM audit_log"
    " UNION ALL"
    " SELECT (SELECT min(a.action) FROM audit_log a WHERE a.action > codes.action) FROM codes"
    " WHERE codes.action IS NOT NULL)"
    " SELECT action FROM codes WHERE action IS NOT NULL")


def _group_codes(session: Session, flt: AuditFilter, actor: Actor) -> list[str] | None:
    """The stored codes of the filter's action group when the read should be driven by the action index: the
    filter names a group ("user."), the reader is street-wide and no community, actor or entity narrows the read
    (their own indexes do that better; SQLite, without statistics, can pick the worse one). None otherwise.

    A group's `LIKE 'user.%'` cannot use an index in SQLite, so a rare group's first page read the trail
    back to its oldest entries (3.5 s at 8 M entries) and its count read the whole table; `action IN (codes)`
    reads only the group's index entries, and needs no assumption about the database's collation."""
    prefix = plain(flt.action)
    if not prefix.endswith(".") or not street_wide(actor) or flt.without_community or any(
            value is not None for value in (flt.community_id, flt.entity, flt.entity_id)) or plain(flt.actor_name):
        return None
    return [code for code in session.execute(STORED_CODES).scalars() if code.startswith(prefix)]


def _matching(session: Session, flt: AuditFilter, actor: Actor) -> tuple[list, list[str] | None]:
    """The conditions of the filter within the actor's scope, and the group's stored codes when the read is driven
    by them (the conditions then leave the action out)."""
    codes = _group_codes(session, flt, actor)
    if codes is None:
        return where(flt, actor), None
    return where(replace(flt, action=None), actor), codes


def _order(ascending: bool) -> tuple:
    return (AuditLog.at.asc(), AuditLog.id.asc()) if ascending else (AuditLog.at.desc(), AuditLog.id.desc())


def _page_ids(conds: list, codes: list[str] | None, *, offset: int, limit: int, ascending: bool, dialect: str):
    """The ids of one page, in order, read through an index alone (no row is fetched for the entries skipped).

    With a group's codes: one read per code through ix_audit_log_action_at (action, at, id), merged in order, so
    that only about offset + limit index entries are read whatever the group's size or age. SQLite merges the
    arms of `UNION ALL ... ORDER BY` itself, reading each in index order and stopping at the page. PostgreSQL
    merges (Merge Append) only arms that are each ordered and limited to offset + limit; SQLite would sort those."""
    if codes is None:
        return select(AuditLog.id).where(*conds).order_by(*_order(ascending)).offset(offset).limit(limit)
    if not codes:
        return select(AuditLog.id).where(false())
    arms = [select(AuditLog.id, AuditLog.at).where(AuditLog.action == code, *conds) for code in codes]
    if len(arms) == 1:
        return arms[0].with_only_columns(AuditLog.id).order_by(*_order(ascending)).offset(offset).limit(limit)
    if dialect != "sqlite":
        arms = [arm.order_by(*_order(ascending)).limit(offset + limit) for arm in arms]
    merged = union_all(*arms)
    columns = merged.selected_columns
    order = (columns.at.asc(), columns.id.asc()) if ascending else (columns.at.desc(), columns.id.desc())
    return merged.order_by(*order).offset(offset).limit(limit)


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


def _count(session, conds: list, codes: list[str] | None, cap: int | None) -> int:
    if codes is not None:
        conds = [*conds, AuditLog.action.in_(codes) if codes else false()]
    matching = select(AuditLog.id).where(*conds)
    if cap is not None:
        matching = matching.limit(cap + 1)
    return int(session.execute(select(func.count()).select_from(matching.subquery())).scalar_one())


def count_entries(engine: Engine, flt: AuditFilter, *, actor: Actor, cap: int | None = None) -> int:
    """How many entries match the filter within the actor's scope; with `cap`, counting stops at cap + 1
    (a city's trail holds millions: an exact count reads them all, a capped one reads cap + 1 index entries)."""
    with reading(engine) as session:
        conds, codes = _matching(session, flt, actor)
        return _count(session, conds, codes, cap)


def entries_page(engine: Engine, flt: AuditFilter, *, actor: Actor, page: int = 1, page_size: int = 50,
                 count_up_to: int | None = None) -> pd.DataFrame:
    """One page of the filtered trail, newest first (columns: COLUMNS): the entries at positions
    (page - 1) * page_size onwards of the trail ordered by `at` then id, both descending.

    With `count_up_to`, the page first counts the filter's entries, in the same read, up to that many; when they
    are no more, a page nearer the oldest end is read from that end, oldest first, and turned round: the last of
    160,000 pages skips no entry instead of 8 million. (A count taken earlier would not do: every action adds
    an entry, and a stale count shifts the page.) Otherwise a deep page skips its entries in an index alone
    (about 0.2 s per 8 million)."""
    offset, limit = page_offset(page, page_size), page_size
    with reading(engine) as session:
        conds, codes = _matching(session, flt, actor)
        total = None if count_up_to is None else _count(session, conds, codes, count_up_to)
        end = None if total is None or total > count_up_to else min(offset + page_size, total)
        ascending = end is not None and offset < end and total - end < offset
        if ascending:
            offset, limit = total - end, end - offset
        query = _page_ids(conds, codes, offset=offset, limit=limit, ascending=ascending,
                          dialect=engine.dialect.name)
        ids = list(session.execute(query).scalars())
        if ascending:
            ids.reverse()
        found = {row[0]: row for row in session.execute(_columns().where(AuditLog.id.in_(ids)))} if ids else {}
    return _frame([found[id_] for id_ in ids if id_ in found], actor)


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
    if not is_id(entry_id):
        return None
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
    community_id = flt.community_id if is_id(flt.community_id) else None
    if community_id is None and not flt.without_community and not allowed.everything \
            and len(allowed.communities) == 1:
        (community_id,) = allowed.communities
    with transaction(engine) as session:
        audit.record(session, actor=actor, action="export.audit", entity="audit_log", entity_id=None,
                     at=now or clock.now(), community_id=community_id,
                     after={"rows": rows, "filter": flt.described()})
    return out.getvalue()
