"""Local accounts and their role grants (a user may hold roles in several communities, or in some grids)."""

from datetime import datetime

from sqlmodel import Field, SQLModel


class User(SQLModel, table=True):
    __tablename__ = "user_account"
    id: int | None = Field(default=None, primary_key=True)
    username: str = Field(max_length=40, unique=True)
    display_name: str = Field(max_length=40)
    email: str | None = Field(default=None, max_length=120, unique=True, index=True)  # single sign-on maps by it
    password_hash: str = Field(max_length=100)
    is_active: bool = True
    failed_logins: int = 0  # wrong passwords in a row since the last good one
    locked_until: datetime | None = None
    last_login_at: datetime | None = None
    password_changed_at: datetime | None = None
    created_at: datetime


class UserRole(SQLModel, table=True):
    """One role of a user: street-wide (community_id None), in a community, or in one grid of it."""

    __tablename__ = "user_role"

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    role: str = Field(max_length=20)
    community_id: int | None = Field(default=None, foreign_key="community.id")
    grid_id: int | None = Field(default=None, foreign_key="grid.id")


class UserSession(SQLModel, table=True):
    """A password login kept across reloads, tabs and restarts: the browser holds a random token in a cookie, the
    database only its SHA-256. It ends on logout, after the idle or the absolute limit, and when the account is
    disabled, its password reset or its roles changed."""

    __tablename__ = "user_session"
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user_account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True)
    issued_at: datetime
    last_used_at: datetime
    ended_at: datetime | None = None
    end_reason: str | None = Field(default=None, max_length=20)  # logout, idle, expired, roles, invalid
