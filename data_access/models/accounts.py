"""Local accounts and their role assignments (a user may hold roles in several communities)."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)
    display_name: str = Field(max_length=40)
    password_hash: str = Field(max_length=100)
    is_active: bool = True
    created_at: datetime


class UserRole(SQLModel, table=True):
    __tablename__ = "user_role"
    """One role of a user; community_id is None for street-wide roles (admin, leader)."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    role: str = Field(max_length=20)
    community_id: int | None = Field(default=None, foreign_key="community.id")
