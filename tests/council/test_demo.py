"""The demo's councils (data_access.demo.council via street.seed): 幸福里小区联席会议 with the seed's 9 members and
康盛社区居民议事会, a year of 三会一评 rounds whose stored quorum, votes, stages and outcomes agree with
domain.council.rules under the configured rules, follow-ups linked both ways, today's decision meeting for `recorder`,
and the loop from a decision to its review about three months later."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from data_access import clock
from data_access.config import load_settings
from data_access.db import make_engine, migrate, reading
from data_access.demo import council as demo_council
from data_access.demo import street
from data_access.models import (
    AuditLog,
    Community,
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
    Matter,
    MatterEvent,
    Need,
    User,
    UserRole,
)
from domain.council import rules
from tests.conftest import NOW

pytestmark = pytest.mark.db
TODAY = clock.local(NOW).date()


def community_id(session, name: str = "康盛社区") -> int:
    return session.execute(select(Community.id).where(Community.name == name)).scalar_one()


def rows(session, model) -> list:
    return list(session.execute(select(model)).scalars())


def council(session, name: str) -> Council:
    return session.execute(select(Council).where(Council.name == name)).scalar_one()


class Data:
    """Every council row of the database, by id and grouped as the checks need them."""

    def __init__(self, session) -> None:
        self.councils = {c.id: c for c in rows(session, Council)}
        self.members = {m.id: m for m in rows(session, CouncilMember)}
        self.meetings = {m.id: m for m in rows(session, CouncilMeeting)}
        self.topics = {t.id: t for t in rows(session, CouncilTopic)}
        self.decisions = {d.id: d for d in rows(session, CouncilDecision)}
        self.reviews = {r.id: r for r in rows(session, CouncilReview)}
        self.attendance = defaultdict(dict)
        for a in rows(session, CouncilAttendance):
            self.attendance[a.meeting_id][a.member_id] = a
        self.agenda = defaultdict(list)
        for item in sorted(rows(session, CouncilAgendaItem), key=lambda i: i.position):
            self.agenda[item.meeting_id].append(item)
        self.ballots = defaultdict(list)
        for b in rows(session, CouncilBallot):
            self.ballots[b.decision_id].append(b)
        self.ratings = defaultdict(list)
        for r in rows(session, CouncilRating):
            self.ratings[r.review_id].append(r)
        self.needs = [n for n in rows(session, Need) if n.source == "council"]
        self.matters = {m.id: m for m in session.execute(select(Matter).where(Matter.id.in_(
            [d.matter_id for d in self.decisions.values() if d.matter_id] +
            [t.matter_id for t in self.topics.values() if t.matter_id]))).scalars()}

    def present(self, meeting_id: int) -> set[int]:
        return {m for m, a in self.attendance[meeting_id].items() if a.status == "present"}


def check_consistency(session, settings, today: date, now: datetime) -> Data:
    """What every seed must satisfy, whatever the day: the write functions' rules (docs of council_demo)."""
    d = Data(session)
    for m in d.meetings.values():
        c = d.councils[m.council_id]
        assert m.community_id == c.community_id and m.kind in {k.code for k in settings.council.meeting_kinds}
        chair = d.members[m.chair_id]
        assert chair.council_id == c.id
        expected = {x.id for x in d.members.values() if x.council_id == c.id and x.term_start <= m.day
                    and (x.term_end is None or x.term_end >= m.day)}
        if m.status == "closed":
            assert m.day < today and m.opened_at and m.closed_at and m.opened_at < m.closed_at <= now
            assert clock.local(m.opened_at).date() == m.day and m.summary
            assert set(d.attendance[m.id]) == expected  # written at open: the members whose term covers the day
            assert m.chair_id in d.present(m.id)
            for a in d.attendance[m.id].values():
                assert a.status in rules.ATTENDANCE and (a.checked_in_at is not None) == (a.status == "present")
            assert d.agenda[m.id] and all(item.discussed and item.seconds > 0 for item in d.agenda[m.id])
            statuses = Counter(a.status for a in d.attendance[m.id].values())
            assert (m.expected, m.present, m.excused) == (len(expected), statuses["present"], statuses["excused"])
        else:
            assert m.status == "planned" and m.day >= today and not d.attendance[m.id]
            assert (m.expected, m.present, m.excused) == (None, None, None)
            assert m.opened_at is None and m.closed_at is None
            assert all(not item.discussed and item.minutes is None for item in d.agenda[m.id])
        items = d.agenda[m.id]
        assert [i.position for i in items] == list(range(1, len(items) + 1))
        for item in items:
            if m.kind == "review":
                decision = d.decisions[item.decision_id]
                assert item.topic_id is None and decision.status == "passed" and decision.council_id == c.id
            else:
                assert item.decision_id is None and d.topics[item.topic_id].council_id == c.id
    rule_of = {c.id: settings.council.rule(c.kind) for c in d.councils.values()}
    for x in d.decisions.values():
        m = d.meetings[x.meeting_id]
        assert m.kind in ("decision", "ad_hoc") and m.status == "closed" and x.decided_on == m.day
        assert x.topic_id in {i.topic_id for i in d.agenda[m.id]}
        statuses = Counter(a.status for a in d.attendance[m.id].values())
        rule = rule_of[x.council_id]
        q = rules.quorum(rule, members=sum(statuses.values()), present=statuses["present"],
                         excused=statuses["excused"])
        assert (x.expected, x.present, x.quorum_met) == (q.expected, q.present, q.met)
        v = rules.vote(rule, votes_for=x.votes_for, against=x.against, abstain=x.abstain, present=q.present,
                       members=sum(statuses.values()))
        if not q.met:
            assert settings.council.no_quorum == "invalid" and x.status == "invalid"
        else:
            assert x.status == ("passed" if v.passed else "rejected")
        assert x.method in rules.VOTE_METHODS
        if x.method == "named":
            ballots = d.ballots[x.id]
            assert {b.member_id for b in ballots} <= d.present(m.id) and len(ballots) == len(
                {b.member_id for b in ballots})
            tally = Counter(b.choice for b in ballots)
            assert (tally["for"], tally["against"], tally["abstain"]) == (x.votes_for, x.against, x.abstain)
        else:
            assert not d.ballots[x.id]
        if x.status == "passed":
            assert x.owner and x.due >= x.decided_on and x.notice_start == x.decided_on
            assert x.notice_end == x.notice_start + timedelta(days=settings.council.notice_days)
        else:
            assert x.owner is None and x.due is None and x.notice_start is None and x.matter_id is None
    # reviews: of passed decisions, at a closed review meeting, ratings of present members, outcome = latest
    by_decision = defaultdict(list)
    for r in d.reviews.values():
        m = d.meetings[r.meeting_id]
        x = d.decisions[r.decision_id]
        assert m.kind == "review" and m.status == "closed" and r.reviewed_on == m.day
        assert x.status == "passed" and x.council_id == m.council_id and x.decided_on < r.reviewed_on
        assert r.decision_id in {i.decision_id for i in d.agenda[m.id]}
        assert r.outcome in rules.OUTCOMES and r.reporter and r.report
        assert (r.reason is None) == (r.outcome == "carried_out")
        ratings = d.ratings[r.id]
        assert {x.member_id for x in ratings} <= d.present(m.id) and ratings
        assert all(x.rating in rules.RATINGS for x in ratings)
        by_decision[r.decision_id].append(r)
    for x in d.decisions.values():
        reviews = sorted(by_decision[x.id], key=lambda r: (r.reviewed_on, r.id))
        assert x.outcome == (reviews[-1].outcome if reviews else None)
        assert x.reviewed_on == (reviews[-1].reviewed_on if reviews else None)
    # topic stages along the chain
    votes = defaultdict(list)
    for x in sorted(d.decisions.values(), key=lambda x: (x.decided_on, x.id)):
        votes[x.topic_id].append(x)
    needs = {n.council_decision_id for n in d.needs}
    for t in d.topics.values():
        assert t.source in rules.TOPIC_SOURCES and t.raised_on <= today
        on_agenda = [(d.meetings[i.meeting_id], i) for items in d.agenda.values() for i in items
                     if i.topic_id == t.id]
        discussed = any(m.status == "closed" and m.kind != "opinion" and i.discussed for m, i in on_agenda)
        last = votes[t.id][-1] if votes[t.id] else None
        if t.stage == "withdrawn":
            assert not votes[t.id] and all(m.kind == "opinion" for m, _ in on_agenda)
        elif by_decision.get(last.id if last else None):
            assert t.stage == "reviewed"
        elif last and last.status == "passed":
            assert t.stage == ("implementing" if last.matter_id or last.id in needs else "decided")
        elif last:
            assert t.stage == "rejected"
        else:
            assert t.stage == ("discussed" if discussed else "raised")
        if t.source == "opinion":
            opinion = d.meetings[t.opinion_meeting_id]
            assert opinion.kind == "opinion" and opinion.status == "closed" and opinion.day == t.raised_on
            assert any(i.minutes for m, i in on_agenda if m.id == opinion.id)
        elif t.source == "member":
            assert d.members[t.member_id].council_id == t.council_id
        else:
            matter = d.matters[t.matter_id]
            assert matter.community_id == t.community_id and clock.local(matter.registered_at).date() < t.raised_on
    for n in d.needs:
        x = d.decisions[n.council_decision_id]
        assert x.status == "passed" and n.community_id == x.community_id and n.raised_on >= x.decided_on
    for x in d.decisions.values():
        if x.matter_id:
            matter = d.matters[x.matter_id]
            assert matter.community_id == x.community_id and x.text in matter.description
            assert clock.local(matter.registered_at).date() >= x.decided_on
    entries = session.execute(select(AuditLog.at).where(AuditLog.action.like("council.%"))).scalars().all()
    assert entries and max(entries) <= now
    return d


def test_the_estate_joint_meeting_has_the_seeds_nine_members(demo_engine, settings):
    with reading(demo_engine) as session:
        ks = community_id(session)
        estate = council(session, "幸福里小区联席会议")
        members = [m for m in rows(session, CouncilMember) if m.council_id == estate.id]
        resident = council(session, "康盛社区居民议事会")
        others = [m for m in rows(session, CouncilMember) if m.council_id == resident.id]
        small = {name: session.execute(select(func.count()).select_from(Council).where(
            Council.community_id == community_id(session, name))).scalar_one() for name in ("康和社区", "康泰社区")}
    assert (estate.community_id, estate.kind, estate.estate, estate.active) == (ks, "estate_joint", "幸福里小区", True)
    assert len(members) == 9 and all(m.active for m in members)
    assert Counter(m.seat for m in members) == {"party": 1, "grid_leader": 1, "owners_committee": 4, "resident": 3}
    conveners = [m for m in members if m.convener]
    assert len(conveners) == 1 and conveners[0].seat == "party"
    assert conveners[0].title == "小区党小组组长、业委会主任"  # the party group leader chairs the owners' committee
    assert len({m.name for m in members}) == 9 and all(2 <= len(m.name) <= 3 for m in members)
    # the resident council: about 15 members across the configured seats, one of whom left mid-year
    assert resident.kind == "resident_council" and 14 <= len(others) <= 16
    assert {m.seat for m in others} == {"party", "residents_committee", "owners_committee", "property", "merchants",
                                        "social_org", "resident"}
    assert {m.seat for m in others} <= {s.code for s in settings.council.seats}
    left = [m for m in others if not m.active]
    assert len(left) == 1 and left[0].term_end and TODAY - timedelta(days=250) < left[0].term_end < TODAY
    assert any(m.term_start == left[0].term_end + timedelta(days=1) for m in others)  # the seat was taken over
    assert sum(m.convener for m in others) == 1
    assert small == {"康和社区": 1, "康泰社区": 1}


def test_a_year_of_rounds_consistent_with_the_rules(demo_engine, settings):
    with reading(demo_engine) as session:
        d = check_consistency(session, settings, TODAY, NOW)
        ks = {council(session, name).id for name in ("幸福里小区联席会议", "康盛社区居民议事会")}
    year_ago = TODAY - timedelta(days=365)
    for cid in ks:
        closed = [m for m in d.meetings.values() if m.council_id == cid and m.status == "closed"]
        kinds = Counter(m.kind for m in closed if m.day >= year_ago)
        assert all(kinds[k] >= 3 for k in ("opinion", "discussion", "decision", "review")), kinds
    decisions = [x for x in d.decisions.values() if x.council_id in ks]
    statuses = Counter(x.status for x in decisions)
    assert statuses["rejected"] == 1 and statuses["invalid"] == 1 and statuses["passed"] >= 12
    invalid = next(x for x in decisions if x.status == "invalid")
    assert d.councils[invalid.council_id].kind == "resident_council" and not invalid.quorum_met
    again = [x for x in decisions if x.topic_id == invalid.topic_id and x.decided_on > invalid.decided_on]
    assert [x.status for x in again] == ["passed"]  # voted again at the next decision meeting
    assert {x.method for x in decisions} == set(rules.VOTE_METHODS)
    assert any(m.kind == "ad_hoc" and m.council_id in ks for m in d.meetings.values())
    outcomes = Counter(r.outcome for r in d.reviews.values())
    assert all(outcomes[o] >= 1 for o in rules.OUTCOMES)
    twice = [x for x in decisions if sum(r.decision_id == x.id for r in d.reviews.values()) == 2]
    assert twice and all(x.outcome == "carried_out" for x in twice)  # partly first, carried out since
    # where the topics come from: opinions, a resident matter, members; one withdrawn
    topics = [t for t in d.topics.values() if t.council_id in ks]
    sources = Counter(t.source for t in topics)
    assert sources["matter"] == 1 and sources["member"] >= 2 and sources["opinion"] >= 15
    withdrawn = [t for t in topics if t.stage == "withdrawn"]
    assert len(withdrawn) == 1 and withdrawn[0].withdraw_reason and withdrawn[0].withdrawn_on > withdrawn[0].raised_on
    # a couple of decisions overdue and unreviewed
    overdue = [x for x in decisions if x.status == "passed" and x.due < TODAY and x.outcome is None]
    assert len(overdue) >= 2


def test_follow_ups_are_linked_both_ways(demo_engine, settings):
    with reading(demo_engine) as session:
        d = Data(session)
        matters = [x for x in d.decisions.values() if x.matter_id]
        events = session.execute(select(MatterEvent).where(MatterEvent.matter_id.in_(
            [x.matter_id for x in matters]))).scalars().all()
        audit = session.execute(select(AuditLog).where(AuditLog.action == "council.follow_up")).scalars().all()
        created = session.execute(select(AuditLog.entity_id).where(AuditLog.action == "matter.create")).scalars().all()
    assert len(matters) >= 1 and len(d.needs) >= 1
    for x in matters:
        matter = d.matters[x.matter_id]
        assert matter.number.startswith(settings.number_prefix) and matter.number.endswith(f"{matter.id:07d}")
        assert matter.reporter_name and matter.grid_id and matter.step >= 1 and matter.id in created
        timeline = sorted((e for e in events if e.matter_id == matter.id), key=lambda e: e.at)
        assert timeline[0].action == "record" and timeline[0].at == matter.registered_at
        assert d.topics[x.topic_id].stage in ("implementing", "reviewed")
    need = d.needs[0]
    x = d.decisions[need.council_decision_id]
    assert need.title and d.topics[x.topic_id].stage in ("implementing", "reviewed")
    assert {(a.entity_id, tuple(a.after)) for a in audit} == (
        {(x.id, ("matter_id",)) for x in matters} | {(n.council_decision_id, ("need_id",)) for n in d.needs})


def test_today_the_estate_holds_a_decision_meeting_for_the_recorder(demo_engine, settings):
    with reading(demo_engine) as session:
        d = Data(session)
        estate = council(session, "幸福里小区联席会议")
        recorder = session.execute(select(User).where(User.username == "recorder")).scalar_one()
        role = session.execute(select(UserRole).where(UserRole.user_id == recorder.id,
                                                      UserRole.role == "recorder")).scalar_one()
    today = [m for m in d.meetings.values() if m.council_id == estate.id and m.day == TODAY]
    assert len(today) == 1
    meeting = today[0]
    assert (meeting.kind, meeting.status, meeting.start_time) == ("decision", "planned", time(19))
    assert meeting.place == "幸福里小区党群服务站" and d.members[meeting.chair_id].convener
    assert meeting.recorder == recorder.display_name.split()[-1] == "孙雅琴"
    assert (role.role, role.community_id) == ("recorder", estate.community_id)
    assert "council.record" in settings.roles["recorder"].can
    items = d.agenda[meeting.id]
    assert len(items) == 2 and all(i.topic_id and not i.discussed for i in items)
    for item in items:
        topic = d.topics[item.topic_id]
        assert topic.stage == "discussed"
        held = [d.meetings[i.meeting_id] for items_ in d.agenda.values() for i in items_ if i.topic_id == topic.id]
        assert {m.kind for m in held if m.status == "closed"} == {"opinion", "discussion"}
    assert not any(x.topic_id in {i.topic_id for i in items} for x in d.decisions.values())


def test_the_loop_from_decision_to_review(demo_engine, settings):
    with reading(demo_engine) as session:
        d = Data(session)
        estate = council(session, "幸福里小区联席会议")
        resident = council(session, "康盛社区居民议事会")
    # a closed review meeting of the estate about three months after the decision meeting it reviews
    closed_reviews = [m for m in d.meetings.values() if m.council_id == estate.id and m.kind == "review"
                      and m.status == "closed"]
    loops = []
    for m in closed_reviews:
        for r in (r for r in d.reviews.values() if r.meeting_id == m.id):
            decided = d.meetings[d.decisions[r.decision_id].meeting_id]
            if 75 <= (m.day - decided.day).days <= 100:
                loops.append((decided, m))
    assert loops
    last_decision_meeting = max((m for m in d.meetings.values() if m.council_id == estate.id
                                 and m.kind == "decision" and m.status == "closed"), key=lambda m: m.day)
    assert any(decided.id == last_decision_meeting.id for decided, _ in loops)  # its loop is closed
    # the resident council: a review meeting planned within days, with decisions due for review
    planned = [m for m in d.meetings.values() if m.council_id == resident.id and m.kind == "review"
               and m.status == "planned"]
    assert len(planned) == 1 and TODAY < planned[0].day <= TODAY + timedelta(days=14)
    under = [d.decisions[i.decision_id] for i in d.agenda[planned[0].id]]
    assert len(under) >= 2 and all(x.status == "passed" and x.due <= planned[0].day and x.outcome is None
                                   for x in under)
    assert all(60 <= (planned[0].day - x.decided_on).days <= 150 for x in under)


def test_seed_summary_counts_the_councils_and_audits_them(demo_engine):
    with reading(demo_engine) as session:
        entry = session.execute(select(AuditLog).where(AuditLog.action == "demo.seed")).scalar_one()
        counted = {"councils": Council, "council_members": CouncilMember, "council_topics": CouncilTopic,
                   "council_meetings": CouncilMeeting, "council_decisions": CouncilDecision,
                   "council_reviews": CouncilReview}
        for key, model in counted.items():
            assert entry.after[key] == session.execute(select(func.count()).select_from(model)).scalar_one()
        audited = Counter(session.execute(select(AuditLog.action).where(AuditLog.action.like("council.%")))
                          .scalars())
        closed = session.execute(select(func.count()).select_from(CouncilMeeting)
                                 .where(CouncilMeeting.status == "closed")).scalar_one()
        matters = session.execute(select(func.count()).select_from(Matter)).scalar_one()
        linked = session.execute(select(func.count()).select_from(CouncilDecision)
                                 .where(CouncilDecision.matter_id.is_not(None))).scalar_one()
    after = entry.after
    # the follow-up matters are among the demo's 300
    assert after["matters"] == matters == 300 and after["follow_up_matters"] == linked == demo_council.FOLLOW_UPS
    assert audited["council.create"] == after["councils"] == 4
    assert audited["council.member_create"] == after["council_members"]
    assert audited["council.topic_create"] == after["council_topics"]
    assert audited["council.meeting_plan"] == after["council_meetings"]
    assert audited["council.meeting_open"] == audited["council.meeting_close"] == closed
    assert audited["council.decision"] == after["council_decisions"]
    assert audited["council.review"] == after["council_reviews"]
    assert audited["council.member_update"] == 1 and audited["council.topic_update"] == 1


@pytest.mark.parametrize("moment", ["2026-01-05T09:00:00+08:00", "2026-03-12T18:00:00+08:00",
                                    "2027-12-31T23:30:00+08:00"])
def test_the_councils_seed_consistently_on_any_day(tmp_path, moment):
    now = datetime.fromisoformat(moment)
    today = clock.local(now).date()
    settings = load_settings()
    engine = make_engine(f"sqlite:///{tmp_path}/any.db")
    migrate(engine)
    street.seed(engine, settings, now=now, matters=20)
    with reading(engine) as session:
        d = check_consistency(session, settings, today, now)
        estate = council(session, "幸福里小区联席会议")
    planned = [m for m in d.meetings.values() if m.council_id == estate.id and m.status == "planned"]
    assert [(m.kind, m.day) for m in planned] == [("decision", today)]
    assert len(d.agenda[planned[0].id]) == 2
    engine.dispose()
