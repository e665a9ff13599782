"""Progress meetings of the joint committee (data_access.committee.meetings) on SQLite and PostgreSQL: planning,
the proposal, opening with the generated agenda, attendance, outcomes, carry-over, closing, permissions, audit."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pandas as pd
import pytest
from sqlalchemy import func, select

from data_access.cli import add_community
from data_access.committee import meetings as cm
from data_access.db import reading, transaction
from data_access.models import (
    ActionItem,
    AgendaItem,
    AuditLog,
    Claim,
    CommitteeMeeting,
    MeetingAttendance,
    MemberUnit,
    ProgressUpdate,
    Project,
    ServiceItem,
    User,
    UserRole,
)
from domain.access import Actor, grants_for
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from tests.conftest import NOW

pytestmark = pytest.mark.db
TODAY = NOW.date()
LAST_MEETING = date(2026, 9, 20)


@dataclass
class Committee:
    """A small committee: 康盛社区 with five units (A, B, C with representatives; D without one; E that left) in
    the rotation order A, B, E, C, D, and another community with one unit."""

    engine: object
    settings: object
    community_id: int
    other_id: int
    units: dict[str, int] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)

    def actor(self, name: str) -> Actor:
        return self.actors[name]


def _user(session, settings, username: str, role: str, community_id: int | None) -> Actor:
    user = User(username=username, display_name=f"代表{username}", password_hash="x", created_at=NOW)
    session.add(user)
    session.flush()
    session.add(UserRole(user_id=user.id, role=role, community_id=community_id))
    return Actor(user.id, username, user.display_name, grants_for(settings, [(role, community_id, None)]))


def build_committee(engine, settings) -> Committee:
    cid = add_community(engine, street="测试街道", name="康盛社区", code="KS", grids=1)
    other = add_community(engine, street="测试街道", name="其他社区", code="QT", grids=1)
    c = Committee(engine, settings, cid, other)
    with transaction(engine) as s:
        for name, role, community in (("secretary", "secretary", cid), ("worker", "worker", cid),
                                      ("leader", "leader", None), ("repa", "unitrep", cid), ("repb", "unitrep", cid),
                                      ("repc", "unitrep", cid), ("repe", "unitrep", cid),
                                      ("other_secretary", "secretary", other), ("other_rep", "unitrep", other)):
            c.actors[name] = _user(s, settings, name, role, community)
        rows = (("A", "市路桥公司", "repa", 1, None), ("B", "第一技工学校", "repb", 2, None),
                ("E", "老供销社", "repe", 3, date(2026, 6, 30)), ("C", "康盛物业", "repc", 4, None),
                ("D", "社区卫生服务站", None, 5, None))
        for key, name, rep, position, left in rows:
            unit = MemberUnit(community_id=cid, name=name, kind="enterprise",
                              representative_id=c.actors[rep].id if rep else None, joined_on=date(2025, 1, 1),
                              left_on=left, rota_position=position, updated_at=NOW)
            s.add(unit)
            s.flush()
            c.units[key] = unit.id
        unit = MemberUnit(community_id=other, name="外社区单位", kind="school",
                          representative_id=c.actors["other_rep"].id, joined_on=date(2025, 1, 1), rota_position=1,
                          updated_at=NOW)
        s.add(unit)
        s.flush()
        c.units["X"] = unit.id
    return c


@pytest.fixture
def committee(engine, settings) -> Committee:
    return build_committee(engine, settings)


def add_meeting(c: Committee, *, day: date, chair: str = "A", status: str = "closed", kind: str = "progress",
                community_id: int | None = None) -> int:
    """A meeting row written directly (an earlier meeting of the history)."""
    with transaction(c.engine) as s:
        meeting = CommitteeMeeting(community_id=community_id or c.community_id, kind=kind, day=day, place="会议室",
                                   chair_unit_id=c.units[chair], status=status, updated_at=NOW,
                                   opened_at=NOW if status != "planned" else None,
                                   closed_at=NOW if status == "closed" else None)
        s.add(meeting)
        s.flush()
        return meeting.id


def add_claim(c: Committee, *, unit: str, name: str, target: float, done: float, last_update: date | None,
              start: date = date(2026, 1, 1), end: date = date(2026, 12, 31), year: int = 2026,
              status: str = "active", community_id: int | None = None) -> int:
    """A project with one item and one claim of `unit`, at the given progress (one update dated last_update)."""
    cid = community_id or c.community_id
    with transaction(c.engine) as s:
        project = Project(community_id=cid, year=year, name=f"{name}项目", updated_at=NOW)
        s.add(project)
        s.flush()
        item = ServiceItem(project_id=project.id, community_id=cid, name=name, target=target, unit="次",
                           period_start=start, period_end=end, done=done)
        s.add(item)
        s.flush()
        claim = Claim(item_id=item.id, unit_id=c.units[unit], community_id=cid, status=status, pledge=target,
                      done=done, claimed_on=start, last_update_on=last_update)
        s.add(claim)
        s.flush()
        if last_update:
            s.add(ProgressUpdate(claim_id=claim.id, community_id=cid, on=last_update, done=done, note="按计划推进",
                                 created_by=c.actors["secretary"].id, created_at=NOW))
        return claim.id


def add_action(c: Committee, meeting_id: int, *, text: str, owner: str = "王工", due: date | None = None,
               done: bool = False, kind: str = "action") -> int:
    with transaction(c.engine) as s:
        row = ActionItem(community_id=c.community_id, meeting_id=meeting_id, kind=kind, text=text,
                         owner=owner if kind == "action" else None, due=due, done=done,
                         done_on=LAST_MEETING if done else None)
        s.add(row)
        s.flush()
        return row.id


def plan(c: Committee, actor: str = "secretary", *, now=NOW, **data) -> CommitteeMeeting:
    values = {"community_id": c.community_id, "kind": "progress", "day": TODAY, "place": "社区党群服务中心",
              "chair_unit_id": c.units["A"]} | data
    return cm.plan_meeting(c.engine, actor=c.actor(actor), settings=c.settings, data=values, now=now)


def opened(c: Committee, actor: str = "repa", **data) -> CommitteeMeeting:
    meeting = plan(c, **data)
    return cm.open_meeting(c.engine, actor=c.actor(actor), settings=c.settings, meeting_id=meeting.id, now=NOW)


def count(engine, model, *conds) -> int:
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*conds)).scalar_one()


def audits(engine, action: str) -> list[AuditLog]:
    with reading(engine) as session:
        return list(session.execute(select(AuditLog).where(AuditLog.action == action)
                                    .order_by(AuditLog.id)).scalars())


def present_all(c: Committee, meeting_id: int, actor: str = "repa") -> None:
    cm.set_attendance(c.engine, actor=c.actor(actor), meeting_id=meeting_id,
                      rows=[{"unit_id": c.units[k], "present": True, "attendee": None} for k in "ABC"], now=NOW)


# ----------------------------------------------------------------------------------------------------- planning


def test_planning_a_meeting_is_audited_and_can_be_changed(committee):
    c = committee
    meeting = plan(c)
    assert (meeting.status, meeting.day, meeting.chair_unit_id) == ("planned", TODAY, c.units["A"])
    changed = cm.plan_meeting(c.engine, actor=c.actor("secretary"), settings=c.settings, meeting_id=meeting.id,
                              data={"kind": "progress", "day": TODAY + timedelta(days=2), "place": "二楼会议室",
                                    "chair_unit_id": c.units["B"]}, now=NOW)
    assert (changed.day, changed.place, changed.chair_unit_id) == \
        (TODAY + timedelta(days=2), "二楼会议室", c.units["B"])
    assert [a.entity_id for a in audits(c.engine, "meeting.plan")] == [meeting.id]
    update = audits(c.engine, "meeting.update")[0]
    assert update.entity == "committee_meeting" and update.community_id == c.community_id
    assert update.before["place"] == "社区党群服务中心" and update.after["place"] == "二楼会议室"


def test_a_meeting_day_in_the_past_is_refused_on_day(committee):
    with pytest.raises(ValidationFailed) as err:
        plan(committee, day=TODAY - timedelta(days=1))
    assert err.value.errors["day"][0] == "meeting_error.day_in_past"
    assert count(committee.engine, CommitteeMeeting) == 0 and not audits(committee.engine, "meeting.plan")


@pytest.mark.parametrize("unit", ["D", "E", "X"])
def test_the_chair_must_be_an_active_member_unit_with_a_representative(committee, unit):
    """D has no representative, E left, X belongs to another community."""
    with pytest.raises(ValidationFailed) as err:
        plan(committee, chair_unit_id=committee.units[unit])
    assert set(err.value.errors) == {"chair_unit_id"}
    assert err.value.errors["chair_unit_id"][0] == "meeting_error.chair_not_representative"
    assert count(committee.engine, CommitteeMeeting) == 0


def test_a_progress_meeting_needs_a_chair_and_a_known_kind(committee):
    with pytest.raises(ValidationFailed) as err:
        plan(committee, chair_unit_id=None, kind="party")
    assert err.value.errors["kind"][0] == "error.unknown_choice"
    with pytest.raises(ValidationFailed) as err:
        plan(committee, chair_unit_id=None)
    assert err.value.errors["chair_unit_id"][0] == "error.required"
    annual = plan(committee, kind="annual", chair_unit_id=None)
    assert annual.chair_unit_id is None


def test_planning_needs_committee_manage(committee):
    with pytest.raises(PermissionDenied):
        plan(committee, "repa")
    with pytest.raises(PermissionDenied):
        plan(committee, "leader")
    with pytest.raises(DomainError) as err:
        plan(committee, "other_secretary")
    assert err.value.key == "error.not_found"
    assert count(committee.engine, CommitteeMeeting) == 0


def test_the_proposal_follows_the_rotation_skipping_units_that_left(committee):
    c = committee
    first = cm.proposal(c.engine, actor=c.actor("secretary"), settings=c.settings, community_id=c.community_id,
                        today=TODAY)
    assert (first.chair_unit_id, first.chair_name, first.representative_name) == \
        (c.units["A"], "市路桥公司", "代表repa")
    assert (first.day, first.number) == (TODAY, 1)
    add_meeting(c, day=date(2026, 7, 20), chair="A")
    add_meeting(c, day=LAST_MEETING, chair="B")
    after_b = cm.proposal(c.engine, actor=c.actor("repa"), settings=c.settings, community_id=c.community_id,
                          today=TODAY)
    assert after_b.chair_unit_id == c.units["C"], "E left: C follows B"
    assert after_b.day == TODAY, "two months after 20 September is past: today"
    assert after_b.number == 3
    add_meeting(c, day=date(2026, 12, 1), chair="C", status="planned")
    after_c = cm.proposal(c.engine, actor=c.actor("leader"), settings=c.settings, community_id=c.community_id,
                          today=TODAY)
    assert after_c.chair_unit_id == c.units["A"], "D has no representative: round to A"
    assert after_c.day == date(2027, 2, 1) and after_c.number == 1
    with pytest.raises(DomainError):
        cm.proposal(c.engine, actor=c.actor("other_secretary"), settings=c.settings, community_id=c.community_id,
                    today=TODAY)


# ------------------------------------------------------------------------------------------------------ opening


def test_opening_generates_the_agenda_carried_behind_stale_rest(committee):
    c = committee
    last = add_meeting(c, day=LAST_MEETING, chair="B")
    add_action(c, last, text="已完成的事项", done=True, due=date(2026, 10, 1))
    late = add_action(c, last, text="修缮活动室", due=date(2026, 10, 1))
    later = add_action(c, last, text="联系志愿者", due=date(2026, 12, 1))
    add_action(c, last, text="只是一项决定", kind="decision")
    behind_recent = add_claim(c, unit="A", name="助老服务", target=100, done=30, last_update=date(2026, 10, 10))
    stale = add_claim(c, unit="B", name="青少年课堂", target=100, done=95, last_update=date(2026, 9, 1))
    rest = add_claim(c, unit="C", name="环境整治", target=100, done=90, last_update=date(2026, 11, 1))
    never = add_claim(c, unit="A", name="冬季送温暖", target=10, done=0, last_update=None,
                      start=date(2026, 12, 1), end=date(2026, 12, 31))
    complete = add_claim(c, unit="B", name="义诊", target=12, done=12, last_update=date(2026, 3, 1))
    behind_old = add_claim(c, unit="C", name="垃圾分类宣传", target=50, done=5, last_update=date(2026, 6, 1))
    add_claim(c, unit="A", name="撤回的事项", target=10, done=0, last_update=None, status="withdrawn")
    add_claim(c, unit="A", name="去年的事项", target=10, done=2, last_update=date(2025, 6, 1), year=2025)
    add_claim(c, unit="X", name="外社区事项", target=10, done=0, last_update=None, community_id=c.other_id)

    meeting = opened(c)
    assert meeting.status == "open" and meeting.opened_at == NOW
    detail = cm.meeting_detail(c.engine, actor=c.actor("repa"), meeting_id=meeting.id)
    agenda = detail.agenda
    assert list(agenda["position"]) == list(range(1, 9))
    assert list(agenda["section"]) == ["carried", "carried", "behind", "behind", "stale", "stale", "rest", "rest"]
    assert list(agenda["action_item_id"][:2]) == [late, later], "the most overdue first"
    assert [int(x) for x in agenda["claim_id"][2:]] == [behind_old, behind_recent, never, stale, rest, complete]
    carried = agenda.iloc[0]
    assert (carried["text"], carried["owner"], carried["due"], bool(carried["finished"])) == \
        ("修缮活动室", "王工", date(2026, 10, 1), False)
    first_claim = agenda.iloc[2]
    assert (first_claim["unit"], first_claim["item"], first_claim["project"]) == \
        ("康盛物业", "垃圾分类宣传", "垃圾分类宣传项目")
    assert (first_claim["target"], first_claim["done"], first_claim["share"]) == (50, 5, pytest.approx(0.1))
    units = dict(zip(detail.attendance["unit_id"], detail.attendance["present"], strict=True))
    assert units == {c.units[k]: False for k in "ABCD"}, "one row per active unit, E left"
    assert list(detail.attendance["unit"]) == ["市路桥公司", "第一技工学校", "康盛物业", "社区卫生服务站"]
    entry = audits(c.engine, "meeting.open")[0]
    assert entry.entity_id == meeting.id and entry.after["agenda"] == 8 and entry.after["units"] == 4


def test_a_meeting_opens_only_on_or_after_its_day_and_only_once(committee):
    c = committee
    meeting = plan(c, day=TODAY + timedelta(days=3))
    with pytest.raises(DomainError) as err:
        cm.open_meeting(c.engine, actor=c.actor("repa"), settings=c.settings, meeting_id=meeting.id, now=NOW)
    assert err.value.key == "meeting_error.not_yet"
    assert count(c.engine, AgendaItem) == 0 and count(c.engine, MeetingAttendance) == 0
    later = NOW + timedelta(days=3)
    cm.open_meeting(c.engine, actor=c.actor("repa"), settings=c.settings, meeting_id=meeting.id, now=later)
    with pytest.raises(DomainError) as err:
        cm.open_meeting(c.engine, actor=c.actor("repa"), settings=c.settings, meeting_id=meeting.id, now=later)
    assert err.value.key == "meeting_error.not_planned"


def test_only_the_chairs_representative_or_the_secretary_runs_the_meeting(committee):
    c = committee
    meeting = plan(c)
    for name in ("repb", "leader", "worker"):
        with pytest.raises(PermissionDenied) as err:
            cm.open_meeting(c.engine, actor=c.actor(name), settings=c.settings, meeting_id=meeting.id, now=NOW)
        assert err.value.key == "error.not_your_unit"
    with pytest.raises(DomainError) as err:
        cm.open_meeting(c.engine, actor=c.actor("other_secretary"), settings=c.settings, meeting_id=meeting.id,
                        now=NOW)
    assert err.value.key == "error.not_found"
    cm.open_meeting(c.engine, actor=c.actor("repa"), settings=c.settings, meeting_id=meeting.id, now=NOW)
    with pytest.raises(PermissionDenied):
        present_all(c, meeting.id, actor="repb")
    with pytest.raises(PermissionDenied):
        cm.add_outcome(c.engine, actor=c.actor("repb"), meeting_id=meeting.id, data={"kind": "decision", "text": "x"},
                       now=NOW)
    present_all(c, meeting.id, actor="secretary")  # the community secretary may run any meeting
    with pytest.raises(PermissionDenied):
        cm.close_meeting(c.engine, actor=c.actor("repb"), meeting_id=meeting.id, summary=None, now=NOW)
    assert cm.close_meeting(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, summary="顺利",
                            now=NOW).status == "closed"
    with pytest.raises(PermissionDenied):
        plan(c, "repa")


# ----------------------------------------------------------------------------------------- during the meeting


def test_attendance_is_recorded_and_audited(committee):
    c = committee
    meeting = opened(c)
    cm.set_attendance(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, now=NOW,
                      rows=[{"unit_id": c.units["A"], "present": True, "attendee": " 张伟 "},
                            {"unit_id": c.units["B"], "present": True, "attendee": ""},
                            {"unit_id": c.units["D"], "present": False, "attendee": None}])
    detail = cm.meeting_detail(c.engine, actor=c.actor("leader"), meeting_id=meeting.id)
    rows = {r.unit_id: (r.present, r.attendee) for r in detail.attendance.itertuples()}
    assert rows[c.units["A"]] == (True, "张伟")
    assert rows[c.units["B"]][0] is True and pd.isna(rows[c.units["B"]][1])
    assert rows[c.units["C"]][0] is False and rows[c.units["D"]][0] is False
    entry = audits(c.engine, "meeting.attendance")[0]
    assert entry.after["attendance"] == {str(c.units["A"]): {"present": True, "attendee": "张伟"},
                                         str(c.units["B"]): {"present": True, "attendee": None}}
    with pytest.raises(ValidationFailed) as err:
        cm.set_attendance(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, now=NOW,
                          rows=[{"unit_id": c.units["E"], "present": True}])
    assert err.value.errors["attendance"][0] == "meeting_error.unknown_unit"
    listed = cm.meetings(c.engine, actor=c.actor("worker"), community_id=c.community_id)
    assert listed.iloc[0][["present", "absent", "outcomes"]].tolist() == [2, 2, 0]


def test_a_planned_meeting_records_nothing_yet(committee):
    c = committee
    meeting = plan(c)
    with pytest.raises(DomainError) as err:
        cm.add_outcome(c.engine, actor=c.actor("repa"), meeting_id=meeting.id,
                       data={"kind": "decision", "text": "x"}, now=NOW)
    assert err.value.key == "meeting_error.not_open"


def test_agenda_entries_are_marked_with_time_and_note(committee):
    c = committee
    add_claim(c, unit="A", name="助老服务", target=100, done=30, last_update=date(2026, 10, 10))
    meeting = opened(c)
    detail = cm.meeting_detail(c.engine, actor=c.actor("repa"), meeting_id=meeting.id)
    entry_id = int(detail.agenda.iloc[0]["id"])
    item = cm.mark_agenda_item(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, agenda_item_id=entry_id,
                               discussed=True, seconds=95, note=" 年底前补齐 ", now=NOW)
    assert (item.discussed, item.seconds, item.note) == (True, 95, "年底前补齐")
    item = cm.mark_agenda_item(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, agenda_item_id=entry_id,
                               seconds=120, now=NOW)
    assert (item.discussed, item.seconds, item.note) == (True, 120, "年底前补齐"), "None leaves a field unchanged"
    assert len(audits(c.engine, "meeting.agenda")) == 2
    with pytest.raises(ValidationFailed) as err:
        cm.mark_agenda_item(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, agenda_item_id=entry_id,
                            seconds=-1, now=NOW)
    assert "seconds" in err.value.errors
    with pytest.raises(DomainError) as err:
        cm.mark_agenda_item(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, agenda_item_id=entry_id + 999,
                            discussed=True, now=NOW)
    assert err.value.key == "error.not_found"


def test_an_action_item_needs_an_owner_and_a_due_date_not_before_the_meeting(committee):
    c = committee
    meeting = opened(c)
    with pytest.raises(ValidationFailed) as err:
        cm.add_outcome(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, now=NOW,
                       data={"kind": "action", "text": "修缮活动室", "owner": " ", "due": TODAY - timedelta(days=1)})
    assert err.value.errors["owner"][0] == "error.required"
    assert err.value.errors["due"][0] == "error.due_before_meeting"
    with pytest.raises(ValidationFailed) as err:
        cm.add_outcome(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, now=NOW,
                       data={"kind": "action", "text": "修缮活动室", "owner": "王工", "owner_unit_id": c.units["X"]})
    assert err.value.errors["owner_unit_id"][0] == "meeting_error.unknown_unit"
    with pytest.raises(ValidationFailed) as err:
        cm.add_outcome(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, now=NOW,
                       data={"kind": "decision", "text": "  "})
    assert err.value.errors["text"][0] == "error.required"
    assert count(c.engine, ActionItem) == 0 and not audits(c.engine, "meeting.outcome")
    action = cm.add_outcome(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, now=NOW,
                            data={"kind": "action", "text": "修缮活动室", "owner": "王工",
                                  "owner_unit_id": c.units["C"], "due": TODAY + timedelta(days=30)})
    decision = cm.add_outcome(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, now=NOW,
                              data={"kind": "decision", "text": "下次会议在学校召开", "owner": "忽略"})
    assert (action.kind, action.owner, action.owner_unit_id) == ("action", "王工", c.units["C"])
    assert (decision.kind, decision.owner, decision.due) == ("decision", None, None)
    entries = audits(c.engine, "meeting.outcome")
    assert [(e.entity, e.entity_id) for e in entries] == [("action_item", action.id), ("action_item", decision.id)]
    outcomes = cm.meeting_detail(c.engine, actor=c.actor("repa"), meeting_id=meeting.id).outcomes
    assert list(outcomes["kind"]) == ["action", "decision"] and outcomes.iloc[0]["owner_unit"] == "康盛物业"


def test_unfinished_action_items_carry_over_to_the_next_meeting(committee):
    c = committee
    first = opened(c)
    run = {"engine": c.engine, "actor": c.actor("repa"), "meeting_id": first.id, "now": NOW}
    done = cm.add_outcome(**run, data={"kind": "action", "text": "当场落实", "owner": "王工"})
    open_one = cm.add_outcome(**run, data={"kind": "action", "text": "修缮活动室", "owner": "李工",
                                           "owner_unit_id": c.units["B"], "due": TODAY + timedelta(days=20)})
    cm.add_outcome(**run, data={"kind": "decision", "text": "一项决定"})
    finished = cm.finish_action_item(c.engine, actor=c.actor("repa"), action_item_id=done.id, meeting_id=first.id,
                                     now=NOW)
    assert (finished.done, finished.done_on, finished.done_meeting_id) == (True, TODAY, first.id)
    present_all(c, first.id)
    cm.close_meeting(c.engine, actor=c.actor("repa"), meeting_id=first.id, summary=None, now=NOW)

    later = NOW + timedelta(days=61)
    second = plan(c, day=later.date(), chair_unit_id=c.units["B"])
    cm.open_meeting(c.engine, actor=c.actor("repb"), settings=c.settings, meeting_id=second.id, now=later)
    agenda = cm.meeting_detail(c.engine, actor=c.actor("repb"), meeting_id=second.id).agenda
    assert list(agenda["action_item_id"].dropna().astype(int)) == [open_one.id]
    assert agenda.iloc[0][["section", "text", "unit", "owner"]].tolist() == \
        ["carried", "修缮活动室", "第一技工学校", "李工"]

    with pytest.raises(PermissionDenied):  # the first meeting's chair does not run the second one
        cm.finish_action_item(c.engine, actor=c.actor("repa"), action_item_id=open_one.id, meeting_id=second.id,
                              now=later)
    row = cm.finish_action_item(c.engine, actor=c.actor("repb"), action_item_id=open_one.id, meeting_id=second.id,
                                now=later)
    assert (row.done_on, row.done_meeting_id) == (later.date(), second.id)
    with pytest.raises(DomainError) as err:
        cm.finish_action_item(c.engine, actor=c.actor("repb"), action_item_id=open_one.id, meeting_id=second.id,
                              now=later)
    assert err.value.key == "meeting_error.already_done"
    entry = audits(c.engine, "meeting.action_done")[-1]
    assert (entry.entity, entry.entity_id, entry.after["done"]) == ("action_item", open_one.id, True)
    agenda = cm.meeting_detail(c.engine, actor=c.actor("repb"), meeting_id=second.id).agenda
    assert bool(agenda.iloc[0]["finished"]) is True


def test_an_action_item_is_finished_outside_a_meeting_by_its_unit_or_the_secretary(committee):
    c = committee
    meeting = opened(c)
    run = {"engine": c.engine, "actor": c.actor("repa"), "meeting_id": meeting.id, "now": NOW}
    b_task = cm.add_outcome(**run, data={"kind": "action", "text": "修缮活动室", "owner": "李工",
                                         "owner_unit_id": c.units["B"]})
    other = cm.add_outcome(**run, data={"kind": "action", "text": "联系志愿者", "owner": "社区"})
    decision = cm.add_outcome(**run, data={"kind": "decision", "text": "一项决定"})
    with pytest.raises(PermissionDenied):
        cm.finish_action_item(c.engine, actor=c.actor("repc"), action_item_id=b_task.id, now=NOW)
    assert cm.finish_action_item(c.engine, actor=c.actor("repb"), action_item_id=b_task.id, now=NOW).done
    with pytest.raises(PermissionDenied):
        cm.finish_action_item(c.engine, actor=c.actor("repb"), action_item_id=other.id, now=NOW)
    assert cm.finish_action_item(c.engine, actor=c.actor("secretary"), action_item_id=other.id,
                                 now=NOW).done_meeting_id is None
    with pytest.raises(DomainError) as err:
        cm.finish_action_item(c.engine, actor=c.actor("secretary"), action_item_id=decision.id, now=NOW)
    assert err.value.key == "meeting_error.not_action"
    with pytest.raises(DomainError) as err:
        cm.finish_action_item(c.engine, actor=c.actor("other_secretary"), action_item_id=decision.id, now=NOW)
    assert err.value.key == "error.not_found"


# ------------------------------------------------------------------------------------------------------ closing


def test_closing_needs_someone_present_and_then_nothing_changes(committee):
    c = committee
    claim = add_claim(c, unit="A", name="助老服务", target=100, done=30, last_update=date(2026, 10, 10))
    meeting = opened(c)
    with pytest.raises(ValidationFailed) as err:
        cm.close_meeting(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, summary="总结", now=NOW)
    assert err.value.errors["attendance"][0] == "meeting_error.no_one_present"
    assert count(c.engine, CommitteeMeeting, CommitteeMeeting.status == "open") == 1
    present_all(c, meeting.id)
    closed = cm.close_meeting(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, summary=" 会议顺利 ", now=NOW)
    assert (closed.status, closed.closed_at, closed.summary) == ("closed", NOW, "会议顺利")
    entry = audits(c.engine, "meeting.close")[0]
    assert entry.before["status"] == "open" and entry.after["status"] == "closed" and entry.after["present"] == 3

    entry_id = int(cm.meeting_detail(c.engine, actor=c.actor("repa"), meeting_id=meeting.id).agenda.iloc[0]["id"])
    attempts = [
        lambda a: present_all(c, meeting.id, actor=a),
        lambda a: cm.add_outcome(c.engine, actor=c.actor(a), meeting_id=meeting.id, now=NOW,
                                 data={"kind": "decision", "text": "补一项"}),
        lambda a: cm.mark_agenda_item(c.engine, actor=c.actor(a), meeting_id=meeting.id, agenda_item_id=entry_id,
                                      discussed=True, now=NOW),
        lambda a: cm.close_meeting(c.engine, actor=c.actor(a), meeting_id=meeting.id, summary="x", now=NOW),
        lambda a: cm.open_meeting(c.engine, actor=c.actor(a), settings=c.settings, meeting_id=meeting.id, now=NOW),
    ]
    for attempt in attempts:
        for actor in ("repa", "secretary"):
            with pytest.raises(DomainError) as err:
                attempt(actor)
            assert err.value.key == "meeting_error.closed"
    with pytest.raises(DomainError) as err:
        cm.plan_meeting(c.engine, actor=c.actor("secretary"), settings=c.settings, meeting_id=meeting.id,
                        data={"kind": "progress", "day": TODAY, "chair_unit_id": c.units["A"]}, now=NOW)
    assert err.value.key == "meeting_error.closed"

    # progress entered after the meeting does not change what its record shows
    with transaction(c.engine) as s:
        s.add(ProgressUpdate(claim_id=claim, community_id=c.community_id, on=TODAY + timedelta(days=5), done=60,
                             created_at=NOW))
        s.get(Claim, claim).done = 60
    agenda = cm.meeting_detail(c.engine, actor=c.actor("repa"), meeting_id=meeting.id).agenda
    assert agenda.iloc[0][["done", "last_update_on"]].tolist() == [30, date(2026, 10, 10)]


# -------------------------------------------------------------------------------------------------------- reads


def test_meetings_list_numbers_progress_meetings_within_their_year(committee):
    c = committee
    add_meeting(c, day=date(2025, 11, 20), chair="C")
    first = add_meeting(c, day=date(2026, 7, 20), chair="A")
    annual = add_meeting(c, day=date(2026, 3, 1), chair="A", kind="annual")
    second = add_meeting(c, day=LAST_MEETING, chair="B")
    add_action(c, second, text="修缮活动室")
    add_meeting(c, day=LAST_MEETING, chair="X", community_id=c.other_id)
    listed = cm.meetings(c.engine, actor=c.actor("leader"), community_id=c.community_id, year=2026)
    assert list(listed.columns) == cm.MEETING_COLUMNS
    assert list(listed["id"]) == [second, first, annual]
    assert listed["number"].tolist()[:2] == [2, 1] and pd.isna(listed["number"].iloc[2])
    assert listed.iloc[0][["chair", "status", "outcomes"]].tolist() == ["第一技工学校", "closed", 1]
    assert len(cm.meetings(c.engine, actor=c.actor("leader"), community_id=c.community_id)) == 4
    assert cm.meetings(c.engine, actor=c.actor("other_secretary"), community_id=c.community_id).empty
    detail = cm.meeting_detail(c.engine, actor=c.actor("worker"), meeting_id=second)
    assert (detail.community, detail.number, detail.chair, detail.chair_representative) == \
        ("康盛社区", 2, "第一技工学校", "代表repb")
    assert detail.chair_representative_id == c.actor("repb").id
    assert cm.meeting_detail(c.engine, actor=c.actor("other_secretary"), meeting_id=second) is None
    assert cm.meeting_detail(c.engine, actor=c.actor("worker"), meeting_id=second + 999) is None


def test_claim_history_and_progress_entered_during_the_meeting(committee):
    c = committee
    claim = add_claim(c, unit="A", name="助老服务", target=100, done=30, last_update=date(2026, 10, 10))
    meeting = opened(c)
    with transaction(c.engine) as s:
        s.add(ProgressUpdate(claim_id=claim, community_id=c.community_id, on=TODAY, done=45, note="会上填报",
                             file_name="照片.jpg", file_data=b"jpg", meeting_id=meeting.id,
                             created_by=c.actor("repa").id, created_at=NOW))
    history = cm.claim_history(c.engine, actor=c.actor("leader"), claim_id=claim)
    assert list(history.columns) == cm.HISTORY_COLUMNS
    assert history[["on", "done", "note", "file_name", "meeting_id", "by"]].iloc[0].tolist() == \
        [TODAY, 45, "会上填报", "照片.jpg", meeting.id, "代表repa"]
    assert history[["on", "done", "note", "by"]].iloc[1].tolist() == \
        [date(2026, 10, 10), 30, "按计划推进", "代表secretary"]
    assert history[["file_name", "meeting_id"]].iloc[1].isna().all()
    assert cm.claim_history(c.engine, actor=c.actor("other_secretary"), claim_id=claim).empty
    progress = cm.meeting_detail(c.engine, actor=c.actor("repa"), meeting_id=meeting.id).progress
    assert progress[["claim_id", "unit", "item", "on", "done", "note"]].values.tolist() == [
        [claim, "市路桥公司", "助老服务", TODAY, 45, "会上填报"]]
