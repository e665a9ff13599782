"""A small volunteer-service world on a real database for the data-layer tests: two communities, their staff, a
volunteer and a team leader with accounts, a team, and helpers that walk an order through the loop and read back
everything a write may have touched."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from sqlalchemy import func, select

from data_access.cli import add_community
from data_access.db import reading, transaction
from data_access.models import (
    AuditLog,
    OrderEvent,
    PointsAccount,
    PointsTransfer,
    Redemption,
    ServiceRecord,
    SignOffLink,
    StoreGood,
    User,
    UserRole,
    Volunteer,
    VolunteerOrder,
    VolunteerTeam,
)
from data_access.volunteer import orders as o
from data_access.volunteer import points
from data_access.volunteer import registry as r
from data_access.volunteer import store as s
from domain.access import Actor, grants_for
from domain.volunteer.orders import Step
from tests.conftest import NOW

TODAY = NOW.date()
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
TABLES = (Volunteer, VolunteerTeam, VolunteerOrder, OrderEvent, ServiceRecord, SignOffLink, PointsAccount,
          PointsTransfer, StoreGood, Redemption, AuditLog)


def id_number(serial: int, born: str = "19800101", area: str = "110105") -> str:
    """A valid resident ID number (GB 11643) for a serial 0..999."""
    body = f"{area}{born}{serial:03d}"
    return body + CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


def id_number_with_x() -> str:
    """A valid ID number whose check character is X."""
    return next(n for n in (id_number(i, born="19751010") for i in range(1000)) if n.endswith("X"))


def person(engine, settings, username: str, role: str, community_id: int | None) -> Actor:
    """An account holding one role, inserted as the admin screen would leave it."""
    with transaction(engine) as session:
        user = User(username=username, display_name=f"测试 {username}", password_hash="-", created_at=NOW)
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=user.id, role=role, community_id=community_id))
        user_id = user.id
    return Actor(user_id, username, f"测试 {username}", grants_for(settings, [(role, community_id, None)]))


def volunteer_data(community_id: int, name: str, serial: int, **changes) -> dict:
    return {"community_id": community_id, "name": name, "phone": f"139{serial:08d}", "id_number": id_number(serial),
            "skills": ["elderly", "repair"], "party_member": False, "registered_on": date(2025, 3, 1)} | changes


def request_data(community_id: int, **changes) -> dict:
    return {"community_id": community_id, "service_kind": "elderly", "title": "陪同就医", "detail": "腿脚不便",
            "place": "幸福小区3号楼", "wanted_at": NOW + timedelta(days=1), "recipient_name": "李桂兰",
            "recipient_phone": "13800001111"} | changes


@dataclass
class World:
    """甲社区 (home) with a secretary, a worker, two volunteers with accounts (vol_a alone, vol_b in the team), a
    team 红马甲服务队 led by `lead` (an account with team_lead) with a member without an account (`member`); 乙社区
    (other) with its own secretary and volunteer."""

    engine: object
    settings: object
    home: int
    other: int
    people: dict[str, Actor]
    vols: dict[str, int]
    team: int
    clock: list[datetime] = field(default_factory=lambda: [NOW])

    def __getitem__(self, name: str) -> Actor:
        return self.people[name]

    def tick(self, minutes: int = 1) -> datetime:
        """The next moment: every write of a test a little later than the one before, on the same local day."""
        self.clock[0] += timedelta(minutes=minutes)
        return self.clock[0]


def build(engine, settings) -> World:
    home = add_community(engine, street="测试街道", name="甲社区", code="JA", grids=1)
    other = add_community(engine, street="测试街道", name="乙社区", code="YI", grids=1)
    roles = {"secretary": ("secretary", home), "worker": ("worker", home), "leader": ("leader", None),
             "vol_a": ("volunteer", home), "vol_b": ("volunteer", home), "lead": ("team_lead", home),
             "other_secretary": ("secretary", other), "other_vol": ("volunteer", other)}
    people = {name: person(engine, settings, name, role, where) for name, (role, where) in roles.items()}
    sec, earlier = people["secretary"], NOW - timedelta(days=30)

    def add(name, serial, community=home, actor=sec, **changes):
        return r.save_volunteer(engine, actor=actor, settings=settings, now=earlier,
                                data=volunteer_data(community, name, serial, **changes)).id

    vols = {"a": add("张志愿", 1, user_id=people["vol_a"].id), "lead": add("王队长", 2, user_id=people["lead"].id)}
    team = r.save_team(engine, actor=sec, settings=settings, now=earlier, data={
        "community_id": home, "name": "红马甲服务队", "kind": "community", "speciality": ["elderly"],
        "leader_id": vols["lead"]}).id
    vols["b"] = add("赵志愿", 3, user_id=people["vol_b"].id, team_id=team)
    vols["member"] = add("钱队员", 4, team_id=team)
    vols["spare"] = add("孙志愿", 5)
    vols["other"] = add("周志愿", 6, community=other, actor=people["other_secretary"],
                        user_id=people["other_vol"].id)
    return World(engine, settings, home, other, people, vols, team)


# --- the loop -------------------------------------------------------------------------------------------------------

def create(w: World, actor: str = "secretary", **changes) -> VolunteerOrder:
    now = w.tick()
    data = request_data(w.home, wanted_at=now + timedelta(days=1)) | changes
    return o.create_order(w.engine, actor=w[actor], settings=w.settings, data=data, now=now)


def dispatch(w: World, order_id: int, actor: str = "secretary", to: str | None = "a", team: bool = False,
             reason: str | None = None) -> VolunteerOrder:
    now = w.tick()
    data = {"volunteer_id": w.vols[to] if to else None, "team_id": w.team if team else None,
            "due_at": now + timedelta(days=2)}
    if reason is not None:
        data["reason"] = reason
    return o.dispatch(w.engine, actor=w[actor], order_id=order_id, data=data, now=now,
                      redispatch=reason is not None)


def serve(w: World, order_id: int, actor: str = "vol_a", hours: dict[str, float] | None = None) -> VolunteerOrder:
    rows = [{"volunteer_id": w.vols[k], "hours": h} for k, h in (hours or {"a": 2}).items()]
    return o.record_service(w.engine, actor=w[actor], order_id=order_id, rows=rows, now=w.tick())


def walk(w: World, to: Step, *, kind: str = "elderly", hours: dict[str, float] | None = None,
         volunteer: str = "a") -> VolunteerOrder:
    """A new order of `kind` taken to step `to` (dispatched to `volunteer` and served by them unless `hours`)."""
    order = create(w, service_kind=kind)
    if to >= Step.DISPATCHED:
        order = dispatch(w, order.id, to=volunteer)
    if to >= Step.TAKEN:
        order = o.take(w.engine, actor=w["secretary"], order_id=order.id, now=w.tick())
    if to >= Step.SERVED:
        order = serve(w, order.id, actor="secretary", hours=hours or {volunteer: 2})
    if to >= Step.SIGNED:
        order = o.sign_off(w.engine, actor=w["secretary"], settings=w.settings, order_id=order.id, method="phone",
                           now=w.tick())
    if to >= Step.RATED:
        order = o.rate(w.engine, actor=w["secretary"], order_id=order.id, data={"rating": "satisfied"}, now=w.tick())
    return order


# --- what the database holds ----------------------------------------------------------------------------------------

def count(engine, model, *conditions) -> int:
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


def state(engine) -> tuple:
    """Everything a volunteer write may change: the rows of each table, and the changeable columns of orders,
    volunteers, teams, links, accounts and goods. Two equal states: nothing was written in between."""
    with reading(engine) as session:
        def rows(*columns):
            return tuple(session.execute(select(*columns).order_by(columns[0])).all())

        return (tuple(session.execute(select(func.count()).select_from(m)).scalar_one() for m in TABLES),
                rows(VolunteerOrder.id, VolunteerOrder.step, VolunteerOrder.updated_at, VolunteerOrder.volunteer_id,
                     VolunteerOrder.team_id, VolunteerOrder.hours_tenths),
                rows(Volunteer.id, Volunteer.hours_tenths, Volunteer.last_served_on, Volunteer.updated_at,
                     Volunteer.id_number, Volunteer.phone, Volunteer.team_id, Volunteer.user_id),
                rows(VolunteerTeam.id, VolunteerTeam.updated_at, VolunteerTeam.leader_id),
                rows(SignOffLink.id, SignOffLink.used_at, SignOffLink.expires_at),
                rows(PointsAccount.id, PointsAccount.balance),
                rows(StoreGood.id, StoreGood.stock, StoreGood.updated_at),
                rows(Redemption.id, Redemption.cancelled_at))


def balance(w: World, key: str) -> int:
    with reading(w.engine) as session:
        return points.balance(session, points.Holder.VOLUNTEER, w.vols[key])


def volunteer(w: World, key: str) -> Volunteer:
    with reading(w.engine) as session:
        return session.get(Volunteer, w.vols[key])


def order_row(w: World, order_id: int) -> VolunteerOrder:
    with reading(w.engine) as session:
        return session.get(VolunteerOrder, order_id)


def events(w: World, order_id: int) -> list[OrderEvent]:
    with reading(w.engine) as session:
        return list(session.execute(select(OrderEvent).where(OrderEvent.order_id == order_id)
                                    .order_by(OrderEvent.id)).scalars())


def audits(w: World, entity: str, entity_id: int) -> list[AuditLog]:
    with reading(w.engine) as session:
        return list(session.execute(select(AuditLog).where(AuditLog.entity == entity, AuditLog.entity_id == entity_id)
                                    .order_by(AuditLog.id)).scalars())


def good(w: World, name: str = "洗衣液", price: int = 30, stock: int = 5, actor: str = "worker") -> int:
    return s.save_good(w.engine, actor=w[actor], data={"community_id": w.home, "name": name, "price": price,
                                                      "stock": stock, "donor": "爱心超市"}, now=w.tick()).id


def earn(w: World, key: str, hours: float, kind: str = "elderly") -> VolunteerOrder:
    """Signed-off service of `hours` by volunteer `key`: per_hour (10) points an hour for elderly care."""
    return walk(w, Step.SIGNED, kind=kind, hours={key: hours}, volunteer=key)
