"""Writes of the resident council outside a meeting: councils and their members, topics, and a decision's owner,
public notice (公示) and follow-up (a 365 matter or a joint-committee need, linked both ways).

Every write is one transaction that locks the row it changes, checks permission (another community's row is not
found), validates, writes and audits (data_access/accounts/audit_trail.py COUNCIL_ACTIONS):
- save_council: council.create / council.update (entity council);
- save_member: council.member_create / council.member_update (entity council_member); a member who stops being
  the convener because another became it gets a council.member_update entry of its own;
- save_topic, withdraw_topic: council.topic_create / council.topic_update (entity council_topic; a withdrawal's
  reason is in its entry);
- assign_decision, set_notice: council.notice (entity council_decision): the owner, due date and notice period
  are what the public notice shows;
- follow_up_matter: matter.create (entity matter, as the intake page) and council.follow_up (entity
  council_decision); follow_up_need: committee.need_create (entity need) and council.follow_up.
Locks are taken in the order meeting, council, decision, topic, member, so two writes never wait on each other.
"""

from __future__ import annotations

from datetime import date, datetime
from functools import partial

from sqlalchemy import Engine, delete, func, select
from sqlmodel import Session

from data_access import audit, clock
from data_access.db import transaction
from data_access.models import (
    Council,
    CouncilAgendaItem,
    CouncilDecision,
    CouncilMeeting,
    CouncilMember,
    CouncilTopic,
    Matter,
    Need,
)
from data_access.rows import flush_unique, scoped_row
from data_access.service.writes import add_matter
from domain.access import Actor, can, require, scope
from domain.committee.rules import LIMITS as NEED_LIMITS
from domain.committee.rules import clean_need, need_title
from domain.council.records import (
    check_withdrawable,
    clean_assignment,
    clean_council,
    clean_member,
    clean_notice,
    clean_topic,
    clean_withdrawal,
    cut,
    stage_after_follow_up,
)
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from domain.fields import form, is_id, plain
from domain.service.matters import LIMITS as MATTER_LIMITS
from domain.service.workflow import Action, permission_for
from domain.settings import Settings
from i18n import translate

READ, MANAGE, RECORD = "council.read", "council.manage", "council.record"
COMMITTEE_MANAGE = "committee.manage"
PASSED = "passed"


# --- councils and members -------------------------------------------------------------------------------------------

def save_council(engine: Engine, *, actor: Actor, settings: Settings, data: dict, council_id: int | None = None,
                 now: datetime | None = None) -> Council:
    """Create or change a council. data: community_id, name, kind, estate, established_on, active.
    council.manage in the community (a council stays in its community); the name is unique there."""
    now = now or clock.now()
    today = clock.local(now).date()
    data = form(data)
    with transaction(engine) as session:
        council = _row(session, actor, Council, council_id) if council_id is not None else None
        if council is not None:
            data = {**data, "community_id": council.community_id}
        community_id = data.get("community_id")
        require(actor, MANAGE, community_id if is_id(community_id) else None)
        names = session.execute(select(Council.name).where(
            Council.community_id == community_id, *([Council.id != council.id] if council else []))).scalars().all() \
            if is_id(community_id) else []
        values = clean_council(data, settings, today=today, names_taken=names)
        before = audit.snapshot(council)
        if council is None:
            council = Council(**values, updated_at=now)
            session.add(council)
        else:
            for key, value in values.items():
                setattr(council, key, value)
            council.updated_at = now
        flush_unique(session, "name", "council_error.name_taken")
        audit.record(session, actor=actor, action="council.update" if before else "council.create",
                     entity="council", entity_id=council.id, community_id=council.community_id, at=now,
                     before=before, after=audit.snapshot(council))
    return council


def save_member(engine: Engine, *, actor: Actor, settings: Settings, data: dict, member_id: int | None = None,
                now: datetime | None = None) -> CouncilMember:
    """Create or change a member. data: council_id, name, seat, title, term_start, term_end, active, convener.
    council.manage in the council's community; a member stays in its council; the name is unique in it.
    convener=True makes every other member of the council a non-convener (one convener per council)."""
    now = now or clock.now()
    data = form(data)
    with transaction(engine) as session:
        if member_id is not None:
            found = session.execute(select(CouncilMember.council_id, CouncilMember.community_id)
                                    .where(CouncilMember.id == member_id)).first() if is_id(member_id) else None
            if found is None or not scope(actor, READ).allows(found.community_id):
                raise DomainError("error.not_found")
            council_id = found.council_id
        else:
            council_id = data.get("council_id")
            if not is_id(council_id):
                require(actor, MANAGE, None)
                clean_member(data, settings, names_taken=())  # raises: the council is missing
        council = _row(session, actor, Council, council_id)  # locked: one writer of its members at a time
        require(actor, MANAGE, council.community_id)
        member = _row(session, actor, CouncilMember, member_id) if member_id is not None else None
        data = {**data, "council_id": council.id}
        names = session.execute(select(CouncilMember.name).where(
            CouncilMember.council_id == council.id,
            *([CouncilMember.id != member.id] if member else []))).scalars().all()
        values = clean_member(data, settings, names_taken=names)
        before = audit.snapshot(member)
        replaced = []
        if values["convener"]:
            replaced = session.execute(select(CouncilMember).where(
                CouncilMember.council_id == council.id, CouncilMember.convener.is_(True),
                *([CouncilMember.id != member.id] if member else []))
                .order_by(CouncilMember.id).with_for_update()).scalars().all()
        if member is None:
            member = CouncilMember(**values, community_id=council.community_id, updated_at=now)
            session.add(member)
        else:
            for key, value in values.items():
                setattr(member, key, value)
            member.updated_at = now
        flush_unique(session, "name", "council_error.name_taken")
        for other in replaced:  # the convener before: recorded as a change of its own
            other_before = audit.snapshot(other)
            other.convener, other.updated_at = False, now
            audit.record(session, actor=actor, action="council.member_update", entity="council_member",
                         entity_id=other.id, community_id=other.community_id, at=now, before=other_before,
                         after=audit.snapshot(other) | {"convener_now": member.id})
        audit.record(session, actor=actor, action="council.member_update" if before else "council.member_create",
                     entity="council_member", entity_id=member.id, community_id=member.community_id, at=now,
                     before=before, after=audit.snapshot(member))
    return member


# --- topics ---------------------------------------------------------------------------------------------------------

def save_topic(engine: Engine, *, actor: Actor, data: dict, topic_id: int | None = None,
               now: datetime | None = None) -> CouncilTopic:
    """Create or change a topic. data: council_id, title, detail, source, matter_number, member_id,
    opinion_meeting_id, opinions, raised_on.

    council.manage; or council.record for a topic raised at an opinion meeting of the council that is open (a
    topic already stored must come from that same meeting). At an open opinion meeting the topic goes on the
    meeting's agenda (appended once; later saves update the item) with the opinions as its minutes. A topic
    stays in its council and keeps its stage; a new one is "raised"."""
    now = now or clock.now()
    today = clock.local(now).date()
    data = form(data)
    with transaction(engine) as session:
        found = None
        if topic_id is not None:
            found = session.execute(select(CouncilTopic.council_id, CouncilTopic.community_id,
                                           CouncilTopic.opinion_meeting_id).where(CouncilTopic.id == topic_id)
                                    ).first() if is_id(topic_id) else None
            if found is None or not scope(actor, READ).allows(found.community_id):
                raise DomainError("error.not_found")
        council_id = found.council_id if found else data.get("council_id")
        if not is_id(council_id):
            if not (can(actor, MANAGE) or can(actor, RECORD)):
                raise PermissionDenied("error.permission", permission=MANAGE)
            clean_topic(data, today=today)  # raises: the council is missing
        council = _row(session, actor, Council, council_id, lock=False)
        data = {**data, "council_id": council.id}
        meeting = None
        if data.get("source") == "opinion" and is_id(data.get("opinion_meeting_id")):
            meeting = session.execute(select(CouncilMeeting).where(
                CouncilMeeting.id == data["opinion_meeting_id"], CouncilMeeting.council_id == council.id,
                CouncilMeeting.kind == "opinion").with_for_update()).scalars().first()
        live = meeting is not None and meeting.status == "open"
        if not can(actor, MANAGE, council.community_id):
            at_meeting = live and (found is None or found.opinion_meeting_id == meeting.id)
            require(actor, RECORD if at_meeting else MANAGE, council.community_id)
        topic = _row(session, actor, CouncilTopic, topic_id) if topic_id is not None else None
        matter_id = None
        if data.get("source") == "matter" and plain(data.get("matter_number")):
            matter_id = session.execute(select(Matter.id).where(
                Matter.number == plain(data.get("matter_number")),
                Matter.community_id == council.community_id)).scalar()
        members = set()
        if data.get("source") == "member" and is_id(data.get("member_id")):
            members = set(session.execute(select(CouncilMember.id).where(
                CouncilMember.id == data["member_id"], CouncilMember.council_id == council.id,
                CouncilMember.active.is_(True))).scalars())
            if topic is not None and topic.member_id is not None:
                members.add(topic.member_id)  # the member who raised it may have left since
        values = clean_topic(data, today=today, matter_id=matter_id, members=members,
                             opinion_meetings={meeting.id} if meeting else set(), meeting_open=live)
        opinions = values.pop("opinions")
        before = audit.snapshot(topic)
        if topic is None:
            topic = CouncilTopic(**values, community_id=council.community_id, stage="raised", created_by=actor.id,
                                 updated_at=now)
            session.add(topic)
        else:
            for key, value in values.items():
                setattr(topic, key, value)
            topic.updated_at = now
        session.flush()
        noted = {}
        if live:
            item = _opinion_item(session, meeting, topic, opinions)
            noted = {"agenda_item_id": item.id, "opinions": item.minutes}
        audit.record(session, actor=actor, action="council.topic_update" if before else "council.topic_create",
                     entity="council_topic", entity_id=topic.id, community_id=topic.community_id, at=now,
                     before=before, after=audit.snapshot(topic) | noted)
    return topic


def _opinion_item(session: Session, meeting: CouncilMeeting, topic: CouncilTopic,
                  opinions: str | None) -> CouncilAgendaItem:
    """The topic's item on the agenda of the open opinion meeting: appended at the next position the first time;
    the opinions are its minutes (kept as they were when none are given)."""
    item = session.execute(select(CouncilAgendaItem).where(CouncilAgendaItem.meeting_id == meeting.id,
                                                           CouncilAgendaItem.topic_id == topic.id)).scalars().first()
    if item is None:
        last = session.execute(select(func.max(CouncilAgendaItem.position))
                               .where(CouncilAgendaItem.meeting_id == meeting.id)).scalar()
        item = CouncilAgendaItem(meeting_id=meeting.id, position=(last or 0) + 1, topic_id=topic.id)
        session.add(item)
    if opinions:
        item.minutes, item.discussed = opinions, True
    session.flush()
    return item


def withdraw_topic(engine: Engine, *, actor: Actor, topic_id: int, reason: str,
                   now: datetime | None = None) -> CouncilTopic:
    """Withdraw a topic not yet decided (raised, discussed or rejected) with a reason. council.manage. The topic
    leaves the agenda of the council's planned meetings; what open and closed meetings recorded stays."""
    now = now or clock.now()
    with transaction(engine) as session:
        found = session.execute(select(CouncilTopic.community_id).where(CouncilTopic.id == topic_id)).first() \
            if is_id(topic_id) else None
        if found is None or not scope(actor, READ).allows(found.community_id):
            raise DomainError("error.not_found")
        require(actor, MANAGE, found.community_id)
        planned = session.execute(select(CouncilMeeting.id).where(
            CouncilMeeting.status == "planned",
            CouncilMeeting.id.in_(select(CouncilAgendaItem.meeting_id).where(CouncilAgendaItem.topic_id == topic_id)))
            .order_by(CouncilMeeting.id).with_for_update()).scalars().all()
        topic = _row(session, actor, CouncilTopic, topic_id)
        check_withdrawable(topic.stage)
        reason = clean_withdrawal(reason)
        before = audit.snapshot(topic)
        if planned:
            session.execute(delete(CouncilAgendaItem).where(CouncilAgendaItem.topic_id == topic.id,
                                                            CouncilAgendaItem.meeting_id.in_(planned)))
        topic.stage, topic.withdrawn_on, topic.withdraw_reason = "withdrawn", clock.local(now).date(), reason
        topic.updated_at = now
        audit.record(session, actor=actor, action="council.topic_update", entity="council_topic", entity_id=topic.id,
                     community_id=topic.community_id, at=now, before=before,
                     after=audit.snapshot(topic) | {"left_meetings": list(planned)})
    return topic


# --- a passed decision: owner, notice, follow-up --------------------------------------------------------------------

def assign_decision(engine: Engine, *, actor: Actor, decision_id: int, owner: str, due: date,
                    now: datetime | None = None) -> CouncilDecision:
    """Change the owner and due date of a passed decision (due not before the day it was decided).
    council.manage; audited as council.notice (what the public notice shows)."""
    now = now or clock.now()
    with transaction(engine) as session:
        decision = _passed(session, actor, decision_id)
        owner, due = clean_assignment(owner, due, decided_on=decision.decided_on)
        before = audit.snapshot(decision)
        decision.owner, decision.due, decision.updated_at = owner, due, now
        _audit_decision(session, actor, "council.notice", decision, before, now)
    return decision


def set_notice(engine: Engine, *, actor: Actor, decision_id: int, start: date, end: date,
               now: datetime | None = None) -> CouncilDecision:
    """Set the public-notice period of a passed decision: from the day it was decided or later, ending on its
    start day or later (fields notice_start, notice_end). council.manage."""
    now = now or clock.now()
    with transaction(engine) as session:
        decision = _passed(session, actor, decision_id)
        start, end = clean_notice(start, end, decided_on=decision.decided_on)
        before = audit.snapshot(decision)
        decision.notice_start, decision.notice_end, decision.updated_at = start, end, now
        _audit_decision(session, actor, "council.notice", decision, before, now)
    return decision


def follow_up_matter(engine: Engine, *, actor: Actor, settings: Settings, decision_id: int, data: dict,
                     now: datetime | None = None) -> Matter:
    """Open a 365 matter to carry out a passed decision, by the intake rules of data_access.service.writes (number,
    deadline, timeline, tally, audit matter.create) in the same transaction as the decision's link to it.

    council.manage and matter.create in the decision's community. data: the intake fields the decision cannot
    give (channel, sub_source, grid_id, category, urgency, mode; optionally the reporter's fields and a
    description); the community is the decision's; the description is by default the decision quoted with its
    council and day. One matter per decision (field decision_id). The topic moves on to "implementing"."""
    now = now or clock.now()
    data = form(data)
    with transaction(engine) as session:
        decision = _passed(session, actor, decision_id, also=permission_for(Action.RECORD))
        if decision.matter_id is not None:
            raise ValidationFailed({"decision_id": ("council_error.follow_up_exists", {})})
        council = session.get(Council, decision.council_id)
        description = plain(data.get("description")) or cut(translate(
            settings.language, "council_write.matter_description", council=council.name,
            day=decision.decided_on.isoformat(), text=plain(decision.text)), MATTER_LIMITS["description"])
        matter = add_matter(session, actor=actor, settings=settings, now=now,
                            data={**data, "community_id": decision.community_id, "description": description})
        before = audit.snapshot(decision)
        decision.matter_id, decision.updated_at = matter.id, now
        stage = _implementing(session, decision, now)
        _audit_decision(session, actor, "council.follow_up", decision, before, now,
                        matter_number=matter.number, topic_stage=stage)
    return matter


def follow_up_need(engine: Engine, *, actor: Actor, decision_id: int, now: datetime | None = None) -> Need:
    """Raise a need in the joint committee's needs list from a passed decision: source "council", linked by
    need.council_decision_id, titled by the decision's topic (or the decision's first 100 characters), the
    decision's text as its detail, raised today, checked by the committee's rules (domain.committee.rules.clean_need).
    council.manage and committee.manage in the decision's community. One need per decision (field decision_id).
    Audited as committee.need_create (the need) and council.follow_up (the decision); the topic moves on to
    "implementing"."""
    now = now or clock.now()
    today = clock.local(now).date()
    with transaction(engine) as session:
        decision = _passed(session, actor, decision_id, also=COMMITTEE_MANAGE)
        if session.execute(select(Need.id).where(Need.council_decision_id == decision.id)).first() is not None:
            raise ValidationFailed({"decision_id": ("council_error.follow_up_exists", {})})
        topic = session.get(CouncilTopic, decision.topic_id) if decision.topic_id is not None else None
        values = clean_need({"community_id": decision.community_id, "source": "council",
                             "council_decision_id": decision.id, "raised_on": today,
                             "title": topic.title if topic is not None else need_title(decision.text),
                             "detail": cut(plain(decision.text), NEED_LIMITS["detail"])}, today=today)
        need = Need(**values, created_by=actor.id)
        session.add(need)
        session.flush()
        audit.record(session, actor=actor, action="committee.need_create", entity="need", entity_id=need.id,
                     community_id=need.community_id, at=now, after=audit.snapshot(need))
        before = audit.snapshot(decision)
        decision.updated_at = now
        stage = _implementing(session, decision, now)
        _audit_decision(session, actor, "council.follow_up", decision, before, now, need_id=need.id,
                        topic_stage=stage)
    return need


def _passed(session: Session, actor: Actor, decision_id, *, also: str | None = None) -> CouncilDecision:
    """The decision, locked, for council.manage (and `also`) in its community; refused unless it passed."""
    decision = _row(session, actor, CouncilDecision, decision_id)
    require(actor, MANAGE, decision.community_id)
    if also:
        require(actor, also, decision.community_id)
    if decision.status != PASSED:
        raise DomainError("council_error.not_passed")
    return decision


def _implementing(session: Session, decision: CouncilDecision, now: datetime) -> str | None:
    """Move the decision's topic on to "implementing" (not back from "reviewed"); returns its stage."""
    if decision.topic_id is None:
        return None
    topic = session.execute(select(CouncilTopic).where(CouncilTopic.id == decision.topic_id)
                            .with_for_update()).scalars().one()
    stage = stage_after_follow_up(topic.stage)
    if stage != topic.stage:
        topic.stage, topic.updated_at = stage, now
    return topic.stage


def _audit_decision(session: Session, actor: Actor, action: str, decision: CouncilDecision, before: dict,
                    now: datetime, **extra) -> None:
    audit.record(session, actor=actor, action=action, entity="council_decision", entity_id=decision.id,
                 community_id=decision.community_id, at=now, before=before,
                 after=audit.snapshot(decision) | audit.snapshot_values(extra))


# --- helpers --------------------------------------------------------------------------------------------------------

_row = partial(scoped_row, permission=READ)  # a row of the council's tables, within council.read
