"""The whole 三会一评 loop through the public write and read functions, as the demo's secretary and recorder do it,
on SQLite and PostgreSQL: a topic raised at an opinion-collection meeting, discussed, decided at a decision meeting
the recorder runs from check-in to the vote, posted for public notice, carried out as a 365 matter, and reviewed
at the report-and-review meeting three months later, which closes the loop on the topic's timeline."""

from __future__ import annotations

import io
from datetime import time, timedelta

import docx
import pytest
from sqlalchemy import select

from data_access.council import meetings, writes
from data_access.council import queries as reads
from data_access.council.minutes import minutes_docx
from data_access.db import reading
from data_access.models import Grid
from tests.conftest import NOW

pytestmark = pytest.mark.db
SEATS = ["party", "grid_leader", "owners_committee", "owners_committee", "owners_committee", "owners_committee",
         "resident", "resident", "resident"]
NAMES = ["甲一", "甲二", "甲三", "甲四", "甲五", "甲六", "甲七", "甲八", "甲九"]
INTAKE = {"channel": "cadre", "sub_source": "home_visit", "category": "property", "urgency": "normal", "mode": "team"}


def _run(engine, settings, recorder, meeting_id: int, present: list[int], now) -> None:
    meetings.open_meeting(engine, actor=recorder, meeting_id=meeting_id, now=now)
    rows = [{"member_id": m, "status": "present"} for m in present]
    meetings.check_in(engine, actor=recorder, meeting_id=meeting_id, rows=rows, now=now)


def test_a_topic_goes_from_opinions_to_review_and_the_loop_closes(demo_engine, settings, actors):
    engine, secretary, recorder = demo_engine, actors["secretary"], actors["recorder"]
    community_id = next(g.community_id for g in secretary.grants)
    day0 = NOW.date()
    council = writes.save_council(engine, actor=secretary, settings=settings, now=NOW, data={
        "community_id": community_id, "name": "测试小区联席会议", "kind": "estate_joint", "estate": "测试小区",
        "established_on": day0 - timedelta(days=30), "active": True})
    ids = [writes.save_member(engine, actor=secretary, settings=settings, now=NOW, data={
        "council_id": council.id, "name": name, "seat": seat, "title": None, "term_start": day0 - timedelta(days=30),
        "term_end": None, "active": True, "convener": index == 0}).id
        for index, (name, seat) in enumerate(zip(NAMES, SEATS, strict=True))]

    # 群众意见收集会: the recorder notes the topic raised at the open meeting
    opinion = meetings.plan_meeting(engine, actor=secretary, settings=settings, now=NOW, data={
        "council_id": council.id, "kind": "opinion", "day": day0, "start_time": time(19), "place": "服务站",
        "chair_id": ids[0], "recorder": "孙雅琴", "observers": None, "topic_ids": [], "decision_ids": []})
    _run(engine, settings, recorder, opinion.id, ids[:7], NOW)
    topic = writes.save_topic(engine, actor=recorder, now=NOW, data={
        "council_id": council.id, "title": "加装电动车充电桩", "detail": None, "source": "opinion",
        "opinion_meeting_id": opinion.id, "opinions": "多位居民反映电动车在楼道充电有火灾隐患。", "raised_on": day0})
    meetings.close_meeting(engine, actor=recorder, meeting_id=opinion.id, summary=None, now=NOW)

    # 议题讨论会 a week later, then 议事决策会 two weeks later run by the recorder: six of nine present
    discuss_day, decide_day = day0 + timedelta(days=7), day0 + timedelta(days=14)
    later = NOW + timedelta(days=7)
    discussion = meetings.plan_meeting(engine, actor=secretary, settings=settings, now=NOW, data={
        "council_id": council.id, "kind": "discussion", "day": discuss_day, "start_time": None, "place": "服务站",
        "chair_id": ids[0], "recorder": "孙雅琴", "observers": None, "topic_ids": [topic.id], "decision_ids": []})
    _run(engine, settings, recorder, discussion.id, ids[:5], later)
    item = reads.meeting_detail(engine, actor=recorder, meeting_id=discussion.id).agenda.iloc[0]
    meetings.record_minutes(engine, actor=recorder, meeting_id=discussion.id, agenda_item_id=int(item["id"]),
                            minutes="物业同意提供场地，费用由公共收益列支。", now=later)
    meetings.close_meeting(engine, actor=recorder, meeting_id=discussion.id, summary=None, now=later)

    decided = NOW + timedelta(days=14)
    decision_meeting = meetings.plan_meeting(engine, actor=secretary, settings=settings, now=later, data={
        "council_id": council.id, "kind": "decision", "day": decide_day, "start_time": time(19), "place": "服务站",
        "chair_id": ids[0], "recorder": "孙雅琴", "observers": "街道办 王某", "topic_ids": [topic.id],
        "decision_ids": []})
    _run(engine, settings, recorder, decision_meeting.id, ids[:6], decided)
    decision = meetings.record_vote(engine, actor=recorder, settings=settings, meeting_id=decision_meeting.id,
                                    now=decided, data={
                                        "topic_id": topic.id, "text": "在3号楼东侧安装充电桩20个", "method": "hands",
                                        "votes_for": 5, "against": 1, "abstain": 0, "ballots": None,
                                        "owner": "物业公司", "due": decide_day + timedelta(days=60),
                                        "notice_start": None, "notice_end": None})
    meetings.close_meeting(engine, actor=recorder, meeting_id=decision_meeting.id, summary="通过一项决议", now=decided)
    assert (decision.status, decision.expected, decision.present, decision.quorum_met) == ("passed", 9, 6, True)
    assert (decision.notice_start, decision.notice_end) == (decide_day, decide_day + timedelta(days=7))

    # in notice, then carried out as a 365 matter, linked both ways
    in_notice, _ = reads.decisions(engine, actor=secretary, community_ids=(community_id,), council_id=council.id,
                                   show="in_notice", today=decide_day + timedelta(days=3))
    assert list(in_notice["id"]) == [decision.id]
    with reading(engine) as session:
        grid = session.execute(select(Grid.id).where(Grid.community_id == community_id)).scalars().first()
    matter = writes.follow_up_matter(engine, actor=secretary, settings=settings, decision_id=decision.id,
                                     data={**INTAKE, "grid_id": grid}, now=decided)
    assert list(reads.decisions_of_matter(engine, actor=secretary, matter_id=matter.id)["id"]) == [decision.id]

    # 述职评议 three months later: the owner reports, present members rate, the decision is carried out
    review_now = NOW + timedelta(days=105)
    review_day = review_now.date()
    due, _ = reads.decisions(engine, actor=secretary, community_ids=(community_id,), council_id=council.id,
                             show="due_for_review", today=review_day)
    assert list(due["id"]) == [decision.id]
    review = meetings.plan_meeting(engine, actor=secretary, settings=settings, now=review_now, data={
        "council_id": council.id, "kind": "review", "day": review_day, "start_time": time(19), "place": "服务站",
        "chair_id": ids[0], "recorder": "孙雅琴", "observers": None, "topic_ids": [],
        "decision_ids": [decision.id]})
    _run(engine, settings, recorder, review.id, ids[:7], review_now)
    meetings.record_review(engine, actor=recorder, meeting_id=review.id, settings=settings, now=review_now, data={
        "decision_id": decision.id, "reporter": "物业公司 经理", "report": "20个充电桩已安装并投入使用。",
        "ratings": {ids[1]: "satisfied", ids[2]: "basic"}, "outcome": "carried_out", "reason": None})
    meetings.close_meeting(engine, actor=recorder, meeting_id=review.id, summary=None, now=review_now)

    timeline = reads.topic_timeline(engine, actor=secretary, topic_id=topic.id)
    assert timeline.topic.stage == "reviewed"
    steps = list(timeline.steps["step"])
    assert steps == sorted(steps, key=["opinion", "topic", "discussion", "decision", "notice", "follow_up",
                                       "review"].index)
    assert {"opinion", "discussion", "decision", "notice", "follow_up", "review"} <= set(steps)
    reviewed = timeline.steps[timeline.steps["step"] == "review"].iloc[0]
    assert (reviewed["meeting_id"], reviewed["status"]) == (review.id, "carried_out")
    overdue, _ = reads.decisions(engine, actor=secretary, community_ids=(community_id,), council_id=council.id,
                                 show="overdue", today=review_day + timedelta(days=30))
    assert overdue.empty, "a decision carried out is never overdue"
    # the overview sums the counts each meeting kept at close; they agree with the attendance rows per member
    by_member, _ = reads.participation(engine, actor=secretary, community_ids=(community_id,), council_id=council.id)
    held = reads.overview(engine, actor=secretary, community_ids=(community_id,), year=review_day.year,
                          today=review_day, settings=settings)
    year_rows, _ = reads.participation(engine, actor=secretary, community_ids=(community_id,), year=review_day.year)
    assert held.participation == year_rows["present"].sum() / year_rows["expected"].sum()
    assert by_member["expected"].sum() >= year_rows["expected"].sum() > 0

    # the decision meeting's minutes state the quorum and the vote in words
    data = minutes_docx(engine, actor=secretary, settings=settings, meeting_id=decision_meeting.id, now=decided)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "应到9人，实到6人，超过半数，符合规定" in text
    assert "同意5票、反对1票、弃权0票，超过到会人数半数，表决通过" in text
