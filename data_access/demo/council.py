"""The resident councils (居民议事会) and estate joint meetings (小区联席会议) of the demo street, and the
generator the city benchmark shares.

康盛社区 gets the seed's estate joint meeting, 幸福里小区联席会议: 9 members (the estate party group leader, who
chairs the owners' committee and convenes it, the grid leader, 4 more owners' committee members and 3 resident
representatives), and 康盛社区居民议事会 with 15 members across the configured seats, one of whom left mid-year.
Each holds a year of 三会一评 rounds: an opinion-collection meeting raising topics, a discussion meeting, a
decision meeting with votes (mostly passed; one rejected; one invalid for want of a quorum, voted again and passed
at the next decision meeting), decisions with owner, due date and public notice, follow-ups (a 365 matter, a need
for the joint committee), and the report-and-review meeting about three months later with reports, ratings and
outcomes. A topic comes from a resident matter, one from a member; one was withdrawn; a couple of decisions are
overdue and unreviewed. Today 幸福里小区联席会议 holds a decision meeting at 19:00 (planned: the demo account
`recorder` runs it), and the resident council has a review meeting and a decision meeting planned within days.
康和社区 and 康泰社区 get small councils.

`council_rows` turns a `CouncilSpec` (the members and the rounds, each topic with its fate: the votes it gets,
its follow-up, the outcomes of its reviews) into plain row dicts for Core bulk inserts, with explicit ids from
`Ids`. Everything derived is kept as the app's write functions keep it (data_access.council.writes and .meetings):
attendance rows for every member whose term covers the meeting day, the quorum and vote computed by
domain.council.rules under settings.council.rule(kind) and snapshotted on the decision, status "invalid" without a
quorum (nothing recorded when council.no_quorum is "refuse"), ballots and ratings of present members only, the
notice period of council.notice_days, topic stages raised -> discussed -> decided/rejected -> implementing ->
reviewed, and decision.outcome/reviewed_on equal to its latest review. All dates are relative to `now`; the same
rng and `now` give the same rows.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta

from sqlalchemy import func, insert, select
from sqlmodel import Session

from data_access import clock
from data_access.db import sync_id_sequence
from data_access.demo import sample
from data_access.demo.committee import at, people
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
    Grid,
    Matter,
    MatterEvent,
    Need,
    User,
)
from data_access.service import tally
from data_access.service.writes import compute_deadline
from domain.council.rules import quorum, vote
from domain.settings import Settings

# --- specs --------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MemberSpec:
    name: str
    seat: str
    title: str | None = None
    convener: bool = False
    start: date | None = None  # term start; None: the council's establishment
    end: date | None = None  # term end; None: the council's term
    active: bool = True


@dataclass(frozen=True)
class Review:
    """What a review meeting found: the outcome, the report, and why not (for partly and not)."""

    outcome: str
    report: str
    reason: str | None = None


@dataclass(frozen=True)
class TopicSpec:
    """A topic and its fate. Its source: a resident matter (`matter`), a member (`member`, an index of the
    council's members), else the opinion-collection meeting of its round (`opinions`: what residents said).
    `votes`: its status at successive decision meetings (the first at its round's, a further one at the next
    decision meeting of the council); () not voted yet. `reviews`: at successive review meetings held at least
    REVIEW_GAP days after the passing vote."""

    title: str
    opinions: str | None = None
    discussion: str | None = None  # the minutes at the discussion meeting
    detail: str | None = None
    member: int | None = None
    matter: dict | None = None
    keywords: tuple[str, ...] = ()  # the demo: a resident matter saying one of these makes it the topic's source
    votes: tuple[str, ...] = ("passed",)
    method: str = "hands"
    decision: str | None = None
    owner: str | None = None
    due_days: int = 60
    follow_up: str | None = None  # "matter" (a 365 matter) or "need" (the joint committee's needs list)
    category: str = "environment"  # of the follow-up matter
    need: str | None = None  # the need's title
    reviews: tuple[Review, ...] = ()
    withdrawn: str | None = None  # withdrawn a few days after it was raised, for this reason


@dataclass(frozen=True)
class RoundSpec:
    """One 三会一评 round: opinion-collection, discussion and decision meetings, and the review of its decisions
    `review_after` days after the decision meeting (None: none). `day`: the decision meeting, in days from today.
    An ad hoc round is one ad hoc meeting on that day where its topics are discussed and voted at once."""

    day: int
    topics: tuple[TopicSpec, ...]
    ad_hoc: bool = False
    review_after: int | None = 84
    opinion_before: int = 28
    discussion_before: int = 14


@dataclass
class CouncilSpec:
    community_id: int
    name: str
    kind: str
    members: list[MemberSpec]
    rounds: list[RoundSpec]
    established: date
    term_end: date | None
    place: str
    recorder: tuple[int | None, str, str]  # user id, username, name of the recorder
    manager: tuple[int | None, str]  # user id, username of who plans meetings and follows decisions up
    estate: str | None = None
    observers: dict[str, str] = field(default_factory=dict)  # meeting kind -> observers (列席)
    start: dict[str, time] = field(default_factory=dict)  # meeting kind -> start time (default 19:00)
    present: float = 0.85  # chance that a member is present at a meeting (the chair always is)
    excused: float = 0.07  # chance that one is excused (请假)
    horizon: int = 14  # meetings up to this many days ahead are planned; later ones are not generated
    audit: bool = True
    # a follow-up matter: (decision row, topic row, when) -> the matter's id (the caller inserts it), None: none
    matter_for: Callable[[dict, dict, datetime], int | None] | None = None


# --- ids and rows -------------------------------------------------------------------------------------------------

TABLES = {"council": Council, "council_member": CouncilMember, "council_meeting": CouncilMeeting,
          "council_topic": CouncilTopic, "council_decision": CouncilDecision,
          "council_agenda_item": CouncilAgendaItem, "council_review": CouncilReview, "need": Need, "matter": Matter}
ORDER = ("council", "council_member", "council_meeting", "council_attendance", "council_topic", "council_decision",
         "council_agenda_item", "council_ballot", "council_review", "council_rating", "need", "audit_log")
MODELS = {**TABLES, "council_attendance": CouncilAttendance, "council_ballot": CouncilBallot,
          "council_rating": CouncilRating, "audit_log": AuditLog}
KIND_ORDER = {"review": 0, "opinion": 1, "discussion": 2, "ad_hoc": 3, "decision": 4}  # two on one day
REVIEW_GAP = 30  # a decision is reviewed at a review meeting held at least this many days after it
MINUTES = {"decision": ["召集人介绍方案，与会成员逐一发表意见后付诸表决",
                        "与会成员对方案细节提出修改意见，修改后付诸表决",
                        "物业公司列席说明费用测算，与会成员讨论后付诸表决"],
           "revote": "上次表决因到会人数不足无效，本次重新表决", "ad_hoc": "因情况紧急召开临时会议，议定后立即表决",
           "discussion": ["与会成员充分讨论，形成初步方案，提交议事决策会表决", "需进一步征求相关居民意见后再议"]}
RATING_WEIGHTS = {"carried_out": (80, 18, 2), "partly": (30, 55, 15), "not": (5, 35, 60)}
RATINGS = ("satisfied", "basic", "unsatisfied")


class Ids:
    """The next free id per table (the rows are inserted with explicit ids)."""

    def __init__(self, session: Session) -> None:
        self.next = {name: (session.execute(select(func.max(model.id))).scalar() or 0) + 1
                     for name, model in TABLES.items()}

    def take(self, table: str) -> int:
        value = self.next[table]
        self.next[table] = value + 1
        return value


def source_of(topic: TopicSpec) -> str:
    return "matter" if topic.matter else "member" if topic.member is not None else "opinion"


def attendance(rng: random.Random, rule, member_ids: list[int], chair: int, *, present: float, excused: float,
               want_quorum: bool) -> dict[int, str]:
    """Who was present, excused or absent: random, the chair always present, with a quorum or (for the meeting
    of an invalid vote) without one."""
    for _ in range(50):
        statuses = {}
        for mid in member_ids:
            roll = rng.random()
            statuses[mid] = ("present" if mid == chair or roll < present else
                             "excused" if roll < present + excused else "absent")
        q = _quorum(rule, statuses)
        if q.met == want_quorum:
            return statuses
        if not want_quorum:
            present, excused = present * 0.8, excused
    statuses = {mid: "present" for mid in member_ids}
    if not want_quorum:  # the chair and as few others as it takes to fall short
        needed = quorum(rule, members=len(member_ids), present=0).needed
        others = [mid for mid in member_ids if mid != chair]
        statuses = {mid: "absent" for mid in member_ids}
        statuses[chair] = "present"
        for mid in others[:max(0, needed - 2)]:
            statuses[mid] = "present"
    return statuses


def _quorum(rule, statuses: dict[int, str]):
    values = list(statuses.values())
    return quorum(rule, members=len(values), present=values.count("present"), excused=values.count("excused"))


def counts(rng: random.Random, rule, *, present: int, members: int, passed: bool) -> tuple[int, int, int]:
    """Votes for, against and abstaining that pass (or fail) under the rule; everybody present votes."""
    for attempt in range(100):
        if passed:  # mostly clear majorities
            short = rng.choice((0, 0, 1, 1, 2, 3)) if attempt < 10 else rng.randint(0, present // 2)
            votes_for = max(0, present - short)
            against = rng.randint(0, present - votes_for)
        else:
            votes_for = rng.randint(0, present // 2)
            against = rng.randint((present - votes_for) // 2, present - votes_for)
        abstain = present - votes_for - against
        if vote(rule, votes_for=votes_for, against=against, abstain=abstain, present=present,
                members=members).passed == passed:
            return votes_for, against, abstain
    return (present, 0, 0) if passed else (0, present, 0)


def council_rows(rng: random.Random, settings: Settings, spec: CouncilSpec, ids: Ids, now: datetime) -> dict:
    """The rows of one council: {table name: [row dicts]}, in ORDER. Each step makes one part of the year, in the
    order the rng is drawn."""
    year = _CouncilYear(rng, settings, spec, ids, now)
    year.council_and_members()
    for day, kind, index in year.meeting_plans():
        year.meeting(day, kind, index)
    return year.rows


class _CouncilYear:
    """One council's year as it is built: the rows so far, and the topics, votes and reviews still to come."""

    def __init__(self, rng: random.Random, settings: Settings, spec: CouncilSpec, ids: Ids, now: datetime):
        self.rng, self.settings, self.spec, self.ids = rng, settings, spec, ids
        self.today = clock.local(now).date()
        self.rule = settings.council.rule(spec.kind)
        self.refuse = settings.council.no_quorum == "refuse"
        self.rows: dict[str, list[dict]] = {name: [] for name in ORDER}
        self.cid = spec.community_id
        self.manager, self.recorder = spec.manager, spec.recorder[:2]
        self.latest = now - timedelta(minutes=30)  # nothing is recorded after this
        self.council_id = 0
        self.members: list[tuple[int, date, date | None]] = []  # id, term start, term end
        self.convener = 0
        self.topics: dict[tuple[int, int], dict] = {}  # (round, index) -> topic row
        self.pending: dict[tuple[int, int], list[str]] = {}  # votes still to come
        self.carried: list[tuple[int, int]] = []  # to be voted again at the next decision meeting
        self.reviews_due: list[list] = []  # [decision row, reviews still to come, topic key]
        self.clock_at = self.latest  # the time within the meeting being held
        self.position = 0  # the last agenda position of the meeting being held

    def audit(self, when: datetime, actor: tuple[int | None, str], action: str, entity: str, entity_id: int,
              after: dict | None = None, before: dict | None = None) -> None:
        if self.spec.audit:
            self.rows["audit_log"].append({
                "at": min(when, self.latest), "actor_id": actor[0], "actor_name": actor[1], "action": action,
                "entity": entity, "entity_id": entity_id, "community_id": self.cid, "before": before, "after": after})

    def council_and_members(self) -> None:
        """The council and its members with their terms (one may have left); the convener chairs."""
        spec, manager = self.spec, self.manager
        self.council_id = council_id = self.ids.take("council")
        created = at(spec.established, 10)
        self.rows["council"].append({"id": council_id, "community_id": self.cid, "name": spec.name,
                                     "kind": spec.kind, "estate": spec.estate, "established_on": spec.established,
                                     "active": True, "updated_at": created})
        self.audit(created, manager, "council.create", "council", council_id,
                   {"name": spec.name, "kind": spec.kind, "estate": spec.estate})
        for m in spec.members:
            mid = self.ids.take("council_member")
            start, end = m.start or spec.established, m.end or spec.term_end
            self.rows["council_member"].append({
                "id": mid, "community_id": self.cid, "council_id": council_id, "name": m.name, "seat": m.seat,
                "title": m.title, "term_start": start, "term_end": end, "active": m.active, "convener": m.convener,
                "updated_at": at(start, 10) if m.active else min(self.latest, at(end + timedelta(days=1), 9))})
            self.members.append((mid, start, end))
            self.audit(at(start, 10, 5), manager, "council.member_create", "council_member", mid,
                       {"name": m.name, "seat": m.seat, "title": m.title, "term_start": start.isoformat(),
                        "convener": m.convener})
            if not m.active:
                self.audit(at(end + timedelta(days=1), 9), manager, "council.member_update", "council_member", mid,
                           {"active": False}, {"active": True})
        self.convener = next((mid for (mid, _, _), m in zip(self.members, spec.members, strict=True) if m.convener),
                             self.members[0][0])

    def meeting_plans(self) -> list[tuple[date, str, int]]:
        """(day, kind, round) of every meeting of the rounds up to the horizon, in order."""
        plans = []
        for index, rnd in enumerate(self.spec.rounds):
            day = self.today + timedelta(days=rnd.day)
            if rnd.ad_hoc:
                plans.append((day, "ad_hoc", index))
                continue
            if any(source_of(t) == "opinion" for t in rnd.topics):
                plans.append((day - timedelta(days=rnd.opinion_before), "opinion", index))
            plans.append((day - timedelta(days=rnd.discussion_before), "discussion", index))
            plans.append((day, "decision", index))
            if rnd.review_after is not None:
                plans.append((day + timedelta(days=rnd.review_after), "review", index))
        return sorted((p for p in plans if p[0] <= self.today + timedelta(days=self.spec.horizon)),
                      key=lambda p: (p[0], KIND_ORDER[p[1]]))

    def raise_topic(self, key: tuple[int, int], day: date, when: datetime, opinion_meeting: int | None) -> dict:
        """A topic raised (at an opinion meeting, or by a member or from a matter), maybe withdrawn days later."""
        t = self.spec.rounds[key[0]].topics[key[1]]
        tid = self.ids.take("council_topic")
        source = source_of(t)
        by = self.recorder if source == "opinion" else self.manager
        row = {"id": tid, "community_id": self.cid, "council_id": self.council_id, "title": t.title[:100],
               "detail": t.detail or t.opinions, "source": source, "matter_id": t.matter["id"] if t.matter else None,
               "member_id": self.members[t.member][0] if t.member is not None else None,
               "opinion_meeting_id": opinion_meeting, "raised_on": day, "stage": "raised", "withdrawn_on": None,
               "withdraw_reason": None, "created_by": by[0], "updated_at": when}
        self.topics[key] = row
        self.rows["council_topic"].append(row)
        self.pending[key] = list(t.votes)
        self.audit(when, by, "council.topic_create", "council_topic", tid,
                   {"council_id": self.council_id, "title": row["title"], "source": source,
                    "matter_id": row["matter_id"], "member_id": row["member_id"],
                    "opinion_meeting_id": opinion_meeting, "raised_on": day.isoformat()})
        if t.withdrawn:
            gone = min(self.latest, when + timedelta(days=self.rng.randint(3, 6)))
            row.update(stage="withdrawn", withdrawn_on=clock.local(gone).date(), withdraw_reason=t.withdrawn,
                       updated_at=gone)
            self.audit(gone, self.manager, "council.topic_update", "council_topic", tid,
                       {"stage": "withdrawn", "withdrawn_on": row["withdrawn_on"].isoformat(),
                        "withdraw_reason": t.withdrawn}, {"stage": "raised"})
        return row

    def meeting(self, day: date, kind: str, index: int) -> None:
        """One meeting of a round: planned with its agenda, and held when its day is past."""
        rnd, today, rng = self.spec.rounds[index], self.today, self.rng
        closed = day < today
        if kind in ("discussion", "ad_hoc"):  # topics raised by a member or from a matter, before it
            for ti, t in enumerate(rnd.topics):
                if source_of(t) != "opinion" and (index, ti) not in self.topics:
                    raised = day - timedelta(days=rng.randint(3, 10))
                    if raised <= today:
                        self.raise_topic((index, ti), raised, min(self.latest, at(raised, 10, rng.randint(0, 59))),
                                         None)
        keys = self.agenda_keys(kind, index, closed)
        under_review = []
        if kind == "review":
            under_review = [entry for entry in self.reviews_due
                            if entry[0]["decided_on"] <= day - timedelta(REVIEW_GAP)]
            if not under_review:
                return
        if kind in ("discussion", "decision", "ad_hoc") and not keys:
            return
        meeting = self.meeting_planned(day, kind, keys, under_review, closed)
        if closed:
            self.meeting_held(meeting, keys, under_review)

    def agenda_keys(self, kind: str, index: int, closed: bool) -> list[tuple[int, int]]:
        """The topics on a meeting's agenda: an opinion meeting's raise there; a vote takes the carried ones first."""
        rnd = self.spec.rounds[index]
        if kind == "opinion":
            return [(index, ti) for ti, t in enumerate(rnd.topics) if source_of(t) == "opinion"] if closed else []
        if kind == "discussion":
            keys = [(index, ti) for ti in range(len(rnd.topics))]
        elif kind in ("decision", "ad_hoc"):
            keys = self.carried + [(index, ti) for ti in range(len(rnd.topics)) if (index, ti) not in self.carried]
        else:
            keys = []
        return [k for k in keys if k in self.topics and self.topics[k]["stage"] not in ("withdrawn", "reviewed")]

    def meeting_planned(self, day: date, kind: str, keys: list, under_review: list, closed: bool) -> dict:
        """The meeting row as planned a week ahead; a meeting still to come gets its agenda now."""
        spec, mid = self.spec, self.ids.take("council_meeting")
        start = spec.start.get(kind, time(19))
        planned_on = min(day - timedelta(days=7), self.today - timedelta(days=1))
        meeting = {"id": mid, "community_id": self.cid, "council_id": self.council_id, "kind": kind, "day": day,
                   "start_time": start, "place": spec.place, "chair_id": self.convener, "recorder": spec.recorder[2],
                   "observers": spec.observers.get(kind), "status": "closed" if closed else "planned",
                   "opened_at": None, "closed_at": None, "summary": None, "expected": None, "present": None,
                   "excused": None, "created_by": self.manager[0],
                   "updated_at": min(self.latest, at(planned_on, 10))}
        self.rows["council_meeting"].append(meeting)
        self.audit(at(planned_on, 10), self.manager, "council.meeting_plan", "council_meeting", mid,
                   {"council_id": self.council_id, "kind": kind, "day": day.isoformat(), "place": spec.place,
                    "chair_id": self.convener, "topic_ids": [self.topics[k]["id"] for k in keys if k in self.topics],
                    "decision_ids": [entry[0]["id"] for entry in under_review]})
        if not closed:
            agenda = ([(self.topics[k]["id"], None) for k in keys]
                      + [(None, entry[0]["id"]) for entry in under_review])
            for position, (topic_id, decision_id) in enumerate(agenda, start=1):
                self.rows["council_agenda_item"].append({
                    "id": self.ids.take("council_agenda_item"), "meeting_id": mid, "position": position,
                    "topic_id": topic_id, "decision_id": decision_id, "minutes": None, "discussed": False,
                    "seconds": 0})
        return meeting

    def meeting_held(self, meeting: dict, keys: list, under_review: list) -> None:
        """A past meeting: opened, attendance taken, its topics discussed and voted or its decisions reviewed,
        closed with its summary."""
        rng, rule, mid, day, kind = self.rng, self.rule, meeting["id"], meeting["day"], meeting["kind"]
        opened = at(day, meeting["start_time"].hour, meeting["start_time"].minute)
        expected = [mid_ for mid_, s, e in self.members if s <= day and (e is None or e >= day)]
        chair = self.convener if self.convener in expected else expected[0]
        meeting["chair_id"] = chair
        invalid = kind in ("decision", "ad_hoc") and any(
            self.pending.get(k) and self.pending[k][0] == "invalid" for k in keys)
        statuses = attendance(rng, rule, expected, chair, present=self.spec.present, excused=self.spec.excused,
                              want_quorum=not invalid)
        q = _quorum(rule, statuses)
        here = [m for m in expected if statuses[m] == "present"]
        self.audit(opened, self.recorder, "council.meeting_open", "council_meeting", mid, {"status": "open"},
                   {"status": "planned"})
        for m in expected:
            self.rows["council_attendance"].append({
                "meeting_id": mid, "member_id": m, "status": statuses[m],
                "checked_in_at": opened + timedelta(minutes=rng.randint(1, 9)) if statuses[m] == "present" else None})
        self.audit(opened + timedelta(minutes=10), self.recorder, "council.attendance", "council_meeting", mid,
                   {"present": len(here), "excused": list(statuses.values()).count("excused"),
                    "absent": list(statuses.values()).count("absent")})
        self.clock_at = opened + timedelta(minutes=12)
        self.position = 0
        voted, passed = self.topics_handled(meeting, keys, statuses, q)
        reviewed = self.reviews_held(meeting, under_review, here)
        for k in keys if kind != "opinion" else ():  # closing: what was discussed moves on from "raised"
            if self.topics[k]["stage"] == "raised":
                _stage(self.topics[k], "discussed", self.clock_at)
        closed_at = self.clock_at + timedelta(minutes=rng.randint(5, 15))
        words = f"应到{q.expected}人，实到{q.present}人"  # as the recorder types it (the minutes state the rule)
        if kind == "opinion":
            summary = f"{words}。会议收集居民意见，梳理形成议题{len(keys)}项。"
        elif kind == "discussion":
            summary = f"{words}。会议对{len(keys)}项议题进行讨论，形成初步方案。"
        elif kind == "review":
            summary = (f"{words}。会议听取{len(under_review)}项决议落实情况的述职并进行评议：已落实"
                       f"{reviewed['carried_out']}项，部分落实{reviewed['partly']}项，未落实{reviewed['not']}项。")
        elif not q.met:
            summary = f"{words}，到会人数不足，表决无效，议题待下次会议重新表决。"
        else:
            summary = f"{words}。会议对{voted}项议题进行表决，通过{passed}项，未通过{voted - passed}项。"
        counted = {"expected": len(expected), "present": len(here),
                   "excused": list(statuses.values()).count("excused")}
        meeting.update(opened_at=opened, closed_at=closed_at, summary=summary, updated_at=closed_at, **counted)
        self.audit(closed_at, self.recorder, "council.meeting_close", "council_meeting", mid,
                   {"status": "closed"} | counted, {"status": "open"})

    def topics_handled(self, meeting: dict, keys: list, statuses: dict[int, str], q) -> tuple[int, int]:
        """Each topic on the agenda: raised (opinion meeting), discussed, or voted with its decision and follow-up.
        Returns the votes taken and passed."""
        rng, mid, day, kind = self.rng, meeting["id"], meeting["day"], meeting["kind"]
        voted = passed = 0
        for k in keys:
            t = self.spec.rounds[k[0]].topics[k[1]]
            if kind == "opinion":
                row = self.raise_topic(k, day, self.clock_at, mid)
                minutes = t.opinions
            elif kind == "discussion":
                row = self.topics[k]
                minutes = t.discussion or rng.choice(MINUTES["discussion"])
            else:
                row = self.topics[k]
                minutes = (MINUTES["revote"] if k in self.carried else MINUTES["ad_hoc"] if kind == "ad_hoc"
                           else rng.choice(MINUTES["decision"]))
            seconds = rng.randint(240, max(300, min(1500, 7200 // len(keys))))  # a meeting takes about 2 hours
            self.position += 1
            item = {"id": self.ids.take("council_agenda_item"), "meeting_id": mid, "position": self.position,
                    "topic_id": row["id"], "decision_id": None, "minutes": minutes, "discussed": True,
                    "seconds": seconds}
            self.rows["council_agenda_item"].append(item)
            self.clock_at += timedelta(seconds=seconds)
            if kind != "opinion":
                self.audit(self.clock_at, self.recorder, "council.minutes", "council_meeting", mid,
                           {"agenda_item_id": item["id"], "minutes": minutes[:200], "discussed": True,
                            "seconds": seconds})
            if kind in ("decision", "ad_hoc") and self.pending.get(k):
                status = self.pending[k].pop(0)
                if k in self.carried:
                    self.carried.remove(k)
                if status == "invalid" and self.refuse:
                    if self.pending[k]:
                        self.carried.append(k)
                    continue
                status = status if q.met else "invalid"
                decision = self.decided(t, row, mid, day, statuses, q, status)
                voted += 1
                passed += status == "passed"
                if status == "passed":
                    _stage(row, "decided", self.clock_at)
                    if t.follow_up:
                        self.followed_up(t, row, decision, day)
                    if t.reviews:
                        self.reviews_due.append([decision, list(t.reviews), k])
                else:
                    _stage(row, "rejected", self.clock_at)
                    if self.pending[k]:
                        self.carried.append(k)
        return voted, passed

    def reviews_held(self, meeting: dict, under_review: list, here: list[int]) -> dict[str, int]:
        """A review meeting's reports, ratings by those present and outcomes; returns the count per outcome."""
        rng, mid, day = self.rng, meeting["id"], meeting["day"]
        reviewed = {"carried_out": 0, "partly": 0, "not": 0}
        for entry in under_review:
            decision, remaining, k = entry
            review = remaining.pop(0)
            if not remaining:
                self.reviews_due.remove(entry)
            seconds = rng.randint(240, max(300, min(1200, 7200 // len(under_review))))
            self.position += 1
            item_id = self.ids.take("council_agenda_item")
            self.rows["council_agenda_item"].append({
                "id": item_id, "meeting_id": mid, "position": self.position, "topic_id": None,
                "decision_id": decision["id"], "minutes": review.report, "discussed": True, "seconds": seconds})
            self.clock_at += timedelta(seconds=seconds)
            rid = self.ids.take("council_review")
            reason = None if review.outcome == "carried_out" else review.reason
            self.rows["council_review"].append({
                "id": rid, "community_id": self.cid, "decision_id": decision["id"], "meeting_id": mid,
                "reporter": decision["owner"] or self.spec.members[0].name, "report": review.report,
                "outcome": review.outcome, "reason": reason, "reviewed_on": day, "created_by": self.recorder[0]})
            for m in here:
                rating = rng.choices(RATINGS, RATING_WEIGHTS[review.outcome])[0]
                self.rows["council_rating"].append({"review_id": rid, "member_id": m, "rating": rating})
            decision.update(outcome=review.outcome, reviewed_on=day, updated_at=self.clock_at)
            _stage(self.topics[k], "reviewed", self.clock_at)
            reviewed[review.outcome] += 1
            self.audit(self.clock_at, self.recorder, "council.review", "council_review", rid,
                       {"decision_id": decision["id"], "outcome": review.outcome, "reason": reason,
                        "ratings": len(here)})
        return reviewed

    def decided(self, t: TopicSpec, topic: dict, meeting_id: int, day: date, statuses: dict[int, str], q,
                status: str) -> dict:
        """The decision row of a vote (with its ballots for a named vote)."""
        rng, spec, when = self.rng, self.spec, self.clock_at
        present = [m for m, s in statuses.items() if s == "present"]
        votes_for, against, abstain = counts(rng, self.rule, present=len(present), members=len(statuses),
                                             passed=status != "rejected")
        did = self.ids.take("council_decision")
        if t.method == "named":
            choices = ["for"] * votes_for + ["against"] * against + ["abstain"] * abstain
            rng.shuffle(choices)
            self.rows["council_ballot"].extend({"decision_id": did, "member_id": m, "choice": c}
                                               for m, c in zip(present, choices, strict=True))
        passed = status == "passed"
        notice_end = day + timedelta(days=self.settings.council.notice_days)
        decision = {
            "id": did, "community_id": spec.community_id, "council_id": topic["council_id"],
            "meeting_id": meeting_id, "topic_id": topic["id"], "text": t.decision or f"同意{t.title}",
            "method": t.method, "votes_for": votes_for, "against": against, "abstain": abstain,
            "expected": q.expected, "present": q.present, "quorum_met": q.met, "status": status,
            "owner": t.owner if passed else None, "due": day + timedelta(days=t.due_days) if passed else None,
            "notice_start": day if passed else None, "notice_end": notice_end if passed else None,
            "matter_id": None, "outcome": None, "reviewed_on": None, "decided_on": day,
            "created_by": self.recorder[0], "updated_at": when}
        self.rows["council_decision"].append(decision)
        self.audit(when, self.recorder, "council.decision", "council_decision", did,
                   {"topic_id": topic["id"], "text": decision["text"][:200], "method": t.method,
                    "votes_for": votes_for, "against": against, "abstain": abstain, "expected": q.expected,
                    "present": q.present, "quorum_met": q.met, "status": status, "owner": decision["owner"],
                    "due": decision["due"].isoformat() if passed else None,
                    "notice_start": day.isoformat() if passed else None,
                    "notice_end": notice_end.isoformat() if passed else None})
        return decision

    def followed_up(self, t: TopicSpec, topic: dict, decision: dict, day: date) -> None:
        """A 365 matter (through spec.matter_for) or a need for the joint committee, a few days after the vote."""
        spec, rng = self.spec, self.rng
        when = min(self.latest, at(min(day + timedelta(days=rng.randint(1, 3)), self.today), 10, rng.randint(0, 59)))
        if t.follow_up == "matter" and spec.matter_for:
            matter_id = spec.matter_for(decision, topic, when)
            if matter_id is None:
                return
            decision["matter_id"] = matter_id
            after = {"matter_id": matter_id}
        elif t.follow_up == "need":
            nid = self.ids.take("need")
            self.rows["need"].append({
                "id": nid, "community_id": spec.community_id, "title": (t.need or t.title)[:100],
                "detail": f"{spec.name}决议：{decision['text']}", "source": "council", "matter_id": None,
                "council_decision_id": decision["id"], "project_id": None, "raised_on": when.date(),
                "created_by": self.manager[0]})
            after = {"need_id": nid}
        else:
            return
        decision["updated_at"] = when
        topic["stage"], topic["updated_at"] = "implementing", when
        self.audit(when, self.manager, "council.follow_up", "council_decision", decision["id"], after)


def _stage(row: dict, value: str, when: datetime) -> None:
    row["stage"], row["updated_at"] = value, when


def insert_rows(session: Session, rows: dict[str, list[dict]]) -> None:
    """Bulk-insert the rows of council_rows (Core inserts, in foreign-key order)."""
    for name in ORDER:
        if rows.get(name):
            session.execute(insert(MODELS[name].__table__), rows[name])


def sync_sequences(session: Session) -> None:
    for name in TABLES:
        sync_id_sequence(session, name)


# --- the demo -----------------------------------------------------------------------------------------------------

def _r(outcome: str, report: str, reason: str | None = None) -> Review:
    return Review(outcome, report, reason)


XINGFULI_MEMBERS = [
    MemberSpec("周明远", "party", "小区党小组组长、业委会主任", convener=True),
    MemberSpec("刘晓燕", "grid_leader", "康盛第3网格网格长"),
    MemberSpec("吴国庆", "owners_committee", "业委会副主任"),
    MemberSpec("郑淑芬", "owners_committee", "业委会委员"),
    MemberSpec("何志刚", "owners_committee", "业委会委员"),
    MemberSpec("林春梅", "owners_committee", "业委会委员（财务）"),
    MemberSpec("马德胜", "resident", "3号楼居民代表"),
    MemberSpec("黄玉兰", "resident", "7号楼居民代表"),
    MemberSpec("孙雅琴", "resident", "12号楼居民代表、联席会议记录员"),
]
XINGFULI_ROUNDS = [
    RoundSpec(-364, (
        TopicSpec("楼道堆物清理",
                  opinions="3号楼、7号楼居民反映楼道内堆放纸箱、旧家具和电动车，堵塞疏散通道，存在火灾隐患；"
                           "也有居民担心清理时自家物品被当作垃圾处理。",
                  discussion="同意开展集中清理：先张贴通知，给居民7天自行清理期限，逾期由物业统一清运；网格长逐楼栋摸排。",
                  keywords=("楼道内堆放", "堆放大量杂物"),
                  decision="开展楼道堆物集中清理：张贴通知给予7天自行清理期限，逾期由物业统一清运；清理后每月巡查一次，"
                           "纳入楼栋长考核。",
                  owner="网格长 刘晓燕", due_days=45, follow_up="matter", category="environment",
                  reviews=(_r("carried_out", "已完成12栋楼楼道清理，清运杂物约18车，建立每月巡查台账。"),)),
        TopicSpec("垃圾分类投放点调整",
                  opinions="居民反映2号楼与5号楼之间的垃圾投放点离住户窗户太近，夏季异味大；建议迁至北侧空地并增设洗手池。",
                  discussion="北侧空地可容纳投放亭，需先征求临近6号楼居民意见；物业测算迁移费用约1.2万元，可从公共收益列支。",
                  keywords=("垃圾桶满溢",),
                  decision="将2号楼与5号楼之间的垃圾投放点迁至小区北侧空地，增设洗手池和除臭设备，费用约1.2万元从公共收益列支。",
                  owner="业委会 郑淑芬", due_days=60,
                  reviews=(_r("partly", "北侧投放亭已建成并投入使用，旧投放点暂时保留。",
                              "6号楼部分居民对新址有异议，旧投放点暂未撤除"),
                           _r("carried_out", "经再次入户沟通，旧投放点已撤除，异味问题解决。"))),
    )),
    RoundSpec(-273, (
        TopicSpec("电动车充电桩安装",
                  opinions="居民反映电动车推上楼充电有安全隐患，希望在小区内集中安装充电桩；也有居民担心占用绿地。",
                  discussion="供电所可协助线路增容；初步选址东门车棚和9号楼西侧两处，计划安装充电口40个，按次计费。",
                  keywords=("充电桩",),
                  decision="在东门车棚和9号楼西侧建设电动车集中充电棚两处、充电口40个，按次计费，收费标准公示后执行；"
                           "请联合党委协调供电所支持线路增容。",
                  method="named", owner="业委会 吴国庆", due_days=90, follow_up="need",
                  need="幸福里小区电动车集中充电设施需要供电线路增容支持",
                  reviews=(_r("partly", "东门车棚20个充电口已投入使用，9号楼西侧充电棚已建成待通电。",
                              "9号楼西侧线路增容尚未完成，充电棚暂未通电"),
                           _r("carried_out", "供电所完成线路增容，两处充电棚40个充电口全部投入使用，"
                                             "楼道充电现象明显减少。"))),
        TopicSpec("物业费调整听证",
                  opinions="物业公司提出将物业费由每月每平方米0.8元上调至1.1元；多数居民认为服务质量未明显提升，不同意上调。",
                  discussion="物业公司说明人工和能耗成本上涨；与会代表要求先公开近两年收支明细再议。",
                  keywords=("物业费收支",),
                  decision="同意物业费由每月每平方米0.8元上调至1.1元", votes=("rejected",), method="ballot"),
    )),
    RoundSpec(-182, (
        TopicSpec("小区停车管理",
                  opinions="居民反映外来车辆随意进入小区、占用消防通道停车，夜间车位紧张。",
                  discussion="建议启用车牌识别道闸，业主车辆登记后免费进出，外来车辆限时收费；施划消防通道禁停标线。",
                  keywords=("消防通道", "车位"),
                  decision="启用车牌识别道闸，业主车辆登记后免费进出，外来车辆停放超过2小时按次收费；施划消防通道禁停标线，"
                           "违停车辆由物业劝离。",
                  owner="盛和物业 罗俊杰", due_days=45,
                  reviews=(_r("carried_out", "道闸已启用，登记业主车辆386辆；消防通道标线已施划，"
                                             "占道停车基本杜绝。"),)),
        TopicSpec("公共收益使用",
                  opinions="居民要求公开电梯广告、场地租赁等公共收益的收支情况，并将收益用于小区设施维修。",
                  discussion="业委会通报公共收益账户余额约8.6万元；建议优先用于单元门禁维修和儿童游乐设施更新。",
                  decision="公共收益收支每季度在公告栏公示；本年度安排5万元用于单元门禁维修和儿童游乐设施更新。",
                  method="named", owner="业委会 林春梅", due_days=60,
                  reviews=(_r("not", "已完成首次季度收支公示；维修资金尚未拨付。",
                              "公共收益账户变更手续尚未办结，维修资金未能拨付"),)),
    )),
    RoundSpec(-91, (
        TopicSpec("加装电梯", member=6,
                  detail="3号楼2单元居民提议加装电梯：单元内11户中有高龄老人的5户，上下楼困难。",
                  discussion="支持3号楼2单元先行试点；需取得单元内三分之二以上业主同意，费用按楼层分摊，可申请加装电梯补贴。",
                  decision="支持3号楼2单元试点加装电梯：由单元居民成立加梯小组开展意见征询，社区协助申请加装电梯补贴。",
                  owner="3号楼加梯小组 马德胜", due_days=180,
                  reviews=(_r("partly", "已完成意见征询，11户中10户同意；设计方案已报规划部门审批。",
                              "设计方案尚在规划部门审批，施工未启动"),)),
        TopicSpec("绿化改造",
                  opinions="居民反映中心花园绿化老化，部分地面裸露，雨天泥泞；建议补植并修缮步道。",
                  discussion="物业提出分两期实施，一期补植草皮和灌木约600平方米，费用从公共收益列支。",
                  keywords=("绿化带",),
                  decision="实施中心花园绿化改造一期：补植草皮和灌木约600平方米，修缮步道，费用从公共收益列支。",
                  owner="盛和物业 罗俊杰", due_days=60),
    )),
    RoundSpec(0, (
        TopicSpec("小区门禁系统升级",
                  opinions="居民反映单元门禁经常损坏，外来人员随意进出；希望更换为刷卡加人脸识别门禁。",
                  discussion="物业报价全小区36个单元门更换门禁约7.2万元；与会人员倾向分批更换，先换损坏最严重的12个单元。",
                  votes=()),
        TopicSpec("非机动车棚扩建",
                  opinions="居民反映现有车棚停放不下，电动车、自行车停在楼道口；建议在8号楼北侧扩建车棚。",
                  discussion="扩建车棚约需120平方米场地，可与充电棚统一规划，费用约3万元。",
                  votes=()),
    )),
]
KANGSHENG_MEMBERS = [
    MemberSpec("王丽娟", "party", "社区党委书记", convener=True),
    MemberSpec("陈国华", "residents_committee", "社区居委会副主任"),
    MemberSpec("高静", "residents_committee", "社区居委会委员"),
    MemberSpec("周明远", "owners_committee", "幸福里小区业委会主任"),
    MemberSpec("谢宏伟", "owners_committee", "康盛花园业委会主任"),
    MemberSpec("罗俊杰", "property", "盛和物业康盛项目经理"),
    MemberSpec("梁海燕", "property", "安居物业幸福里服务中心主任"),
    MemberSpec("曹德胜", "merchants", "惠民佳超市康盛店店长"),
    MemberSpec("唐桂英", "merchants", "康盛路沿街商户代表"),
    MemberSpec("冯雅丽", "social_org", "四叶草社会工作服务中心社工"),
    MemberSpec("宋玉兰", "resident", "康盛小区居民代表"),
    MemberSpec("韩志强", "resident", "幸福里小区居民代表"),
    MemberSpec("袁淑珍", "resident", "康和苑居民代表"),
    MemberSpec("邓永刚", "resident", "退休党员、居民代表", active=False),  # term ended mid-year (END_OFFSET)
    MemberSpec("蒋文静", "resident", "居民代表"),  # took over the seat
]
LEFT, JOINED = 13, 14  # the member who left and who took over, and when (days from today)
END_OFFSET = -143
KANGSHENG_ROUNDS = [
    RoundSpec(-358, (
        TopicSpec("社区养老助餐点设置",
                  opinions="老年居民反映子女白天上班，午饭没有着落，希望社区设置老年助餐点。",
                  discussion="可利用党群服务中心一楼活动室，与惠民佳超市合作供餐，60岁以上老人每餐补贴3元。",
                  decision="在党群服务中心一楼设置老年助餐点，工作日供应午餐，60岁以上老人每餐补贴3元。",
                  owner="居委会 陈国华", due_days=75,
                  reviews=(_r("carried_out", "助餐点已开业，日均就餐老人52人次，居民反映良好。"),)),
        TopicSpec("背街小巷路灯增设",
                  opinions="居民反映康盛路北侧背街小巷夜间没有照明，老人和学生晚上出行不安全。",
                  discussion="经现场踏勘，需增设路灯16盏；建议采用太阳能路灯，免去线路敷设。",
                  decision="在康盛路北侧背街小巷增设太阳能路灯16盏。", owner="居委会 高静", due_days=60,
                  follow_up="matter", category="environment",
                  reviews=(_r("partly", "已安装太阳能路灯10盏并亮灯。", "其余6盏因与地下管线冲突需重新选址"),
                           _r("carried_out", "重新选址后16盏太阳能路灯已全部安装并亮灯。"))),
    ), review_after=88),
    RoundSpec(-267, (
        TopicSpec("农贸市场周边占道经营整治",
                  opinions="居民反映农贸市场周边早市摊贩占道经营，影响通行，散场后垃圾多。",
                  discussion="建议在市场东侧空地设置早市临时疏导点，引导流动摊贩入点经营，并安排保洁。",
                  decision="在农贸市场东侧设置早市临时疏导点，引导流动摊贩入点经营；城管、市场监管所联合巡查，散场后半小时内保洁。",
                  votes=("invalid", "passed"), owner="居委会 陈国华", due_days=60,
                  reviews=(_r("carried_out", "疏导点已启用，入点摊贩32户，占道经营明显减少。"),)),
        TopicSpec("广场舞噪音扰民",
                  opinions="康盛小区居民反映晚间广场舞音响声音过大，影响老人和学生休息。",
                  withdrawn="经网格员协调，广场舞团队已调整时间并降低音量，提议居民撤回议题"),
    ), review_after=88),
    RoundSpec(-176, (
        TopicSpec("社区公益基金使用方案",
                  opinions="居民建议社区公益基金向困难家庭和志愿者倾斜，支出情况定期公开。",
                  discussion="拟定本年度预算4万元，分为困难家庭帮扶、志愿者保险、邻里节活动三部分。",
                  decision="社区公益基金本年度支出预算4万元，用于困难家庭帮扶、志愿者保险和邻里节活动，支出明细每季度公示。",
                  method="named", owner="社区党委 王丽娟", due_days=75,
                  reviews=(_r("partly", "困难家庭帮扶和志愿者保险已支出2.6万元并公示；邻里节活动延期。",
                              "邻里节活动因连续降雨延期举办"),)),
        TopicSpec("老旧小区楼道扶手加装",
                  opinions="康盛小区多位高龄老人反映楼梯没有扶手，上下楼容易摔倒。",
                  discussion="对1至12号楼进行摸排，需加装扶手约90处，可申请适老化改造资金。",
                  decision="在康盛小区1至12号楼加装楼道扶手约90处，申请适老化改造资金。", owner="居委会 高静",
                  due_days=60,
                  reviews=(_r("carried_out", "已加装楼道扶手92处，高龄老人反映上下楼安全多了。"),)),
    ), review_after=88),
    RoundSpec(-130, (
        TopicSpec("暴雨后地下车库积水排查", member=1,
                  detail="连日暴雨，幸福里、康盛花园地下车库出现积水，需尽快排查排水设施。",
                  decision="组织物业对辖区6处地下车库排水设施进行排查，完成清淤并配备应急排水泵。",
                  owner="盛和物业 罗俊杰", due_days=30,
                  reviews=(_r("carried_out", "6处地下车库已完成清淤，配备排水泵4台。"),)),
    ), ad_hoc=True),
    RoundSpec(-85, (
        TopicSpec("社区文化活动室开放时间调整",
                  opinions="上班族居民反映文化活动室下午五点关门，下班后用不上；希望延长开放时间。",
                  discussion="延长开放需要值守人员，可由志愿者轮流值守。",
                  decision="文化活动室开放时间延长至每晚21时，周末全天开放，由志愿者轮流值守。", owner="居委会 高静",
                  due_days=30, reviews=(_r("carried_out", "已按新时间开放，志愿者排班表已公示。"),)),
        TopicSpec("垃圾分类督导志愿者招募",
                  opinions="居民反映垃圾分类投放点混投现象多，希望早晚高峰有人督导。",
                  discussion="由四叶草社工中心牵头招募志愿者，参与督导的志愿者计入志愿服务时长。",
                  decision="招募垃圾分类督导志愿者30名，早晚高峰在投放点值守督导，服务时长计入志愿积分。",
                  owner="社会组织 冯雅丽", due_days=45,
                  reviews=(_r("partly", "已招募志愿者21名，早高峰值守已覆盖全部投放点。", "晚高峰值守人手不足"),)),
    ), review_after=88),
    RoundSpec(6, (
        TopicSpec("社区食堂运营方案",
                  opinions="居民希望老年助餐点扩展为面向全体居民的社区食堂，价格实惠。",
                  discussion="惠民佳超市愿意承接运营；需明确老人优惠和食品安全责任。", votes=()),
        TopicSpec("电动自行车进楼入户治理",
                  opinions="居民反映仍有住户把电动自行车推进电梯、楼道充电，存在火灾隐患。",
                  discussion="建议电梯加装阻车系统，结合新建充电棚开展劝导。", votes=()),
    ), review_after=88),
]
# the follow-up matters the demo's councils create (all of them decided long ago): demo.seed counts them among its
# matters
FOLLOW_UPS = sum(t.follow_up == "matter" for rnd in (*XINGFULI_ROUNDS, *KANGSHENG_ROUNDS) for t in rnd.topics)
SMALL = {
    "康和社区": ("康和社区居民议事会", "resident_council", None, "康和社区活动中心会议室",
             [("party", "社区党委书记"), ("residents_committee", "社区居委会主任"),
              ("owners_committee", "康和苑业委会主任"),
              ("property", "鑫源物业项目经理"), ("merchants", "沿街商户代表"), ("social_org", "益家社工服务社社工"),
              ("resident", "居民代表"), ("resident", "居民代表"), ("resident", "居民代表")],
             [RoundSpec(-151, (
                 TopicSpec("小区健身器材更新", opinions="居民反映健身器材老化，部分已损坏。",
                           decision="更换康和苑健身器材8件，由物业负责日常维护。", owner="鑫源物业", due_days=45,
                           reviews=(_r("carried_out", "8件健身器材已更换完毕。"),)),
                 TopicSpec("楼道小广告清理", opinions="居民反映楼道小广告屡清屡贴。",
                           decision="组织志愿者每月集中清理楼道小广告，在单元门口设置便民信息栏。", owner="居委会",
                           due_days=60,
                           reviews=(_r("partly", "已清理两轮，便民信息栏已设置。", "仍有个别楼栋反复张贴"),)),
             ), review_after=84),
              RoundSpec(-60, (
                  TopicSpec("社区老年活动中心开放时间", opinions="老年居民希望活动中心周末也开放。",
                            decision="老年活动中心周末上午开放，由志愿者值守。", owner="居委会", due_days=30),
                  TopicSpec("宠物文明饲养公约", opinions="居民反映遛狗不拴绳、不清理粪便。",
                            decision="制定宠物文明饲养公约，在小区内张贴并入户宣传。", owner="业委会", due_days=45),
              ), review_after=84)]),
    "康泰社区": ("康泰家园小区联席会议", "estate_joint", "康泰家园", "康泰家园党群服务站",
             [("party", "小区党小组组长、业委会主任"), ("grid_leader", "网格长"), ("owners_committee", "业委会副主任"),
              ("owners_committee", "业委会委员"), ("owners_committee", "业委会委员"),
              ("owners_committee", "业委会委员"),
              ("resident", "居民代表"), ("resident", "居民代表"), ("resident", "居民代表")],
             [RoundSpec(-136, (
                 TopicSpec("地下车库渗水维修", opinions="居民反映地下车库顶板渗水，车辆被污损。",
                           decision="对地下车库顶板渗水点进行防水维修，费用从维修资金列支。", owner="物业", due_days=60,
                           reviews=(_r("carried_out", "渗水点已完成防水维修。"),)),
                 TopicSpec("快递柜设置", opinions="居民希望在小区内设置智能快递柜。",
                           decision="在小区南门内侧设置智能快递柜两组。", owner="业委会", due_days=30,
                           reviews=(_r("carried_out", "快递柜已投入使用。"),)),
             )),
              RoundSpec(-45, (
                  TopicSpec("小区大门道闸更换", opinions="居民反映大门道闸经常故障。",
                            decision="更换小区大门道闸为车牌识别道闸。", owner="物业", due_days=45),
              ))]),
}


def _matter_topic(rounds: list[RoundSpec], matters: list[dict], today: date) -> list[RoundSpec]:
    """The first opinion topic that a resident matter of the community raised before its discussion meeting
    (a matter saying one of its keywords) becomes a topic of source matter, raised from that matter."""
    for index, rnd in enumerate(rounds):
        for ti, t in enumerate(rnd.topics):
            if not t.keywords or source_of(t) != "opinion":
                continue
            before = today + timedelta(days=rnd.day - rnd.discussion_before - 12)
            found = [m for m in matters if clock.local(m["registered_at"]).date() <= before
                     and any(word in m["description"] for word in t.keywords)]
            if found:
                matter = found[0]
                topic = replace(t, matter=matter, opinions=None,
                                detail=f"由居民诉求 {matter['number']} 转入：{matter['description']}")
                topics = (*rnd.topics[:ti], topic, *rnd.topics[ti + 1:])
                return [*rounds[:index], replace(rnd, topics=topics), *rounds[index + 1:]]
    return rounds


class _Matters:
    """Follow-up 365 matters of the demo: rows as data_access.demo.sample builds them, with their timelines."""

    def __init__(self, session: Session, settings: Settings, rng: random.Random, ids: Ids, now: datetime,
                 actors: list[tuple[int | None, str]]) -> None:
        self.settings, self.rng, self.ids, self.now, self.actors = settings, rng, ids, now, actors
        self.rows: list[dict] = []
        self.events: list[dict] = []
        self.grids: dict[int, list[int]] = {}
        for grid_id, community_id in session.execute(select(Grid.id, Grid.community_id).order_by(Grid.id)):
            self.grids.setdefault(community_id, []).append(grid_id)

    def maker(self, council: str, category: str, grid: int = 2) -> Callable[[dict, dict, datetime], int]:
        def make(decision: dict, topic: dict, when: datetime) -> int:
            settings, rng = self.settings, self.rng
            mid = self.ids.take("matter")
            grids = self.grids[decision["community_id"]]
            channel = settings.channels[0]
            registered = clock.local(when)
            row = {
                "id": mid, "number": f"{settings.number_prefix}{registered:%Y%m%d}{mid:07d}",
                "registered_at": registered, "channel": channel.code, "sub_source": channel.sub_sources[0].code,
                "community_id": decision["community_id"], "grid_id": grids[min(grid, len(grids) - 1)],
                "anonymous": False, "reporter_name": council[:30], "reporter_phone": None, "reporter_id_number": None,
                "description": f"根据{council}决议：{decision['text']}", "category": category,
                "urgency": settings.urgencies[-1].code, "mode": settings.modes[0].code, "step": 1, "handler": None,
                "supervisor": None, "ledger_no": None,
                "deadline": compute_deadline(settings, registered, category, settings.urgencies[-1].code),
                "extension_count": 0, "result": None, "feedback_content": None, "feedback_method": None,
                "evaluation": None, "evaluation_comment": None, "evaluated_at": None, "reopen_count": 0,
                "escalated": False, "score": None, "closed_at": None, "handled_on_time": None, "handling_days": None,
                "created_by": self.actors[0][0], "updated_at": registered}
            self.events.extend(sample._timeline(rng, settings, row, self.now, self.actors))
            self.rows.append(row)
            return mid
        return make

    def insert(self, session: Session) -> None:
        if not self.rows:
            return
        session.execute(insert(Matter.__table__), self.rows)
        session.execute(insert(MatterEvent.__table__), self.events)
        usernames = dict(session.execute(select(User.id, User.username)).all())
        session.execute(insert(AuditLog.__table__),
                        sample.audit_rows({m["id"]: m for m in self.rows}, self.events, usernames))
        for row in self.rows:
            tally.record_change(session, community_id=row["community_id"], registered_at=row["registered_at"],
                                before=None, after=row)


def seed(session: Session, settings: Settings, rng: random.Random, communities: list[tuple[int, str, str]],
         matters: list[dict], now: datetime) -> dict:
    """The demo councils of `communities` [(id, name, code)]; the first gets 幸福里小区联席会议 and its resident
    council. Called by data_access.demo.street.seed in its transaction, after the committees. Returns the counts."""
    today = clock.local(now).date()
    users = {name: (uid, display) for uid, name, display in
             session.execute(select(User.id, User.username, User.display_name))}
    secretary = users.get("secretary")
    recorder = users.get("recorder")
    ids = Ids(session)
    actors = [(uid, display) for name, (uid, display) in users.items() if name in ("secretary", "worker")]
    follow_ups = _Matters(session, settings, rng, ids, now, actors or [(None, "系统")])
    established = date(today.year - 2, 3, 15)
    term_end = date(today.year + 1, 3, 14)
    all_rows: dict[str, list[dict]] = {name: [] for name in ORDER}
    specs = []
    for position, (community_id, name, _code) in enumerate(communities):
        if position == 0:
            manager = (secretary[0], "secretary") if secretary else (None, "system")
            rec = (recorder[0], "recorder", recorder[1].split()[-1]) if recorder else (None, "system", "孙雅琴")
            own = [m for m in matters if m["community_id"] == community_id]
            members = list(KANGSHENG_MEMBERS)
            left = today + timedelta(days=END_OFFSET)
            members[LEFT] = replace(members[LEFT], end=left)
            members[JOINED] = replace(members[JOINED], start=left + timedelta(days=1))
            specs.append(CouncilSpec(
                community_id=community_id, name="幸福里小区联席会议", kind="estate_joint", estate="幸福里小区",
                members=list(XINGFULI_MEMBERS), rounds=_matter_topic(XINGFULI_ROUNDS, own, today),
                established=established, term_end=term_end, place="幸福里小区党群服务站", recorder=rec,
                manager=manager,
                observers={"opinion": "幸福里小区居民12人", "decision": "社区党委书记 王丽娟（列席指导）"},
                start={"review": time(14, 30)}, present=0.88, excused=0.06,
                matter_for=follow_ups.maker("幸福里小区联席会议", "environment")))
            specs.append(CouncilSpec(
                community_id=community_id, name=f"{name}居民议事会", kind="resident_council", members=members,
                rounds=KANGSHENG_ROUNDS, established=established, term_end=term_end,
                place="康盛社区党群服务中心三楼会议室", recorder=rec, manager=manager,
                observers={"opinion": "居民群众20余人", "review": "街道社区办 工作人员"},
                start={kind: time(14, 30) for kind in KIND_ORDER}, present=0.82, excused=0.08,
                matter_for=follow_ups.maker(f"{name}居民议事会", "environment", grid=0)))
            continue
        council, kind, estate, place, seats, rounds = SMALL.get(name) or SMALL["康和社区"]
        names = people(rng, len(seats) + 1)
        members = [MemberSpec(person, seat, title, convener=index == 0)
                   for index, (person, (seat, title)) in enumerate(zip(names, seats, strict=False))]
        specs.append(CouncilSpec(
            community_id=community_id, name=council if name in SMALL else f"{name}居民议事会", kind=kind,
            estate=estate, members=members, rounds=rounds, established=established, term_end=term_end, place=place,
            recorder=(None, "system", names[-1]), manager=(None, "system")))
    for spec in specs:
        rows = council_rows(rng, settings, spec, ids, now)
        for table, table_rows in rows.items():
            all_rows[table].extend(table_rows)
    follow_ups.insert(session)
    all_rows["audit_log"].sort(key=lambda row: row["at"])
    insert_rows(session, all_rows)
    sync_sequences(session)
    return {"follow_up_matters": len(follow_ups.rows),
            "councils": len(all_rows["council"]), "council_members": len(all_rows["council_member"]),
            "council_topics": len(all_rows["council_topic"]), "council_meetings": len(all_rows["council_meeting"]),
            "council_decisions": len(all_rows["council_decision"]), "council_reviews": len(all_rows["council_review"])}
