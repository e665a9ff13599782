"""Opening a fund for a council and naming its co-managers: members of that council, each with the account they sign
with (an account holding fund.manage in the fund's community). Each write is one transaction with its audit entry."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access import audit, clock
from data_access.db import transaction
from data_access.fund.access import MANAGE, READ, SETUP, fund_row
from data_access.models import Council, CouncilMember, Fund, FundManager, User, UserRole
from data_access.rows import flush_unique, scoped_row
from domain.access import Actor, require
from domain.errors import DomainError, ValidationFailed
from domain.fields import form, is_id, value_of
from domain.fund.rules import clean_fund
from domain.settings import Settings

FUND_FIELDS = ["id", "community_id", "council_id", "name", "opened_on", "opening_fen", "balance_fen", "active"]
MANAGER_FIELDS = ["id", "fund_id", "member_id", "user_id", "active", "since"]


def open_fund(engine: Engine, *, actor: Actor, settings: Settings, data: object,
              now: datetime | None = None) -> Fund:
    """Open a fund for a council of the actor's community with its opening balance."""
    now = now or clock.now()
    today = clock.local(now).date()
    with transaction(engine) as session:
        council_id = value_of(form(data), "council_id")
        council = scoped_row(session, actor, Council, council_id, permission=SETUP) if is_id(council_id) else None
        if council is not None:
            require(actor, SETUP, council.community_id)
        taken = set() if council is None else set(session.execute(
            select(Fund.name).where(Fund.community_id == council.community_id)).scalars())
        values = clean_fund(data, most_fen=settings.fund.max_amount_fen, today=today, names_taken=taken)
        if council is None:
            raise ValidationFailed({"council_id": ("error.not_found", {})})
        if session.execute(select(Fund.id).where(Fund.council_id == council.id)).first():
            raise ValidationFailed({"council_id": ("fund_error.council_has_fund", {})})
        fund = Fund(community_id=council.community_id, council_id=council.id, name=values["name"],
                    opened_on=values["opened_on"], opening_fen=values["opening_fen"],
                    balance_fen=values["opening_fen"], created_by=actor.id, updated_at=now)
        session.add(fund)
        flush_unique(session, "council_id", "fund_error.council_has_fund")
        audit.record(session, actor=actor, action="fund.open", entity="fund", entity_id=fund.id,
                     community_id=fund.community_id, at=now, after=audit.snapshot(fund, FUND_FIELDS))
    return fund


def _may_manage(session: Session, settings: Settings, user_id: int, community_id: int) -> bool:
    """Whether the account is active and holds a role granting fund.manage in the community (or street-wide)."""
    roles = {code for code, role in settings.roles.items() if MANAGE in role.can}
    rows = session.execute(select(UserRole.role, UserRole.community_id, UserRole.grid_id)
                           .join(User, User.id == UserRole.user_id)
                           .where(UserRole.user_id == user_id, User.is_active.is_(True)))
    return any(role in roles and grid is None and community in (None, community_id) for role, community, grid in rows)


def add_manager(engine: Engine, *, actor: Actor, settings: Settings, fund_id: object, member_id: object,
                user_id: object, now: datetime | None = None) -> FundManager:
    """Name a member of the fund's council co-manager, signing with `user_id`; naming one removed before again
    brings their row back."""
    now = now or clock.now()
    today = clock.local(now).date()
    with transaction(engine) as session:
        fund = fund_row(session, actor, fund_id, today, lock=True)
        require(actor, SETUP, fund.community_id)
        errors = {}
        member = session.get(CouncilMember, member_id) if is_id(member_id) else None
        if member is None or member.council_id != fund.council_id:
            errors["member_id"] = ("error.not_found", {})
        elif not member.active or (member.term_end is not None and member.term_end < today):
            errors["member_id"] = ("fund_error.member_left", {})
        if not is_id(user_id) or not _may_manage(session, settings, user_id, fund.community_id):
            errors["user_id"] = ("fund_error.account_cannot_manage", {})
        if errors:
            raise ValidationFailed(errors)
        rows = session.execute(select(FundManager).where(FundManager.fund_id == fund.id).with_for_update()).scalars()
        same = [r for r in rows if r.member_id == member.id or r.user_id == user_id]
        if any(r.active for r in same):
            raise ValidationFailed({"member_id": ("fund_error.manager_already", {})})
        by_member = next((r for r in same if r.member_id == member.id), None)
        by_user = next((r for r in same if r.user_id == user_id), None)
        if by_member is not None and by_user is not None and by_member is not by_user:
            raise ValidationFailed({"user_id": ("fund_error.account_was_other_member", {})})
        row = by_member or by_user  # named again: the row comes back, with the account they sign with now
        before = audit.snapshot(row, MANAGER_FIELDS) if row else None
        if row is None:
            row = FundManager(fund_id=fund.id, community_id=fund.community_id, member_id=member.id, user_id=user_id,
                              since=today, updated_at=now)
            session.add(row)
        row.member_id, row.user_id, row.active, row.since, row.updated_at = member.id, user_id, True, today, now
        flush_unique(session, "member_id", "fund_error.manager_already")
        audit.record(session, actor=actor, action="fund.manager_add", entity="fund_manager", entity_id=row.id,
                     community_id=fund.community_id, at=now, before=before,
                     after=audit.snapshot(row, MANAGER_FIELDS) | {"name": member.name})
    return row


def remove_manager(engine: Engine, *, actor: Actor, manager_id: object, now: datetime | None = None) -> FundManager:
    """Remove a co-manager: their signatures stay on the record, but stop counting for requests still open."""
    now = now or clock.now()
    with transaction(engine) as session:
        row = scoped_row(session, actor, FundManager, manager_id, permission=READ)
        require(actor, SETUP, row.community_id)
        if not row.active:
            raise DomainError("fund_error.manager_removed")
        before = audit.snapshot(row, MANAGER_FIELDS)
        row.active, row.updated_at = False, now
        audit.record(session, actor=actor, action="fund.manager_remove", entity="fund_manager", entity_id=row.id,
                     community_id=row.community_id, at=now, before=before, after=audit.snapshot(row, MANAGER_FIELDS))
    return row
