"""The joint party committee (联合党委) of a community: member units, yearly agreements, the three lists
(needs, resources, projects with their service items), claims and their progress, and the bimonthly
progress meetings with attendance, agenda, decisions and action items.

Every row carries its community_id, so one scope check serves every read and write.
"""

from datetime import date, datetime

from sqlalchemy import Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class MemberUnit(SQLModel, table=True):
    """A member unit (成员单位) of a community's joint committee; `rota_position` is its place in the agreed order
    of the rotating chair (None: not in the rotation)."""

    __tablename__ = "member_unit"
    __table_args__ = (UniqueConstraint("community_id", "name", name="uq_member_unit_community_name"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    name: str = Field(max_length=60)
    kind: str = Field(max_length=20)  # committee.unit_kinds in config.yaml
    party_org: str | None = Field(default=None, max_length=60)
    liaison: str | None = Field(default=None, max_length=30)
    liaison_phone: str | None = Field(default=None, max_length=20)
    party_members: int = 0
    volunteer_team: str | None = Field(default=None, max_length=60)
    speciality: str | None = Field(default=None, max_length=200)
    representative_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    joined_on: date
    left_on: date | None = None
    rota_position: int | None = None
    updated_at: datetime


class Agreement(SQLModel, table=True):
    """A unit's co-building agreement (共建协议书) for one year: draft, signed or ended."""

    __table_args__ = (UniqueConstraint("unit_id", "year", name="uq_agreement_unit_year"),
                      Index("ix_agreement_community_year", "community_id", "year", "status"))
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    unit_id: int = Field(foreign_key="member_unit.id")
    year: int
    status: str = Field(max_length=10)  # draft, signed, ended
    signed_on: date | None = None
    commitments: str = Field(sa_column=Column(Text, nullable=False))
    updated_at: datetime


class Need(SQLModel, table=True):
    """An entry of the needs list (需求清单): typed in, or raised from a resident matter or a council decision."""

    __table_args__ = (Index("ix_need_community_raised", "community_id", "raised_on"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    title: str = Field(max_length=100)
    detail: str | None = Field(default=None, sa_column=Column(Text))
    source: str = Field(max_length=10)  # entered, matter, council
    matter_id: int | None = Field(default=None, foreign_key="matter.id")
    council_decision_id: int | None = Field(default=None, foreign_key="council_decision.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id")  # the project that answers it
    raised_on: date
    created_by: int | None = Field(default=None, foreign_key="user_account.id")


class Resource(SQLModel, table=True):
    """An entry of the resources list (资源清单): what a member unit offers."""

    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    unit_id: int = Field(foreign_key="member_unit.id", index=True)
    kind: str = Field(max_length=20)  # committee.resource_kinds in config.yaml
    title: str = Field(max_length=100)
    detail: str | None = Field(default=None, sa_column=Column(Text))


class Project(SQLModel, table=True):
    """A service project (服务项目) of the projects list for one year; its progress rolls up from its items."""

    __table_args__ = (Index("ix_project_community_year", "community_id", "year"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    year: int
    name: str = Field(max_length=100)
    detail: str | None = Field(default=None, sa_column=Column(Text))
    updated_at: datetime


class ServiceItem(SQLModel, table=True):
    """A concrete service item (服务事项) of a project: a target (a quantity, or a number of occurrences at a
    frequency) to reach within its period, for its beneficiaries. `done` is kept by every progress update:
    the sum of its claims' progress, capped at the target."""

    __tablename__ = "service_item"
    __table_args__ = (Index("ix_service_item_community_end", "community_id", "period_end"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    community_id: int = Field(foreign_key="community.id")
    name: str = Field(max_length=100)
    target: float
    unit: str = Field(max_length=10)  # 次, 人次, 场, 户...
    frequency: str | None = Field(default=None, max_length=30)  # e.g. 每月一次, when the target is a frequency
    period_start: date
    period_end: date
    beneficiaries: str | None = Field(default=None, max_length=200)
    done: float = 0.0


class Claim(SQLModel, table=True):
    """A unit's claim (认领) of a service item, with what it pledges of the target and what it has done.
    `done` and `last_update_on` repeat its latest progress update; a withdrawn claim keeps them."""

    __table_args__ = (Index("ix_claim_item_status", "item_id", "status"),
                      Index("ix_claim_unit_status", "unit_id", "status"),
                      Index("ix_claim_community_status", "community_id", "status"))
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="service_item.id")
    unit_id: int = Field(foreign_key="member_unit.id")
    community_id: int = Field(foreign_key="community.id")
    status: str = Field(max_length=10)  # active, withdrawn
    pledge: float
    done: float = 0.0
    claimed_on: date
    last_update_on: date | None = None
    withdrawn_on: date | None = None
    withdraw_reason: str | None = Field(default=None, max_length=300)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")


class ProgressUpdate(SQLModel, table=True):
    """One progress report on a claim: the cumulative quantity done by `on`, a note and an optional file;
    `meeting_id` when it was entered during a progress meeting."""

    __tablename__ = "progress_update"
    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    community_id: int = Field(foreign_key="community.id")
    on: date
    done: float
    note: str | None = Field(default=None, sa_column=Column(Text))
    file_name: str | None = Field(default=None, max_length=120)
    file_type: str | None = Field(default=None, max_length=80)
    file_data: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    meeting_id: int | None = Field(default=None, foreign_key="committee_meeting.id", index=True)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime


class CommitteeMeeting(SQLModel, table=True):
    """An annual meeting or a progress meeting (推进会): planned, open (being held) or closed."""

    __tablename__ = "committee_meeting"
    __table_args__ = (Index("ix_committee_meeting_community_day", "community_id", "day"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    kind: str = Field(max_length=10)  # annual, progress
    day: date
    place: str | None = Field(default=None, max_length=100)
    chair_unit_id: int | None = Field(default=None, foreign_key="member_unit.id")
    status: str = Field(max_length=10)  # planned, open, closed
    opened_at: datetime | None = None
    closed_at: datetime | None = None
    summary: str | None = Field(default=None, sa_column=Column(Text))
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime


class MeetingAttendance(SQLModel, table=True):
    """Whether a member unit was present at a meeting, and who came for it."""

    __tablename__ = "meeting_attendance"
    meeting_id: int = Field(foreign_key="committee_meeting.id", primary_key=True)
    unit_id: int = Field(foreign_key="member_unit.id", primary_key=True)
    present: bool
    attendee: str | None = Field(default=None, max_length=60)


class AgendaItem(SQLModel, table=True):
    """One entry of a meeting's agenda, generated when the meeting opens: a carried-over action item, or a
    claim in its group (behind, stale, rest). `seconds` is the time the chair spent on it."""

    __tablename__ = "agenda_item"
    id: int | None = Field(default=None, primary_key=True)
    meeting_id: int = Field(foreign_key="committee_meeting.id", index=True)
    position: int
    section: str = Field(max_length=10)  # carried, behind, stale, rest
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
    action_item_id: int | None = Field(default=None, foreign_key="action_item.id")
    discussed: bool = False
    seconds: int = 0
    note: str | None = Field(default=None, sa_column=Column(Text))


class ActionItem(SQLModel, table=True):
    """A task a meeting decided (决定事项/待办): who does what by when; unfinished ones carry over."""

    __tablename__ = "action_item"
    __table_args__ = (Index("ix_action_item_community_done", "community_id", "done"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    meeting_id: int = Field(foreign_key="committee_meeting.id", index=True)
    kind: str = Field(default="action", max_length=10)  # decision (a record only) or action (has an owner)
    text: str = Field(sa_column=Column(Text, nullable=False))
    owner: str | None = Field(default=None, max_length=60)
    owner_unit_id: int | None = Field(default=None, foreign_key="member_unit.id")
    due: date | None = None
    done: bool = False
    done_on: date | None = None
    done_meeting_id: int | None = Field(default=None, foreign_key="committee_meeting.id")
