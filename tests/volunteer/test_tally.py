"""The volunteer overview's monthly tally on SQLite and PostgreSQL: every write of an order and every transfer keeps it
equal to a count of the tables (the overview reads it instead of the orders and the ledger); a refused write adds
nothing; a recount after bulk loads gives the same rows; writes racing in one community lose no count and do not wait
on each other's tally rows crosswise; and the overview's figures over it are the orders' and the ledger's."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

import pytest
from sqlalchemy import select

from data_access.db import reading, transaction
from data_access.models import VolunteerTally
from data_access.volunteer import orders as o
from data_access.volunteer import points, tally
from data_access.volunteer import store as s
from data_access.volunteer.queries import overview
from domain.errors import DomainError
from domain.volunteer.orders import Step
from tests.conftest import NOW
from tests.volunteer.support import World, build, create, dispatch, earn, good, serve, walk
from tests.volunteer.test_concurrency import N, race, wide

pytestmark = pytest.mark.db


@pytest.fixture
def w(engine, settings) -> World:
    return build(engine, settings)


def kept(engine) -> dict:
    with reading(engine) as session:
        return {(c, m, d, code): (n, t) for c, m, d, code, n, t in session.execute(select(
            VolunteerTally.community_id, VolunteerTally.month, VolunteerTally.dim, VolunteerTally.code,
            VolunteerTally.n, VolunteerTally.total)) if (n, t) != (0, 0)}


def sound(w: World) -> None:
    assert tally.differences(w.engine) == []


def test_every_write_keeps_the_tally(w):
    order = create(w)
    sound(w)
    dispatch(w, order.id, to="a")
    o.decline(w.engine, actor=w["vol_a"], order_id=order.id, reason="当天有事", now=w.tick())
    dispatch(w, order.id, team=True, to=None)
    sound(w)
    o.take(w.engine, actor=w["lead"], order_id=order.id, volunteer_id=w.vols["member"], now=w.tick())
    serve(w, order.id, actor="secretary", hours={"member": 2, "b": 1.5})
    serve(w, order.id, actor="secretary", hours={"member": 3})  # recorded again
    dispatch(w, order.id, to="b", team=True, reason="改派给赵志愿")  # the take and the service cleared
    o.take(w.engine, actor=w["vol_b"], order_id=order.id, now=w.tick(minutes=90))
    serve(w, order.id, actor="vol_b", hours={"b": 2.5})
    sound(w)
    token, _ = o.make_link(w.engine, actor=w["vol_b"], settings=w.settings, order_id=order.id, now=w.tick())
    o.sign_by_link(w.engine, settings=w.settings, token=token, data={"rating": "dissatisfied", "comment": "迟到"},
                   now=w.tick())
    sound(w)
    walk(w, Step.RATED)
    walk(w, Step.SIGNED, volunteer="b")
    o.rate(w.engine, actor=w["secretary"], order_id=walk(w, Step.SIGNED).id, data={"rating": "basic"}, now=w.tick())
    o.cancel(w.engine, actor=w["secretary"], order_id=walk(w, Step.TAKEN).id, reason="居民已自行解决", now=w.tick())
    sound(w)
    soap = good(w, price=10, stock=9)
    slip = s.redeem(w.engine, actor=w["worker"], now=w.tick(), data={"volunteer_id": w.vols["a"], "good_id": soap,
                                                                    "quantity": 2})
    s.cancel_redemption(w.engine, actor=w["worker"], redemption_id=slip.id, reason="拿错了", now=w.tick())
    s.redeem(w.engine, actor=w["worker"], now=w.tick(), data={"volunteer_id": w.vols["b"], "good_id": soap,
                                                             "quantity": 1})
    sound(w)
    standard = replace(w.settings.volunteer.points, expire_after_years=1)
    assert points.expire(w.engine, standard=standard, now=NOW + timedelta(days=800)) > 0
    sound(w)
    month = f"{NOW:%Y-%m}"
    mine = {k[2:]: v for k, v in kept(w.engine).items() if k[0] == w.home and k[1] == month}
    assert mine[("step", str(int(Step.RATED)))] == (3, 0) and mine[("step", str(int(Step.CANCELLED)))] == (1, 0)
    assert mine[("hours", str(w.team))] == (2, 25 + 20)  # b's 2.5 h (the re-dispatched order) and 2 h
    assert mine[("rated", "dissatisfied")] == (1, 0) and mine[("flagged", "")] == (1, 0)
    assert mine[("points", "redeem/redemption")] == (2, 30) and mine[("points", "reversal/redemption")] == (1, 20)


def test_a_refused_write_adds_nothing(w):
    order = walk(w, Step.SERVED)
    before = kept(w.engine)
    with pytest.raises(DomainError):
        o.rate(w.engine, actor=w["secretary"], order_id=order.id, data={"rating": "satisfied"}, now=w.tick())
    with pytest.raises(DomainError):
        s.redeem(w.engine, actor=w["worker"], now=w.tick(), data={"volunteer_id": w.vols["spare"],
                                                                 "good_id": good(w, price=500), "quantity": 1})
    assert kept(w.engine) == before


def test_a_recount_gives_the_same_rows(w):
    earn(w, "a", 3)
    walk(w, Step.RATED, volunteer="b")
    o.cancel(w.engine, actor=w["secretary"], order_id=walk(w, Step.DISPATCHED).id, reason="重复", now=w.tick())
    s.redeem(w.engine, actor=w["worker"], now=w.tick(), data={"volunteer_id": w.vols["a"],
                                                             "good_id": good(w, price=10), "quantity": 1})
    before = kept(w.engine)
    assert len(before) >= 10
    with transaction(w.engine) as session:
        assert tally.rebuild(session) == len(before)
    assert kept(w.engine) == before


def test_writes_racing_in_one_community_lose_no_count(w):
    """Twenty writes at once (requests, sign-offs with their points, ratings and redemptions) add to the same tally
    rows of the community and month: every one counts, none waits on another crosswise."""
    served = [walk(w, Step.SERVED, volunteer="a" if i % 2 else "b").id for i in range(N // 4)]
    signed = [walk(w, Step.SIGNED).id for _ in range(N // 4)]
    earn(w, "b", 10)
    soap = good(w, price=5, stock=N)
    now = w.tick()
    with wide(w.engine) as engine:
        calls = [lambda i=i: o.create_order(engine, actor=w["secretary"], settings=w.settings, now=now, data={
                     "community_id": w.home, "service_kind": "elderly", "title": f"代购{i}", "place": "3号楼",
                     "wanted_at": now + timedelta(days=1), "recipient_name": "李桂兰"}) for i in range(N // 4)]
        calls += [lambda i=i: o.sign_off(engine, actor=w["secretary"], settings=w.settings, order_id=i,
                                         method="in_person", now=now) for i in served]
        calls += [lambda i=i: o.rate(engine, actor=w["secretary"], order_id=i, data={"rating": "satisfied"}, now=now)
                  for i in signed]
        calls += [lambda: s.redeem(engine, actor=w["worker"], now=now, data={
            "volunteer_id": w.vols["b"], "good_id": soap, "quantity": 1}) for _ in range(N // 4)]
        outcomes = race(calls)
    assert [kind for kind, _ in outcomes] == ["ok"] * N
    sound(w)
    assert points.check_balances(w.engine) == []


def test_the_overview_reads_the_tally_as_the_orders_and_the_ledger_count(w):
    walk(w, Step.RATED)
    earn(w, "b", 1.5)
    late = walk(w, Step.DISPATCHED)
    o.cancel(w.engine, actor=w["secretary"], order_id=walk(w, Step.REQUESTED).id, reason="重复", now=w.tick())
    s.redeem(w.engine, actor=w["worker"], now=w.tick(), data={"volunteer_id": w.vols["a"],
                                                             "good_id": good(w, price=10), "quantity": 1})
    seen = overview(w.engine, actor=w["leader"], start=NOW.date().replace(day=1), end=NOW.date(), settings=w.settings,
                    now=late.dispatched_at + timedelta(hours=w.settings.volunteer.take_within_hours, minutes=1))
    assert (seen.requested, seen.by_step["rated"], seen.by_step["signed"], seen.by_step["dispatched"],
            seen.by_step["cancelled"]) == (4, 1, 1, 1, 1)
    assert seen.sign_off_rate == pytest.approx(2 / 3) and seen.satisfaction_rate == 1.0 and seen.flagged == 0
    assert (seen.hours, seen.points_issued, seen.points_redeemed, seen.late_now) == (3.5, 35, 10, 1)
    assert seen.hours_by_month.to_dict("list") == {"month": [f"{NOW:%Y-%m}"], "hours": [3.5]}
    assert seen.hours_by_team.to_dict("list") == {"team_id": [None, w.team], "team": ["", "红马甲服务队"],
                                                  "hours": [2.0, 1.5]}
    assert seen.avg_take_minutes is not None and seen.avg_sign_minutes is not None
    other = overview(w.engine, actor=w["other_secretary"], start=NOW.date().replace(day=1), end=NOW.date(),
                     settings=w.settings)
    assert (other.requested, other.hours, other.points_issued) == (0, 0, 0)
