"""The estate public-welfare fund (小区公益基金): a fund per estate council with its co-managers, income entries
(a correction is a reversing entry), spending requests with their co-signatures and their payment, the request's
timeline, and the files attached (receipts, quotes, payment vouchers).

Money is whole fen (分), never a float. `fund.balance` is kept by every income entry and payment in its transaction
and always equals opening + income - payments (a check refuses a balance below zero). Every row carries its
community_id, so one scope check serves every read and write.
"""

from datetime import date, datetime

from sqlalchemy import BigInteger, CheckConstraint, Column, Index, LargeBinary, Text, UniqueConstraint
from sqlmodel import Field, SQLModel


class Fund(SQLModel, table=True):
    """A public-welfare fund of an estate (or a community), held by the co-managers of `council_id`; opened on
    `opened_on` with `opening_fen`. `balance_fen` is kept by every entry and payment."""

    __table_args__ = (UniqueConstraint("council_id", name="uq_fund_council_id"),
                      UniqueConstraint("community_id", "name", name="uq_fund_community_name"),
                      CheckConstraint("balance_fen >= 0", name="no_negative_balance"))
    id: int | None = Field(default=None, primary_key=True)
    community_id: int = Field(foreign_key="community.id", index=True)
    council_id: int = Field(foreign_key="council.id")
    name: str = Field(max_length=60)
    opened_on: date
    opening_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    balance_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    active: bool = True
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    updated_at: datetime


class FundManager(SQLModel, table=True):
    """A co-manager (共管人) of a fund: a member of its council with the account they sign with. `active` is false
    once they were removed; a co-manager whose council membership ended stops counting as well."""

    __tablename__ = "fund_manager"
    __table_args__ = (UniqueConstraint("fund_id", "user_id", name="uq_fund_manager_fund_user"),
                      UniqueConstraint("fund_id", "member_id", name="uq_fund_manager_fund_member"))
    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id", index=True)
    community_id: int = Field(foreign_key="community.id")
    member_id: int = Field(foreign_key="council_member.id")
    user_id: int = Field(foreign_key="user_account.id", index=True)
    active: bool = True
    since: date
    updated_at: datetime


class FundIncome(SQLModel, table=True):
    """One income entry (收入): the day received, its source (fund.income_sources), payer, amount and note. Never
    edited: a correction is a second entry with the opposite amount, `reverses_id` the entry it reverses and a
    reason, dated the day it was made."""

    __tablename__ = "fund_income"
    __table_args__ = (UniqueConstraint("reverses_id", name="uq_fund_income_reverses_id"),
                      # covering the overview's sums by source and month (the city's year, SQLite 0.024 -> 0.019 s,
                      # PostgreSQL 0.019 -> 0.011 s)
                      Index("ix_fund_income_fund_day", "fund_id", "received_on", "source", "amount_fen"),
                      Index("ix_fund_income_community_day", "community_id", "received_on"))
    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id")
    community_id: int = Field(foreign_key="community.id")
    received_on: date
    source: str = Field(max_length=20)
    payer: str = Field(max_length=60)
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    note: str | None = Field(default=None, sa_column=Column(Text))
    reverses_id: int | None = Field(default=None, foreign_key="fund_income.id")
    reason: str | None = Field(default=None, sa_column=Column(Text))
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime


class FundRequest(SQLModel, table=True):
    """A spending request (支出申请) by a co-manager: purpose (fund.purposes), amount, payee, what it is for. The rule
    of its amount is kept as it was when requested: `approvals_needed` signatures of co-managers other than the
    requester (None: all of them) and whether a passed council decision past its notice period is needed
    (`decision_id`). Status: pending, rejected, withdrawn, paid; a paid request carries its payment."""

    __tablename__ = "fund_request"
    # a fund's requests by status, and its payments by day covering the overview's sums by purpose and month (the
    # city's year, SQLite 0.020 -> 0.015 s, PostgreSQL 0.024 -> 0.010 s), the statement's and the balance before it
    __table_args__ = (Index("ix_fund_request_fund_status", "fund_id", "status", "paid_on", "purpose", "amount_fen"),
                      Index("ix_fund_request_community_status", "community_id", "status"),
                      Index("ix_fund_request_community_paid", "community_id", "paid_on"))
    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id")
    community_id: int = Field(foreign_key="community.id")
    number: str | None = Field(default=None, max_length=24)
    purpose: str = Field(max_length=20)
    amount_fen: int = Field(sa_column=Column(BigInteger, nullable=False))
    payee: str = Field(max_length=60)
    detail: str = Field(sa_column=Column(Text, nullable=False))
    requester_id: int = Field(foreign_key="user_account.id")
    requested_at: datetime
    approvals_needed: int | None = None  # None: every co-manager other than the requester
    needs_decision: bool = False
    decision_id: int | None = Field(default=None, foreign_key="council_decision.id")
    status: str = Field(default="pending", max_length=10)
    closed_reason: str | None = Field(default=None, sa_column=Column(Text))  # why withdrawn or rejected
    closed_at: datetime | None = None
    paid_on: date | None = None
    voucher: str | None = Field(default=None, max_length=40)
    paid_by: int | None = Field(default=None, foreign_key="user_account.id")
    paid_at: datetime | None = None
    updated_at: datetime


class FundSignature(SQLModel, table=True):
    """A co-manager's signature on a request: approve or reject, with a comment. One per person per request."""

    __tablename__ = "fund_signature"
    __table_args__ = (UniqueConstraint("request_id", "user_id", name="uq_fund_signature_request_user"),)
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="fund_request.id", index=True)
    community_id: int = Field(foreign_key="community.id")
    user_id: int = Field(foreign_key="user_account.id")
    member_id: int = Field(foreign_key="council_member.id")
    choice: str = Field(max_length=10)  # approve, reject
    comment: str | None = Field(default=None, sa_column=Column(Text))
    at: datetime


class FundEvent(SQLModel, table=True):
    """One step on a request's timeline: requested, approved, rejected, decision linked, withdrawn, paid."""

    __tablename__ = "fund_event"
    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="fund_request.id", index=True)
    community_id: int = Field(foreign_key="community.id")
    action: str = Field(max_length=20)
    note: str | None = Field(default=None, sa_column=Column(Text))
    by_id: int | None = Field(default=None, foreign_key="user_account.id")
    at: datetime


class FundFile(SQLModel, table=True):
    """A file attached to an income entry (receipt), a request (quotes, invoices) or a payment (voucher): an image
    or a PDF of at most fund.max_file_mb."""

    __tablename__ = "fund_file"
    __table_args__ = (Index("ix_fund_file_owner", "owner", "owner_id"),)
    id: int | None = Field(default=None, primary_key=True)
    fund_id: int = Field(foreign_key="fund.id")
    community_id: int = Field(foreign_key="community.id")
    owner: str = Field(max_length=10)  # income, request, payment
    owner_id: int
    name: str = Field(max_length=120)
    kind: str = Field(max_length=40)  # image/png, image/jpeg, application/pdf ...
    size: int
    data: bytes = Field(sa_column=Column(LargeBinary, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="user_account.id")
    created_at: datetime
