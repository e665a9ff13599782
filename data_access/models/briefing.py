"""Display links (展示链接): a wall screen's standing permission to show the briefing of one scope without a login."""

from datetime import date, datetime

from sqlmodel import Field, SQLModel


class DisplayLink(SQLModel, table=True):
    __tablename__ = "display_link"
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=40)
    community_id: int | None = Field(default=None, foreign_key="community.id", index=True)  # None: the street
    slides: str = Field(default="", max_length=200)  # comma-separated slide names; empty: every slide
    created_by: int = Field(foreign_key="user_account.id", index=True)
    created_at: datetime
    expires_at: datetime
    version: int = 1  # signed into the token
    revoked_at: datetime | None = None
    revoked_by: int | None = Field(default=None, foreign_key="user_account.id")
    last_used_on: date | None = None  # the day of the latest use, so the first use of each day is audited once
