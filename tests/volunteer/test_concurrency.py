"""Issue 16's concurrency on SQLite and PostgreSQL: 20 parallel attempts, each its own call of the write function in
its own thread, released together by a barrier. The last unit of a good and a volunteer's last points go once; an
order signed off 20 times (by staff and by its link) counts its hours and points once; a volunteer's day is not
filled past 24 hours by orders recorded at once; sign-offs and redemptions of one volunteer do not wait on each
other crosswise. Every attempt ends in success or the project's own error: a deadlock or a driver's error fails."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy import func, select

from data_access.db import reading
from data_access.models import (
    OrderEvent,
    PointsAccount,
    PointsTransfer,
    Redemption,
    ServiceRecord,
    StoreGood,
    Volunteer,
)
from data_access.volunteer import orders as o
from data_access.volunteer import points
from data_access.volunteer import registry as r
from data_access.volunteer import store as s
from domain.errors import ValidationFailed
from domain.volunteer.ledger import Holder
from domain.volunteer.orders import Step
from tests.racing import N, keys, race, wide
from tests.volunteer.support import (
    World,
    balance,
    build,
    count,
    earn,
    good,
    id_number_with_x,
    volunteer,
    volunteer_data,
    walk,
)

pytestmark = pytest.mark.db


@pytest.fixture
def w(engine, settings) -> Iterator[World]:
    world = build(engine, settings)
    yield world
    assert points.check_balances(engine) == []




def stock(w: World, good_id: int) -> int:
    with reading(w.engine) as session:
        return session.get(StoreGood, good_id).stock


def test_the_last_unit_goes_once(w):
    earn(w, "a", 8)  # 80 points: enough for every attempt's price
    soap = good(w, price=10, stock=1)
    now = w.tick()
    with wide(w.engine) as engine:
        outcomes = race([lambda i=i: s.redeem(engine, actor=w["worker" if i % 2 else "secretary"], now=now,
                                              data={"volunteer_id": w.vols["a"], "good_id": soap, "quantity": 1})
                         for i in range(N)])
    assert keys(outcomes) == {"ok": 1, "volunteer_error.stock_too_low": N - 1}
    assert all(isinstance(e, ValidationFailed) for kind, e in outcomes if kind == "refused")
    assert (stock(w, soap), balance(w, "a")) == (0, 70)
    assert count(w.engine, Redemption) == 1


@pytest.mark.parametrize("goods", [1, N])
def test_the_last_points_go_once(w, goods):
    earn(w, "a", 8)  # 80 points cover one good of 50
    shelf = [good(w, f"商品{n}", price=50, stock=N) for n in range(goods)]
    now = w.tick()
    with wide(w.engine) as engine:
        outcomes = race([lambda i=i: s.redeem(engine, actor=w["worker"], now=now, data={
            "volunteer_id": w.vols["a"], "good_id": shelf[i % goods], "quantity": 1}) for i in range(N)])
    assert keys(outcomes) == {"ok": 1, "volunteer_error.balance_too_low": N - 1}
    assert balance(w, "a") == 30
    assert sum(stock(w, g) for g in shelf) == goods * N - 1
    with reading(w.engine) as session:
        assert session.execute(select(func.count()).select_from(PointsTransfer)
                               .where(PointsTransfer.kind == "redeem")).scalar_one() == 1


def test_an_order_signed_off_twenty_times_counts_once(w):
    order = walk(w, Step.SERVED, hours={"a": 2, "b": 1.5})
    token, _ = o.make_link(w.engine, actor=w["vol_a"], settings=w.settings, order_id=order.id, now=w.tick())
    now = w.tick()
    with wide(w.engine) as engine:
        calls = []
        for i in range(N):
            if i % 2:
                calls.append(lambda: o.sign_by_link(engine, settings=w.settings, token=token, now=now,
                                                    data={"rating": "satisfied"}))
            else:
                calls.append(lambda i=i: o.sign_off(engine, actor=w["worker" if i % 4 else "secretary"],
                                                    settings=w.settings, order_id=order.id,
                                                    method="phone" if i % 4 else "in_person", now=now))
        outcomes = race(calls)
    found = keys(outcomes)
    assert found["ok"] == 1 and sum(found.values()) == N
    assert set(found) - {"ok"} <= {"volunteer_error.not_allowed.signed", "volunteer_error.not_allowed.rated",
                                   "volunteer_error.link_used"}, found
    a, b = volunteer(w, "a"), volunteer(w, "b")
    assert (a.hours_tenths, b.hours_tenths, balance(w, "a"), balance(w, "b")) == (20, 15, 20, 15)
    assert count(w.engine, PointsTransfer, PointsTransfer.kind == "earn") == 2
    assert count(w.engine, OrderEvent, OrderEvent.order_id == order.id, OrderEvent.action == "sign_off") == 1


def test_orders_recorded_at_once_do_not_fill_a_day_past_24_hours(w):
    taken = [walk(w, Step.TAKEN) for _ in range(N)]
    now = w.tick()
    with wide(w.engine) as engine:
        outcomes = race([lambda order_id=order.id: o.record_service(
            engine, actor=w["secretary"], order_id=order_id, rows=[{"volunteer_id": w.vols["a"], "hours": 2}],
            now=now) for order in taken])
    assert keys(outcomes) == {"ok": 12, "volunteer_error.day_over": N - 12}
    with reading(w.engine) as session:
        assert session.execute(select(func.sum(ServiceRecord.tenths))
                               .where(ServiceRecord.volunteer_id == w.vols["a"])).scalar_one() == 240


def test_sign_offs_and_redemptions_of_one_volunteer_at_once(w):
    earn(w, "a", 8)  # 80 points
    served = [walk(w, Step.SERVED, hours={"a": 1}) for _ in range(N // 2)]
    shelf = [good(w, f"商品{n}", price=5, stock=3) for n in range(N // 2)]
    now = w.tick()
    with wide(w.engine) as engine:
        calls = [lambda order_id=order.id: o.sign_off(engine, actor=w["secretary"], settings=w.settings,
                                                      order_id=order_id, method="phone", now=now)
                 for order in served]
        calls += [lambda good_id=good_id: s.redeem(engine, actor=w["worker"], now=now, data={
            "volunteer_id": w.vols["a"], "good_id": good_id, "quantity": 1}) for good_id in shelf]
        outcomes = race(calls)
    assert keys(outcomes) == {"ok": N}
    assert balance(w, "a") == 80 + 10 * len(served) - 5 * len(shelf)
    assert volunteer(w, "a").hours_tenths == 80 + 10 * len(served)


def test_twenty_orders_signed_off_at_once_open_the_issuing_account_once(w):
    people = ["a", "b", "member", "spare"]
    served = [walk(w, Step.SERVED, hours={people[i % 4]: 1}, volunteer=people[i % 4]) for i in range(N)]
    now = w.tick()
    with wide(w.engine) as engine:
        outcomes = race([lambda order_id=order.id: o.sign_off(engine, actor=w["worker"], settings=w.settings,
                                                              order_id=order_id, method="phone", now=now)
                         for order in served])
    assert keys(outcomes) == {"ok": N}
    assert [balance(w, key) for key in people] == [50, 50, 50, 50]
    with reading(w.engine) as session:
        assert points.balance(session, Holder.ISSUER, w.home) == -10 * N
        assert session.execute(select(func.count()).select_from(PointsAccount)
                               .where(PointsAccount.holder == "issuer")).scalar_one() == 1


def test_one_id_number_registered_twenty_times_at_once(w):
    number = id_number_with_x()
    now = w.tick()
    with wide(w.engine) as engine:
        outcomes = race([lambda i=i: r.save_volunteer(engine, actor=w["worker"], settings=w.settings, now=now,
                                                      data=volunteer_data(w.home, f"同号{i}", 40 + i,
                                                                          id_number=number.lower() if i % 2
                                                                          else number))
                         for i in range(N)])
    assert keys(outcomes) == {"ok": 1, "volunteer_error.id_number_taken": N - 1}
    with reading(w.engine) as session:
        assert session.execute(select(func.count()).select_from(Volunteer)
                               .where(Volunteer.id_number == number)).scalar_one() == 1
