"""The reads of volunteer service, aggregated in SQL and paged on the server: volunteers and teams, orders and one
order's record, dispatch suggestions, the overview with its honour roll, a volunteer's own screen, the store and a
volunteer's points statement.

Staff read the communities where they hold volunteer.read; a volunteer reads the orders dispatched to them, a team
leader also those of the team they lead. Phone and ID numbers are masked in every list; `personal` shows a
volunteer's whole, audited, to those holding personal.view. Balances are the kept ones (points_account), never summed
from history; hours are the stored tenths."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import pandas as pd
from sqlalchemy import Engine, and_, case, false, func, literal, or_, select

from data_access import audit, clock
from data_access import config as app_config
from data_access.db import reading, transaction
from data_access.models import (
    Community,
    Matter,
    MemberUnit,
    OrderEvent,
    PointsAccount,
    PointsTransfer,
    Redemption,
    ServiceRecord,
    SignOffLink,
    StoreGood,
    User,
    Volunteer,
    VolunteerOrder,
    VolunteerTally,
    VolunteerTeam,
)
from data_access.org import communities
from data_access.sql import count_if, day_within, frame, id_equals, page_of, row_offset, within
from data_access.volunteer.orders import may_serve
from data_access.volunteer.registry import READ, led_team, me
from domain.access import Actor, can, require, scope
from domain.errors import DomainError
from domain.fields import is_id, plain
from domain.personal import mask_id_number, mask_phone
from domain.settings import Settings
from domain.volunteer.ledger import Holder
from domain.volunteer.orders import Step

VO, VT, V = VolunteerOrder, VolunteerTeam, Volunteer
OPEN_STEPS = (Step.REQUESTED, Step.DISPATCHED, Step.TAKEN, Step.SERVED)
SIGNED_STEPS = (Step.SIGNED, Step.RATED)
# "signed" is signed off at all (签单 or 评单 since): Step.SIGNED's own code must not replace it
STEP_FILTERS = {"open": OPEN_STEPS, "signed": SIGNED_STEPS, **{s.code: (s,) for s in Step if s != Step.SIGNED}}
FREE_WINDOW = timedelta(hours=3)  # a volunteer holding an open order wanted within this of another's time is busy
VOLUNTEER_CODE = "V"  # the code on a volunteer's own screen the counter scans: V000123


def volunteer_code(volunteer_id: int) -> str:
    return f"{VOLUNTEER_CODE}{volunteer_id:06d}"


def _readable(actor: Actor, chosen=None) -> tuple[int, ...] | None:
    return scope(actor, READ).community_ids(None if chosen is None else tuple(chosen))


def _like(column, text: str):
    return column.icontains(text, autoescape=True)


def _late(now: datetime, settings: Settings):
    """Not taken within volunteer.take_within_hours of dispatch: taken after that, or still waiting past it."""
    hours = settings.volunteer.take_within_hours
    return or_(and_(VO.step == Step.DISPATCHED, VO.dispatched_at < now - timedelta(hours=hours)),
               VO.take_minutes > hours * 60)


def volunteer_communities(engine: Engine, *, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the communities whose volunteer service the actor may read."""
    return communities(engine, actor=actor, permission=READ)


# --- volunteers and teams --------------------------------------------------------------------------------------

VOLUNTEER_COLUMNS = ["id", "name", "phone", "id_number", "community", "team", "skills", "party_member", "report_unit",
                     "registered_on", "active", "hours", "points", "last_served_on", "user_id"]


@dataclass(frozen=True)
class VolunteerFilter:
    community_ids: tuple[int, ...] | None = None
    team_id: int | None = None
    skill: str | None = None
    party_member: bool | None = None
    status: str = "all"  # all, active (served within volunteer.active_days), registered (on the roll), party, inactive
    search: str | None = None  # name, the last digits of the phone, or the volunteer's code V000123


def _volunteer_conds(flt: VolunteerFilter, ids, today: date, active_days: int, actor: Actor) -> list:
    """The filter's conditions. Digits find a phone's last digits only where the actor may see phones whole
    (personal.view): elsewhere a search digit by digit would recover a masked number."""
    conds = within(V.community_id, ids)
    if flt.team_id is not None:
        conds.append(id_equals(V.team_id, flt.team_id))
    if flt.skill:
        conds.append(_like(literal(",") + V.skills + literal(","), f",{flt.skill},"))
    if flt.party_member is not None:
        conds.append(V.party_member.is_(bool(flt.party_member)))
    if flt.status == "active":
        conds += [V.active.is_(True), V.last_served_on >= today - timedelta(days=active_days)]
    elif flt.status == "registered":
        conds.append(V.active.is_(True))
    elif flt.status == "party":
        conds += [V.active.is_(True), V.party_member.is_(True)]
    elif flt.status == "inactive":
        conds.append(V.active.is_(False))
    text = plain(flt.search or "")
    if text:
        code = text.upper().removeprefix(VOLUNTEER_CODE)
        options = [_like(V.name, text)]
        phones = scope(actor, "personal.view")
        if text.isdigit() and 4 <= len(text) <= 11 and not phones.empty:
            options.append(and_(V.phone.endswith(text, autoescape=True),
                                *within(V.community_id, phones.community_ids())))
        if code.isdigit() and is_id(int(code)):
            options.append(V.id == int(code))
        conds.append(or_(*options))
    return conds


def volunteers_page(engine: Engine, *, actor: Actor, flt: VolunteerFilter, settings: Settings | None = None,
                    offset: int = 0, limit: int = 50, today: date | None = None) -> tuple[pd.DataFrame, int]:
    """One page of volunteers (by name), masked, with their team, hours (stored) and points (kept balance)."""
    settings = settings or app_config.settings()
    ids = _readable(actor, flt.community_ids)
    if ids == ():
        return frame([], VOLUNTEER_COLUMNS), 0
    today = today or clock.today()
    conds = _volunteer_conds(flt, ids, today, settings.volunteer.active_days, actor)
    page = select(V.id).where(*conds).order_by(V.community_id, V.name, V.id)
    with reading(engine) as session:
        rows, total = page_of(session, page, offset, limit)
        found = {}
        if rows:
            found = {r[0]: r for r in session.execute(
                select(V.id, V.name, V.phone, V.id_number, Community.name, VT.name, V.skills, V.party_member,
                       MemberUnit.name, V.registered_on, V.active, V.hours_tenths / 10.0,
                       func.coalesce(PointsAccount.balance, 0), V.last_served_on, V.user_id)
                .join(Community, Community.id == V.community_id)
                .outerjoin(VT, VT.id == V.team_id)
                .outerjoin(MemberUnit, MemberUnit.id == V.report_unit_id)
                .outerjoin(PointsAccount, and_(PointsAccount.holder == Holder.VOLUNTEER.value,
                                               PointsAccount.owner_id == V.id))
                .where(V.id.in_([r[0] for r in rows])))}
    df = frame([found[r[0]] for r in rows], VOLUNTEER_COLUMNS)
    df["phone"] = df["phone"].map(mask_phone)
    df["id_number"] = df["id_number"].map(mask_id_number)
    return df, total


def personal(engine: Engine, *, actor: Actor, volunteer_id: int, now: datetime | None = None) -> dict[str, str]:
    """A volunteer's phone and ID number whole, for an actor holding personal.view in their community; each look is
    written to the audit trail."""
    now = now or clock.now()
    with transaction(engine) as session:
        row = session.get(V, volunteer_id) if is_id(volunteer_id) else None
        if row is None or not scope(actor, READ).allows(row.community_id):
            raise DomainError("error.not_found")
        require(actor, "personal.view", row.community_id)
        audit.record(session, actor=actor, action="personal.view", entity="volunteer", entity_id=row.id,
                     community_id=row.community_id, at=now, after={"fields": ["phone", "id_number"]})
        return {"phone": row.phone, "id_number": row.id_number}


TEAM_COLUMNS = ["id", "name", "kind", "unit_id", "unit", "speciality", "leader_id", "leader", "members", "hours",
                "open_orders", "active"]


def teams(engine: Engine, *, actor: Actor, community_id: int) -> pd.DataFrame:
    """A community's teams with their unit, leader, members, hours served on signed orders and open orders."""
    if not scope(actor, READ).allows(community_id):
        return frame([], TEAM_COLUMNS)
    leader = select(V.name).where(V.id == VT.leader_id).correlate(VT).scalar_subquery()
    members = select(func.count()).where(V.team_id == VT.id, V.active.is_(True)).correlate(VT).scalar_subquery()
    hours = (select(func.coalesce(func.sum(VO.hours_tenths), 0) / 10.0)
             .where(VO.team_id == VT.id, VO.step.in_(SIGNED_STEPS)).correlate(VT).scalar_subquery())
    open_orders = (select(func.count()).where(VO.team_id == VT.id, VO.step.in_(OPEN_STEPS))
                   .correlate(VT).scalar_subquery())
    query = (select(VT.id, VT.name, VT.kind, VT.unit_id, MemberUnit.name, VT.speciality, VT.leader_id, leader,
                    members, hours, open_orders, VT.active)
             .outerjoin(MemberUnit, MemberUnit.id == VT.unit_id)
             .where(VT.community_id == community_id).order_by(VT.active.desc(), VT.name))
    with reading(engine) as session:
        return frame(session.execute(query).all(), TEAM_COLUMNS)


def volunteer_choices(engine: Engine, *, actor: Actor, community_id: int, search: str | None = None,
                      team_id: int | None = None, limit: int = 50) -> list[tuple[int, str]]:
    """(id, "name · team · code") of a community's active volunteers matching `search` (name, phone digits or code),
    for pickers: the counter, dispatch, recording the service. A volunteer of the community (volunteer.serve) finds
    fellow volunteers by name only (to record who served with them; a team leader their team), never by phone."""
    staff = scope(actor, READ).allows(community_id) or can(actor, "store.redeem", community_id)
    if not staff and not can(actor, "volunteer.serve", community_id):
        return []
    if not staff and any(ch.isdigit() for ch in plain(search or "")):
        return []
    conds = [V.community_id == community_id, V.active.is_(True)]
    conds += _volunteer_conds(VolunteerFilter(search=search), None, clock.today(), 0, actor)
    if team_id is not None:
        conds.append(id_equals(V.team_id, team_id))
    query = (select(V.id, V.name, VT.name).outerjoin(VT, VT.id == V.team_id).where(*conds)
             .order_by(V.name, V.id).limit(limit))
    with reading(engine) as session:
        return [(vid, " · ".join(filter(None, (name, team, volunteer_code(vid)))))
                for vid, name, team in session.execute(query)]


def unit_choices(engine: Engine, *, actor: Actor, community_id: int) -> dict[int, str]:
    """id -> name of the community's joint-committee member units: a team's unit, where a party member reports."""
    if not scope(actor, READ).allows(community_id):
        return {}
    with reading(engine) as session:
        return dict(session.execute(select(MemberUnit.id, MemberUnit.name)
                                    .where(MemberUnit.community_id == community_id).order_by(MemberUnit.name)).all())


# --- orders ----------------------------------------------------------------------------------------------------

ORDER_COLUMNS = ["id", "number", "community", "requested_at", "service_kind", "title", "place", "wanted_at", "step",
                 "team", "volunteer", "due_at", "late", "flagged", "rating", "hours", "matter_id", "matter_number"]


@dataclass(frozen=True)
class OrderFilter:
    community_ids: tuple[int, ...] | None = None
    step: str | None = None  # a Step code, "open" or "signed"
    service_kind: str | None = None
    team_id: int | None = None
    volunteer_id: int | None = None
    flagged: bool = False  # 不满意, for the secretary
    late: bool = False     # not taken within volunteer.take_within_hours
    month: str | None = None  # signed in this local month, YYYY-MM
    requested_from: date | None = None
    requested_to: date | None = None
    search: str | None = None  # the number or the service wanted
    mine: bool = False  # only the orders dispatched to the actor (or their team)


def _order_visibility(session, actor: Actor, ids, mine: bool) -> list:
    """Staff see their communities' orders; a volunteer the orders dispatched to them, a team leader also their
    team's."""
    volunteer = me(session, actor)
    own = []
    if volunteer is not None and can(actor, "volunteer.serve", volunteer.community_id):
        own.append(VO.volunteer_id == volunteer.id)
        team = led_team(session, actor, volunteer)
        if team is not None:
            own.append(VO.team_id == team)
    if mine:
        return [or_(*own)] if own else [false()]
    options = ([VO.community_id.in_(ids)] if ids is not None else [literal(True)]) if ids != () else []
    return [or_(*options, *own)] if options or own else [false()]


def _order_conds(flt: OrderFilter, now: datetime, settings: Settings) -> list:
    conds = []
    if flt.step:
        steps = STEP_FILTERS.get(flt.step) if isinstance(flt.step, str) else None
        conds.append(VO.step.in_(steps) if steps else false())
    if flt.service_kind:
        conds.append(VO.service_kind == flt.service_kind if isinstance(flt.service_kind, str) else false())
    if flt.team_id is not None:
        conds.append(id_equals(VO.team_id, flt.team_id))
    if flt.volunteer_id is not None:
        conds.append(VO.id.in_(select(ServiceRecord.order_id).where(id_equals(ServiceRecord.volunteer_id,
                                                                              flt.volunteer_id)))
                     | id_equals(VO.volunteer_id, flt.volunteer_id))
    if flt.flagged:
        conds.append(VO.flagged.is_(True))
    if flt.late:
        conds.append(_late(now, settings))
    if flt.month:
        conds.append(VO.signed_month == flt.month if isinstance(flt.month, str) else false())
    conds += day_within(VO.requested_at, flt.requested_from, flt.requested_to, moments=True)
    text = plain(flt.search or "")
    if text:
        conds.append(or_(VO.number == text.upper(), _like(VO.title, text)))
    return conds


def orders_page(engine: Engine, *, actor: Actor, flt: OrderFilter, settings: Settings | None = None, offset: int = 0,
                limit: int = 50, now: datetime | None = None) -> tuple[pd.DataFrame, int]:
    """One page of the orders the actor may see that match `flt`, newest first, and how many match."""
    settings = settings or app_config.settings()
    now = now or clock.now()
    ids = _readable(actor, flt.community_ids)
    with reading(engine) as session:
        visible = _order_visibility(session, actor, ids, flt.mine)
        page = select(VO.id).where(*visible, *_order_conds(flt, now, settings)).order_by(VO.id.desc())
        rows, total = _page_and_count(session, page, offset, limit)
        found = {}
        if rows:
            found = {r[0]: r for r in session.execute(
                select(VO.id, VO.number, Community.name, VO.requested_at, VO.service_kind, VO.title, VO.place,
                       VO.wanted_at, VO.step, VT.name, V.name, VO.due_at, case((_late(now, settings), True),
                                                                              else_=False),
                       VO.flagged, VO.rating, VO.hours_tenths / 10.0, VO.matter_id, Matter.number)
                .join(Community, Community.id == VO.community_id)
                .outerjoin(VT, VT.id == VO.team_id).outerjoin(V, V.id == VO.volunteer_id)
                .outerjoin(Matter, Matter.id == VO.matter_id)
                .where(VO.id.in_([r[0] for r in rows])))}
    df = frame([found[r[0]] for r in rows], ORDER_COLUMNS)
    df["late"] = df["late"].astype(bool)
    df["flagged"] = df["flagged"].astype(bool)
    return df, total


def _page_and_count(session, query, offset: int, limit: int) -> tuple[list[tuple], int]:
    """One page of an ordered query and how many rows it has in all, as data_access.sql.page_of, but counted apart:
    a window count over every order of the city (500,000) sorts and numbers them all (0.2 s), where the page alone
    reads 50 ids backwards and a count reads the smallest index (or the filter's). A first page that is not full is
    its own count."""
    offset = row_offset(offset)
    rows = [tuple(r) for r in session.execute(query.offset(offset).limit(limit)).all()]
    if offset == 0 and len(rows) < limit:
        return rows, len(rows)
    return rows, int(session.execute(select(func.count()).select_from(query.order_by(None).subquery())).scalar_one())


@dataclass
class OrderDetail:
    order: VolunteerOrder  # recipient phone masked unless the actor serves it or holds personal.view
    community: str
    team: str | None
    volunteer: str | None
    matter_number: str | None
    late: bool
    events: pd.DataFrame      # at, actor, action, from_step, to_step, note
    service: pd.DataFrame     # volunteer_id, name, served_on, hours
    link_expires_at: datetime | None  # an unused sign-off link still working
    staff: bool               # the actor manages the order (volunteer.manage there)
    serving: bool             # the actor is its volunteer or leads its team


def order_detail(engine: Engine, *, actor: Actor, order_id: int, settings: Settings | None = None,
                 now: datetime | None = None) -> OrderDetail | None:
    """One order's record with its timeline and service, if the actor may see it (None otherwise)."""
    settings = settings or app_config.settings()
    now = now or clock.now()
    if not is_id(order_id):
        return None
    with reading(engine) as session:
        order = session.get(VO, order_id)
        if order is None:
            return None
        serving = may_serve(session, actor, order)
        if not (scope(actor, READ).allows(order.community_id) or serving):
            return None
        names = session.execute(
            select(Community.name, VT.name, V.name, Matter.number).select_from(VO)
            .join(Community, Community.id == VO.community_id).outerjoin(VT, VT.id == VO.team_id)
            .outerjoin(V, V.id == VO.volunteer_id).outerjoin(Matter, Matter.id == VO.matter_id)
            .where(VO.id == order.id)).one()
        events = frame(session.execute(
            select(OrderEvent.at, OrderEvent.actor_name, OrderEvent.action, OrderEvent.from_step, OrderEvent.to_step,
                   OrderEvent.note).where(OrderEvent.order_id == order.id).order_by(OrderEvent.at, OrderEvent.id))
            .all(), ["at", "actor", "action", "from_step", "to_step", "note"])
        service = frame(session.execute(
            select(ServiceRecord.volunteer_id, V.name, ServiceRecord.served_on, ServiceRecord.tenths / 10.0)
            .join(V, V.id == ServiceRecord.volunteer_id).where(ServiceRecord.order_id == order.id)
            .order_by(V.name)).all(), ["volunteer_id", "name", "served_on", "hours"])
        link = session.execute(select(func.max(SignOffLink.expires_at)).where(
            SignOffLink.order_id == order.id, SignOffLink.used_at.is_(None), SignOffLink.expires_at > now)).scalar()
        late = bool(session.execute(select(_late(now, settings)).where(VO.id == order.id)).scalar())
    shown_order = order.model_copy()
    if not (serving or can(actor, "personal.view", order.community_id)):
        shown_order.recipient_phone = mask_phone(order.recipient_phone)
    if not events.empty:
        events["at"] = pd.to_datetime(events["at"], utc=True).dt.tz_convert(clock.ZONE)
    return OrderDetail(order=shown_order, community=names[0], team=names[1], volunteer=names[2],
                       matter_number=names[3], late=late, events=events, service=service, link_expires_at=link,
                       staff=can(actor, "volunteer.manage", order.community_id), serving=serving)


def orders_of_matter(engine: Engine, *, actor: Actor, matter_id: int) -> pd.DataFrame:
    """The volunteer orders raised from a 365 matter (its page lists them): id, number, title, step, volunteer."""
    ids = _readable(actor)
    columns = ["id", "number", "title", "step", "volunteer"]
    if ids == ():
        return frame([], columns)
    query = (select(VO.id, VO.number, VO.title, VO.step, V.name).outerjoin(V, V.id == VO.volunteer_id)
             .where(id_equals(VO.matter_id, matter_id), *within(VO.community_id, ids)).order_by(VO.id))
    with reading(engine) as session:
        return frame(session.execute(query).all(), columns)


@dataclass
class Suggestions:
    teams: pd.DataFrame       # id, name, fits, members, open_orders
    volunteers: pd.DataFrame  # id, name, team, fits, open_orders, hours


def suggestions(engine: Engine, *, actor: Actor, order_id: int, limit: int = 8) -> Suggestions:
    """Whom to dispatch an order to: active teams whose speciality fits the service kind first (then by fewest open
    orders), and active volunteers free at the time wanted (no open order wanted within FREE_WINDOW of it), those
    whose skills fit first, then by fewest open orders and fewest hours (sharing the load)."""
    empty = Suggestions(frame([], ["id", "name", "fits", "members", "open_orders"]),
                        frame([], ["id", "name", "team", "fits", "open_orders", "hours"]))
    with reading(engine) as session:
        order = session.get(VO, order_id) if is_id(order_id) else None
        if order is None or not scope(actor, READ).allows(order.community_id):
            return empty
        kind = f",{order.service_kind},"
        team_fits = case((_like(literal(",") + VT.speciality + literal(","), kind), 1), else_=0)
        open_of_team = (select(func.count()).where(VO.team_id == VT.id, VO.step.in_(OPEN_STEPS))
                        .correlate(VT).scalar_subquery())
        members = select(func.count()).where(V.team_id == VT.id, V.active.is_(True)).correlate(VT).scalar_subquery()
        teams_df = frame(session.execute(
            select(VT.id, VT.name, team_fits, members, open_of_team)
            .where(VT.community_id == order.community_id, VT.active.is_(True))
            .order_by(team_fits.desc(), open_of_team, VT.name).limit(limit)).all(), empty.teams.columns.tolist())
        busy = (select(VO.volunteer_id).where(
            VO.community_id == order.community_id, VO.step.in_(OPEN_STEPS), VO.volunteer_id.is_not(None),
            VO.id != order.id, VO.wanted_at > order.wanted_at - FREE_WINDOW,
            VO.wanted_at < order.wanted_at + FREE_WINDOW))
        open_of_volunteer = (select(func.count()).where(VO.volunteer_id == V.id, VO.step.in_(OPEN_STEPS))
                             .correlate(V).scalar_subquery())
        fits = case((_like(literal(",") + V.skills + literal(","), kind), 1), else_=0)
        volunteers_df = frame(session.execute(
            select(V.id, V.name, VT.name, fits, open_of_volunteer, V.hours_tenths / 10.0)
            .outerjoin(VT, VT.id == V.team_id)
            .where(V.community_id == order.community_id, V.active.is_(True), V.id.not_in(busy))
            .order_by(fits.desc(), open_of_volunteer, V.hours_tenths, V.id).limit(limit)).all(),
            empty.volunteers.columns.tolist())
    teams_df["fits"] = teams_df["fits"].astype(bool)
    volunteers_df["fits"] = volunteers_df["fits"].astype(bool)
    return Suggestions(teams_df, volunteers_df)


# --- the overview ----------------------------------------------------------------------------------------------

@dataclass
class Overview:
    registered: int
    active: int
    party_members: int
    teams: int
    by_step: dict[str, int]        # orders requested in the period, by step code
    requested: int
    avg_take_minutes: float | None   # of orders taken in the period
    avg_sign_minutes: float | None   # from request to sign-off, of orders signed off in the period
    sign_off_rate: float | None      # of the period's orders (not cancelled), the share signed off
    satisfaction_rate: float | None  # of the orders rated in the period (基本满意 counts when the KPI says so)
    flagged: int                     # 不满意 in the period
    late_now: int                    # dispatched and not taken past the limit, now
    hours: float                     # signed off in the period
    points_issued: int
    points_redeemed: int
    hours_by_team: pd.DataFrame = field(default_factory=pd.DataFrame)   # team_id, team, hours
    hours_by_month: pd.DataFrame = field(default_factory=pd.DataFrame)  # month, hours
    honour: pd.DataFrame = field(default_factory=pd.DataFrame)          # volunteer_id, name, team, hours


def _months(start: date, end: date) -> tuple[str, str]:
    return f"{start:%Y-%m}", f"{end:%Y-%m}"


def overview(engine: Engine, *, actor: Actor, start: date, end: date, community_ids: tuple[int, ...] | None = None,
             settings: Settings | None = None, now: datetime | None = None,
             honour_size: int = 10) -> Overview | None:
    """The volunteer overview of the whole local months from `start`'s to `end`'s (the tally keeps every figure by
    month; the page and the briefing ask for whole months, this year's up to today) for the communities the actor may
    read (cut to `community_ids`); None when none. The period's figures are read from volunteer_tally (a few rows per
    community and month, kept by the writes), never from the orders or the ledger; the volunteers' figures, the
    orders late now and the honour roll from the rows as they are, through indexes."""
    settings = settings or app_config.settings()
    ids = _readable(actor, community_ids)
    if ids == ():
        return None
    now = now or clock.now()
    today = clock.local(now).date()
    first, last = _months(start, end)
    tally = VolunteerTally
    in_period = [*within(tally.community_id, ids), tally.month >= first, tally.month <= last]
    with reading(engine) as session:
        recent = today - timedelta(days=settings.volunteer.active_days)
        registered, active, members = session.execute(select(
            count_if(V.active.is_(True)), count_if(and_(V.active.is_(True), V.last_served_on >= recent)),
            count_if(and_(V.active.is_(True), V.party_member.is_(True))))
            .where(*within(V.community_id, ids))).one()
        team_count = session.execute(select(func.count()).select_from(VT).where(
            VT.active.is_(True), *within(VT.community_id, ids))).scalar_one()
        kept: dict[tuple[str, str], tuple[int, int]] = {
            (dim, code): (int(n or 0), int(total or 0)) for dim, code, n, total in session.execute(
                select(tally.dim, tally.code, func.sum(tally.n), func.sum(tally.total)).where(*in_period)
                .group_by(tally.dim, tally.code))}
        by_month = frame(session.execute(
            select(tally.month, func.sum(tally.total) / 10.0).where(*in_period, tally.dim == "hours")
            .group_by(tally.month).having(func.sum(tally.n) > 0).order_by(tally.month)).all(), ["month", "hours"])
        late_now = session.execute(select(func.count()).where(
            *within(VO.community_id, ids), VO.step == Step.DISPATCHED,
            VO.dispatched_at < now - timedelta(hours=settings.volunteer.take_within_hours))).scalar_one()
        hours_of_team = {code: total for (dim, code), (n, total) in kept.items() if dim == "hours" and n > 0}
        names = dict(session.execute(select(VT.id, VT.name).where(*within(VT.community_id, ids))).all()) \
            if any(hours_of_team) else {}  # the scope's teams (1,727 in the city), not a list of ids to match
        honour = frame(session.execute(
            select(V.id, V.name, VT.name, V.hours_tenths / 10.0).outerjoin(VT, VT.id == V.team_id)
            .where(*within(V.community_id, ids), V.active.is_(True), V.hours_tenths > 0)
            .order_by(V.hours_tenths.desc(), V.id).limit(honour_size)).all(),
            ["volunteer_id", "name", "team", "hours"])

    def figure(dim: str, code: str = "") -> tuple[int, int]:
        return kept.get((dim, code), (0, 0))

    steps = {s.code: figure("step", str(int(s)))[0] for s in Step}
    requested = sum(steps.values())
    live = requested - steps["cancelled"]
    taken, take_minutes = figure("take")
    signed, sign_minutes = figure("sign")
    content = ["satisfied"] + (["basic"] if settings.satisfaction_counts_basic else [])
    rated = sum(n for (dim, _), (n, _) in kept.items() if dim == "rated")
    satisfied = sum(figure("rated", code)[0] for code in content)
    points = {code: total for (dim, code), (_, total) in kept.items() if dim == "points"}
    redeemed = sum(total for code, total in points.items() if code.startswith("redeem"))
    by_team = pd.DataFrame({
        "team_id": [int(code) if code else None for code in hours_of_team],
        "team": [names.get(int(code), "") if code else "" for code in hours_of_team],
        "hours": [total / 10 for total in hours_of_team.values()]}, columns=["team_id", "team", "hours"])
    by_team = by_team.sort_values("hours", ascending=False, kind="stable").reset_index(drop=True)
    by_team["team_id"] = by_team["team_id"].astype(object).where(by_team["team_id"].notna(), None)
    return Overview(
        registered=int(registered or 0), active=int(active or 0), party_members=int(members or 0),
        teams=int(team_count), by_step=steps, requested=requested,
        avg_take_minutes=take_minutes / taken if taken else None,
        avg_sign_minutes=sign_minutes / signed if signed else None,
        sign_off_rate=(steps["signed"] + steps["rated"]) / live if live else None,
        satisfaction_rate=satisfied / rated if rated else None, flagged=figure("flagged")[0],
        late_now=int(late_now), hours=sum(hours_of_team.values()) / 10,
        points_issued=points.get("earn", 0),
        points_redeemed=redeemed - points.get("reversal/redemption", 0),
        hours_by_team=by_team, hours_by_month=by_month, honour=honour)


# --- a volunteer's own screen and statement ----------------------------------------------------------------------

@dataclass
class MyWork:
    volunteer_id: int
    name: str
    code: str
    team: str | None
    leads_team: str | None
    hours: float
    points: int
    last_served_on: date | None
    open_orders: pd.DataFrame   # id, number, title, place, wanted_at, step, volunteer_id, team_order, due_at
    recent: pd.DataFrame        # id, number, title, signed_at, hours, rating


def my_work(engine: Engine, *, actor: Actor) -> MyWork | None:
    """What a volunteer's own screen shows: their open orders (and their team's, for a leader), hours and points.
    None when the account is not a registered volunteer."""
    with reading(engine) as session:
        volunteer = me(session, actor)
        if volunteer is None:
            return None
        team_id = led_team(session, actor, volunteer)
        mine = [VO.volunteer_id == volunteer.id] + ([and_(VO.team_id == team_id, VO.volunteer_id.is_(None))]
                                                   if team_id else [])
        open_df = frame(session.execute(
            select(VO.id, VO.number, VO.title, VO.place, VO.wanted_at, VO.step, VO.volunteer_id,
                   VO.volunteer_id.is_(None), VO.due_at)
            .where(or_(*mine), VO.step.in_(OPEN_STEPS[1:])).order_by(VO.wanted_at, VO.id).limit(100)).all(),
            ["id", "number", "title", "place", "wanted_at", "step", "volunteer_id", "team_order", "due_at"])
        recent = frame(session.execute(
            select(VO.id, VO.number, VO.title, VO.signed_at, ServiceRecord.tenths / 10.0, VO.rating)
            .join(ServiceRecord, ServiceRecord.order_id == VO.id)
            .where(ServiceRecord.volunteer_id == volunteer.id, VO.step.in_(SIGNED_STEPS))
            .order_by(VO.signed_at.desc(), VO.id.desc()).limit(10)).all(),
            ["id", "number", "title", "signed_at", "hours", "rating"])
        team = session.get(VT, volunteer.team_id).name if volunteer.team_id else None
        leads = session.get(VT, team_id).name if team_id else None
        balance = session.execute(select(PointsAccount.balance).where(
            PointsAccount.holder == Holder.VOLUNTEER.value, PointsAccount.owner_id == volunteer.id)).scalar()
    open_df["team_order"] = open_df["team_order"].astype(bool)
    return MyWork(volunteer_id=volunteer.id, name=volunteer.name, code=volunteer_code(volunteer.id), team=team,
                  leads_team=leads, hours=volunteer.hours_tenths / 10, points=int(balance or 0),
                  last_served_on=volunteer.last_served_on, open_orders=open_df, recent=recent)


STATEMENT_COLUMNS = ["id", "at", "kind", "points", "order_number", "redemption_number", "reverses"]


def statement(engine: Engine, *, actor: Actor, volunteer_id: int, offset: int = 0,
              limit: int = 20) -> tuple[pd.DataFrame, int, int]:
    """A volunteer's points statement, newest first: each transfer with its signed points (+ in, − out), its order
    or redemption; the total count; and the kept balance. For staff of the community or the volunteer themselves."""
    with reading(engine) as session:
        volunteer = session.get(V, volunteer_id) if is_id(volunteer_id) else None
        mine = me(session, actor)
        if volunteer is None or not (scope(actor, READ).allows(volunteer.community_id)
                                     or can(actor, "store.redeem", volunteer.community_id)
                                     or (mine is not None and mine.id == volunteer.id)):
            return frame([], STATEMENT_COLUMNS), 0, 0
        account = session.execute(select(PointsAccount).where(
            PointsAccount.holder == Holder.VOLUNTEER.value, PointsAccount.owner_id == volunteer.id)).scalars().first()
        if account is None:
            return frame([], STATEMENT_COLUMNS), 0, 0
        pt = PointsTransfer
        page = (select(pt.id).where(or_(pt.source_id == account.id, pt.target_id == account.id))
                .order_by(pt.at.desc(), pt.id.desc()))
        rows, total = page_of(session, page, offset, limit)
        found = {}
        if rows:
            found = {r[0]: r for r in session.execute(
                select(pt.id, pt.at, pt.kind, case((pt.target_id == account.id, pt.points), else_=-pt.points),
                       VO.number, Redemption.number, pt.reverses)
                .outerjoin(VO, VO.id == pt.order_id).outerjoin(Redemption, Redemption.id == pt.redemption_id)
                .where(pt.id.in_([r[0] for r in rows])))}
        balance = account.balance
    df = frame([found[r[0]] for r in rows], STATEMENT_COLUMNS)
    if not df.empty:
        df["at"] = pd.to_datetime(df["at"], utc=True).dt.tz_convert(clock.ZONE)
    return df, total, int(balance)


# --- the store -------------------------------------------------------------------------------------------------

GOOD_COLUMNS = ["id", "name", "price", "stock", "donor", "active", "redeemed"]


def goods(engine: Engine, *, actor: Actor, community_id: int, on_sale_only: bool = False) -> pd.DataFrame:
    """A community's store: each good with its price, stock, donor and units redeemed (not cancelled)."""
    if not (scope(actor, READ).allows(community_id) or can(actor, "store.redeem", community_id)):
        return frame([], GOOD_COLUMNS)
    # the community's redemptions summed per good (through their community's index): a sum per good read every
    # redemption of the city for each of the 15 goods (0.07 s on 60,000)
    redeemed = (select(Redemption.good_id, func.sum(Redemption.quantity).label("units"))
                .where(Redemption.community_id == community_id, Redemption.cancelled_at.is_(None))
                .group_by(Redemption.good_id).subquery())
    conds = [StoreGood.community_id == community_id] + ([StoreGood.active.is_(True)] if on_sale_only else [])
    query = (select(StoreGood.id, StoreGood.name, StoreGood.price, StoreGood.stock, StoreGood.donor,
                    StoreGood.active, func.coalesce(redeemed.c.units, 0))
             .outerjoin(redeemed, redeemed.c.good_id == StoreGood.id)
             .where(*conds).order_by(StoreGood.active.desc(), StoreGood.price, StoreGood.name))
    with reading(engine) as session:
        return frame(session.execute(query).all(), GOOD_COLUMNS)


REDEMPTION_COLUMNS = ["id", "number", "at", "volunteer_id", "volunteer", "good", "quantity", "points", "by",
                      "cancelled_at", "cancel_reason"]


def redemptions_page(engine: Engine, *, actor: Actor, community_id: int, day: date | None = None,
                     volunteer_id: int | None = None, offset: int = 0,
                     limit: int = 50) -> tuple[pd.DataFrame, int]:
    """One page of a community's redemptions (of one local day and/or one volunteer), newest first."""
    if not (scope(actor, READ).allows(community_id) or can(actor, "store.redeem", community_id)):
        return frame([], REDEMPTION_COLUMNS), 0
    conds = [Redemption.community_id == community_id]
    if day is not None:
        conds += day_within(Redemption.at, day, day, moments=True)
    if volunteer_id is not None:
        conds.append(id_equals(Redemption.volunteer_id, volunteer_id))
    page = select(Redemption.id).where(*conds).order_by(Redemption.at.desc(), Redemption.id.desc())
    with reading(engine) as session:
        rows, total = page_of(session, page, offset, limit)
        found = {}
        if rows:
            found = {r[0]: r for r in session.execute(
                select(Redemption.id, Redemption.number, Redemption.at, V.id, V.name, StoreGood.name,
                       Redemption.quantity, Redemption.points, User.display_name, Redemption.cancelled_at,
                       Redemption.cancel_reason)
                .join(V, V.id == Redemption.volunteer_id).join(StoreGood, StoreGood.id == Redemption.good_id)
                .outerjoin(User, User.id == Redemption.by_id)
                .where(Redemption.id.in_([r[0] for r in rows])))}
    df = frame([found[r[0]] for r in rows], REDEMPTION_COLUMNS)
    if not df.empty:
        df["at"] = pd.to_datetime(df["at"], utc=True).dt.tz_convert(clock.ZONE)
    return df, total

