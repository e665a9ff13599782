"""Reads of the resident council (data_access/council/queries.py) on SQLite and (with TEST_DATABASE_URL) PostgreSQL:
two communities with councils, members, meetings of every kind, attendance, decisions, reviews and follow-ups
written directly with the models; every figure is checked against a hand count."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time

import pandas as pd
import pytest
from sqlalchemy import event, select

from data_access.cli import add_community
from data_access.council import queries as q
from data_access.db import transaction
from data_access.models import (
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
    Grid,
    Matter,
    Need,
    User,
)
from domain.access import Actor, grants_for
from domain.errors import ValidationFailed
from tests.conftest import NOW

pytestmark = pytest.mark.db

TODAY = NOW.date()  # 2026-11-20
YEAR = 2026
D = date.fromisoformat
STATUS = {"P": "present", "A": "absent", "E": "excused"}


@dataclass
class Fixture:
    """Ids of the rows written, by short name, and the actors."""

    engine: object = None
    a: int = 0
    b: int = 0
    councils: dict[str, int] = field(default_factory=dict)
    members: dict[str, int] = field(default_factory=dict)
    topics: dict[str, int] = field(default_factory=dict)
    meetings: dict[str, int] = field(default_factory=dict)
    decisions: dict[str, int] = field(default_factory=dict)
    reviews: dict[str, int] = field(default_factory=dict)
    matters: dict[str, int] = field(default_factory=dict)
    numbers: dict[str, str] = field(default_factory=dict)
    needs: dict[str, int] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)

    def names(self, kind: str, ids) -> list[str]:
        by_id = {v: k for k, v in getattr(self, kind).items()}
        return [by_id[int(i)] for i in ids]


def _add(session, row):
    session.add(row)
    session.flush()
    return row.id


def build(engine, settings) -> Fixture:
    """Community A (康盛社区): council CA1 (居民议事会, members M1-M6, M6 inactive since 2026-06-30) with meetings
    MY (2025 decision), MO (opinion), MD (discussion), MV (decision), MA (ad hoc, no quorum), MR (review), MX (an
    open decision meeting two days ago) and MP (a planned discussion); council CA2 (小区联席会议, N1-N3) with one
    closed discussion MJ; CA3 inactive and empty. Community B (康和社区): council CB (K1, K2) with one decision
    meeting MB. Today is 2026-11-20."""
    f = Fixture(engine=engine)
    f.a = add_community(engine, street="测试街道", name="康盛社区", code="KS", grids=1)
    f.b = add_community(engine, street="测试街道", name="康和社区", code="KH", grids=1)
    a, b = f.a, f.b
    users = {}
    with transaction(engine) as s:
        for username in ("secretary_a", "worker_a", "worker_b", "leader", "unitrep_a", "recorder_a"):
            users[username] = _add(s, User(username=username, display_name=username, password_hash="x",
                                           created_at=NOW))
        grid = {cid: s.execute(select(Grid.id).where(Grid.community_id == cid)).scalars().first() for cid in (a, b)}
        for key, cid, number, day, text in (("X", a, "KS202606010000001", "2026-06-01", "楼道堆物清理（议事会转办）"),
                                            ("Y", a, "KS202609200000002", "2026-09-20", "小区停车难"),
                                            ("Z", b, "KH202607050000003", "2026-07-05", "加装电梯")):
            f.matters[key] = _add(s, Matter(
                number=number, registered_at=datetime.fromisoformat(f"{day}T10:00:00+08:00"), channel="visit",
                sub_source="walk_in", community_id=cid, grid_id=grid[cid], description=text, category="environment",
                urgency="normal", mode="immediate", deadline=D(day), updated_at=NOW))
            f.numbers[key] = number
        c = f.councils
        c["CA1"] = _add(s, Council(community_id=a, name="康盛社区居民议事会", kind="resident_council",
                                   established_on=D("2024-01-01"), updated_at=NOW))
        c["CA2"] = _add(s, Council(community_id=a, name="幸福里小区联席会议", kind="estate_joint", estate="幸福里",
                                   established_on=D("2025-03-01"), updated_at=NOW))
        c["CA3"] = _add(s, Council(community_id=a, name="旧议事会", kind="resident_council",
                                   established_on=D("2020-01-01"), active=False, updated_at=NOW))
        c["CB"] = _add(s, Council(community_id=b, name="康和社区居民议事会", kind="resident_council",
                                  established_on=D("2024-01-01"), updated_at=NOW))
        m = f.members
        for key, council, cid, name, seat, title, convener, active, term_end in (
                ("M1", "CA1", a, "张伟", "party", "社区党委书记", True, True, None),
                ("M2", "CA1", a, "李娜", "residents_committee", "居委会主任", False, True, None),
                ("M3", "CA1", a, "王芳", "owners_committee", "业委会主任", False, True, None),
                ("M4", "CA1", a, "赵强", "property", "物业经理", False, True, None),
                ("M5", "CA1", a, "刘洋", "resident", "3号楼居民", False, True, None),
                ("M6", "CA1", a, "陈静", "resident", "5号楼居民", False, False, "2026-06-30"),
                ("N1", "CA2", a, "周敏", "residents_committee", None, True, True, None),
                ("N2", "CA2", a, "吴磊", "owners_committee", None, False, True, None),
                ("N3", "CA2", a, "郑丽", "property", None, False, True, None),
                ("K1", "CB", b, "孙浩", "party", None, True, True, None),
                ("K2", "CB", b, "马丽", "resident", None, False, True, None)):
            m[key] = _add(s, CouncilMember(community_id=cid, council_id=c[council], name=name, seat=seat, title=title,
                                           term_start=D("2024-01-01"), term_end=D(term_end) if term_end else None,
                                           active=active, convener=convener, updated_at=NOW))
        mt = f.meetings
        ca1 = ("M1", "M2", "M3", "M4", "M5", "M6")
        for key, council, cid, kind, day, status, who, marks in (
                ("MY", "CA1", a, "decision", "2025-11-10", "closed", ca1, "PPPPAP"),
                ("MO", "CA1", a, "opinion", "2026-03-05", "closed", ca1, "PPAEPP"),
                ("MD", "CA1", a, "discussion", "2026-04-10", "closed", ca1, "PPPAPA"),
                ("MV", "CA1", a, "decision", "2026-05-20", "closed", ca1, "PPPPEP"),
                ("MJ", "CA2", a, "discussion", "2026-06-01", "closed", ("N1", "N2", "N3"), "PPA"),
                ("MB", "CB", b, "decision", "2026-07-01", "closed", ("K1", "K2"), "PP"),
                ("MA", "CA1", a, "ad_hoc", "2026-08-15", "closed", ca1[:5], "PAAAA"),
                ("MR", "CA1", a, "review", "2026-10-28", "closed", ca1[:5], "PPPPP"),
                ("MX", "CA1", a, "decision", "2026-11-18", "open", ca1[:5], "PPPAA"),
                ("MP", "CA1", a, "discussion", "2026-12-05", "planned", (), "")):
            mt[key] = _add(s, CouncilMeeting(
                community_id=cid, council_id=c[council], kind=kind, day=D(day), start_time=time(19, 0),
                place="Room A 会议室" if key == "MX" else "康盛社区党群服务中心" if key == "MO" else "社区议事厅",
                chair_id=m[who[0]] if who else m["M1"], recorder="孙雅琴", observers="街道办王主任、派出所李警官",
                status=status, opened_at=NOW if status != "planned" else None,
                closed_at=NOW if status == "closed" else None,
                summary="评议两项决议" if key == "MR" else "会议顺利" if status == "closed" else None, updated_at=NOW,
                **({"expected": len(marks), "present": marks.count("P"), "excused": marks.count("E")}
                   if status == "closed" else {})))  # as close_meeting counts them
            for member, mark in zip(who, marks, strict=True):
                s.add(CouncilAttendance(meeting_id=mt[key], member_id=m[member], status=STATUS[mark],
                                        checked_in_at=NOW if mark == "P" else None))
        t = f.topics
        for key, council, cid, title, detail, source, raised, stage, extra in (
                ("T5", "CA1", a, "绿化补种", None, "opinion", "2025-10-01", "reviewed", {}),
                ("T7", "CA1", a, "更换小区路灯", None, "member", "2026-02-01", "withdrawn", {"member_id": m["M2"]}),
                ("T1", "CA1", a, "楼道堆物清理", "三号楼楼道堆物多", "opinion", "2026-03-05", "reviewed",
                 {"opinion_meeting_id": mt["MO"]}),
                ("T2", "CA1", a, "增设电动车充电桩", None, "member", "2026-04-01", "rejected", {"member_id": m["M5"]}),
                ("T6", "CA1", a, "修缮活动室", None, "member", "2026-04-02", "implementing", {"member_id": m["M1"]}),
                ("T8", "CA2", a, "幸福里停车位划线", None, "member", "2026-05-15", "discussed", {"member_id": m["N1"]}),
                ("TB", "CB", b, "康和小区加装电梯", None, "matter", "2026-06-20", "decided",
                 {"matter_id": f.matters["Z"]}),
                ("TB2", "CB", b, "康和路灯", None, "member", "2026-09-01", "raised", {"member_id": m["K2"]}),
                ("T3", "CA1", a, "小区停车管理", None, "matter", "2026-10-01", "decided",
                 {"matter_id": f.matters["Y"]}),
                ("T4", "CA1", a, "垃圾分类督导", None, "member", "2026-11-01", "raised", {"member_id": m["M3"]})):
            t[key] = _add(s, CouncilTopic(community_id=cid, council_id=c[council], title=title, detail=detail,
                                          source=source, raised_on=D(raised), stage=stage, updated_at=NOW, **extra))
        d = f.decisions
        for key, meeting, topic, text, method, counts, expected, present, status, owner, due, notice in (
                ("D5", "MY", "T5", "补种小区绿化", "hands", (5, 0, 0), 6, 5, "passed", "物业公司", "2026-01-31",
                 ("2025-11-10", "2025-11-17")),
                ("D1", "MV", "T1", "清理三号楼楼道堆物", "named", (3, 1, 1), 6, 5, "passed", "康盛物业", "2026-09-30",
                 ("2026-05-20", "2026-05-27")),
                ("D2", "MV", "T2", "在小区东侧增设电动车充电桩", "hands", (2, 3, 0), 6, 5, "rejected", None, None,
                 None),
                ("D6", "MV", "T6", "拨款维修二楼活动室", "hands", (4, 1, 0), 6, 5, "passed", "社区居委会", "2026-10-31",
                 ("2026-05-21", "2026-05-28")),
                ("DB", "MB", "TB", "康和小区加装电梯", "hands", (2, 0, 0), 2, 2, "passed", "康和物业", "2026-08-01",
                 ("2026-07-01", "2026-07-08")),
                ("D3", "MA", "T2", "在小区东侧增设电动车充电桩（复议）", "hands", (1, 0, 0), 5, 1, "invalid", None,
                 None, None),
                ("D4", "MX", "T3", "划定临时停车区", "hands", (3, 0, 0), 5, 3, "passed", "社区居委会", "2026-11-30",
                 ("2026-11-18", "2026-11-25"))):
            meeting_row = s.get(CouncilMeeting, mt[meeting])
            d[key] = _add(s, CouncilDecision(
                community_id=meeting_row.community_id, council_id=meeting_row.council_id, meeting_id=mt[meeting],
                topic_id=t[topic], text=text, method=method, votes_for=counts[0], against=counts[1],
                abstain=counts[2], expected=expected, present=present, quorum_met=status != "invalid", status=status,
                owner=owner, due=D(due) if due else None, notice_start=D(notice[0]) if notice else None,
                notice_end=D(notice[1]) if notice else None, decided_on=meeting_row.day, updated_at=NOW))
        s.get(CouncilDecision, d["D1"]).matter_id = f.matters["X"]
        for decision, outcome in (("D1", "carried_out"), ("D5", "partly")):
            row = s.get(CouncilDecision, d[decision])
            row.outcome, row.reviewed_on = outcome, D("2026-10-28")
        for member, choice in (("M1", "for"), ("M2", "for"), ("M3", "for"), ("M4", "against"), ("M6", "abstain")):
            s.add(CouncilBallot(decision_id=d["D1"], member_id=m[member], choice=choice))
        f.needs["need"] = _add(s, Need(community_id=a, title="活动室维修", source="council",
                                       council_decision_id=d["D6"], raised_on=D("2026-06-10")))
        r = f.reviews
        r["R1"] = _add(s, CouncilReview(community_id=a, decision_id=d["D1"], meeting_id=mt["MR"],
                                        reporter="康盛物业王经理", report="已清理楼道堆物", outcome="carried_out",
                                        reviewed_on=D("2026-10-28")))
        r["R2"] = _add(s, CouncilReview(community_id=a, decision_id=d["D5"], meeting_id=mt["MR"], reporter="物业公司",
                                        report="完成一半", outcome="partly", reason="资金未到位",
                                        reviewed_on=D("2026-10-28")))
        for review, member, rating in (("R1", "M5", "unsatisfied"), ("R1", "M3", "basic"), ("R1", "M1", "satisfied"),
                                       ("R1", "M2", "satisfied"), ("R2", "M1", "basic")):
            s.add(CouncilRating(review_id=r[review], member_id=m[member], rating=rating))
        for meeting, position, topic, decision, minutes, discussed in (
                ("MY", 1, "T5", None, "同意补种", True),
                ("MO", 1, "T1", None, "居民反映三号楼楼道堆物", True),
                ("MD", 1, "T1", None, "讨论清理方案", True),
                ("MD", 2, "T2", None, "充电桩选址争议大", True),
                ("MV", 1, "T1", None, "物业承诺九月底前清理", True),
                ("MV", 2, "T2", None, None, True),
                ("MV", 3, "T6", None, None, True),
                ("MJ", 1, "T8", None, "划线方案", True),
                ("MB", 1, "TB", None, None, True),
                ("MA", 1, "T2", None, None, True),
                ("MR", 1, None, "D1", "物业汇报清理情况", True),
                ("MR", 2, None, "D5", None, True),
                ("MX", 1, "T3", None, "居民希望夜间可临时停车", False),
                ("MP", 1, "T4", None, None, False)):
            s.add(CouncilAgendaItem(meeting_id=mt[meeting], position=position, topic_id=t[topic] if topic else None,
                                    decision_id=d[decision] if decision else None, minutes=minutes,
                                    discussed=discussed, seconds=300 if minutes else 0))
    actor = lambda name, *grants: Actor(users[name], name, name, grants_for(settings, list(grants)))  # noqa: E731
    f.actors = {"secretary_a": actor("secretary_a", ("secretary", a, None)),
                "worker_a": actor("worker_a", ("worker", a, None)),
                "worker_b": actor("worker_b", ("worker", b, None)),
                "recorder_a": actor("recorder_a", ("recorder", a, None)),
                "leader": actor("leader", ("leader", None, None)),
                "unitrep_a": actor("unitrep_a", ("unitrep", a, None))}
    return f


@pytest.fixture
def council(engine, settings):
    return build(engine, settings)


def _rows(df: pd.DataFrame, columns: list[str]) -> list[tuple]:
    return [tuple(r) for r in df[columns].itertuples(index=False)]


# --- councils and members --------------------------------------------------------------------------------------

def test_council_communities_follow_council_read(engine, council):
    f = council
    assert q.council_communities(engine, actor=f.actors["secretary_a"]) == [(f.a, "康盛社区")]
    assert q.council_communities(engine, actor=f.actors["worker_b"]) == [(f.b, "康和社区")]
    assert q.council_communities(engine, actor=f.actors["leader"]) == [(f.a, "康盛社区"), (f.b, "康和社区")]
    assert q.council_communities(engine, actor=f.actors["unitrep_a"]) == []


def test_councils_with_members_convener_and_closed_meetings(engine, council):
    f = council
    df = q.councils(engine, actor=f.actors["worker_a"], community_id=f.a)
    assert list(df.columns) == q.COUNCIL_COLUMNS
    assert set(f.names("councils", df["id"][:2])) == {"CA1", "CA2"}  # active ones first (by name)
    assert f.names("councils", df["id"][2:]) == ["CA3"]
    by = {name: row for name, row in zip(f.names("councils", df["id"]), df.to_dict("records"), strict=True)}
    assert {k: by["CA1"][k] for k in ("name", "kind", "estate", "active", "members", "convener", "meetings",
                                      "last_meeting_day")} == {
        "name": "康盛社区居民议事会", "kind": "resident_council", "estate": None, "active": True, "members": 5,
        "convener": "张伟", "meetings": 6, "last_meeting_day": D("2026-10-28")}
    assert (by["CA2"]["estate"], by["CA2"]["members"], by["CA2"]["convener"], by["CA2"]["meetings"],
            by["CA2"]["last_meeting_day"]) == ("幸福里", 3, "周敏", 1, D("2026-06-01"))
    assert (by["CA3"]["active"], by["CA3"]["members"], by["CA3"]["convener"], by["CA3"]["meetings"],
            by["CA3"]["last_meeting_day"]) == (False, 0, None, 0, None)
    assert by["CA1"]["established_on"] == D("2024-01-01")


def test_members_in_seat_order_with_attendance_at_closed_meetings(engine, council):
    f = council
    df = q.members(engine, actor=f.actors["secretary_a"], council_id=f.councils["CA1"])
    assert list(df.columns) == q.MEMBER_COLUMNS
    assert f.names("members", df["id"]) == ["M1", "M2", "M3", "M4", "M5", "M6"]
    # closed meetings MY MO MD MV MA MR (MX is open, MP planned): hand counts of PPPPAP PPAEPP PPPAPA PPPPEP PAAAA
    # PPPPP
    assert _rows(df, ["expected", "present", "excused"]) == [(6, 6, 0), (6, 5, 0), (6, 4, 0), (6, 3, 1), (6, 3, 1),
                                                            (4, 3, 0)]
    assert df["rate"].tolist() == [1.0, 5 / 6, 4 / 6, 3 / 6, 3 / 6, 3 / 4]
    assert df["convener"].tolist() == [True, False, False, False, False, False]
    assert df["active"].tolist() == [True] * 5 + [False]
    first = df.iloc[0]
    assert (first["name"], first["seat"], first["title"], first["term_start"], first["term_end"]) == \
        ("张伟", "party", "社区党委书记", D("2024-01-01"), None)
    assert df.iloc[5]["term_end"] == D("2026-06-30")
    active = q.members(engine, actor=f.actors["secretary_a"], council_id=f.councils["CA1"], active_only=True)
    assert f.names("members", active["id"]) == ["M1", "M2", "M3", "M4", "M5"]
    fresh = q.members(engine, actor=f.actors["secretary_a"], council_id=f.councils["CA3"])
    assert fresh.empty and list(fresh.columns) == q.MEMBER_COLUMNS


def test_a_member_without_closed_meetings_has_no_rate(engine, council):
    f = council
    with transaction(engine) as s:
        s.add(CouncilMember(community_id=f.a, council_id=f.councils["CA2"], name="新成员", seat="merchants",
                            term_start=D("2026-11-01"), updated_at=NOW))
    df = q.members(engine, actor=f.actors["secretary_a"], council_id=f.councils["CA2"])
    assert df["name"].tolist() == ["周敏", "吴磊", "郑丽", "新成员"]  # convener, then seat order
    assert _rows(df, ["expected", "present", "excused"])[-1] == (0, 0, 0)
    assert df["rate"].tolist() == [1.0, 1.0, 0.0, None]


# --- topics ----------------------------------------------------------------------------------------------------

def test_topics_newest_first_with_meetings_and_latest_decision(engine, council):
    f = council
    df, total = q.topics(engine, actor=f.actors["worker_a"], community_id=f.a)
    assert list(df.columns) == q.TOPIC_COLUMNS
    assert total == 8
    assert f.names("topics", df["id"]) == ["T4", "T3", "T8", "T6", "T2", "T1", "T7", "T5"]
    by = {k: r for k, r in zip(f.names("topics", df["id"]), df.to_dict("records"), strict=True)}
    assert {k: by["T2"][k] for k in ("council", "title", "source", "stage", "raised_on", "member", "meetings",
                                     "last_meeting_day", "decision_status", "due", "matter_id")} == {
        "council": "康盛社区居民议事会", "title": "增设电动车充电桩", "source": "member", "stage": "rejected",
        "raised_on": D("2026-04-01"), "member": "刘洋", "meetings": 3, "last_meeting_day": D("2026-08-15"),
        "decision_status": "invalid", "due": None, "matter_id": None}
    assert by["T2"]["decision_id"] == f.decisions["D3"]  # the later of D2 and D3
    assert (by["T1"]["meetings"], by["T1"]["last_meeting_day"], by["T1"]["decision_id"], by["T1"]["due"]) == \
        (3, D("2026-05-20"), f.decisions["D1"], D("2026-09-30"))
    assert (by["T3"]["matter_id"], by["T3"]["matter_number"], by["T3"]["decision_status"]) == \
        (f.matters["Y"], f.numbers["Y"], "passed")
    assert (by["T4"]["meetings"], by["T4"]["last_meeting_day"], by["T4"]["decision_id"]) == (1, D("2026-12-05"), None)
    assert (by["T7"]["meetings"], by["T7"]["last_meeting_day"], by["T7"]["member"]) == (0, None, "李娜")
    assert by["T8"]["council_id"] == f.councils["CA2"]


def test_topics_by_council_stage_search_and_pages(engine, council):
    f = council
    read = lambda **kw: q.topics(engine, actor=f.actors["secretary_a"], community_id=f.a, **kw)  # noqa: E731
    df, total = read(council_id=f.councils["CA2"])
    assert (f.names("topics", df["id"]), total) == (["T8"], 1)
    df, total = read(stage="reviewed")
    assert (f.names("topics", df["id"]), total) == (["T1", "T5"], 2)
    df, total = read(search="堆物")  # the detail of T1 and its title
    assert (f.names("topics", df["id"]), total) == (["T1"], 1)
    df, total = read(search="  停车 ")
    assert (f.names("topics", df["id"]), total) == (["T3", "T8"], 2)
    df, total = read(search="100%")
    assert (df.empty, total) == (True, 0)
    df, total = read(offset=3, limit=3)
    assert (f.names("topics", df["id"]), total) == (["T6", "T2", "T1"], 8)
    df, total = read(offset=6, limit=3)
    assert (f.names("topics", df["id"]), total) == (["T7", "T5"], 8)
    df, total = read(offset=30, limit=3)
    assert (df.empty, total, list(df.columns)) == (True, 8, q.TOPIC_COLUMNS)
    with pytest.raises(ValidationFailed):  # a value no choice has: the project's own error
        read(stage="nonsense")


def test_the_timeline_of_a_topic_from_opinion_to_review(engine, council):
    f = council
    timeline = q.topic_timeline(engine, actor=f.actors["worker_a"], topic_id=f.topics["T1"])
    assert (timeline.topic.title, timeline.council, timeline.matter_number, timeline.member) == \
        ("楼道堆物清理", "康盛社区居民议事会", None, None)
    steps = timeline.steps
    assert list(steps.columns) == q.STEP_COLUMNS
    mt = f.meetings
    assert _rows(steps, q.STEP_COLUMNS) == [
        ("opinion", D("2026-03-05"), mt["MO"], "opinion", "居民反映三号楼楼道堆物", None),
        ("topic", D("2026-03-05"), None, None, "三号楼楼道堆物多", None),
        ("discussion", D("2026-04-10"), mt["MD"], "discussion", "讨论清理方案", None),
        ("discussion", D("2026-05-20"), mt["MV"], "decision", "物业承诺九月底前清理", None),
        ("decision", D("2026-05-20"), mt["MV"], "decision", "清理三号楼楼道堆物", "passed"),
        ("notice", D("2026-05-20"), mt["MV"], "decision", "2026-05-20 – 2026-05-27", None),
        ("follow_up", D("2026-06-01"), None, None, f.numbers["X"], None),
        ("review", D("2026-10-28"), mt["MR"], "review", "已清理楼道堆物", "carried_out")]


def test_timelines_of_a_rejected_topic_a_need_and_a_partly_carried_decision(engine, council):
    f = council
    mt = f.meetings
    read = lambda key: q.topic_timeline(engine, actor=f.actors["leader"], topic_id=f.topics[key])  # noqa: E731
    steps = read("T2").steps
    assert _rows(steps, ["step", "day", "status"]) == [
        ("topic", D("2026-04-01"), None), ("discussion", D("2026-04-10"), None), ("discussion", D("2026-05-20"), None),
        ("decision", D("2026-05-20"), "rejected"), ("discussion", D("2026-08-15"), None),
        ("decision", D("2026-08-15"), "invalid")]
    assert read("T2").member == "刘洋"
    assert _rows(read("T6").steps, ["step", "day", "text"]) == [
        ("topic", D("2026-04-02"), "修缮活动室"), ("discussion", D("2026-05-20"), None),
        ("decision", D("2026-05-20"), "拨款维修二楼活动室"), ("notice", D("2026-05-21"), "2026-05-21 – 2026-05-28"),
        ("follow_up", D("2026-06-10"), "活动室维修")]
    assert _rows(read("T5").steps, ["step", "meeting_id", "text", "status"])[-1] == \
        ("review", mt["MR"], "资金未到位", "partly")
    t3 = read("T3")
    assert t3.matter_number == f.numbers["Y"]
    assert _rows(t3.steps, ["step", "day"]) == [  # the open meeting counts, the planned one (T4's) would not
        ("topic", D("2026-10-01")), ("discussion", D("2026-11-18")), ("decision", D("2026-11-18")),
        ("notice", D("2026-11-18"))]
    assert _rows(read("T4").steps, ["step"]) == [("topic",)]


# --- meetings --------------------------------------------------------------------------------------------------

def test_meetings_newest_first_with_attendance_agenda_and_decisions(engine, council):
    f = council
    df, total = q.meetings(engine, actor=f.actors["worker_a"], community_ids=None)
    assert list(df.columns) == q.MEETING_COLUMNS
    assert total == 9
    assert f.names("meetings", df["id"]) == ["MP", "MX", "MR", "MA", "MJ", "MV", "MD", "MO", "MY"]
    by = dict(zip(f.names("meetings", df["id"]), df.to_dict("records"), strict=True))
    counts = ["expected", "present", "excused", "absent", "topics", "decisions"]
    assert {k: tuple(by[k][c] for c in counts) for k in by} == {
        "MP": (0, 0, 0, 0, 1, 0), "MX": (5, 3, 0, 2, 1, 1), "MR": (5, 5, 0, 0, 2, 0), "MA": (5, 1, 0, 4, 1, 1),
        "MJ": (3, 2, 0, 1, 1, 0), "MV": (6, 5, 1, 0, 3, 3), "MD": (6, 4, 0, 2, 2, 0), "MO": (6, 4, 1, 1, 1, 0),
        "MY": (6, 5, 0, 1, 1, 1)}
    mv = by["MV"]
    assert {k: mv[k] for k in ("council_id", "council", "community", "kind", "day", "start_time", "place", "chair",
                               "recorder", "status")} == {
        "council_id": f.councils["CA1"], "council": "康盛社区居民议事会", "community": "康盛社区", "kind": "decision",
        "day": D("2026-05-20"), "start_time": time(19, 0), "place": "社区议事厅", "chair": "张伟", "recorder": "孙雅琴",
        "status": "closed"}
    assert by["MJ"]["chair"] == "周敏"


def test_meetings_filtered_searched_and_paged(engine, council):
    f = council
    read = lambda who="secretary_a", **kw: q.meetings(engine, actor=f.actors[who], community_ids=(f.a,), **kw)  # noqa: E731
    names = lambda result: (f.names("meetings", result[0]["id"]), result[1])  # noqa: E731
    assert names(read(council_id=f.councils["CA2"])) == (["MJ"], 1)
    assert names(read(kind="decision")) == (["MX", "MV", "MY"], 3)
    assert names(read(status="closed", date_from=D("2026-04-10"), date_to=D("2026-08-15"))) == (["MA", "MJ", "MV",
                                                                                                  "MD"], 4)
    assert names(read(search="充电桩")) == (["MA", "MV", "MD"], 3)  # a topic title on the agenda, minutes
    assert names(read(search="楼道")) == (["MV", "MD", "MO"], 3)  # topic T1 on the agenda, minutes, decision
    assert names(read(search="复议")) == (["MA"], 1)  # a decision's text only
    assert names(read(search="评议两项")) == (["MR"], 1)  # the summary
    assert names(read(search="room a")) == (["MX"], 1)  # the place, case-insensitive
    assert names(read(search="夜间")) == (["MX"], 1)  # minutes of an open meeting
    assert names(read(search="_")) == ([], 0)  # taken literally
    assert names(read(limit=4)) == (["MP", "MX", "MR", "MA"], 9)
    assert names(read(offset=8, limit=4)) == (["MY"], 9)
    df, total = read(offset=40, limit=4)
    assert (df.empty, total, list(df.columns)) == (True, 9, q.MEETING_COLUMNS)
    assert names(read("leader", search="电梯")) == ([], 0)  # B's decision is not in community A
    assert names(q.meetings(engine, actor=f.actors["leader"], community_ids=None, search="电梯")) == (["MB"], 1)


def test_meeting_detail_of_a_decision_meeting(engine, council):
    f = council
    m, d = f.members, f.decisions
    detail = q.meeting_detail(engine, actor=f.actors["recorder_a"], meeting_id=f.meetings["MV"])
    assert (detail.meeting.kind, detail.council.name, detail.community, detail.chair) == \
        ("decision", "康盛社区居民议事会", "康盛社区", "张伟")
    assert list(detail.attendance.columns) == q.ATTENDANCE_COLUMNS
    assert _rows(detail.attendance, ["member_id", "name", "seat", "status"]) == [
        (m["M1"], "张伟", "party", "present"), (m["M2"], "李娜", "residents_committee", "present"),
        (m["M3"], "王芳", "owners_committee", "present"), (m["M4"], "赵强", "property", "present"),
        (m["M5"], "刘洋", "resident", "excused"), (m["M6"], "陈静", "resident", "present")]  # seat order, then name
    assert list(detail.agenda.columns) == q.AGENDA_COLUMNS
    assert _rows(detail.agenda, ["position", "topic", "topic_stage", "decision_id", "decision_text", "minutes",
                                 "discussed", "seconds"]) == [
        (1, "楼道堆物清理", "reviewed", d["D1"], "清理三号楼楼道堆物", "物业承诺九月底前清理", True, 300),
        (2, "增设电动车充电桩", "rejected", d["D2"], "在小区东侧增设电动车充电桩", None, True, 0),
        (3, "修缮活动室", "implementing", d["D6"], "拨款维修二楼活动室", None, True, 0)]
    assert list(detail.decisions.columns) == q.DETAIL_DECISION_COLUMNS
    rows = detail.decisions.to_dict("records")
    assert [r["id"] for r in rows] == [d["D1"], d["D2"], d["D6"]]
    assert {k: rows[0][k] for k in ("topic", "text", "method", "votes_for", "against", "abstain", "expected",
                                    "present", "quorum_met", "status", "owner", "due", "notice_start", "notice_end",
                                    "matter_id", "matter_number", "need_id", "outcome", "decided_on")} == {
        "topic": "楼道堆物清理", "text": "清理三号楼楼道堆物", "method": "named", "votes_for": 3, "against": 1,
        "abstain": 1, "expected": 6, "present": 5, "quorum_met": True, "status": "passed", "owner": "康盛物业",
        "due": D("2026-09-30"), "notice_start": D("2026-05-20"), "notice_end": D("2026-05-27"),
        "matter_id": f.matters["X"], "matter_number": f.numbers["X"], "need_id": None, "outcome": "carried_out",
        "decided_on": D("2026-05-20")}
    assert (rows[1]["status"], rows[1]["owner"], rows[1]["due"]) == ("rejected", None, None)
    assert rows[2]["need_id"] == f.needs["need"]
    assert _rows(detail.ballots, q.BALLOT_COLUMNS) == [
        (d["D1"], m["M1"], "张伟", "for"), (d["D1"], m["M2"], "李娜", "for"), (d["D1"], m["M3"], "王芳", "for"),
        (d["D1"], m["M4"], "赵强", "against"), (d["D1"], m["M6"], "陈静", "abstain")]
    assert detail.reviews.empty and list(detail.reviews.columns) == q.REVIEW_COLUMNS
    assert detail.ratings.empty and list(detail.ratings.columns) == q.RATING_COLUMNS


def test_meeting_detail_of_a_review_and_a_planned_meeting(engine, council):
    f = council
    m, d, r = f.members, f.decisions, f.reviews
    detail = q.meeting_detail(engine, actor=f.actors["leader"], meeting_id=f.meetings["MR"])
    assert _rows(detail.agenda, ["topic_id", "topic", "decision_id", "decision_text", "minutes"]) == [
        (f.topics["T1"], "楼道堆物清理", d["D1"], "清理三号楼楼道堆物", "物业汇报清理情况"),
        (f.topics["T5"], "绿化补种", d["D5"], "补种小区绿化", None)]
    assert detail.decisions.empty and list(detail.decisions.columns) == q.DETAIL_DECISION_COLUMNS
    assert _rows(detail.reviews, q.REVIEW_COLUMNS) == [
        (r["R1"], d["D1"], "清理三号楼楼道堆物", "康盛物业王经理", "已清理楼道堆物", "carried_out", None,
         D("2026-10-28")),
        (r["R2"], d["D5"], "补种小区绿化", "物业公司", "完成一半", "partly", "资金未到位", D("2026-10-28"))]
    assert _rows(detail.ratings, q.RATING_COLUMNS) == [
        (r["R1"], m["M1"], "张伟", "satisfied"), (r["R1"], m["M2"], "李娜", "satisfied"),
        (r["R1"], m["M3"], "王芳", "basic"), (r["R1"], m["M5"], "刘洋", "unsatisfied"),
        (r["R2"], m["M1"], "张伟", "basic")]
    planned = q.meeting_detail(engine, actor=f.actors["secretary_a"], meeting_id=f.meetings["MP"])
    assert planned.attendance.empty and list(planned.attendance.columns) == q.ATTENDANCE_COLUMNS
    assert _rows(planned.agenda, ["topic", "decision_id", "discussed"]) == [("垃圾分类督导", None, False)]
    assert q.meeting_detail(engine, actor=f.actors["secretary_a"], meeting_id=999_999) is None


# --- decisions -------------------------------------------------------------------------------------------------

SHOWN = {"all": ["D4", "D3", "D6", "D2", "D1", "D5"], "passed": ["D4", "D6", "D1", "D5"], "in_notice": ["D4"],
         "overdue": ["D6", "D5"], "due_for_review": ["D6"], "reviewed": ["D1", "D5"], "not_carried": ["D5"]}


@pytest.mark.parametrize("show", q.SHOW)
def test_decisions_by_show(engine, council, show):
    f = council
    df, total = q.decisions(engine, actor=f.actors["worker_a"], community_ids=None, show=show, today=TODAY)
    assert (f.names("decisions", df["id"]), total) == (SHOWN[show], len(SHOWN[show]))
    assert list(df.columns) == q.DECISION_COLUMNS


def test_decision_rows_carry_meeting_topic_follow_up_and_overdue(engine, council):
    f = council
    df, _ = q.decisions(engine, actor=f.actors["secretary_a"], community_ids=(f.a,), today=TODAY)
    by = dict(zip(f.names("decisions", df["id"]), df.to_dict("records"), strict=True))
    assert {k: by["D1"][k] for k in q.DECISION_COLUMNS if k != "id"} == {
        "council_id": f.councils["CA1"], "council": "康盛社区居民议事会", "community": "康盛社区",
        "meeting_id": f.meetings["MV"], "meeting_day": D("2026-05-20"), "topic_id": f.topics["T1"],
        "topic": "楼道堆物清理", "text": "清理三号楼楼道堆物", "status": "passed", "method": "named", "votes_for": 3,
        "against": 1, "abstain": 1, "owner": "康盛物业", "due": D("2026-09-30"), "notice_start": D("2026-05-20"),
        "notice_end": D("2026-05-27"), "matter_id": f.matters["X"], "matter_number": f.numbers["X"],
        "need_id": None, "outcome": "carried_out", "reviewed_on": D("2026-10-28"), "overdue": False}
    assert {k: bool(r["overdue"]) for k, r in by.items()} == {"D4": False, "D3": False, "D6": True, "D2": False,
                                                              "D1": False, "D5": True}
    assert by["D6"]["need_id"] == f.needs["need"]
    # on the day it falls due a decision is due for review but not yet overdue
    df, total = q.decisions(engine, actor=f.actors["secretary_a"], community_ids=(f.a,), show="overdue",
                            today=D("2026-10-31"))
    assert f.names("decisions", df["id"]) == ["D5"]
    df, _ = q.decisions(engine, actor=f.actors["secretary_a"], community_ids=(f.a,), show="due_for_review",
                        today=D("2026-10-31"))
    assert f.names("decisions", df["id"]) == ["D6"]


def test_decisions_by_council_search_and_pages(engine, council):
    f = council
    read = lambda **kw: q.decisions(engine, actor=f.actors["leader"], today=TODAY, **kw)  # noqa: E731
    names = lambda result: (f.names("decisions", result[0]["id"]), result[1])  # noqa: E731
    assert names(read(community_ids=None)) == (["D4", "D3", "DB", "D6", "D2", "D1", "D5"], 7)
    assert names(read(community_ids=None, show="overdue")) == (["DB", "D6", "D5"], 3)
    assert names(read(community_ids=(f.b,))) == (["DB"], 1)
    assert names(read(community_ids=None, year=2025)) == (["D5"], 1)  # decided in the year asked for
    assert names(read(community_ids=None, show="passed", year=2026)) == (["D4", "DB", "D6", "D1"], 4)
    assert names(read(community_ids=None, council_id=f.councils["CB"])) == (["DB"], 1)
    assert names(read(community_ids=None, search="充电桩")) == (["D3", "D2"], 2)
    assert names(read(community_ids=None, search="修缮")) == (["D6"], 1)  # the topic's title
    assert names(read(community_ids=None, search="康盛物业")) == (["D1"], 1)  # the owner
    assert names(read(community_ids=None, limit=3)) == (["D4", "D3", "DB"], 7)
    assert names(read(community_ids=None, offset=6, limit=3)) == (["D5"], 7)
    assert names(read(community_ids=None, offset=9, limit=3)) == ([], 7)
    with pytest.raises(ValidationFailed):  # a value no choice has: the project's own error
        read(community_ids=None, show="late")


def test_decisions_of_a_matter(engine, council):
    f = council
    df = q.decisions_of_matter(engine, actor=f.actors["worker_a"], matter_id=f.matters["X"])
    assert list(df.columns) == q.MATTER_DECISION_COLUMNS
    assert _rows(df, q.MATTER_DECISION_COLUMNS) == [
        (f.decisions["D1"], "康盛社区居民议事会", D("2026-05-20"), "清理三号楼楼道堆物", "passed", f.meetings["MV"])]
    assert q.decisions_of_matter(engine, actor=f.actors["worker_a"], matter_id=f.matters["Y"]).empty
    assert q.decisions_of_matter(engine, actor=f.actors["worker_b"], matter_id=f.matters["X"]).empty


# --- figures ---------------------------------------------------------------------------------------------------

def test_participation_by_member_and_by_seat(engine, council):
    f = council
    by_member, by_seat = q.participation(engine, actor=f.actors["secretary_a"], community_ids=None, year=YEAR)
    assert list(by_member.columns) == q.BY_MEMBER_COLUMNS and list(by_seat.columns) == q.BY_SEAT_COLUMNS
    rows = {name: (council_name, seat, e, p, x, rate) for name, council_name, seat, e, p, x, rate in
            _rows(by_member, ["name", "council", "seat", "expected", "present", "excused", "rate"])}
    ca1, ca2 = "康盛社区居民议事会", "幸福里小区联席会议"
    assert rows == {  # 2026's closed meetings MO MD MV MA MR and MJ
        "张伟": (ca1, "party", 5, 5, 0, 1.0), "李娜": (ca1, "residents_committee", 5, 4, 0, 0.8),
        "王芳": (ca1, "owners_committee", 5, 3, 0, 0.6), "赵强": (ca1, "property", 5, 2, 1, 0.4),
        "刘洋": (ca1, "resident", 5, 3, 1, 0.6), "陈静": (ca1, "resident", 3, 2, 0, 2 / 3),
        "周敏": (ca2, "residents_committee", 1, 1, 0, 1.0), "吴磊": (ca2, "owners_committee", 1, 1, 0, 1.0),
        "郑丽": (ca2, "property", 1, 0, 0, 0.0)}
    # within a council: seat order, then name
    assert by_member[by_member["council"] == ca1]["name"].tolist() == ["张伟", "李娜", "王芳", "赵强", "刘洋", "陈静"]
    assert _rows(by_seat, q.BY_SEAT_COLUMNS) == [
        ("party", 1, 5, 5, 1.0), ("residents_committee", 2, 6, 5, 5 / 6), ("owners_committee", 2, 6, 4, 4 / 6),
        ("property", 2, 6, 2, 2 / 6), ("resident", 2, 8, 5, 5 / 8)]
    one, _ = q.participation(engine, actor=f.actors["secretary_a"], community_ids=None,
                             council_id=f.councils["CA2"], year=YEAR)
    assert one["name"].tolist() == ["周敏", "吴磊", "郑丽"]
    ever, _ = q.participation(engine, actor=f.actors["secretary_a"], community_ids=None,
                              council_id=f.councils["CA1"])
    assert _rows(ever, ["expected", "present"])[0] == (6, 6)  # MY of 2025 too
    assert q.participation(engine, actor=f.actors["secretary_a"], community_ids=None, year=2024)[0].empty


def test_quarterly_decisions_and_outcomes(engine, council):
    f = council
    df = q.quarterly(engine, actor=f.actors["secretary_a"], community_ids=(f.a,), year=YEAR)
    assert list(df.columns) == q.QUARTER_COLUMNS
    assert _rows(df, q.QUARTER_COLUMNS) == [(1, 0, 0, 0, 0, 0), (2, 3, 2, 1, 0, 0), (3, 1, 0, 0, 0, 0),
                                            (4, 1, 1, 0, 0, 0)]
    last = q.quarterly(engine, actor=f.actors["leader"], community_ids=None, year=2025)
    assert _rows(last, q.QUARTER_COLUMNS) == [(1, 0, 0, 0, 0, 0), (2, 0, 0, 0, 0, 0), (3, 0, 0, 0, 0, 0),
                                              (4, 1, 1, 0, 1, 0)]
    both = q.quarterly(engine, actor=f.actors["leader"], community_ids=None, year=YEAR)
    assert both["decisions"].tolist() == [0, 3, 2, 1] and both["passed"].tolist() == [0, 2, 1, 1]


def test_overview_of_one_community(engine, council):
    f = council
    o = q.overview(engine, actor=f.actors["secretary_a"], community_ids=None, year=YEAR, today=TODAY)
    assert o == q.CouncilOverview(
        councils=2, members=8, meetings={"opinion": 1, "discussion": 2, "decision": 1, "review": 1, "ad_hoc": 1},
        topics_open=2, decisions=5, passed=3, invalid=1, in_notice=1, overdue=2, due_for_review=1, reviewed=1,
        carried_out=1, carried_out_rate=1.0, participation=21 / 31)


def test_overview_of_the_street_and_of_another_year(engine, council):
    f = council
    o = q.overview(engine, actor=f.actors["leader"], community_ids=None, year=YEAR, today=TODAY)
    assert (o.councils, o.members, o.meetings["decision"], o.topics_open, o.decisions, o.passed, o.invalid,
            o.in_notice, o.overdue, o.due_for_review, o.reviewed, o.carried_out, o.participation) == \
        (3, 10, 2, 3, 6, 4, 1, 1, 3, 2, 1, 1, 23 / 33)
    last = q.overview(engine, actor=f.actors["leader"], community_ids=(f.a,), year=2025, today=TODAY)
    assert (last.meetings["decision"], last.decisions, last.passed, last.reviewed, last.carried_out,
            last.carried_out_rate, last.participation) == (1, 1, 1, 1, 0, 0.0, 5 / 6)
    assert (last.in_notice, last.overdue) == (1, 2)  # as of today, whenever decided
    assert q.overview(engine, actor=f.actors["leader"], community_ids=(f.b,), year=2024,
                      today=TODAY).participation is None


# --- scope -----------------------------------------------------------------------------------------------------

def test_a_worker_of_another_community_sees_nothing_of_it(engine, council):
    f = council
    who = f.actors["worker_b"]
    assert q.councils(engine, actor=who, community_id=f.a).empty
    assert q.members(engine, actor=who, council_id=f.councils["CA1"]).empty
    assert q.topics(engine, actor=who, community_id=f.a)[1] == 0
    assert q.topic_timeline(engine, actor=who, topic_id=f.topics["T1"]) is None
    assert q.meeting_detail(engine, actor=who, meeting_id=f.meetings["MV"]) is None
    assert q.meetings(engine, actor=who, community_ids=(f.a,))[1] == 0
    df, total = q.meetings(engine, actor=who, community_ids=None)
    assert (f.names("meetings", df["id"]), total) == (["MB"], 1)
    df, total = q.decisions(engine, actor=who, community_ids=None, today=TODAY)
    assert (f.names("decisions", df["id"]), total) == (["DB"], 1)
    assert q.decisions(engine, actor=who, community_ids=(f.a,), today=TODAY)[1] == 0
    by_member, by_seat = q.participation(engine, actor=who, community_ids=None, year=YEAR)
    assert by_member["name"].tolist() == ["孙浩", "马丽"] and by_seat["expected"].tolist() == [1, 1]
    assert q.quarterly(engine, actor=who, community_ids=(f.a,), year=YEAR)["decisions"].sum() == 0
    o = q.overview(engine, actor=who, community_ids=None, year=YEAR, today=TODAY)
    assert (o.councils, o.members, o.decisions, o.overdue, o.participation) == (1, 2, 1, 1, 1.0)
    assert q.overview(engine, actor=who, community_ids=(f.a,), year=YEAR, today=TODAY).councils == 0


def test_a_leader_reads_everything(engine, council):
    f = council
    who = f.actors["leader"]
    assert len(q.councils(engine, actor=who, community_id=f.a)) == 3
    assert len(q.members(engine, actor=who, council_id=f.councils["CB"])) == 2
    assert q.topics(engine, actor=who, community_id=f.b)[1] == 2
    assert q.meetings(engine, actor=who, community_ids=None)[1] == 10
    assert q.meetings(engine, actor=who, community_ids=(f.a, f.b))[1] == 10
    assert q.meeting_detail(engine, actor=who, meeting_id=f.meetings["MB"]).community == "康和社区"


def test_a_role_without_council_read_gets_empty_results(engine, council):
    f = council
    who = f.actors["unitrep_a"]
    assert q.councils(engine, actor=who, community_id=f.a).empty
    assert q.members(engine, actor=who, council_id=f.councils["CA1"]).empty
    assert q.topics(engine, actor=who, community_id=f.a)[1] == 0
    assert q.meetings(engine, actor=who, community_ids=None)[1] == 0
    assert q.decisions(engine, actor=who, community_ids=None)[1] == 0
    assert q.meeting_detail(engine, actor=who, meeting_id=f.meetings["MV"]) is None
    assert q.topic_timeline(engine, actor=who, topic_id=f.topics["T1"]) is None
    assert q.decisions_of_matter(engine, actor=who, matter_id=f.matters["X"]).empty
    assert q.participation(engine, actor=who, community_ids=None)[0].empty
    assert q.quarterly(engine, actor=who, community_ids=None, year=YEAR)["decisions"].tolist() == [0, 0, 0, 0]
    o = q.overview(engine, actor=who, community_ids=None, year=YEAR, today=TODAY)
    assert (o.councils, o.decisions, o.participation, o.meetings["review"]) == (0, 0, None, 0)


# --- empty database and statements -----------------------------------------------------------------------------

def test_an_empty_database_gives_empty_frames_with_their_columns(engine, settings):
    community = add_community(engine, street="测试街道", name="康盛社区", code="KS", grids=1)
    who = Actor(None, "leader", "leader", grants_for(settings, [("leader", None, None)]))
    assert q.council_communities(engine, actor=who) == [(community, "康盛社区")]
    assert list(q.councils(engine, actor=who, community_id=community).columns) == q.COUNCIL_COLUMNS
    assert list(q.members(engine, actor=who, council_id=1).columns) == q.MEMBER_COLUMNS
    for read, columns in ((q.topics(engine, actor=who, community_id=community), q.TOPIC_COLUMNS),
                          (q.meetings(engine, actor=who, community_ids=None), q.MEETING_COLUMNS),
                          (q.decisions(engine, actor=who, community_ids=None), q.DECISION_COLUMNS)):
        df, total = read
        assert (df.empty, total, list(df.columns)) == (True, 0, columns)
    assert q.topic_timeline(engine, actor=who, topic_id=1) is None
    assert q.meeting_detail(engine, actor=who, meeting_id=1) is None
    by_member, by_seat = q.participation(engine, actor=who, community_ids=None, year=YEAR)
    assert (list(by_member.columns), list(by_seat.columns)) == (q.BY_MEMBER_COLUMNS, q.BY_SEAT_COLUMNS)
    assert by_member.empty and by_seat.empty
    assert _rows(q.quarterly(engine, actor=who, community_ids=None, year=YEAR), ["quarter", "decisions"]) == \
        [(1, 0), (2, 0), (3, 0), (4, 0)]
    assert list(q.decisions_of_matter(engine, actor=who, matter_id=1).columns) == q.MATTER_DECISION_COLUMNS
    o = q.overview(engine, actor=who, community_ids=None, year=YEAR, today=TODAY)
    assert o == q.CouncilOverview(0, 0, {"opinion": 0, "discussion": 0, "decision": 0, "review": 0, "ad_hoc": 0},
                                  0, 0, 0, 0, 0, 0, 0, 0, 0, None, None)


def _statements(engine, call) -> list[str]:
    seen: list[str] = []

    def record(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        seen.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return [s for s in seen if not s.lstrip().upper().startswith(("BEGIN", "COMMIT", "ROLLBACK", "SAVEPOINT",
                                                                   "RELEASE", "SELECT 1", "SET "))]


@pytest.mark.parametrize(("name", "most"), [
    ("councils", 1), ("members", 1), ("topics", 3), ("timeline", 5), ("meetings", 2), ("meeting_detail", 7),
    ("decisions", 2), ("participation", 1), ("quarterly", 1), ("overview", 2), ("decisions_of_matter", 1)])
def test_each_read_takes_a_few_statements(engine, council, name, most):
    """However many rows there are: nothing is read row by row."""
    f = council
    who = f.actors["leader"]
    calls = {
        "councils": lambda: q.councils(engine, actor=who, community_id=f.a),
        "members": lambda: q.members(engine, actor=who, council_id=f.councils["CA1"]),
        "topics": lambda: q.topics(engine, actor=who, community_id=f.a),
        "timeline": lambda: q.topic_timeline(engine, actor=who, topic_id=f.topics["T1"]),
        "meetings": lambda: q.meetings(engine, actor=who, community_ids=None, search="楼道"),
        "meeting_detail": lambda: q.meeting_detail(engine, actor=who, meeting_id=f.meetings["MV"]),
        "decisions": lambda: q.decisions(engine, actor=who, community_ids=None, show="overdue", today=TODAY),
        "participation": lambda: q.participation(engine, actor=who, community_ids=None, year=YEAR),
        "quarterly": lambda: q.quarterly(engine, actor=who, community_ids=None, year=YEAR),
        "overview": lambda: q.overview(engine, actor=who, community_ids=None, year=YEAR, today=TODAY),
        "decisions_of_matter": lambda: q.decisions_of_matter(engine, actor=who, matter_id=f.matters["X"]),
    }
    statements = _statements(engine, calls[name])
    assert 1 <= len(statements) <= most, statements
