"""Reads of the joint party committee (联合党委): member units, agreements, the three lists, service items,
claims and the dashboard. Everything is counted, rolled up and paged in SQL; no table is loaded whole and
progress updates (with their files) are never read here.

Each read takes the actor and looks only where the actor holds "committee.read": another community's rows are
simply not there, and an actor without the permission gets empty results. A member unit's liaison phone comes
masked unless the actor holds "personal.view" in the whole community.

The figures follow the committee's shared definitions (domain/committee/rules.py in SQL): an item is claimed when it
has an active claim, complete when done >= target, overdue when its period is over and it is not complete,
behind when it is not complete and domain.behind_schedule says so, and stale when it is claimed, not complete,
and its active claims have no update since the community's last closed progress meeting.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Date, Engine, Float, Numeric, and_, case, cast, false, func, literal, or_, select
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from data_access import clock
from data_access.db import reading
from data_access.models import (
    Agreement,
    Claim,
    CommitteeMeeting,
    Community,
    Matter,
    MemberUnit,
    Need,
    Project,
    Resource,
    ServiceItem,
    User,
)
from data_access.org import communities
from data_access.sql import (
    as_date,
    code_equals,
    count_if,
    float_or_none,
    frame,
    id_equals,
    page_of,
    ratio,
    row_offset,
    within,
)
from domain.access import Actor, scope
from domain.committee.rules import CLAIM_ACTIVE, CLAIM_WITHDRAWN, claim_rate
from domain.errors import ValidationFailed
from domain.fields import shown
from domain.personal import mask_phone

SHOW = ("all", "claimed", "unclaimed", "complete", "overdue", "stale", "behind")
ITEM_STATES = ("complete", "overdue", "behind", "stale", "unclaimed", "on_track")  # in order of precedence
CLAIM_STATUSES = (CLAIM_ACTIVE, CLAIM_WITHDRAWN, "all")
SIGNED = ("signed", "ended")  # an agreement that was signed (and may since have ended)

UNIT_COLUMNS = ["id", "name", "kind", "party_org", "liaison", "liaison_phone", "party_members", "volunteer_team",
                "speciality", "representative_id", "representative", "joined_on", "left_on", "active",
                "rota_position", "agreement_status", "claims", "fulfilment"]
AGREEMENT_COLUMNS = ["unit_id", "unit", "agreement_id", "status", "signed_on", "commitments", "active"]
NEED_COLUMNS = ["id", "title", "detail", "source", "matter_id", "matter_number", "council_decision_id", "project_id",
                "project", "raised_on", "created_by"]
RESOURCE_COLUMNS = ["id", "unit_id", "unit", "kind", "title", "detail"]
PROJECT_COLUMNS = ["id", "name", "detail", "items", "claimed_items", "complete_items", "progress"]
ITEM_COLUMNS = ["id", "project_id", "project", "community_id", "community", "name", "target", "unit", "frequency",
                "period_start", "period_end", "beneficiaries", "done", "share", "claims", "claimed_by",
                "last_update_on", "claimed", "complete", "overdue", "behind", "stale", "state"]
CLAIM_COLUMNS = ["id", "item_id", "item", "project_id", "project", "unit_id", "unit", "representative_id", "pledge",
                 "done", "share", "claimed_on", "last_update_on", "status", "withdrawn_on", "withdraw_reason",
                 "behind", "target", "unit_label", "period_start", "period_end"]
RANKING_COLUMNS = ["unit_id", "unit", "community_id", "community", "claims", "fulfilment", "rank"]
PROJECT_RANKING_COLUMNS = ["project_id", "project", "community_id", "community", "items", "claimed_items",
                           "complete_items", "progress"]


# --- SQL building blocks -------------------------------------------------------------------------------------

class _days(FunctionElement):
    """Days from the second date to the first, as a float (julianday on SQLite, date subtraction on PostgreSQL)."""

    type = Float()
    inherit_cache = True
    name = "days_between"


@compiles(_days)
def _days_sqlite(element, compiler, **kw) -> str:  # noqa: ANN001
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"(julianday({later}) - julianday({earlier}))"


@compiles(_days, "postgresql")
def _days_postgresql(element, compiler, **kw) -> str:  # noqa: ANN001
    later, earlier = (compiler.process(arg, **kw) for arg in element.clauses)
    return f"CAST(CAST({later} AS DATE) - CAST({earlier} AS DATE) AS DOUBLE PRECISION)"


def _readable(actor: Actor, chosen=None) -> tuple[int, ...] | None:
    """The communities the actor may read the committee of, cut to `chosen` (None: all of them, or every one)."""
    return scope(actor, "committee.read").community_ids(None if chosen is None else tuple(chosen))


def _capped(done, limit):
    """min(done, limit) for a positive limit, 0 otherwise (what counts towards a target or a pledge)."""
    return case((limit <= 0, 0.0), (done < limit, done), else_=limit)


def _positive(value):
    return case((value > 0, value), else_=0.0)


def _rank_key(ratio):
    """A ratio rounded to 9 places for ordering, so that equal shares summed in another order still tie
    (32.3/38 and 13.6/16 are both .85, but not in floating point)."""
    return func.round(cast(ratio, Numeric(20, 12)), 9)


def _active_unit(today: date):
    """A member unit that has not left (left_on empty or still ahead)."""
    return or_(MemberUnit.left_on.is_(None), MemberUnit.left_on > today)


def _optional_floats(values) -> pd.Series:
    """Floats with None where there is nothing to weigh (object dtype, so None stays None rather than NaN)."""
    return pd.Series([float_or_none(v) for v in values], dtype=object)


@dataclass(frozen=True)
class _ItemSql:
    """The per-item expressions of the shared definitions, over ServiceItem joined to the two subqueries."""

    claims: object      # subquery: item_id, n (active claims), last_update_on (latest of them)
    meetings: object    # subquery: community_id, day (its last closed progress meeting on or before today)
    share: object
    claimed: object
    complete: object
    overdue: object
    behind: object
    stale: object

    def joined(self, query):
        return (query.join(Project, Project.id == ServiceItem.project_id)
                .outerjoin(self.claims, self.claims.c.item_id == ServiceItem.id)
                .outerjoin(self.meetings, self.meetings.c.community_id == ServiceItem.community_id))


def _active_claims(ids: tuple[int, ...] | None):
    """Per claimed item: how many active claims it has and the latest update of any of them."""
    return (select(Claim.item_id.label("item_id"), func.count().label("n"),
                   func.max(Claim.last_update_on).label("last_update_on"))
            .where(Claim.status == CLAIM_ACTIVE, *within(Claim.community_id, ids))
            .group_by(Claim.item_id).subquery("active_claims"))


def _item_sql(ids: tuple[int, ...] | None, today: date, tolerance: float) -> _ItemSql:
    active = _active_claims(ids)
    last = (select(CommitteeMeeting.community_id.label("community_id"), func.max(CommitteeMeeting.day).label("day"))
            .where(CommitteeMeeting.kind == "progress", CommitteeMeeting.status == "closed",
                   CommitteeMeeting.day <= today, *within(CommitteeMeeting.community_id, ids))
            .group_by(CommitteeMeeting.community_id).subquery("last_meeting"))
    item = ServiceItem
    share = case((item.target <= 0, 0.0), (item.done >= item.target, 1.0), (item.done <= 0, 0.0),
                 else_=cast(item.done, Float) / cast(item.target, Float))
    unfinished = item.done < item.target
    claimed = active.c.n.is_not(None)
    elapsed = case((item.period_start < item.period_end,
                    _days(literal(today, Date), item.period_start) / _days(item.period_end, item.period_start)),
                   else_=None)
    behind = and_(unfinished, or_(item.period_end < today,
                                  and_(item.period_start < today, item.period_start < item.period_end,
                                       share + tolerance < elapsed)))
    stale = and_(claimed, unfinished, or_(active.c.last_update_on.is_(None),
                                          and_(last.c.day.is_not(None), active.c.last_update_on < last.c.day)))
    return _ItemSql(claims=active, meetings=last, share=share, claimed=claimed, complete=item.done >= item.target,
                    overdue=and_(unfinished, item.period_end < today), behind=behind, stale=stale)


def _unit_claims(ids: tuple[int, ...] | None, year: int):
    """Per unit: its active claims on the year's items, what they did (capped at each pledge) and pledged."""
    return (select(Claim.unit_id.label("unit_id"), func.count().label("claims"),
                   func.sum(_capped(Claim.done, Claim.pledge)).label("did"),
                   func.sum(_positive(Claim.pledge)).label("pledged"))
            .join(ServiceItem, ServiceItem.id == Claim.item_id)
            .join(Project, Project.id == ServiceItem.project_id)
            .where(Claim.status == CLAIM_ACTIVE, Project.year == year, *within(Claim.community_id, ids))
            .group_by(Claim.unit_id).subquery("unit_claims"))


# --- the community lists -------------------------------------------------------------------------------------

def committee_communities(engine: Engine, *, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the communities whose committee the actor may read."""
    return communities(engine, actor=actor, permission="committee.read")


def units(engine: Engine, *, actor: Actor, community_id: int, year: int, today: date | None = None) -> pd.DataFrame:
    """A community's member units (active first, in rotation order, then by name) with their representative,
    their agreement's status for `year`, and their active claims on the year's items and fulfilment (0-1, None
    without a pledge). Liaison phones are masked unless the actor holds personal.view in the community."""
    ids = _readable(actor, (community_id,))
    if not ids:
        return frame([], UNIT_COLUMNS)
    today = today or clock.today()
    uc = _unit_claims(ids, year)
    active = _active_unit(today)
    query = (select(MemberUnit.id, MemberUnit.name, MemberUnit.kind, MemberUnit.party_org, MemberUnit.liaison,
                    MemberUnit.liaison_phone, MemberUnit.party_members, MemberUnit.volunteer_team,
                    MemberUnit.speciality, MemberUnit.representative_id, User.display_name, MemberUnit.joined_on,
                    MemberUnit.left_on, case((active, 1), else_=0), MemberUnit.rota_position, Agreement.status,
                    func.coalesce(uc.c.claims, 0), ratio(uc.c.did, uc.c.pledged))
             .outerjoin(User, User.id == MemberUnit.representative_id)
             .outerjoin(Agreement, and_(Agreement.unit_id == MemberUnit.id, Agreement.year == year))
             .outerjoin(uc, uc.c.unit_id == MemberUnit.id)
             .where(MemberUnit.community_id.in_(ids))
             .order_by(case((active, 0), else_=1), case((MemberUnit.rota_position.is_(None), 1), else_=0),
                       MemberUnit.rota_position, MemberUnit.name, MemberUnit.id))
    with reading(engine) as session:
        df = frame(session.execute(query).all(), UNIT_COLUMNS)
    df["active"] = df["active"].astype(bool)
    df["claims"] = df["claims"].astype(int)
    df["fulfilment"] = _optional_floats(df["fulfilment"]).to_numpy()
    if not scope(actor, "personal.view").allows(community_id):
        df["liaison_phone"] = [mask_phone(v) for v in df["liaison_phone"]]
    return df


def agreements(engine: Engine, *, actor: Actor, community_id: int, year: int,
               today: date | None = None) -> pd.DataFrame:
    """One row per active member unit (and per unit that has since left but has an agreement for `year`): its
    agreement for the year, status None when there is none."""
    ids = _readable(actor, (community_id,))
    if not ids:
        return frame([], AGREEMENT_COLUMNS)
    today = today or clock.today()
    active = _active_unit(today)
    query = (select(MemberUnit.id, MemberUnit.name, Agreement.id, Agreement.status, Agreement.signed_on,
                    Agreement.commitments, case((active, 1), else_=0))
             .outerjoin(Agreement, and_(Agreement.unit_id == MemberUnit.id, Agreement.year == year))
             .where(MemberUnit.community_id.in_(ids), or_(active, Agreement.id.is_not(None)))
             .order_by(case((active, 0), else_=1), case((MemberUnit.rota_position.is_(None), 1), else_=0),
                       MemberUnit.rota_position, MemberUnit.name, MemberUnit.id))
    with reading(engine) as session:
        df = frame(session.execute(query).all(), AGREEMENT_COLUMNS)
    df["active"] = df["active"].astype(bool)
    return df


def needs(engine: Engine, *, actor: Actor, community_id: int, year: int | None = None) -> pd.DataFrame:
    """A community's needs list, newest first (raised in `year` when given), with the matter's number and the
    answering project's name."""
    ids = _readable(actor, (community_id,))
    if not ids:
        return frame([], NEED_COLUMNS)
    conds = [Need.community_id.in_(ids)]
    if year is not None:
        conds += [Need.raised_on >= date(year, 1, 1), Need.raised_on <= date(year, 12, 31)]
    query = (select(Need.id, Need.title, Need.detail, Need.source, Need.matter_id, Matter.number,
                    Need.council_decision_id, Need.project_id, Project.name, Need.raised_on, Need.created_by)
             .outerjoin(Matter, Matter.id == Need.matter_id)
             .outerjoin(Project, Project.id == Need.project_id)
             .where(*conds).order_by(Need.raised_on.desc(), Need.id.desc()))
    with reading(engine) as session:
        return frame(session.execute(query).all(), NEED_COLUMNS)


def resources(engine: Engine, *, actor: Actor, community_id: int, unit_id: int | None = None) -> pd.DataFrame:
    """A community's resources list (what each member unit offers), by unit name."""
    ids = _readable(actor, (community_id,))
    if not ids:
        return frame([], RESOURCE_COLUMNS)
    conds = [Resource.community_id.in_(ids)]
    if unit_id is not None:
        conds.append(id_equals(Resource.unit_id, unit_id))
    query = (select(Resource.id, Resource.unit_id, MemberUnit.name, Resource.kind, Resource.title, Resource.detail)
             .join(MemberUnit, MemberUnit.id == Resource.unit_id)
             .where(*conds).order_by(MemberUnit.name, Resource.unit_id, Resource.id))
    with reading(engine) as session:
        return frame(session.execute(query).all(), RESOURCE_COLUMNS)


def _project_select(ids: tuple[int, ...] | None, year: int, *columns):
    """Projects of the year with their items' counts and rolled-up progress (weighted by target)."""
    active = _active_claims(ids)
    progress = ratio(func.sum(_capped(ServiceItem.done, ServiceItem.target)), func.sum(_positive(ServiceItem.target)))
    query = (select(*columns, func.count(ServiceItem.id), count_if(active.c.n.is_not(None)),
                    count_if(ServiceItem.done >= ServiceItem.target), progress)
             .select_from(Project)
             .outerjoin(ServiceItem, ServiceItem.project_id == Project.id)
             .outerjoin(active, active.c.item_id == ServiceItem.id)
             .where(Project.year == year, *within(Project.community_id, ids)))
    return query, progress


def _project_frame(rows, columns: list[str]) -> pd.DataFrame:
    df = frame(rows, columns)
    for column in ("items", "claimed_items", "complete_items"):
        df[column] = df[column].astype(int)
    df["progress"] = _optional_floats(df["progress"]).to_numpy()
    return df


def projects(engine: Engine, *, actor: Actor, community_id: int, year: int) -> pd.DataFrame:
    """A community's projects of `year` with how many items they have, how many are claimed and complete, and
    their progress rolled up over the items weighted by target (None without items)."""
    ids = _readable(actor, (community_id,))
    if not ids:
        return frame([], PROJECT_COLUMNS)
    query, _ = _project_select(ids, year, Project.id, Project.name, Project.detail)
    query = query.group_by(Project.id, Project.name, Project.detail).order_by(Project.id)
    with reading(engine) as session:
        return _project_frame(session.execute(query).all(), PROJECT_COLUMNS)


# --- service items and claims --------------------------------------------------------------------------------

def _state(row) -> str:
    for state in ("complete", "overdue", "behind", "stale"):
        if row[state]:
            return state
    return "on_track" if row["claimed"] else "unclaimed"


def items(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None, year: int, show: str = "all",
          unit_id: int | None = None, project_id: int | None = None, today: date | None = None, offset: int = 0,
          limit: int = 50, tolerance: float = 0.1) -> tuple[pd.DataFrame, int]:
    """One page of the year's service items (by community, project and item) that match `show` (one of SHOW),
    and how many match. `unit_id` keeps the items that unit actively claims. `state` is the first of
    ITEM_STATES that applies; the flags claimed, complete, overdue, behind and stale are there too."""
    if show not in SHOW:
        raise ValidationFailed({"show": ("error.unknown_choice", {"value": shown(show)})})
    ids = _readable(actor, community_ids)
    if ids == ():
        return frame([], ITEM_COLUMNS), 0
    today = today or clock.today()
    parts = _item_sql(ids, today, tolerance)
    conds = [Project.year == year, *within(Project.community_id, ids)]
    if project_id is not None:
        conds.append(id_equals(ServiceItem.project_id, project_id))
    if unit_id is not None:
        conds.append(select(Claim.id).where(Claim.item_id == ServiceItem.id, id_equals(Claim.unit_id, unit_id),
                                            Claim.status == CLAIM_ACTIVE).exists())
    if show != "all":
        shows = {"claimed": parts.claimed, "unclaimed": parts.claims.c.n.is_(None), "complete": parts.complete,
                 "overdue": parts.overdue, "stale": parts.stale, "behind": parts.behind}
        conds.append(shows[show] if isinstance(show, str) and show in shows else false())
    flags = [case((flag, 1), else_=0) for flag in (parts.claimed, parts.complete, parts.overdue, parts.behind,
                                                   parts.stale)]
    page = (parts.joined(select(ServiceItem.id, ServiceItem.project_id, Project.name, ServiceItem.community_id,
                                Community.name, ServiceItem.name, ServiceItem.target, ServiceItem.unit,
                                ServiceItem.frequency, ServiceItem.period_start, ServiceItem.period_end,
                                ServiceItem.beneficiaries, ServiceItem.done, parts.share,
                                func.coalesce(parts.claims.c.n, 0), parts.claims.c.last_update_on, *flags)
                         .select_from(ServiceItem))
            .join(Community, Community.id == ServiceItem.community_id)
            .where(*conds)
            .order_by(Community.name, ServiceItem.community_id, Project.id, ServiceItem.id))
    columns = [c for c in ITEM_COLUMNS if c not in ("claimed_by", "state")]
    with reading(engine) as session:
        rows, count = page_of(session, page, offset, limit)
        df = frame(rows, columns)
        names: dict[int, list[str]] = {}
        if not df.empty:
            claimed_by = (select(Claim.item_id, MemberUnit.name).join(MemberUnit, MemberUnit.id == Claim.unit_id)
                          .where(Claim.item_id.in_([int(i) for i in df["id"]]), Claim.status == CLAIM_ACTIVE)
                          .order_by(Claim.item_id, Claim.claimed_on, Claim.id))
            for item_id, name in session.execute(claimed_by):
                names.setdefault(item_id, []).append(name)
    for flag in ("claimed", "complete", "overdue", "behind", "stale"):
        df[flag] = df[flag].astype(bool)
    df["claims"] = df["claims"].astype(int)
    df["share"] = df["share"].astype(float)
    df.insert(ITEM_COLUMNS.index("claimed_by"), "claimed_by", [names.get(int(i), []) for i in df["id"]])
    df["state"] = [_state(row) for _, row in df.iterrows()] if not df.empty else pd.Series(dtype=object)
    return df[ITEM_COLUMNS], count


def claims(engine: Engine, *, actor: Actor, community_id: int, unit_id: int | None = None, status: str = "active",
           year: int | None = None, item_id: int | None = None, today: date | None = None,
           tolerance: float = 0.1) -> pd.DataFrame:
    """A community's claims (status active, withdrawn or all), by unit, project and item. `share` is done of the
    pledge; `behind` applies domain.behind_schedule to that share over the item's period (never for a withdrawn
    or fulfilled claim)."""
    if status not in CLAIM_STATUSES:
        raise ValidationFailed({"status": ("error.unknown_choice", {"value": shown(status)})})
    ids = _readable(actor, (community_id,))
    if not ids:
        return frame([], CLAIM_COLUMNS)
    today = today or clock.today()
    conds = [Claim.community_id.in_(ids)]
    if status != "all":
        conds.append(code_equals(Claim.status, status))
    if unit_id is not None:
        conds.append(id_equals(Claim.unit_id, unit_id))
    if item_id is not None:
        conds.append(id_equals(Claim.item_id, item_id))
    if year is not None:
        conds.append(Project.year == year)
    item = ServiceItem
    share = case((Claim.pledge <= 0, 0.0), (Claim.done >= Claim.pledge, 1.0), (Claim.done <= 0, 0.0),
                 else_=cast(Claim.done, Float) / cast(Claim.pledge, Float))
    elapsed = case((item.period_start < item.period_end,
                    _days(literal(today, Date), item.period_start) / _days(item.period_end, item.period_start)),
                   else_=None)
    behind = and_(Claim.status == CLAIM_ACTIVE, Claim.done < Claim.pledge,
                  or_(item.period_end < today, and_(item.period_start < today, item.period_start < item.period_end,
                                                    share + tolerance < elapsed)))
    query = (select(Claim.id, Claim.item_id, item.name, item.project_id, Project.name, Claim.unit_id, MemberUnit.name,
                    MemberUnit.representative_id, Claim.pledge, Claim.done, share, Claim.claimed_on,
                    Claim.last_update_on, Claim.status, Claim.withdrawn_on, Claim.withdraw_reason,
                    case((behind, 1), else_=0), item.target, item.unit, item.period_start, item.period_end)
             .join(item, item.id == Claim.item_id)
             .join(Project, Project.id == item.project_id)
             .join(MemberUnit, MemberUnit.id == Claim.unit_id)
             .where(*conds).order_by(MemberUnit.name, Claim.unit_id, Project.id, item.id, Claim.id))
    with reading(engine) as session:
        df = frame(session.execute(query).all(), CLAIM_COLUMNS)
    df["behind"] = df["behind"].astype(bool)
    df["share"] = df["share"].astype(float)
    return df


# --- the dashboard -------------------------------------------------------------------------------------------

def _ranking_select(ids: tuple[int, ...] | None, year: int, today: date):
    uc = _unit_claims(ids, year)
    fulfilment = ratio(uc.c.did, uc.c.pledged)
    claims_n = func.coalesce(uc.c.claims, 0)
    base = (select(MemberUnit.id, MemberUnit.name, MemberUnit.community_id, Community.name, claims_n, fulfilment)
            .join(Community, Community.id == MemberUnit.community_id)
            .outerjoin(uc, uc.c.unit_id == MemberUnit.id)
            .where(or_(_active_unit(today), uc.c.claims > 0), *within(MemberUnit.community_id, ids)))
    order = [case((fulfilment.is_(None), 1), else_=0), _rank_key(fulfilment).desc(), claims_n.desc(), MemberUnit.name,
             MemberUnit.id]
    return base, order


def _ranking(session, ids, year: int, today: date, offset: int, limit: int) -> tuple[pd.DataFrame, int]:
    base, order = _ranking_select(ids, year, today)
    rows, total = page_of(session, base.order_by(*order), offset, limit)
    df = frame([(*r, row_offset(offset) + i + 1) for i, r in enumerate(rows)], RANKING_COLUMNS)
    df["claims"] = df["claims"].astype(int)
    df["fulfilment"] = _optional_floats(df["fulfilment"]).to_numpy()
    df["rank"] = df["rank"].astype(int)
    return df, total


def unit_ranking(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None, year: int, offset: int = 0,
                 limit: int = 50, today: date | None = None) -> tuple[pd.DataFrame, int]:
    """One page of the ranking of member units (active ones, and any with active claims on the year's items) by
    fulfilment (units without a pledge last), then active claims, then name; and how many units it ranks."""
    ids = _readable(actor, community_ids)
    if ids == ():
        return frame([], RANKING_COLUMNS), 0
    with reading(engine) as session:
        return _ranking(session, ids, year, today or clock.today(), offset, limit)


def _projects_ranked(session, ids, year: int, offset: int, limit: int) -> tuple[pd.DataFrame, int]:
    query, progress = _project_select(ids, year, Project.id, Project.name, Project.community_id, Community.name)
    query = (query.join(Community, Community.id == Project.community_id)
             .group_by(Project.id, Project.name, Project.community_id, Community.name))
    ordered = query.order_by(case((progress.is_(None), 1), else_=0), _rank_key(progress).desc(),
                             func.count(ServiceItem.id).desc(), Project.name, Project.id)
    rows = session.execute(ordered.offset(row_offset(offset)).limit(limit)).all()
    total = int(session.execute(select(func.count()).where(Project.year == year,
                                                           *within(Project.community_id, ids))).scalar_one())
    return _project_frame(rows, PROJECT_RANKING_COLUMNS), total


def project_ranking(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None, year: int,
                    offset: int = 0, limit: int = 50) -> tuple[pd.DataFrame, int]:
    """One page of the year's projects by rolled-up progress (projects without items last), then number of
    items, then name; and how many projects there are."""
    ids = _readable(actor, community_ids)
    if ids == ():
        return frame([], PROJECT_RANKING_COLUMNS), 0
    with reading(engine) as session:
        return _projects_ranked(session, ids, year, offset, limit)


@dataclass(frozen=True)
class Dashboard:
    """The committee's figures for a year over some communities (see the module's definitions)."""

    listed: int                       # service items of the year's projects
    claimed: int                      # of them with an active claim
    claim_rate: float | None          # claimed / listed (认领率)
    complete: int                     # items with done >= target
    completion: float | None          # rolled up over items, weighted by target
    overdue: int
    stale: int
    behind: int                       # overdue items are behind too
    units: int                        # active member units
    agreements_signed: int            # agreements of the year signed (or signed and since ended)
    agreements_due: int               # active units without such an agreement
    by_unit: pd.DataFrame             # the top of unit_ranking: RANKING_COLUMNS
    by_project: pd.DataFrame          # the top of project_ranking: PROJECT_RANKING_COLUMNS
    meetings_held: int                # closed progress meetings in the year
    last_meeting_day: date | None     # the latest closed progress meeting, on or before today
    completion_unweighted: float | None = None  # the plain mean of the items' shares, for comparison
    ranked_units: int = 0             # rows of the whole unit ranking (by_unit holds the top ones)
    projects: int = 0                 # projects of the year (by_project holds the top ones)
    next_meeting_day: date | None = None  # the earliest planned meeting from today on


def dashboard(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None, year: int,
              today: date | None = None, tolerance: float = 0.1, top: int = 20) -> Dashboard:
    """The dashboard of `year` over the chosen communities (None: every one the actor may read); by_unit and
    by_project hold the first `top` of their rankings, ranked_units and projects the full counts."""
    today = today or clock.today()
    ids = _readable(actor, community_ids)
    if ids == ():
        return Dashboard(0, 0, None, 0, None, 0, 0, 0, 0, 0, 0, frame([], RANKING_COLUMNS),
                         frame([], PROJECT_RANKING_COLUMNS), 0, None)
    parts = _item_sql(ids, today, tolerance)
    figures = parts.joined(
        select(func.count(ServiceItem.id), count_if(parts.claimed), count_if(parts.complete),
               func.sum(_capped(ServiceItem.done, ServiceItem.target)), func.sum(_positive(ServiceItem.target)),
               func.avg(parts.share), count_if(parts.overdue), count_if(parts.stale), count_if(parts.behind))
        .select_from(ServiceItem)).where(Project.year == year, *within(Project.community_id, ids))
    signed = Agreement.status.in_(SIGNED)
    has_signed = (select(Agreement.id).where(Agreement.unit_id == MemberUnit.id, Agreement.year == year, signed)
                  .exists())
    active_units = [_active_unit(today), *within(MemberUnit.community_id, ids)]
    progress = [CommitteeMeeting.kind == "progress", *within(CommitteeMeeting.community_id, ids)]
    closed = [*progress, CommitteeMeeting.status == "closed"]
    others = select(*(query.scalar_subquery() for query in (
        select(func.count()).where(*active_units),
        select(func.count()).where(*active_units, ~has_signed),
        select(func.count()).where(Agreement.year == year, signed, *within(Agreement.community_id, ids)),
        select(func.count()).where(*closed, CommitteeMeeting.day >= date(year, 1, 1),
                                   CommitteeMeeting.day <= date(year, 12, 31)),
        select(func.max(CommitteeMeeting.day)).where(*closed, CommitteeMeeting.day <= today),
        select(func.min(CommitteeMeeting.day)).where(*progress, CommitteeMeeting.status.in_(("planned", "open")),
                                                     CommitteeMeeting.day >= today))))
    with reading(engine) as session:
        listed, claimed, complete, did, target, mean_share, overdue, stale, behind = session.execute(figures).one()
        unit_count, due, agreements_signed, held, last_day, next_day = session.execute(others).one()
        by_unit, ranked = _ranking(session, ids, year, today, 0, top)
        by_project, project_total = _projects_ranked(session, ids, year, 0, top)
    listed, claimed = int(listed), int(claimed)
    return Dashboard(
        listed=listed, claimed=claimed, claim_rate=claim_rate(listed, claimed), complete=int(complete),
        completion=float(did) / float(target) if target else None, overdue=int(overdue), stale=int(stale),
        behind=int(behind), units=int(unit_count), agreements_signed=int(agreements_signed),
        agreements_due=int(due), by_unit=by_unit, by_project=by_project, meetings_held=int(held),
        last_meeting_day=as_date(last_day), completion_unweighted=float_or_none(mean_share), ranked_units=ranked,
        projects=project_total, next_meeting_day=as_date(next_day))

