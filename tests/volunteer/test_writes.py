"""Issue 16 on real databases: volunteers and teams, the order loop 点单→派单→接单→服务→签单→评单 through the write
functions with its timeline and audit, who may do what (staff, the volunteer, the team leader, another community),
bad input refused with its message key and nothing written, and the hours and points only sign-off earns."""

from __future__ import annotations

import dataclasses
import re
from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from data_access.db import reading
from data_access.models import PointsTransfer, ServiceRecord, SignOffLink, Volunteer
from data_access.volunteer import orders as o
from data_access.volunteer import points
from data_access.volunteer import registry as r
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from domain.volunteer.ledger import Holder
from domain.volunteer.orders import Step
from tests.conftest import NOW
from tests.volunteer.support import (
    TODAY,
    World,
    audits,
    balance,
    build,
    count,
    create,
    dispatch,
    events,
    id_number,
    id_number_with_x,
    order_row,
    person,
    serve,
    state,
    volunteer,
    volunteer_data,
    walk,
)

pytestmark = pytest.mark.db


@pytest.fixture
def w(engine, settings) -> World:
    world = build(engine, settings)
    yield world
    assert points.check_balances(engine) == []  # after every scenario, each kept balance is its transfers' sum


def refused(w: World, error: type[DomainError], key: str, call, field: str | None = None) -> DomainError:
    """`call` raises `error` with message `key` (on `field` for a ValidationFailed) and writes nothing."""
    before = state(w.engine)
    with pytest.raises(error) as caught:
        call()
    if field is not None:
        assert caught.value.errors[field][0] == key, caught.value.errors
    else:
        assert caught.value.key == key
    assert state(w.engine) == before
    return caught.value


# --- 1. the loop ----------------------------------------------------------------------------------------------------

def test_the_loop_from_request_to_rating_with_its_timeline_and_audit(w):
    sec, vol = w["secretary"], w["vol_a"]
    order = create(w)
    created_at = w.clock[0]
    assert order.step == Step.REQUESTED and order.requested_at == created_at
    order = dispatch(w, order.id, to="a")
    dispatched_at = w.clock[0]
    taken_at = w.tick(90)
    order = o.take(w.engine, actor=vol, order_id=order.id, now=taken_at)
    assert order.take_minutes == 90
    # staff record who served (a volunteer records themselves and their team: 孙志愿 is neither)
    order = serve(w, order.id, actor="secretary", hours={"a": 2.5, "spare": 1})
    served_at = w.clock[0]
    signed_at = w.tick()
    order = o.sign_off(w.engine, actor=sec, settings=w.settings, order_id=order.id, method="in_person", now=signed_at)
    rated_at = w.tick()
    order = o.rate(w.engine, actor=sec, order_id=order.id, data={"rating": "dissatisfied", "comment": "迟到了"},
                   now=rated_at)

    saved = order_row(w, order.id)
    assert (saved.step, saved.sign_method, saved.rating, saved.comment, saved.flagged) == (
        Step.RATED, "in_person", "dissatisfied", "迟到了", True)
    assert saved.hours_tenths == 35 and saved.signed_month == "2026-11"
    assert (saved.dispatched_at, saved.taken_at, saved.served_at, saved.signed_at, saved.rated_at) == (
        dispatched_at, taken_at, served_at, signed_at, rated_at)
    assert saved.sign_minutes == (signed_at - created_at).total_seconds() // 60  # from the request: the resident's wait

    timeline = [(e.actor_id, e.action, e.from_step, e.to_step, e.at) for e in events(w, order.id)]
    assert timeline == [
        (sec.id, "request", None, Step.REQUESTED, created_at),
        (sec.id, "dispatch", Step.REQUESTED, Step.DISPATCHED, dispatched_at),
        (vol.id, "take", Step.DISPATCHED, Step.TAKEN, taken_at),
        (sec.id, "record_service", Step.TAKEN, Step.SERVED, served_at),
        (sec.id, "sign_off", Step.SERVED, Step.SIGNED, signed_at),
        (sec.id, "rate", Step.SIGNED, Step.RATED, rated_at)]
    assert [e.actor_name for e in events(w, order.id)][:3] == [sec.display_name, sec.display_name, vol.display_name]

    trail = audits(w, "volunteer_order", order.id)
    assert [(a.action, a.actor_id, (a.before or {}).get("step"), a.after["step"]) for a in trail] == [
        ("volunteer.order_create", sec.id, None, Step.REQUESTED),
        ("volunteer.order_dispatch", sec.id, Step.REQUESTED, Step.DISPATCHED),
        ("volunteer.order_take", vol.id, Step.DISPATCHED, Step.TAKEN),
        ("volunteer.order_record_service", sec.id, Step.TAKEN, Step.SERVED),
        ("volunteer.order_sign_off", sec.id, Step.SERVED, Step.SIGNED),
        ("volunteer.order_rate", sec.id, Step.SIGNED, Step.RATED)]
    assert trail[0].before is None and trail[1].after["volunteer_id"] == w.vols["a"]
    assert trail[-1].before["rating"] is None and trail[-1].after["rating"] == "dissatisfied"
    assert all("recipient_phone" not in (a.after or {}) for a in trail)  # the resident's phone stays out of the log


def test_the_number_is_the_prefix_the_local_date_and_the_id(w):
    early = datetime.fromisoformat("2026-11-21T06:30:00+08:00")  # still 20 November in UTC
    w.clock[0] = early
    first = create(w)
    second = create(w)
    assert first.number == f"VO20261121{first.id:06d}" and second.number == f"VO20261121{second.id:06d}"
    assert re.fullmatch(r"VO\d{14}", first.number) and first.number != second.number
    assert order_row(w, first.id).number == first.number


@pytest.mark.parametrize("step", [Step.DISPATCHED, Step.TAKEN, Step.SERVED])
def test_re_dispatch_with_a_reason_before_sign_off(w, step):
    order = walk(w, step)
    link = o.make_link(w.engine, actor=w["vol_a"], settings=w.settings, order_id=order.id, now=w.tick()) \
        if step == Step.SERVED else None
    refused(w, ValidationFailed, "error.required", lambda: dispatch(w, order.id, to="spare", reason=" "), "reason")
    order = dispatch(w, order.id, to="spare", reason="原志愿者生病")
    saved = order_row(w, order.id)
    assert (saved.step, saved.volunteer_id, saved.taken_at, saved.served_at, saved.hours_tenths) == (
        Step.DISPATCHED, w.vols["spare"], None, None, 0)
    assert count(w.engine, ServiceRecord, ServiceRecord.order_id == order.id) == 0
    last = events(w, order.id)[-1]
    assert (last.action, last.from_step, last.to_step, last.note) == ("redispatch", step, Step.DISPATCHED,
                                                                     "原志愿者生病")
    assert audits(w, "volunteer_order", order.id)[-1].action == "volunteer.order_redispatch"
    if link is not None:  # the link shown before no longer signs the order off
        with pytest.raises(DomainError) as caught:
            o.sign_by_link(w.engine, settings=w.settings, token=link[0], now=w.tick())
        assert caught.value.key == "volunteer_error.link_expired"
    # the one it went to now takes it: the loop goes on
    o.take(w.engine, actor=w["secretary"], order_id=order.id, now=w.tick())


@pytest.mark.parametrize("step", [Step.REQUESTED, Step.DISPATCHED, Step.TAKEN, Step.SERVED])
def test_cancel_with_a_reason_at_every_step_before_sign_off(w, step):
    order = walk(w, step)
    refused(w, ValidationFailed, "error.required", lambda: o.cancel(
        w.engine, actor=w["worker"], order_id=order.id, reason="", now=w.tick()), "reason")
    o.cancel(w.engine, actor=w["worker"], order_id=order.id, reason="居民已自行解决", now=w.tick())
    saved = order_row(w, order.id)
    assert (saved.step, saved.cancel_reason) == (Step.CANCELLED, "居民已自行解决")
    last = events(w, order.id)[-1]
    assert (last.action, last.from_step, last.to_step, last.note, last.actor_id) == (
        "cancel", step, Step.CANCELLED, "居民已自行解决", w["worker"].id)
    audit = audits(w, "volunteer_order", order.id)[-1]
    assert (audit.action, audit.before["step"], audit.after["step"]) == ("volunteer.order_cancel", step,
                                                                        Step.CANCELLED)
    refused(w, DomainError, "volunteer_error.not_allowed.cancelled", lambda: o.cancel(
        w.engine, actor=w["worker"], order_id=order.id, reason="再取消", now=w.tick()))
    assert balance(w, "a") == 0 and volunteer(w, "a").hours_tenths == 0  # a cancelled order earns nothing


@pytest.mark.parametrize("step", [Step.SIGNED, Step.RATED])
def test_after_sign_off_nothing_is_re_dispatched_cancelled_or_served_again(w, step):
    order = walk(w, step)
    key = f"volunteer_error.not_allowed.{step.code}"
    refused(w, DomainError, key, lambda: dispatch(w, order.id, to="spare", reason="改派"))
    refused(w, DomainError, key, lambda: o.cancel(w.engine, actor=w["secretary"], order_id=order.id, reason="取消",
                                                  now=w.tick()))
    refused(w, DomainError, key, lambda: serve(w, order.id, actor="secretary", hours={"a": 5}))
    refused(w, DomainError, key, lambda: o.sign_off(w.engine, actor=w["secretary"], settings=w.settings,
                                                    order_id=order.id, method="phone", now=w.tick()))


def test_decline_with_a_reason_goes_back_to_dispatch(w):
    order = walk(w, Step.DISPATCHED)
    refused(w, ValidationFailed, "error.required", lambda: o.decline(
        w.engine, actor=w["vol_a"], order_id=order.id, reason=None, now=w.tick()), "reason")
    o.decline(w.engine, actor=w["vol_a"], order_id=order.id, reason="当天要上班", now=w.tick())
    saved = order_row(w, order.id)
    assert (saved.step, saved.volunteer_id, saved.team_id, saved.due_at, saved.dispatched_at) == (
        Step.REQUESTED, None, None, None, None)
    last = events(w, order.id)[-1]
    assert (last.action, last.actor_id, last.from_step, last.to_step, last.note) == (
        "decline", w["vol_a"].id, Step.DISPATCHED, Step.REQUESTED, "当天要上班")
    # the declining volunteer no longer holds it, and it is dispatched again
    refused(w, DomainError, "error.not_found", lambda: o.take(w.engine, actor=w["vol_a"], order_id=order.id,
                                                              now=w.tick()))
    dispatch(w, order.id, to="spare")
    assert order_row(w, order.id).step == Step.DISPATCHED


# --- 2. who may do what ---------------------------------------------------------------------------------------------

def test_a_volunteer_changes_only_the_orders_dispatched_to_them(w):
    mine, theirs = walk(w, Step.DISPATCHED, volunteer="a"), walk(w, Step.DISPATCHED, volunteer="spare")
    vol = w["vol_a"]
    for call in (lambda: o.take(w.engine, actor=vol, order_id=theirs.id, now=w.tick()),
                 lambda: o.decline(w.engine, actor=vol, order_id=theirs.id, reason="不想去", now=w.tick())):
        refused(w, DomainError, "error.not_found", call)
    o.take(w.engine, actor=vol, order_id=mine.id, now=w.tick())
    o.take(w.engine, actor=w["secretary"], order_id=theirs.id, now=w.tick())
    for call in (lambda: serve(w, theirs.id, actor="vol_a", hours={"a": 1}),
                 lambda: o.make_link(w.engine, actor=vol, settings=w.settings, order_id=theirs.id, now=w.tick())):
        refused(w, DomainError, "error.not_found", call)
    serve(w, mine.id, actor="vol_a")
    token, expires = o.make_link(w.engine, actor=vol, settings=w.settings, order_id=mine.id, now=w.tick())
    assert expires == w.clock[0] + timedelta(minutes=w.settings.volunteer.link_minutes)
    # another volunteer of the same community finds neither
    for call in (lambda: serve(w, mine.id, actor="vol_b", hours={"b": 1}),
                 lambda: o.make_link(w.engine, actor=w["vol_b"], settings=w.settings, order_id=mine.id,
                                     now=w.tick())):
        refused(w, DomainError, "error.not_found", call)
    assert o.link_order(w.engine, token, now=w.tick())["number"] == mine.number


def test_a_volunteer_may_not_dispatch_cancel_rate_or_sign_off(w):
    vol = w["vol_a"]
    served = walk(w, Step.SERVED)
    for call in (lambda: dispatch(w, served.id, actor="vol_a", to="a", reason="我自己改派"),
                 lambda: o.cancel(w.engine, actor=vol, order_id=served.id, reason="不去了", now=w.tick()),
                 lambda: o.sign_off(w.engine, actor=vol, settings=w.settings, order_id=served.id, method="in_person",
                                    now=w.tick())):
        refused(w, PermissionDenied, "error.permission", call)
    signed = walk(w, Step.SIGNED)
    refused(w, PermissionDenied, "error.permission", lambda: o.rate(
        w.engine, actor=vol, order_id=signed.id, data={"rating": "satisfied"}, now=w.tick()))
    requested = create(w)  # an order dispatched to nobody is not theirs at all
    refused(w, DomainError, "error.not_found", lambda: dispatch(w, requested.id, actor="vol_a", to="a"))
    for data in (dict(community_id=w.home), dict(community_id=None)):
        refused(w, PermissionDenied, "error.permission", lambda d=data: create(w, actor="vol_a", **d))


def test_a_team_leader_takes_their_teams_orders_for_a_member(w):
    lead = w["lead"]
    team_order = create(w)
    dispatch(w, team_order.id, to=None, team=True)
    solo = walk(w, Step.DISPATCHED, volunteer="a")
    # the team's members do not see the team's order; the leader does not see a member's of another
    refused(w, DomainError, "error.not_found", lambda: o.take(w.engine, actor=w["vol_b"], order_id=team_order.id,
                                                              volunteer_id=w.vols["b"], now=w.tick()))
    refused(w, DomainError, "error.not_found", lambda: o.take(w.engine, actor=lead, order_id=solo.id, now=w.tick()))
    refused(w, ValidationFailed, "volunteer_error.take_for_team", lambda: o.take(
        w.engine, actor=lead, order_id=team_order.id, volunteer_id=w.vols["a"], now=w.tick()), "volunteer_id")
    for hostile in ([w.vols["b"]], {"id": 1}, "3", 2**63):
        refused(w, ValidationFailed, "volunteer_error.take_for_team", lambda v=hostile: o.take(
            w.engine, actor=lead, order_id=team_order.id, volunteer_id=v, now=w.tick()), "volunteer_id")
    o.take(w.engine, actor=lead, order_id=team_order.id, volunteer_id=w.vols["b"], now=w.tick())
    saved = order_row(w, team_order.id)
    assert (saved.step, saved.volunteer_id, saved.team_id) == (Step.TAKEN, w.vols["b"], w.team)
    assert events(w, team_order.id)[-1].actor_id == lead.id
    # now the member holds it too: either records the service, the leader shows the code
    serve(w, team_order.id, actor="vol_b", hours={"b": 1.5, "member": 1.5})
    serve(w, team_order.id, actor="lead", hours={"b": 2, "member": 2})
    token, _ = o.make_link(w.engine, actor=lead, settings=w.settings, order_id=team_order.id, now=w.tick())
    assert token
    refused(w, PermissionDenied, "error.permission", lambda: o.sign_off(
        w.engine, actor=lead, settings=w.settings, order_id=team_order.id, method="phone", now=w.tick()))
    # the leader's own take of a team order without naming anyone: themselves
    another = create(w)
    dispatch(w, another.id, to=None, team=True)
    o.take(w.engine, actor=lead, order_id=another.id, now=w.tick())
    assert order_row(w, another.id).volunteer_id == w.vols["lead"]


def test_a_team_lead_role_without_being_named_leader_leads_nothing(w, settings):
    stand_in = person(w.engine, settings, "stand_in", "team_lead", w.home)
    r.save_volunteer(w.engine, actor=w["secretary"], settings=settings, now=w.tick(), data=volunteer_data(
        w.home, "吴副队", 7, team_id=w.team, user_id=stand_in.id))
    order = create(w)
    dispatch(w, order.id, to=None, team=True)
    refused(w, DomainError, "error.not_found", lambda: o.take(w.engine, actor=stand_in, order_id=order.id,
                                                              now=w.tick()))


def test_staff_of_another_community_find_nothing(w):
    other, other_vol = w["other_secretary"], w["other_vol"]
    served, signed = walk(w, Step.SERVED), walk(w, Step.SIGNED)
    calls = [lambda: dispatch(w, served.id, actor="other_secretary", to="other", reason="抢过来"),
             lambda: o.cancel(w.engine, actor=other, order_id=served.id, reason="取消", now=w.tick()),
             lambda: o.sign_off(w.engine, actor=other, settings=w.settings, order_id=served.id, method="phone",
                                now=w.tick()),
             lambda: o.rate(w.engine, actor=other, order_id=signed.id, data={"rating": "satisfied"}, now=w.tick()),
             lambda: o.make_link(w.engine, actor=other, settings=w.settings, order_id=served.id, now=w.tick()),
             lambda: serve(w, served.id, actor="other_secretary", hours={"a": 1}),
             lambda: serve(w, served.id, actor="other_vol", hours={"other": 1}),
             lambda: o.rate(w.engine, actor=w["leader"], order_id=signed.id, data={"rating": "satisfied"},
                            now=w.tick()),
             lambda: o.cancel(w.engine, actor=other_vol, order_id=served.id, reason="取消", now=w.tick())]
    for call in calls:
        refused(w, DomainError, "error.not_found", call)
    # nor may they register a volunteer here, or give one of theirs work here
    refused(w, PermissionDenied, "error.permission", lambda: r.save_volunteer(
        w.engine, actor=other, settings=w.settings, now=w.tick(), data=volunteer_data(w.home, "外人", 8)))
    refused(w, DomainError, "error.not_found", lambda: r.save_volunteer(
        w.engine, actor=other, settings=w.settings, now=w.tick(), volunteer_id=w.vols["a"],
        data=volunteer_data(w.home, "改名", 1)))
    order = create(w)
    refused(w, ValidationFailed, "error.unknown_choice", lambda: dispatch(w, order.id, to="other"), "volunteer_id")


# --- 3. bad input: its message, and nothing written -----------------------------------------------------------------

def test_hours_out_of_a_day_are_refused(w):
    order = walk(w, Step.TAKEN)
    for hours in (0, -1, 0.04, 24.1, 25, float("nan"), float("inf"), 1e308):
        before = state(w.engine)
        with pytest.raises(ValidationFailed) as caught:
            serve(w, order.id, actor="vol_a", hours={"a": hours})
        key = caught.value.errors["hours.1"][0]
        assert key.endswith("not_a_number") if hours != hours or hours == float("inf") else \
            key == "volunteer_error.hours_range", (hours, key)
        assert state(w.engine) == before


def test_hours_refused_are_hours_not_numbers(w):
    order = walk(w, Step.TAKEN)
    for hours in (0, 24.05):
        with pytest.raises(ValidationFailed) as caught:
            serve(w, order.id, actor="vol_a", hours={"a": hours})
        assert caught.value.errors["hours.1"][0] == "volunteer_error.hours_range"
    serve(w, order.id, actor="vol_a", hours={"a": 24})
    assert order_row(w, order.id).hours_tenths == 240


def test_a_volunteer_is_not_over_24_hours_in_one_day_across_orders(w):
    first, second = walk(w, Step.SERVED, hours={"a": 16.3}), walk(w, Step.TAKEN)
    error = refused(w, ValidationFailed, "volunteer_error.day_over",
                    lambda: serve(w, second.id, actor="vol_a", hours={"a": 7.8}), "hours.1")
    assert error.errors["hours.1"][1]["already"] == "16.3"
    serve(w, second.id, actor="vol_a", hours={"a": 7.7})  # exactly 24 in all
    # correcting the first order's hours counts the second's, not its own
    refused(w, ValidationFailed, "volunteer_error.day_over",
            lambda: serve(w, first.id, actor="secretary", hours={"a": 16.4}), "hours.1")
    serve(w, first.id, actor="secretary", hours={"a": 16})
    # another day is another day
    third = walk(w, Step.TAKEN)
    o.record_service(w.engine, actor=w["secretary"], order_id=third.id, rows=[{"volunteer_id": w.vols["a"],
                                                                                "hours": 10}],
                     served_on=TODAY + timedelta(days=1), now=w.tick(60 * 24))


def test_hours_of_a_cancelled_order_do_not_fill_the_day(w):
    cancelled = walk(w, Step.SERVED, hours={"a": 20})
    o.cancel(w.engine, actor=w["secretary"], order_id=cancelled.id, reason="服务对象不在家", now=w.tick())
    order = walk(w, Step.TAKEN)
    serve(w, order.id, actor="vol_a", hours={"a": 8})
    assert order_row(w, order.id).hours_tenths == 80


def test_service_rows_that_are_not_volunteers_of_the_community(w):
    order = walk(w, Step.TAKEN)
    for rows, field in (([], "volunteers"), ([{"volunteer_id": w.vols["other"], "hours": 1}], "volunteer.1"),
                        ([{"volunteer_id": [w.vols["a"]], "hours": 1}], "volunteer.1"),
                        ([{"volunteer_id": {"x": 1}, "hours": 1}], "volunteer.1"),
                        ([{"volunteer_id": w.vols["a"], "hours": 1}] * 2, "volunteer.2")):
        before = state(w.engine)
        with pytest.raises(ValidationFailed) as caught:
            o.record_service(w.engine, actor=w["vol_a"], order_id=order.id, rows=rows, now=w.tick())
        assert field in caught.value.errors
        assert state(w.engine) == before
    for rows in ("a:2", {"a": 2}, None, 5, [None], [[w.vols["a"], 2]]):
        before = state(w.engine)
        with pytest.raises(ValidationFailed):
            o.record_service(w.engine, actor=w["vol_a"], order_id=order.id, rows=rows, now=w.tick())
        assert state(w.engine) == before


def test_served_on_between_the_take_and_today(w):
    order = walk(w, Step.TAKEN)
    for day in (TODAY + timedelta(days=1), TODAY - timedelta(days=1), "2026-11-20", NOW):
        refused(w, ValidationFailed, "volunteer_error.served_on_range", lambda d=day: o.record_service(
            w.engine, actor=w["vol_a"], order_id=order.id, rows=[{"volunteer_id": w.vols["a"], "hours": 1}],
            served_on=d, now=w.tick()), "served_on")


@pytest.mark.parametrize("step", [Step.REQUESTED, Step.DISPATCHED, Step.TAKEN])
def test_no_sign_off_before_the_service(w, step):
    order = walk(w, step)
    refused(w, DomainError, f"volunteer_error.not_allowed.{step.code}", lambda: o.sign_off(
        w.engine, actor=w["secretary"], settings=w.settings, order_id=order.id, method="in_person", now=w.tick()))
    if step == Step.TAKEN:
        refused(w, DomainError, "volunteer_error.link_needs_service", lambda: o.make_link(
            w.engine, actor=w["vol_a"], settings=w.settings, order_id=order.id, now=w.tick()))


def test_a_sign_off_says_how(w):
    order = walk(w, Step.SERVED)
    for method, key in (("link", "volunteer_error.link_is_the_residents"), (None, "error.required"),
                        ("fax", "error.unknown_choice"), (["phone"], "error.unknown_choice")):
        refused(w, ValidationFailed, key, lambda m=method: o.sign_off(
            w.engine, actor=w["secretary"], settings=w.settings, order_id=order.id, method=m, now=w.tick()),
                "method")


@pytest.mark.parametrize("step", [Step.REQUESTED, Step.DISPATCHED, Step.TAKEN, Step.SERVED])
def test_no_rating_before_sign_off(w, step):
    order = walk(w, step)
    refused(w, DomainError, f"volunteer_error.not_allowed.{step.code}", lambda: o.rate(
        w.engine, actor=w["secretary"], order_id=order.id, data={"rating": "satisfied"}, now=w.tick()))


def test_a_rating_once_and_of_a_known_kind(w):
    order = walk(w, Step.SIGNED)
    refused(w, ValidationFailed, "error.unknown_choice", lambda: o.rate(
        w.engine, actor=w["secretary"], order_id=order.id, data={"rating": "great"}, now=w.tick()), "rating")
    o.rate(w.engine, actor=w["secretary"], order_id=order.id, data={"rating": "basic"}, now=w.tick())
    assert order_row(w, order.id).flagged is False
    refused(w, DomainError, "volunteer_error.not_allowed.rated", lambda: o.rate(
        w.engine, actor=w["secretary"], order_id=order.id, data={"rating": "satisfied"}, now=w.tick()))


def test_the_link_signs_once_until_it_expires(w, settings):
    order = walk(w, Step.SERVED)
    made = w.tick()
    token, expires = o.make_link(w.engine, actor=w["vol_a"], settings=settings, order_id=order.id, now=made)
    with reading(w.engine) as session:  # only the token's hash is kept
        assert session.execute(select(SignOffLink.token_hash)).scalars().all() == [o.token_hash(token)]
    shown = o.link_order(w.engine, token, now=made)
    assert shown["number"] == order.number and shown["volunteers"] == [("张**", 2.0)]
    assert "李桂兰" not in repr(shown) and "13800001111" not in repr(shown)
    refused(w, DomainError, "volunteer_error.link_expired", lambda: o.sign_by_link(
        w.engine, settings=settings, token=token, now=expires))
    with pytest.raises(DomainError) as caught:
        o.link_order(w.engine, token, now=expires)
    assert caught.value.key == "volunteer_error.link_expired"
    for unknown in ("x" * 32, "abc", None, 12345678901, ["x" * 32], token + "\x00", "字" * 40):
        refused(w, DomainError, "volunteer_error.link_unknown", lambda t=unknown: o.sign_by_link(
            w.engine, settings=settings, token=t, now=made))
    # a new code voids the one shown before
    old, _ = o.make_link(w.engine, actor=w["vol_a"], settings=settings, order_id=order.id, now=w.tick())
    token, expires = o.make_link(w.engine, actor=w["vol_a"], settings=settings, order_id=order.id, now=w.tick())
    refused(w, DomainError, "volunteer_error.link_expired", lambda: o.sign_by_link(
        w.engine, settings=settings, token=old, now=w.tick()))
    signed = o.sign_by_link(w.engine, settings=settings, token=token, data={"rating": "satisfied", "comment": "好"},
                            now=expires - timedelta(seconds=1))
    assert (signed.step, signed.sign_method, signed.rating) == (Step.RATED, "link", "satisfied")
    assert [e.action for e in events(w, order.id)][-2:] == ["sign_off", "rate"]
    assert events(w, order.id)[-1].actor_id is None
    refused(w, DomainError, "volunteer_error.link_used", lambda: o.sign_by_link(
        w.engine, settings=settings, token=token, now=w.tick()))
    with pytest.raises(DomainError) as caught:
        o.link_order(w.engine, token, now=w.tick())
    assert caught.value.key == "volunteer_error.link_used"
    assert balance(w, "a") == 20


def test_a_link_with_a_bad_rating_signs_nothing(w):
    order = walk(w, Step.SERVED)
    token, _ = o.make_link(w.engine, actor=w["vol_a"], settings=w.settings, order_id=order.id, now=w.tick())
    refused(w, ValidationFailed, "error.unknown_choice", lambda: o.sign_by_link(
        w.engine, settings=w.settings, token=token, data={"rating": "best"}, now=w.tick()), "rating")
    o.sign_by_link(w.engine, settings=w.settings, token=token, now=w.tick())


def test_a_link_of_an_order_signed_off_by_staff_says_it_is_signed(w):
    order = walk(w, Step.SERVED)
    token, _ = o.make_link(w.engine, actor=w["vol_a"], settings=w.settings, order_id=order.id, now=w.tick())
    o.sign_off(w.engine, actor=w["secretary"], settings=w.settings, order_id=order.id, method="phone", now=w.tick())
    refused(w, DomainError, "volunteer_error.not_allowed.signed", lambda: o.sign_by_link(
        w.engine, settings=w.settings, token=token, now=w.tick()))


# --- registration -----------------------------------------------------------------------------------------------------

def test_a_volunteer_registered_with_their_account_audited_masked(w):
    row = volunteer(w, "a")
    assert (row.name, row.phone, row.id_number, row.skills, row.user_id) == (
        "张志愿", "13900000001", id_number(1), "elderly,repair", w["vol_a"].id)
    entry = audits(w, "volunteer", row.id)[0]
    assert entry.action == "volunteer.create" and entry.after["phone"] == "139****0001"
    assert entry.after["id_number"].startswith("110") and "*" in entry.after["id_number"]
    with reading(w.engine) as session:
        assert points.account(session, Holder.VOLUNTEER, row.id, w.home).balance == 0
    assert r.whoami(w.engine, actor=w["vol_a"]) == (row.id, None)
    assert r.whoami(w.engine, actor=w["lead"]) == (w.vols["lead"], w.team)
    assert r.whoami(w.engine, actor=w["secretary"]) == (None, None)


@pytest.mark.parametrize("variant", ["same", "lower_x", "spaced"])
def test_an_id_number_registers_once(w, variant):
    x_number = id_number_with_x()
    r.save_volunteer(w.engine, actor=w["secretary"], settings=w.settings, now=w.tick(),
                     data=volunteer_data(w.home, "陈有X", 20, id_number=x_number))
    again = {"same": x_number, "lower_x": x_number.lower(),
             "spaced": f"{x_number[:6]} {x_number[6:14]} {x_number[14:].lower()}"}[variant]
    refused(w, ValidationFailed, "volunteer_error.id_number_taken", lambda: r.save_volunteer(
        w.engine, actor=w["worker"], settings=w.settings, now=w.tick(),
        data=volunteer_data(w.home, "重复", 21, id_number=again)), "id_number")
    # in another community too: the ID number is the city's
    refused(w, ValidationFailed, "volunteer_error.id_number_taken", lambda: r.save_volunteer(
        w.engine, actor=w["other_secretary"], settings=w.settings, now=w.tick(),
        data=volunteer_data(w.other, "重复", 22, id_number=again)), "id_number")
    # nor may another volunteer change theirs to it
    refused(w, ValidationFailed, "volunteer_error.id_number_taken", lambda: r.save_volunteer(
        w.engine, actor=w["worker"], settings=w.settings, now=w.tick(), volunteer_id=w.vols["a"],
        data=volunteer_data(w.home, "张志愿", 1, id_number=again)), "id_number")


def test_a_registration_with_bad_input_writes_nothing(w):
    for field, value, key in (
            ("id_number", "110105198001010010", "error.bad_id_number"),   # wrong check character
            ("id_number", "110105198002300011", "error.bad_id_number"),   # 30 February
            ("id_number", "11010519800101001", "error.bad_id_number"),    # 17 characters
            ("id_number", "", "error.required"),
            ("phone", "12345", "error.bad_phone"),
            ("phone", "1390000000a", "error.bad_phone"),
            ("phone", "", "error.required"),
            ("name", "", "error.required"),
            ("skills", ["flying"], "error.unknown_choice"),
            ("registered_on", TODAY + timedelta(days=1), None)):
        before = state(w.engine)
        with pytest.raises(ValidationFailed) as caught:
            r.save_volunteer(w.engine, actor=w["worker"], settings=w.settings, now=w.tick(),
                             data=volunteer_data(w.home, "新人", 30) | {field: value})
        assert field in caught.value.errors and (key is None or caught.value.errors[field][0] == key), (field, value)
        assert state(w.engine) == before


def test_a_volunteer_changed_keeps_what_the_form_left_out(w):
    r.save_volunteer(w.engine, actor=w["worker"], settings=w.settings, now=w.tick(), volunteer_id=w.vols["a"],
                     data={"name": "张志愿者", "registered_on": TODAY, "user_id": w["vol_a"].id})
    row = volunteer(w, "a")
    assert (row.name, row.phone, row.id_number) == ("张志愿者", "13900000001", id_number(1))
    entry = audits(w, "volunteer", row.id)[-1]
    assert entry.action == "volunteer.update" and entry.before["name"] == "张志愿" and entry.after["name"] == "张志愿者"
    assert "13900000001" not in repr(entry.before) + repr(entry.after)


@pytest.mark.parametrize("user", ["staff", "other_volunteer", "list", "huge", "taken"])
def test_a_volunteer_account_is_one_holding_a_volunteer_role_here_and_no_one_elses(w, user):
    value = {"staff": w["worker"].id, "other_volunteer": w["other_vol"].id, "list": [w["vol_a"].id],
             "huge": 2**70, "taken": w["vol_a"].id}[user]
    key = "volunteer_error.account_taken" if user == "taken" else "error.unknown_choice"
    refused(w, ValidationFailed, key, lambda: r.save_volunteer(
        w.engine, actor=w["worker"], settings=w.settings, now=w.tick(),
        data=volunteer_data(w.home, "新人", 31, user_id=value)), "user_id")
    # the volunteer who has the account keeps it when their record is saved again
    r.save_volunteer(w.engine, actor=w["worker"], settings=w.settings, now=w.tick(), volunteer_id=w.vols["a"],
                     data={"name": "张志愿", "registered_on": TODAY, "user_id": w["vol_a"].id})
    assert r.whoami(w.engine, actor=w["vol_a"])[0] == w.vols["a"]


def test_a_team_with_its_leader(w):
    team = r.save_team(w.engine, actor=w["worker"], settings=w.settings, now=w.tick(), data={
        "community_id": w.home, "name": "维修队", "kind": "community", "speciality": "repair",
        "leader_id": w.vols["spare"]})
    assert volunteer(w, "spare").team_id == team.id
    refused(w, ValidationFailed, "volunteer_error.team_name_taken", lambda: r.save_team(
        w.engine, actor=w["worker"], settings=w.settings, now=w.tick(), data={
            "community_id": w.home, "name": "维修队", "kind": "community"}), "name")
    refused(w, ValidationFailed, "volunteer_error.leader_not_member", lambda: r.save_team(
        w.engine, actor=w["worker"], settings=w.settings, now=w.tick(), data={
            "community_id": w.home, "name": "新队", "kind": "community", "leader_id": w.vols["b"]}), "leader_id")
    refused(w, ValidationFailed, "error.required", lambda: r.save_team(
        w.engine, actor=w["worker"], settings=w.settings, now=w.tick(), data={
            "community_id": w.home, "name": "成员单位队", "kind": "member_unit"}), "unit_id")
    refused(w, PermissionDenied, "error.permission", lambda: r.save_team(
        w.engine, actor=w["vol_a"], settings=w.settings, now=w.tick(), data={
            "community_id": w.home, "name": "自建队", "kind": "community"}))


def test_a_dispatch_to_a_team_and_a_volunteer_names_one_of_the_team(w):
    order = create(w)
    refused(w, ValidationFailed, "error.unknown_choice", lambda: dispatch(w, order.id, to="a", team=True),
            "volunteer_id")
    dispatch(w, order.id, to="b", team=True)


def test_a_dispatch_needs_someone_and_a_due_time_ahead(w):
    order = create(w)
    for data, field in (({"due_at": NOW + timedelta(days=3)}, "team_id"),
                        ({"volunteer_id": w.vols["a"], "due_at": NOW - timedelta(hours=1)}, "due_at"),
                        ({"volunteer_id": w.vols["a"]}, "due_at"),
                        ({"volunteer_id": w.vols["a"], "due_at": datetime(2026, 12, 1)}, "due_at")):
        before = state(w.engine)
        with pytest.raises(ValidationFailed) as caught:
            o.dispatch(w.engine, actor=w["secretary"], order_id=order.id, data=data, now=w.tick())
        assert field in caught.value.errors
        assert state(w.engine) == before


# --- 4. hours and points: only sign-off earns -----------------------------------------------------------------------

def with_standard(settings, **points_changes):
    standard = dataclasses.replace(settings.volunteer.points, **points_changes)
    return dataclasses.replace(settings, volunteer=dataclasses.replace(settings.volunteer, points=standard))


def test_only_sign_off_earns_hours_and_points(w):
    order = walk(w, Step.SERVED, hours={"a": 2.5, "b": 1.2})
    assert (balance(w, "a"), balance(w, "b"), volunteer(w, "a").hours_tenths) == (0, 0, 0)
    assert count(w.engine, PointsTransfer) == 0
    o.sign_off(w.engine, actor=w["secretary"], settings=w.settings, order_id=order.id, method="phone", now=w.tick())
    assert (balance(w, "a"), balance(w, "b")) == (25, 12)  # 10 points an hour
    a, b = volunteer(w, "a"), volunteer(w, "b")
    assert (a.hours_tenths, a.last_served_on, b.hours_tenths) == (25, TODAY, 12)
    with reading(w.engine) as session:
        transfers = session.execute(select(PointsTransfer).order_by(PointsTransfer.id)).scalars().all()
        assert {(t.kind, t.points, t.order_id) for t in transfers} == {("earn", 25, order.id), ("earn", 12, order.id)}
        assert points.balance(session, Holder.ISSUER, w.home) == -37
    o.rate(w.engine, actor=w["secretary"], order_id=order.id, data={"rating": "satisfied"}, now=w.tick())
    assert balance(w, "a") == 25 and volunteer(w, "a").hours_tenths == 25  # rating earns nothing more


@pytest.mark.parametrize(("kind", "hours", "standard", "expected"), [
    ("elderly", 2.5, {}, 25),                                    # per_hour 10
    ("medical", 2.5, {}, 37),                                    # by_kind 15: 37.5 rounded down
    ("legal", 0.3, {}, 4),                                       # 4.5 rounded down
    ("elderly", 0.1, {}, 1),
    ("elderly", 9, {}, 80),                                      # the cap per order
    ("medical", 24, {"cap_per_order": None}, 360),
    ("elderly", 2.5, {"per_hour": 1}, 2),
    ("medical", 0.5, {"per_hour": 1, "by_kind": {"medical": 3}}, 1),
])
def test_points_follow_the_standard(w, kind, hours, standard, expected):
    settings = with_standard(w.settings, **standard)
    order = walk(w, Step.SERVED, kind=kind, hours={"a": hours})
    o.sign_off(w.engine, actor=w["secretary"], settings=settings, order_id=order.id, method="phone", now=w.tick())
    assert balance(w, "a") == expected
    assert volunteer(w, "a").hours_tenths == round(hours * 10)


def test_the_cap_is_per_volunteer_and_order_and_hours_add_up_for_good(w):
    walk(w, Step.SIGNED, hours={"a": 9, "b": 9})
    walk(w, Step.SIGNED, hours={"a": 3})
    assert (balance(w, "a"), balance(w, "b")) == (80 + 30, 80)
    assert volunteer(w, "a").hours_tenths == 120


def test_last_served_on_is_the_latest_day_served(w):
    order = walk(w, Step.TAKEN)
    o.record_service(w.engine, actor=w["secretary"], order_id=order.id, rows=[{"volunteer_id": w.vols["a"],
                                                                                "hours": 2}],
                     now=w.tick(60 * 48), served_on=TODAY)
    later = walk(w, Step.SIGNED)  # served today (two days on)
    o.sign_off(w.engine, actor=w["secretary"], settings=w.settings, order_id=order.id, method="phone", now=w.tick())
    assert later.signed_at < w.clock[0]
    assert volunteer(w, "a").last_served_on == TODAY + timedelta(days=2)


def test_a_direct_update_below_zero_is_refused_by_the_database(w):
    from sqlalchemy import text
    from sqlalchemy.exc import IntegrityError

    walk(w, Step.SIGNED)
    with pytest.raises(IntegrityError), w.engine.begin() as conn:
        conn.execute(text("UPDATE points_account SET balance = -1 WHERE holder = 'volunteer'"))
    with w.engine.begin() as conn:  # the issuer alone may go below zero
        assert conn.execute(text("SELECT balance FROM points_account WHERE holder = 'issuer'")).scalar() == -20
    assert balance(w, "a") == 20


def test_unknown_and_hostile_order_ids_are_not_found(w):
    for order_id in (None, 0, -1, 999_999, 2**63, "1", [1], 1.0, True):
        for call in (lambda i=order_id: o.take(w.engine, actor=w["secretary"], order_id=i, now=w.tick()),
                     lambda i=order_id: o.cancel(w.engine, actor=w["secretary"], order_id=i, reason="x",
                                                 now=w.tick())):
            refused(w, DomainError, "error.not_found", call)


def test_volunteer_ids_in_the_registry_are_the_communitys(w):
    with reading(w.engine) as session:
        assert {v.community_id for v in session.execute(select(Volunteer)).scalars()} == {w.home, w.other}


def test_hours_recorded_again_void_the_code_shown_for_the_old_ones(w):
    order = walk(w, Step.SERVED)
    token, _ = o.make_link(w.engine, actor=w["vol_a"], settings=w.settings, order_id=order.id, now=w.tick())
    assert o.link_order(w.engine, token, now=w.tick())["volunteers"] == [("张**", 2.0)]
    serve(w, order.id, actor="vol_a", hours={"a": 8})  # the resident saw 2 hours: they do not sign 8 unseen
    refused(w, DomainError, "volunteer_error.link_expired", lambda: o.sign_by_link(
        w.engine, settings=w.settings, token=token, now=w.tick()))
    token, _ = o.make_link(w.engine, actor=w["vol_a"], settings=w.settings, order_id=order.id, now=w.tick())
    assert o.link_order(w.engine, token, now=w.tick())["volunteers"] == [("张**", 8.0)]
    o.sign_by_link(w.engine, settings=w.settings, token=token, now=w.tick())
    assert balance(w, "a") == 80
