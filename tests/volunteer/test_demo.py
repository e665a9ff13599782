"""The demo's volunteer service (data_access.demo.volunteer via street.seed): 康盛社区's member-unit teams and its own
team, about 120 volunteers, a year of about 600 orders at every step of the loop, the points ledger and the store;
the stored figures agree with the rows they come from, and the demo accounts `volunteer` and `teamlead` have work
on their phone screens that the app's write functions carry on."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from data_access import clock
from data_access.accounts.auth import login
from data_access.config import load_settings
from data_access.db import make_engine, migrate, reading
from data_access.demo import street
from data_access.demo import volunteer as demo_volunteer
from data_access.models import (
    AuditLog,
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
    Volunteer,
    VolunteerOrder,
    VolunteerTeam,
)
from data_access.volunteer import orders, points, store
from data_access.volunteer.registry import whoami
from domain.fields import PHONE
from domain.personal import valid_id_number
from domain.volunteer.ledger import Holder, points_for
from domain.volunteer.orders import Step, taken_late
from tests.conftest import NOW

pytestmark = pytest.mark.db
TODAY = clock.local(NOW).date()
SIGNED = (Step.SIGNED, Step.RATED)


def kangsheng(session) -> int:
    return session.execute(select(Community.id).where(Community.name == "康盛社区")).scalar_one()


def rows(session, model, community: int | None = None) -> list:
    query = select(model)
    if community is not None:
        query = query.where(model.community_id == community)
    return list(session.execute(query.order_by(model.id)).scalars())


def test_teams_of_the_member_units_and_the_community(demo_engine, settings):
    with reading(demo_engine) as session:
        ks = kangsheng(session)
        units = {u.id: u for u in rows(session, MemberUnit, ks)}
        teams = rows(session, VolunteerTeam, ks)
        volunteers = {v.id: v for v in rows(session, Volunteer, ks)}
    kinds = {k.code for k in settings.volunteer.service_kinds}
    by_unit = [t for t in teams if t.kind == "member_unit"]
    assert len(units) == 13 and sorted(t.unit_id for t in by_unit) == sorted(units)
    assert [t.kind for t in teams if t.unit_id is None] == ["community"]
    for team in by_unit:
        assert team.name == units[team.unit_id].volunteer_team
    assert all(t.speciality and set(t.speciality.split(",")) <= kinds for t in teams)
    assert {t.name: t.speciality for t in teams}["“白衣天使”志愿服务队"] == "medical"
    for team in teams:  # a leader, who is one of the team, active
        leader = volunteers[team.leader_id]
        assert leader.team_id == team.id and leader.active
        assert sum(v.team_id == team.id for v in volunteers.values()) >= 3


def test_volunteers_look_real(demo_engine, settings):
    with reading(demo_engine) as session:
        ks = kangsheng(session)
        volunteers = rows(session, Volunteer, ks)
        units = set(session.execute(select(MemberUnit.id).where(MemberUnit.community_id == ks)).scalars())
    kinds = {k.code for k in settings.volunteer.service_kinds}
    assert 110 <= len(volunteers) <= 130
    assert len({v.id_number for v in volunteers}) == len(volunteers)
    assert all(valid_id_number(v.id_number) for v in volunteers)
    assert all(re.fullmatch(r"1[3-9]\d{9}", v.phone) and PHONE.match(v.phone) for v in volunteers)
    assert all(2 <= len(v.name) <= 3 for v in volunteers) and len({v.name for v in volunteers}) == len(volunteers)
    assert all(v.skills and set(v.skills.split(",")) <= kinds for v in volunteers)
    assert all(v.registered_on <= TODAY for v in volunteers)
    party = [v for v in volunteers if v.party_member]
    assert 0.25 <= len(party) / len(volunteers) <= 0.42  # about a third
    reporting = [v for v in volunteers if v.report_unit_id is not None]
    assert reporting and all(v.party_member and v.report_unit_id in units for v in reporting)  # 在职党员双报到
    assert 1 <= sum(not v.active for v in volunteers) <= 10
    assert sum(v.team_id is None for v in volunteers) >= 5


def test_a_year_of_orders_at_every_step(demo_engine, settings):
    within = settings.volunteer.take_within_hours
    with reading(demo_engine) as session:
        ks = kangsheng(session)
        all_orders = rows(session, VolunteerOrder, ks)
        matters = {m.id: m for m in session.execute(select(Matter).where(
            Matter.id.in_([o.matter_id for o in all_orders if o.matter_id]))).scalars()}
        events = rows(session, OrderEvent, ks)
    assert 580 <= len(all_orders) <= 620
    steps = Counter(Step(o.step) for o in all_orders)
    assert set(steps) == set(Step)  # requested, dispatched, taken, served, signed, rated, cancelled
    assert steps[Step.RATED] > len(all_orders) / 2
    assert all(NOW - timedelta(days=366) < o.requested_at < NOW for o in all_orders)  # a year, before now
    assert all(o.updated_at <= NOW for o in all_orders)
    late = [o for o in all_orders if o.dispatched_at and taken_late(o.dispatched_at, o.taken_at, NOW, within)]
    assert any(o.step == Step.DISPATCHED for o in late) and any(o.taken_at for o in late)
    ratings = Counter(o.rating for o in all_orders if o.step == Step.RATED)
    assert ratings["satisfied"] > ratings["basic"] > ratings["dissatisfied"] > 0
    assert all(o.flagged == (o.rating == "dissatisfied") for o in all_orders)
    cancelled = [o for o in all_orders if o.step == Step.CANCELLED]
    assert cancelled and all(o.cancel_reason and not o.signed_at for o in cancelled)
    linked = [o for o in all_orders if o.matter_id]
    assert linked and all(matters[o.matter_id].mode in orders.MATTER_MODES
                          and matters[o.matter_id].community_id == ks
                          and o.requested_at >= matters[o.matter_id].registered_at for o in linked)
    actions = Counter(e.action for e in events)
    assert actions["decline"] and actions["redispatch"] and actions["cancel"]
    declined = {e.order_id for e in events if e.action == "decline"}
    assert any(o.id in declined and o.step >= Step.DISPATCHED for o in all_orders)  # declined, then dispatched again
    assert Counter(o.sign_method for o in all_orders if o.signed_at).keys() == {"in_person", "phone", "link"}
    assert len({o.number for o in all_orders}) == len(all_orders)
    assert all(o.number == f"{settings.volunteer.order_prefix}{clock.local(o.requested_at):%Y%m%d}{o.id:06d}"
               for o in all_orders)


def test_each_timeline_walks_the_loop_to_where_the_order_stands(demo_engine):
    with reading(demo_engine) as session:
        ks = kangsheng(session)
        all_orders = rows(session, VolunteerOrder, ks)
        events = rows(session, OrderEvent, ks)
        audited = Counter(session.execute(select(AuditLog.entity_id).where(
            AuditLog.entity == "volunteer_order", AuditLog.action.like("volunteer.order_%"))).scalars())
    timeline = defaultdict(list)
    for e in sorted(events, key=lambda e: (e.at, e.id)):
        timeline[e.order_id].append(e)
    for o in all_orders:
        steps = timeline[o.id]
        assert steps[0].action == "request" and steps[0].from_step is None and steps[0].at == o.requested_at
        for before, after in zip(steps, steps[1:], strict=False):
            assert after.from_step == before.to_step
        assert steps[-1].to_step == o.step and steps[-1].at == o.updated_at
        assert audited[o.id] == len(steps)  # every step audited
        if o.matter_id:
            assert steps[0].note  # the matter's number


def test_stored_figures_agree_with_the_rows(demo_engine, settings):
    with reading(demo_engine) as session:
        ks = kangsheng(session)
        all_orders = {o.id: o for o in rows(session, VolunteerOrder, ks)}
        records = rows(session, ServiceRecord, ks)
        volunteers = rows(session, Volunteer, ks)
        links = rows(session, SignOffLink, ks)
    by_order = defaultdict(list)
    for r in records:
        by_order[r.order_id].append(r)
    for o in all_orders.values():
        assert o.hours_tenths == sum(r.tenths for r in by_order[o.id])
        if o.taken_at:
            assert o.take_minutes == int((o.taken_at - o.dispatched_at).total_seconds() // 60)
        else:
            assert o.take_minutes is None
        assert (o.signed_at is not None) == (o.step in SIGNED)
        assert (o.rated_at is not None) == (o.step == Step.RATED) == (o.rating is not None)
        if o.signed_at:
            assert o.sign_minutes == int((o.signed_at - o.requested_at).total_seconds() // 60)
            assert o.signed_month == f"{clock.local(o.signed_at):%Y-%m}"
            assert by_order[o.id] and o.served_at <= o.signed_at
        else:
            assert o.sign_minutes is None and o.signed_month is None
        if o.step in (Step.REQUESTED, Step.DISPATCHED):
            assert not by_order[o.id]
        for r in by_order[o.id]:
            assert clock.local(o.taken_at).date() <= r.served_on <= clock.local(o.served_at).date()
    assert all(0 < r.tenths <= 240 for r in records)
    day = Counter()
    for r in records:
        day[(r.volunteer_id, r.served_on)] += r.tenths
    assert max(day.values()) <= 240  # no volunteer serves more than 24 hours a day
    for v in volunteers:
        mine = [r for r in records if r.volunteer_id == v.id and all_orders[r.order_id].step in SIGNED]
        assert v.hours_tenths == sum(r.tenths for r in mine)
        assert v.last_served_on == max((r.served_on for r in mine), default=None)
    linked = {o.id for o in all_orders.values() if o.sign_method == "link"}
    assert {link.order_id for link in links} == linked
    assert all(link.used_at == all_orders[link.order_id].signed_at and link.used_at < link.expires_at
               for link in links)


def test_the_ledger_is_what_sign_offs_and_redemptions_write(demo_engine, settings):
    assert points.check_balances(demo_engine) == []
    with reading(demo_engine) as session:
        ks = kangsheng(session)
        all_orders = {o.id: o for o in rows(session, VolunteerOrder, ks)}
        records = rows(session, ServiceRecord, ks)
        accounts = {a.id: a for a in rows(session, PointsAccount, ks)}
        transfers = rows(session, PointsTransfer, ks)
        volunteers = rows(session, Volunteer, ks)
        slips = {r.id: r for r in rows(session, Redemption, ks)}
    holder = {a.id: (a.holder, a.owner_id) for a in accounts.values()}
    assert {a.owner_id for a in accounts.values() if a.holder == Holder.VOLUNTEER} == {v.id for v in volunteers}
    assert all(a.balance >= 0 for a in accounts.values() if a.holder != Holder.ISSUER)
    earned = {(t.order_id, holder[t.target_id][1]): t for t in transfers if t.kind == "earn"}
    expected = {(r.order_id, r.volunteer_id): points_for(r.tenths / 10, all_orders[r.order_id].service_kind,
                                                         settings.volunteer.points)
                for r in records if all_orders[r.order_id].step in SIGNED}
    assert {key: t.points for key, t in earned.items()} == {k: p for k, p in expected.items() if p > 0}
    assert len(earned) == sum(t.kind == "earn" for t in transfers)  # one per volunteer per signed order
    assert all(t.at == all_orders[t.order_id].signed_at and holder[t.source_id] == ("issuer", ks)
               for t in earned.values())
    # every balance never went below zero: replayed in time order
    running = Counter()
    for t in sorted(transfers, key=lambda t: (t.at, t.id)):
        running[t.source_id] -= t.points
        running[t.target_id] += t.points
        assert holder[t.source_id][0] == "issuer" or running[t.source_id] >= 0
    # redemptions: their transfer to the store, and for a cancelled one its reversal the same day
    redeemed = {t.redemption_id: t for t in transfers if t.kind == "redeem"}
    reversed_ = {t.redemption_id: t for t in transfers if t.kind == "reversal"}
    assert set(redeemed) == set(slips) and len(slips) >= 30
    cancelled = [s for s in slips.values() if s.cancelled_at]
    assert cancelled and set(reversed_) == {s.id for s in cancelled}
    for slip in slips.values():
        t = redeemed[slip.id]
        assert (t.points, holder[t.source_id], holder[t.target_id]) == (slip.points, ("volunteer", slip.volunteer_id),
                                                                        ("store", ks))
        if slip.cancelled_at:
            back = reversed_[slip.id]
            assert back.reverses == t.id and back.points == t.points and back.at == slip.cancelled_at
            assert clock.local(slip.cancelled_at).date() == clock.local(slip.at).date() and slip.cancel_reason


def test_a_store_with_fifteen_goods(demo_engine):
    with reading(demo_engine) as session:
        ks = kangsheng(session)
        goods = rows(session, StoreGood, ks)
        slips = rows(session, Redemption, ks)
        units = set(session.execute(select(MemberUnit.name).where(MemberUnit.community_id == ks)).scalars())
    assert len(goods) == 15 and len({g.name for g in goods}) == 15
    assert all(g.price > 0 and g.stock >= 0 and g.active for g in goods)
    assert sum(g.donor in units for g in goods) >= 8  # donated by the member units, mostly
    taken = Counter()
    for slip in slips:
        if not slip.cancelled_at:
            taken[slip.good_id] += slip.quantity
    initial = {name: stock for name, _, stock, _ in demo_volunteer.GOODS}
    assert all(g.stock == initial[g.name] - taken[g.id] for g in goods)
    assert all(s.points == s.quantity * next(g.price for g in goods if g.id == s.good_id) for s in slips)


def test_the_demo_accounts_log_in_to_their_work(demo_engine, settings):
    volunteer = login(demo_engine, settings, "volunteer", "gongzhi-demo", now=NOW).actor
    leader = login(demo_engine, settings, "teamlead", "gongzhi-demo", now=NOW).actor
    mine, led = whoami(demo_engine, actor=volunteer)
    lead_id, team_id = whoami(demo_engine, actor=leader)
    assert mine is not None and led is None and lead_id is not None and team_id is not None
    with reading(demo_engine) as session:
        me, boss = session.get(Volunteer, mine), session.get(Volunteer, lead_id)
        my_orders = list(session.execute(select(VolunteerOrder).where(VolunteerOrder.volunteer_id == mine)).scalars())
        team_orders = list(session.execute(select(VolunteerOrder).where(
            VolunteerOrder.team_id == team_id, VolunteerOrder.volunteer_id.is_(None))).scalars())
        balance = points.balance(session, Holder.VOLUNTEER, mine)
    assert (me.name, boss.name) == ("周晓东", "马桂英")  # the accounts' display names
    assert me.community_id == boss.community_id == leader.grants[0].community_id
    open_steps = Counter(o.step for o in my_orders if o.step in (Step.DISPATCHED, Step.TAKEN, Step.SERVED))
    assert open_steps == {Step.DISPATCHED: 1, Step.TAKEN: 1, Step.SERVED: 1}
    assert me.hours_tenths > 0 and balance > 0
    assert any(o.step == Step.DISPATCHED and not taken_late(o.dispatched_at, None, NOW, 24) for o in team_orders)


def test_the_write_functions_carry_the_demo_on(demo_engine, settings, actors):
    """The volunteer takes the order dispatched to them and records the service; the secretary signs off the served
    one; the leader takes the team order; the worker redeems a good with the volunteer's points: the ledger stays
    sound."""
    volunteer, leader = actors["volunteer"], actors["teamlead"]
    mine, _ = whoami(demo_engine, actor=volunteer)
    _, team_id = whoami(demo_engine, actor=leader)
    with reading(demo_engine) as session:
        waiting = {o.step: o.id for o in session.execute(select(VolunteerOrder).where(
            VolunteerOrder.volunteer_id == mine, VolunteerOrder.step.in_([2, 3, 4]))).scalars()}
        team_order = session.execute(select(VolunteerOrder.id).where(
            VolunteerOrder.team_id == team_id, VolunteerOrder.step == Step.DISPATCHED,
            VolunteerOrder.volunteer_id.is_(None))).scalars().first()
        good = session.execute(select(StoreGood).where(StoreGood.price <= 40).order_by(StoreGood.id)).scalars().first()
        before = points.balance(session, Holder.VOLUNTEER, mine)
    orders.take(demo_engine, actor=volunteer, order_id=waiting[Step.DISPATCHED], now=NOW)
    orders.record_service(demo_engine, actor=volunteer, order_id=waiting[Step.TAKEN],
                          rows=[{"volunteer_id": mine, "hours": 1.5}], now=NOW)
    signed = orders.sign_off(demo_engine, actor=actors["secretary"], settings=settings,
                             order_id=waiting[Step.SERVED], method="in_person", now=NOW)
    taken = orders.take(demo_engine, actor=leader, order_id=team_order, now=NOW)
    store.redeem(demo_engine, actor=actors["worker"], data={"volunteer_id": mine, "good_id": good.id, "quantity": 1},
                 now=NOW)
    assert signed.step == Step.SIGNED and taken.step == Step.TAKEN
    assert points.check_balances(demo_engine) == []
    with reading(demo_engine) as session:
        after = points.balance(session, Holder.VOLUNTEER, mine)
    earned = points_for(signed.hours_tenths / 10, signed.service_kind, settings.volunteer.points)
    assert after == before + earned - good.price


def test_seed_summary_counts_the_volunteer_service(demo_engine):
    with reading(demo_engine) as session:
        entry = session.execute(select(AuditLog).where(AuditLog.action == "demo.seed")).scalar_one()
        counted = {"volunteer_teams": VolunteerTeam, "volunteers": Volunteer, "volunteer_orders": VolunteerOrder,
                   "store_goods": StoreGood, "redemptions": Redemption}
        for key, model in counted.items():
            assert entry.after[key] == session.execute(select(func.count()).select_from(model)).scalar_one()


def seeded(path, now: datetime, matters: int = 20):
    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    street.seed(engine, load_settings(), now=now, matters=matters)
    return engine


@pytest.mark.parametrize("moment", ["2026-01-05T09:00:00+08:00", "2027-12-31T23:30:00+08:00"])
def test_the_service_is_sound_on_any_day(tmp_path, moment):
    now = datetime.fromisoformat(moment)
    engine = seeded(tmp_path / "any.db", now)
    try:
        assert points.check_balances(engine) == []
        with reading(engine) as session:
            last, count = session.execute(select(func.max(VolunteerOrder.updated_at),
                                                 func.count(VolunteerOrder.id))).one()
            steps = set(session.execute(select(VolunteerOrder.step).distinct()).scalars())
            records = session.execute(select(func.max(ServiceRecord.served_on))).scalar()
    finally:
        engine.dispose()
    assert last <= now and count >= 580 and set(Step) <= steps and records <= clock.local(now).date()


def test_the_same_rng_and_now_give_the_same_service(tmp_path):
    def fingerprint(path):
        engine = seeded(path, NOW)
        with reading(engine) as session:
            found = (session.execute(select(VolunteerOrder.number, VolunteerOrder.step, VolunteerOrder.hours_tenths,
                                            VolunteerOrder.updated_at).order_by(VolunteerOrder.id)).all(),
                     session.execute(select(Volunteer.name, Volunteer.id_number).order_by(Volunteer.id)).all(),
                     session.execute(select(PointsAccount.owner_id, PointsAccount.balance)
                                     .order_by(PointsAccount.id)).all())
        engine.dispose()
        return found
    assert fingerprint(tmp_path / "one.db") == fingerprint(tmp_path / "two.db")
