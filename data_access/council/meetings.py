"""A council meeting from plan to close: planning with the agenda, opening with the expected members, check-in,
minutes per agenda item, votes and decisions under the council kind's quorum and majority, the performance review
(述职评议) of decisions with ratings, and closing.

Every write is one transaction that locks the meeting row, checks permission (another community's meeting is not
found), validates, writes and audits. A closed meeting changes no more.
"""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, and_, exists, func, or_, select, true

from data_access import audit, clock, config
from data_access.db import reading, transaction
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
)
from domain.access import Actor, require, scope
from domain.council import rules
from domain.errors import DomainError, ValidationFailed
from domain.fields import form, form_date, is_id
from domain.settings import Settings
from i18n.council_words import quorum_words

ENTITY = "council_meeting"
MEETING_FIELDS = ["community_id", "council_id", "kind", "day", "start_time", "place", "chair_id", "recorder",
                  "observers", "status", "opened_at", "closed_at", "summary", "expected", "present", "excused"]
DUE_COLUMNS = ["id", "text", "topic", "owner", "due", "decided_on"]
WORDS_LANG = "zh"  # the language of the quorum words inside a refusal (council_error.no_quorum {words})


# ---------------------------------------------------------------------------------------------------- helpers


def _today(now: datetime) -> date:
    return clock.local(now).date()


def _locked_meeting(session, actor: Actor, meeting_id: int) -> CouncilMeeting:
    """The meeting row, locked, if the actor may read its community; else not found."""
    meeting = session.execute(select(CouncilMeeting).where(CouncilMeeting.id == meeting_id)
                              .with_for_update()).scalars().first() if is_id(meeting_id) else None
    if meeting is None or not scope(actor, "council.read").allows(meeting.community_id):
        raise DomainError("error.not_found")
    return meeting


def _runnable(session, actor: Actor, meeting_id: int, *, status: str = "open",
              permission: str = "council.record") -> CouncilMeeting:
    """Lock the meeting, check the actor holds `permission` in its community, that it is not closed and that it is
    in `status` (planned or open)."""
    meeting = _locked_meeting(session, actor, meeting_id)
    require(actor, permission, meeting.community_id)
    if meeting.status == "closed":
        raise DomainError("council_error.closed")
    if meeting.status != status:
        raise DomainError("council_error.not_open" if status == "open" else "council_meeting_rule.not_planned")
    return meeting


def _member_active(day: date):
    """SQL: the council member is expected at a meeting on `day` (domain.council.rules.active_on)."""
    return and_(CouncilMember.active == true(), CouncilMember.term_start <= day,
                or_(CouncilMember.term_end.is_(None), CouncilMember.term_end >= day))


def _agenda_keys(session, meeting_id: int) -> list[tuple[int | None, int | None]]:
    return [(r.topic_id, r.decision_id) for r in session.execute(
        select(CouncilAgendaItem.topic_id, CouncilAgendaItem.decision_id)
        .where(CouncilAgendaItem.meeting_id == meeting_id).order_by(CouncilAgendaItem.position))]


def _meeting_snapshot(meeting: CouncilMeeting, agenda: list[tuple[int | None, int | None]] | None = None) -> dict:
    data = audit.snapshot(meeting, MEETING_FIELDS)
    if meeting.start_time is not None:
        data["start_time"] = meeting.start_time.isoformat()
    if agenda is not None:
        data["topic_ids"] = [t for t, d in agenda if d is None and t is not None]
        data["decision_ids"] = [d for _, d in agenda if d is not None]
    return data


def _kind_labels(settings: Settings | None) -> dict[str, str]:
    settings = settings or config.settings()
    return {k.code: k.zh for k in settings.council.meeting_kinds}


def _attendance(session, meeting_id: int) -> dict[int, str]:
    """member_id -> status of the meeting's attendance rows (the members expected)."""
    return dict(session.execute(select(CouncilAttendance.member_id, CouncilAttendance.status)
                                .where(CouncilAttendance.meeting_id == meeting_id)).all())


def _names(session, council_id: int) -> dict[int, str]:
    return dict(session.execute(select(CouncilMember.id, CouncilMember.name)
                                .where(CouncilMember.council_id == council_id)).all())


# ------------------------------------------------------------------------------------------------------ writes


def plan_meeting(engine: Engine, *, actor: Actor, settings: Settings, data: dict, meeting_id: int | None = None,
                 now: datetime | None = None) -> CouncilMeeting:
    """Plan or change a planned meeting. data: council_id, kind, day, start_time, place, chair_id, recorder,
    observers, topic_ids, decision_ids.

    Needs council.manage. The council (of an active council; it does not change later) decides the community. The
    agenda is written in the order given: topics (any kind but review) or passed decisions of the council (review
    meetings); see domain.council.rules.clean_meeting_plan for every rule."""
    now = now or clock.now()
    today = _today(now)
    data = form(data)
    with transaction(engine) as session:
        if meeting_id is None:
            council_id = rules.as_id(data.get("council_id"))
            if council_id is None:
                raise ValidationFailed({"council_id": ("error.required", {})})
            council = session.execute(select(Council).where(Council.id == council_id)
                                      .with_for_update()).scalars().first()
            if council is None or not scope(actor, "council.read").allows(council.community_id):
                raise DomainError("error.not_found")
            require(actor, "council.manage", council.community_id)
            if not council.active:
                raise ValidationFailed({"council_id": ("council_meeting_rule.council_inactive", {})})
            meeting, before, current_day, agenda_before = None, None, None, []
        else:
            meeting = _runnable(session, actor, meeting_id, status="planned", permission="council.manage")
            council = session.get(Council, meeting.council_id)
            current_day = meeting.day
            agenda_before = _agenda_keys(session, meeting.id)
            before = _meeting_snapshot(meeting, agenda_before)
        day = form_date(data.get("day")) or today
        chair_ok = None
        chair_id = rules.as_id(data.get("chair_id"))
        if chair_id is not None:
            chair = session.get(CouncilMember, chair_id)
            chair_ok = chair is not None and chair.council_id == council.id and \
                rules.active_on(chair.active, chair.term_start, chair.term_end, day)
        topic_ids = rules.form_ids(data.get("topic_ids"))
        topic_stages = dict(session.execute(
            select(CouncilTopic.id, CouncilTopic.stage)
            .where(CouncilTopic.id.in_(topic_ids), CouncilTopic.council_id == council.id)).all()) \
            if topic_ids else {}
        decision_ids = rules.form_ids(data.get("decision_ids"))
        passed = set(session.execute(
            select(CouncilDecision.id).where(CouncilDecision.id.in_(decision_ids),
                                             CouncilDecision.council_id == council.id,
                                             CouncilDecision.status == "passed")).scalars()) \
            if decision_ids else set()
        values = rules.clean_meeting_plan(data, kinds=_kind_labels(settings), today=today, current_day=current_day,
                                          chair_ok=chair_ok, topic_stages=topic_stages, passed_decisions=passed)
        agenda = [(t, None) for t in values.pop("topic_ids")] + [(None, d) for d in values.pop("decision_ids")]
        if meeting is None:
            meeting = CouncilMeeting(community_id=council.community_id, council_id=council.id, status="planned",
                                     created_by=actor.id, updated_at=now, **values)
            session.add(meeting)
            session.flush()
        else:
            for key, value in values.items():
                setattr(meeting, key, value)
            if _meeting_snapshot(meeting, agenda) == before:
                return meeting  # nothing changes: nothing written
            meeting.updated_at = now
        if agenda != agenda_before:
            for item in session.execute(select(CouncilAgendaItem)
                                        .where(CouncilAgendaItem.meeting_id == meeting.id)).scalars():
                session.delete(item)
            session.flush()
            session.add_all(CouncilAgendaItem(meeting_id=meeting.id, position=position, topic_id=topic_id,
                                              decision_id=decision_id)
                            for position, (topic_id, decision_id) in enumerate(agenda, start=1))
        session.flush()
        after = _meeting_snapshot(meeting, agenda)
        action = "council.meeting_plan" if before is None else "council.meeting_update"
        audit.record(session, actor=actor, action=action, entity=ENTITY, entity_id=meeting.id,
                     community_id=meeting.community_id, at=now, before=before, after=after)
    return meeting


def open_meeting(engine: Engine, *, actor: Actor, meeting_id: int, now: datetime | None = None) -> CouncilMeeting:
    """planned -> open on or after its day ("day" council_error.not_yet), with one attendance row (absent) per
    member of the council active on the meeting day; a council with nobody to expect cannot meet."""
    now = now or clock.now()
    with transaction(engine) as session:
        meeting = _runnable(session, actor, meeting_id, status="planned")
        if _today(now) < meeting.day:
            raise ValidationFailed({"day": ("council_error.not_yet", {"day": meeting.day.isoformat()})})
        members = list(session.execute(select(CouncilMember.id)
                                       .where(CouncilMember.council_id == meeting.council_id,
                                              _member_active(meeting.day))
                                       .order_by(CouncilMember.id)).scalars())
        if not members:
            raise ValidationFailed({"attendance": ("council_meeting_rule.no_members", {})})
        before = _meeting_snapshot(meeting)
        session.add_all(CouncilAttendance(meeting_id=meeting.id, member_id=m, status="absent") for m in members)
        meeting.status, meeting.opened_at, meeting.updated_at = "open", now, now
        session.flush()
        audit.record(session, actor=actor, action="council.meeting_open", entity=ENTITY, entity_id=meeting.id,
                     community_id=meeting.community_id, at=now, before=before,
                     after=_meeting_snapshot(meeting) | {"expected": members})
    return meeting


def check_in(engine: Engine, *, actor: Actor, meeting_id: int, rows: list[dict], now: datetime | None = None) -> None:
    """Attendance of an open meeting. rows: member_id, status (present, absent, excused); a member not expected
    (no attendance row) is refused on "attendance". A member checked in as present gets checked_in_at = now
    (kept while they stay present); absent or excused clears it. Only changes are written and audited."""
    now = now or clock.now()
    with transaction(engine) as session:
        meeting = _runnable(session, actor, meeting_id)
        current = {a.member_id: a for a in session.execute(
            select(CouncilAttendance).where(CouncilAttendance.meeting_id == meeting.id)).scalars()}
        cleaned = rules.clean_check_in(rows, expected=current)
        before, after = {}, {}
        for member_id, status in cleaned.items():
            row = current[member_id]
            if row.status == status:
                continue
            before[str(member_id)] = audit.snapshot_values({"status": row.status, "checked_in_at": row.checked_in_at})
            row.status = status
            row.checked_in_at = now if status == "present" else None
            after[str(member_id)] = audit.snapshot_values({"status": row.status, "checked_in_at": row.checked_in_at})
        if not after:
            return
        meeting.updated_at = now
        audit.record(session, actor=actor, action="council.attendance", entity=ENTITY, entity_id=meeting.id,
                     community_id=meeting.community_id, at=now, before={"attendance": before},
                     after={"attendance": after})


def record_minutes(engine: Engine, *, actor: Actor, meeting_id: int, agenda_item_id: int, minutes: str | None,
                   discussed: bool = True, seconds: int | None = None,
                   now: datetime | None = None) -> CouncilAgendaItem:
    """What was said on one agenda item of an open meeting (the whole text as it now stands; empty or None clears
    it), whether it was discussed, and the seconds spent on it now, ADDED to its time ("seconds": not
    negative)."""
    now = now or clock.now()
    with transaction(engine) as session:
        meeting = _runnable(session, actor, meeting_id)
        item = session.execute(select(CouncilAgendaItem).where(CouncilAgendaItem.id == agenda_item_id,
                                                               CouncilAgendaItem.meeting_id == meeting.id)
                               .with_for_update()).scalars().first() if is_id(agenda_item_id) else None
        if item is None:
            raise DomainError("error.not_found")
        text, add = rules.clean_minutes(minutes, seconds)
        if discussed is not None and not isinstance(discussed, bool):
            raise ValidationFailed({"discussed": ("error.unknown_choice", {})})
        before = audit.snapshot(item)
        item.minutes = text
        if discussed is not None:
            item.discussed = bool(discussed)
        item.seconds = (item.seconds or 0) + add
        after = audit.snapshot(item)
        if after != before:
            meeting.updated_at = now
            audit.record(session, actor=actor, action="council.minutes", entity=ENTITY, entity_id=meeting.id,
                         community_id=meeting.community_id, at=now, before=before, after=after)
    return item


def record_vote(engine: Engine, *, actor: Actor, settings: Settings, meeting_id: int, data: dict,
                now: datetime | None = None) -> CouncilDecision:
    """A vote on a topic of the agenda and the decision it makes. data: topic_id, text, method, votes_for, against,
    abstain, ballots, owner, due, notice_start, notice_end.

    Only at an open decision or ad hoc meeting (council_error.wrong_meeting_kind), on a topic of its agenda
    ("topic_id" council_error.not_on_agenda) that is neither withdrawn nor already decided. Quorum and majority
    by the council kind's rule (domain.council.rules.clean_vote); the decision keeps expected, present and quorum_met as
    they were, decided_on is the meeting day; named ballots are stored; the topic moves to decided (passed) or
    rejected, and its agenda item counts as discussed."""
    now = now or clock.now()
    data = form(data)
    with transaction(engine) as session:
        meeting = _runnable(session, actor, meeting_id)
        labels = _kind_labels(settings)
        if meeting.kind not in rules.VOTE_KINDS:
            raise DomainError("council_error.wrong_meeting_kind", kinds=rules.kind_words(labels, rules.VOTE_KINDS))
        council = session.get(Council, meeting.council_id)
        errors: dict[str, tuple[str, dict]] = {}
        topic_id = rules.as_id(data.get("topic_id"))
        item = topic = None
        if topic_id is None:
            errors["topic_id"] = ("error.required", {})
        else:
            item = session.execute(select(CouncilAgendaItem).where(CouncilAgendaItem.meeting_id == meeting.id,
                                                                   CouncilAgendaItem.topic_id == topic_id)
                                   .order_by(CouncilAgendaItem.position).limit(1)).scalars().first()
            topic = session.execute(select(CouncilTopic).where(CouncilTopic.id == topic_id)
                                    .with_for_update()).scalars().first() if item is not None else None
            if topic is None:
                errors["topic_id"] = ("council_error.not_on_agenda", {})
            elif topic.stage == "withdrawn":
                errors["topic_id"] = ("council_meeting_rule.topic_withdrawn", {})
            elif topic.stage in rules.DECIDED_TOPIC_STAGES:
                errors["topic_id"] = ("council_meeting_rule.topic_decided", {})
        attendance = _attendance(session, meeting.id)
        present_ids = {m for m, s in attendance.items() if s == "present"}
        excused = sum(1 for s in attendance.values() if s == "excused")
        rule = settings.council.rule(council.kind)
        try:
            record = rules.clean_vote(data, rule=rule, no_quorum=settings.council.no_quorum,
                                      members=len(attendance), present_ids=present_ids, excused=excused,
                                      names=_names(session, council.id), meeting_day=meeting.day,
                                      notice_days=settings.council.notice_days,
                                      words=lambda q: quorum_words(WORDS_LANG, rule, q))
        except ValidationFailed as err:
            raise ValidationFailed(errors | err.errors) from None
        if errors:
            raise ValidationFailed(errors)
        q = record.decided.quorum
        decision = CouncilDecision(community_id=meeting.community_id, council_id=council.id, meeting_id=meeting.id,
                                   topic_id=topic.id, text=record.text, method=record.method,
                                   votes_for=record.votes_for, against=record.against, abstain=record.abstain,
                                   expected=q.expected, present=q.present, quorum_met=q.met, status=record.status,
                                   owner=record.owner, due=record.due, notice_start=record.notice_start,
                                   notice_end=record.notice_end, decided_on=meeting.day, created_by=actor.id,
                                   updated_at=now)
        session.add(decision)
        session.flush()
        session.add_all(CouncilBallot(decision_id=decision.id, member_id=m, choice=c)
                        for m, c in record.ballots.items())
        stage_before = topic.stage
        topic.stage, topic.updated_at = rules.stage_after_vote(record.status), now
        item.discussed = True
        meeting.updated_at = now
        session.flush()
        audit.record(session, actor=actor, action="council.decision", entity="council_decision",
                     entity_id=decision.id, community_id=meeting.community_id, at=now,
                     before={"topic_id": topic.id, "topic_stage": stage_before},
                     after=audit.snapshot(decision) | {"topic_stage": topic.stage,
                                                       "ballots": {str(m): c for m, c in record.ballots.items()}})
    return decision


def record_review(engine: Engine, *, actor: Actor, meeting_id: int, data: dict, settings: Settings | None = None,
                  now: datetime | None = None) -> CouncilReview:
    """A report on a decision at an open review meeting. data: decision_id, reporter, report, ratings, outcome,
    reason.

    The decision must be a passed decision of the meeting's council ("decision_id"
    council_error.review_no_decision), reviewed once per meeting; it is added to the agenda when it was not on
    it. Sets the decision's outcome and reviewed_on (the meeting day) and the topic's stage "reviewed"; see
    domain.council.rules.clean_review for the fields."""
    now = now or clock.now()
    data = form(data)
    with transaction(engine) as session:
        meeting = _runnable(session, actor, meeting_id)
        if meeting.kind not in rules.REVIEW_KINDS:
            raise DomainError("council_error.wrong_meeting_kind",
                              kinds=rules.kind_words(_kind_labels(settings), rules.REVIEW_KINDS))
        decision_id = rules.as_id(data.get("decision_id"))
        decision = session.execute(select(CouncilDecision).where(CouncilDecision.id == decision_id)
                                   .with_for_update()).scalars().first() if decision_id is not None else None
        decision_ok = decision is not None and decision.council_id == meeting.council_id \
            and decision.status == "passed" and decision.decided_on <= meeting.day  # made by the review's day
        errors: dict[str, tuple[str, dict]] = {}
        if decision_ok and session.execute(select(CouncilReview.id).where(
                CouncilReview.decision_id == decision.id, CouncilReview.meeting_id == meeting.id)).first():
            errors["decision_id"] = ("council_meeting_rule.already_reviewed", {})
        attendance = _attendance(session, meeting.id)
        try:
            values = rules.clean_review(data, decision_ok=decision_ok,
                                        present_ids={m for m, s in attendance.items() if s == "present"},
                                        names=_names(session, meeting.council_id))
        except ValidationFailed as err:
            raise ValidationFailed(err.errors | errors) from None
        if errors:
            raise ValidationFailed(errors)
        item = session.execute(select(CouncilAgendaItem).where(CouncilAgendaItem.meeting_id == meeting.id,
                                                               CouncilAgendaItem.decision_id == decision.id)
                               .limit(1)).scalars().first()
        if item is None:
            last = session.execute(select(func.max(CouncilAgendaItem.position))
                                   .where(CouncilAgendaItem.meeting_id == meeting.id)).scalar() or 0
            item = CouncilAgendaItem(meeting_id=meeting.id, position=last + 1, decision_id=decision.id)
            session.add(item)
        item.discussed = True
        review = CouncilReview(community_id=meeting.community_id, decision_id=decision.id, meeting_id=meeting.id,
                               reporter=values["reporter"], report=values["report"], outcome=values["outcome"],
                               reason=values["reason"], reviewed_on=meeting.day, created_by=actor.id)
        session.add(review)
        session.flush()
        session.add_all(CouncilRating(review_id=review.id, member_id=m, rating=r)
                        for m, r in values["ratings"].items())
        before = {"decision": audit.snapshot(decision, ["outcome", "reviewed_on"])}
        decision.outcome, decision.reviewed_on, decision.updated_at = values["outcome"], meeting.day, now
        after = {"decision": audit.snapshot(decision, ["outcome", "reviewed_on"])}
        topic = session.execute(select(CouncilTopic).where(CouncilTopic.id == decision.topic_id)
                                .with_for_update()).scalars().first() if decision.topic_id else None
        if topic is not None:
            before["topic_stage"] = topic.stage
            topic.stage, topic.updated_at = "reviewed", now
            after["topic_stage"] = topic.stage
        meeting.updated_at = now
        session.flush()
        audit.record(session, actor=actor, action="council.review", entity="council_review", entity_id=review.id,
                     community_id=meeting.community_id, at=now, before=before,
                     after=audit.snapshot(review) | after | {"ratings": {str(m): r for m, r in
                                                                         values["ratings"].items()}})
    return review


def close_meeting(engine: Engine, *, actor: Actor, meeting_id: int, summary: str | None,
                  now: datetime | None = None) -> CouncilMeeting:
    """open -> closed, with its summary and its attendance counted (expected, present, excused); somebody must be
    present ("attendance" council_error.nobody_present).
    At a discussion, decision or ad hoc meeting every raised topic whose agenda item was discussed moves to
    "discussed"."""
    now = now or clock.now()
    with transaction(engine) as session:
        meeting = _runnable(session, actor, meeting_id)
        counts = dict(session.execute(select(CouncilAttendance.status, func.count())
                                      .where(CouncilAttendance.meeting_id == meeting.id)
                                      .group_by(CouncilAttendance.status)).all())
        present = counts.get("present", 0)
        errors: dict[str, tuple[str, dict]] = {}
        if not present:
            errors["attendance"] = ("council_error.nobody_present", {})
        try:
            text = rules.clean_summary(summary)
        except ValidationFailed as err:
            errors |= err.errors
        if errors:
            raise ValidationFailed(errors)
        items = session.execute(select(CouncilAgendaItem.topic_id, CouncilAgendaItem.discussed, CouncilTopic.stage)
                                .join(CouncilTopic, CouncilTopic.id == CouncilAgendaItem.topic_id)
                                .where(CouncilAgendaItem.meeting_id == meeting.id)
                                .order_by(CouncilAgendaItem.position)).all()
        moved = rules.topics_discussed(meeting.kind, [tuple(r) for r in items])
        if moved:
            for topic in session.execute(select(CouncilTopic).where(CouncilTopic.id.in_(moved))
                                         .with_for_update()).scalars():
                if topic.stage == "raised":
                    topic.stage, topic.updated_at = "discussed", now
        before = _meeting_snapshot(meeting)
        meeting.status, meeting.closed_at, meeting.summary, meeting.updated_at = "closed", now, text, now
        meeting.expected, meeting.present, meeting.excused = sum(counts.values()), present, counts.get("excused", 0)
        audit.record(session, actor=actor, action="council.meeting_close", entity=ENTITY, entity_id=meeting.id,
                     community_id=meeting.community_id, at=now, before=before,
                     after=_meeting_snapshot(meeting) | {"topics_discussed": moved})
    return meeting


# ------------------------------------------------------------------------------------------------------- reads


def due_for_review(engine: Engine, *, actor: Actor, council_id: int, day: date) -> pd.DataFrame:
    """Passed decisions of the council due on or before `day` and not reviewed yet (for planning a review
    meeting), earliest due first: id, text, topic, owner, due, decided_on. Empty outside the actor's council.read
    scope."""
    allowed = scope(actor, "council.read")
    d = CouncilDecision
    with reading(engine) as session:
        community_id = session.execute(select(Council.community_id).where(Council.id == council_id)).scalar() \
            if is_id(council_id) else None
        if community_id is None or not allowed.allows(community_id):
            return pd.DataFrame(columns=DUE_COLUMNS)
        reviewed = exists().where(CouncilReview.decision_id == d.id)
        rows = session.execute(select(d.id, d.text, CouncilTopic.title, d.owner, d.due, d.decided_on)
                               .outerjoin(CouncilTopic, CouncilTopic.id == d.topic_id)
                               .where(d.council_id == council_id, d.community_id == community_id,
                                      d.status == "passed", d.due <= day, ~reviewed)
                               .order_by(d.due, d.id)).all()
    return pd.DataFrame(rows, columns=DUE_COLUMNS)
