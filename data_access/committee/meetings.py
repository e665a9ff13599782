"""The joint committee's meetings (推进会): the proposal of the next chair and date, planning, opening with the
generated agenda and the attendance list, attendance, agenda notes, decisions and action items, closing; and the
reads of the meetings page, chair mode and the minutes.

Every write is one transaction that locks the meeting row, checks permission (another community's meeting is not
found; committee.manage, or the chair unit's representative holding committee.meeting), validates, writes and
audits. A closed meeting changes no more. Every read filters by the meeting or the community in SQL.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from sqlalchemy import Engine, and_, case, false, func, or_, select, true
from sqlalchemy.orm import aliased

from data_access import audit, clock
from data_access.db import reading, transaction
from data_access.models import (
    ActionItem,
    AgendaItem,
    Claim,
    CommitteeMeeting,
    Community,
    MeetingAttendance,
    MemberUnit,
    ProgressUpdate,
    Project,
    ServiceItem,
    User,
)
from domain.access import Actor, require, scope
from domain.committee import rules
from domain.committee.meetings import (
    LIMITS,
    ClaimFacts,
    active_on,
    clean_agenda_mark,
    clean_attendance,
    clean_meeting,
    clean_outcome,
    meeting_agenda,
    numbered,
)
from domain.errors import DomainError, ValidationFailed
from domain.fields import form, is_id, text_of
from domain.settings import Settings

ENTITY = "committee_meeting"
ATTENDANCE_COLUMNS = ["unit_id", "unit", "present", "attendee"]
AGENDA_COLUMNS = ["id", "position", "section", "claim_id", "action_item_id", "unit_id", "unit", "project", "item",
                  "target", "unit_label", "pledge", "done", "share", "last_update_on", "discussed", "seconds", "note",
                  "text", "owner", "due", "finished"]
OUTCOME_COLUMNS = ["id", "kind", "text", "owner", "owner_unit_id", "owner_unit", "due", "done", "done_on",
                   "done_meeting_id"]
PROGRESS_COLUMNS = ["id", "claim_id", "unit", "item", "on", "done", "note"]
MEETING_COLUMNS = ["id", "kind", "number", "day", "place", "chair_unit_id", "chair", "status", "present", "absent",
                   "outcomes"]
HISTORY_COLUMNS = ["on", "done", "note", "file_name", "meeting_id", "id", "by"]


@dataclass(frozen=True)
class Proposal:
    """The next progress meeting as the app proposes it: the next rotating chair (None when no unit of the
    rotation is active with a representative) and the next date; `number` is its 第N次 in the date's year."""

    chair_unit_id: int | None
    chair_name: str | None
    representative_name: str | None
    day: date
    number: int


@dataclass(frozen=True)
class MeetingDetail:
    """Everything the meeting page, chair mode and the minutes show of one meeting.

    attendance: unit_id, unit, present, attendee (rotation order, then name).
    agenda: id, position, section, claim_id, action_item_id, unit_id, unit, project, item, target, unit_label,
      pledge, done, share, last_update_on, discussed, seconds, note, text, owner, due, finished. A claim's
      done/last_update_on are live while the meeting is planned or open and as of the day it closed afterwards;
      a carried action item has text/owner/due, its owner unit in unit, and finished (done by then).
    outcomes: id, kind, text, owner, owner_unit_id, owner_unit, due, done, done_on, done_meeting_id (live).
    progress: id, claim_id, unit, item, on, done, note: the progress updates entered during this meeting.
    """

    meeting: CommitteeMeeting
    community: str
    number: int | None
    chair: str | None
    chair_representative: str | None
    chair_representative_id: int | None
    attendance: pd.DataFrame
    agenda: pd.DataFrame
    outcomes: pd.DataFrame
    progress: pd.DataFrame


# ---------------------------------------------------------------------------------------------------- helpers


def _today(now: datetime) -> date:
    return clock.local(now).date()


def _locked_meeting(session, actor: Actor, meeting_id: int) -> CommitteeMeeting:
    """The meeting row, locked, if the actor may read its community; else not found."""
    meeting = session.execute(select(CommitteeMeeting).where(CommitteeMeeting.id == meeting_id)
                              .with_for_update()).scalars().first() if is_id(meeting_id) else None
    if meeting is None or not scope(actor, "committee.read").allows(meeting.community_id):
        raise DomainError("error.not_found")
    return meeting


def _chair_representative(session, meeting: CommitteeMeeting) -> int | None:
    if meeting.chair_unit_id is None:
        return None
    return session.execute(select(MemberUnit.representative_id)
                           .where(MemberUnit.id == meeting.chair_unit_id)).scalar()


def _runnable(session, actor: Actor, meeting_id: int, *, status: str | None = "open") -> CommitteeMeeting:
    """Lock the meeting and check the actor may run it (committee.manage, or the chair unit's representative with
    committee.meeting), that it is not closed, and that it is in `status` (None: any)."""
    meeting = _locked_meeting(session, actor, meeting_id)
    rules.require_for_unit(actor, "committee.meeting", meeting.community_id, _chair_representative(session, meeting))
    if meeting.status == "closed":
        raise DomainError("meeting_error.closed")
    if status == "open" and meeting.status != "open":
        raise DomainError("meeting_error.not_open")
    if status == "planned" and meeting.status != "planned":
        raise DomainError("meeting_error.not_planned")
    return meeting


def _unit_active(day: date):
    """SQL: the member unit counts on `day` (domain.committee.meetings.active_on)."""
    return and_(MemberUnit.joined_on <= day, or_(MemberUnit.left_on.is_(None), MemberUnit.left_on > day))


def _chair_ok(session, community_id: int | None, unit_id: int | None, day: date | None) -> bool | None:
    if not unit_id:
        return None
    unit = session.get(MemberUnit, unit_id) if is_id(unit_id) else None
    return bool(unit is not None and unit.community_id == community_id and unit.representative_id is not None
                and active_on(unit.joined_on, unit.left_on, day or date.min))


def _meeting_snapshot(meeting: CommitteeMeeting) -> dict:
    return audit.snapshot(meeting, ["community_id", "kind", "day", "place", "chair_unit_id", "status", "opened_at",
                                    "closed_at", "summary"])


# ------------------------------------------------------------------------------------------------------ writes


def proposal(engine: Engine, *, actor: Actor, settings: Settings, community_id: int, today: date) -> Proposal:
    """The next rotating chair (domain next_chair over the rotation order, after the chair of the community's
    latest progress meeting, skipping units that have left or have no representative) and the next date
    (domain next_meeting_date after that meeting)."""
    if not scope(actor, "committee.read").allows(community_id):
        raise DomainError("error.not_found")
    with reading(engine) as session:
        units = session.execute(select(MemberUnit.id, MemberUnit.name, MemberUnit.rota_position,
                                       MemberUnit.representative_id, MemberUnit.joined_on, MemberUnit.left_on,
                                       User.display_name)
                                .outerjoin(User, User.id == MemberUnit.representative_id)
                                .where(MemberUnit.community_id == community_id)).all()
        last = session.execute(select(CommitteeMeeting.day, CommitteeMeeting.chair_unit_id)
                               .where(CommitteeMeeting.community_id == community_id,
                                      CommitteeMeeting.kind == "progress")
                               .order_by(CommitteeMeeting.day.desc(), CommitteeMeeting.id.desc()).limit(1)).first()
        order = [u.id for u in sorted((u for u in units if u.rota_position is not None),
                                      key=lambda u: (u.rota_position, u.id))]
        members = [u.id for u in units if u.representative_id is not None and active_on(u.joined_on, u.left_on, today)]
        chair = rules.next_chair(order, last.chair_unit_id if last else None, members)
        day = rules.next_meeting_date(last.day if last else None, settings.committee.meeting_every_months, today)
        held = session.execute(select(func.count()).select_from(CommitteeMeeting)
                               .where(CommitteeMeeting.community_id == community_id,
                                      CommitteeMeeting.kind == "progress",
                                      CommitteeMeeting.day >= date(day.year, 1, 1),
                                      CommitteeMeeting.day <= day)).scalar_one()
    unit = next((u for u in units if u.id == chair), None)
    return Proposal(chair_unit_id=chair, chair_name=unit.name if unit else None,
                    representative_name=unit.display_name if unit else None, day=day, number=held + 1)


def plan_meeting(engine: Engine, *, actor: Actor, settings: Settings, data: dict, meeting_id: int | None = None,
                 now: datetime | None = None) -> CommitteeMeeting:
    """Plan a meeting (data: community_id, kind, day, place, chair_unit_id), or change a planned one. Needs
    committee.manage. A day in the past is refused on "day"; a chair that is not an active member unit of the
    community with a representative on "chair_unit_id"."""
    now = now or clock.now()
    today = _today(now)
    data = form(data)
    with transaction(engine) as session:
        if meeting_id is None:
            community_id = data.get("community_id")
            if not community_id:
                raise ValidationFailed({"community_id": ("error.required", {})})
            if not is_id(community_id):
                raise DomainError("error.not_found")
            if not scope(actor, "committee.read").allows(community_id):
                raise DomainError("error.not_found")
            require(actor, "committee.manage", community_id)
            meeting, before = None, None
        else:
            meeting = _locked_meeting(session, actor, meeting_id)
            community_id = meeting.community_id
            require(actor, "committee.manage", community_id)
            if meeting.status == "closed":
                raise DomainError("meeting_error.closed")
            if meeting.status != "planned":
                raise DomainError("meeting_error.not_planned")
            before = _meeting_snapshot(meeting)
        day = data.get("day") if isinstance(data.get("day"), date) else None
        values = clean_meeting(data, today=today,
                               chair_ok=_chair_ok(session, community_id, data.get("chair_unit_id"), day or today))
        if meeting is None:
            meeting = CommitteeMeeting(community_id=community_id, status="planned", created_by=actor.id,
                                       updated_at=now, **values)
            session.add(meeting)
        else:
            for key, value in values.items():
                setattr(meeting, key, value)
            meeting.updated_at = now
        session.flush()
        audit.record(session, actor=actor, action="meeting.plan" if before is None else "meeting.update",
                     entity=ENTITY, entity_id=meeting.id, community_id=community_id, at=now, before=before,
                     after=_meeting_snapshot(meeting))
    return meeting


def open_meeting(engine: Engine, *, actor: Actor, settings: Settings, meeting_id: int,
                 now: datetime | None = None) -> CommitteeMeeting:
    """Open a planned meeting on or after its day: write its agenda (unfinished action items of earlier meetings,
    then the year's active claims: behind, stale, rest) and one attendance row per active unit (absent)."""
    now = now or clock.now()
    today = _today(now)
    with transaction(engine) as session:
        meeting = _runnable(session, actor, meeting_id, status="planned")
        if today < meeting.day:
            raise DomainError("meeting_error.not_yet", day=meeting.day.isoformat())
        before = _meeting_snapshot(meeting)
        cid = meeting.community_id
        earlier = select(CommitteeMeeting.id).where(CommitteeMeeting.community_id == cid,
                                                    CommitteeMeeting.id != meeting.id,
                                                    CommitteeMeeting.day <= meeting.day)
        carried = [rules.ActionItem(r.id, r.owner or "", r.due) for r in session.execute(
            select(ActionItem.id, ActionItem.owner, ActionItem.due)
            .where(ActionItem.community_id == cid, ActionItem.kind == "action", ActionItem.done == false(),
                   ActionItem.meeting_id.in_(earlier)))]
        last_meeting = session.execute(select(func.max(CommitteeMeeting.day))
                                       .where(CommitteeMeeting.community_id == cid,
                                              CommitteeMeeting.kind == "progress",
                                              CommitteeMeeting.status == "closed",
                                              CommitteeMeeting.id != meeting.id,
                                              CommitteeMeeting.day <= meeting.day)).scalar()
        claims = [ClaimFacts(r.id, r.done, r.pledge, r.item_done, r.target, r.period_start, r.period_end,
                             r.last_update_on)
                  for r in session.execute(
                      select(Claim.id, Claim.done, Claim.pledge, ServiceItem.done.label("item_done"),
                             ServiceItem.target, ServiceItem.period_start, ServiceItem.period_end,
                             Claim.last_update_on)
                      .join(ServiceItem, ServiceItem.id == Claim.item_id)
                      .join(Project, Project.id == ServiceItem.project_id)
                      .where(Claim.community_id == cid, Claim.status == rules.CLAIM_ACTIVE,
                             Project.year == meeting.day.year))]
        entries = meeting_agenda(carried, claims, today=today, last_meeting=last_meeting,
                                 tolerance=settings.committee.behind_tolerance)
        for position, (section, kind, ref) in enumerate(entries, start=1):
            session.add(AgendaItem(meeting_id=meeting.id, position=position, section=section,
                                   claim_id=ref if kind == "claim" else None,
                                   action_item_id=ref if kind == "action" else None))
        units = session.execute(select(MemberUnit.id).where(MemberUnit.community_id == cid, _unit_active(today))
                                .order_by(MemberUnit.id)).scalars().all()
        session.add_all(MeetingAttendance(meeting_id=meeting.id, unit_id=u, present=False) for u in units)
        meeting.status, meeting.opened_at, meeting.updated_at = "open", now, now
        session.flush()
        audit.record(session, actor=actor, action="meeting.open", entity=ENTITY, entity_id=meeting.id,
                     community_id=cid, at=now, before=before,
                     after=_meeting_snapshot(meeting) | {"agenda": len(entries), "units": len(units)})
    return meeting


def set_attendance(engine: Engine, *, actor: Actor, meeting_id: int, rows: list[dict],
                   now: datetime | None = None) -> None:
    """Record who is present (rows: unit_id, present, attendee) at an open meeting."""
    now = now or clock.now()
    with transaction(engine) as session:
        meeting = _runnable(session, actor, meeting_id)
        current = {a.unit_id: a for a in session.execute(
            select(MeetingAttendance).where(MeetingAttendance.meeting_id == meeting.id)).scalars()}
        cleaned = clean_attendance(rows, current)
        before, after = {}, {}
        for row in cleaned:
            record = current[row["unit_id"]]
            if (record.present, record.attendee) == (row["present"], row["attendee"]):
                continue
            before[str(record.unit_id)] = {"present": record.present, "attendee": record.attendee}
            record.present, record.attendee = row["present"], row["attendee"]
            after[str(record.unit_id)] = {"present": record.present, "attendee": record.attendee}
        if not after:
            return
        meeting.updated_at = now
        audit.record(session, actor=actor, action="meeting.attendance", entity=ENTITY, entity_id=meeting.id,
                     community_id=meeting.community_id, at=now, before={"attendance": before},
                     after={"attendance": after})


def mark_agenda_item(engine: Engine, *, actor: Actor, meeting_id: int, agenda_item_id: int,
                     discussed: bool | None = None, seconds: int | None = None, note: str | None = None,
                     now: datetime | None = None) -> AgendaItem:
    """Mark an agenda entry of an open meeting discussed, set the time spent on it (seconds) or its note (an
    empty note clears it); arguments left None are unchanged."""
    now = now or clock.now()
    with transaction(engine) as session:
        meeting = _runnable(session, actor, meeting_id)
        item = session.execute(select(AgendaItem).where(AgendaItem.id == agenda_item_id,
                                                        AgendaItem.meeting_id == meeting.id)
                               .with_for_update()).scalars().first() if is_id(agenda_item_id) else None
        if item is None:
            raise DomainError("error.not_found")
        values = clean_agenda_mark(discussed, seconds, note)
        before = audit.snapshot(item)
        if "discussed" in values:
            item.discussed = values["discussed"]
        if "seconds" in values:
            item.seconds = values["seconds"]
        if "note" in values:
            item.note = values["note"] or None
        after = audit.snapshot(item)
        if after != before:
            meeting.updated_at = now
            audit.record(session, actor=actor, action="meeting.agenda", entity=ENTITY, entity_id=meeting.id,
                         community_id=meeting.community_id, at=now, before=before, after=after)
    return item


def add_outcome(engine: Engine, *, actor: Actor, meeting_id: int, data: dict,
                now: datetime | None = None) -> ActionItem:
    """Record a decision (data: kind "decision", text) or an action item (kind "action", text, owner,
    owner_unit_id, due) of an open meeting. An action needs an owner ("owner"); its due date is not before the
    meeting's day ("due")."""
    now = now or clock.now()
    data = form(data)
    with transaction(engine) as session:
        meeting = _runnable(session, actor, meeting_id)
        unit_id = data.get("owner_unit_id") or None
        unit_ok = None
        if is_id(unit_id):
            unit = session.get(MemberUnit, unit_id)
            unit_ok = unit is not None and unit.community_id == meeting.community_id
        values = clean_outcome(data, meeting_day=meeting.day, owner_unit_ok=unit_ok)
        row = ActionItem(community_id=meeting.community_id, meeting_id=meeting.id, **values)
        session.add(row)
        session.flush()
        meeting.updated_at = now
        audit.record(session, actor=actor, action="meeting.outcome", entity="action_item", entity_id=row.id,
                     community_id=meeting.community_id, at=now, after=audit.snapshot(row))
    return row


def finish_action_item(engine: Engine, *, actor: Actor, action_item_id: int, meeting_id: int | None = None,
                       now: datetime | None = None) -> ActionItem:
    """Mark an action item done today. With `meeting_id` (the open meeting that confirms it, in the same
    community): that meeting's runners may; without: committee.manage, or the representative of the owner unit
    (committee.claim). A decision or an item already done is refused."""
    now = now or clock.now()
    with transaction(engine) as session:
        meeting = _runnable(session, actor, meeting_id) if meeting_id is not None else None
        row = session.execute(select(ActionItem).where(ActionItem.id == action_item_id)
                              .with_for_update()).scalars().first() if is_id(action_item_id) else None
        if row is None or not scope(actor, "committee.read").allows(row.community_id) \
                or (meeting is not None and meeting.community_id != row.community_id):
            raise DomainError("error.not_found")
        if meeting is None:
            owner_rep = session.execute(select(MemberUnit.representative_id)
                                        .where(MemberUnit.id == row.owner_unit_id)).scalar() \
                if row.owner_unit_id else None
            rules.require_for_unit(actor, "committee.claim", row.community_id, owner_rep)
        if row.kind != "action":
            raise DomainError("meeting_error.not_action")
        if row.done:
            raise DomainError("meeting_error.already_done")
        before = audit.snapshot(row)
        row.done, row.done_on, row.done_meeting_id = True, _today(now), meeting_id
        if meeting is not None:
            meeting.updated_at = now
        audit.record(session, actor=actor, action="meeting.action_done", entity="action_item", entity_id=row.id,
                     community_id=row.community_id, at=now, before=before, after=audit.snapshot(row))
    return row


def close_meeting(engine: Engine, *, actor: Actor, meeting_id: int, summary: str | None,
                  now: datetime | None = None) -> CommitteeMeeting:
    """Close an open meeting with its summary; at least one unit must be recorded present ("attendance")."""
    now = now or clock.now()
    with transaction(engine) as session:
        meeting = _runnable(session, actor, meeting_id)
        present = session.execute(select(func.count()).select_from(MeetingAttendance)
                                  .where(MeetingAttendance.meeting_id == meeting.id,
                                         MeetingAttendance.present == true())).scalar_one()
        summary = text_of(summary)
        errors = {}
        if not present:
            errors["attendance"] = ("meeting_error.no_one_present", {})
        if summary is None:
            errors["summary"] = ("error.not_text", {})
        summary = summary or None
        if summary and len(summary) > LIMITS["summary"]:
            errors["summary"] = ("error.too_long", {"max": LIMITS["summary"], "length": len(summary)})
        if errors:
            raise ValidationFailed(errors)
        before = _meeting_snapshot(meeting)
        meeting.status, meeting.closed_at, meeting.summary, meeting.updated_at = "closed", now, summary, now
        audit.record(session, actor=actor, action="meeting.close", entity=ENTITY, entity_id=meeting.id,
                     community_id=meeting.community_id, at=now, before=before,
                     after=_meeting_snapshot(meeting) | {"present": present})
    return meeting


# ------------------------------------------------------------------------------------------------------- reads


def meetings(engine: Engine, *, actor: Actor, community_id: int, year: int | None = None) -> pd.DataFrame:
    """The community's meetings, newest first: id, kind, number (第N次 of a progress meeting in its year, else
    None), day, place, chair_unit_id, chair, status, present, absent, outcomes (decisions and action items)."""
    if not scope(actor, "committee.read").allows(community_id):
        return pd.DataFrame(columns=MEETING_COLUMNS)
    cm = CommitteeMeeting
    present = (select(func.count()).select_from(MeetingAttendance)
               .where(MeetingAttendance.meeting_id == cm.id, MeetingAttendance.present == true())
               .correlate(cm).scalar_subquery())
    absent = (select(func.count()).select_from(MeetingAttendance)
              .where(MeetingAttendance.meeting_id == cm.id, MeetingAttendance.present == false())
              .correlate(cm).scalar_subquery())
    outcomes = (select(func.count()).select_from(ActionItem).where(ActionItem.meeting_id == cm.id)
                .correlate(cm).scalar_subquery())
    conds = [cm.community_id == community_id]
    if year is not None:
        conds += [cm.day >= date(year, 1, 1), cm.day <= date(year, 12, 31)]
    with reading(engine) as session:
        rows = session.execute(select(cm.id, cm.kind, cm.day, cm.place,
                                      cm.chair_unit_id, MemberUnit.name, cm.status, present, absent, outcomes)
                               .outerjoin(MemberUnit, MemberUnit.id == cm.chair_unit_id)
                               .where(*conds).order_by(cm.day.desc(), cm.id.desc())).all()
        years = sorted({r.day.year for r in rows})
        numbers = numbered(session.execute(
            select(cm.id, cm.kind, cm.day).where(cm.community_id == community_id, cm.kind == "progress",
                                                 cm.day >= date(years[0], 1, 1), cm.day <= date(years[-1], 12, 31))
        ).all()) if rows else {}
    frame = pd.DataFrame(rows, columns=[c for c in MEETING_COLUMNS if c != "number"])
    frame.insert(2, "number", pd.array([numbers.get(i) for i in frame["id"]], dtype="Int64"))
    return frame


def _number(session, meeting: CommitteeMeeting) -> int | None:
    if meeting.kind != "progress":
        return None
    cm = CommitteeMeeting
    rows = session.execute(select(cm.id, cm.kind, cm.day).where(
        cm.community_id == meeting.community_id, cm.kind == "progress",
        cm.day >= date(meeting.day.year, 1, 1), cm.day <= meeting.day)).all()
    return numbered(rows).get(meeting.id)


def meeting_detail(engine: Engine, *, actor: Actor, meeting_id: int) -> MeetingDetail | None:
    """One meeting with its attendance, agenda, outcomes and the progress entered during it (see MeetingDetail);
    None when it does not exist or is outside the actor's committee.read scope."""
    if not is_id(meeting_id):
        return None
    with reading(engine) as session:
        meeting = session.get(CommitteeMeeting, meeting_id)
        if meeting is None or not scope(actor, "committee.read").allows(meeting.community_id):
            return None
        community = session.execute(select(Community.name).where(Community.id == meeting.community_id)).scalar()
        chair = session.execute(select(MemberUnit.name, MemberUnit.representative_id, User.display_name)
                                .outerjoin(User, User.id == MemberUnit.representative_id)
                                .where(MemberUnit.id == meeting.chair_unit_id)).first() \
            if meeting.chair_unit_id else None
        attendance = pd.DataFrame(session.execute(
            select(MeetingAttendance.unit_id, MemberUnit.name, MeetingAttendance.present, MeetingAttendance.attendee)
            .join(MemberUnit, MemberUnit.id == MeetingAttendance.unit_id)
            .where(MeetingAttendance.meeting_id == meeting.id)
            .order_by(MemberUnit.rota_position.is_(None), MemberUnit.rota_position, MemberUnit.name)).all(),
            columns=ATTENDANCE_COLUMNS)
        agenda = pd.DataFrame(session.execute(_agenda_select(meeting)).all(),
                              columns=[c for c in AGENDA_COLUMNS if c != "share"])
        agenda.insert(AGENDA_COLUMNS.index("share"), "share",
                      [None if pd.isna(p) else rules.share(d or 0.0, p)
                       for d, p in zip(agenda["done"], agenda["pledge"], strict=True)])
        owner_unit = aliased(MemberUnit)
        outcomes = pd.DataFrame(session.execute(
            select(ActionItem.id, ActionItem.kind, ActionItem.text, ActionItem.owner, ActionItem.owner_unit_id,
                   owner_unit.name, ActionItem.due, ActionItem.done, ActionItem.done_on, ActionItem.done_meeting_id)
            .outerjoin(owner_unit, owner_unit.id == ActionItem.owner_unit_id)
            .where(ActionItem.meeting_id == meeting.id).order_by(ActionItem.id)).all(), columns=OUTCOME_COLUMNS)
        progress = pd.DataFrame(session.execute(
            select(ProgressUpdate.id, ProgressUpdate.claim_id, MemberUnit.name, ServiceItem.name, ProgressUpdate.on,
                   ProgressUpdate.done, ProgressUpdate.note)
            .join(Claim, Claim.id == ProgressUpdate.claim_id)
            .join(MemberUnit, MemberUnit.id == Claim.unit_id)
            .join(ServiceItem, ServiceItem.id == Claim.item_id)
            .where(ProgressUpdate.meeting_id == meeting.id).order_by(ProgressUpdate.id)).all(),
            columns=PROGRESS_COLUMNS)
        number = _number(session, meeting)
    return MeetingDetail(meeting=meeting, community=community, number=number,
                         chair=chair.name if chair else None,
                         chair_representative=chair.display_name if chair else None,
                         chair_representative_id=chair.representative_id if chair else None,
                         attendance=attendance, agenda=agenda, outcomes=outcomes, progress=progress)


def _agenda_select(meeting: CommitteeMeeting):
    """The agenda rows with their claim (unit, project, item, progress) or carried action item. While the meeting
    is planned or open a claim's progress is live; once closed, as of the day it closed."""
    claim_unit, owner_unit = aliased(MemberUnit), aliased(MemberUnit)
    if meeting.status == "closed" and meeting.closed_at is not None:
        cutoff = clock.local(meeting.closed_at).date()
        pu = aliased(ProgressUpdate)
        done = func.coalesce(select(pu.done).where(pu.claim_id == Claim.id, pu.on <= cutoff)
                             .order_by(pu.on.desc(), pu.id.desc()).limit(1).correlate(Claim).scalar_subquery(),
                             case((Claim.id.is_not(None), 0.0)))
        last_update = (select(func.max(pu.on)).where(pu.claim_id == Claim.id, pu.on <= cutoff)
                       .correlate(Claim).scalar_subquery())
        finished = case((and_(ActionItem.done == true(), ActionItem.done_on <= cutoff), True),
                        (ActionItem.id.is_not(None), False))
    else:
        done, last_update = Claim.done, Claim.last_update_on
        finished = ActionItem.done
    return (select(AgendaItem.id, AgendaItem.position, AgendaItem.section, AgendaItem.claim_id,
                   AgendaItem.action_item_id, func.coalesce(claim_unit.id, owner_unit.id),
                   func.coalesce(claim_unit.name, owner_unit.name), Project.name, ServiceItem.name,
                   ServiceItem.target, ServiceItem.unit, Claim.pledge, done, last_update, AgendaItem.discussed,
                   AgendaItem.seconds, AgendaItem.note, ActionItem.text, ActionItem.owner, ActionItem.due, finished)
            .outerjoin(Claim, Claim.id == AgendaItem.claim_id)
            .outerjoin(ServiceItem, ServiceItem.id == Claim.item_id)
            .outerjoin(Project, Project.id == ServiceItem.project_id)
            .outerjoin(claim_unit, claim_unit.id == Claim.unit_id)
            .outerjoin(ActionItem, ActionItem.id == AgendaItem.action_item_id)
            .outerjoin(owner_unit, owner_unit.id == ActionItem.owner_unit_id)
            .where(AgendaItem.meeting_id == meeting.id).order_by(AgendaItem.position))


def claim_history(engine: Engine, *, actor: Actor, claim_id: int) -> pd.DataFrame:
    """The progress updates of a claim, newest first: on, done, note, file_name, meeting_id, id, by (who entered
    it). Empty when the claim is outside the actor's committee.read scope. The file itself is not read."""
    allowed = scope(actor, "committee.read")
    if not is_id(claim_id):
        return pd.DataFrame(columns=HISTORY_COLUMNS)
    with reading(engine) as session:
        community_id = session.execute(select(Claim.community_id).where(Claim.id == claim_id)).scalar()
        if community_id is None or not allowed.allows(community_id):
            return pd.DataFrame(columns=HISTORY_COLUMNS)
        rows = session.execute(select(ProgressUpdate.on, ProgressUpdate.done, ProgressUpdate.note,
                                      ProgressUpdate.file_name, ProgressUpdate.meeting_id, ProgressUpdate.id,
                                      User.display_name)
                               .outerjoin(User, User.id == ProgressUpdate.created_by)
                               .where(ProgressUpdate.claim_id == claim_id)
                               .order_by(ProgressUpdate.on.desc(), ProgressUpdate.id.desc())).all()
    return pd.DataFrame(rows, columns=HISTORY_COLUMNS)


def progress_file(engine: Engine, *, actor: Actor, update_id: int) -> tuple[str, str, bytes] | None:
    """The file attached to a progress update: (name, type, bytes); None when there is none or the update is
    outside the actor's committee.read scope."""
    if not is_id(update_id):
        return None
    with reading(engine) as session:
        row = session.execute(select(ProgressUpdate.community_id, ProgressUpdate.file_name, ProgressUpdate.file_type,
                                     ProgressUpdate.file_data).where(ProgressUpdate.id == update_id)).first()
    if row is None or row.file_data is None or not scope(actor, "committee.read").allows(row.community_id):
        return None
    return row.file_name or "file", row.file_type or "application/octet-stream", row.file_data
