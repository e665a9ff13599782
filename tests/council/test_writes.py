"""Issue 5 on real databases: the council's writes outside a meeting (councils, members, topics, a decision's owner,
notice and follow-up), who may make them, what bad input is refused with, and that a refusal writes nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from data_access.cli import add_community
from data_access.council import writes as c
from data_access.db import reading, transaction
from data_access.models import (
    AuditLog,
    Council,
    CouncilAgendaItem,
    CouncilDecision,
    CouncilMeeting,
    CouncilMember,
    CouncilTopic,
    Grid,
    Matter,
    MatterEvent,
    MatterTally,
    Need,
    User,
    UserRole,
)
from data_access.service.writes import create_matter
from domain.access import Actor, Grant, grants_for
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from tests.conftest import NOW

pytestmark = pytest.mark.db
TODAY = NOW.date()
EARLIER = NOW - timedelta(days=30)
TABLES = (Council, CouncilMember, CouncilTopic, CouncilMeeting, CouncilAgendaItem, CouncilDecision, Matter,
          MatterEvent, MatterTally, Need, AuditLog)
INTAKE = {"channel": "cadre", "sub_source": "home_visit", "category": "property", "urgency": "normal",
          "mode": "team"}


@dataclass
class Place:
    """甲社区 with its resident council (convener 王建国, members 李红 and 赵刚), a second council and a grid;
    乙社区 with its own council and secretary; the accounts of every role."""

    engine: object
    settings: object
    home: int
    other: int
    grid: int
    other_grid: int
    council: int
    joint: int
    other_council: int
    members: dict[str, int]
    people: dict[str, Actor]

    def __getitem__(self, name: str) -> Actor:
        return self.people[name]


def person(engine, settings, username: str, role: str, community_id: int | None) -> Actor:
    """An account holding one role, inserted as PageDb.add_user does."""
    with transaction(engine) as session:
        user = User(username=username, display_name=f"测试用户 {username}", password_hash="-", created_at=NOW)
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=user.id, role=role, community_id=community_id))
        user_id = user.id
    return Actor(user_id, username, f"测试用户 {username}", grants_for(settings, [(role, community_id, None)]))


def granted(actor: Actor, community_id: int, *permissions: str) -> Actor:
    """The same account holding exactly these permissions in the community (no configured role is so narrow)."""
    return Actor(actor.id, actor.username, actor.display_name,
                 (Grant("custom", community_id, None, frozenset(permissions)),))


def council_data(community_id: int, name: str = "甲社区居民议事会", **changes) -> dict:
    return {"community_id": community_id, "name": name, "kind": "resident_council", "estate": None,
            "established_on": date(2024, 5, 1), "active": True} | changes


def member_data(council_id: int, name: str, **changes) -> dict:
    return {"council_id": council_id, "name": name, "seat": "resident", "title": "3号楼居民",
            "term_start": date(2024, 5, 1), "term_end": date(2027, 4, 30), "active": True,
            "convener": False} | changes


def topic_data(council_id: int, member_id: int, **changes) -> dict:
    return {"council_id": council_id, "title": "3号楼加装电梯", "detail": "高层老人上下楼难", "source": "member",
            "member_id": member_id, "raised_on": date(2026, 10, 1)} | changes


def grid_of(engine, community_id: int) -> int:
    with reading(engine) as session:
        return session.execute(select(Grid.id).where(Grid.community_id == community_id)).scalars().first()


@pytest.fixture
def cn(engine, settings) -> Place:
    home = add_community(engine, street="测试街道", name="甲社区", code="JA", grids=1)
    other = add_community(engine, street="测试街道", name="乙社区", code="YI", grids=1)
    roles = {"secretary": ("secretary", home), "worker": ("worker", home), "recorder": ("recorder", home),
             "leader": ("leader", None), "other_secretary": ("secretary", other),
             "other_recorder": ("recorder", other)}
    people = {name: person(engine, settings, name, role, where) for name, (role, where) in roles.items()}
    sec = people["secretary"]
    council = c.save_council(engine, actor=sec, settings=settings, data=council_data(home), now=EARLIER).id
    joint = c.save_council(engine, actor=sec, settings=settings, now=EARLIER, data=council_data(
        home, "幸福里小区联席会议", kind="estate_joint", estate="幸福里")).id
    other_council = c.save_council(engine, actor=people["other_secretary"], settings=settings, now=EARLIER,
                                   data=council_data(other, "乙社区居民议事会")).id
    members = {}
    for name, changes in (("王建国", {"seat": "party", "convener": True}), ("李红", {}), ("赵刚", {})):
        members[name] = c.save_member(engine, actor=sec, settings=settings, now=EARLIER,
                                      data=member_data(council, name, **changes)).id
    members["钱多"] = c.save_member(engine, actor=people["other_secretary"], settings=settings, now=EARLIER,
                                    data=member_data(other_council, "钱多")).id
    return Place(engine, settings, home, other, grid_of(engine, home), grid_of(engine, other), council, joint,
                 other_council, members, people)


def count(engine, model, *conditions) -> int:
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


def counts(engine) -> tuple[int, ...]:
    """How many rows each council table, the matters, their timeline and tally, the needs and the audit log hold."""
    return tuple(count(engine, model) for model in TABLES)


def get(engine, model, row_id):
    with reading(engine) as session:
        return session.get(model, row_id)


def audits(engine, action: str | None = None) -> list[AuditLog]:
    with reading(engine) as session:
        return list(session.execute(select(AuditLog).where(*([AuditLog.action == action] if action else []))
                                    .order_by(AuditLog.id)).scalars())


def refused_with(call, field: str, key: str, **kwargs) -> dict:
    """Run a write expected to fail validation on `field` with `key`; returns the error's params."""
    with pytest.raises(ValidationFailed) as err:
        call(**kwargs)
    assert err.value.errors[field][0] == key, err.value.errors
    return err.value.errors[field][1]


def meeting(engine, place_council: int, kind: str, status: str, day: date = TODAY) -> int:
    """A council meeting inserted directly (its writes are another module's)."""
    with transaction(engine) as session:
        council = session.get(Council, place_council)
        row = CouncilMeeting(community_id=council.community_id, council_id=council.id, kind=kind, day=day,
                             place="社区议事厅", status=status, updated_at=NOW)
        session.add(row)
        session.flush()
        return row.id


def on_agenda(engine, meeting_id: int, topic_id: int, position: int = 1, minutes: str | None = None) -> int:
    with transaction(engine) as session:
        item = CouncilAgendaItem(meeting_id=meeting_id, position=position, topic_id=topic_id, minutes=minutes)
        session.add(item)
        session.flush()
        return item.id


def decision(engine, meeting_id: int, topic_id: int | None, status: str = "passed",
             text: str = "同意3号楼加装电梯，费用按楼层分摊", decided_on: date = date(2026, 11, 10)) -> int:
    """A decision inserted directly, as a vote at the meeting would leave it; its topic's stage follows."""
    with transaction(engine) as session:
        meeting_row = session.get(CouncilMeeting, meeting_id)
        row = CouncilDecision(community_id=meeting_row.community_id, council_id=meeting_row.council_id,
                              meeting_id=meeting_id, topic_id=topic_id, text=text, method="hands", votes_for=5,
                              against=1, abstain=0, expected=7, present=6, quorum_met=True, status=status,
                              owner="物业公司", due=date(2027, 2, 28), decided_on=decided_on, updated_at=NOW)
        session.add(row)
        if topic_id is not None:
            session.get(CouncilTopic, topic_id).stage = "decided" if status == "passed" else "rejected"
        session.flush()
        return row.id


def a_topic(cn: Place, **changes) -> CouncilTopic:
    return c.save_topic(cn.engine, actor=cn["secretary"], now=EARLIER,
                        data=topic_data(cn.council, cn.members["李红"]) | changes)


def passed(cn: Place, with_topic: bool = True, **kwargs) -> tuple[int, int | None]:
    """A passed decision of 甲社区's council (at a closed decision meeting): (decision id, topic id)."""
    topic_id = a_topic(cn).id if with_topic else None
    meeting_id = meeting(cn.engine, cn.council, "decision", "closed", date(2026, 11, 10))
    return decision(cn.engine, meeting_id, topic_id, **kwargs), topic_id


# --- councils -------------------------------------------------------------------------------------------------------

def test_the_secretary_creates_and_changes_a_council_and_each_write_is_audited(cn):
    engine, sec = cn.engine, cn["secretary"]
    created = audits(engine, "council.create")
    assert [a.entity_id for a in created] == [cn.council, cn.joint, cn.other_council]
    assert created[0].before is None and created[0].after["name"] == "甲社区居民议事会"
    assert created[0].entity == "council" and created[0].community_id == cn.home
    joint = get(engine, Council, cn.joint)
    assert (joint.kind, joint.estate, joint.active, joint.community_id) == ("estate_joint", "幸福里", True, cn.home)
    changed = c.save_council(engine, actor=sec, settings=cn.settings, council_id=cn.joint, now=NOW,
                             data=council_data(cn.other, " 幸福里小区联席会议\x07", kind="estate_joint",
                                               estate="幸福里小区", active=False))
    assert (changed.name, changed.estate, changed.active) == ("幸福里小区联席会议", "幸福里小区", False)
    assert changed.community_id == cn.home, "a council stays in its community"
    assert changed.updated_at == NOW
    entry = audits(engine, "council.update")[-1]
    assert entry.entity_id == cn.joint and entry.before["active"] is True and entry.after["active"] is False
    assert entry.before["estate"] == "幸福里" and entry.after["estate"] == "幸福里小区"
    # keeping its own name is no clash; another community may use the same name
    c.save_council(engine, actor=sec, settings=cn.settings, council_id=cn.council, now=NOW,
                   data=council_data(cn.home))
    c.save_council(engine, actor=cn["other_secretary"], settings=cn.settings, now=NOW,
                   data=council_data(cn.other, "幸福里小区联席会议"))


@pytest.mark.parametrize(("changes", "field", "key"), [
    ({"name": "甲社区居民议事会"}, "name", "council_error.name_taken"),
    ({"name": " \x00"}, "name", "error.required"),
    ({"name": "议" * 61}, "name", "error.too_long"),
    ({"kind": "senate"}, "kind", "error.unknown_choice"),
    ({"kind": None}, "kind", "error.required"),
    ({"established_on": date(2026, 11, 21)}, "established_on", "council_write.date_in_future"),
    ({"established_on": None}, "established_on", "error.required"),
    ({"community_id": None}, "community_id", "error.required"),
])
def test_a_bad_council_writes_nothing(cn, changes, field, key):
    before = counts(cn.engine)
    refused_with(c.save_council, field, key, engine=cn.engine, actor=cn["secretary"], settings=cn.settings,
                 data=council_data(cn.home, "新议事会") | changes, now=NOW)
    assert counts(cn.engine) == before


def test_renaming_a_council_to_a_taken_name_changes_nothing(cn):
    before = counts(cn.engine)
    refused_with(c.save_council, "name", "council_error.name_taken", engine=cn.engine, actor=cn["secretary"],
                 settings=cn.settings, council_id=cn.joint, data=council_data(cn.home, "甲社区居民议事会"), now=NOW)
    assert counts(cn.engine) == before and get(cn.engine, Council, cn.joint).name == "幸福里小区联席会议"


@pytest.mark.parametrize("who", ["worker", "recorder", "leader", "other_secretary"])
def test_only_the_communitys_manager_creates_a_council(cn, who):
    before = counts(cn.engine)
    with pytest.raises(PermissionDenied):
        c.save_council(cn.engine, actor=cn[who], settings=cn.settings, data=council_data(cn.home, "新议事会"), now=NOW)
    assert counts(cn.engine) == before


@pytest.mark.parametrize(("who", "error"), [("worker", PermissionDenied), ("recorder", PermissionDenied),
                                            ("leader", PermissionDenied), ("other_secretary", DomainError)])
def test_another_communitys_council_is_not_found_and_readers_cannot_change_it(cn, who, error):
    before = counts(cn.engine)
    with pytest.raises(error) as err:
        c.save_council(cn.engine, actor=cn[who], settings=cn.settings, council_id=cn.council, now=NOW,
                       data=council_data(cn.home, "改名"))
    if who == "other_secretary":
        assert err.value.key == "error.not_found" and not isinstance(err.value, PermissionDenied)
    assert counts(cn.engine) == before and get(cn.engine, Council, cn.council).name == "甲社区居民议事会"
    with pytest.raises(DomainError) as err:
        c.save_council(cn.engine, actor=cn["secretary"], settings=cn.settings, council_id=10_000, now=NOW,
                       data=council_data(cn.home, "改名"))
    assert err.value.key == "error.not_found"


# --- members --------------------------------------------------------------------------------------------------------

def conveners(engine, council_id: int) -> list[int]:
    with reading(engine) as session:
        return list(session.execute(select(CouncilMember.id).where(CouncilMember.council_id == council_id,
                                                                   CouncilMember.convener.is_(True))).scalars())


def test_members_and_one_convener_per_council(cn):
    engine, sec, m = cn.engine, cn["secretary"], cn.members
    assert conveners(engine, cn.council) == [m["王建国"]]
    created = audits(engine, "council.member_create")
    assert [a.entity_id for a in created] == [m["王建国"], m["李红"], m["赵刚"], m["钱多"]]
    assert created[0].after["convener"] is True and created[0].community_id == cn.home
    before_audits = len(audits(engine))
    switched = c.save_member(engine, actor=sec, settings=cn.settings, member_id=m["李红"], now=NOW,
                             data=member_data(cn.other_council, "李红", convener=True, seat="owners_committee"))
    assert switched.convener and switched.council_id == cn.council, "a member stays in its council"
    assert switched.seat == "owners_committee" and switched.community_id == cn.home
    assert conveners(engine, cn.council) == [m["李红"]]
    assert get(engine, CouncilMember, m["王建国"]).updated_at == NOW
    entries = audits(engine)[before_audits:]
    assert [(a.action, a.entity_id) for a in entries] == [("council.member_update", m["王建国"]),
                                                          ("council.member_update", m["李红"])]
    assert entries[0].before["convener"] is True and entries[0].after["convener"] is False
    assert entries[0].after["convener_now"] == m["李红"]
    assert entries[1].before["convener"] is False and entries[1].after["convener"] is True
    # a new convener made at creation replaces the current one too; another council's convener stays
    c.save_member(engine, actor=cn["other_secretary"], settings=cn.settings, member_id=m["钱多"], now=NOW,
                  data=member_data(cn.other_council, "钱多", convener=True))
    new = c.save_member(engine, actor=sec, settings=cn.settings, now=NOW,
                        data=member_data(cn.council, "孙丽", convener=True, seat="grid_leader", title=None,
                                         term_end=None))
    assert conveners(engine, cn.council) == [new.id] and conveners(engine, cn.other_council) == [m["钱多"]]
    assert (new.title, new.term_end, new.active) == (None, None, True)
    # the convener may step down, leaving the council without one; the same name may sit on another council
    c.save_member(engine, actor=sec, settings=cn.settings, member_id=new.id, now=NOW,
                  data=member_data(cn.council, "孙丽", convener=False))
    assert conveners(engine, cn.council) == []
    c.save_member(engine, actor=sec, settings=cn.settings, now=NOW, data=member_data(cn.joint, "李红"))


@pytest.mark.parametrize(("changes", "field", "key"), [
    ({"name": "赵刚"}, "name", "council_error.name_taken"),
    ({"name": ""}, "name", "error.required"),
    ({"seat": "mayor"}, "seat", "error.unknown_choice"),
    ({"term_end": date(2024, 4, 30)}, "term_end", "council_error.term_order"),
    ({"term_start": None}, "term_start", "error.required"),
    ({"active": False, "convener": True}, "convener", "council_write.convener_inactive"),
])
def test_a_bad_member_writes_nothing_and_the_convener_stays(cn, changes, field, key):
    before = counts(cn.engine)
    refused_with(c.save_member, field, key, engine=cn.engine, actor=cn["secretary"], settings=cn.settings,
                 data=member_data(cn.council, "孙丽", convener=True) | changes, now=NOW)
    assert counts(cn.engine) == before and conveners(cn.engine, cn.council) == [cn.members["王建国"]]
    refused_with(c.save_member, field, key, engine=cn.engine, actor=cn["secretary"], settings=cn.settings,
                 member_id=cn.members["李红"], data=member_data(cn.council, "李红", convener=True) | changes, now=NOW)
    assert counts(cn.engine) == before and conveners(cn.engine, cn.council) == [cn.members["王建国"]]
    assert get(cn.engine, CouncilMember, cn.members["李红"]).updated_at == EARLIER


def test_the_convener_cannot_be_made_inactive_while_convener(cn):
    before = counts(cn.engine)
    refused_with(c.save_member, "convener", "council_write.convener_inactive", engine=cn.engine,
                 actor=cn["secretary"], settings=cn.settings, member_id=cn.members["王建国"], now=NOW,
                 data=member_data(cn.council, "王建国", seat="party", active=False, convener=True))
    assert counts(cn.engine) == before and get(cn.engine, CouncilMember, cn.members["王建国"]).active
    left = c.save_member(cn.engine, actor=cn["secretary"], settings=cn.settings, member_id=cn.members["王建国"],
                         now=NOW, data=member_data(cn.council, "王建国", seat="party", active=False))
    assert not left.active and not left.convener and conveners(cn.engine, cn.council) == []


@pytest.mark.parametrize(("who", "target", "error"), [
    ("worker", "council", PermissionDenied), ("recorder", "council", PermissionDenied),
    ("leader", "council", PermissionDenied), ("other_secretary", "council", DomainError),
    ("secretary", "other_council", DomainError)])
def test_members_of_a_council_only_its_communitys_manager_changes(cn, who, target, error):
    before = counts(cn.engine)
    council_id = getattr(cn, target)
    with pytest.raises(error) as err:
        c.save_member(cn.engine, actor=cn[who], settings=cn.settings, data=member_data(council_id, "孙丽"), now=NOW)
    if error is DomainError:
        assert err.value.key == "error.not_found"
    member_id = cn.members["钱多" if target == "other_council" else "李红"]
    with pytest.raises(error):
        c.save_member(cn.engine, actor=cn[who], settings=cn.settings, member_id=member_id, now=NOW,
                      data=member_data(council_id, "改名"))
    assert counts(cn.engine) == before
    with pytest.raises(DomainError) as err:
        c.save_member(cn.engine, actor=cn["secretary"], settings=cn.settings, data=member_data(10_000, "孙丽"),
                      now=NOW)
    assert err.value.key == "error.not_found"
    refused_with(c.save_member, "council_id", "error.required", engine=cn.engine, actor=cn["secretary"],
                 settings=cn.settings, data=member_data(None, "孙丽"), now=NOW)
    assert counts(cn.engine) == before


# --- topics ---------------------------------------------------------------------------------------------------------

def test_topics_from_a_member_and_from_a_matter(cn):
    engine, sec = cn.engine, cn["secretary"]
    topic = a_topic(cn)
    assert (topic.stage, topic.source, topic.member_id, topic.matter_id, topic.opinion_meeting_id) == \
        ("raised", "member", cn.members["李红"], None, None)
    assert (topic.community_id, topic.created_by, topic.raised_on) == (cn.home, sec.id, date(2026, 10, 1))
    entry = audits(engine, "council.topic_create")[-1]
    assert entry.entity == "council_topic" and entry.entity_id == topic.id and entry.before is None
    matter = create_matter(engine, actor=sec, settings=cn.settings, now=EARLIER, data={
        **INTAKE, "community_id": cn.home, "grid_id": cn.grid, "description": "小区停车位不够，晚上乱停车"})
    changed = c.save_topic(engine, actor=sec, topic_id=topic.id, now=NOW, data=topic_data(
        cn.other_council, None, source="matter", matter_number=f" {matter.number} ", title="规划停车位",
        detail="", raised_on=None))
    assert (changed.source, changed.matter_id, changed.member_id, changed.title, changed.detail) == \
        ("matter", matter.id, None, "规划停车位", None)
    assert changed.council_id == cn.council and changed.stage == "raised" and changed.raised_on == TODAY
    entry = audits(engine, "council.topic_update")[-1]
    assert entry.before["source"] == "member" and entry.after["matter_id"] == matter.id


def test_a_topic_from_another_communitys_matter_or_an_absent_member_is_refused(cn):
    engine, sec = cn.engine, cn["secretary"]
    theirs = create_matter(engine, actor=cn["other_secretary"], settings=cn.settings, now=EARLIER, data={
        **INTAKE, "community_id": cn.other, "grid_id": cn.other_grid, "description": "乙社区的路灯坏了很久"})
    left = c.save_member(engine, actor=sec, settings=cn.settings, now=EARLIER,
                         data=member_data(cn.council, "周退", active=False))
    topic = a_topic(cn)
    before = counts(engine)
    for changes, field, key in [
            ({"source": "matter", "matter_number": theirs.number}, "matter_number", "council_error.matter_not_found"),
            ({"source": "matter", "matter_number": "MQ404"}, "matter_number", "council_error.matter_not_found"),
            ({"member_id": left.id}, "member_id", "council_write.not_a_member"),
            ({"member_id": cn.members["钱多"]}, "member_id", "council_write.not_a_member"),
            ({"raised_on": date(2026, 11, 21)}, "raised_on", "council_write.date_in_future"),
            ({"title": ""}, "title", "error.required"),
            ({"source": "rumour"}, "source", "error.unknown_choice")]:
        params = refused_with(c.save_topic, field, key, engine=engine, actor=sec, now=NOW,
                              data=topic_data(cn.council, cn.members["李红"]) | changes)
        if key == "council_error.matter_not_found":
            assert params["number"] == changes["matter_number"]
        refused_with(c.save_topic, field, key, engine=engine, actor=sec, now=NOW, topic_id=topic.id,
                     data=topic_data(cn.council, cn.members["李红"]) | changes)
    assert counts(engine) == before and get(engine, CouncilTopic, topic.id).updated_at == EARLIER
    # the member who raised a topic may leave: the topic keeps them
    c.save_member(engine, actor=sec, settings=cn.settings, member_id=cn.members["李红"], now=NOW,
                  data=member_data(cn.council, "李红", active=False))
    kept = c.save_topic(engine, actor=sec, topic_id=topic.id, now=NOW,
                        data=topic_data(cn.council, cn.members["李红"], title="3号楼电梯"))
    assert kept.member_id == cn.members["李红"] and kept.title == "3号楼电梯"


def test_the_recorder_notes_topics_at_an_open_opinion_meeting_onto_its_agenda(cn):
    engine, recorder = cn.engine, cn["recorder"]
    live = meeting(engine, cn.council, "opinion", "open")
    first = a_topic(cn)
    on_agenda(engine, live, first.id, position=1, minutes="已有发言")
    topic = c.save_topic(engine, actor=recorder, now=NOW, data=topic_data(
        cn.council, None, source="opinion", opinion_meeting_id=live, title="垃圾分类点太远",
        opinions=" 居民说：垃圾桶放得太远\x1b，老人不方便 ", raised_on=None))
    assert (topic.source, topic.opinion_meeting_id, topic.stage, topic.created_by, topic.raised_on) == \
        ("opinion", live, "raised", recorder.id, TODAY)
    with reading(engine) as session:
        items = session.execute(select(CouncilAgendaItem).where(CouncilAgendaItem.meeting_id == live)
                                .order_by(CouncilAgendaItem.position)).scalars().all()
    assert [(i.position, i.topic_id, i.minutes) for i in items] == [
        (1, first.id, "已有发言"), (2, topic.id, "居民说：垃圾桶放得太远，老人不方便")]
    assert items[1].discussed
    entry = audits(engine, "council.topic_create")[-1]
    assert entry.after["agenda_item_id"] == items[1].id and entry.after["opinions"].startswith("居民说")
    # the recorder corrects it: the same item, new minutes; no opinions given keeps them
    c.save_topic(engine, actor=recorder, topic_id=topic.id, now=NOW, data=topic_data(
        cn.council, None, source="opinion", opinion_meeting_id=live, title="垃圾分类点设置",
        opinions="垃圾桶太远；希望每栋楼设一个"))
    c.save_topic(engine, actor=recorder, topic_id=topic.id, now=NOW, data=topic_data(
        cn.council, None, source="opinion", opinion_meeting_id=live, title="垃圾分类点设置"))
    with reading(engine) as session:
        items = session.execute(select(CouncilAgendaItem).where(CouncilAgendaItem.meeting_id == live)
                                .order_by(CouncilAgendaItem.position)).scalars().all()
    assert [(i.position, i.topic_id, i.minutes) for i in items] == [
        (1, first.id, "已有发言"), (2, topic.id, "垃圾桶太远；希望每栋楼设一个")]
    assert get(engine, CouncilTopic, topic.id).title == "垃圾分类点设置"
    # a third topic goes after it
    third = c.save_topic(engine, actor=recorder, now=NOW, data=topic_data(
        cn.council, None, source="opinion", opinion_meeting_id=live, title="楼道堆物", opinions=""))
    assert count(engine, CouncilAgendaItem, CouncilAgendaItem.meeting_id == live) == 3
    with reading(engine) as session:
        item = session.execute(select(CouncilAgendaItem).where(CouncilAgendaItem.topic_id == third.id)).scalar_one()
    assert (item.position, item.minutes, item.discussed) == (3, None, False)


def test_the_recorder_may_do_no_more_than_note_topics_at_an_open_opinion_meeting(cn):
    engine, recorder = cn.engine, cn["recorder"]
    planned = meeting(engine, cn.council, "opinion", "planned")
    closed = meeting(engine, cn.council, "opinion", "closed", TODAY - timedelta(days=7))
    other_live = meeting(engine, cn.council, "opinion", "open")
    decision_live = meeting(engine, cn.council, "decision", "open")
    theirs = meeting(engine, cn.other_council, "opinion", "open")
    topic = a_topic(cn)
    noted = c.save_topic(engine, actor=recorder, now=NOW, data=topic_data(
        cn.council, None, source="opinion", opinion_meeting_id=other_live, title="楼道堆物"))
    before = counts(engine)
    for data in (topic_data(cn.council, cn.members["李红"]),
                 topic_data(cn.council, None, source="opinion", opinion_meeting_id=planned),
                 topic_data(cn.council, None, source="opinion", opinion_meeting_id=closed),
                 topic_data(cn.council, None, source="opinion", opinion_meeting_id=decision_live),
                 topic_data(cn.council, None, source="opinion", opinion_meeting_id=theirs)):
        with pytest.raises(PermissionDenied):
            c.save_topic(engine, actor=recorder, data=data, now=NOW)
    with pytest.raises(PermissionDenied):  # a topic of another meeting is not the recorder's to change
        c.save_topic(engine, actor=recorder, topic_id=topic.id, now=NOW,
                     data=topic_data(cn.council, None, source="opinion", opinion_meeting_id=other_live))
    for who in ("worker", "leader"):
        with pytest.raises(PermissionDenied):
            c.save_topic(engine, actor=cn[who], now=NOW,
                         data=topic_data(cn.council, None, source="opinion", opinion_meeting_id=other_live))
    for who in ("other_secretary", "other_recorder"):
        with pytest.raises(DomainError) as err:
            c.save_topic(engine, actor=cn[who], topic_id=noted.id, now=NOW,
                         data=topic_data(cn.council, None, source="opinion", opinion_meeting_id=other_live))
        assert err.value.key == "error.not_found"
        with pytest.raises(DomainError) as err:
            c.save_topic(engine, actor=cn[who], now=NOW, data=topic_data(cn.council, cn.members["李红"]))
        assert err.value.key == "error.not_found"
    assert counts(engine) == before
    assert get(engine, CouncilTopic, topic.id).source == "member"


def test_an_opinion_meeting_must_be_the_councils_and_opinions_go_to_one_in_progress(cn):
    engine, sec = cn.engine, cn["secretary"]
    closed = meeting(engine, cn.council, "opinion", "closed", TODAY - timedelta(days=7))
    discussion = meeting(engine, cn.council, "discussion", "open")
    theirs = meeting(engine, cn.other_council, "opinion", "open")
    joint = meeting(engine, cn.joint, "opinion", "open")
    before = counts(engine)
    for meeting_id in (discussion, theirs, joint, 10_000):
        refused_with(c.save_topic, "opinion_meeting_id", "council_write.not_opinion_meeting", engine=engine,
                     actor=sec, now=NOW, data=topic_data(cn.council, None, source="opinion",
                                                         opinion_meeting_id=meeting_id))
    refused_with(c.save_topic, "opinions", "council_write.opinions_not_open", engine=engine, actor=sec, now=NOW,
                 data=topic_data(cn.council, None, source="opinion", opinion_meeting_id=closed, opinions="意见"))
    assert counts(engine) == before
    # the secretary records a topic from an opinion meeting held earlier (no opinions: nothing on its agenda)
    topic = c.save_topic(engine, actor=sec, now=NOW, data=topic_data(
        cn.council, None, source="opinion", opinion_meeting_id=closed, raised_on=TODAY - timedelta(days=7)))
    assert topic.opinion_meeting_id == closed and count(engine, CouncilAgendaItem) == 0


@hypothesis_settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.text(alphabet=st.sampled_from(list("议题电梯 a\x00\x01\x07\x0b\x0c\x1b\x7f\t\n")), min_size=1, max_size=40))
def test_typed_text_is_stored_without_control_characters_or_refused_as_empty(cn, text):
    engine, sec = cn.engine, cn["secretary"]
    topic_id = _hypothesis_topic(cn)
    # what a reader should see: Word's line break (\v) as a new line, other control characters gone, trimmed
    expected = "".join("\n" if ch == "\x0b" else ch for ch in text
                       if ch in "\t\n\x0b" or 32 <= ord(ch) != 127).strip()
    before = counts(engine)
    if not expected:
        refused_with(c.save_topic, "title", "error.required", engine=engine, actor=sec, topic_id=topic_id, now=NOW,
                     data=topic_data(cn.council, cn.members["李红"], title=text, detail=text))
        assert counts(engine) == before
        return
    c.save_topic(engine, actor=sec, topic_id=topic_id, now=NOW,
                 data=topic_data(cn.council, cn.members["李红"], title=text, detail=text))
    stored = get(engine, CouncilTopic, topic_id)
    assert stored.title == expected and stored.detail == expected
    assert counts(engine)[-1] == before[-1] + 1  # one audit entry per write


def _hypothesis_topic(cn: Place) -> int:
    """The topic the examples change (the database lives on across hypothesis's examples)."""
    with reading(cn.engine) as session:
        found = session.execute(select(CouncilTopic.id).where(CouncilTopic.council_id == cn.council)).scalar()
    return found if found is not None else a_topic(cn).id


# --- withdrawing a topic --------------------------------------------------------------------------------------------

def test_a_topic_not_yet_passed_is_withdrawn_with_a_reason_and_leaves_planned_agendas(cn):
    engine, sec = cn.engine, cn["secretary"]
    topic = a_topic(cn)
    held = meeting(engine, cn.council, "discussion", "closed", TODAY - timedelta(days=10))
    planned = meeting(engine, cn.council, "decision", "planned", TODAY + timedelta(days=5))
    on_agenda(engine, held, topic.id, minutes="讨论了费用分摊")
    on_agenda(engine, planned, topic.id)
    other_topic = a_topic(cn, title="楼道堆物")
    on_agenda(engine, planned, other_topic.id, position=2)
    withdrawn = c.withdraw_topic(engine, actor=sec, topic_id=topic.id, reason=" 居民已自筹资金解决\x00 ", now=NOW)
    assert withdrawn.stage == "withdrawn" and withdrawn.updated_at == NOW
    assert (withdrawn.withdrawn_on, withdrawn.withdraw_reason) == (NOW.date(), "居民已自筹资金解决")
    with reading(engine) as session:
        items = session.execute(select(CouncilAgendaItem.meeting_id, CouncilAgendaItem.topic_id)
                                .order_by(CouncilAgendaItem.id)).all()
    assert items == [(held, topic.id), (planned, other_topic.id)], "what a held meeting recorded stays"
    entry = audits(engine, "council.topic_update")[-1]
    assert entry.entity_id == topic.id and entry.before["stage"] == "raised" and entry.after["stage"] == "withdrawn"
    assert entry.after["withdraw_reason"] == "居民已自筹资金解决" and entry.after["left_meetings"] == [planned]
    before = counts(engine)
    with pytest.raises(DomainError) as err:
        c.withdraw_topic(engine, actor=sec, topic_id=topic.id, reason="再撤一次", now=NOW)
    assert err.value.key == "council_write.already_withdrawn" and counts(engine) == before


def test_a_rejected_topic_may_be_withdrawn_a_passed_one_not(cn):
    engine, sec = cn.engine, cn["secretary"]
    held = meeting(engine, cn.council, "decision", "closed", date(2026, 11, 10))
    rejected = a_topic(cn, title="拆除花坛")
    decision(engine, held, rejected.id, status="rejected")
    assert c.withdraw_topic(engine, actor=sec, topic_id=rejected.id, reason="表决未通过，暂缓", now=NOW).stage == \
        "withdrawn"
    decision_id, topic_id = passed(cn)
    before = counts(engine)
    with pytest.raises(DomainError) as err:
        c.withdraw_topic(engine, actor=sec, topic_id=topic_id, reason="不想做了", now=NOW)
    assert err.value.key == "council_write.cannot_withdraw"
    assert counts(engine) == before and get(engine, CouncilTopic, topic_id).stage == "decided"


def test_a_withdrawal_needs_a_reason_and_the_manager(cn):
    engine = cn.engine
    topic = a_topic(cn)
    before = counts(engine)
    refused_with(c.withdraw_topic, "reason", "error.required", engine=engine, actor=cn["secretary"],
                 topic_id=topic.id, reason=" \x07 ", now=NOW)
    refused_with(c.withdraw_topic, "reason", "error.too_short", engine=engine, actor=cn["secretary"],
                 topic_id=topic.id, reason="撤", now=NOW)
    for who in ("worker", "recorder", "leader"):
        with pytest.raises(PermissionDenied):
            c.withdraw_topic(engine, actor=cn[who], topic_id=topic.id, reason="居民已解决", now=NOW)
    for topic_id in (topic.id, 10_000):
        with pytest.raises(DomainError) as err:
            c.withdraw_topic(engine, actor=cn["other_secretary"], topic_id=topic_id, reason="居民已解决", now=NOW)
        assert err.value.key == "error.not_found"
    assert counts(engine) == before and get(engine, CouncilTopic, topic.id).stage == "raised"


# --- a passed decision: owner, due date, notice -------------------------------------------------------------------

def test_the_owner_due_date_and_notice_of_a_passed_decision(cn):
    engine, sec = cn.engine, cn["secretary"]
    decision_id, _ = passed(cn)
    assigned = c.assign_decision(engine, actor=sec, decision_id=decision_id, owner=" 幸福里物业 张经理 ",
                                 due=date(2026, 12, 31), now=NOW)
    assert (assigned.owner, assigned.due, assigned.updated_at) == ("幸福里物业 张经理", date(2026, 12, 31), NOW)
    entry = audits(engine, "council.notice")[-1]
    assert entry.entity == "council_decision" and entry.entity_id == decision_id and entry.community_id == cn.home
    assert (entry.before["owner"], entry.after["owner"]) == ("物业公司", "幸福里物业 张经理")
    assert (entry.before["due"], entry.after["due"]) == ("2027-02-28", "2026-12-31")
    noticed = c.set_notice(engine, actor=sec, decision_id=decision_id, start=date(2026, 11, 10),
                           end=date(2026, 11, 10), now=NOW)
    assert (noticed.notice_start, noticed.notice_end) == (date(2026, 11, 10), date(2026, 11, 10))
    entry = audits(engine, "council.notice")[-1]
    assert entry.before["notice_start"] is None and entry.after["notice_end"] == "2026-11-10"
    c.set_notice(engine, actor=sec, decision_id=decision_id, start=date(2026, 11, 11), end=date(2026, 11, 18),
                 now=NOW)
    assert get(engine, CouncilDecision, decision_id).notice_end == date(2026, 11, 18)
    assert len(audits(engine, "council.notice")) == 3


def test_bad_owner_due_or_notice_writes_nothing(cn):
    engine, sec = cn.engine, cn["secretary"]
    decision_id, _ = passed(cn)
    before = counts(engine)
    refused_with(c.assign_decision, "owner", "error.required", engine=engine, actor=sec, decision_id=decision_id,
                 owner="  ", due=date(2026, 12, 31), now=NOW)
    refused_with(c.assign_decision, "due", "error.required", engine=engine, actor=sec, decision_id=decision_id,
                 owner="物业", due=None, now=NOW)
    params = refused_with(c.assign_decision, "due", "error.due_before_meeting", engine=engine, actor=sec,
                          decision_id=decision_id, owner="物业", due=date(2026, 11, 9), now=NOW)
    assert params == {"day": "2026-11-10"}
    refused_with(c.set_notice, "notice_end", "council_error.notice_order", engine=engine, actor=sec,
                 decision_id=decision_id, start=date(2026, 11, 12), end=date(2026, 11, 11), now=NOW)
    refused_with(c.set_notice, "notice_start", "council_write.notice_before_decision", engine=engine, actor=sec,
                 decision_id=decision_id, start=date(2026, 11, 9), end=date(2026, 11, 16), now=NOW)
    refused_with(c.set_notice, "notice_start", "error.required", engine=engine, actor=sec,
                 decision_id=decision_id, start=None, end=date(2026, 11, 16), now=NOW)
    assert counts(engine) == before
    row = get(engine, CouncilDecision, decision_id)
    assert (row.owner, row.due, row.notice_start, row.updated_at) == ("物业公司", date(2027, 2, 28), None, NOW)


@pytest.mark.parametrize("status", ["rejected", "invalid"])
def test_only_a_passed_decision_gets_an_owner_notice_or_follow_up(cn, status):
    engine, sec = cn.engine, cn["secretary"]
    decision_id, _ = passed(cn, status=status)
    before = counts(engine)
    calls = [lambda: c.assign_decision(engine, actor=sec, decision_id=decision_id, owner="物业",
                                       due=date(2026, 12, 31), now=NOW),
             lambda: c.set_notice(engine, actor=sec, decision_id=decision_id, start=date(2026, 11, 10),
                                  end=date(2026, 11, 17), now=NOW),
             lambda: c.follow_up_matter(engine, actor=sec, settings=cn.settings, decision_id=decision_id,
                                        data={**INTAKE, "grid_id": cn.grid}, now=NOW),
             lambda: c.follow_up_need(engine, actor=sec, decision_id=decision_id, now=NOW)]
    for call in calls:
        with pytest.raises(DomainError) as err:
            call()
        assert err.value.key == "council_error.not_passed"
    assert counts(engine) == before


@pytest.mark.parametrize(("who", "error"), [("worker", PermissionDenied), ("recorder", PermissionDenied),
                                            ("leader", PermissionDenied), ("other_secretary", DomainError)])
def test_a_decisions_owner_notice_and_follow_up_are_the_managers(cn, who, error):
    engine = cn.engine
    decision_id, topic_id = passed(cn)
    before = counts(engine)
    calls = [lambda: c.assign_decision(engine, actor=cn[who], decision_id=decision_id, owner="物业",
                                       due=date(2026, 12, 31), now=NOW),
             lambda: c.set_notice(engine, actor=cn[who], decision_id=decision_id, start=date(2026, 11, 10),
                                  end=date(2026, 11, 17), now=NOW),
             lambda: c.follow_up_matter(engine, actor=cn[who], settings=cn.settings, decision_id=decision_id,
                                        data={**INTAKE, "grid_id": cn.grid}, now=NOW),
             lambda: c.follow_up_need(engine, actor=cn[who], decision_id=decision_id, now=NOW)]
    for call in calls:
        with pytest.raises(error) as err:
            call()
        if error is DomainError:
            assert err.value.key == "error.not_found" and not isinstance(err.value, PermissionDenied)
    assert counts(engine) == before
    row = get(engine, CouncilDecision, decision_id)
    assert (row.owner, row.notice_start, row.matter_id) == ("物业公司", None, None)
    assert get(engine, CouncilTopic, topic_id).stage == "decided"
    with pytest.raises(DomainError) as err:
        c.set_notice(engine, actor=cn["secretary"], decision_id=10_000, start=TODAY, end=TODAY, now=NOW)
    assert err.value.key == "error.not_found"


# --- follow-up: a 365 matter ----------------------------------------------------------------------------------------

def test_a_passed_decision_opens_its_365_matter_linked_both_ways(cn):
    engine, sec = cn.engine, cn["secretary"]
    decision_id, topic_id = passed(cn)
    before_matters, before_tally = count(engine, Matter), count(engine, MatterTally)
    matter = c.follow_up_matter(engine, actor=sec, settings=cn.settings, decision_id=decision_id, now=NOW,
                                data={**INTAKE, "grid_id": cn.grid, "community_id": cn.other})
    assert matter.description == "议事会决议（甲社区居民议事会 2026-11-10）：同意3号楼加装电梯，费用按楼层分摊"
    assert (matter.community_id, matter.grid_id, matter.step, matter.created_by) == (cn.home, cn.grid, 1, sec.id)
    assert matter.number.startswith(f"{cn.settings.number_prefix}20261120") and matter.deadline is not None
    assert (matter.reporter_name, matter.reporter_phone) == (None, None)
    assert count(engine, Matter) == before_matters + 1 and count(engine, MatterTally) > before_tally
    assert count(engine, MatterEvent, MatterEvent.matter_id == matter.id) == 1
    row = get(engine, CouncilDecision, decision_id)
    assert row.matter_id == matter.id and row.updated_at == NOW
    assert get(engine, CouncilTopic, topic_id).stage == "implementing"
    created, followed = audits(engine, "matter.create")[-1], audits(engine, "council.follow_up")[-1]
    assert created.entity_id == matter.id and created.id < followed.id
    assert (followed.entity, followed.entity_id, followed.community_id) == ("council_decision", decision_id, cn.home)
    assert followed.before["matter_id"] is None and followed.after["matter_id"] == matter.id
    assert followed.after["matter_number"] == matter.number and followed.after["topic_stage"] == "implementing"
    # a second matter is refused, and writes nothing
    before = counts(engine)
    refused_with(c.follow_up_matter, "decision_id", "council_error.follow_up_exists", engine=engine, actor=sec,
                 settings=cn.settings, decision_id=decision_id, data={**INTAKE, "grid_id": cn.grid}, now=NOW)
    assert counts(engine) == before and get(engine, CouncilDecision, decision_id).matter_id == matter.id


def test_a_follow_up_matter_may_name_a_reporter_and_its_own_description(cn):
    engine, sec = cn.engine, cn["secretary"]
    decision_id, _ = passed(cn, with_topic=False, text="电" * 1000)
    matter = c.follow_up_matter(engine, actor=sec, settings=cn.settings, decision_id=decision_id, now=NOW,
                                data={**INTAKE, "grid_id": cn.grid, "reporter_name": "王建国",
                                      "reporter_phone": "13912345678"})
    assert len(matter.description) == 1000 and matter.description.endswith("电…")
    assert matter.description.startswith("议事会决议（甲社区居民议事会 2026-11-10）：电")
    assert (matter.reporter_name, matter.reporter_phone) == ("王建国", "13912345678")
    assert audits(engine, "council.follow_up")[-1].after["topic_stage"] is None
    other_id, _ = passed(cn, with_topic=False)
    own = c.follow_up_matter(engine, actor=sec, settings=cn.settings, decision_id=other_id, now=NOW,
                             data={**INTAKE, "grid_id": cn.grid, "description": " 加装电梯：先做结构检测\x07 "})
    assert own.description == "加装电梯：先做结构检测"


@pytest.mark.parametrize(("changes", "field", "key"), [
    ({"grid_id": None}, "grid_id", "error.required"),
    ({"grid_id": "other"}, "grid_id", "error.grid_outside_community"),
    ({"category": "weather"}, "category", "error.unknown_choice"),
    ({"urgency": None}, "urgency", "error.required"),
    ({"channel": None}, "channel", "error.required"),
    ({"mode": "magic"}, "mode", "error.unknown_choice"),
    ({"reporter_phone": "12345"}, "reporter_phone", "error.bad_phone"),
    ({"registered_at": NOW + timedelta(hours=1)}, "registered_at", "error.in_future"),
])
def test_bad_intake_data_opens_no_matter_and_leaves_the_decision(cn, changes, field, key):
    engine, sec = cn.engine, cn["secretary"]
    decision_id, topic_id = passed(cn)
    if changes.get("grid_id") == "other":
        changes = {"grid_id": cn.other_grid}
    before = counts(engine)
    refused_with(c.follow_up_matter, field, key, engine=engine, actor=sec, settings=cn.settings,
                 decision_id=decision_id, data={**INTAKE, "grid_id": cn.grid} | changes, now=NOW)
    assert counts(engine) == before
    assert get(engine, CouncilDecision, decision_id).matter_id is None
    assert get(engine, CouncilTopic, topic_id).stage == "decided"


def test_a_follow_up_matter_needs_both_council_manage_and_matter_create(cn):
    engine, sec = cn.engine, cn["secretary"]
    decision_id, _ = passed(cn)
    before = counts(engine)
    for actor in (granted(sec, cn.home, "council.read", "council.manage"),
                  granted(sec, cn.home, "council.read", "matter.read", "matter.create")):
        with pytest.raises(PermissionDenied):
            c.follow_up_matter(engine, actor=actor, settings=cn.settings, decision_id=decision_id,
                               data={**INTAKE, "grid_id": cn.grid}, now=NOW)
    assert counts(engine) == before
    both = granted(sec, cn.home, "council.read", "council.manage", "matter.create")
    assert c.follow_up_matter(engine, actor=both, settings=cn.settings, decision_id=decision_id,
                              data={**INTAKE, "grid_id": cn.grid}, now=NOW).community_id == cn.home


# --- follow-up: a need of the joint committee -----------------------------------------------------------------------

def test_a_passed_decision_raises_a_need_linked_both_ways(cn):
    engine, sec = cn.engine, cn["secretary"]
    decision_id, topic_id = passed(cn)
    need = c.follow_up_need(engine, actor=sec, decision_id=decision_id, now=NOW)
    assert (need.source, need.council_decision_id, need.community_id, need.raised_on, need.created_by) == \
        ("council", decision_id, cn.home, TODAY, sec.id)
    assert (need.title, need.detail, need.matter_id, need.project_id) == \
        ("3号楼加装电梯", "同意3号楼加装电梯，费用按楼层分摊", None, None)
    assert get(engine, CouncilTopic, topic_id).stage == "implementing"
    created, followed = audits(engine, "committee.need_create")[-1], audits(engine, "council.follow_up")[-1]
    assert (created.entity, created.entity_id, created.before) == ("need", need.id, None)
    assert created.after["council_decision_id"] == decision_id and created.id < followed.id
    assert (followed.entity, followed.entity_id) == ("council_decision", decision_id)
    assert followed.after["need_id"] == need.id and followed.after["topic_stage"] == "implementing"
    assert followed.before["updated_at"] != followed.after["updated_at"]
    before = counts(engine)
    refused_with(c.follow_up_need, "decision_id", "council_error.follow_up_exists", engine=engine, actor=sec,
                 decision_id=decision_id, now=NOW)
    assert counts(engine) == before
    # the need does not stand in the way of a matter: each follow-up once
    matter = c.follow_up_matter(engine, actor=sec, settings=cn.settings, decision_id=decision_id,
                                data={**INTAKE, "grid_id": cn.grid}, now=NOW)
    assert get(engine, CouncilDecision, decision_id).matter_id == matter.id
    assert count(engine, Need, Need.council_decision_id == decision_id) == 1


def test_a_need_from_a_decision_without_topic_takes_its_text_and_a_reviewed_topic_stays_reviewed(cn):
    engine, sec = cn.engine, cn["secretary"]
    decision_id, _ = passed(cn, with_topic=False, text="  为高龄老人\n提供上门理发服务" + "，每月一次" * 40)
    need = c.follow_up_need(engine, actor=sec, decision_id=decision_id, now=NOW)
    assert need.title.startswith("为高龄老人 提供上门理发服务，每月一次") and len(need.title) == 100
    assert need.title.endswith("…")
    reviewed_id, topic_id = passed(cn)
    with transaction(engine) as session:
        session.get(CouncilTopic, topic_id).stage = "reviewed"
    c.follow_up_matter(engine, actor=sec, settings=cn.settings, decision_id=reviewed_id,
                       data={**INTAKE, "grid_id": cn.grid}, now=NOW)
    assert get(engine, CouncilTopic, topic_id).stage == "reviewed"


def test_a_follow_up_need_needs_both_council_manage_and_committee_manage(cn):
    engine, sec = cn.engine, cn["secretary"]
    decision_id, topic_id = passed(cn)
    before = counts(engine)
    for actor in (granted(sec, cn.home, "council.read", "council.manage"),
                  granted(sec, cn.home, "council.read", "committee.read", "committee.manage")):
        with pytest.raises(PermissionDenied):
            c.follow_up_need(engine, actor=actor, decision_id=decision_id, now=NOW)
    assert counts(engine) == before and get(engine, CouncilTopic, topic_id).stage == "decided"
    both = granted(sec, cn.home, "council.read", "council.manage", "committee.manage")
    assert c.follow_up_need(engine, actor=both, decision_id=decision_id, now=NOW).council_decision_id == decision_id
