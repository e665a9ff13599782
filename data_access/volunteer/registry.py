"""Volunteers and teams: registration and change (volunteer.manage), each one transaction with its audit record (the
phone and ID number masked in it), and who the actor is in volunteer service (the volunteer record of their account,
the team they lead). A volunteer's points account is opened with their registration."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

from data_access import audit, clock
from data_access.db import reading, transaction
from data_access.models import MemberUnit, User, UserRole, Volunteer, VolunteerTeam
from data_access.rows import flush_unique, scoped_row
from data_access.volunteer import points
from domain.access import Actor, can, require, scope
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from domain.fields import form, is_id, shown, text_of
from domain.personal import mask_id_number, mask_phone, normalise_id_number
from domain.settings import Settings
from domain.volunteer.ledger import Holder
from domain.volunteer.registry import clean_team, clean_volunteer

READ, MANAGE, SERVE, LEAD = "volunteer.read", "volunteer.manage", "volunteer.serve", "volunteer.lead"
VOLUNTEER_ROLES = ("volunteer", "team_lead")


def community_of(actor: Actor, value: object, permission: str = MANAGE) -> int:
    """The community a new row goes to: the one chosen (checked against the actor's grant), else the actor's only
    community; refused when the actor may not write there."""
    if is_id(value):
        require(actor, permission, value)
        return value
    communities = scope(actor, permission).community_ids()
    if communities == ():  # the actor may do this nowhere: not a form to fill in but a right they lack
        raise PermissionDenied("error.permission", permission=permission)
    if communities and len(communities) == 1:
        return communities[0]
    raise ValidationFailed({"community_id": ("error.required", {})})


def masked_snapshot(row: Volunteer | None) -> dict | None:
    """A volunteer's audit snapshot with the phone and ID number masked."""
    values = audit.snapshot(row)
    if values:
        values["phone"], values["id_number"] = mask_phone(values["phone"]), mask_id_number(values["id_number"])
    return values


def save_volunteer(engine: Engine, *, actor: Actor, settings: Settings, data: dict, volunteer_id: int | None = None,
                   now: datetime | None = None) -> Volunteer:
    """Register a volunteer (volunteer_id None) or change one. The ID number is unique across the city; the team and
    the member unit are the community's; `user_id` (optional) an account holding a volunteer role there."""
    now = now or clock.now()
    data = form(data)
    with transaction(engine) as session:
        row = scoped_row(session, actor, Volunteer, volunteer_id, permission=MANAGE) if volunteer_id is not None \
            else None
        community_id = row.community_id if row else community_of(actor, data.get("community_id"))
        require(actor, MANAGE, community_id)
        volunteer = add_volunteer(session, actor=actor, settings=settings, data=data, community_id=community_id,
                                  row=row, now=now)
    return volunteer


def add_volunteer(session: Session, *, actor: Actor, settings: Settings, data: dict, community_id: int,
                  row: Volunteer | None, now: datetime) -> Volunteer:
    """save_volunteer inside the caller's transaction (an Excel import writes all its rows in one)."""
    if row is not None:  # a form that could not show the phone or ID number whole leaves them out: they stay
        data = {"phone": row.phone, "id_number": row.id_number, **data}
    taken = session.execute(select(Volunteer.id).where(  # the ID number as clean_volunteer stores it
        Volunteer.id_number == normalise_id_number(text_of(data.get("id_number")) or ""),
        *([Volunteer.id != row.id] if row else []))).first() is not None
    values = clean_volunteer(data, kinds=[k.code for k in settings.volunteer.service_kinds],
                             today=clock.local(now).date(), id_number_taken=taken,
                             teams=team_ids(session, community_id), units=unit_ids(session, community_id))
    user_id = data.get("user_id")
    if "user_id" in data and user_id in (None, "") and row is not None:
        values["user_id"] = None  # the form chose no account: the link goes (a missing field keeps it)
    elif user_id is not None and user_id != "":
        # an account of a volunteer role here, and no other volunteer's: `me` finds one volunteer for an account
        if not is_id(user_id) or user_id not in volunteer_accounts(session, community_id):
            raise ValidationFailed({"user_id": ("error.unknown_choice", {"value": shown(user_id)})})
        if session.execute(select(Volunteer.id).where(Volunteer.user_id == user_id,
                                                      *([Volunteer.id != row.id] if row else []))).first():
            raise ValidationFailed({"user_id": ("volunteer_error.account_taken", {})})
        values["user_id"] = user_id
    before = masked_snapshot(row)
    if row is None:
        row = Volunteer(community_id=community_id, **values, updated_at=now)
        session.add(row)
    else:
        for key, value in values.items():
            setattr(row, key, value)
        row.updated_at = now
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError as exc:  # a concurrent registration of the same ID number
        if "id_number" in str(exc):
            raise ValidationFailed({"id_number": ("volunteer_error.id_number_taken", {})}) from exc
        raise
    if before is None:
        points.account(session, Holder.VOLUNTEER, row.id, community_id)
    audit.record(session, actor=actor, action="volunteer.update" if before else "volunteer.create",
                 entity="volunteer", entity_id=row.id, community_id=community_id, at=now, before=before,
                 after=masked_snapshot(row))
    return row


def save_team(engine: Engine, *, actor: Actor, settings: Settings, data: dict, team_id: int | None = None,
              now: datetime | None = None) -> VolunteerTeam:
    """Add a team (team_id None) or change one: its name is unique in the community, a member unit's team names the
    unit, the leader is one of its volunteers (and joins it when not yet in a team)."""
    now = now or clock.now()
    data = form(data)
    with transaction(engine) as session:
        team = scoped_row(session, actor, VolunteerTeam, team_id, permission=MANAGE) if team_id is not None else None
        community_id = team.community_id if team else community_of(actor, data.get("community_id"))
        require(actor, MANAGE, community_id)
        names = session.execute(select(VolunteerTeam.name).where(
            VolunteerTeam.community_id == community_id, *([VolunteerTeam.id != team.id] if team else []))).scalars()
        members = set(session.execute(select(Volunteer.id).where(
            Volunteer.community_id == community_id,
            (Volunteer.team_id == team.id) | Volunteer.team_id.is_(None) if team else Volunteer.team_id.is_(None)))
            .scalars())
        values = clean_team(data, kinds=[k.code for k in settings.volunteer.service_kinds],
                            team_kinds=[k.code for k in settings.volunteer.team_kinds], names_taken=set(names),
                            units=unit_ids(session, community_id), members=members)
        before = audit.snapshot(team)
        if team is None:
            team = VolunteerTeam(community_id=community_id, **values, updated_at=now)
            session.add(team)
        else:
            for key, value in values.items():
                setattr(team, key, value)
            team.updated_at = now
        flush_unique(session, "name", "volunteer_error.team_name_taken", name=values["name"])
        if team.leader_id is not None:
            leader = session.get(Volunteer, team.leader_id)
            if leader.team_id is None:
                leader.team_id = team.id
        audit.record(session, actor=actor, action="volunteer.team_update" if before else "volunteer.team_create",
                     entity="volunteer_team", entity_id=team.id, community_id=community_id, at=now, before=before,
                     after=audit.snapshot(team))
    return team


def team_ids(session: Session, community_id: int) -> set[int]:
    return set(session.execute(select(VolunteerTeam.id).where(VolunteerTeam.community_id == community_id)).scalars())


def unit_ids(session: Session, community_id: int) -> set[int]:
    return set(session.execute(select(MemberUnit.id).where(MemberUnit.community_id == community_id)).scalars())


def account_choices(engine: Engine, *, actor: Actor, community_id: int) -> dict[int, str]:
    """The accounts holding a volunteer role in the community (id -> "display name (username)"), for linking a
    volunteer to the account they log in with; empty without volunteer.manage there."""
    if not can(actor, MANAGE, community_id):
        return {}
    with reading(engine) as session:
        rows = session.execute(select(User.id, User.display_name, User.username).where(
            User.id.in_(volunteer_accounts(session, community_id) or {0})).order_by(User.username)).all()
    return {user_id: f"{name} ({username})" for user_id, name, username in rows}


def volunteer_accounts(session: Session, community_id: int) -> set[int]:
    """The accounts holding a volunteer role (volunteer, team_lead) in the community."""
    return set(session.execute(select(UserRole.user_id).where(UserRole.community_id == community_id,
                                                              UserRole.role.in_(VOLUNTEER_ROLES))).scalars())


def me(session: Session, actor: Actor) -> Volunteer | None:
    """The active volunteer record of the actor's account, if any."""
    if actor.id is None:
        return None
    return session.execute(select(Volunteer).where(Volunteer.user_id == actor.id, Volunteer.active.is_(True))
                           ).scalars().first()


def led_team(session: Session, actor: Actor, volunteer: Volunteer | None) -> int | None:
    """The team the actor leads (volunteer.lead, and named its leader), if any."""
    if volunteer is None or not any("volunteer.lead" in g.can and g.covers(volunteer.community_id)
                                    for g in actor.grants):
        return None
    return session.execute(select(VolunteerTeam.id).where(VolunteerTeam.leader_id == volunteer.id,
                                                          VolunteerTeam.active.is_(True))).scalars().first()


def whoami(engine: Engine, *, actor: Actor) -> tuple[int | None, int | None]:
    """(the actor's volunteer id, the team they lead): what a volunteer's own screen starts from."""
    with reading(engine) as session:
        volunteer = me(session, actor)
        return (volunteer.id if volunteer else None), led_team(session, actor, volunteer)


def require_volunteer(session: Session, actor: Actor) -> Volunteer:
    volunteer = me(session, actor)
    if volunteer is None:
        raise DomainError("volunteer_error.no_volunteer_record")
    return volunteer
