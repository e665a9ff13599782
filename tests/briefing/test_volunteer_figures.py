"""Volunteer service's figures of the briefing on SQLite and PostgreSQL, from orders walked through the volunteer
write functions in the months chosen: each figure of a period is the count by hand, 环比 and 同比 compare with the
months before and the same months last year, the figures agree with the volunteer overview's, the reads keep to
volunteer.read and its scope, the briefing gathers them (with their alerts and text) only for a reader holding it,
and an empty database counts nothing."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from data_access.briefing.content import facts, gather
from data_access.briefing.volunteer import figures
from data_access.volunteer import orders as o
from data_access.volunteer import store as s
from data_access.volunteer.queries import overview
from domain.access import Actor, Grant
from domain.briefing.changes import Month, Period
from i18n.briefing_words import briefing_text
from tests.volunteer.support import World, build

pytestmark = pytest.mark.db

PERIOD = Period(Month(2026, 9), Month(2026, 10))  # the months before: 2026-07..08; last year: 2025-09..10
NOW = datetime.fromisoformat("2026-10-20T10:00:00+08:00")
TODAY = NOW.date()


def at(text: str) -> datetime:
    return datetime.fromisoformat(f"{text}+08:00")


def order(w: World, when: str, *, to: str | None = None, hours: float = 0, rating: str | None = None,
          community: str = "home", cancel: bool = False) -> int:
    """An order requested at `when` and, within the hour, dispatched to volunteer `to`, taken, served for `hours`,
    signed off and rated `rating` (as far as asked); or cancelled."""
    staff = w["secretary" if community == "home" else "other_secretary"]
    where = w.home if community == "home" else w.other
    moment = [at(when)]

    def tick() -> datetime:
        moment[0] += timedelta(minutes=5)
        return moment[0]

    made = o.create_order(w.engine, actor=staff, settings=w.settings, now=moment[0], data={
        "community_id": where, "service_kind": "elderly", "title": "陪同就医", "place": "幸福小区3号楼",
        "wanted_at": moment[0] + timedelta(days=1), "recipient_name": "李桂兰", "recipient_phone": "13800001111"})
    if cancel:
        o.cancel(w.engine, actor=staff, order_id=made.id, reason="居民已自行解决", now=tick())
        return made.id
    if to is None:
        return made.id
    o.dispatch(w.engine, actor=staff, order_id=made.id, now=tick(),
               data={"volunteer_id": w.vols[to], "team_id": None, "due_at": moment[0] + timedelta(days=2)})
    if not hours:
        return made.id
    o.take(w.engine, actor=staff, order_id=made.id, now=tick())
    o.record_service(w.engine, actor=staff, order_id=made.id, rows=[{"volunteer_id": w.vols[to], "hours": hours}],
                     now=tick())
    o.sign_off(w.engine, actor=staff, settings=w.settings, order_id=made.id, method="phone", now=tick())
    if rating:
        o.rate(w.engine, actor=staff, order_id=made.id, data={"rating": rating}, now=tick())
    return made.id


@pytest.fixture
def w(engine, settings) -> World:
    """Home (甲社区): in 2025-10 one order (spare, 1 h, satisfied); in 2026-08 two (lead and a, 2 h each,
    satisfied); in the period six: three served (a 2 h satisfied, b 3 h basic, a 1.5 h dissatisfied), one
    cancelled, one dispatched on 5 September and never taken, one dispatched an hour before NOW; 30 points redeemed
    and 10 more redeemed and cancelled the same day. Other (乙社区): one order in the period (other, 5 h)."""
    world = build(engine, settings)
    order(world, "2025-10-10T09:00", to="spare", hours=1, rating="satisfied")
    order(world, "2026-08-03T09:00", to="lead", hours=2, rating="satisfied")
    order(world, "2026-08-20T09:00", to="a", hours=2, rating="satisfied")
    order(world, "2026-09-02T09:00", to="a", hours=2, rating="satisfied")
    order(world, "2026-09-03T09:00", to="b", hours=3, rating="basic")
    order(world, "2026-10-08T09:00", to="a", hours=1.5, rating="dissatisfied")
    order(world, "2026-09-04T09:00", cancel=True)
    order(world, "2026-09-05T09:00", to="spare")
    order(world, "2026-10-20T09:00", to="b")
    order(world, "2026-09-15T09:00", to="other", hours=5, community="other")
    good = s.save_good(engine, actor=world["worker"], now=at("2026-10-01T08:00"), data={
        "community_id": world.home, "name": "洗衣液", "price": 10, "stock": 20, "donor": "爱心超市"}).id
    s.redeem(engine, actor=world["worker"], now=at("2026-10-09T10:00"),
             data={"volunteer_id": world.vols["a"], "good_id": good, "quantity": 3})
    slip = s.redeem(engine, actor=world["worker"], now=at("2026-10-09T11:00"),
                    data={"volunteer_id": world.vols["a"], "good_id": good, "quantity": 1})
    s.cancel_redemption(engine, actor=world["worker"], redemption_id=slip.id, reason="拿错了",
                        now=at("2026-10-09T11:30"))
    return world


def read(w: World, actor: str = "leader", period: Period = PERIOD, ids=None):
    return figures(w.engine, period, ids, actor=w[actor], today=TODAY, now=NOW, settings=w.settings)


def values(result) -> dict:
    return {f.key: f.value for f in result.figures}


def test_each_figure_of_the_period_is_the_count_by_hand(w):
    street = read(w)
    assert values(street) == {
        "requested": 7, "signed": 4, "sign_off_rate": pytest.approx(4 / 6),
        "satisfaction_rate": pytest.approx(2 / 3),  # 基本满意 counts (config.yaml's KPI setting); other's unrated
        "hours": 11.5, "points_issued": 115, "points_redeemed": 30, "active": 4, "late": 1}
    assert street.dissatisfied == 1
    assert street.hours_by_month.to_dict("list") == {"month": ["2026-09", "2026-10"], "hours": [10.0, 1.5]}
    assert street.honour.to_dict("list") == {"name": ["张志愿", "周志愿", "赵志愿", "王队长", "孙志愿"],
                                             "team": [None, None, "红马甲服务队", "红马甲服务队", None],
                                             "hours": [5.5, 5.0, 3.0, 2.0, 1.0]}


def test_the_months_before_and_last_year_are_compared(w):
    shown = {f.key: f for f in read(w, actor="secretary").figures}
    # home: now 6 requested (5 live, 3 signed), 3 signed, 6.5 h, 65 points; before 2, 2, 4 h; last year 1, 1, 1 h
    assert shown["requested"].value == 6 and shown["requested"].vs_previous.delta == pytest.approx(2.0)
    assert shown["requested"].vs_last_year.delta == pytest.approx(5.0) and shown["requested"].vs_last_year.good
    assert shown["signed"].vs_previous.delta == pytest.approx(0.5)
    assert shown["sign_off_rate"].value == pytest.approx(0.6)
    assert shown["sign_off_rate"].vs_previous.delta == pytest.approx(-0.4)  # in points: 60% against 100%
    assert shown["sign_off_rate"].vs_previous.good is False
    assert shown["satisfaction_rate"].vs_last_year.delta == pytest.approx(2 / 3 - 1)
    assert shown["hours"].value == 6.5 and shown["hours"].vs_previous.delta == pytest.approx(6.5 / 4 - 1)
    assert shown["hours"].vs_last_year.delta == pytest.approx(5.5)
    assert shown["points_issued"].vs_previous.delta == pytest.approx(65 / 40 - 1)
    redeemed = shown["points_redeemed"]
    assert redeemed.value == 30 and redeemed.vs_previous.direction == "up" and redeemed.vs_previous.delta is None
    for key in ("active", "late"):
        assert shown[key].vs_previous.direction is None and shown[key].vs_last_year.direction is None
    assert shown["active"].value == 3, "a, b and the leader served within 90 days; spare last year only"


def test_over_twelve_months_the_months_before_are_last_year(w):
    year = Period(Month(2025, 11), Month(2026, 10))
    shown = {f.key: f for f in read(w, period=year).figures}
    assert shown["requested"].value == 9 and shown["requested"].vs_previous == shown["requested"].vs_last_year
    assert shown["requested"].vs_last_year.delta == pytest.approx(8.0)  # 2024-11..2025-10 holds the one of 2025-10


def test_the_figures_are_the_volunteer_overview_s(w):
    start, end = datetime(2026, 9, 1).date(), datetime(2026, 10, 31).date()
    for actor in ("leader", "secretary", "other_secretary"):
        seen = overview(w.engine, actor=w[actor], start=start, end=end, settings=w.settings, now=NOW, honour_size=5)
        shown = read(w, actor=actor)
        mine = values(shown)
        assert (mine["requested"], mine["sign_off_rate"], mine["satisfaction_rate"], mine["hours"]) == (
            seen.requested, seen.sign_off_rate, seen.satisfaction_rate, seen.hours), actor
        assert (mine["points_issued"], mine["points_redeemed"], mine["active"], mine["late"]) == (
            seen.points_issued, seen.points_redeemed, seen.active, seen.late_now), actor
        assert mine["signed"] == seen.by_step["signed"] + seen.by_step["rated"], "every order signed in its month"
        assert shown.dissatisfied == seen.flagged
        assert list(shown.honour["name"]) == list(seen.honour["name"])


def test_a_community_s_staff_count_their_own_community_only(w):
    home, other = values(read(w, actor="secretary")), values(read(w, actor="other_secretary"))
    assert (home["requested"], home["hours"], home["active"], home["late"]) == (6, 6.5, 3, 1)
    assert (other["requested"], other["hours"], other["points_issued"], other["points_redeemed"]) == (1, 5.0, 50, 0)
    assert list(read(w, actor="other_secretary").honour["name"]) == ["周志愿"]
    assert values(read(w, ids=(w.other,))) == values(read(w, actor="other_secretary")), "the leader narrowed"


def test_the_briefing_gathers_them_only_for_a_reader_of_volunteer_service(w):
    briefing = gather(w.engine, PERIOD, None, actor=w["leader"], today=TODAY, settings=w.settings)
    assert values(briefing.volunteer)["requested"] == 7
    kinds = {a.kind: a.count for a in briefing.alerts}
    assert kinds["volunteer_dissatisfied"] == 1 and "volunteer_late" in kinds
    text = briefing_text("zh", facts("zh", briefing, {}))
    assert "志愿服务：期内居民点单7单" in text and "已签单4单" in text and "光荣榜前5名：张志愿（5.5小时）" in text
    assert "期内1单服务评价为不满意。" in text
    without = Actor(id=w["leader"].id, username="leader", display_name="领导", grants=(
        Grant("leader", None, None, frozenset({"briefing.read", "overview.read", "council.read"})),))
    briefing = gather(w.engine, PERIOD, None, actor=without, today=TODAY, settings=w.settings)
    assert briefing.volunteer is None and not [a for a in briefing.alerts if a.kind.startswith("volunteer")]
    assert "志愿服务" not in briefing_text("zh", facts("zh", briefing, {}))


def test_a_reader_without_volunteer_read_in_scope_reads_nothing(w):
    stranger = Actor(id=None, username="x", display_name="x", grants=(
        Grant("recorder", w.home, None, frozenset({"briefing.read", "overview.read"})),))
    assert values(read(w, actor="other_secretary", ids=(w.home,)))["requested"] == 0, "another community's: none"
    w.people["stranger"] = stranger
    assert values(read(w, actor="stranger"))["requested"] == 0


def test_a_briefing_of_an_earlier_day_counts_orders_late_by_its_end(w):
    briefing = gather(w.engine, PERIOD, None, actor=w["leader"], today=datetime(2026, 9, 5).date(),
                      settings=w.settings)
    assert briefing.volunteer.figure("late").value == 0, "dispatched on 5 September: not late before the 6th"


def test_an_empty_database_counts_nothing(engine, street_leader, settings):
    shown = figures(engine, PERIOD, None, actor=street_leader, today=TODAY, now=NOW, settings=settings)
    assert values(shown) == {"requested": 0, "signed": 0, "sign_off_rate": None, "satisfaction_rate": None,
                             "hours": 0.0, "points_issued": 0, "points_redeemed": 0, "active": 0, "late": 0}
    assert all(f.vs_previous.direction in (None, "flat") for f in shown.figures)
    assert shown.honour.empty and shown.dissatisfied == 0
    assert shown.hours_by_month.to_dict("list") == {"month": ["2026-09", "2026-10"], "hours": [0.0, 0.0]}
    text = briefing_text("zh", facts("zh", gather(engine, PERIOD, None, actor=street_leader, today=TODAY,
                                                  settings=settings), {}))
    assert "志愿服务：期内没有居民点单。目前活跃志愿者0人，没有超时未接单的订单。" in text
