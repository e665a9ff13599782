"""Council meetings from plan to close (data_access.council.meetings) on SQLite and PostgreSQL: planning with the
agenda, opening with the members expected on the day, check-in, minutes, votes under each council kind's quorum
and majority, named ballots, decisions with owner, due date and notice, reviews with ratings, closing, topic
stages, permissions, closed and not-open meetings, audit, and every bad input leaving the database as it was."""

from __future__ import annotations

from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date, time, timedelta

import pytest
from sqlalchemy import func, select

from data_access.cli import add_community
from data_access.council import meetings as cm
from data_access.db import reading, transaction
from data_access.models import (
    AuditLog,
    Council,
    CouncilAgendaItem,
    CouncilAttendance,
    CouncilBallot,
    CouncilDecision,
    CouncilMeeting,
    CouncilMember,
    CouncilRating,
    CouncilReview,
    CouncilTopic,
    User,
    UserRole,
)
from domain.access import Actor, grants_for
from domain.council.rules import Quorum
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from i18n.council_words import quorum_words
from tests.conftest import NOW

pytestmark = pytest.mark.db
TODAY = NOW.date()
LATER = NOW + timedelta(days=3)
TABLES = (CouncilMeeting, CouncilAttendance, CouncilAgendaItem, CouncilDecision, CouncilBallot, CouncilReview,
          CouncilRating, CouncilTopic, AuditLog)
# key: name, seat, active, term_end. F's term ends on the meeting day (still expected); H is inactive; I's term
# ended a month ago: seven of the nine are expected.
MEMBERS = (("A", "王建国", "party", True, None), ("B", "李秀英", "residents_committee", True, None),
           ("C", "张伟", "owners_committee", True, None), ("D", "刘洋", "property", True, None),
           ("E", "陈静", "merchants", True, None), ("F", "杨帆", "resident", True, TODAY),
           ("G", "赵磊", "grid_leader", True, None), ("H", "黄敏", "resident", False, None),
           ("I", "周强", "resident", True, TODAY - timedelta(days=30)))
EXPECTED = "ABCDEFG"


@dataclass
class Place:
    """康盛社区 with a council of nine members (seven expected on TODAY), its topics, a second council of the same
    community, and another community with its own council."""

    engine: object
    settings: object
    community_id: int
    other_id: int
    council_id: int = 0
    second_council_id: int = 0
    other_council_id: int = 0
    members: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)

    def actor(self, name: str) -> Actor:
        return self.actors[name]


def _user(session, settings, username: str, role: str, community_id: int | None) -> Actor:
    user = User(username=username, display_name=f"测试{username}", password_hash="x", created_at=NOW)
    session.add(user)
    session.flush()
    session.add(UserRole(user_id=user.id, role=role, community_id=community_id))
    return Actor(user.id, username, user.display_name, grants_for(settings, [(role, community_id, None)]))


def _council(session, community_id: int, name: str, kind: str) -> int:
    council = Council(community_id=community_id, name=name, kind=kind, established_on=date(2025, 1, 1),
                      updated_at=NOW)
    session.add(council)
    session.flush()
    return council.id


def _topic(session, community_id: int, council_id: int, title: str, stage: str = "raised") -> int:
    topic = CouncilTopic(community_id=community_id, council_id=council_id, title=title, source="member",
                         raised_on=TODAY - timedelta(days=10), stage=stage, updated_at=NOW)
    session.add(topic)
    session.flush()
    return topic.id


def build(engine, settings, kind: str = "resident_council") -> Place:
    cid = add_community(engine, street="测试街道", name="康盛社区", code="KS", grids=1)
    other = add_community(engine, street="测试街道", name="其他社区", code="QT", grids=1)
    p = Place(engine, settings, cid, other)
    with transaction(engine) as s:
        for name, role, community in (("secretary", "secretary", cid), ("recorder", "recorder", cid),
                                      ("worker", "worker", cid), ("leader", "leader", None),
                                      ("other_secretary", "secretary", other), ("other_recorder", "recorder", other)):
            p.actors[name] = _user(s, settings, name, role, community)
        p.council_id = _council(s, cid, "幸福里小区议事会", kind)
        for key, name, seat, active, term_end in MEMBERS:
            member = CouncilMember(community_id=cid, council_id=p.council_id, name=name, seat=seat,
                                   term_start=date(2025, 1, 1), term_end=term_end, active=active,
                                   convener=key == "A", updated_at=NOW)
            s.add(member)
            s.flush()
            p.members[key] = member.id
        for key, title, stage in (("lift", "加装电梯", "raised"), ("parking", "停车位划线", "raised"),
                                  ("bins", "垃圾分类点迁移", "raised"), ("withdrawn", "撤回的议题", "withdrawn"),
                                  ("reviewed", "已评议的议题", "reviewed")):
            p.topics[key] = _topic(s, cid, p.council_id, title, stage)
        p.second_council_id = _council(s, cid, "康盛社区居民议事会", "resident_council")
        second = CouncilMember(community_id=cid, council_id=p.second_council_id, name="钱芳", seat="resident",
                               term_start=date(2025, 1, 1), updated_at=NOW)
        s.add(second)
        s.flush()
        p.members["second"] = second.id
        p.topics["second"] = _topic(s, cid, p.second_council_id, "另一议事会的议题")
        p.other_council_id = _council(s, other, "其他社区议事会", "resident_council")
        outsider = CouncilMember(community_id=other, council_id=p.other_council_id, name="孙丽", seat="resident",
                                 term_start=date(2025, 1, 1), updated_at=NOW)
        s.add(outsider)
        s.flush()
        p.members["X"] = outsider.id
        p.topics["other"] = _topic(s, other, p.other_council_id, "外社区议题")
    return p


@pytest.fixture
def place(engine, settings) -> Place:
    return build(engine, settings)


# ------------------------------------------------------------------------------------------------------ helpers


def plan(p: Place, actor: str = "secretary", *, now=NOW, meeting_id: int | None = None, **data) -> CouncilMeeting:
    values = {"council_id": p.council_id, "kind": "decision", "day": TODAY, "start_time": time(9, 30),
              "place": "幸福里党群服务站", "chair_id": p.members["A"], "recorder": "孙雅琴", "observers": "街道干部1人",
              "topic_ids": [p.topics["lift"], p.topics["parking"]], "decision_ids": []} | data
    return cm.plan_meeting(p.engine, actor=p.actor(actor), settings=p.settings, data=values, meeting_id=meeting_id,
                           now=now)


def opened(p: Place, **data) -> CouncilMeeting:
    meeting = plan(p, **data)
    return cm.open_meeting(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, now=NOW)


def check(p: Place, meeting_id: int, keys: str, status: str = "present", actor: str = "recorder") -> None:
    cm.check_in(p.engine, actor=p.actor(actor), meeting_id=meeting_id,
                rows=[{"member_id": p.members[k], "status": status} for k in keys], now=NOW)


def vote(p: Place, meeting_id: int, *, actor: str = "recorder", settings=None, **data) -> CouncilDecision:
    values = {"topic_id": p.topics["lift"], "text": "同意在3号楼加装电梯，费用按楼层分摊", "method": "hands",
              "votes_for": 4, "against": 1, "abstain": 0, "owner": "幸福里业委会",
              "due": TODAY + timedelta(days=90)} | data
    return cm.record_vote(p.engine, actor=p.actor(actor), settings=settings or p.settings, meeting_id=meeting_id,
                          data=values, now=NOW)


def review(p: Place, meeting_id: int, decision_id: int, *, actor: str = "recorder", **data) -> CouncilReview:
    values = {"decision_id": decision_id, "reporter": "幸福里业委会 张伟", "report": "电梯已完成招标，正在施工",
              "outcome": "partly", "reason": "施工尚未完工", "ratings": {}} | data
    return cm.record_review(p.engine, actor=p.actor(actor), meeting_id=meeting_id, data=values, settings=p.settings,
                            now=LATER)


def agenda(p: Place, meeting_id: int) -> list[CouncilAgendaItem]:
    with reading(p.engine) as s:
        return list(s.execute(select(CouncilAgendaItem).where(CouncilAgendaItem.meeting_id == meeting_id)
                              .order_by(CouncilAgendaItem.position)).scalars())


def row(p: Place, model, key):
    with reading(p.engine) as s:
        return s.get(model, key)


def stage(p: Place, topic: str) -> str:
    return row(p, CouncilTopic, p.topics[topic]).stage


def audits(p: Place, action: str) -> list[AuditLog]:
    with reading(p.engine) as s:
        return list(s.execute(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).scalars())


def counts(engine) -> dict[str, int]:
    with reading(engine) as s:
        return {m.__name__: s.execute(select(func.count()).select_from(m)).scalar_one() for m in TABLES}


def contents(engine) -> dict:
    """Every row of the council meeting tables and the topics' stages, to compare before and after a refusal."""
    with reading(engine) as s:
        return {"meetings": s.execute(select(CouncilMeeting.id, CouncilMeeting.status, CouncilMeeting.updated_at,
                                             CouncilMeeting.summary).order_by(CouncilMeeting.id)).all(),
                "attendance": s.execute(select(CouncilAttendance.member_id, CouncilAttendance.status)
                                        .order_by(CouncilAttendance.meeting_id, CouncilAttendance.member_id)).all(),
                "agenda": s.execute(select(CouncilAgendaItem.id, CouncilAgendaItem.minutes,
                                           CouncilAgendaItem.seconds, CouncilAgendaItem.discussed)
                                    .order_by(CouncilAgendaItem.id)).all(),
                "decisions": s.execute(select(CouncilDecision.id, CouncilDecision.outcome)
                                       .order_by(CouncilDecision.id)).all(),
                "topics": s.execute(select(CouncilTopic.id, CouncilTopic.stage).order_by(CouncilTopic.id)).all()}


@contextmanager
def unchanged(p: Place):
    """The block must leave every row count, every audit count and the rows' states as they were."""
    before, rows = counts(p.engine), contents(p.engine)
    yield
    assert counts(p.engine) == before
    assert contents(p.engine) == rows


def refused(p: Place, call, field_name: str, key: str):
    """`call` raises ValidationFailed with `key` on `field_name` and writes nothing; returns the error."""
    with unchanged(p), pytest.raises(ValidationFailed) as err:
        call()
    assert field_name in err.value.errors, err.value.errors
    assert err.value.errors[field_name][0] == key
    return err.value


def decided_meeting(p: Place) -> tuple[int, CouncilDecision]:
    """A closed decision meeting with a passed decision on the lift topic (5 present, 4 for)."""
    meeting = opened(p)
    check(p, meeting.id, "ABCDE")
    decision = vote(p, meeting.id)
    cm.close_meeting(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, summary="会议顺利", now=NOW)
    return meeting.id, decision


def review_meeting(p: Place, decision_ids: list[int], present: str = "ABCD") -> int:
    meeting = plan(p, kind="review", day=TODAY + timedelta(days=3), topic_ids=[], decision_ids=decision_ids)
    cm.open_meeting(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, now=LATER)
    cm.check_in(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id,
                rows=[{"member_id": p.members[k], "status": "present"} for k in present], now=LATER)
    return meeting.id


# ------------------------------------------------------------------------------------------ the whole meeting


def test_a_decision_meeting_from_plan_to_close(place):
    p = place
    meeting = plan(p)
    assert (meeting.status, meeting.kind, meeting.day, meeting.start_time) == ("planned", "decision", TODAY,
                                                                               time(9, 30))
    assert meeting.community_id == p.community_id and meeting.created_by == p.actor("secretary").id
    assert [(i.position, i.topic_id, i.decision_id) for i in agenda(p, meeting.id)] == \
        [(1, p.topics["lift"], None), (2, p.topics["parking"], None)]

    cm.open_meeting(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, now=NOW)
    check(p, meeting.id, "ABCDE")
    check(p, meeting.id, "F", "excused")
    lift, parking = agenda(p, meeting.id)
    cm.record_minutes(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, agenda_item_id=parking.id,
                      minutes="居民希望夜间留出临时车位", seconds=300, now=NOW)
    decision = vote(p, meeting.id)
    assert (decision.status, decision.votes_for, decision.against, decision.abstain) == ("passed", 4, 1, 0)
    assert (decision.expected, decision.present, decision.quorum_met) == (7, 5, True)
    assert (decision.owner, decision.due, decision.decided_on) == ("幸福里业委会", TODAY + timedelta(days=90), TODAY)
    assert (decision.notice_start, decision.notice_end) == (TODAY, TODAY + timedelta(days=7)), "default notice"
    assert (decision.topic_id, decision.meeting_id, decision.council_id) == (p.topics["lift"], meeting.id,
                                                                             p.council_id)
    assert stage(p, "lift") == "decided"

    closed = cm.close_meeting(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, summary=" 两项议题已议 ",
                              now=NOW)
    assert (closed.status, closed.summary, closed.closed_at is not None) == ("closed", "两项议题已议", True)
    with reading(p.engine) as session:
        rows = session.execute(select(func.count()).select_from(CouncilAttendance)
                               .where(CouncilAttendance.meeting_id == meeting.id)).scalar_one()
    assert (closed.expected, closed.present, closed.excused) == (rows, 5, 1), "its attendance counted at close"
    assert stage(p, "parking") == "discussed", "discussed at a decision meeting"
    assert stage(p, "lift") == "decided", "a decided topic stays decided"
    assert stage(p, "bins") == "raised", "not on the agenda"
    for action in ("council.meeting_plan", "council.meeting_open", "council.attendance", "council.minutes",
                   "council.decision", "council.meeting_close"):
        entries = audits(p, action)
        assert entries and all(e.community_id == p.community_id for e in entries), action
        assert all(e.actor_id == p.actor("secretary" if action == "council.meeting_plan" else "recorder").id
                   for e in entries), action
    assert len(audits(p, "council.attendance")) == 2
    close = audits(p, "council.meeting_close")[0]
    assert close.before["status"] == "open" and close.after["status"] == "closed"
    assert (close.before["present"], close.after["present"]) == (None, 5)
    assert close.after["topics_discussed"] == [p.topics["parking"]]
    entry = audits(p, "council.decision")[0]
    assert (entry.entity, entry.entity_id) == ("council_decision", decision.id)
    assert entry.before == {"topic_id": p.topics["lift"], "topic_stage": "raised"}
    assert entry.after["status"] == "passed" and entry.after["topic_stage"] == "decided"
    assert entry.after["notice_end"] == (TODAY + timedelta(days=7)).isoformat()


# ------------------------------------------------------------------------------------------------------ planning


def test_a_planned_meeting_changes_with_its_agenda_and_both_are_audited(place):
    p = place
    meeting = plan(p)
    changed = plan(p, meeting_id=meeting.id, day=TODAY + timedelta(days=2), place="二楼会议室", start_time="14:00",
                   chair_id=p.members["B"], topic_ids=[p.topics["bins"], str(p.topics["lift"]), p.topics["bins"]])
    assert (changed.day, changed.place, changed.start_time, changed.chair_id) == \
        (TODAY + timedelta(days=2), "二楼会议室", time(14, 0), p.members["B"])
    assert [i.topic_id for i in agenda(p, meeting.id)] == [p.topics["bins"], p.topics["lift"]]
    assert [i.position for i in agenda(p, meeting.id)] == [1, 2]
    first = audits(p, "council.meeting_plan")[0]
    assert (first.entity, first.entity_id, first.before) == ("council_meeting", meeting.id, None)
    assert first.after["start_time"] == "09:30:00"
    assert first.after["topic_ids"] == [p.topics["lift"], p.topics["parking"]]
    update = audits(p, "council.meeting_update")[0]
    assert update.before["place"] == "幸福里党群服务站" and update.after["place"] == "二楼会议室"
    assert update.after["topic_ids"] == [p.topics["bins"], p.topics["lift"]]
    with unchanged(p):  # the same values again, later: nothing to write, not even updated_at
        plan(p, now=LATER, meeting_id=meeting.id, day=TODAY + timedelta(days=2), place="二楼会议室", start_time="14:00",
             chair_id=p.members["B"], topic_ids=[p.topics["bins"], p.topics["lift"]])


def test_a_planned_meeting_keeps_its_day_once_past_but_cannot_move_to_another_past_day(place):
    p = place
    meeting = plan(p)
    tomorrow = NOW + timedelta(days=1)
    plan(p, meeting_id=meeting.id, place="会议室", now=tomorrow)
    refused(p, lambda: plan(p, meeting_id=meeting.id, day=TODAY - timedelta(days=1), now=tomorrow), "day",
            "council_error.day_in_past")


def _bad_plans(p: Place) -> list[tuple[dict, str, str]]:
    later_topic = {"topic_ids": [p.topics["lift"]]}
    return [
        ({"day": TODAY - timedelta(days=1)}, "day", "council_error.day_in_past"),
        ({"day": None}, "day", "error.required"),
        ({"kind": "party"}, "kind", "error.unknown_choice"),
        ({"kind": None}, "kind", "error.required"),
        ({"start_time": "半夜"}, "start_time", "council_meeting_rule.bad_time"),
        ({"place": "会" * 101}, "place", "error.too_long"),
        ({"chair_id": p.members["H"]}, "chair_id", "council_meeting_rule.chair_not_member"),  # inactive
        ({"chair_id": p.members["I"]}, "chair_id", "council_meeting_rule.chair_not_member"),  # term ended
        ({"chair_id": p.members["second"]}, "chair_id", "council_meeting_rule.chair_not_member"),
        ({"chair_id": 999999}, "chair_id", "council_meeting_rule.chair_not_member"),
        ({"topic_ids": [p.topics["withdrawn"]]}, "topic_ids", "council_meeting_rule.topic_not_available"),
        ({"topic_ids": [p.topics["reviewed"]]}, "topic_ids", "council_meeting_rule.topic_not_available"),
        ({"topic_ids": [p.topics["second"]]}, "topic_ids", "council_meeting_rule.topic_not_available"),
        ({"topic_ids": [p.topics["other"]]}, "topic_ids", "council_meeting_rule.topic_not_available"),
        ({"topic_ids": ["x"]}, "topic_ids", "council_meeting_rule.unknown_item"),
        (later_topic | {"kind": "review"}, "topic_ids", "council_error.wrong_meeting_kind"),
        ({"decision_ids": [1]}, "decision_ids", "council_error.wrong_meeting_kind"),
        ({"kind": "review", "topic_ids": [], "decision_ids": [999999]}, "decision_ids",
         "council_meeting_rule.decision_not_available"),
    ]


def test_every_bad_plan_is_refused_on_its_field_and_writes_nothing(place):
    p = place
    for data, field_name, key in _bad_plans(p):
        refused(p, lambda data=data: plan(p, **data), field_name, key)
    meeting = plan(p)
    for data, field_name, key in _bad_plans(p):
        refused(p, lambda data=data: plan(p, meeting_id=meeting.id, **data), field_name, key)


def test_a_review_meeting_takes_passed_decisions_of_its_council_only(place):
    p = place
    _, passed = decided_meeting(p)
    meeting = opened(p, topic_ids=[p.topics["parking"]], day=TODAY)
    check(p, meeting.id, "AB")
    rejected = vote(p, meeting.id, topic_id=p.topics["parking"], votes_for=0, against=2)
    assert rejected.status == "invalid"
    refused(p, lambda: plan(p, kind="review", topic_ids=[], decision_ids=[rejected.id]), "decision_ids",
            "council_meeting_rule.decision_not_available")
    with transaction(p.engine) as s:  # a passed decision of the second council
        m = CouncilMeeting(community_id=p.community_id, council_id=p.second_council_id, kind="decision", day=TODAY,
                           status="closed", updated_at=NOW)
        s.add(m)
        s.flush()
        foreign = CouncilDecision(community_id=p.community_id, council_id=p.second_council_id, meeting_id=m.id,
                                  topic_id=p.topics["second"], text="另一决议", method="hands", votes_for=1,
                                  against=0, abstain=0, expected=1, present=1, quorum_met=True, status="passed",
                                  decided_on=TODAY, updated_at=NOW)
        s.add(foreign)
        s.flush()
        foreign_id = foreign.id
    refused(p, lambda: plan(p, kind="review", topic_ids=[], decision_ids=[foreign_id]), "decision_ids",
            "council_meeting_rule.decision_not_available")
    meeting = plan(p, kind="review", topic_ids=[], decision_ids=[passed.id])
    assert [(i.topic_id, i.decision_id) for i in agenda(p, meeting.id)] == [(None, passed.id)]


def test_planning_needs_council_manage_in_the_community(place):
    p = place
    for actor in ("recorder", "worker", "leader"):
        with unchanged(p), pytest.raises(PermissionDenied):
            plan(p, actor)
    with unchanged(p), pytest.raises(DomainError) as err:
        plan(p, "other_secretary")
    assert err.value.key == "error.not_found"
    meeting = plan(p)
    for actor in ("recorder", "worker"):
        with unchanged(p), pytest.raises(PermissionDenied):
            plan(p, actor, meeting_id=meeting.id, place="别处")
    with unchanged(p), pytest.raises(DomainError) as err:
        plan(p, "other_secretary", meeting_id=meeting.id, place="别处")
    assert err.value.key == "error.not_found"


def test_a_meeting_needs_an_active_council(place):
    p = place
    refused(p, lambda: plan(p, council_id=None), "council_id", "error.required")
    with transaction(p.engine) as s:
        s.get(Council, p.council_id).active = False
    refused(p, lambda: plan(p), "council_id", "council_meeting_rule.council_inactive")
    with unchanged(p), pytest.raises(DomainError) as err:
        plan(p, council_id=999999)
    assert err.value.key == "error.not_found"


def test_only_a_planned_meeting_is_changed(place):
    p = place
    meeting = opened(p)
    with unchanged(p), pytest.raises(DomainError) as err:
        plan(p, meeting_id=meeting.id, place="别处")
    assert err.value.key == "council_meeting_rule.not_planned"


# ------------------------------------------------------------------------------------------------------- opening


def test_opening_expects_the_members_active_on_the_day(place):
    p = place
    meeting = opened(p)
    assert meeting.status == "open" and meeting.opened_at is not None
    with reading(p.engine) as s:
        rows = s.execute(select(CouncilAttendance.member_id, CouncilAttendance.status, CouncilAttendance.checked_in_at)
                         .where(CouncilAttendance.meeting_id == meeting.id)).all()
    assert sorted(r.member_id for r in rows) == sorted(p.members[k] for k in EXPECTED)
    assert {(r.status, r.checked_in_at) for r in rows} == {("absent", None)}
    entry = audits(p, "council.meeting_open")[0]
    assert entry.before["status"] == "planned" and entry.after["status"] == "open"
    assert sorted(entry.after["expected"]) == sorted(p.members[k] for k in EXPECTED)
    with unchanged(p), pytest.raises(DomainError) as err:
        cm.open_meeting(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, now=NOW)
    assert err.value.key == "council_meeting_rule.not_planned"


def test_a_meeting_opens_on_its_day_not_before(place):
    p = place
    meeting = plan(p, day=TODAY + timedelta(days=3))
    err = refused(p, lambda: cm.open_meeting(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, now=NOW),
                  "day", "council_error.not_yet")
    assert err.errors["day"][1] == {"day": (TODAY + timedelta(days=3)).isoformat()}
    opened_later = cm.open_meeting(p.engine, actor=p.actor("secretary"), meeting_id=meeting.id, now=LATER)
    assert opened_later.status == "open"
    assert len(audits(p, "council.meeting_open")) == 1


def test_a_council_without_members_in_office_cannot_meet(place):
    p = place
    meeting = plan(p)
    with transaction(p.engine) as s:
        for member in s.execute(select(CouncilMember).where(CouncilMember.council_id == p.council_id)).scalars():
            member.active = False
    refused(p, lambda: cm.open_meeting(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, now=NOW),
            "attendance", "council_meeting_rule.no_members")


def test_the_recorder_runs_the_meeting_but_others_may_not(place):
    p = place
    meeting = plan(p)
    for actor in ("worker", "leader"):
        with unchanged(p), pytest.raises(PermissionDenied):
            cm.open_meeting(p.engine, actor=p.actor(actor), meeting_id=meeting.id, now=NOW)
    for actor in ("other_secretary", "other_recorder"):
        with unchanged(p), pytest.raises(DomainError) as err:
            cm.open_meeting(p.engine, actor=p.actor(actor), meeting_id=meeting.id, now=NOW)
        assert err.value.key == "error.not_found"
    with unchanged(p), pytest.raises(DomainError) as err:
        cm.open_meeting(p.engine, actor=p.actor("recorder"), meeting_id=999999, now=NOW)
    assert err.value.key == "error.not_found"
    cm.open_meeting(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, now=NOW)
    with unchanged(p), pytest.raises(PermissionDenied):
        check(p, meeting.id, "A", actor="worker")


# ------------------------------------------------------------------------------------------------------ check-in


def test_check_in_records_who_is_present_when(place):
    p = place
    meeting = opened(p)
    check(p, meeting.id, "AB")
    check(p, meeting.id, "C", "excused")
    with reading(p.engine) as s:
        rows = {r.member_id: r for r in s.execute(select(CouncilAttendance)
                                                  .where(CouncilAttendance.meeting_id == meeting.id)).scalars()}
    assert rows[p.members["A"]].status == "present" and rows[p.members["A"]].checked_in_at is not None
    assert (rows[p.members["C"]].status, rows[p.members["C"]].checked_in_at) == ("excused", None)
    entry = audits(p, "council.attendance")[0]
    assert entry.before["attendance"][str(p.members["A"])]["status"] == "absent"
    assert entry.after["attendance"][str(p.members["A"])]["status"] == "present"
    with unchanged(p):  # nothing changes: nothing written, nothing audited
        check(p, meeting.id, "AB")
    check(p, meeting.id, "A", "absent")
    assert row(p, CouncilAttendance, (meeting.id, p.members["A"])).checked_in_at is None


@pytest.mark.parametrize(("member", "status", "key"), [
    ("H", "present", "council_meeting_rule.not_expected"),  # inactive
    ("I", "present", "council_meeting_rule.not_expected"),  # term ended
    ("X", "present", "council_meeting_rule.not_expected"),  # another community's council
    ("A", "asleep", "error.unknown_choice"),
])
def test_check_in_of_someone_not_expected_or_an_unknown_status_is_refused(place, member, status, key):
    p = place
    meeting = opened(p)
    rows = [{"member_id": p.members["B"], "status": "present"}, {"member_id": p.members[member], "status": status}]
    refused(p, lambda: cm.check_in(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, rows=rows, now=NOW),
            "attendance", key)


# ------------------------------------------------------------------------------------------------------- minutes


def test_minutes_are_written_and_time_adds_up(place):
    p = place
    meeting = opened(p)
    item = agenda(p, meeting.id)[0]
    cm.record_minutes(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, agenda_item_id=item.id,
                      minutes="\x07居民代表：一楼住户有顾虑", seconds=120, now=NOW)
    saved = cm.record_minutes(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, agenda_item_id=item.id,
                              minutes="居民代表：一楼住户有顾虑 ", seconds=60.0, now=NOW)
    assert (saved.minutes, saved.seconds, saved.discussed) == ("居民代表：一楼住户有顾虑", 180, True)
    cleared = cm.record_minutes(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, agenda_item_id=item.id,
                                minutes=None, discussed=False, now=NOW)
    assert (cleared.minutes, cleared.seconds, cleared.discussed) == (None, 180, False)
    entries = audits(p, "council.minutes")
    assert len(entries) == 3 and entries[0].before["minutes"] is None and entries[1].after["seconds"] == 180
    refused(p, lambda: cm.record_minutes(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id,
                                         agenda_item_id=item.id, minutes="x", seconds=-5, now=NOW),
            "seconds", "council_meeting_rule.seconds_negative")
    refused(p, lambda: cm.record_minutes(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id,
                                         agenda_item_id=item.id, minutes="长" * 5001, now=NOW),
            "minutes", "error.too_long")
    other = plan(p)
    with unchanged(p), pytest.raises(DomainError) as err:
        cm.record_minutes(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id,
                          agenda_item_id=agenda(p, other.id)[0].id, minutes="x", now=NOW)
    assert err.value.key == "error.not_found"


# --------------------------------------------------------------------------------------------------------- votes


@pytest.mark.parametrize(("kind", "present", "status"), [
    ("resident_council", "ABCD", "passed"),  # 4 of 7: more than half
    ("resident_council", "ABC", "invalid"),  # 3 of 7
    ("representatives", "ABCD", "invalid"),  # 4 of 7: less than two thirds
    ("representatives", "ABCDE", "passed"),  # 5 of 7: at least two thirds
    ("estate_joint", "ABCD", "passed"),
])
def test_the_quorum_is_the_council_kinds(engine, settings, kind, present, status):
    p = build(engine, settings, kind)
    meeting = opened(p)
    check(p, meeting.id, present)
    decision = vote(p, meeting.id, votes_for=len(present), against=0)
    assert (decision.status, decision.present, decision.expected) == (status, len(present), 7)
    assert decision.quorum_met is (status == "passed")
    if status == "invalid":
        assert (decision.owner, decision.due, decision.notice_start, decision.notice_end) == (None,) * 4
        assert stage(p, "lift") == "rejected"
    else:
        assert stage(p, "lift") == "decided"


def test_without_quorum_a_vote_is_invalid_and_can_be_taken_again(place):
    p = place
    meeting = opened(p)
    check(p, meeting.id, "AB")
    invalid = vote(p, meeting.id, votes_for=2, against=0)
    assert (invalid.status, invalid.quorum_met) == ("invalid", False)
    assert stage(p, "lift") == "rejected"
    check(p, meeting.id, "CDE")
    passed = vote(p, meeting.id, votes_for=5, against=0)
    assert passed.status == "passed" and stage(p, "lift") == "decided"
    err = refused(p, lambda: vote(p, meeting.id, votes_for=5, against=0), "topic_id",
                  "council_meeting_rule.topic_decided")
    assert set(err.errors) == {"topic_id"}


def test_a_majority_not_reached_rejects(place):
    p = place
    meeting = opened(p)
    check(p, meeting.id, "ABCDEF")
    decision = vote(p, meeting.id, votes_for=3, against=3, abstain=0, owner="", due=None)
    assert (decision.status, decision.quorum_met, decision.owner) == ("rejected", True, None)
    assert stage(p, "lift") == "rejected"


def test_without_quorum_a_refusing_council_records_nothing(place):
    p = place
    refusing = replace(p.settings, council=replace(p.settings.council, no_quorum="refuse"))
    meeting = opened(p)
    check(p, meeting.id, "ABC")
    check(p, meeting.id, "D", "excused")
    err = refused(p, lambda: vote(p, meeting.id, settings=refusing, votes_for=3, against=0), "attendance",
                  "council_error.no_quorum")
    rule = p.settings.council.rule("resident_council")
    words = quorum_words("zh", rule, Quorum(expected=7, present=3, needed=4, met=False))
    assert err.errors["attendance"][1] == {"words": words}
    assert "应到7人，实到3人" in words
    check(p, meeting.id, "E")
    assert vote(p, meeting.id, settings=refusing, votes_for=4, against=0).status == "passed"


@pytest.mark.parametrize(("data", "field_name", "key"), [
    ({"votes_for": 5, "against": 1}, "votes_for", "council_error.votes_above_present"),
    ({"votes_for": -1}, "votes_for", "council_error.votes_negative"),
    ({"abstain": -2}, "abstain", "council_error.votes_negative"),
    ({"votes_for": 1.5}, "votes_for", "council_meeting_rule.votes_whole"),
    ({"against": None}, "against", "error.required"),
    ({"text": "  "}, "text", "error.required"),
    ({"method": "shout"}, "method", "error.unknown_choice"),
    ({"method": None}, "method", "error.required"),
    ({"owner": ""}, "owner", "error.required"),
    ({"due": None}, "due", "error.required"),
    ({"due": TODAY - timedelta(days=1)}, "due", "error.due_before_meeting"),
    ({"notice_start": TODAY + timedelta(days=5), "notice_end": TODAY + timedelta(days=4)}, "notice_end",
     "council_error.notice_order"),
    ({"notice_end": TODAY - timedelta(days=1)}, "notice_end", "council_error.notice_order"),
    ({"notice_start": TODAY - timedelta(days=3)}, "notice_start", "council_write.notice_before_decision"),
    ({"topic_id": None}, "topic_id", "error.required"),
])
def test_a_bad_vote_is_refused_on_its_field_and_writes_nothing(place, data, field_name, key):
    p = place
    meeting = opened(p)
    check(p, meeting.id, "ABCDE")
    refused(p, lambda: vote(p, meeting.id, **data), field_name, key)


def test_a_vote_only_on_a_topic_of_the_agenda_still_open(place):
    p = place
    meeting = opened(p)
    check(p, meeting.id, "ABCDE")
    for topic in ("bins", "other", "second"):
        refused(p, lambda topic=topic: vote(p, meeting.id, topic_id=p.topics[topic]), "topic_id",
                "council_error.not_on_agenda")
    with transaction(p.engine) as s:
        s.get(CouncilTopic, p.topics["parking"]).stage = "withdrawn"
    err = refused(p, lambda: vote(p, meeting.id, topic_id=p.topics["parking"], votes_for=9), "topic_id",
                  "council_meeting_rule.topic_withdrawn")
    assert err.errors["votes_for"][0] == "council_error.votes_above_present", "all errors together"


def test_a_named_vote_counts_its_ballots_of_present_members(place):
    p = place
    meeting = opened(p)
    check(p, meeting.id, "ABCDE")
    ballots = {p.members["A"]: "for", p.members["B"]: "for", str(p.members["C"]): "for",
               p.members["D"]: "against", p.members["E"]: "abstain"}
    decision = vote(p, meeting.id, method="named", ballots=ballots, votes_for=0, against=0, abstain=0)
    assert (decision.votes_for, decision.against, decision.abstain, decision.status) == (3, 1, 1, "passed")
    with reading(p.engine) as s:
        stored = dict(s.execute(select(CouncilBallot.member_id, CouncilBallot.choice)
                                .where(CouncilBallot.decision_id == decision.id)).all())
    assert stored == {p.members[k]: c for k, c in zip("ABCDE", ("for", "for", "for", "against", "abstain"),
                                                      strict=True)}
    assert audits(p, "council.decision")[0].after["ballots"][str(p.members["D"])] == "against"


@pytest.mark.parametrize(("voter", "name"), [("F", "杨帆"), ("H", "黄敏"), ("X", None)])
def test_a_named_vote_of_someone_not_present_is_refused_by_name(place, voter, name):
    p = place
    meeting = opened(p)
    check(p, meeting.id, "ABCDE")
    ballots = {p.members["A"]: "for", p.members[voter]: "for"}
    err = refused(p, lambda: vote(p, meeting.id, method="named", ballots=ballots), "ballots",
                  "council_error.voter_not_present")
    assert err.errors["ballots"][1] == {"name": name or str(p.members["X"])}


def test_a_named_vote_needs_ballots_with_known_choices(place):
    p = place
    meeting = opened(p)
    check(p, meeting.id, "ABCDE")
    refused(p, lambda: vote(p, meeting.id, method="named", ballots={}), "ballots", "error.required")
    refused(p, lambda: vote(p, meeting.id, method="named", ballots={p.members["A"]: "maybe"}), "ballots",
            "error.unknown_choice")


def test_votes_are_taken_only_at_decision_and_ad_hoc_meetings(place):
    p = place
    meeting = opened(p, kind="discussion")
    check(p, meeting.id, "ABCDE")
    with unchanged(p), pytest.raises(DomainError) as err:
        vote(p, meeting.id)
    assert err.value.key == "council_error.wrong_meeting_kind"
    assert err.value.params == {"kinds": "议事决策会、临时会议"}
    ad_hoc = opened(p, kind="ad_hoc")
    check(p, ad_hoc.id, "ABCDE")
    assert vote(p, ad_hoc.id).status == "passed"
    with unchanged(p), pytest.raises(PermissionDenied):
        vote(p, meeting.id, actor="worker")


# ------------------------------------------------------------------------------------------------------- reviews


def test_a_review_meeting_reviews_a_passed_decision(place):
    p = place
    _, decision = decided_meeting(p)
    assert list(cm.due_for_review(p.engine, actor=p.actor("worker"), council_id=p.council_id,
                                  day=decision.due)["id"]) == [decision.id]
    meeting_id = review_meeting(p, [decision.id])
    saved = review(p, meeting_id, decision.id, ratings={p.members["A"]: "satisfied", p.members["B"]: "basic"})
    assert (saved.outcome, saved.reason, saved.reviewed_on, saved.meeting_id) == \
        ("partly", "施工尚未完工", TODAY + timedelta(days=3), meeting_id)
    after = row(p, CouncilDecision, decision.id)
    assert (after.outcome, after.reviewed_on) == ("partly", TODAY + timedelta(days=3))
    assert stage(p, "lift") == "reviewed"
    with reading(p.engine) as s:
        ratings = dict(s.execute(select(CouncilRating.member_id, CouncilRating.rating)
                                 .where(CouncilRating.review_id == saved.id)).all())
    assert ratings == {p.members["A"]: "satisfied", p.members["B"]: "basic"}
    assert [i.discussed for i in agenda(p, meeting_id)] == [True]
    entry = audits(p, "council.review")[0]
    assert (entry.entity, entry.entity_id, entry.community_id) == ("council_review", saved.id, p.community_id)
    assert entry.before == {"decision": {"outcome": None, "reviewed_on": None}, "topic_stage": "decided"}
    assert entry.after["decision"]["outcome"] == "partly" and entry.after["topic_stage"] == "reviewed"
    assert cm.due_for_review(p.engine, actor=p.actor("worker"), council_id=p.council_id, day=decision.due).empty
    refused(p, lambda: review(p, meeting_id, decision.id), "decision_id", "council_meeting_rule.already_reviewed")
    cm.close_meeting(p.engine, actor=p.actor("recorder"), meeting_id=meeting_id, summary=None, now=LATER)
    assert stage(p, "lift") == "reviewed", "closing a review meeting moves no topic"


def test_a_decision_reviewed_off_the_agenda_joins_it(place):
    p = place
    _, decision = decided_meeting(p)
    meeting_id = review_meeting(p, [])
    review(p, meeting_id, decision.id, outcome="carried_out", reason="")
    assert [(i.position, i.decision_id, i.topic_id) for i in agenda(p, meeting_id)] == [(1, decision.id, None)]
    assert row(p, CouncilDecision, decision.id).outcome == "carried_out"


def test_a_review_of_a_decision_never_made_is_refused(place):
    p = place
    _, decision = decided_meeting(p)
    meeting = opened(p, topic_ids=[p.topics["parking"]])
    check(p, meeting.id, "AB")
    invalid = vote(p, meeting.id, topic_id=p.topics["parking"], votes_for=2, against=0)
    meeting_id = review_meeting(p, [decision.id])
    for decision_id in (invalid.id, 999999, "abc"):
        refused(p, lambda d=decision_id: review(p, meeting_id, d), "decision_id", "council_error.review_no_decision")
    refused(p, lambda: review(p, meeting_id, None), "decision_id", "error.required")


@pytest.mark.parametrize(("data", "field_name", "key"), [
    ({"reporter": " "}, "reporter", "error.required"),
    ({"report": ""}, "report", "error.required"),
    ({"outcome": None}, "outcome", "error.required"),
    ({"outcome": "sort_of"}, "outcome", "error.unknown_choice"),
    ({"outcome": "partly", "reason": ""}, "reason", "error.required"),
    ({"outcome": "not", "reason": None}, "reason", "error.required"),
    ({"ratings": {"E": "satisfied"}}, "ratings", "council_error.rater_not_present"),
    ({"ratings": {"A": "great"}}, "ratings", "error.unknown_choice"),
])
def test_a_bad_review_is_refused_on_its_field_and_writes_nothing(place, data, field_name, key):
    p = place
    _, decision = decided_meeting(p)
    meeting_id = review_meeting(p, [decision.id])
    if "ratings" in data:
        data = {"ratings": {p.members[k]: v for k, v in data["ratings"].items()}}
    err = refused(p, lambda: review(p, meeting_id, decision.id, **data), field_name, key)
    if key == "council_error.rater_not_present":
        assert err.errors["ratings"][1] == {"name": "陈静"}


def test_reviews_only_at_a_review_meeting(place):
    p = place
    _, decision = decided_meeting(p)
    meeting = opened(p, topic_ids=[p.topics["parking"]])
    check(p, meeting.id, "ABCDE")
    with unchanged(p), pytest.raises(DomainError) as err:
        cm.record_review(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id,
                         data={"decision_id": decision.id, "reporter": "张伟", "report": "完成",
                               "outcome": "carried_out"}, now=NOW)
    assert (err.value.key, err.value.params) == ("council_error.wrong_meeting_kind", {"kinds": "述职评议"})


def test_a_review_of_a_decision_made_after_the_review_day_is_refused(place):
    """A review meeting opened late cannot report on a decision that was not yet made on its day."""
    p = place
    _, decision = decided_meeting(p)
    meeting_id = review_meeting(p, [decision.id])
    with transaction(p.engine) as s:
        s.get(CouncilDecision, decision.id).decided_on = TODAY + timedelta(days=4)  # the day after the review
    refused(p, lambda: review(p, meeting_id, decision.id), "decision_id", "council_error.review_no_decision")


def test_a_review_of_another_councils_decision_is_refused(place):
    p = place
    _, decision = decided_meeting(p)
    with transaction(p.engine) as s:
        meeting = CouncilMeeting(community_id=p.community_id, council_id=p.second_council_id, kind="review",
                                 day=TODAY, status="open", opened_at=NOW, updated_at=NOW)
        s.add(meeting)
        s.flush()
        s.add(CouncilAttendance(meeting_id=meeting.id, member_id=p.members["second"], status="present"))
        meeting_id = meeting.id
    refused(p, lambda: review(p, meeting_id, decision.id), "decision_id", "council_error.review_no_decision")


# ------------------------------------------------------------------------------------------------------- closing


def test_closing_needs_someone_present(place):
    p = place
    meeting = opened(p)
    check(p, meeting.id, "A", "excused")
    refused(p, lambda: cm.close_meeting(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, summary="结束",
                                        now=NOW), "attendance", "council_error.nobody_present")
    check(p, meeting.id, "B")
    refused(p, lambda: cm.close_meeting(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id,
                                        summary="长" * 5001, now=NOW), "summary", "error.too_long")


@pytest.mark.parametrize("kind", ["opinion", "discussion", "ad_hoc"])
def test_closing_moves_discussed_topics_only_at_discussion_kinds(place, kind):
    p = place
    meeting = opened(p, kind=kind)
    check(p, meeting.id, "AB")
    lift, parking = agenda(p, meeting.id)
    cm.record_minutes(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, agenda_item_id=lift.id,
                      minutes="讨论了加装电梯", now=NOW)
    cm.record_minutes(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, agenda_item_id=parking.id,
                      minutes="未及讨论", discussed=False, now=NOW)
    cm.close_meeting(p.engine, actor=p.actor("recorder"), meeting_id=meeting.id, summary=None, now=NOW)
    assert stage(p, "lift") == ("raised" if kind == "opinion" else "discussed")
    assert stage(p, "parking") == "raised"


def test_a_closed_meeting_refuses_every_write(place):
    p = place
    meeting_id, decision = decided_meeting(p)
    item = agenda(p, meeting_id)[0]
    recorder = p.actor("recorder")
    calls = [
        lambda: plan(p, meeting_id=meeting_id, place="别处"),
        lambda: cm.open_meeting(p.engine, actor=recorder, meeting_id=meeting_id, now=NOW),
        lambda: check(p, meeting_id, "F"),
        lambda: cm.record_minutes(p.engine, actor=recorder, meeting_id=meeting_id, agenda_item_id=item.id,
                                  minutes="补记", now=NOW),
        lambda: vote(p, meeting_id, topic_id=p.topics["parking"]),
        lambda: review(p, meeting_id, decision.id),
        lambda: cm.close_meeting(p.engine, actor=recorder, meeting_id=meeting_id, summary="再次结束", now=NOW),
    ]
    for call in calls:
        with unchanged(p), pytest.raises(DomainError) as err:
            call()
        assert err.value.key == "council_error.closed"


def test_a_meeting_not_open_records_nothing(place):
    p = place
    meeting = plan(p)
    item = agenda(p, meeting.id)[0]
    recorder = p.actor("recorder")
    calls = [
        lambda: check(p, meeting.id, "A"),
        lambda: cm.record_minutes(p.engine, actor=recorder, meeting_id=meeting.id, agenda_item_id=item.id,
                                  minutes="提前记录", now=NOW),
        lambda: vote(p, meeting.id),
        lambda: review(p, meeting.id, 1),
        lambda: cm.close_meeting(p.engine, actor=recorder, meeting_id=meeting.id, summary=None, now=NOW),
    ]
    for call in calls:
        with unchanged(p), pytest.raises(DomainError) as err:
            call()
        assert err.value.key == "council_error.not_open"


@pytest.mark.parametrize("name", ["other_secretary", "other_recorder"])
def test_another_communitys_meeting_is_not_found_for_every_write(place, name):
    p = place
    meeting_id, decision = decided_meeting(p)
    open_one = opened(p, topic_ids=[p.topics["parking"]])
    item = agenda(p, open_one.id)[0]
    actor = p.actor(name)
    calls = [
        lambda: cm.plan_meeting(p.engine, actor=actor, settings=p.settings, meeting_id=open_one.id,
                                data={"kind": "decision", "day": TODAY}, now=NOW),
        lambda: cm.open_meeting(p.engine, actor=actor, meeting_id=open_one.id, now=NOW),
        lambda: cm.check_in(p.engine, actor=actor, meeting_id=open_one.id,
                            rows=[{"member_id": p.members["A"], "status": "present"}], now=NOW),
        lambda: cm.record_minutes(p.engine, actor=actor, meeting_id=open_one.id, agenda_item_id=item.id,
                                  minutes="x", now=NOW),
        lambda: cm.record_vote(p.engine, actor=actor, settings=p.settings, meeting_id=open_one.id,
                               data={"topic_id": p.topics["parking"]}, now=NOW),
        lambda: cm.record_review(p.engine, actor=actor, meeting_id=meeting_id,
                                 data={"decision_id": decision.id}, now=NOW),
        lambda: cm.close_meeting(p.engine, actor=actor, meeting_id=open_one.id, summary=None, now=NOW),
    ]
    for call in calls:
        with unchanged(p), pytest.raises(DomainError) as err:
            call()
        assert err.value.key == "error.not_found"


# ------------------------------------------------------------------------------------------------ due for review


def test_due_for_review_lists_passed_unreviewed_decisions_due_by_the_day(place):
    p = place
    _, decision = decided_meeting(p)
    frame = cm.due_for_review(p.engine, actor=p.actor("secretary"), council_id=p.council_id, day=TODAY)
    assert frame.empty and list(frame.columns) == cm.DUE_COLUMNS
    frame = cm.due_for_review(p.engine, actor=p.actor("leader"), council_id=p.council_id, day=decision.due)
    assert frame.to_dict("records") == [{"id": decision.id, "text": decision.text, "topic": "加装电梯",
                                         "owner": "幸福里业委会", "due": decision.due, "decided_on": TODAY}]
    outside = cm.due_for_review(p.engine, actor=p.actor("other_secretary"), council_id=p.council_id,
                                day=decision.due)
    assert outside.empty and list(outside.columns) == cm.DUE_COLUMNS
    assert cm.due_for_review(p.engine, actor=p.actor("secretary"), council_id=999999, day=decision.due).empty
