"""Write functions of the joint party committee (联合党委): member units and the rotation, agreements, the three
lists (needs, resources, projects with their service items), claims and their progress.

Each write is one transaction: the row it changes is locked, a row of a community the actor may not read is
"not found", permission is checked before the input (domain.access.require, or domain.committee.rules.require_for_unit
for what a unit's representative may do for their own unit), the input is checked by the domain's clean_*
rules, then the row and its audit record are written. Derived figures are kept here: a claim's done and
last update repeat its latest progress update (by date, then by entry), an item's done is the sum of its
claims' done (withdrawn claims included) capped at its target.
"""

from __future__ import annotations

from datetime import datetime
from functools import partial

from sqlalchemy import Engine, func, or_, select
from sqlmodel import Session

from data_access import audit, clock
from data_access.db import reading, transaction
from data_access.models import (
    Agreement,
    Claim,
    CommitteeMeeting,
    Matter,
    MemberUnit,
    Need,
    ProgressUpdate,
    Project,
    Resource,
    ServiceItem,
    User,
    UserRole,
)
from data_access.rows import flush_unique, scoped_row
from domain.access import Actor, can, require, scope
from domain.committee.rules import (
    CLAIM_ACTIVE,
    CLAIM_WITHDRAWN,
    REPRESENTATIVE_ROLE,
    Pledge,
    check_claim,
    clean_agreement,
    clean_item,
    clean_need,
    clean_progress,
    clean_project,
    clean_resource,
    clean_rotation,
    clean_unit,
    clean_withdrawal,
    figure,
    may_act_for_unit,
    need_title,
    require_for_unit,
    unit_active,
)
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from domain.fields import form, is_id
from domain.settings import Settings

READ, MANAGE, CLAIM, MEETING = "committee.read", "committee.manage", "committee.claim", "committee.meeting"
UPDATE_FIELDS = ["id", "claim_id", "community_id", "on", "done", "note", "file_name", "file_type", "meeting_id",
                 "created_by", "created_at"]


# --- member units and the rotation ----------------------------------------------------------------------------------

def save_unit(engine: Engine, *, actor: Actor, settings: Settings, data: dict, unit_id: int | None = None,
              now: datetime | None = None) -> MemberUnit:
    """Add a member unit (unit_id None) or change one. committee.manage; the name is unique in the community and
    the representative holds the unitrep role there and represents no other active unit."""
    now = now or clock.now()
    today = clock.local(now).date()
    data = form(data)
    with transaction(engine) as session:
        unit = _row(session, actor, MemberUnit, unit_id) if unit_id is not None else None
        if unit is not None:  # a form that could not show the phone whole leaves it out: it stays as stored
            data = {"liaison_phone": unit.liaison_phone, **data, "community_id": unit.community_id}
        community_id = _community(actor, data.get("community_id"))
        others = [MemberUnit.community_id == community_id] + ([MemberUnit.id != unit.id] if unit else [])
        names = session.execute(select(MemberUnit.name).where(*others)).scalars().all()
        chosen = data.get("representative_id")
        represented = {chosen} if is_id(chosen) and session.execute(
            select(MemberUnit.id).where(MemberUnit.representative_id == chosen,
                                        or_(MemberUnit.left_on.is_(None), MemberUnit.left_on > today),
                                        *([MemberUnit.id != unit.id] if unit else []))).first() else set()
        values = clean_unit(data, settings, today=today, names_taken=names,
                            representatives=_representative_ids(session, community_id), represented=represented,
                            current_representative=unit.representative_id if unit else None)
        before = audit.snapshot(unit)
        if unit is None:
            unit = MemberUnit(**values, updated_at=now)
            session.add(unit)
        else:
            for key, value in values.items():
                setattr(unit, key, value)
            unit.updated_at = now
        flush_unique(session, "name", "committee_error.unit_name_taken", name=values["name"])
        audit.record(session, actor=actor, action="committee.unit_update" if before else "committee.unit_create",
                     entity="member_unit", entity_id=unit.id, community_id=unit.community_id, at=now,
                     before=before, after=audit.snapshot(unit))
    return unit


def representatives(engine: Engine, *, actor: Actor, community_id: int) -> dict[int, str]:
    """The accounts holding the unitrep role in the community (user id -> display name): the choices of the unit
    form's representative. Empty for a community outside the actor's committee.read scope."""
    if not scope(actor, READ).allows(community_id):
        return {}
    with reading(engine) as session:
        rows = session.execute(_representatives_sql(community_id).order_by(User.display_name, User.id)).all()
    return {user_id: name for user_id, name in rows}


def set_rotation(engine: Engine, *, actor: Actor, community_id: int, order: list[int],
                 now: datetime | None = None) -> None:
    """Agree the order of the rotating chair: rota_position 1..n for the units in `order` (active member units
    of the community), None for the others. committee.manage."""
    now = now or clock.now()
    today = clock.local(now).date()
    with transaction(engine) as session:
        if not is_id(community_id):
            raise DomainError("error.not_found")
        require(actor, MANAGE, community_id)
        units = session.execute(select(MemberUnit).where(MemberUnit.community_id == community_id)
                                .order_by(MemberUnit.id).with_for_update()).scalars().all()
        order = clean_rotation(order, {u.id for u in units if unit_active(u.left_on, today)})
        before = _rotation(units)
        position = {unit_id: n for n, unit_id in enumerate(order, start=1)}
        for unit in units:
            if unit.rota_position != position.get(unit.id):
                unit.rota_position = position.get(unit.id)
                unit.updated_at = now
        audit.record(session, actor=actor, action="committee.rotation", entity="community", entity_id=community_id,
                     community_id=community_id, at=now, before={"order": before},
                     after={"order": _rotation(units)})


def _rotation(units: list[MemberUnit]) -> list[int]:
    return [u.id for u in sorted((u for u in units if u.rota_position is not None), key=lambda u: u.rota_position)]


# --- agreements -----------------------------------------------------------------------------------------------------

def save_agreement(engine: Engine, *, actor: Actor, data: dict, agreement_id: int | None = None,
                   now: datetime | None = None) -> Agreement:
    """A unit's co-building agreement for a year (one per unit and year). committee.manage."""
    now = now or clock.now()
    today = clock.local(now).date()
    data = form(data)
    with transaction(engine) as session:
        agreement = _row(session, actor, Agreement, agreement_id) if agreement_id is not None else None
        if agreement is not None:
            data = {**data, "unit_id": agreement.unit_id}
        unit = _row(session, actor, MemberUnit, data.get("unit_id")) if is_id(data.get("unit_id")) else None
        require(actor, MANAGE, unit.community_id if unit else None)
        year = data.get("year")
        exists = unit is not None and is_id(year) and session.execute(
            select(Agreement.id).where(Agreement.unit_id == unit.id, Agreement.year == year,
                                       *([Agreement.id != agreement.id] if agreement else []))).first() is not None
        values = clean_agreement(data, today=today, exists=exists)
        before = audit.snapshot(agreement)
        if agreement is None:
            agreement = Agreement(**values, community_id=unit.community_id, updated_at=now)
            session.add(agreement)
        else:
            for key, value in values.items():
                setattr(agreement, key, value)
            agreement.updated_at = now
        flush_unique(session, "year", "committee_error.agreement_exists", year=values["year"])
        audit.record(session, actor=actor, entity="agreement", entity_id=agreement.id,
                     action="committee.agreement_update" if before else "committee.agreement_create",
                     community_id=agreement.community_id, at=now, before=before, after=audit.snapshot(agreement))
    return agreement


# --- the three lists: needs, resources, projects and their items ---------------------------------------------------

def save_need(engine: Engine, *, actor: Actor, data: dict, need_id: int | None = None,
              now: datetime | None = None) -> Need:
    """An entry of the needs list: typed in, or raised from a matter or a council decision. committee.manage."""
    now = now or clock.now()
    data = form(data)
    with transaction(engine) as session:
        need = _row(session, actor, Need, need_id) if need_id is not None else None
        if need is not None:
            data = {**data, "community_id": need.community_id}
        community_id = _community(actor, data.get("community_id"))
        values = clean_need(data, today=clock.local(now).date())
        errors = {}
        if values["matter_id"] is not None and session.execute(
                select(Matter.community_id).where(Matter.id == values["matter_id"])).scalar() != community_id:
            errors["matter_id"] = ("committee_error.not_in_community", {})
        if values["project_id"] is not None and session.execute(
                select(Project.community_id).where(Project.id == values["project_id"])).scalar() != community_id:
            errors["project_id"] = ("committee_error.not_in_community", {})
        if errors:
            raise ValidationFailed(errors)
        before = audit.snapshot(need)
        if need is None:
            need = Need(**values, created_by=actor.id)
            session.add(need)
        else:
            for key, value in values.items():
                setattr(need, key, value)
        session.flush()
        audit.record(session, actor=actor, action="committee.need_update" if before else "committee.need_create",
                     entity="need", entity_id=need.id, community_id=need.community_id, at=now, before=before,
                     after=audit.snapshot(need))
    return need


def need_from_matter(engine: Engine, *, actor: Actor, matter_id: int, now: datetime | None = None) -> Need:
    """Raise a need from a resident matter (source "matter", its title from the matter's description); a matter
    gives one need at most. committee.manage in the matter's community."""
    now = now or clock.now()
    with transaction(engine) as session:
        matter = session.execute(select(Matter).where(Matter.id == matter_id).with_for_update()).scalars().first() \
            if is_id(matter_id) else None
        if matter is None or not scope(actor, READ).allows(matter.community_id):
            raise DomainError("error.not_found")
        require(actor, MANAGE, matter.community_id)
        if session.execute(select(Need.id).where(Need.matter_id == matter.id)).first() is not None:
            raise DomainError("committee_error.need_exists", number=matter.number or str(matter.id))
        # only the first line travels: the whole record (with the resident's words) stays behind matter.read
        need = Need(community_id=matter.community_id, title=need_title(matter.description),
                    source="matter", matter_id=matter.id,
                    raised_on=clock.local(now).date(), created_by=actor.id)
        session.add(need)
        session.flush()
        audit.record(session, actor=actor, action="committee.need_create", entity="need", entity_id=need.id,
                     community_id=need.community_id, at=now, after=audit.snapshot(need))
    return need


def save_resource(engine: Engine, *, actor: Actor, settings: Settings, data: dict, resource_id: int | None = None,
                  now: datetime | None = None) -> Resource:
    """What a member unit offers (resources list): committee.manage, or the unit's own representative."""
    now = now or clock.now()
    data = form(data)
    with transaction(engine) as session:
        resource = _row(session, actor, Resource, resource_id) if resource_id is not None else None
        if resource is not None:
            data = {**data, "unit_id": resource.unit_id}
        unit = _row(session, actor, MemberUnit, data.get("unit_id"), lock=False) \
            if is_id(data.get("unit_id")) else None
        if unit is None:
            require(actor, MANAGE, None)
        else:
            require_for_unit(actor, CLAIM, unit.community_id, unit.representative_id)
        values = clean_resource(data, settings)
        before = audit.snapshot(resource)
        if resource is None:
            resource = Resource(**values, community_id=unit.community_id)
            session.add(resource)
        else:
            for key, value in values.items():
                setattr(resource, key, value)
        session.flush()
        audit.record(session, actor=actor, entity="resource", entity_id=resource.id,
                     action="committee.resource_update" if before else "committee.resource_create",
                     community_id=resource.community_id, at=now, before=before, after=audit.snapshot(resource))
    return resource


def save_project(engine: Engine, *, actor: Actor, data: dict, project_id: int | None = None,
                 now: datetime | None = None) -> Project:
    """A project of the year's projects list; `need_id` links the need it answers. committee.manage."""
    now = now or clock.now()
    data = form(data)
    with transaction(engine) as session:
        project = _row(session, actor, Project, project_id) if project_id is not None else None
        if project is not None:
            data = {**data, "community_id": project.community_id}
        community_id = _community(actor, data.get("community_id"))
        values = clean_project(data)
        need_id = values.pop("need_id")
        need = None
        if need_id is not None:
            need = session.execute(select(Need).where(Need.id == need_id).with_for_update()).scalars().first()
            if need is None or need.community_id != community_id:
                raise ValidationFailed({"need_id": ("committee_error.not_in_community", {})})
        before = audit.snapshot(project)
        if project is None:
            project = Project(**values, updated_at=now)
            session.add(project)
        else:
            for key, value in values.items():
                setattr(project, key, value)
            project.updated_at = now
        session.flush()
        if need is not None:
            need.project_id = project.id
        audit.record(session, actor=actor, action="committee.project_update" if before else "committee.project_create",
                     entity="project", entity_id=project.id, community_id=project.community_id, at=now,
                     before=before, after=audit.snapshot(project) | ({"need_id": need_id} if need_id else {}))
    return project


def save_item(engine: Engine, *, actor: Actor, data: dict, item_id: int | None = None,
              now: datetime | None = None) -> ServiceItem:
    """A service item of a project. committee.manage. Its target may not drop below what is done; active claims
    that pledged the whole target follow a new target, larger pledges are cut to it."""
    now = now or clock.now()
    data = form(data)
    with transaction(engine) as session:
        item = _row(session, actor, ServiceItem, item_id) if item_id is not None else None
        if item is not None:
            data = {**data, "project_id": item.project_id}
        project = _row(session, actor, Project, data.get("project_id"), lock=False) \
            if is_id(data.get("project_id")) else None
        require(actor, MANAGE, project.community_id if project else None)
        values = clean_item(data, done=item.done if item else 0.0)
        before = audit.snapshot(item)
        pledges = {}
        if item is None:
            item = ServiceItem(**values, community_id=project.community_id, done=0.0)
            session.add(item)
        else:
            old_target = item.target
            for key, value in values.items():
                setattr(item, key, value)
            if item.target != old_target:
                pledges = _follow_target(session, item, old_target)
                _roll_up_item(session, item)
        session.flush()
        audit.record(session, actor=actor, action="committee.item_update" if before else "committee.item_create",
                     entity="service_item", entity_id=item.id, community_id=item.community_id, at=now,
                     before=before, after=audit.snapshot(item) | ({"pledges": pledges} if pledges else {}))
    return item


def _follow_target(session: Session, item: ServiceItem, old_target: float) -> dict[str, float]:
    """Active claims that pledged the whole old target pledge the new one; larger pledges are cut to it.
    Refused when a claim has done more than its new pledge. Returns {claim id: new pledge} of the changed."""
    changed = {}
    claims = session.execute(select(Claim).where(Claim.item_id == item.id, Claim.status == CLAIM_ACTIVE)
                             .order_by(Claim.id).with_for_update()).scalars().all()
    for claim in claims:
        pledge = item.target if claim.pledge == old_target else min(claim.pledge, item.target)
        if claim.done > pledge:
            raise ValidationFailed({"target": ("committee_error.target_below_done", {"done": figure(claim.done)})})
        if pledge != claim.pledge:
            claim.pledge = pledge
            changed[str(claim.id)] = pledge
    pledged = sum(claim.pledge for claim in claims)
    if pledged > item.target:  # shared claims: the units' pledges would add up to more than the new target
        raise ValidationFailed({"target": ("committee_error.target_below_pledges", {"pledged": figure(pledged)})})
    return changed


# --- claims and progress --------------------------------------------------------------------------------------------

def claim_item(engine: Engine, *, actor: Actor, settings: Settings, item_id: int, unit_id: int,
               pledge: float | None = None, now: datetime | None = None) -> Claim:
    """A member unit claims a service item: committee.manage, or the unit's representative (committee.claim).
    Exclusive claims (config): one unit per item; shared: several, their pledges summing to the target at most."""
    now = now or clock.now()
    with transaction(engine) as session:
        item = _row(session, actor, ServiceItem, item_id)
        unit = _row(session, actor, MemberUnit, unit_id, lock=False)
        require_for_unit(actor, CLAIM, item.community_id, unit.representative_id)
        _same_community(unit, item.community_id)
        taken = _active_pledges(session, [item.id])
        pledge = check_claim(exclusive=settings.committee.exclusive, unit_id=unit.id,
                             unit_active=unit_active(unit.left_on, clock.local(now).date()), target=item.target,
                             done=item.done, active_claims=taken.get(item.id, []), pledge=pledge)
        return _new_claim(session, actor, item, unit, pledge, now)


def claim_project(engine: Engine, *, actor: Actor, settings: Settings, project_id: int, unit_id: int,
                  now: datetime | None = None) -> list[Claim]:
    """A member unit claims every item of a project it may still claim (not complete, not taken by another unit
    under exclusive claims, not fully pledged, not already its own). None left: DomainError."""
    now = now or clock.now()
    today = clock.local(now).date()
    with transaction(engine) as session:
        project = _row(session, actor, Project, project_id)
        unit = _row(session, actor, MemberUnit, unit_id, lock=False)
        require_for_unit(actor, CLAIM, project.community_id, unit.representative_id)
        _same_community(unit, project.community_id)
        if not unit_active(unit.left_on, today):
            raise ValidationFailed({"unit_id": ("committee_error.unit_left", {})})
        items = session.execute(select(ServiceItem).where(ServiceItem.project_id == project.id)
                                .order_by(ServiceItem.id).with_for_update()).scalars().all()
        taken = _active_pledges(session, [i.id for i in items])
        claims = []
        for item in items:
            try:
                pledge = check_claim(exclusive=settings.committee.exclusive, unit_id=unit.id, unit_active=True,
                                     target=item.target, done=item.done, active_claims=taken.get(item.id, []))
            except ValidationFailed:
                continue
            claims.append(_new_claim(session, actor, item, unit, pledge, now))
        if not claims:
            raise DomainError("committee_error.nothing_to_claim", project=project.name)
        return claims


def withdraw_claim(engine: Engine, *, actor: Actor, claim_id: int, reason: str,
                   now: datetime | None = None) -> Claim:
    """Withdraw an active claim with a reason. What it did stays done (the item keeps it)."""
    now = now or clock.now()
    with transaction(engine) as session:
        claim = _row(session, actor, Claim, claim_id)
        unit = session.get(MemberUnit, claim.unit_id)
        require_for_unit(actor, CLAIM, claim.community_id, unit.representative_id)
        if claim.status != CLAIM_ACTIVE:
            raise DomainError("committee_error.claim_withdrawn")
        reason = clean_withdrawal(reason)
        before = audit.snapshot(claim)
        claim.status, claim.withdrawn_on, claim.withdraw_reason = CLAIM_WITHDRAWN, clock.local(now).date(), reason
        audit.record(session, actor=actor, action="committee.claim_withdraw", entity="claim", entity_id=claim.id,
                     community_id=claim.community_id, at=now, before=before, after=audit.snapshot(claim))
    return claim


def record_progress(engine: Engine, *, actor: Actor, settings: Settings, claim_id: int, data: dict,
                    meeting_id: int | None = None, now: datetime | None = None) -> ProgressUpdate:
    """Report progress on a claim: the cumulative quantity done by a date (or a percentage of the pledge), a note
    and an optional file. The unit's representative or committee.manage; with `meeting_id`, during that open
    meeting, also the representative of its chair unit (the rotating secretary) for any claim of the community.
    Keeps the claim's done and last update (its latest update by date) and the item's done."""
    now = now or clock.now()
    today = clock.local(now).date()
    with transaction(engine) as session:
        found = session.execute(select(Claim.item_id, Claim.community_id).where(Claim.id == claim_id)).first() \
            if is_id(claim_id) else None
        if found is None or not scope(actor, READ).allows(found.community_id):
            raise DomainError("error.not_found")
        item = _row(session, actor, ServiceItem, found.item_id)  # the item first, as every write locks them
        claim = _row(session, actor, Claim, claim_id)
        unit = session.get(MemberUnit, claim.unit_id)
        meeting = None
        if meeting_id is not None:
            meeting = session.get(CommitteeMeeting, meeting_id) if is_id(meeting_id) else None
            if meeting is None or meeting.community_id != claim.community_id:
                raise DomainError("error.not_found")
        as_unit = may_act_for_unit(actor, CLAIM, claim.community_id, unit.representative_id)
        if not as_unit and not (meeting is not None and _chairs(session, actor, meeting)):
            raise PermissionDenied("error.not_your_unit")
        if meeting is not None and meeting.status != "open":
            raise (DomainError if as_unit else PermissionDenied)("committee_error.meeting_not_open")
        if claim.status != CLAIM_ACTIVE:
            raise DomainError("committee_error.claim_withdrawn")
        values = clean_progress(form(data), pledge=claim.pledge, claimed_on=claim.claimed_on, today=today,
                                max_file_mb=settings.committee.max_file_mb)
        before = audit.snapshot(claim)
        update = ProgressUpdate(**values, claim_id=claim.id, community_id=claim.community_id, meeting_id=meeting_id,
                                created_by=actor.id, created_at=now)
        session.add(update)
        session.flush()
        _roll_up_claim(session, claim)
        _roll_up_item(session, item)
        entry = audit.snapshot(update, UPDATE_FIELDS) | {"file_size": len(update.file_data or b"") or None}
        audit.record(session, actor=actor, action="committee.progress", entity="claim", entity_id=claim.id,
                     community_id=claim.community_id, at=now, before=before,
                     after=audit.snapshot(claim) | {"update": entry, "item_done": item.done})
    return update


def _chairs(session: Session, actor: Actor, meeting: CommitteeMeeting) -> bool:
    """Whether the actor is the rotating secretary of the meeting: its chair unit's representative, holding
    committee.meeting in its community."""
    if meeting.chair_unit_id is None or actor.id is None:
        return False
    chair = session.get(MemberUnit, meeting.chair_unit_id)
    return chair is not None and chair.representative_id == actor.id and can(actor, MEETING, meeting.community_id)


def _new_claim(session: Session, actor: Actor, item: ServiceItem, unit: MemberUnit, pledge: float,
               now: datetime) -> Claim:
    claim = Claim(item_id=item.id, unit_id=unit.id, community_id=item.community_id, status=CLAIM_ACTIVE,
                  pledge=pledge, done=0.0, claimed_on=clock.local(now).date(), created_by=actor.id)
    session.add(claim)
    session.flush()
    audit.record(session, actor=actor, action="committee.claim", entity="claim", entity_id=claim.id,
                 community_id=claim.community_id, at=now, after=audit.snapshot(claim))
    return claim


def _active_pledges(session: Session, item_ids: list[int]) -> dict[int, list[Pledge]]:
    """The active claims of these items (item id -> pledges with their units' names)."""
    if not item_ids:
        return {}
    rows = session.execute(select(Claim.item_id, Claim.unit_id, MemberUnit.name, Claim.pledge, Claim.done)
                           .join(MemberUnit, MemberUnit.id == Claim.unit_id)
                           .where(Claim.item_id.in_(item_ids), Claim.status == CLAIM_ACTIVE)
                           .order_by(Claim.id)).all()
    pledges: dict[int, list[Pledge]] = {}
    for item_id, unit_id, name, pledge, done in rows:
        pledges.setdefault(item_id, []).append(Pledge(unit_id, name, pledge, done))
    return pledges


def _roll_up_claim(session: Session, claim: Claim) -> None:
    """A claim's done and last update repeat its latest progress update (by date, then by entry)."""
    latest = session.execute(select(ProgressUpdate.done, ProgressUpdate.on).where(ProgressUpdate.claim_id == claim.id)
                             .order_by(ProgressUpdate.on.desc(), ProgressUpdate.id.desc()).limit(1)).first()
    claim.done, claim.last_update_on = (latest.done, latest.on) if latest else (0.0, None)
    session.flush()


def _roll_up_item(session: Session, item: ServiceItem) -> None:
    """An item's done: the sum of its claims' done (withdrawn claims included), at most its target."""
    session.flush()
    total = session.execute(select(func.coalesce(func.sum(Claim.done), 0.0)).where(Claim.item_id == item.id)) \
        .scalar_one()
    item.done = min(item.target, float(total))


# --- helpers --------------------------------------------------------------------------------------------------------

_row = partial(scoped_row, permission=READ)  # a row of the committee's tables, within committee.read


def _community(actor: Actor, community_id) -> int | None:
    """The form's community, where the actor must hold committee.manage (a missing one is the form's error)."""
    require(actor, MANAGE, community_id if is_id(community_id) else None)
    return community_id if is_id(community_id) else None


def _same_community(unit: MemberUnit, community_id: int) -> None:
    if unit.community_id != community_id:
        raise ValidationFailed({"unit_id": ("committee_error.not_in_community", {})})


def _representatives_sql(community_id: int):
    return (select(User.id, User.display_name).join(UserRole, UserRole.user_id == User.id)
            .where(UserRole.role == REPRESENTATIVE_ROLE, UserRole.community_id == community_id, User.is_active)
            .distinct())


def _representative_ids(session: Session, community_id: int | None) -> set[int]:
    if community_id is None:
        return set()
    return {user_id for user_id, _ in session.execute(_representatives_sql(community_id)).all()}
