"""Resident matters (民情事项) of the 365 method and their step history."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Index, Text
from sqlmodel import Field, SQLModel


class Matter(SQLModel, table=True):
    __table_args__ = (
        Index("ix_matter_community_registered", "community_id", "registered_at"),
        Index("ix_matter_step_deadline", "step", "deadline", "community_id"),  # covers overdue counts per community
        Index("ix_matter_community_step", "community_id", "step"),
        # Covering indexes: the overview's aggregates over a period read these and never the table.
        Index("ix_matter_period_cover", "registered_at", "community_id", "step", "channel", "mode", "category",
              "evaluation", "reopen_count", "handled_on_time", "handling_days"),
        Index("ix_matter_deadline_cover", "deadline", "community_id", "handled_on_time"),
        Index("ix_matter_urgency", "urgency"),  # the start-up code check walks its distinct values
    )
    id: int | None = Field(default=None, primary_key=True)
    number: str | None = Field(default=None, max_length=24, unique=True)
    registered_at: datetime
    channel: str = Field(max_length=20)
    sub_source: str = Field(max_length=30)
    community_id: int = Field(foreign_key="community.id")
    grid_id: int = Field(foreign_key="grid.id")
    anonymous: bool = False
    reporter_name: str | None = Field(default=None, max_length=30)
    reporter_phone: str | None = Field(default=None, max_length=20)
    reporter_id_number: str | None = Field(default=None, max_length=18)  # 居民身份证号, optional
    description: str = Field(sa_column=Column(Text, nullable=False))
    category: str = Field(max_length=20)
    urgency: str = Field(max_length=20)
    mode: str = Field(max_length=20)
    step: int = Field(default=1)
    handler: str | None = Field(default=None, max_length=30)
    supervisor: str | None = Field(default=None, max_length=30)
    ledger_no: str | None = Field(default=None, max_length=40, unique=True)
    deadline: date
    extension_count: int = 0
    result: str | None = Field(default=None, sa_column=Column(Text))
    feedback_content: str | None = Field(default=None, sa_column=Column(Text))
    feedback_method: str | None = Field(default=None, max_length=20)
    evaluation: str | None = Field(default=None, max_length=20)
    evaluation_comment: str | None = Field(default=None, max_length=500)
    evaluated_at: datetime | None = None
    reopen_count: int = 0
    escalated: bool = False
    score: int | None = None
    closed_at: datetime | None = None
    handled_on_time: bool | None = None
    handling_days: float | None = None
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime


class MatterEvent(SQLModel, table=True):
    """One entry of a matter's timeline: who did what, when, moving it from one step to another."""

    __tablename__ = "matter_event"

    id: int | None = Field(default=None, primary_key=True)
    matter_id: int = Field(foreign_key="matter.id", index=True)
    at: datetime
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    actor_name: str = Field(max_length=40)
    action: str = Field(max_length=20)
    step_from: int | None = None
    step_to: int
    note: str | None = Field(default=None, sa_column=Column(Text))
    data: dict | None = Field(default=None, sa_column=Column(JSON))


class MatterTally(SQLModel, table=True):
    """Matters counted per community, local month of registration, dimension and code; kept by every write.

    The overview reads this instead of the matters, so its cost does not grow with their number.
    """

    __tablename__ = "matter_tally"
    community_id: int = Field(foreign_key="community.id", primary_key=True)
    month: str = Field(max_length=7, primary_key=True)
    dim: str = Field(max_length=10, primary_key=True)
    code: str = Field(max_length=20, primary_key=True)
    n: int = 0
    days: float = 0.0
