"""Issue 16 on real databases: the points store (goods, redemptions at the counter and their same-day cancellation)
and the ledger behind it (kept balances equal to their transfers, no volunteer below zero even by a direct UPDATE,
points expiring oldest first)."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from data_access.db import reading, transaction
from data_access.models import PointsAccount, PointsTransfer, Redemption, StoreGood
from data_access.volunteer import points
from data_access.volunteer import store as s
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from domain.volunteer.ledger import Holder, Standard
from tests.conftest import NOW
from tests.volunteer.support import World, audits, balance, build, count, earn, good, state, volunteer

pytestmark = pytest.mark.db
STANDARD = Standard(per_hour=10, cap_per_order=80, expire_after_years=3)


@pytest.fixture
def w(engine, settings) -> World:
    world = build(engine, settings)
    yield world
    assert points.check_balances(engine) == []


def refused(w: World, error, key: str, call, field: str | None = None):
    before = state(w.engine)
    with pytest.raises(error) as caught:
        call()
    assert (caught.value.errors[field][0] if field else caught.value.key) == key
    assert state(w.engine) == before
    return caught.value


def redeem(w: World, key: str, good_id: int, quantity: int = 1, actor: str = "worker", now=None) -> Redemption:
    return s.redeem(w.engine, actor=w[actor], data={"volunteer_id": w.vols[key], "good_id": good_id,
                                                    "quantity": quantity}, now=now or w.tick())


def stock(w: World, good_id: int) -> int:
    with reading(w.engine) as session:
        return session.get(StoreGood, good_id).stock


def test_a_redemption_takes_stock_and_points_together_with_its_slip(w):
    earn(w, "a", 8)  # 80 points
    soap = good(w, price=30, stock=5)
    slip = redeem(w, "a", soap, quantity=2)
    assert slip.number == f"DH20261120{slip.id:06d}" and slip.points == 60
    assert (stock(w, soap), balance(w, "a")) == (3, 20)
    assert volunteer(w, "a").hours_tenths == 80  # redemption deducts points, never hours
    with reading(w.engine) as session:
        entry = session.execute(select(PointsTransfer).where(PointsTransfer.redemption_id == slip.id)).scalar_one()
        assert (entry.kind, entry.points, entry.actor_id) == ("redeem", 60, w["worker"].id)
        assert points.balance(session, Holder.STORE, w.home) == 60
    audit = audits(w, "redemption", slip.id)[-1]
    assert (audit.action, audit.before["stock"], audit.after["stock"], audit.after["points"]) == (
        "volunteer.redeem", 5, 3, 60)


def test_a_redemption_above_the_balance_or_the_stock_writes_nothing(w):
    earn(w, "a", 5)  # 50 points
    soap, rice = good(w, "洗衣液", price=30, stock=5), good(w, "大米", price=10, stock=2)
    error = refused(w, ValidationFailed, "volunteer_error.balance_too_low", lambda: redeem(w, "a", soap, 2),
                    "quantity")
    assert error.errors["quantity"][1] == {"balance": 50, "points": 60}
    refused(w, ValidationFailed, "volunteer_error.stock_too_low", lambda: redeem(w, "a", rice, 3), "quantity")
    refused(w, ValidationFailed, "volunteer_error.balance_too_low", lambda: redeem(w, "b", rice, 1), "quantity")
    for quantity in (0, -1, 101, 1.5, "2.5", None, [1]):
        with pytest.raises(ValidationFailed) as caught:
            redeem(w, "a", rice, quantity)
        assert "quantity" in caught.value.errors
    redeem(w, "a", rice, 2)
    refused(w, ValidationFailed, "volunteer_error.stock_too_low", lambda: redeem(w, "a", rice, 1), "quantity")
    assert (balance(w, "a"), stock(w, rice)) == (30, 0)


def test_a_good_off_sale_and_a_volunteer_of_another_community(w):
    earn(w, "a", 5)
    soap = good(w, price=10)
    s.save_good(w.engine, actor=w["worker"], good_id=soap, now=w.tick(), data={
        "name": "洗衣液", "price": 10, "stock": 5, "active": False})
    refused(w, ValidationFailed, "volunteer_error.good_off_sale", lambda: redeem(w, "a", soap), "good_id")
    rice = good(w, "大米", price=10)
    refused(w, ValidationFailed, "error.not_found", lambda: redeem(w, "other", rice), "volunteer_id")
    refused(w, DomainError, "error.not_found", lambda: redeem(w, "a", rice, actor="other_secretary"))
    refused(w, DomainError, "error.not_found", lambda: redeem(w, "a", rice, actor="vol_a"))
    refused(w, DomainError, "error.not_found", lambda: redeem(w, "a", 999_999))


def test_goods_with_their_price_stock_and_donor(w):
    soap = good(w, price=30, stock=5)
    refused(w, ValidationFailed, "volunteer_error.good_name_taken", lambda: good(w, price=10), "name")
    for field, value, key in (("price", 0, "volunteer_error.price_range"), ("stock", -1, "volunteer_error.stock_range"),
                              ("price", 1.5, "volunteer_error.price_range"), ("name", "", "error.required")):
        refused(w, ValidationFailed, key, lambda f=field, v=value: s.save_good(
            w.engine, actor=w["worker"], now=w.tick(),
            data={"community_id": w.home, "name": "毛巾", "price": 5, "stock": 3} | {f: v}), field)
    refused(w, PermissionDenied, "error.permission", lambda: s.save_good(
        w.engine, actor=w["vol_a"], now=w.tick(), data={"name": "毛巾", "price": 5, "stock": 3}))
    refused(w, PermissionDenied, "error.permission", lambda: s.save_good(
        w.engine, actor=w["other_secretary"], now=w.tick(),
        data={"community_id": w.home, "name": "毛巾", "price": 5, "stock": 3}))
    audit = audits(w, "store_good", soap)[0]
    assert audit.action == "volunteer.good_create" and audit.after["donor"] == "爱心超市"


def test_a_redemption_cancelled_the_same_day_comes_back_once(w):
    earn(w, "a", 8)
    soap = good(w, price=30, stock=5)
    slip = redeem(w, "a", soap, quantity=2)
    refused(w, ValidationFailed, "error.required", lambda: s.cancel_redemption(
        w.engine, actor=w["worker"], redemption_id=slip.id, reason=" ", now=w.tick()), "reason")
    refused(w, DomainError, "error.not_found", lambda: s.cancel_redemption(
        w.engine, actor=w["other_secretary"], redemption_id=slip.id, reason="拿错了", now=w.tick()))
    s.cancel_redemption(w.engine, actor=w["worker"], redemption_id=slip.id, reason="拿错了", now=w.tick())
    assert (stock(w, soap), balance(w, "a")) == (5, 80)
    with reading(w.engine) as session:
        rows = session.execute(select(PointsTransfer).where(PointsTransfer.redemption_id == slip.id)
                               .order_by(PointsTransfer.id)).scalars().all()
        assert [(t.kind, t.points, t.reverses) for t in rows] == [("redeem", 60, None), ("reversal", 60, rows[0].id)]
        assert (rows[1].source_id, rows[1].target_id) == (rows[0].target_id, rows[0].source_id)
        assert session.get(Redemption, slip.id).cancel_reason == "拿错了"
    assert audits(w, "redemption", slip.id)[-1].action == "volunteer.redeem_cancel"
    refused(w, DomainError, "volunteer_error.redemption_cancelled", lambda: s.cancel_redemption(
        w.engine, actor=w["worker"], redemption_id=slip.id, reason="再撤一次", now=w.tick()))


def test_a_redemption_of_another_day_stays(w):
    earn(w, "a", 8)
    soap = good(w, price=30, stock=5)
    late = NOW.replace(hour=23, minute=50)
    slip = redeem(w, "a", soap, now=late)
    refused(w, DomainError, "volunteer_error.redemption_not_today", lambda: s.cancel_redemption(
        w.engine, actor=w["worker"], redemption_id=slip.id, reason="隔天才发现", now=late + timedelta(minutes=15)))
    assert (stock(w, soap), balance(w, "a")) == (4, 50)


def test_the_database_refuses_a_volunteer_or_a_shelf_below_zero(w):
    earn(w, "a", 3)
    soap = good(w, stock=1)
    for statement in ("UPDATE points_account SET balance = -1 WHERE holder = 'volunteer'",
                      "UPDATE points_account SET balance = balance - 31 WHERE holder = 'volunteer'",
                      f"UPDATE store_good SET stock = -1 WHERE id = {soap}"):
        with pytest.raises(IntegrityError), w.engine.begin() as conn:
            conn.execute(text(statement))
    assert (balance(w, "a"), stock(w, soap)) == (30, 1)


def test_a_transfer_never_takes_a_volunteer_below_zero(w):
    earn(w, "a", 2)
    with pytest.raises(DomainError) as caught, transaction(w.engine) as session:
        points.transfer(session, points.Transfer(points.Account(Holder.VOLUNTEER, w.vols["a"]),
                                                 points.Account(Holder.STORE, w.home), 21, points.Kind.REDEEM),
                        community_id=w.home, at=w.tick(), actor=w["worker"])
    assert caught.value.key == "volunteer_error.balance_too_low"
    assert balance(w, "a") == 20 and count(w.engine, PointsTransfer, PointsTransfer.kind == "redeem") == 0


def test_check_balances_finds_a_kept_balance_that_is_not_its_transfers(w):
    earn(w, "a", 2)
    assert points.check_balances(w.engine) == []
    with w.engine.begin() as conn:
        conn.execute(text("UPDATE points_account SET balance = balance + 5 WHERE holder = 'volunteer' "
                          f"AND owner_id = {w.vols['a']}"))
    with reading(w.engine) as session:
        account = session.execute(select(PointsAccount.id).where(PointsAccount.holder == "volunteer",
                                                                 PointsAccount.owner_id == w.vols["a"])).scalar()
    assert points.check_balances(w.engine) == [(account, 25, 20)]
    with w.engine.begin() as conn:  # put back, for the fixture's own check
        conn.execute(text(f"UPDATE points_account SET balance = 20 WHERE id = {account}"))


# --- expiry: points older than expire_after_years and not spent, oldest first ---------------------------------------

def at(w: World, moment) -> None:
    w.clock[0] = moment


def test_points_expire_oldest_first_and_only_what_is_unspent(w):
    at(w, NOW - timedelta(days=4 * 365))
    earn(w, "a", 5), earn(w, "a", 5)              # 100 points four years ago
    at(w, NOW - timedelta(days=2 * 365))
    earn(w, "a", 3)                                # 30 two years ago
    at(w, NOW - timedelta(days=365))
    redeem(w, "a", good(w, price=60, stock=3))     # 60 spent a year ago: the oldest points
    at(w, NOW)
    assert balance(w, "a") == 70
    assert points.expire(w.engine, standard=STANDARD, now=NOW) == 40
    assert balance(w, "a") == 30
    assert points.expire(w.engine, standard=STANDARD, now=NOW) == 0  # expired once
    with reading(w.engine) as session:
        entry = session.execute(select(PointsTransfer).where(PointsTransfer.kind == "expire")).scalar_one()
        assert entry.points == 40 and entry.at == NOW
        assert points.balance(session, Holder.ISSUER, w.home) == -130 + 40
    # a year on, the two-year-old points are old too
    assert points.expire(w.engine, standard=STANDARD, now=NOW + timedelta(days=400)) == 30
    assert balance(w, "a") == 0
    assert volunteer(w, "a").hours_tenths == 130  # points expire, hours are kept for good


def test_expiry_leaves_points_younger_than_the_cut_off_and_volunteers_who_spent_theirs(w):
    at(w, NOW - timedelta(days=3 * 365 - 5))  # just under three years
    earn(w, "a", 5)
    at(w, NOW - timedelta(days=4 * 365))
    earn(w, "b", 3)
    redeem(w, "b", good(w, price=30, stock=3))
    at(w, NOW)
    assert points.expire(w.engine, standard=STANDARD, now=NOW) == 0
    assert (balance(w, "a"), balance(w, "b")) == (50, 0)
    assert points.expire(w.engine, standard=Standard(expire_after_years=None), now=NOW + timedelta(days=9000)) == 0


def test_a_cancelled_redemption_spent_nothing(w):
    at(w, NOW - timedelta(days=4 * 365))
    earn(w, "a", 5)                               # 50 old points
    at(w, NOW - timedelta(days=365))
    slip = redeem(w, "a", good(w, price=20, stock=3))
    s.cancel_redemption(w.engine, actor=w["worker"], redemption_id=slip.id, reason="拿错了", now=w.tick())
    at(w, NOW)
    assert balance(w, "a") == 50
    assert points.expire(w.engine, standard=STANDARD, now=NOW) == 50  # none of the old points was spent
    assert balance(w, "a") == 0


def test_points_expire_after_calendar_years(w):
    """Three years before 1 March 2027 is 1 March 2024: points of 29 February 2024 are older (1,096 days of 365.25
    are not three years here)."""
    at(w, datetime.fromisoformat("2024-02-29T12:00:00+08:00"))
    earn(w, "a", 5)
    at(w, datetime.fromisoformat("2024-03-01T12:00:00+08:00"))
    earn(w, "b", 5)
    march = datetime.fromisoformat("2027-03-01T10:00:00+08:00")
    assert points.expire(w.engine, standard=STANDARD, now=march) == 50
    assert (balance(w, "a"), balance(w, "b")) == (0, 50)
    assert points.expire(w.engine, standard=STANDARD, now=march + timedelta(hours=3)) == 50
