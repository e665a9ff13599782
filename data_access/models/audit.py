"""The audit trail: every write records who did what, when, and the values before and after.

Rows are only ever inserted: database triggers (migration 0004) refuse any UPDATE or DELETE.
"""

from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel


class AuditLog(SQLModel, table=True):
    __tablename__ = "audit_log"
    __table_args__ = (
        Index("ix_audit_log_community_at", "community_id", "at"),
        Index("ix_audit_log_entity", "entity", "entity_id", "at"),  # one record's history, newest first
        Index("ix_audit_log_entity_at", "entity", "at"),
        Index("ix_audit_log_action_at", "action", "at", "id"),  # an action group page merges its codes in order
        Index("ix_audit_log_actor_at", "actor_name", "at"),
    )
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(index=True)
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    actor_name: str = Field(max_length=40)
    action: str = Field(max_length=40)
    entity: str = Field(max_length=40)
    entity_id: int | None = None
    community_id: int | None = None
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))
