"""Reads of the resident council: councils and members, topics and each topic's timeline, searchable meeting
records and one meeting in full, decisions (in notice, overdue, due for review), participation per member and per
seat, decisions per quarter and the overview figures. Every read is scoped by council.read and aggregates in SQL.

Each read takes the actor and looks only where the actor holds "council.read": another community's rows are simply
not there, and an actor without the permission gets empty results (None for one row). Lists that can grow with the
city (topics, meetings, decisions) are paged in SQL and come with their total; their counts per row are worked out
for the page's rows only. Frames hold codes (stage, status, kind, seat ...); pages translate them.

Shared definitions (the same in the lists and the overview):
- expected / present / excused / absent of a meeting: its attendance rows (written when it opens) by status;
  participation is present / expected over CLOSED meetings. A closed meeting keeps these counts on its row
  (written when it closes), which the overview sums; the per-member figures count the rows.
- a decision is in notice when it passed and today is within notice_start..notice_end; overdue when it passed, its
  due date is before today and its latest review (decision.outcome) is not carried_out; due for review when it
  passed, is due by today and has no review yet; reviewed when it has a review; not carried when its latest review
  says partly or not.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pandas as pd
from sqlalchemy import Engine, and_, case, false, func, literal, or_, select, true
from sqlalchemy.orm import aliased

from data_access import clock
from data_access import config as app_config
from data_access.db import reading
from data_access.models import (
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
    Need,
)
from data_access.org import communities
from data_access.sql import (
    as_date,
    code_equals,
    count_if,
    day_within,
    float_or_none,
    frame,
    id_equals,
    page_of,
    ratio,
    within,
)
from domain.access import Actor, scope
from domain.council.rules import TOPIC_STAGES
from domain.errors import ValidationFailed
from domain.fields import is_id, plain, shown
from domain.settings import Settings

SHOW = ("all", "passed", "in_notice", "overdue", "due_for_review", "reviewed", "not_carried")
STEPS = ("opinion", "topic", "discussion", "decision", "notice", "follow_up", "review")
OPEN_STAGES = ("raised", "discussed")

COUNCIL_COLUMNS = ["id", "name", "kind", "estate", "established_on", "active", "members", "convener", "meetings",
                   "last_meeting_day"]
MEMBER_COLUMNS = ["id", "name", "seat", "title", "term_start", "term_end", "active", "convener", "expected", "present",
                  "excused", "rate"]
TOPIC_COLUMNS = ["id", "council_id", "council", "title", "source", "stage", "raised_on", "matter_id", "matter_number",
                 "member", "meetings", "last_meeting_day", "decision_id", "decision_status", "due"]
STEP_COLUMNS = ["step", "day", "meeting_id", "meeting_kind", "text", "status"]
MEETING_COLUMNS = ["id", "council_id", "council", "community", "kind", "day", "start_time", "place", "chair",
                   "recorder", "status", "expected", "present", "excused", "absent", "topics", "decisions"]
ATTENDANCE_COLUMNS = ["member_id", "name", "seat", "title", "status", "checked_in_at"]
AGENDA_COLUMNS = ["id", "position", "topic_id", "topic", "topic_stage", "decision_id", "decision_text", "minutes",
                  "discussed", "seconds"]
DETAIL_DECISION_COLUMNS = ["id", "topic_id", "topic", "text", "method", "votes_for", "against", "abstain", "expected",
                           "present", "quorum_met", "status", "owner", "due", "notice_start", "notice_end",
                           "matter_id", "matter_number", "need_id", "outcome", "decided_on"]
BALLOT_COLUMNS = ["decision_id", "member_id", "name", "choice"]
REVIEW_COLUMNS = ["id", "decision_id", "decision_text", "reporter", "report", "outcome", "reason", "reviewed_on"]
RATING_COLUMNS = ["review_id", "member_id", "name", "rating"]
DECISION_COLUMNS = ["id", "council_id", "council", "community", "meeting_id", "meeting_day", "topic_id", "topic",
                    "text", "status", "method", "votes_for", "against", "abstain", "owner", "due", "notice_start",
                    "notice_end", "matter_id", "matter_number", "need_id", "outcome", "reviewed_on", "overdue"]
BY_MEMBER_COLUMNS = ["member_id", "name", "council", "seat", "expected", "present", "excused", "rate"]
BY_SEAT_COLUMNS = ["seat", "members", "expected", "present", "rate"]
QUARTER_COLUMNS = ["quarter", "decisions", "passed", "carried_out", "partly", "not_carried"]
MATTER_DECISION_COLUMNS = ["id", "council", "meeting_day", "text", "status", "meeting_id"]


@dataclass(frozen=True)
class TopicTimeline:
    """A topic and its chain. steps: step, day, meeting_id, meeting_kind, text, status (see the contract)."""

    topic: CouncilTopic
    council: str
    matter_number: str | None
    member: str | None
    steps: pd.DataFrame


@dataclass(frozen=True)
class CouncilMeetingDetail:
    """Everything the meeting pages, the live screen and the Word exports show of one meeting."""

    meeting: CouncilMeeting
    council: Council
    community: str
    chair: str | None
    attendance: pd.DataFrame
    agenda: pd.DataFrame
    decisions: pd.DataFrame
    ballots: pd.DataFrame
    reviews: pd.DataFrame
    ratings: pd.DataFrame


@dataclass(frozen=True)
class CouncilOverview:
    """The figures of the council overview for a year (see the contract)."""

    councils: int
    members: int
    meetings: dict[str, int]
    topics_open: int
    decisions: int
    passed: int
    invalid: int
    in_notice: int
    overdue: int
    due_for_review: int
    reviewed: int
    carried_out: int
    carried_out_rate: float | None
    participation: float | None


# --- SQL building blocks -------------------------------------------------------------------------------------

def _readable(actor: Actor, chosen=None) -> tuple[int, ...] | None:
    """The communities the actor may read the councils of, cut to `chosen` (None: all of them, or every one)."""
    return scope(actor, "council.read").community_ids(None if chosen is None else tuple(chosen))


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else app_config.settings()


def _seat_order(settings: Settings | None, column):
    """The position of a seat code in config.yaml's council.seats (unknown seats last)."""
    codes = [seat.code for seat in _settings(settings).council.seats]
    if not codes:
        return literal(0)
    return case({code: n for n, code in enumerate(codes)}, value=column, else_=len(codes))


def _year(column, year: int) -> list:
    return [column >= date(year, 1, 1), column <= date(year, 12, 31)]


def _search(text: str | None) -> str | None:
    """Typed search text made plain (a NUL would stop PostgreSQL); None when empty."""
    return plain(text) or None


def _like(column, text: str):
    """A case-insensitive substring match with % and _ taken literally."""
    return column.icontains(text, autoescape=True)


def _status(value: str):
    return count_if(CouncilAttendance.status == value)


def overdue_on(today: date):
    """Passed decisions past their due date and not carried out."""
    return and_(CouncilDecision.status == "passed", CouncilDecision.due.is_not(None), CouncilDecision.due < today,
                or_(CouncilDecision.outcome.is_(None), CouncilDecision.outcome != "carried_out"))


def in_notice_on(today: date):
    """Passed decisions whose public notice runs on `today`."""
    return and_(CouncilDecision.status == "passed", CouncilDecision.notice_start <= today,
                CouncilDecision.notice_end >= today)


def _due_for_review(today: date):
    return and_(CouncilDecision.status == "passed", CouncilDecision.due.is_not(None), CouncilDecision.due <= today,
                CouncilDecision.outcome.is_(None))


def _show(show: str, today: date) -> list:
    shows = {"all": [], "passed": [CouncilDecision.status == "passed"], "in_notice": [in_notice_on(today)],
             "overdue": [overdue_on(today)], "due_for_review": [_due_for_review(today)],
             "reviewed": [CouncilDecision.outcome.is_not(None)],
             "not_carried": [CouncilDecision.outcome.in_(("partly", "not"))]}
    return shows[show] if isinstance(show, str) and show in shows else [false()]


def _ints(df: pd.DataFrame, *columns: str) -> None:
    for column in columns:
        df[column] = df[column].astype(int)


def _bools(df: pd.DataFrame, *columns: str) -> None:
    for column in columns:
        df[column] = df[column].astype(bool)


def _dates(df: pd.DataFrame, *columns: str) -> None:
    """Dates from aggregates as date objects (SQLite may hand them back as text), None where empty."""
    for column in columns:
        df[column] = pd.Series([as_date(v) if v is not None and not pd.isna(v) else None for v in df[column]],
                               index=df.index, dtype=object)


def _rates(df: pd.DataFrame, column: str = "rate") -> None:
    df[column] = pd.Series([float_or_none(v) for v in df[column]], index=df.index, dtype=object)


def _first_need():
    """The first need raised from the decision of the row (follow_up_need), as a correlated scalar."""
    return (select(func.min(Need.id)).where(Need.council_decision_id == CouncilDecision.id)
            .correlate(CouncilDecision).scalar_subquery())


# --- councils and members ------------------------------------------------------------------------------------

def council_communities(engine: Engine, *, actor: Actor) -> list[tuple[int, str]]:
    """(id, name) of the communities whose councils the actor may read."""
    return communities(engine, actor=actor, permission="council.read")


def councils(engine: Engine, *, actor: Actor, community_id: int) -> pd.DataFrame:
    """A community's councils (active first, then by name): members = active members, convener = the active
    convener's name (None without one), meetings = closed meetings, last_meeting_day = the latest of them."""
    ids = _readable(actor, (community_id,))
    if not ids:
        return frame([], COUNCIL_COLUMNS)
    cm, mm = CouncilMeeting, CouncilMember
    members = (select(func.count()).select_from(mm).where(mm.council_id == Council.id, mm.active == true())
               .correlate(Council).scalar_subquery())
    convener = (select(mm.name).where(mm.council_id == Council.id, mm.active == true(), mm.convener == true())
                .order_by(mm.id).limit(1).correlate(Council).scalar_subquery())
    closed = (cm.council_id == Council.id, cm.status == "closed")
    meetings = select(func.count()).select_from(cm).where(*closed).correlate(Council).scalar_subquery()
    last = select(func.max(cm.day)).where(*closed).correlate(Council).scalar_subquery()
    query = (select(Council.id, Council.name, Council.kind, Council.estate, Council.established_on,
                    case((Council.active == true(), 1), else_=0), members, convener, meetings, last)
             .where(Council.community_id.in_(ids))
             .order_by(case((Council.active == true(), 0), else_=1), Council.name, Council.id))
    with reading(engine) as session:
        df = frame(session.execute(query).all(), COUNCIL_COLUMNS)
    _bools(df, "active")
    _ints(df, "members", "meetings")
    _dates(df, "last_meeting_day")
    return df


def members(engine: Engine, *, actor: Actor, council_id: int, active_only: bool = False,
            settings: Settings | None = None) -> pd.DataFrame:
    """A council's members (active first, the convener first, then in the configured seat order and by name)
    with their attendance at the council's closed meetings: expected (meetings they had an attendance row at),
    present, excused, and rate = present / expected (None when expected is 0). `active_only` keeps members
    marked active."""
    ids = _readable(actor)
    if ids == ():
        return frame([], MEMBER_COLUMNS)
    att = (select(CouncilAttendance.member_id.label("member_id"), func.count().label("expected"),
                  _status("present").label("present"), _status("excused").label("excused"))
           .join(CouncilMeeting, CouncilMeeting.id == CouncilAttendance.meeting_id)
           .where(id_equals(CouncilMeeting.council_id, council_id), CouncilMeeting.status == "closed")
           .group_by(CouncilAttendance.member_id).subquery("att"))
    mm = CouncilMember
    conds = [id_equals(mm.council_id, council_id), *within(mm.community_id, ids)]
    if active_only:
        conds.append(mm.active == true())
    expected = func.coalesce(att.c.expected, 0)
    query = (select(mm.id, mm.name, mm.seat, mm.title, mm.term_start, mm.term_end,
                    case((mm.active == true(), 1), else_=0), case((mm.convener == true(), 1), else_=0), expected,
                    func.coalesce(att.c.present, 0), func.coalesce(att.c.excused, 0), ratio(att.c.present, expected))
             .outerjoin(att, att.c.member_id == mm.id)
             .where(*conds)
             .order_by(case((mm.active == true(), 0), else_=1), case((mm.convener == true(), 0), else_=1),
                       _seat_order(settings, mm.seat), mm.name, mm.id))
    with reading(engine) as session:
        df = frame(session.execute(query).all(), MEMBER_COLUMNS)
    _bools(df, "active", "convener")
    _ints(df, "expected", "present", "excused")
    _rates(df)
    return df


# --- topics --------------------------------------------------------------------------------------------------

def topics(engine: Engine, *, actor: Actor, community_id: int, council_id: int | None = None,
           stage: str | None = None, search: str | None = None, offset: int = 0,
           limit: int = 50) -> tuple[pd.DataFrame, int]:
    """One page of a community's topics, newest first (raised_on, then id), and how many match. `search` is a
    case-insensitive substring of the title or detail. meetings = the agenda items the topic is on (any meeting
    status), last_meeting_day = the latest day of those meetings; decision_id, decision_status and due are of the
    latest decision taken on the topic."""
    stage = stage or None
    if stage is not None and stage not in TOPIC_STAGES:
        raise ValidationFailed({"stage": ("error.unknown_choice", {"value": shown(stage)})})
    ids = _readable(actor, (community_id,))
    if not ids:
        return frame([], TOPIC_COLUMNS), 0
    tp = CouncilTopic
    conds = [tp.community_id.in_(ids)]
    if council_id is not None:
        conds.append(id_equals(tp.council_id, council_id))
    if stage is not None:
        conds.append(tp.stage == stage)
    text = _search(search)
    if text:
        conds.append(or_(_like(tp.title, text), _like(tp.detail, text)))
    page = (select(tp.id, tp.council_id, Council.name, tp.title, tp.source, tp.stage, tp.raised_on, tp.matter_id,
                   Matter.number, CouncilMember.name)
            .join(Council, Council.id == tp.council_id)
            .outerjoin(Matter, Matter.id == tp.matter_id)
            .outerjoin(CouncilMember, CouncilMember.id == tp.member_id)
            .where(*conds).order_by(tp.raised_on.desc(), tp.id.desc()))
    with reading(engine) as session:
        rows, total = page_of(session, page, offset, limit)
        found = [int(r[0]) for r in rows]
        agenda: dict[int, tuple] = {}
        latest: dict[int, tuple] = {}
        if found:
            agenda = {int(t): (int(n), day) for t, n, day in session.execute(
                select(CouncilAgendaItem.topic_id, func.count(), func.max(CouncilMeeting.day))
                .join(CouncilMeeting, CouncilMeeting.id == CouncilAgendaItem.meeting_id)
                .where(CouncilAgendaItem.topic_id.in_(found)).group_by(CouncilAgendaItem.topic_id))}
            for topic_id, decision_id, status, due in session.execute(
                    select(CouncilDecision.topic_id, CouncilDecision.id, CouncilDecision.status, CouncilDecision.due)
                    .where(CouncilDecision.topic_id.in_(found))
                    .order_by(CouncilDecision.topic_id, CouncilDecision.decided_on.desc(), CouncilDecision.id.desc())):
                latest.setdefault(int(topic_id), (int(decision_id), status, due))
    full = []
    for row in rows:
        n, day = agenda.get(int(row[0]), (0, None))
        decision = latest.get(int(row[0]), (None, None, None))
        full.append((*row, n, day, *decision))
    df = frame(full, TOPIC_COLUMNS)
    _ints(df, "meetings")
    _dates(df, "last_meeting_day")
    return df, total


def topic_timeline(engine: Engine, *, actor: Actor, topic_id: int) -> TopicTimeline | None:
    """A topic and its chain from opinions to review, chronological (by day, then in the order of STEPS):
    opinion (the opinion meeting it was raised at: text = the opinions minuted there), topic (raised_on: text =
    its detail, else its title), discussion (each opened or closed meeting other than the opinion meeting that
    had it on the agenda: text = the minutes), decision (each vote: text = the decision, status = its status),
    notice (a passed decision's notice: day = its start, text = "start – end" in ISO dates), follow_up (the
    matter: day it was registered, text = its number; a need: day raised, text = its title), review (each review
    of its decisions: text = the reason, else the report; status = the outcome). None when the topic does not
    exist or is outside the actor's council.read scope."""
    allowed = scope(actor, "council.read")
    opinion = aliased(CouncilMeeting)
    if not is_id(topic_id):
        return None
    with reading(engine) as session:
        found = session.execute(
            select(CouncilTopic, Council.name, Matter.number, CouncilMember.name, opinion.day, opinion.kind)
            .join(Council, Council.id == CouncilTopic.council_id)
            .outerjoin(Matter, Matter.id == CouncilTopic.matter_id)
            .outerjoin(CouncilMember, CouncilMember.id == CouncilTopic.member_id)
            .outerjoin(opinion, opinion.id == CouncilTopic.opinion_meeting_id)
            .where(CouncilTopic.id == topic_id)).first()
        if found is None or not allowed.allows(found[0].community_id):
            return None
        topic, council, matter_number, member, opinion_day, opinion_kind = found
        opinion_id = topic.opinion_meeting_id
        opinions = None
        steps: list[tuple] = [("topic", topic.raised_on, None, None, topic.detail or topic.title, None, 0)]
        for item_id, meeting_id, day, kind, minutes in session.execute(
                select(CouncilAgendaItem.id, CouncilMeeting.id, CouncilMeeting.day, CouncilMeeting.kind,
                       CouncilAgendaItem.minutes)
                .join(CouncilMeeting, CouncilMeeting.id == CouncilAgendaItem.meeting_id)
                .where(CouncilAgendaItem.topic_id == topic.id,
                       or_(CouncilMeeting.status != "planned", CouncilMeeting.id == opinion_id))
                .order_by(CouncilAgendaItem.id)):
            if meeting_id != opinion_id:
                steps.append(("discussion", day, meeting_id, kind, minutes, None, item_id))
            elif opinions is None:
                opinions = minutes
        if opinion_id is not None and opinion_day is not None:
            steps.append(("opinion", opinion_day, opinion_id, opinion_kind, opinions, None, 0))
        decisions = session.execute(
            select(CouncilDecision.id, CouncilDecision.meeting_id, CouncilMeeting.kind, CouncilDecision.decided_on,
                   CouncilDecision.text, CouncilDecision.status, CouncilDecision.notice_start,
                   CouncilDecision.notice_end, CouncilDecision.matter_id, Matter.number, Matter.registered_at)
            .join(CouncilMeeting, CouncilMeeting.id == CouncilDecision.meeting_id)
            .outerjoin(Matter, Matter.id == CouncilDecision.matter_id)
            .where(CouncilDecision.topic_id == topic.id)).all()
        decision_ids = [d.id for d in decisions]
        for d in decisions:
            steps.append(("decision", d.decided_on, d.meeting_id, d.kind, d.text, d.status, d.id))
            if d.status == "passed" and d.notice_start is not None:
                period = d.notice_start.isoformat() + (f" – {d.notice_end.isoformat()}" if d.notice_end else "")
                steps.append(("notice", d.notice_start, d.meeting_id, d.kind, period, None, d.id))
            if d.matter_id is not None:
                steps.append(("follow_up", clock.local(d.registered_at).date() if d.registered_at else None, None,
                              None, d.number, None, d.id))
        if decision_ids:
            for need_id, title, raised_on in session.execute(
                    select(Need.id, Need.title, Need.raised_on).where(Need.council_decision_id.in_(decision_ids))):
                steps.append(("follow_up", raised_on, None, None, title, None, need_id))
            for review_id, meeting_id, kind, day, report, reason, outcome in session.execute(
                    select(CouncilReview.id, CouncilReview.meeting_id, CouncilMeeting.kind, CouncilReview.reviewed_on,
                           CouncilReview.report, CouncilReview.reason, CouncilReview.outcome)
                    .join(CouncilMeeting, CouncilMeeting.id == CouncilReview.meeting_id)
                    .where(CouncilReview.decision_id.in_(decision_ids))):
                steps.append(("review", day, meeting_id, kind, reason or report, outcome, review_id))
    steps.sort(key=lambda s: (s[1] is None, s[1] or date.min, STEPS.index(s[0]), s[6]))
    return TopicTimeline(topic=topic, council=council, matter_number=matter_number, member=member,
                         steps=frame([s[:6] for s in steps], STEP_COLUMNS))


# --- meetings ------------------------------------------------------------------------------------------------

def meetings(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None, council_id: int | None = None,
             kind: str | None = None, status: str | None = None, search: str | None = None,
             date_from: date | None = None, date_to: date | None = None, offset: int = 0,
             limit: int = 50) -> tuple[pd.DataFrame, int]:
    """One page of the meetings (newest first: day, then id) of the chosen communities (None: every readable one)
    and how many match. expected/present/excused/absent count the attendance rows by status (none before the
    meeting opens); topics counts the agenda items (topics, or the decisions under review at a review meeting);
    decisions the votes taken. `search` (case-insensitive substring) matches the place, the summary, the minutes
    of an agenda item, the title of a topic on the agenda and the text of a decision taken there."""
    ids = _readable(actor, community_ids)
    if ids == ():
        return frame([], MEETING_COLUMNS), 0
    cm = CouncilMeeting
    conds = within(cm.community_id, ids)
    if council_id is not None:
        conds.append(id_equals(cm.council_id, council_id))
    if kind:
        conds.append(code_equals(cm.kind, kind))
    if status:
        conds.append(code_equals(cm.status, status))
    conds += day_within(cm.day, date_from, date_to)
    text = _search(search)
    if text:
        conds.append(_meeting_search(text, ids))
    page = select(cm.id).where(*conds).order_by(cm.day.desc(), cm.id.desc())
    with reading(engine) as session:
        rows, total = page_of(session, page, offset, limit)
        found = _meeting_rows(session, [int(r[0]) for r in rows])
    df = frame([found[int(r[0])] for r in rows], MEETING_COLUMNS)
    _ints(df, "expected", "present", "excused", "absent", "topics", "decisions")
    return df, total


def _meeting_search(text: str, ids: tuple[int, ...] | None):
    """A meeting whose place or summary holds `text`, or one of whose agenda items' minutes or topics' titles, or
    one of whose decisions' texts does. The agenda and decisions are searched once each (IN, not a correlated
    EXISTS), so the cost does not grow with the number of meetings times their items."""
    cm, item = CouncilMeeting, CouncilAgendaItem
    on_agenda = (select(item.meeting_id).outerjoin(CouncilTopic, CouncilTopic.id == item.topic_id)
                 .where(or_(_like(item.minutes, text), _like(CouncilTopic.title, text))))
    decided = select(CouncilDecision.meeting_id).where(_like(CouncilDecision.text, text),
                                                       *within(CouncilDecision.community_id, ids))
    if ids is not None:
        on_agenda = on_agenda.join(cm, cm.id == item.meeting_id).where(cm.community_id.in_(ids))
    return or_(_like(cm.place, text), _like(cm.summary, text), cm.id.in_(on_agenda), cm.id.in_(decided))


def _meeting_rows(session, meeting_ids: list[int]) -> dict[int, tuple]:
    """meeting id -> its row of MEETING_COLUMNS (names and counts), for one page of meetings, in one statement."""
    if not meeting_ids:
        return {}
    cm = CouncilMeeting
    att = (select(CouncilAttendance.meeting_id.label("meeting_id"), func.count().label("expected"),
                  _status("present").label("present"), _status("excused").label("excused"),
                  _status("absent").label("absent"))
           .where(CouncilAttendance.meeting_id.in_(meeting_ids)).group_by(CouncilAttendance.meeting_id)
           .subquery("att"))
    agenda = (select(CouncilAgendaItem.meeting_id.label("meeting_id"), func.count().label("n"))
              .where(CouncilAgendaItem.meeting_id.in_(meeting_ids)).group_by(CouncilAgendaItem.meeting_id)
              .subquery("agenda"))
    decided = (select(CouncilDecision.meeting_id.label("meeting_id"), func.count().label("n"))
               .where(CouncilDecision.meeting_id.in_(meeting_ids)).group_by(CouncilDecision.meeting_id)
               .subquery("decided"))
    query = (select(cm.id, cm.council_id, Council.name, Community.name, cm.kind, cm.day, cm.start_time, cm.place,
                    CouncilMember.name, cm.recorder, cm.status,
                    *(func.coalesce(c, 0) for c in (att.c.expected, att.c.present, att.c.excused, att.c.absent,
                                                    agenda.c.n, decided.c.n)))
             .join(Council, Council.id == cm.council_id)
             .join(Community, Community.id == cm.community_id)
             .outerjoin(CouncilMember, CouncilMember.id == cm.chair_id)
             .outerjoin(att, att.c.meeting_id == cm.id)
             .outerjoin(agenda, agenda.c.meeting_id == cm.id)
             .outerjoin(decided, decided.c.meeting_id == cm.id)
             .where(cm.id.in_(meeting_ids)))
    return {int(r[0]): tuple(r) for r in session.execute(query)}


def decision_meeting(engine: Engine, *, actor: Actor, decision_id: int) -> tuple[int, int] | None:
    """(meeting id, community id) of a decision (a decision's link names only the decision); None when it does not
    exist or is outside the actor's council.read scope."""
    if not is_id(decision_id):
        return None
    with reading(engine) as session:
        row = session.execute(select(CouncilMeeting.id, CouncilMeeting.community_id)
                              .join(CouncilDecision, CouncilDecision.meeting_id == CouncilMeeting.id)
                              .where(CouncilDecision.id == decision_id)).first()
    if row is None or not scope(actor, "council.read").allows(row.community_id):
        return None
    return int(row.id), int(row.community_id)


def meeting_detail(engine: Engine, *, actor: Actor, meeting_id: int,
                   settings: Settings | None = None) -> CouncilMeetingDetail | None:
    """One meeting in full; None when it does not exist or is outside the actor's council.read scope.

    attendance: the attendance rows (written when the meeting opens), in the configured seat order, then by name.
    agenda: in position order; an item of a review meeting names its decision under review (decision_id,
    decision_text) and that decision's topic; a topic item names the latest decision taken on it at THIS meeting
    (None until a vote). decisions: the votes taken at the meeting, in order, with the follow-up matter's number
    and the first need raised from it. ballots (named votes) and ratings in seat order, then by name.
    reviews: the reports at this meeting, in order."""
    allowed = scope(actor, "council.read")
    chair = CouncilMember
    if not is_id(meeting_id):
        return None
    with reading(engine) as session:
        found = session.execute(
            select(CouncilMeeting, Council, Community.name, chair.name)
            .join(Council, Council.id == CouncilMeeting.council_id)
            .join(Community, Community.id == CouncilMeeting.community_id)
            .outerjoin(chair, chair.id == CouncilMeeting.chair_id)
            .where(CouncilMeeting.id == meeting_id)).first()
        if found is None or not allowed.allows(found[0].community_id):
            return None
        meeting, council, community, chair_name = found
        mm = CouncilMember
        seat = _seat_order(settings, mm.seat)
        attendance = frame(session.execute(
            select(CouncilAttendance.member_id, mm.name, mm.seat, mm.title, CouncilAttendance.status,
                   CouncilAttendance.checked_in_at)
            .join(mm, mm.id == CouncilAttendance.member_id)
            .where(CouncilAttendance.meeting_id == meeting.id).order_by(seat, mm.name, mm.id)).all(),
            ATTENDANCE_COLUMNS)
        reviewed = CouncilDecision
        topic_id = func.coalesce(CouncilAgendaItem.topic_id, reviewed.topic_id)
        agenda_rows = session.execute(
            select(CouncilAgendaItem.id, CouncilAgendaItem.position, topic_id, CouncilTopic.title, CouncilTopic.stage,
                   CouncilAgendaItem.decision_id, reviewed.text, CouncilAgendaItem.minutes,
                   case((CouncilAgendaItem.discussed == true(), 1), else_=0), CouncilAgendaItem.seconds)
            .outerjoin(reviewed, reviewed.id == CouncilAgendaItem.decision_id)
            .outerjoin(CouncilTopic, CouncilTopic.id == topic_id)
            .where(CouncilAgendaItem.meeting_id == meeting.id)
            .order_by(CouncilAgendaItem.position, CouncilAgendaItem.id)).all()
        decision_rows = session.execute(
            select(CouncilDecision.id, CouncilDecision.topic_id, CouncilTopic.title, CouncilDecision.text,
                   CouncilDecision.method, CouncilDecision.votes_for, CouncilDecision.against,
                   CouncilDecision.abstain, CouncilDecision.expected, CouncilDecision.present,
                   case((CouncilDecision.quorum_met == true(), 1), else_=0), CouncilDecision.status,
                   CouncilDecision.owner, CouncilDecision.due, CouncilDecision.notice_start,
                   CouncilDecision.notice_end, CouncilDecision.matter_id, Matter.number, _first_need(),
                   CouncilDecision.outcome, CouncilDecision.decided_on)
            .outerjoin(CouncilTopic, CouncilTopic.id == CouncilDecision.topic_id)
            .outerjoin(Matter, Matter.id == CouncilDecision.matter_id)
            .where(CouncilDecision.meeting_id == meeting.id).order_by(CouncilDecision.id)).all()
        ballots = frame(session.execute(
            select(CouncilBallot.decision_id, CouncilBallot.member_id, mm.name, CouncilBallot.choice)
            .join(CouncilDecision, CouncilDecision.id == CouncilBallot.decision_id)
            .join(mm, mm.id == CouncilBallot.member_id)
            .where(CouncilDecision.meeting_id == meeting.id)
            .order_by(CouncilBallot.decision_id, seat, mm.name, mm.id)).all(), BALLOT_COLUMNS)
        reviews = frame(session.execute(
            select(CouncilReview.id, CouncilReview.decision_id, CouncilDecision.text, CouncilReview.reporter,
                   CouncilReview.report, CouncilReview.outcome, CouncilReview.reason, CouncilReview.reviewed_on)
            .join(CouncilDecision, CouncilDecision.id == CouncilReview.decision_id)
            .where(CouncilReview.meeting_id == meeting.id).order_by(CouncilReview.id)).all(), REVIEW_COLUMNS)
        ratings = frame(session.execute(
            select(CouncilRating.review_id, CouncilRating.member_id, mm.name, CouncilRating.rating)
            .join(CouncilReview, CouncilReview.id == CouncilRating.review_id)
            .join(mm, mm.id == CouncilRating.member_id)
            .where(CouncilReview.meeting_id == meeting.id)
            .order_by(CouncilRating.review_id, seat, mm.name, mm.id)).all(), RATING_COLUMNS)
    taken: dict[int, tuple[int, str]] = {}
    for row in decision_rows:  # in id order: the last one on a topic wins
        if row[1] is not None:
            taken[int(row[1])] = (int(row[0]), row[3])
    agenda = []
    for row in agenda_rows:
        item_id, position, topic, title, stage, decision_id, decision_text, minutes, discussed, seconds = row
        if decision_id is None and topic is not None and int(topic) in taken:
            decision_id, decision_text = taken[int(topic)]
        agenda.append((item_id, position, topic, title, stage, decision_id, decision_text, minutes, discussed,
                       seconds))
    agenda_df = frame(agenda, AGENDA_COLUMNS)
    _bools(agenda_df, "discussed")
    _ints(agenda_df, "seconds")
    decisions_df = frame(decision_rows, DETAIL_DECISION_COLUMNS)
    _bools(decisions_df, "quorum_met")
    return CouncilMeetingDetail(meeting=meeting, council=council, community=community, chair=chair_name,
                                attendance=attendance, agenda=agenda_df, decisions=decisions_df, ballots=ballots,
                                reviews=reviews, ratings=ratings)


# --- decisions -----------------------------------------------------------------------------------------------

def decisions(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None, council_id: int | None = None,
              show: str = "all", today: date | None = None, search: str | None = None, year: int | None = None,
              offset: int = 0, limit: int = 50) -> tuple[pd.DataFrame, int]:
    """One page of the decisions that match `show` (one of SHOW, see the module's definitions), newest first
    (decided_on, then id), and how many match. `search` (case-insensitive substring) matches the decision's text,
    its topic's title and its owner; `year` keeps the decisions made that year. need_id is the first need raised
    from the decision; overdue is a flag."""
    if show not in SHOW:
        raise ValidationFailed({"show": ("error.unknown_choice", {"value": shown(show)})})
    ids = _readable(actor, community_ids)
    if ids == ():
        return frame([], DECISION_COLUMNS), 0
    today = today or clock.today()
    dc = CouncilDecision
    conds = [*within(dc.community_id, ids), *_show(show, today)]
    if council_id is not None:
        conds.append(id_equals(dc.council_id, council_id))
    if year is not None:
        conds += _year(dc.decided_on, year)
    page = select(dc.id)
    text = _search(search)
    if text:
        page = page.outerjoin(CouncilTopic, CouncilTopic.id == dc.topic_id)
        conds.append(or_(_like(dc.text, text), _like(CouncilTopic.title, text), _like(dc.owner, text)))
    page = page.where(*conds).order_by(dc.decided_on.desc(), dc.id.desc())
    with reading(engine) as session:
        rows, total = page_of(session, page, offset, limit)
        found: dict[int, tuple] = {}
        if rows:
            found = {int(r[0]): tuple(r) for r in session.execute(
                select(dc.id, dc.council_id, Council.name, Community.name, dc.meeting_id, CouncilMeeting.day,
                       dc.topic_id, CouncilTopic.title, dc.text, dc.status, dc.method, dc.votes_for, dc.against,
                       dc.abstain, dc.owner, dc.due, dc.notice_start, dc.notice_end, dc.matter_id, Matter.number,
                       _first_need(), dc.outcome, dc.reviewed_on, case((overdue_on(today), 1), else_=0))
                .join(Council, Council.id == dc.council_id)
                .join(Community, Community.id == dc.community_id)
                .join(CouncilMeeting, CouncilMeeting.id == dc.meeting_id)
                .outerjoin(CouncilTopic, CouncilTopic.id == dc.topic_id)
                .outerjoin(Matter, Matter.id == dc.matter_id)
                .where(dc.id.in_([int(r[0]) for r in rows])))}
    df = frame([found[int(r[0])] for r in rows], DECISION_COLUMNS)
    _bools(df, "overdue")
    return df, total


def decisions_of_matter(engine: Engine, *, actor: Actor, matter_id: int) -> pd.DataFrame:
    """The decisions a 365 matter was raised from as their follow-up (decision.matter_id), newest first: id,
    council, meeting_day, text, status, meeting_id. Empty outside the actor's council.read scope."""
    ids = _readable(actor)
    if ids == ():
        return frame([], MATTER_DECISION_COLUMNS)
    dc = CouncilDecision
    query = (select(dc.id, Council.name, CouncilMeeting.day, dc.text, dc.status, dc.meeting_id)
             .join(Council, Council.id == dc.council_id)
             .join(CouncilMeeting, CouncilMeeting.id == dc.meeting_id)
             .where(id_equals(dc.matter_id, matter_id), *within(dc.community_id, ids))
             .order_by(dc.decided_on.desc(), dc.id.desc()))
    with reading(engine) as session:
        return frame(session.execute(query).all(), MATTER_DECISION_COLUMNS)


# --- figures -------------------------------------------------------------------------------------------------

def participation(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None,
                  council_id: int | None = None, year: int | None = None,
                  settings: Settings | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Attendance at CLOSED meetings (of `year` when given): by_member (every member with an attendance row there,
    by council, seat order and name; aggregated in SQL) and by_seat (in the configured seat order; by_member's
    counts rolled up, so the two always agree): expected = attendance rows, present, excused; members = members
    holding the seat; rate = present / expected (None when expected is 0)."""
    ids = _readable(actor, community_ids)
    if ids == ():
        return frame([], BY_MEMBER_COLUMNS), frame([], BY_SEAT_COLUMNS)
    cm = CouncilMeeting
    conds = [cm.status == "closed", *within(cm.community_id, ids)]
    if council_id is not None:
        conds.append(id_equals(cm.council_id, council_id))
    if year is not None:
        conds += _year(cm.day, year)
    # the meetings first (IN, not a join): the attendance rows are then read by meeting from their own index
    per_member = (select(CouncilAttendance.member_id.label("member_id"), func.count().label("expected"),
                         _status("present").label("present"), _status("excused").label("excused"))
                  .where(CouncilAttendance.meeting_id.in_(select(cm.id).where(*conds)))
                  .group_by(CouncilAttendance.member_id).subquery("per_member"))
    mm = CouncilMember
    by_member_query = (select(mm.id, mm.name, Council.name, mm.seat, per_member.c.expected, per_member.c.present,
                              per_member.c.excused, ratio(per_member.c.present, per_member.c.expected))
                       .join(per_member, per_member.c.member_id == mm.id)
                       .join(Council, Council.id == mm.council_id)
                       .order_by(Council.name, Council.id, _seat_order(settings, mm.seat), mm.name, mm.id))
    with reading(engine) as session:
        by_member = frame(session.execute(by_member_query).all(), BY_MEMBER_COLUMNS)
    _ints(by_member, "expected", "present", "excused")
    _rates(by_member)
    return by_member, _by_seat(by_member, settings)


def _by_seat(by_member: pd.DataFrame, settings: Settings | None) -> pd.DataFrame:
    """The per-member counts (already aggregated in SQL) rolled up per seat, in the configured seat order."""
    if by_member.empty:
        return frame([], BY_SEAT_COLUMNS)
    order = {seat.code: n for n, seat in enumerate(_settings(settings).council.seats)}
    grouped = by_member.groupby("seat", sort=False).agg(members=("member_id", "count"),
                                                        expected=("expected", "sum"), present=("present", "sum"))
    seats = sorted(grouped.index, key=lambda seat: (order.get(seat, len(order)), seat))
    df = frame([(seat, *(int(v) for v in grouped.loc[seat])) for seat in seats],
                [c for c in BY_SEAT_COLUMNS if c != "rate"])
    df["rate"] = pd.Series([p / e if e else None for p, e in zip(df["present"], df["expected"], strict=True)],
                           index=df.index, dtype=object)
    return df


def quarterly(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None, year: int) -> pd.DataFrame:
    """Four rows (quarter 1-4, always): the decisions made in the quarter, how many passed, and how many of them
    the latest review found carried_out, partly or not (not_carried)."""
    ids = _readable(actor, community_ids)
    counts: dict[int, tuple] = {}
    if ids != ():
        dc = CouncilDecision
        quarter = case((dc.decided_on < date(year, 4, 1), 1), (dc.decided_on < date(year, 7, 1), 2),
                       (dc.decided_on < date(year, 10, 1), 3), else_=4)
        inner = (select(quarter.label("quarter"), dc.status.label("status"), dc.outcome.label("outcome"))
                 .where(*_year(dc.decided_on, year), *within(dc.community_id, ids)).subquery("decided"))
        query = (select(inner.c.quarter, func.count(), count_if(inner.c.status == "passed"),
                        count_if(inner.c.outcome == "carried_out"), count_if(inner.c.outcome == "partly"),
                        count_if(inner.c.outcome == "not"))
                 .group_by(inner.c.quarter))
        with reading(engine) as session:
            counts = {int(r[0]): tuple(int(v) for v in r[1:]) for r in session.execute(query)}
    df = pd.DataFrame([(q, *counts.get(q, (0,) * 5)) for q in (1, 2, 3, 4)], columns=QUARTER_COLUMNS)
    return df.astype(int)


def overview(engine: Engine, *, actor: Actor, community_ids: tuple[int, ...] | None, year: int,
             today: date, settings: Settings | None = None) -> CouncilOverview:
    """The overview's figures (see the module's definitions). councils: active councils; members: active members;
    meetings: closed meetings of the year by kind (every configured kind, 0 when none); topics_open: topics raised
    or discussed; decisions, passed, invalid: decided in the year; in_notice, overdue, due_for_review: as of
    today, whenever decided; reviewed, carried_out: of the year's decisions, those with a review and those whose
    latest review says carried_out (carried_out_rate = carried_out / reviewed); participation: present / expected
    at the year's closed meetings."""
    kinds = {kind.code: 0 for kind in _settings(settings).council.meeting_kinds}
    ids = _readable(actor, community_ids)
    if ids == ():
        return CouncilOverview(0, 0, kinds, 0, 0, 0, 0, 0, 0, 0, 0, 0, None, None)
    cm, dc = CouncilMeeting, CouncilDecision
    in_year = and_(*_year(dc.decided_on, year))
    others = (query.scalar_subquery() for query in (
        select(func.count()).select_from(Council).where(Council.active == true(), *within(Council.community_id, ids)),
        select(func.count()).select_from(CouncilMember).where(CouncilMember.active == true(),
                                                              *within(CouncilMember.community_id, ids)),
        select(func.count()).select_from(CouncilTopic).where(CouncilTopic.stage.in_(OPEN_STAGES),
                                                             *within(CouncilTopic.community_id, ids))))
    figures = select(  # one pass over the decisions, with the three counts above alongside
        *others, count_if(in_year), count_if(and_(in_year, dc.status == "passed")),
        count_if(and_(in_year, dc.status == "invalid")), count_if(and_(in_year, dc.outcome.is_not(None))),
        count_if(and_(in_year, dc.outcome == "carried_out")), count_if(in_notice_on(today)),
        count_if(overdue_on(today)), count_if(_due_for_review(today))
    ).select_from(dc).where(*within(dc.community_id, ids))
    by_kind = (select(cm.kind, func.count(), func.coalesce(func.sum(cm.expected), 0),
                      func.coalesce(func.sum(cm.present), 0))
               .where(cm.status == "closed", *_year(cm.day, year), *within(cm.community_id, ids))
               .group_by(cm.kind))
    expected = present = 0
    with reading(engine) as session:
        (councils_n, members_n, topics_open, decided, passed, invalid, reviewed, carried_out, in_notice, overdue,
         due) = session.execute(figures).one()
        for kind, n, rows, here in session.execute(by_kind):
            kinds[kind] = int(n)
            expected, present = expected + int(rows), present + int(here)
    reviewed, carried_out = int(reviewed), int(carried_out)
    return CouncilOverview(
        councils=int(councils_n), members=int(members_n), meetings=kinds, topics_open=int(topics_open),
        decisions=int(decided), passed=int(passed), invalid=int(invalid), in_notice=int(in_notice),
        overdue=int(overdue), due_for_review=int(due), reviewed=reviewed, carried_out=carried_out,
        carried_out_rate=carried_out / reviewed if reviewed else None,
        participation=int(present) / int(expected) if expected else None)
