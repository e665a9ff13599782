"""Page tests (AppTest) of the progress-meeting pages: 推进会 (committee_meetings) and 主持模式 (committee_chair).

A small committee is built through the write functions: three member units in rotation (A and B with a
representative each, C without), two projects' items claimed by A and B, and a progress meeting planned for today
chaired by A, whose representative is `rep_a`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from sqlalchemy import select, update

from data_access import clock
from data_access.committee.meetings import meeting_detail, open_meeting, plan_meeting, set_attendance
from data_access.committee.writes import claim_item, record_progress, save_item, save_project, save_unit, set_rotation
from data_access.db import transaction
from data_access.models import ActionItem, AgendaItem, CommitteeMeeting, MeetingAttendance
from tests.pages_support import PageDb, page_db, run_page, texts

PAST_DAY = "会议日期不能早于今天"
NOT_REP = "轮值主持单位须为本社区现有的成员单位，并已指定单位代表。"
REQUIRED = "此项为必填项。"


@dataclass
class Committee:
    db: PageDb
    community_id: int
    units: dict[str, int]
    claims: dict[str, int]
    meeting_id: int

    def user(self, name: str) -> int:
        return self.db.users[name]

    def open(self, by: str = "rep_a") -> None:
        open_meeting(self.db.engine, actor=self.db.actor(by), settings=self.db.settings, meeting_id=self.meeting_id)

    def attend(self, *names: str, by: str = "rep_a") -> None:
        set_attendance(self.db.engine, actor=self.db.actor(by), meeting_id=self.meeting_id,
                       rows=[{"unit_id": self.units[n], "present": True, "attendee": f"{n}代表"} for n in names])

    def detail(self):
        return meeting_detail(self.db.engine, actor=self.db.actor("secretary"), meeting_id=self.meeting_id)


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    with page_db(tmp_path, "empty", demo=False, monkeypatch=monkeypatch) as db:
        community_id, _ = db.add_place()
        db.add_user("leader", "leader")
        db.add_user("secretary", "secretary", community_id)
        db.add_user("unitrep", "unitrep", community_id)
        yield db


@pytest.fixture
def committee(tmp_path, monkeypatch):
    with page_db(tmp_path, "committee", demo=False, monkeypatch=monkeypatch) as db:
        community_id, _ = db.add_place()
        db.add_user("leader", "leader")
        db.add_user("secretary", "secretary", community_id)
        for name in ("rep_a", "rep_b"):
            db.add_user(name, "unitrep", community_id)
        secretary, settings, today = db.actor("secretary"), db.settings, clock.today()
        start = date(today.year, 1, 1)
        units = {}
        for name, kind, rep in (("A", "enterprise", "rep_a"), ("B", "school", "rep_b"), ("C", "agency", None)):
            unit = save_unit(db.engine, actor=secretary, settings=settings, data={
                "community_id": community_id, "name": f"测试单位{name}", "kind": kind, "party_members": 5,
                "representative_id": db.users[rep] if rep else None, "joined_on": start - timedelta(days=400)})
            units[name] = unit.id
        set_rotation(db.engine, actor=secretary, community_id=community_id, order=list(units.values()))
        project = save_project(db.engine, actor=secretary, data={
            "community_id": community_id, "year": today.year, "name": "关爱老人项目", "detail": "为独居老人服务"})
        claims = {}
        for name, item_name, target in (("A", "上门探访独居老人", 20), ("B", "义诊进社区", 10)):
            item = save_item(db.engine, actor=secretary, data={
                "project_id": project.id, "name": item_name, "target": target, "unit": "次",
                "period_start": start, "period_end": date(today.year, 12, 31), "beneficiaries": "独居老人"})
            claim = claim_item(db.engine, actor=secretary, settings=settings, item_id=item.id, unit_id=units[name])
            claims[name] = claim.id
        record_progress(db.engine, actor=db.actor("rep_a"), settings=settings, claim_id=claims["A"],
                        data={"on": today, "done": 4, "note": "已探访 4 户"})
        meeting = plan_meeting(db.engine, actor=secretary, settings=settings, data={
            "community_id": community_id, "kind": "progress", "day": today, "place": "社区党群服务中心",
            "chair_unit_id": units["A"]})
        yield Committee(db=db, community_id=community_id, units=units, claims=claims, meeting_id=meeting.id)


def button_keys(at) -> set[str]:
    return {b.key for b in at.button}


def markdowns(at) -> str:
    return "\n".join(texts(at.markdown))


# --- both pages render -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["leader", "secretary", "unitrep"])
def test_pages_render_on_an_empty_database(empty_db, user):
    at = run_page("committee_meetings", empty_db.users[user])
    assert not at.exception
    assert texts(at.title) == ["推进会"]
    info = " ".join(texts(at.info))
    assert "成员单位" in info or "联合党委" in info, "the empty state says what to do next"
    at = run_page("committee_chair", empty_db.users[user])
    assert not at.exception
    if user == "leader":
        assert texts(at.error) == ["您的角色无权使用此页面。"]
    else:
        assert texts(at.title) == ["主持模式"]
        assert "今天没有要主持的推进会" in " ".join(texts(at.info))
        assert not at.button


@pytest.mark.parametrize("user", ["leader", "secretary", "rep_a", "rep_b"])
def test_pages_render_for_every_role(committee, user):
    at = run_page("committee_meetings", committee.user(user))
    assert not at.exception
    assert texts(at.title) == ["推进会"]
    assert "测试单位A" in markdowns(at), "the planned meeting and its chair are shown"
    assert at.selectbox(key="meetings_pick").value == committee.meeting_id
    assert ("meetings_plan_save" in button_keys(at)) is (user == "secretary"), "only the secretary plans"
    at = run_page("committee_chair", committee.user(user))
    assert not at.exception
    if user == "leader":
        assert texts(at.error) == ["您的角色无权使用此页面。"]
    else:
        assert texts(at.title) == ["主持模式"]


# --- planning: bad input is refused next to the field, the input kept ----------------------------------------------


def test_planning_a_meeting_in_the_past_shows_the_message_and_keeps_the_input(committee):
    at = run_page("committee_meetings", committee.user("secretary"))
    yesterday = clock.today() - timedelta(days=1)
    at.date_input(key="meetings_plan_day").set_value(yesterday)
    at.text_input(key="meetings_plan_place").input("社区会议室")
    at.button(key="meetings_plan_save").click().run()
    assert not at.exception
    assert any(PAST_DAY in e for e in texts(at.error))
    assert at.date_input(key="meetings_plan_day").value == yesterday, "the input is kept"
    assert at.text_input(key="meetings_plan_place").value == "社区会议室"
    assert len(committee.db.engine.connect().exec_driver_sql("SELECT id FROM committee_meeting").all()) == 1


def test_planning_with_a_chair_without_representative_is_refused(committee):
    at = run_page("committee_meetings", committee.user("secretary"))
    at.selectbox(key="meetings_plan_chair_unit_id").set_value(committee.units["C"])
    at.date_input(key="meetings_plan_day").set_value(clock.today() + timedelta(days=30))
    at.button(key="meetings_plan_save").click().run()
    assert not at.exception
    assert NOT_REP in texts(at.error)
    assert at.selectbox(key="meetings_plan_chair_unit_id").value == committee.units["C"]


def test_planning_a_meeting_shows_it(committee):
    later = clock.today() + timedelta(days=60)
    at = run_page("committee_meetings", committee.user("secretary"))
    at.selectbox(key="meetings_plan_chair_unit_id").set_value(committee.units["B"])
    at.date_input(key="meetings_plan_day").set_value(later)
    at.button(key="meetings_plan_save").click().run()
    assert not at.exception
    assert not at.error
    assert any("已计划" in s for s in texts(at.success))
    assert not at.warning, "the year switched to the meeting's without a widget warning"
    shown = at.selectbox(key="meetings_pick").value
    assert shown != committee.meeting_id, "the meeting just planned is opened"
    assert "测试单位B" in " ".join(texts(at.text))


# --- who gets the controls -------------------------------------------------------------------------------------


def test_the_chair_representative_may_open_the_meeting_and_another_unit_may_not(committee):
    at = run_page("committee_meetings", committee.user("rep_a"))
    assert "meeting_open" in button_keys(at)
    at = run_page("committee_meetings", committee.user("rep_b"))
    assert "meeting_open" not in button_keys(at)
    at = run_page("committee_chair", committee.user("rep_a"))
    assert "chair_open" in button_keys(at)
    at = run_page("committee_chair", committee.user("rep_b"))
    assert not at.exception
    assert any("测试单位A" in w and "轮值主持" in w for w in texts(at.warning))
    assert not at.button and not at.text_input and not at.number_input


def test_chair_mode_opens_the_meeting_and_checks_in(committee):
    at = run_page("committee_chair", committee.user("rep_a"))
    at.button(key="chair_open").click().run()
    assert not at.exception
    detail = committee.detail()
    assert detail.meeting.status == "open"
    assert len(detail.agenda) == 2 and len(detail.attendance) == 3
    a, b = committee.units["A"], committee.units["B"]
    at.checkbox(key=f"chair_attendance_present_{a}").check()
    at.text_input(key=f"chair_attendance_attendee_{a}").input("赵建国")
    at.checkbox(key=f"chair_attendance_present_{b}").check()
    at.button(key="chair_attendance_save").click().run()
    assert not at.exception
    with transaction(committee.db.engine) as session:
        rows = {r.unit_id: (r.present, r.attendee) for r in session.execute(select(MeetingAttendance)).scalars()}
    assert rows == {a: (True, "赵建国"), b: (True, None), committee.units["C"]: (False, None)}
    assert "议题 1 / 2" in markdowns(at), "after check-in the agenda starts"
    assert {"chair_next", "chair_prev"} <= button_keys(at)


def test_another_units_representative_sees_the_open_meeting_without_controls(committee):
    committee.open()
    at = run_page("committee_chair", committee.user("rep_b"))
    assert not at.exception
    assert at.warning and not at.button
    at = run_page("committee_meetings", committee.user("rep_b"))
    assert not at.exception
    keys = button_keys(at)
    assert not {"meeting_close", "meeting_attendance_save", "meeting_outcome_save"} & keys
    assert not at.checkbox


# --- the agenda, one item at a time -------------------------------------------------------------------------------


def test_next_and_previous_move_through_the_agenda_and_save_the_time_and_note(committee):
    committee.open()
    committee.attend("A", "B")
    at = run_page("committee_chair", committee.user("rep_a"))
    assert "议题 1 / 2" in markdowns(at)
    assert at.button(key="chair_prev").disabled
    first = committee.detail().agenda.sort_values("position").iloc[0]
    assert at.text_area(key=f"chair_note_{first['id']}").value == "", "an item without a note starts empty, not 'nan'"
    at.text_area(key=f"chair_note_{first['id']}").input("请加快进度")
    at.button(key="chair_next").click().run()
    assert not at.exception
    assert "议题 2 / 2" in markdowns(at)
    assert at.button(key="chair_next").label == "完成，进入小结"
    saved = committee.detail().agenda.set_index("id").loc[first["id"]]
    assert bool(saved["discussed"]) and saved["note"] == "请加快进度" and saved["seconds"] >= 0
    at.button(key="chair_prev").click().run()
    assert "议题 1 / 2" in markdowns(at)
    assert at.text_area(key=f"chair_note_{first['id']}").value == "请加快进度"
    at.button(key="chair_next").click().run()
    at.button(key="chair_next").click().run()
    assert not at.exception
    assert "会议小结" in texts(at.subheader)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["出席单位"] == "2 / 3" and metrics["已讨论议题"] == "2 / 2"


def test_progress_entry_in_chair_mode_refuses_too_much_and_saves(committee):
    committee.open()
    committee.attend("A")
    at = run_page("committee_chair", committee.user("rep_a"))
    agenda = committee.detail().agenda.sort_values("position")
    shown = agenda.iloc[0]
    key = f"chair_progress_{shown['id']}_done"
    at.number_input(key=key).set_value(float(shown["pledge"]) + 5)
    at.button(key=f"chair_progress_{shown['id']}_save").click().run()
    assert not at.exception
    assert any("不能超过" in e for e in texts(at.error)), "the message next to the field"
    assert at.number_input(key=key).value == float(shown["pledge"]) + 5, "the input is kept"
    at.number_input(key=key).set_value(float(shown["pledge"]) - 1)
    at.button(key=f"chair_progress_{shown['id']}_save").click().run()
    assert not at.exception
    assert any("进度已保存" in s for s in texts(at.success))
    detail = committee.detail()
    assert list(detail.progress["done"]) == [float(shown["pledge"]) - 1], "recorded in this meeting"


# --- decisions and action items -----------------------------------------------------------------------------------


def test_an_action_item_without_owner_is_refused(committee):
    committee.open()
    at = run_page("committee_meetings", committee.user("rep_a"))
    at.radio(key="meeting_outcome_kind").set_value("action")
    at.text_area(key="meeting_outcome_text").input("下月前完成剩余探访")
    at.button(key="meeting_outcome_save").click().run()
    assert not at.exception
    assert REQUIRED in texts(at.error)
    assert at.text_area(key="meeting_outcome_text").value == "下月前完成剩余探访", "the input is kept"
    with transaction(committee.db.engine) as session:
        assert not session.execute(select(ActionItem)).first(), "nothing written"
    at.text_input(key="meeting_outcome_owner").input("赵建国")
    at.selectbox(key="meeting_outcome_owner_unit_id").set_value(committee.units["A"])
    at.button(key="meeting_outcome_save").click().run()
    assert not at.exception
    assert "已记录。" in texts(at.success)
    assert at.text_area(key="meeting_outcome_text_r1").value == "", "the form starts afresh"
    assert committee.detail().outcomes["owner"].tolist() == ["赵建国"]


def test_chair_summary_adds_a_decision_and_closes_the_meeting(committee):
    committee.open()
    at = run_page("committee_chair", committee.user("rep_a"), **{f"chair_stage_{committee.meeting_id}": "summary"})
    assert not at.exception
    at.button(key="chair_close").click().run()
    assert "请至少登记一个出席单位，再结束会议。" in texts(at.error), "nobody present: not closed"
    committee.attend("A", "B")
    at.radio(key="chair_outcome_kind").set_value("decision")
    at.text_area(key="chair_outcome_text").input("各单位于月底前补报进度")
    at.button(key="chair_outcome_save").click().run()
    assert not at.exception
    assert "已记录。" in texts(at.success)
    assert "请至少登记一个出席单位，再结束会议。" not in texts(at.error), "the refusal went with its cause"
    at.text_area(key="chair_close_summary").input("会议按议程进行。")
    at.button(key="chair_close").click().run()
    assert not at.exception
    detail = committee.detail()
    assert detail.meeting.status == "closed" and detail.meeting.summary == "会议按议程进行。"
    assert detail.outcomes["kind"].tolist() == ["decision"]
    assert [d.proto.label for d in at.get("download_button")] == ["会议纪要（Word）"]
    at = run_page("committee_meetings", committee.user("leader"))
    assert not at.exception
    assert [d.proto.label for d in at.get("download_button")] == ["会议纪要（Word）"]
    assert not {"meeting_close", "meeting_outcome_save"} & button_keys(at)


def test_meeting_record_for_the_secretary_while_open(committee):
    committee.open()
    with transaction(committee.db.engine) as session:
        assert len(session.execute(select(AgendaItem)).all()) == 2
    at = run_page("committee_meetings", committee.user("secretary"))
    assert not at.exception
    keys = button_keys(at)
    assert {"meeting_attendance_save", "meeting_outcome_save", "meeting_close"} <= keys
    a = committee.units["A"]
    at.checkbox(key=f"meeting_attendance_present_{a}").check()
    at.button(key="meeting_attendance_save").click().run()
    assert not at.exception
    assert "签到已保存。" in texts(at.success)
    assert "出席 1 家，缺席 2 家。" in texts(at.caption)


# --- the demo committee ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("user", ["leader", "secretary", "unitrep"])
def test_pages_render_on_demo_data(demo_db, user):
    at = run_page("committee_meetings", demo_db.users[user])
    assert not at.exception
    assert texts(at.title) == ["推进会"]
    assert at.dataframe, "the meetings of the year are listed"
    picked = at.selectbox(key="meetings_pick")
    assert "计划中" in picked.format_func(picked.value), "today's planned meeting is opened first"
    assert ("meeting_open" in button_keys(at)) is (user in ("secretary", "unitrep"))
    at = run_page("committee_chair", demo_db.users[user])
    assert not at.exception
    if user == "leader":
        assert texts(at.error) == ["您的角色无权使用此页面。"]
    else:
        assert "chair_open" in button_keys(at), "the demo's next meeting is planned for today, chaired by unitrep"


def test_demo_chair_runs_the_whole_agenda(demo_db):
    at = run_page("committee_chair", demo_db.users["unitrep"])
    at.button(key="chair_open").click().run()
    assert not at.exception
    boxes = [c for c in at.checkbox if c.key.startswith("chair_attendance_present_")]
    assert len(boxes) >= 10
    for box in boxes[:-2]:
        box.check()
    at.button(key="chair_attendance_save").click().run()
    assert not at.exception
    total = int(re.search(r"议题 1 / (\d+)", markdowns(at)).group(1))
    assert total > 10
    sections = []
    for n in range(1, total + 1):
        text = markdowns(at)
        assert f"议题 {n} / {total}" in text
        sections.append(re.search(r":(\w+)-badge\[([^\]]+)\]", text.split("议题")[0].splitlines()[-1]).group(2))
        at.button(key="chair_next").click().run()
        assert not at.exception
    order = ["上次待办", "进度滞后", "未更新", "其他"]
    assert [order.index(s) for s in sections] == sorted(order.index(s) for s in sections), "the agenda's order"
    assert "会议小结" in texts(at.subheader)
    at.button(key="chair_close").click().run()
    assert not at.exception
    assert any("推进会已结束" in s for s in texts(at.success))


def test_chair_mode_finds_a_meeting_still_open_from_last_year(committee):
    committee.open()
    committee.attend("A")
    with transaction(committee.db.engine) as session:
        session.execute(update(CommitteeMeeting).where(CommitteeMeeting.id == committee.meeting_id)
                        .values(day=date(clock.today().year - 1, 12, 30)))
    at = run_page("committee_chair", committee.user("rep_a"))
    assert not at.exception
    assert {"chair_next", "chair_to_summary"} & button_keys(at) or "chair_attendance_save" in button_keys(at), \
        "the meeting held over New Year is still run from chair mode"


def test_a_meeting_is_in_the_address_and_its_link_opens_it(demo_db):
    """A meeting's address (?id=) opens that meeting, even of another year than the one shown first; the meeting
    shown is always in the address, so that the address bar can be copied or bookmarked."""
    with demo_db.engine.connect() as conn:
        first_id, first_day = conn.execute(select(CommitteeMeeting.id, CommitteeMeeting.day)
                                           .order_by(CommitteeMeeting.day).limit(1)).one()
    at = run_page("committee_meetings", demo_db.users["secretary"])
    shown = at.selectbox(key="meetings_pick").value
    assert shown != first_id and at.query_params["id"] == str(shown)
    at = run_page("committee_meetings", demo_db.users["secretary"], record=first_id)
    assert not at.exception and not at.warning
    assert at.selectbox(key="meetings_pick").value == first_id
    assert at.selectbox(key="meetings_year").value == first_day.year
    assert at.query_params["id"] == str(first_id)
    at = run_page("committee_meetings", demo_db.users["secretary"], record=10**9)
    assert texts(at.warning)[:1] == ["未找到该会议，或不在您的查看范围内。"]
    assert at.query_params["id"] == str(at.selectbox(key="meetings_pick").value), "the address names the meeting shown"
