"""Reads of the joint committee (data_access/committee/queries.py) on SQLite and (with TEST_DATABASE_URL)
PostgreSQL: a committee with known numbers, every dashboard figure checked against a hand computation."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from types import SimpleNamespace

import pytest
from sqlalchemy import event, select

from data_access.cli import add_community
from data_access.committee import queries as q
from data_access.db import transaction
from data_access.models import (
    Agreement,
    Claim,
    CommitteeMeeting,
    Council,
    CouncilDecision,
    CouncilMeeting,
    Grid,
    MemberUnit,
    Need,
    ProgressUpdate,
    Project,
    Resource,
    ServiceItem,
    User,
)
from domain.access import Actor, grants_for
from domain.committee.rules import behind_schedule, claim_rate
from domain.errors import ValidationFailed
from tests.conftest import NOW

pytestmark = pytest.mark.db

TODAY = NOW.date()  # 2026-11-20
YEAR = 2026
D = date.fromisoformat


@dataclass
class Committee:
    """Ids of the rows the fixture wrote, by short name, and the actors."""

    a: int = 0
    b: int = 0
    units: dict[str, int] = field(default_factory=dict)
    projects: dict[str, int] = field(default_factory=dict)
    items: dict[str, int] = field(default_factory=dict)
    claims: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    actors: dict[str, Actor] = field(default_factory=dict)
    council_decision: int = 0

    def item_names(self, ids) -> list[str]:
        by_id = {v: k for k, v in self.items.items()}
        return [by_id[int(i)] for i in ids]


def actor(settings, name: str, *grants, user_id: int = 900) -> Actor:
    return Actor(user_id, name, name, grants_for(settings, list(grants)))


def unit(session, community_id, name, kind="enterprise", *, rota=None, left_on=None, rep=None, phone=None):
    row = MemberUnit(community_id=community_id, name=name, kind=kind, party_org=f"{name}党支部", liaison="王丽",
                     liaison_phone=phone, party_members=12, volunteer_team=f"{name}志愿队", speciality="助老",
                     representative_id=rep, joined_on=D("2025-01-01"), left_on=left_on, rota_position=rota,
                     updated_at=NOW)
    session.add(row)
    session.flush()
    return row.id


def item(session, project_id, community_id, name, target, start, end, done):
    row = ServiceItem(project_id=project_id, community_id=community_id, name=name, target=target, unit="次",
                      period_start=D(start), period_end=D(end), done=done, beneficiaries="辖区老人")
    session.add(row)
    session.flush()
    return row.id


def claim(session, item_id, unit_id, community_id, pledge, done, last_update_on=None, *, status="active",
          claimed_on="2026-01-20"):
    row = Claim(item_id=item_id, unit_id=unit_id, community_id=community_id, status=status, pledge=pledge, done=done,
                claimed_on=D(claimed_on), last_update_on=D(last_update_on) if last_update_on else None,
                withdrawn_on=D("2026-11-01") if status == "withdrawn" else None,
                withdraw_reason="人手不足" if status == "withdrawn" else None)
    session.add(row)
    session.flush()
    if last_update_on:  # the update that set done and last_update_on, with a file the reads must never touch
        session.add(ProgressUpdate(claim_id=row.id, community_id=community_id, on=D(last_update_on), done=done,
                                   note="进度", file_name="photo.jpg", file_type="image/jpeg",
                                   file_data=b"\xff\xd8" * 100, created_at=NOW))
    return row.id


def meeting(session, community_id, day, status="closed", kind="progress"):
    session.add(CommitteeMeeting(community_id=community_id, kind=kind, day=D(day), status=status, updated_at=NOW))


def council_decision(session, community_id) -> int:
    """A passed decision of the community's resident council (a need may be raised from it)."""
    council = Council(community_id=community_id, name="康盛社区居民议事会", kind="resident_council",
                      established_on=D("2025-01-01"), updated_at=NOW)
    session.add(council)
    session.flush()
    held = CouncilMeeting(community_id=community_id, council_id=council.id, kind="decision", day=D("2026-01-20"),
                          status="closed", updated_at=NOW)
    session.add(held)
    session.flush()
    decision = CouncilDecision(community_id=community_id, council_id=council.id, meeting_id=held.id,
                               text="为高龄老人开设助餐点", method="hands", votes_for=6, against=0, abstain=0,
                               expected=9, present=6, quorum_met=True, status="passed", decided_on=held.day,
                               updated_at=NOW)
    session.add(decision)
    session.flush()
    return decision.id


def build(engine, settings) -> Committee:
    """Community A (康盛社区): 5 units (one left), 3 projects of 2026 with 8 items, one of 2025; community B:
    one unit, one project with 3 items. Today is 2026-11-20; A's last closed progress meeting was 2026-09-15."""
    c = Committee()
    c.a = add_community(engine, street="测试街道", name="康盛社区", code="KS", grids=2)
    c.b = add_community(engine, street="测试街道", name="康和社区", code="KH", grids=1)
    a, b = c.a, c.b
    with transaction(engine) as s:
        for username in ("rep1", "rep3"):
            user = User(username=username, display_name=f"代表{username[-1]}", password_hash="x", created_at=NOW)
            s.add(user)
            s.flush()
            c.users[username] = user.id
        u = c.units
        u["U1"] = unit(s, a, "甲公司", rota=1, rep=c.users["rep1"], phone="13812341234")
        u["U2"] = unit(s, a, "乙学校", "school", rota=2, phone="02387654321")
        u["U3"] = unit(s, a, "丙机关", "agency", rota=3, rep=c.users["rep3"])
        u["U4"] = unit(s, a, "丁组织", "social_org", left_on=D("2026-06-30"))
        u["U5"] = unit(s, a, "戊社区", "community")
        u["V1"] = unit(s, b, "甲公司", rota=1, phone="13900001111")
        for key, status, signed_on, year in (
                ("U1", "signed", "2026-01-15", 2026), ("U2", "draft", None, 2026), ("U3", "ended", "2026-01-16", 2026),
                ("U4", "signed", "2026-01-15", 2026), ("U2", "signed", "2025-01-10", 2025),
                ("V1", "signed", "2026-02-01", 2026)):
            s.add(Agreement(community_id=b if key == "V1" else a, unit_id=u[key], year=year, status=status,
                            signed_on=D(signed_on) if signed_on else None, commitments="共建承诺", updated_at=NOW))
        p = c.projects
        for key, community_id, name, year in (("P1", a, "助老服务", 2026), ("P2", a, "环境整治", 2026),
                                              ("P3", a, "空项目", 2026), ("P0", a, "去年项目", 2025),
                                              ("Q1", b, "康和助学", 2026)):
            row = Project(community_id=community_id, year=year, name=name, updated_at=NOW)
            s.add(row)
            s.flush()
            p[key] = row.id
        i = c.items
        year_ = ("2026-01-01", "2026-12-31")
        i["I1"] = item(s, p["P1"], a, "上门探访", 10, *year_, 10)
        i["I2"] = item(s, p["P1"], a, "助餐", 100, *year_, 20)
        i["I3"] = item(s, p["P1"], a, "理发", 4, "2026-01-01", "2026-06-30", 2)
        i["I8"] = item(s, p["P1"], a, "陪诊", 10, *year_, 9)
        i["I4"] = item(s, p["P2"], a, "清理楼道", 50, "2026-03-01", "2027-02-28", 0)
        i["I5"] = item(s, p["P2"], a, "垃圾分类宣传", 20, "2026-10-01", "2026-12-31", 5)
        i["I6"] = item(s, p["P2"], a, "绿化", 10, "2026-12-01", "2026-12-31", 0)
        i["I7"] = item(s, p["P2"], a, "修车棚", 6, *year_, 6)
        i["I0"] = item(s, p["P0"], a, "去年事项", 10, "2025-01-01", "2025-12-31", 0)
        i["J1"] = item(s, p["Q1"], b, "辅导作业", 10, *year_, 8)
        i["J2"] = item(s, p["Q1"], b, "读书会", 5, *year_, 4)
        i["J3"] = item(s, p["Q1"], b, "科普", 5, *year_, 4)
        k = c.claims
        k["I1U1"] = claim(s, i["I1"], u["U1"], a, 10, 10, "2026-10-01")
        k["I2U2"] = claim(s, i["I2"], u["U2"], a, 100, 20, "2026-09-01")
        k["I3U3"] = claim(s, i["I3"], u["U3"], a, 4, 2, "2026-10-10")
        k["I4U1"] = claim(s, i["I4"], u["U1"], a, 50, 0)
        k["I5U2"] = claim(s, i["I5"], u["U2"], a, 20, 5, "2026-10-20", status="withdrawn")
        k["I7U3"] = claim(s, i["I7"], u["U3"], a, 6, 6, "2026-08-01")
        k["I8U1"] = claim(s, i["I8"], u["U1"], a, 5, 5, "2026-11-01", claimed_on="2026-01-20")
        k["I8U2"] = claim(s, i["I8"], u["U2"], a, 5, 4, "2026-10-20", claimed_on="2026-02-01")
        k["I0U1"] = claim(s, i["I0"], u["U1"], a, 10, 0, claimed_on="2025-02-01")
        for key in ("J1", "J2", "J3"):
            target = {"J1": 10, "J2": 5, "J3": 5}[key]
            k[f"{key}V1"] = claim(s, i[key], u["V1"], b, target, target * 0.8, "2026-11-10")
        for day, status, kind in (("2025-11-15", "closed", "progress"), ("2026-01-10", "closed", "annual"),
                                  ("2026-07-15", "closed", "progress"), ("2026-09-15", "closed", "progress"),
                                  ("2026-11-25", "planned", "progress")):
            meeting(s, a, day, status, kind)
        s.add(Need(community_id=a, title="楼道灯坏了", source="entered", raised_on=D("2026-03-01")))
        c.council_decision = council_decision(s, a)
        s.add(Need(community_id=a, title="老人吃饭难", source="council", council_decision_id=c.council_decision,
                   project_id=p["P1"], raised_on=D("2026-02-01")))
        s.add(Need(community_id=a, title="去年的需求", source="entered", raised_on=D("2025-05-01")))
        s.add(Need(community_id=b, title="作业没人辅导", source="entered", raised_on=D("2026-02-01")))
        s.add(Resource(community_id=a, unit_id=u["U2"], kind="venue", title="礼堂"))
        s.add(Resource(community_id=a, unit_id=u["U1"], kind="volunteers", title="青年志愿队"))
        s.add(Resource(community_id=b, unit_id=u["V1"], kind="funds", title="助学金"))
        grid_a = s.execute(select(Grid.id).where(Grid.community_id == a).order_by(Grid.id)).scalars().first()
    c.actors = {
        "secretary_a": actor(settings, "secretary_a", ("secretary", a, None)),
        "secretary_b": actor(settings, "secretary_b", ("secretary", b, None)),
        "worker_a": actor(settings, "worker_a", ("worker", a, None)),
        "grid_worker_a": actor(settings, "grid_worker_a", ("worker", a, grid_a)),
        "unitrep_a": actor(settings, "unitrep_a", ("unitrep", a, None), user_id=c.users["rep1"]),
        "leader": actor(settings, "leader", ("leader", None, None)),
        "admin": actor(settings, "admin", ("admin", None, None)),
    }
    return c


@pytest.fixture
def committee(engine, settings):
    return build(engine, settings)


def dash(engine, c, who="secretary_a", ids=None, **kw):
    kw.setdefault("today", TODAY)
    return q.dashboard(engine, actor=c.actors[who], community_ids=ids, year=kw.pop("year", YEAR), **kw)


def all_items(engine, c, who="secretary_a", ids=None, **kw):
    kw.setdefault("today", TODAY)
    df, total = q.items(engine, actor=c.actors[who], community_ids=ids, year=kw.pop("year", YEAR), limit=1000, **kw)
    assert len(df) == total
    return df


# --- the dashboard ---------------------------------------------------------------------------------------------

def test_dashboard_figures_of_one_community_match_a_hand_count(engine, committee):
    c = committee
    d = dash(engine, c)
    # listed: I1 I2 I3 I8 (P1), I4 I5 I6 I7 (P2); P3 has none, P0 is of 2025
    assert d.listed == 8
    # claimed: all but I5 (its only claim was withdrawn) and I6 (never claimed)
    assert d.claimed == 6
    assert d.claim_rate == pytest.approx(0.75) == claim_rate(8, 6)
    assert d.complete == 2  # I1, I7
    # weighted by target: (10+20+2+9+0+5+0+6) / (10+100+4+10+50+20+10+6) = 52/210
    assert d.completion == pytest.approx(52 / 210)
    # the plain mean of the shares (1, .2, .5, .9, 0, .25, 0, 1) says much more: why completion is weighted
    assert d.completion_unweighted == pytest.approx(3.85 / 8)
    assert d.completion_unweighted - d.completion > 0.2
    assert d.overdue == 1  # I3: period ended 2026-06-30, 2 of 4 done
    # behind: I2 (.2 done, 89% of the year gone), I3 (overdue), I4 (nothing done, 73% gone), I5 (.25 of 55%);
    # not I8 (.9 + .1 tolerance >= .89), not I6 (not started), not the complete I1 and I7
    assert d.behind == 4
    # stale: claimed, unfinished, no update after the last closed progress meeting (2026-09-15):
    # I2 (2026-09-01) and I4 (never); not I3 (10-10), I8 (11-01), nor the complete I7 (08-01)
    assert d.stale == 2
    assert d.units == 4  # U4 has left
    assert d.agreements_signed == 3  # U1 signed, U3 signed and ended, U4 signed before leaving; U2's is a draft
    assert d.agreements_due == 2  # U2 (draft; its 2025 agreement does not count) and U5 (none)
    assert d.meetings_held == 2  # 2026-07-15 and 2026-09-15; not the annual meeting, not 2025's, not the planned
    assert d.last_meeting_day == D("2026-09-15")
    assert d.next_meeting_day == D("2026-11-25")
    assert d.projects == 3


def test_dashboard_unit_ranking_and_projects(engine, committee):
    c = committee
    d = dash(engine, c)
    # fulfilment over active claims of 2026 items: U3 (2+6)/(4+6) = .8; U1 (10+0+5)/(10+50+5) = 15/65;
    # U2 (20+4)/(100+5) = 24/105 (the withdrawn I5 claim is out); U5 has no claim: last; U4 has left
    ranking = d.by_unit
    assert list(ranking.columns) == q.RANKING_COLUMNS
    assert list(ranking["unit_id"]) == [c.units[k] for k in ("U3", "U1", "U2", "U5")]
    assert list(ranking["rank"]) == [1, 2, 3, 4]
    assert list(ranking["claims"]) == [2, 3, 2, 0]  # U1's claim of a 2025 item is not counted
    assert ranking["fulfilment"].tolist()[:3] == pytest.approx([0.8, 15 / 65, 24 / 105])
    assert ranking["fulfilment"].tolist()[3] is None
    assert d.ranked_units == 4
    projects = d.by_project
    assert list(projects.columns) == q.PROJECT_RANKING_COLUMNS
    assert list(projects["project_id"]) == [c.projects[k] for k in ("P1", "P2", "P3")]
    assert projects["progress"].tolist()[:2] == pytest.approx([41 / 124, 11 / 86])
    assert projects["progress"].tolist()[2] is None
    assert list(projects["items"]) == [4, 4, 0]
    assert list(projects["community"]) == ["康盛社区"] * 3


def test_a_leader_sees_every_community_and_top_limits_the_frames(engine, committee):
    c = committee
    d = dash(engine, c, "leader", top=2)
    assert (d.listed, d.claimed, d.complete) == (11, 9, 2)
    assert d.completion == pytest.approx((52 + 8 + 4 + 4) / (210 + 20))
    assert (d.overdue, d.behind, d.stale) == (1, 4, 2)  # B's items are on track and updated (B had no meeting)
    assert d.units == 5 and d.agreements_signed == 4 and d.agreements_due == 2
    # B's 甲公司 ties A's 丙机关 at .8 (16/20 and 8/10) and ranks first on its 3 claims against 2
    assert list(d.by_unit["unit_id"]) == [c.units["V1"], c.units["U3"]]
    assert list(d.by_unit["community"]) == ["康和社区", "康盛社区"]
    assert d.ranked_units == 5
    assert list(d.by_project["project_id"]) == [c.projects["Q1"], c.projects["P1"]]
    assert d.projects == 4
    page, total = q.unit_ranking(engine, actor=c.actors["leader"], community_ids=None, year=YEAR, offset=2, limit=2,
                                 today=TODAY)
    assert total == 5
    assert list(page["unit_id"]) == [c.units["U1"], c.units["U2"]] and list(page["rank"]) == [3, 4]
    page, total = q.unit_ranking(engine, actor=c.actors["leader"], community_ids=None, year=YEAR, offset=10,
                                 today=TODAY)
    assert page.empty and total == 5
    page, total = q.project_ranking(engine, actor=c.actors["leader"], community_ids=(c.b,), year=YEAR)
    assert total == 1 and page["progress"].tolist() == pytest.approx([0.8])
    # the leader can narrow to one community
    assert dash(engine, c, "leader", ids=(c.a,)).listed == 8


def test_progress_counts_what_is_done_not_what_is_claimed(engine, committee):
    c = committee
    before = dash(engine, c)
    with transaction(engine) as s:  # U5 claims the unclaimed I6 and reports nothing yet
        claim(s, c.items["I6"], c.units["U5"], c.a, 10, 0, claimed_on="2026-11-19")
    claimed = dash(engine, c)
    assert claimed.claimed == before.claimed + 1 and claimed.claim_rate == pytest.approx(7 / 8)
    assert claimed.completion == pytest.approx(before.completion)
    assert claimed.complete == before.complete
    assert claimed.stale == before.stale + 1  # claimed, nothing reported: stale
    ranking = claimed.by_unit.set_index("unit_id")
    assert ranking.loc[c.units["U5"], "claims"] == 1 and ranking.loc[c.units["U5"], "fulfilment"] == 0
    with transaction(engine) as s:  # U1 withdraws I4: it is no longer claimed, nor stale
        row = s.get(Claim, c.claims["I4U1"])
        row.status, row.withdrawn_on, row.withdraw_reason = "withdrawn", D("2026-11-19"), "无力承担"
    withdrawn = dash(engine, c)
    assert withdrawn.claimed == before.claimed and withdrawn.claim_rate == pytest.approx(6 / 8)
    assert withdrawn.stale == before.stale
    assert withdrawn.completion == pytest.approx(before.completion)
    # I5: its claim was withdrawn after 5 of 20 were done; the work stays done and counts
    i5 = all_items(engine, c, project_id=c.projects["P2"]).set_index("id").loc[c.items["I5"]]
    assert i5["done"] == 5 and not i5["claimed"] and i5["claimed_by"] == []


def test_stale_is_measured_from_the_last_closed_progress_meeting(engine, committee):
    c = committee
    with transaction(engine) as s:
        meeting(s, c.a, "2026-10-15")  # now I3's update (10-10) is older than the last meeting
        meeting(s, c.a, "2026-11-18", status="open")  # not closed: does not count
        meeting(s, c.a, "2026-11-19", kind="annual")
    d = dash(engine, c)
    assert d.stale == 3 and d.last_meeting_day == D("2026-10-15") and d.meetings_held == 3
    stale = all_items(engine, c, show="stale")
    assert sorted(c.item_names(stale["id"])) == ["I2", "I3", "I4"]


def test_a_past_year_is_counted_on_its_own(engine, committee):
    c = committee
    d = dash(engine, c, year=2025)
    assert (d.listed, d.claimed, d.complete, d.overdue, d.behind) == (1, 1, 0, 1, 1)
    assert d.meetings_held == 1 and d.agreements_signed == 1  # U2's 2025 agreement
    assert list(d.by_unit["unit_id"])[0] == c.units["U1"]


# --- items ---------------------------------------------------------------------------------------------------

EXPECTED_SHOW = {"all": ["I1", "I2", "I3", "I8", "I4", "I5", "I6", "I7"],
                 "claimed": ["I1", "I2", "I3", "I8", "I4", "I7"], "unclaimed": ["I5", "I6"],
                 "complete": ["I1", "I7"], "overdue": ["I3"], "stale": ["I2", "I4"],
                 "behind": ["I2", "I3", "I4", "I5"]}


@pytest.mark.parametrize("show", q.SHOW)
def test_items_by_show_with_paging_and_total(engine, committee, show):
    c = committee
    expected = EXPECTED_SHOW[show]
    df, total = q.items(engine, actor=c.actors["secretary_a"], community_ids=None, year=YEAR, show=show, today=TODAY,
                        offset=0, limit=2)
    assert total == len(expected)
    assert c.item_names(df["id"]) == expected[:2]
    assert list(df.columns) == q.ITEM_COLUMNS
    df, total = q.items(engine, actor=c.actors["secretary_a"], community_ids=None, year=YEAR, show=show, today=TODAY,
                        offset=2, limit=2)
    assert total == len(expected) and c.item_names(df["id"]) == expected[2:4]
    df, total = q.items(engine, actor=c.actors["secretary_a"], community_ids=None, year=YEAR, show=show, today=TODAY,
                        offset=20, limit=2)
    assert df.empty and total == len(expected)  # past the end: no rows, still the total


def test_item_rows_carry_shares_states_and_who_claimed(engine, committee, settings):
    c = committee
    df = all_items(engine, c).set_index("id")
    states = {name: df.loc[c.items[name], "state"] for name in EXPECTED_SHOW["all"]}
    assert states == {"I1": "complete", "I2": "behind", "I3": "overdue", "I8": "on_track", "I4": "behind",
                      "I5": "behind", "I6": "unclaimed", "I7": "complete"}
    i8 = df.loc[c.items["I8"]]
    assert i8["claimed_by"] == ["甲公司", "乙学校"] and i8["claims"] == 2 and i8["last_update_on"] == D("2026-11-01")
    assert i8["share"] == pytest.approx(0.9) and i8["project"] == "助老服务" and i8["community"] == "康盛社区"
    assert df.loc[c.items["I4"], "last_update_on"] is None
    for row in df.itertuples():  # the SQL agrees with domain.behind_schedule, item by item
        assert row.behind == (row.done < row.target and behind_schedule(row.done / row.target, row.period_start,
                                                                        row.period_end, TODAY, 0.1))
    # a looser tolerance lets I5 (.25 done, 55% of its period gone) through
    assert "I5" not in c.item_names(all_items(engine, c, show="behind", tolerance=0.35)["id"])


def test_items_of_a_unit_or_a_project(engine, committee):
    c = committee
    assert c.item_names(all_items(engine, c, unit_id=c.units["U1"])["id"]) == ["I1", "I8", "I4"]
    assert c.item_names(all_items(engine, c, unit_id=c.units["U2"])["id"]) == ["I2", "I8"]  # not the withdrawn I5
    assert c.item_names(all_items(engine, c, project_id=c.projects["P2"], show="behind")["id"]) == ["I4", "I5"]
    assert c.item_names(all_items(engine, c, year=2025)["id"]) == ["I0"]
    with pytest.raises(ValidationFailed):  # a value no choice has: the project's own error
        q.items(engine, actor=c.actors["secretary_a"], community_ids=None, year=YEAR, show="late")


# --- the community lists -----------------------------------------------------------------------------------------

def test_units_with_agreement_claims_and_fulfilment(engine, committee):
    c = committee
    df = q.units(engine, actor=c.actors["secretary_a"], community_id=c.a, year=YEAR, today=TODAY)
    assert list(df.columns) == q.UNIT_COLUMNS
    assert list(df["id"]) == [c.units[k] for k in ("U1", "U2", "U3", "U5", "U4")]  # active by rota, then left
    assert list(df["active"]) == [True, True, True, True, False]
    assert list(df["agreement_status"]) == ["signed", "draft", "ended", None, "signed"]
    assert list(df["claims"]) == [3, 2, 2, 0, 0]
    assert df["fulfilment"].tolist()[:3] == pytest.approx([15 / 65, 24 / 105, 0.8])
    assert df["fulfilment"].tolist()[3:] == [None, None]
    assert df.iloc[0]["representative"] == "代表1" and df.iloc[1]["representative"] is None
    assert df.iloc[0]["liaison_phone"] == "13812341234"  # the secretary holds personal.view


@pytest.mark.parametrize(("who", "phone"), [("secretary_a", "13812341234"), ("worker_a", "13812341234"),
                                            ("leader", "138****1234"), ("unitrep_a", "138****1234"),
                                            ("grid_worker_a", "138****1234")])
def test_liaison_phones_are_masked_without_personal_view_in_the_community(engine, committee, who, phone):
    c = committee
    df = q.units(engine, actor=c.actors[who], community_id=c.a, year=YEAR, today=TODAY)
    assert df.iloc[0]["liaison_phone"] == phone
    assert df.iloc[1]["liaison_phone"] == ("02387654321" if phone[3] != "*" else "023****4321")


def test_agreements_needs_resources_and_projects(engine, committee):
    c = committee
    secretary = c.actors["secretary_a"]
    df = q.agreements(engine, actor=secretary, community_id=c.a, year=YEAR, today=TODAY)
    assert list(df.columns) == q.AGREEMENT_COLUMNS
    assert list(df["unit_id"]) == [c.units[k] for k in ("U1", "U2", "U3", "U5", "U4")]
    assert list(df["status"]) == ["signed", "draft", "ended", None, "signed"]
    assert df.iloc[0]["signed_on"] == D("2026-01-15") and df.iloc[3]["agreement_id"] is None
    assert len(q.agreements(engine, actor=secretary, community_id=c.a, year=2025, today=TODAY)) == 4
    df = q.needs(engine, actor=secretary, community_id=c.a)
    assert list(df.columns) == q.NEED_COLUMNS
    assert list(df["title"]) == ["楼道灯坏了", "老人吃饭难", "去年的需求"]
    assert df.iloc[1]["project"] == "助老服务" and df.iloc[1]["council_decision_id"] == c.council_decision
    assert list(q.needs(engine, actor=secretary, community_id=c.a, year=2025)["title"]) == ["去年的需求"]
    df = q.resources(engine, actor=secretary, community_id=c.a)
    assert list(df.columns) == q.RESOURCE_COLUMNS and len(df) == 2
    assert set(df["unit"]) == {"甲公司", "乙学校"}
    assert list(q.resources(engine, actor=secretary, community_id=c.a, unit_id=c.units["U2"])["title"]) == ["礼堂"]
    df = q.projects(engine, actor=secretary, community_id=c.a, year=YEAR)
    assert list(df.columns) == q.PROJECT_COLUMNS
    assert list(df["id"]) == [c.projects[k] for k in ("P1", "P2", "P3")]
    assert list(df["items"]) == [4, 4, 0]
    assert list(df["claimed_items"]) == [4, 2, 0]
    assert list(df["complete_items"]) == [1, 1, 0]
    assert df["progress"].tolist()[:2] == pytest.approx([41 / 124, 11 / 86])
    assert df["progress"].tolist()[2] is None


def test_claims_by_status_unit_and_year(engine, committee):
    c = committee
    secretary = c.actors["secretary_a"]

    def claims(**kw):
        kw.setdefault("today", TODAY)
        return q.claims(engine, actor=secretary, community_id=c.a, **kw)

    by_id = {v: k for k, v in c.claims.items()}
    active = claims()
    assert list(active.columns) == q.CLAIM_COLUMNS
    # by unit name (丙 U+4E19, 乙 U+4E59, 甲 U+7532), then project and item
    assert [by_id[i] for i in active["id"]] == ["I3U3", "I7U3", "I2U2", "I8U2", "I1U1", "I8U1", "I4U1", "I0U1"]
    behind = dict(zip((by_id[i] for i in active["id"]), active["behind"], strict=True))
    assert [k for k, v in behind.items() if v] == ["I3U3", "I2U2", "I4U1", "I0U1"]  # I8U2: .8 + .1 >= .89
    assert len(claims(year=YEAR)) == 7
    withdrawn = claims(status="withdrawn")
    assert [by_id[i] for i in withdrawn["id"]] == ["I5U2"]
    assert withdrawn.iloc[0]["withdraw_reason"] == "人手不足" and not withdrawn.iloc[0]["behind"]
    assert len(claims(status="all")) == 9
    mine = claims(unit_id=c.units["U3"])
    assert [by_id[i] for i in mine["id"]] == ["I3U3", "I7U3"]
    assert mine.iloc[0]["share"] == pytest.approx(0.5) and mine.iloc[0]["representative_id"] == c.users["rep3"]
    assert [by_id[i] for i in claims(item_id=c.items["I8"])["id"]] == ["I8U2", "I8U1"]
    with pytest.raises(ValidationFailed):  # a value no choice has: the project's own error
        claims(status="open")


def test_committee_communities(engine, committee):
    c = committee
    assert q.committee_communities(engine, actor=c.actors["leader"]) == [(c.a, "康盛社区"), (c.b, "康和社区")]
    assert q.committee_communities(engine, actor=c.actors["secretary_b"]) == [(c.b, "康和社区")]
    assert q.committee_communities(engine, actor=c.actors["admin"]) == []


# --- scope -----------------------------------------------------------------------------------------------------

def test_a_secretary_sees_nothing_of_another_community(engine, committee):
    c = committee
    other = c.actors["secretary_b"]
    for read in (q.units, q.agreements, q.projects):
        assert read(engine, actor=other, community_id=c.a, year=YEAR).empty
    assert q.needs(engine, actor=other, community_id=c.a).empty
    assert q.resources(engine, actor=other, community_id=c.a).empty
    assert q.claims(engine, actor=other, community_id=c.a, status="all").empty
    df, total = q.items(engine, actor=other, community_ids=(c.a,), year=YEAR)
    assert df.empty and total == 0
    assert c.item_names(all_items(engine, c, "secretary_b")["id"]) == ["J1", "J2", "J3"]
    assert c.item_names(all_items(engine, c, "secretary_b", ids=(c.a, c.b))["id"]) == ["J1", "J2", "J3"]
    d = dash(engine, c, "secretary_b")
    assert (d.listed, d.claimed, d.units, d.stale, d.last_meeting_day) == (3, 3, 1, 0, None)
    assert list(d.by_unit["unit_id"]) == [c.units["V1"]]
    assert dash(engine, c, "secretary_b", ids=(c.a,)).listed == 0
    page, total = q.unit_ranking(engine, actor=other, community_ids=(c.a,), year=YEAR)
    assert page.empty and total == 0


def test_a_leader_reads_both_communities(engine, committee):
    c = committee
    leader = c.actors["leader"]
    assert len(all_items(engine, c, "leader")) == 11
    assert len(q.units(engine, actor=leader, community_id=c.b, year=YEAR)) == 1
    assert len(q.claims(engine, actor=leader, community_id=c.b)) == 3


def test_a_role_without_committee_read_gets_empty_results(engine, committee):
    c = committee
    admin = c.actors["admin"]
    assert q.units(engine, actor=admin, community_id=c.a, year=YEAR).empty
    assert q.needs(engine, actor=admin, community_id=c.a).empty
    df, total = q.items(engine, actor=admin, community_ids=None, year=YEAR)
    assert df.empty and total == 0 and list(df.columns) == q.ITEM_COLUMNS
    d = dash(engine, c, "admin")
    assert (d.listed, d.claimed, d.claim_rate, d.completion, d.units, d.ranked_units) == (0, 0, None, None, 0, 0)
    assert d.by_unit.empty and d.by_project.empty


def test_an_empty_database_gives_zeros_and_none(engine, settings):
    leader = actor(settings, "leader", ("leader", None, None))
    d = q.dashboard(engine, actor=leader, community_ids=None, year=YEAR, today=TODAY)
    assert (d.listed, d.claimed, d.complete, d.overdue, d.stale, d.behind, d.units) == (0,) * 7
    assert (d.claim_rate, d.completion, d.completion_unweighted, d.last_meeting_day, d.next_meeting_day) == (None,) * 5
    assert (d.agreements_signed, d.agreements_due, d.meetings_held, d.ranked_units, d.projects) == (0,) * 5
    assert list(d.by_unit.columns) == q.RANKING_COLUMNS and d.by_unit.empty
    assert list(d.by_project.columns) == q.PROJECT_RANKING_COLUMNS and d.by_project.empty
    df, total = q.items(engine, actor=leader, community_ids=None, year=YEAR, show="behind", today=TODAY)
    assert df.empty and total == 0
    assert q.units(engine, actor=leader, community_id=1, year=YEAR).empty
    assert q.claims(engine, actor=leader, community_id=1).empty
    assert q.projects(engine, actor=leader, community_id=1, year=YEAR).empty
    assert q.committee_communities(engine, actor=leader) == []


def test_no_read_touches_the_progress_updates(engine, committee):
    """Files stay where they are: no statement of these reads names progress_update or file_data."""
    c = committee
    statements = []

    def record(conn, cursor, statement, *args):  # noqa: ANN001
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", record)
    try:
        leader = c.actors["leader"]
        dash(engine, c, "leader")
        all_items(engine, c, "leader")
        q.units(engine, actor=leader, community_id=c.a, year=YEAR)
        q.claims(engine, actor=leader, community_id=c.a, status="all")
        q.projects(engine, actor=leader, community_id=c.a, year=YEAR)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    assert len(statements) >= 8
    assert not [s for s in statements if "progress_update" in s or "file_data" in s]


def test_state_flags_never_contradict(engine, committee):
    """complete excludes overdue, behind and stale; overdue implies behind; stale implies claimed."""
    c = committee
    df = all_items(engine, c, "leader")
    rows = SimpleNamespace(**{k: df[k] for k in ("complete", "overdue", "behind", "stale", "claimed")})
    assert not (rows.complete & (rows.overdue | rows.behind | rows.stale)).any()
    assert not (rows.overdue & ~rows.behind).any()
    assert not (rows.stale & ~rows.claimed).any()


def test_equal_fulfilment_ties_despite_floating_point(engine, settings):
    """0.7 + 0.1 is 0.7999999999999999 in floating point: 甲 (0.8 of 8, two claims) and 乙 (0.1 of 1, one claim)
    both fulfil a tenth, so 甲 ranks first on its claims, not second on a rounding error."""
    community = add_community(engine, street="测试街道", name="康泰社区", code="KT", grids=1)
    with transaction(engine) as s:
        one_claim, two_claims = unit(s, community, "乙单位"), unit(s, community, "甲单位")
        project = Project(community_id=community, year=YEAR, name="项目", updated_at=NOW)
        s.add(project)
        s.flush()
        for unit_id, pledge, done in ((two_claims, 7, 0.7), (two_claims, 1, 0.1), (one_claim, 1, 0.1)):
            item_id = item(s, project.id, community, "事项", pledge, "2026-01-01", "2026-12-31", done)
            claim(s, item_id, unit_id, community, pledge, done, "2026-11-01")
    leader = actor(settings, "leader", ("leader", None, None))
    page, total = q.unit_ranking(engine, actor=leader, community_ids=(community,), year=YEAR, today=TODAY)
    assert list(page["unit_id"]) == [two_claims, one_claim] and total == 2
    assert page["fulfilment"].tolist() == pytest.approx([0.1, 0.1])
