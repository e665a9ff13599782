"""The organisation: street (街道) -> community (社区) -> grid (网格)."""

from sqlmodel import Field, SQLModel


class Street(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=60, unique=True)


class Community(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    street_id: int = Field(foreign_key="street.id", index=True)
    name: str = Field(max_length=60)
    code: str = Field(max_length=20, unique=True)


class Grid(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    name: str = Field(max_length=60)
