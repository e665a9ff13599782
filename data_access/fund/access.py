"""Who may do what with a fund. The secretary and staff read every fund of their communities (fund.read); a
co-manager (fund.manage) reads, requests and signs only in the funds they co-manage and only while they count: their
co-manager row active and their council membership running. fund.pay records payments and income, fund.setup opens
funds and names co-managers."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, or_, select
from sqlalchemy.orm import Session

from data_access.config import settings
from data_access.models import CouncilMember, Fund, FundManager, User, UserRole
from domain.access import Actor, can, require, scope
from domain.errors import DomainError

READ, SETUP, MANAGE, PAY = "fund.read", "fund.setup", "fund.manage", "fund.pay"


def member_counts(today: date):
    """The SQL condition of a co-manager who counts on `today` (joined with their council member): named and not
    removed, still on the council, and signing with an account that is active and still holds a role granting
    fund.manage in the fund's community (or street-wide)."""
    roles = sorted(code for code, role in settings().roles.items() if MANAGE in role.can)
    account = (select(User.id).where(User.id == FundManager.user_id, User.is_active.is_(True))
               .correlate_except(User).exists())
    here = or_(UserRole.community_id.is_(None), UserRole.community_id == FundManager.community_id)
    role = (select(UserRole.id).where(UserRole.user_id == FundManager.user_id, UserRole.role.in_(roles),
                                      UserRole.grid_id.is_(None), here)
            .correlate_except(UserRole).exists())
    return and_(FundManager.active.is_(True), CouncilMember.active.is_(True),
                or_(CouncilMember.term_end.is_(None), CouncilMember.term_end >= today), account, role)


def counting(session: Session, fund_id: int, today: date) -> list[tuple[int, int, str]]:
    """(account, member, name) of the fund's co-managers who count today, by name."""
    rows = session.execute(
        select(FundManager.user_id, FundManager.member_id, CouncilMember.name)
        .join(CouncilMember, CouncilMember.id == FundManager.member_id)
        .where(FundManager.fund_id == fund_id, member_counts(today)).order_by(CouncilMember.name, FundManager.id))
    return [tuple(r) for r in rows]


def managed_ids(session: Session, actor: Actor, today: date) -> set[int]:
    """The funds the actor co-manages and counts in today (where they hold fund.manage)."""
    where = scope(actor, MANAGE)
    if actor.id is None or where.empty:
        return set()
    rows = session.execute(
        select(FundManager.fund_id, FundManager.community_id)
        .join(CouncilMember, CouncilMember.id == FundManager.member_id)
        .where(FundManager.user_id == actor.id, member_counts(today)))
    return {fund_id for fund_id, community_id in rows if where.allows(community_id)}


def visible(session: Session, actor: Actor, today: date):
    """The SQL condition on Fund of the funds the actor may read: their fund.read scope, and the funds they
    co-manage."""
    where = scope(actor, READ)
    own = managed_ids(session, actor, today)
    parts = []
    if where.everything:
        return Fund.id.is_not(None)
    if where.communities:
        parts.append(Fund.community_id.in_(sorted(where.communities)))
    if own:
        parts.append(Fund.id.in_(sorted(own)))
    return or_(*parts) if parts else Fund.id.is_(None)


def fund_row(session: Session, actor: Actor, fund_id: object, today: date, *, lock: bool = False) -> Fund:
    """The fund if the actor may read it (else error.not_found), locked for the transaction when `lock`."""
    row = None
    if isinstance(fund_id, int) and not isinstance(fund_id, bool) and 0 < fund_id < 2**31:
        query = select(Fund).where(Fund.id == fund_id)
        if lock:
            query = query.with_for_update().execution_options(populate_existing=True)
        row = session.execute(query).scalars().first()
    if row is None or not (scope(actor, READ).allows(row.community_id) or row.id in managed_ids(session, actor, today)):
        raise DomainError("error.not_found")
    return row


def manager_of(session: Session, actor: Actor, fund: Fund, today: date) -> FundManager:
    """The actor's co-manager row in the fund, when they hold fund.manage there and count today; else refused."""
    require(actor, MANAGE, fund.community_id)
    row = session.execute(
        select(FundManager).join(CouncilMember, CouncilMember.id == FundManager.member_id)
        .where(FundManager.fund_id == fund.id, FundManager.user_id == actor.id, member_counts(today))).scalars().first()
    if row is None:
        raise DomainError("fund_error.not_a_comanager")
    return row


def may_record_income(session: Session, actor: Actor, fund: Fund, today: date) -> bool:
    """Income is recorded by whoever records payments, or by one of the fund's co-managers."""
    return can(actor, PAY, fund.community_id) or fund.id in managed_ids(session, actor, today)
