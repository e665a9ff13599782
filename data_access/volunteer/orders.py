"""Service orders through the loop 点单→派单→接单→服务→签单→评单 (domain.volunteer.orders holds the rules).

Each write is one transaction: the order is locked, the actor's right to this action on this order is checked (staff
with volunteer.manage in its community; the volunteer it is dispatched to, or the leader of the team it is dispatched
to, for taking, declining, recording the service and showing the sign-off code), the loop's rule is applied, and the
order, its timeline entry and its audit record are written. A second sign-off of the same order finds it signed and is
refused, so service is counted once. Sign-off earns: each volunteer's hours are added to their record for good, and
points by the standard move from the community's issuing account to theirs in the same transaction.

The one-time sign-off link: a random token shown as a QR code by the volunteer; only its SHA-256 is stored; it works
once and until it expires, and opening it shows the order without the resident's data."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime, timedelta

from sqlalchemy import Engine, delete, func, select
from sqlmodel import Session

from data_access import audit, clock
from data_access.db import reading, transaction
from data_access.models import Matter, OrderEvent, ServiceRecord, SignOffLink, Volunteer, VolunteerOrder, VolunteerTeam
from data_access.volunteer import points, tally
from data_access.volunteer.registry import LEAD, MANAGE, SERVE, community_of, led_team, me
from domain.access import Actor, can, scope
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from domain.fields import form, is_id, plain
from domain.personal import mask_name
from domain.settings import Settings
from domain.volunteer.ledger import earning, points_for
from domain.volunteer.orders import (
    Action,
    SignOff,
    Step,
    check_link,
    clean_dispatch,
    clean_rating,
    clean_request,
    clean_service,
    next_step,
)

MATTER_MODES = ("team", "proxy")  # the 365 modes whose matters may raise an order: 组团服务, 代办服务
BY_VOLUNTEER = (Action.TAKE, Action.DECLINE, Action.RECORD_SERVICE)  # what the volunteer or team leader may do
LINK_ACTOR = Actor(id=None, username="sign-off-link", display_name="服务对象（扫码签单）")


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


# --- 点单 -------------------------------------------------------------------------------------------

def create_order(engine: Engine, *, actor: Actor, settings: Settings, data: dict,
                 now: datetime | None = None) -> VolunteerOrder:
    """Record a resident's request (点单) at step 1; `matter_id` links it to a 365 matter of mode 组团服务 or 代办服务
    in the same community (the matter's page lists its orders). Returns the order with its number."""
    now = now or clock.now()
    data = form(data)
    with transaction(engine) as session:
        matter = None
        if data.get("matter_id") not in (None, ""):
            matter = session.get(Matter, data["matter_id"]) if is_id(data["matter_id"]) else None
            if matter is None or not scope(actor, MANAGE).allows(matter.community_id):
                raise ValidationFailed({"matter_id": ("error.not_found", {})})
            if matter.mode not in MATTER_MODES:
                raise ValidationFailed({"matter_id": ("volunteer_error.matter_mode", {})})
            data["community_id"] = matter.community_id
        community_id = community_of(actor, data.get("community_id"))
        values = clean_request(data, kinds=[k.code for k in settings.volunteer.service_kinds], now=now)
        order = VolunteerOrder(community_id=community_id, **values, matter_id=matter.id if matter else None,
                               step=Step.REQUESTED, requested_at=now, created_by=actor.id, updated_at=now)
        session.add(order)
        session.flush()
        order.number = f"{settings.volunteer.order_prefix}{clock.local(now):%Y%m%d}{order.id:06d}"
        _event(session, order, actor, "request", None, now, note=matter.number if matter else None)
        tally.order_changed(session, None, order)
        audit.record(session, actor=actor, action="volunteer.order_create", entity="volunteer_order",
                     entity_id=order.id, community_id=community_id, at=now, after=_snapshot(order))
    return order


# --- 派单, 改派, 接单, 拒单 -------------------------------------------------------------------------------

def dispatch(engine: Engine, *, actor: Actor, order_id: int, data: dict, now: datetime | None = None,
             redispatch: bool = False) -> VolunteerOrder:
    """派单 (or 改派 with `redispatch`, which needs a reason): to a team and/or a volunteer of the community, with a
    due time; an order dispatched to a volunteer alone belongs to their team (its leader sees it, its hours are the
    team's). A re-dispatch clears the take and the service recorded so far (nothing of it was signed off)."""
    now = now or clock.now()
    data = form(data)
    action = Action.REDISPATCH if redispatch else Action.DISPATCH
    with transaction(engine) as session:
        order = _order(session, actor, order_id, action)
        target = next_step(order.step, action, reason=data.get("reason"))
        teams = set(session.execute(select(VolunteerTeam.id).where(
            VolunteerTeam.community_id == order.community_id, VolunteerTeam.active.is_(True))).scalars())
        volunteers = _active_volunteers(session, order.community_id, data.get("volunteer_id"))
        values = clean_dispatch(data, teams=teams, volunteers=volunteers, now=now)
        if values["team_id"] is not None and values["volunteer_id"] is not None and session.get(
                Volunteer, values["volunteer_id"]).team_id != values["team_id"]:  # "a volunteer of a team"
            raise ValidationFailed({"volunteer_id": ("error.unknown_choice", {"value": str(values["volunteer_id"])})})
        before = _snapshot(order)
        if redispatch:
            session.execute(delete(ServiceRecord).where(ServiceRecord.order_id == order.id))
            _void_links(session, order.id, now)
        team_id = values["team_id"]
        if team_id is None and values["volunteer_id"] is not None:  # a volunteer's order is their team's too
            team_id = session.get(Volunteer, values["volunteer_id"]).team_id
        order.team_id, order.volunteer_id, order.due_at = team_id, values["volunteer_id"], values["due_at"]
        order.dispatched_at, order.taken_at, order.served_at = now, None, None
        order.take_minutes, order.hours_tenths = None, 0
        _move(session, order, actor, action, target, now, before, note=plain(data.get("reason")) or None)
    return order


def take(engine: Engine, *, actor: Actor, order_id: int, volunteer_id: int | None = None,
         now: datetime | None = None) -> VolunteerOrder:
    """接单: by the volunteer it was dispatched to, or for a team order by the team's leader for one of the team
    (themselves by default), or by staff. The minutes from dispatch to take are kept."""
    now = now or clock.now()
    with transaction(engine) as session:
        order = _order(session, actor, order_id, Action.TAKE)
        target = next_step(order.step, Action.TAKE)
        before = _snapshot(order)
        if order.volunteer_id is None:
            chosen = volunteer_id if volunteer_id is not None else getattr(me(session, actor), "id", None)
            members = set(session.execute(select(Volunteer.id).where(
                Volunteer.team_id == order.team_id, Volunteer.active.is_(True))).scalars())
            if not is_id(chosen) or chosen not in members:
                raise ValidationFailed({"volunteer_id": ("volunteer_error.take_for_team", {})})
            order.volunteer_id = chosen
        order.taken_at = now
        order.take_minutes = int((now - order.dispatched_at).total_seconds() // 60)
        _move(session, order, actor, Action.TAKE, target, now, before)
    return order


def decline(engine: Engine, *, actor: Actor, order_id: int, reason: object,
            now: datetime | None = None) -> VolunteerOrder:
    """拒单 with a reason: the order goes back to dispatch (its team, volunteer and due time cleared)."""
    now = now or clock.now()
    with transaction(engine) as session:
        order = _order(session, actor, order_id, Action.DECLINE)
        target = next_step(order.step, Action.DECLINE, reason=reason)
        before = _snapshot(order)
        order.team_id = order.volunteer_id = order.due_at = order.dispatched_at = None
        _move(session, order, actor, Action.DECLINE, target, now, before, note=plain(reason))
    return order


def cancel(engine: Engine, *, actor: Actor, order_id: int, reason: object,
           now: datetime | None = None) -> VolunteerOrder:
    """取消 with a reason, at any step before sign-off (staff)."""
    now = now or clock.now()
    with transaction(engine) as session:
        order = _order(session, actor, order_id, Action.CANCEL)
        target = next_step(order.step, Action.CANCEL, reason=reason)
        before = _snapshot(order)
        order.cancel_reason = plain(reason)
        _void_links(session, order.id, now)
        _move(session, order, actor, Action.CANCEL, target, now, before, note=order.cancel_reason)
    return order


# --- 服务 -------------------------------------------------------------------------------------------

def record_service(engine: Engine, *, actor: Actor, order_id: int, rows: object, served_on: object = None,
                   now: datetime | None = None) -> VolunteerOrder:
    """服务: the volunteers who served (of the community, active) and the hours of each, on `served_on` (today by
    default; not in the future, nor before the order was taken). Recording again replaces what was recorded; no
    volunteer passes 24 hours on one day with their other orders."""
    now = now or clock.now()
    today = clock.local(now).date()
    with transaction(engine) as session:
        order = _order(session, actor, order_id, Action.RECORD_SERVICE)
        target = next_step(order.step, Action.RECORD_SERVICE)
        day = served_on if served_on not in (None, "") else today
        if not isinstance(day, date) or isinstance(day, datetime) or day > today \
                or day < clock.local(order.taken_at).date():
            raise ValidationFailed({"served_on": ("volunteer_error.served_on_range", {
                "first": clock.local(order.taken_at).date().isoformat(), "last": today.isoformat()})})
        ids = [r.get("volunteer_id") for r in rows if isinstance(r, dict)] if isinstance(rows, list | tuple) else []
        known = _active_volunteers(session, order.community_id, ids, lock=True)
        if not can(actor, MANAGE, order.community_id):  # a volunteer records themselves and their team, no one else
            team = set(session.execute(select(Volunteer.id).where(Volunteer.team_id == order.team_id)).scalars()) \
                if order.team_id is not None else set()
            known &= team | {order.volunteer_id} | {getattr(me(session, actor), "id", None)}
        clean_rows = [r if not isinstance(r, dict) or not is_id(r.get("volunteer_id")) or r["volunteer_id"] in known
                      else {**r, "volunteer_id": None} for r in rows] if isinstance(rows, list | tuple) else rows
        already = dict(session.execute(  # their hours on the day's other orders (a cancelled one served nobody)
            select(ServiceRecord.volunteer_id, func.sum(ServiceRecord.tenths))
            .join(VolunteerOrder, VolunteerOrder.id == ServiceRecord.order_id)
            .where(ServiceRecord.volunteer_id.in_(list(known) or [0]), ServiceRecord.served_on == day,
                   ServiceRecord.order_id != order.id, VolunteerOrder.step != int(Step.CANCELLED))
            .group_by(ServiceRecord.volunteer_id)).all())
        served = clean_service(clean_rows, {v: t / 10 for v, t in already.items()})
        before = _snapshot(order)
        session.execute(delete(ServiceRecord).where(ServiceRecord.order_id == order.id))
        _void_links(session, order.id, now)  # a code shown for the hours before would sign the new ones unseen
        for volunteer_id, hours in served.items():
            session.add(ServiceRecord(order_id=order.id, volunteer_id=volunteer_id, community_id=order.community_id,
                                      served_on=day, tenths=round(hours * 10)))
        order.served_at = now
        order.hours_tenths = sum(round(h * 10) for h in served.values())
        note = "; ".join(f"{v}:{h:g}" for v, h in served.items())
        _move(session, order, actor, Action.RECORD_SERVICE, target, now, before, note=f"{day.isoformat()} {note}")
    return order


# --- 签单 and 评单 ------------------------------------------------------------------------------------

def sign_off(engine: Engine, *, actor: Actor, settings: Settings, order_id: int, method: object,
             now: datetime | None = None) -> VolunteerOrder:
    """签单 recorded by staff: the person served signed in person (在场签字) or confirmed by phone (电话确认). The
    one-time link is `sign_by_link`'s."""
    now = now or clock.now()
    if method == SignOff.LINK:
        raise ValidationFailed({"method": ("volunteer_error.link_is_the_residents", {})})
    with transaction(engine) as session:
        order = _order(session, actor, order_id, Action.SIGN_OFF)
        _sign(session, order, actor, settings, method, now)
    return order


def make_link(engine: Engine, *, actor: Actor, settings: Settings, order_id: int,
              now: datetime | None = None) -> tuple[str, datetime]:
    """A one-time sign-off link's token for a served order, and when it expires (volunteer.link_minutes); any earlier
    unused link of the order stops working. Only the token's hash is stored."""
    now = now or clock.now()
    with transaction(engine) as session:
        order = _order(session, actor, order_id, Action.RECORD_SERVICE)
        if order.step != Step.SERVED:
            raise DomainError("volunteer_error.link_needs_service")
        _void_links(session, order.id, now)
        token = secrets.token_urlsafe(24)
        expires = now + timedelta(minutes=settings.volunteer.link_minutes)
        session.add(SignOffLink(order_id=order.id, community_id=order.community_id, token_hash=token_hash(token),
                                created_at=now, expires_at=expires, created_by=actor.id))
        audit.record(session, actor=actor, action="volunteer.link_create", entity="volunteer_order",
                     entity_id=order.id, community_id=order.community_id, at=now,
                     after={"number": order.number, "expires_at": expires.isoformat()})
    return token, expires


def link_order(engine: Engine, token: object, *, now: datetime | None = None) -> dict:
    """What the resident's phone shows for a sign-off link: the order's number, service, place, time, the
    volunteers' names (masked) and hours; never the resident's name or phone. DomainError when the link is unknown,
    used or expired."""
    now = now or clock.now()
    with reading(engine) as session:
        link = _link(session, token)
        check_link(link.expires_at, link.used_at, now)
        return _public(session, session.get(VolunteerOrder, link.order_id))


def sign_by_link(engine: Engine, *, settings: Settings, token: object, data: dict | None = None,
                 now: datetime | None = None) -> VolunteerOrder:
    """签单 by the person served on their own phone through the one-time link (no account): the link is locked and
    checked (once, not expired), the order signed off, and with a rating in `data` also rated (评单). A second use
    is refused."""
    now = now or clock.now()
    data = form(data or {})
    rating = clean_rating(data) if data.get("rating") not in (None, "") else None
    with transaction(engine) as session:
        # the order is locked before its link, as every other write of the order does (a staff sign-off voids the
        # order's links while holding it): the other way round, the two would wait on each other
        order_id = _link(session, token).order_id
        order = session.execute(select(VolunteerOrder).where(VolunteerOrder.id == order_id)
                                .with_for_update(key_share=True)).scalars().one()
        link = _link(session, token, lock=True)
        if link.used_at is None and order.step in (Step.SIGNED, Step.RATED):  # signed off by staff meanwhile
            raise DomainError(f"volunteer_error.not_allowed.{Step(order.step).code}", order_step=Step(order.step).code,
                              order_action=Action.SIGN_OFF.value)
        check_link(link.expires_at, link.used_at, now)
        link.used_at = now
        _sign(session, order, LINK_ACTOR, settings, SignOff.LINK, now)
        if rating is not None:
            _rate(session, order, LINK_ACTOR, rating, now)
    return order


def rate(engine: Engine, *, actor: Actor, order_id: int, data: dict, now: datetime | None = None) -> VolunteerOrder:
    """评单 recorded by staff: 满意, 基本满意 or 不满意 and a comment; 不满意 flags the order for the secretary."""
    now = now or clock.now()
    values = clean_rating(form(data))
    with transaction(engine) as session:
        order = _order(session, actor, order_id, Action.RATE)
        _rate(session, order, actor, values, now)
    return order


def _sign(session: Session, order: VolunteerOrder, actor: Actor, settings: Settings, method: object,
          now: datetime) -> None:
    target = next_step(order.step, Action.SIGN_OFF, method=method)
    before = _snapshot(order)
    records = session.execute(select(ServiceRecord).where(ServiceRecord.order_id == order.id)
                              .order_by(ServiceRecord.volunteer_id)).scalars().all()
    for record in records:
        volunteer = session.execute(select(Volunteer).where(Volunteer.id == record.volunteer_id)
                                    .with_for_update(key_share=True)).scalars().one()
        volunteer.hours_tenths += record.tenths
        volunteer.last_served_on = max(filter(None, (volunteer.last_served_on, record.served_on)))
        earned = earning(order.community_id, volunteer.id,
                         points_for(record.tenths / 10, order.service_kind, settings.volunteer.points))
        if earned is not None:
            points.transfer(session, earned, community_id=order.community_id, at=now, actor=actor, order_id=order.id)
    order.signed_at, order.sign_method = now, str(method)
    order.signed_month = f"{clock.local(now):%Y-%m}"
    order.sign_minutes = int((now - order.requested_at).total_seconds() // 60)
    _void_links(session, order.id, now)
    _move(session, order, actor, Action.SIGN_OFF, target, now, before, note=str(method))


def _rate(session: Session, order: VolunteerOrder, actor: Actor, values: dict, now: datetime) -> None:
    target = next_step(order.step, Action.RATE, rating=values["rating"])
    before = _snapshot(order)
    order.rating, order.comment, order.flagged = values["rating"].value, values["comment"] or None, values["flagged"]
    order.rated_at = now
    _move(session, order, actor, Action.RATE, target, now, before, note=order.rating)


# --- shared ---------------------------------------------------------------------------------------

def may_serve(session: Session, actor: Actor, order: VolunteerOrder) -> bool:
    """Whether the actor is the volunteer the order is dispatched to, or leads the team it is dispatched to."""
    if not can(actor, SERVE, order.community_id):
        return False
    volunteer = me(session, actor)
    if volunteer is None or volunteer.community_id != order.community_id:
        return False
    if order.volunteer_id is not None and order.volunteer_id == volunteer.id:
        return True
    if order.team_id is None or not can(actor, LEAD, order.community_id) \
            or led_team(session, actor, volunteer) != order.team_id:
        return False
    # a leader's team order: unassigned, or held by one of the team still (not one who has moved team since)
    return order.volunteer_id is None or session.get(Volunteer, order.volunteer_id).team_id == order.team_id


def _order(session: Session, actor: Actor, order_id: object, action: Action) -> VolunteerOrder:
    """The order locked, if the actor may do `action` on it: staff anything in their communities, a volunteer or team
    leader taking, declining and recording the service of their own orders. Another's order is not found."""
    order = None
    if is_id(order_id):
        order = session.execute(select(VolunteerOrder).where(VolunteerOrder.id == order_id)
                                .with_for_update(key_share=True)).scalars().first()
    if order is None:
        raise DomainError("error.not_found")
    if can(actor, MANAGE, order.community_id):
        return order
    if may_serve(session, actor, order):
        if action in BY_VOLUNTEER:
            return order
        raise PermissionDenied("error.permission", permission=MANAGE)
    raise DomainError("error.not_found")


def _active_volunteers(session: Session, community_id: int, wanted: object, lock: bool = False) -> set[int]:
    """Of the ids wanted (one or a list), those of the community's active volunteers; with `lock`, their rows locked
    (in id order) until the transaction ends, so that two orders recorded at once do not both fill the same day."""
    ids = [v for v in (wanted if isinstance(wanted, list | tuple) else [wanted]) if is_id(v)]
    if not ids:
        return set()
    query = select(Volunteer.id).where(Volunteer.id.in_(ids), Volunteer.community_id == community_id,
                                       Volunteer.active.is_(True)).order_by(Volunteer.id)
    return set(session.execute(query.with_for_update(key_share=True) if lock else query).scalars())


def _link(session: Session, token: object, lock: bool = False) -> SignOffLink:
    if not isinstance(token, str) or not 10 <= len(token) <= 100:
        raise DomainError("volunteer_error.link_unknown")
    query = select(SignOffLink).where(SignOffLink.token_hash == token_hash(token))
    link = session.execute(query.with_for_update().execution_options(populate_existing=True) if lock else query
                           ).scalars().first()
    if link is None:
        raise DomainError("volunteer_error.link_unknown")
    return link


def _void_links(session: Session, order_id: int, now: datetime) -> None:
    """Every unused link of the order stops working now."""
    for link in session.execute(select(SignOffLink).where(SignOffLink.order_id == order_id,
                                                          SignOffLink.used_at.is_(None),
                                                          SignOffLink.expires_at > now)).scalars():
        link.expires_at = now


def _public(session: Session, order: VolunteerOrder) -> dict:
    names = session.execute(select(Volunteer.name, ServiceRecord.tenths).join(
        ServiceRecord, ServiceRecord.volunteer_id == Volunteer.id).where(ServiceRecord.order_id == order.id)
        .order_by(Volunteer.id)).all()
    return {"number": order.number, "service_kind": order.service_kind, "title": order.title, "place": order.place,
            "wanted_at": order.wanted_at, "step": Step(order.step),
            "volunteers": [(mask_name(name), tenths / 10) for name, tenths in names]}


def _snapshot(order: VolunteerOrder) -> dict:
    values = audit.snapshot(order)
    values.pop("recipient_phone", None)
    return values


def _event(session: Session, order: VolunteerOrder, actor: Actor, action: str, from_step: int | None, now: datetime,
           note: str | None = None) -> None:
    session.add(OrderEvent(order_id=order.id, community_id=order.community_id, at=now, actor_id=actor.id,
                           actor_name=actor.display_name, action=action, from_step=from_step, to_step=order.step,
                           note=(note or None) and note[:1000]))


def _move(session: Session, order: VolunteerOrder, actor: Actor, action: Action, target: Step, now: datetime,
          before: dict, note: str | None = None) -> None:
    """Move the order to `target`: the row, its timeline entry, its audit record and the monthly tally."""
    from_step = order.step
    order.step = int(target)
    order.updated_at = now
    _event(session, order, actor, action.value, from_step, now, note)
    tally.order_changed(session, before, order)
    audit.record(session, actor=actor, action=f"volunteer.order_{action.value}", entity="volunteer_order",
                 entity_id=order.id, community_id=order.community_id, at=now, before=before, after=_snapshot(order))

