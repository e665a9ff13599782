"""Volunteer service (志愿服务): volunteers and their teams, service orders with their timeline, the hours each
volunteer served, one-time sign-off links, the points ledger (accounts with their kept balance and the transfers
between them), the points store's goods and redemptions, and the service certificates issued.

Every row carries its community_id, so one scope check serves every read and write. Hours are kept in tenths of an
hour (whole numbers), points as whole numbers. Figures the overview needs are stored when they happen: a volunteer's
hours and last service day, an order's minutes to take and to sign off, its hours and the month it was signed off,
each account's balance (with a check that it equals the sum of its transfers).
"""

from datetime import date, datetime

from sqlalchemy import CheckConstraint, Column, ForeignKey, Index, Integer, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Volunteer(SQLModel, table=True):
    """A registered volunteer (注册志愿者). Name, phone and ID number are personal data, masked as residents' are;
    `id_number` is unique across the city. `hours_tenths` is every signed-off hour ever served (kept for good),
    `last_served_on` the day of the latest; `user_id` the account a volunteer logs in with, if any."""

    __table_args__ = (UniqueConstraint("id_number", name="uq_volunteer_id_number"),
                      Index("ix_volunteer_community_name", "community_id", "name", "id"),
                      Index("ix_volunteer_community_hours", "community_id", "hours_tenths", "id"),
                      Index("ix_volunteer_community_served", "community_id", "last_served_on"),
                      Index("ix_volunteer_hours", "hours_tenths", "id"))  # the city's honour roll
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    name: str = Field(max_length=30)
    phone: str = Field(max_length=20)
    id_number: str = Field(max_length=18)
    skills: str = Field(default="", max_length=200)  # service kind codes, comma-separated
    party_member: bool = False
    report_unit_id: int | None = Field(default=None, foreign_key="member_unit.id")  # 在职党员双报到: where they report
    team_id: int | None = Field(default=None, foreign_key="volunteer_team.id", index=True)
    registered_on: date
    active: bool = True
    user_id: int | None = Field(default=None, foreign_key="user_account.id", index=True)
    hours_tenths: int = 0
    last_served_on: date | None = None
    updated_at: datetime


class VolunteerTeam(SQLModel, table=True):
    """A volunteer team (志愿服务队): of a member unit of the joint committee (`unit_id`), of the community, or of a
    social organisation; its specialities are service kind codes; its leader is one of its volunteers."""

    __tablename__ = "volunteer_team"
    __table_args__ = (UniqueConstraint("community_id", "name", name="uq_volunteer_team_community_name"),)
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    name: str = Field(max_length=60)
    kind: str = Field(max_length=20)  # volunteer.team_kinds in config.yaml
    unit_id: int | None = Field(default=None, foreign_key="member_unit.id")
    speciality: str = Field(default="", max_length=200)  # service kind codes, comma-separated
    # added after both tables exist (a volunteer names their team, a team its leader)
    leader_id: int | None = Field(default=None, sa_column=Column(
        Integer, ForeignKey("volunteer.id", use_alter=True, name="fk_volunteer_team_leader_id_volunteer"),
        index=True))
    active: bool = True
    updated_at: datetime


class VolunteerOrder(SQLModel, table=True):
    """A service order (服务订单) through the loop 点单→派单→接单→服务→签单→评单 (`step`, domain.volunteer.orders.Step).
    Dispatched to a team or to one volunteer; `matter_id` when raised from a 365 matter (modes team or proxy).
    `take_minutes` (from dispatch to take) and `sign_minutes` (from request to sign-off), `hours_tenths` (all who
    served) and `signed_month` (local, YYYY-MM) are stored when they happen."""

    __tablename__ = "volunteer_order"
    __table_args__ = (UniqueConstraint("number", name="uq_volunteer_order_number"),
                      Index("ix_volunteer_order_community_step", "community_id", "step", "id"),
                      Index("ix_volunteer_order_volunteer_step", "volunteer_id", "step"),
                      Index("ix_volunteer_order_team_step", "team_id", "step"),
                      Index("ix_volunteer_order_community_signed", "community_id", "signed_month", "team_id",
                            "hours_tenths"),
                      Index("ix_volunteer_order_community_requested", "community_id", "requested_at"),
                      # the city's orders not taken in time (both halves of the late filter), 不满意, a month
                      Index("ix_volunteer_order_step_dispatched", "step", "dispatched_at"),
                      Index("ix_volunteer_order_take_minutes", "take_minutes"),
                      Index("ix_volunteer_order_flagged", "flagged", "id"),
                      Index("ix_volunteer_order_signed_month", "signed_month", "step"))
    id: int | None = Field(default=None, primary_key=True)
    number: str | None = Field(default=None, max_length=20)  # set from the id once the row has one
    community_id: int = Field(foreign_key="community.id")
    service_kind: str = Field(max_length=20)  # volunteer.service_kinds in config.yaml
    title: str = Field(max_length=100)  # the service wanted
    detail: str | None = Field(default=None, sa_column=Column(Text))
    place: str = Field(max_length=100)
    wanted_at: datetime  # when the resident wants it
    recipient_name: str = Field(max_length=30)
    recipient_phone: str | None = Field(default=None, max_length=20)
    matter_id: int | None = Field(default=None, foreign_key="matter.id", index=True)
    step: int = 1
    team_id: int | None = Field(default=None, foreign_key="volunteer_team.id")
    volunteer_id: int | None = Field(default=None, foreign_key="volunteer.id")
    due_at: datetime | None = None
    requested_at: datetime
    dispatched_at: datetime | None = None
    taken_at: datetime | None = None
    served_at: datetime | None = None
    signed_at: datetime | None = None
    rated_at: datetime | None = None
    sign_method: str | None = Field(default=None, max_length=10)  # in_person, phone, link
    rating: str | None = Field(default=None, max_length=15)  # satisfied, basic, dissatisfied
    comment: str | None = Field(default=None, max_length=1000)
    flagged: bool = False  # 不满意: for the secretary
    cancel_reason: str | None = Field(default=None, max_length=300)
    take_minutes: int | None = None
    sign_minutes: int | None = None
    hours_tenths: int = 0
    signed_month: str | None = Field(default=None, max_length=7)
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime


class OrderEvent(SQLModel, table=True):
    """One entry of an order's timeline: who did what and when, the step before and after, and a note (the reason,
    the sign-off method, the volunteers and hours)."""

    __tablename__ = "order_event"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="volunteer_order.id", index=True)
    community_id: int = Field(foreign_key="community.id")
    at: datetime
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")
    actor_name: str = Field(max_length=60)
    action: str = Field(max_length=20)  # request, and domain.volunteer.orders.Action
    from_step: int | None = None
    to_step: int
    note: str | None = Field(default=None, max_length=1000)


class ServiceRecord(SQLModel, table=True):
    """The hours one volunteer served on an order (`tenths` of an hour), on a local day."""

    __tablename__ = "service_record"
    __table_args__ = (UniqueConstraint("order_id", "volunteer_id", name="uq_service_record_order_volunteer"),
                      Index("ix_service_record_volunteer_day", "volunteer_id", "served_on"),
                      CheckConstraint("tenths > 0 AND tenths <= 240", name="hours_in_a_day"))
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="volunteer_order.id")
    volunteer_id: int = Field(foreign_key="volunteer.id")
    community_id: int = Field(foreign_key="community.id")
    served_on: date
    tenths: int


class SignOffLink(SQLModel, table=True):
    """A one-time sign-off link (签单码): only the token's SHA-256 is stored; it works once, until `expires_at`."""

    __tablename__ = "sign_off_link"
    id: int | None = Field(default=None, primary_key=True)
    order_id: int = Field(foreign_key="volunteer_order.id", index=True)
    community_id: int = Field(foreign_key="community.id")
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    created_by: int | None = Field(default=None, foreign_key="user_account.id")


class PointsAccount(SQLModel, table=True):
    """An account of the points ledger: a community's issuing account or store, or a volunteer's (`owner_id` the
    community's or the volunteer's id). `balance` is kept by every transfer in its transaction and always equals
    the sum of the account's movements; only the issuer may go below zero."""

    __tablename__ = "points_account"
    __table_args__ = (UniqueConstraint("holder", "owner_id", name="uq_points_account_holder_owner"),
                      CheckConstraint("holder = 'issuer' OR balance >= 0", name="no_negative_balance"))
    id: int | None = Field(default=None, primary_key=True)
    holder: str = Field(max_length=10)  # issuer, volunteer, store (domain.volunteer.ledger.Holder)
    owner_id: int
    community_id: int = Field(foreign_key="community.id", index=True)
    balance: int = 0


class PointsTransfer(SQLModel, table=True):
    """One transfer of the double-entry ledger: `points` from `source_id` to `target_id` (accounts); never edited, a
    correction is a reversing transfer naming the one it reverses (at most one reversal each)."""

    __tablename__ = "points_transfer"
    __table_args__ = (UniqueConstraint("reverses", name="uq_points_transfer_reverses"),
                      Index("ix_points_transfer_source", "source_id", "at"),
                      Index("ix_points_transfer_target", "target_id", "at"),
                      Index("ix_points_transfer_community_kind", "community_id", "kind", "at", "points"),
                      CheckConstraint("points > 0", name="positive_points"),
                      CheckConstraint("source_id <> target_id", name="two_accounts"))
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id")
    at: datetime
    kind: str = Field(max_length=10)  # earn, redeem, expire, reversal
    source_id: int = Field(foreign_key="points_account.id")
    target_id: int = Field(foreign_key="points_account.id")
    points: int
    reverses: int | None = Field(default=None, foreign_key="points_transfer.id")
    order_id: int | None = Field(default=None, foreign_key="volunteer_order.id", index=True)
    redemption_id: int | None = Field(default=None, foreign_key="redemption.id")
    actor_id: int | None = Field(default=None, foreign_key="user_account.id")


class VolunteerTally(SQLModel, table=True):
    """Volunteer service counted per community, local month, dimension and code, kept by every write of an order and
    every transfer (data_access.volunteer.tally), so that the overview reads a few rows a month instead of the orders
    and the ledger. `n` rows and `total` their sum of the dimension's figure:

    - step/<step>: orders requested in the month, by their step now (total 0);
    - take: orders taken in the month, total their minutes from dispatch to take;
    - sign: orders signed off in the month, total their minutes from request to sign-off;
    - hours/<team id, or empty>: orders signed off in the month, total their hours in tenths;
    - rated/<rating>: orders rated in the month; flagged: those of them flagged (不满意);
    - points/<kind>: transfers in the month, total their points; a transfer of a redemption (its redeem and a
      cancellation's reversal) has the code <kind>/redemption.
    """

    __tablename__ = "volunteer_tally"
    __table_args__ = (Index("ix_volunteer_tally_month", "month", "dim", "code", "n", "total"),)
    community_id: int = Field(foreign_key="community.id", primary_key=True)
    month: str = Field(max_length=7, primary_key=True)
    dim: str = Field(max_length=10, primary_key=True)
    code: str = Field(max_length=30, primary_key=True)
    n: int = 0
    total: int = 0


class StoreGood(SQLModel, table=True):
    """A good of the points store (积分超市): its price in points, the stock on the shelf (never below zero) and
    its donor."""

    __tablename__ = "store_good"
    __table_args__ = (UniqueConstraint("community_id", "name", name="uq_store_good_community_name"),
                      CheckConstraint("stock >= 0", name="stock_not_negative"),
                      CheckConstraint("price > 0", name="positive_price"))
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    name: str = Field(max_length=60)
    price: int  # points
    stock: int = 0
    donor: str | None = Field(default=None, max_length=60)
    active: bool = True
    updated_at: datetime


class Redemption(SQLModel, table=True):
    """A redemption at the store's counter, with its slip number (兑换单号); cancelled the same day it is reversed
    (its points back by a reversing transfer, its stock back on the shelf)."""

    __table_args__ = (UniqueConstraint("number", name="uq_redemption_number"),
                      Index("ix_redemption_community_at", "community_id", "at"),
                      Index("ix_redemption_volunteer_at", "volunteer_id", "at"))
    id: int | None = Field(default=None, primary_key=True)
    number: str | None = Field(default=None, max_length=20)  # set from the id once the row has one
    community_id: int = Field(foreign_key="community.id")
    volunteer_id: int = Field(foreign_key="volunteer.id")
    good_id: int = Field(foreign_key="store_good.id")
    quantity: int
    points: int
    at: datetime
    by_id: int | None = Field(default=None, foreign_key="user_account.id")
    cancelled_at: datetime | None = None
    cancel_reason: str | None = Field(default=None, max_length=300)


class Certificate(SQLModel, table=True):
    """A service-hours certificate (志愿服务证明) issued: its serial, the volunteer, the period and the hours it
    states (谁记录谁证明: issued by the community that recorded the service)."""

    __table_args__ = (UniqueConstraint("serial", name="uq_certificate_serial"),)
    id: int | None = Field(default=None, primary_key=True)
    serial: str | None = Field(default=None, max_length=30)  # set from the id once the row has one
    community_id: int = Field(foreign_key="community.id", index=True)
    volunteer_id: int = Field(foreign_key="volunteer.id", index=True)
    period_start: date
    period_end: date
    hours_tenths: int
    issued_at: datetime
    issued_by: int | None = Field(default=None, foreign_key="user_account.id")
