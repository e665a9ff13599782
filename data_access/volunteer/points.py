"""The points ledger in the database: accounts with their kept balance and the transfers between them, written inside
the caller's transaction (domain.volunteer.ledger holds the rules). A transfer locks both accounts (in id order, so two
transfers never wait on each other crosswise), refuses what would take a volunteer or a store below zero, writes the
transfer and moves both balances; the database's check on the balance backs the rule. `check_balances` proves that
every kept balance equals the sum of its account's transfers; `expire` moves points past their life back to the
issuer, oldest first."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, case, func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import aliased
from sqlmodel import Session

from data_access import audit, clock
from data_access.db import reading, transaction
from data_access.models import PointsAccount, PointsTransfer, Volunteer
from data_access.volunteer import tally
from domain.access import SYSTEM, Actor
from domain.calendar import shift_years
from domain.volunteer.ledger import Account, Holder, Kind, Standard, Transfer, check_transfer, reversal
from domain.volunteer.ledger import Entry as LedgerEntry


def account(session: Session, holder: Holder, owner_id: int, community_id: int) -> PointsAccount:
    """The account of `holder` `owner_id`, opened (balance 0) on first use; a concurrent opening of the same account
    is caught and the other's row read."""
    query = select(PointsAccount).where(PointsAccount.holder == holder.value, PointsAccount.owner_id == owner_id)
    row = session.execute(query).scalars().first()
    if row is not None:
        return row
    try:
        with session.begin_nested():
            row = PointsAccount(holder=holder.value, owner_id=owner_id, community_id=community_id, balance=0)
            session.add(row)
    except IntegrityError:
        row = session.execute(query).scalars().one()
    return row


def lock(session: Session, *accounts: PointsAccount) -> list[PointsAccount]:
    """The accounts locked for the transaction (in id order, so two writers never wait on each other crosswise) and
    read again, in the order given."""
    ids = [a.id for a in accounts]
    locked = {row.id: row for row in session.execute(
        select(PointsAccount).where(PointsAccount.id.in_(ids)).order_by(PointsAccount.id)
        .with_for_update(key_share=True).execution_options(populate_existing=True)).scalars()}
    return [locked[i] for i in ids]


def transfer(session: Session, transfer: Transfer, *, community_id: int, at: datetime, actor: Actor,
             order_id: int | None = None, redemption_id: int | None = None) -> PointsTransfer:
    """Write `transfer`: both accounts locked, the source's balance checked (domain rule), both balances moved, the
    transfer stored. Raises DomainError volunteer_error.balance_too_low and writes nothing when refused."""
    source, target = lock(session, account(session, transfer.source.holder, transfer.source.id, community_id),
                          account(session, transfer.target.holder, transfer.target.id, community_id))
    check_transfer(source.balance, transfer.points, transfer.source.may_go_negative)
    source.balance -= transfer.points
    target.balance += transfer.points
    row = PointsTransfer(community_id=community_id, at=at, kind=transfer.kind.value, source_id=source.id,
                         target_id=target.id, points=transfer.points, reverses=transfer.reverses, order_id=order_id,
                         redemption_id=redemption_id, actor_id=actor.id)
    session.add(row)
    session.flush()
    tally.transferred(session, row)
    return row


def reverse(session: Session, entry_id: int, *, at: datetime, actor: Actor) -> PointsTransfer:
    """The reversing transfer of entry `entry_id` (its points back from its target to its source)."""
    row = session.get(PointsTransfer, entry_id)
    accounts = {a.id: a for a in session.execute(
        select(PointsAccount).where(PointsAccount.id.in_([row.source_id, row.target_id]))).scalars()}
    source, target = accounts[row.source_id], accounts[row.target_id]
    entry = LedgerEntry(Account(Holder(source.holder), source.owner_id),
                        Account(Holder(target.holder), target.owner_id), row.points, Kind(row.kind), row.reverses,
                        id=row.id)
    return transfer(session, reversal(entry), community_id=row.community_id, at=at, actor=actor,
                    order_id=row.order_id, redemption_id=row.redemption_id)


def balance(session: Session, holder: Holder, owner_id: int) -> int:
    """The kept balance of an account (0 for one never used): one row, never the history."""
    value = session.execute(select(PointsAccount.balance).where(PointsAccount.holder == holder.value,
                                                                PointsAccount.owner_id == owner_id)).scalar()
    return int(value or 0)


def check_balances(engine: Engine) -> list[tuple[int, int, int]]:
    """Every account whose kept balance differs from the sum of its transfers: (account id, kept, summed). Empty
    when the ledger is sound (a test and `python -m data_access.cli check-points` run it)."""
    moves = select(PointsTransfer.target_id.label("account"), PointsTransfer.points.label("delta")).union_all(
        select(PointsTransfer.source_id, -PointsTransfer.points)).subquery()
    summed = select(moves.c.account, func.sum(moves.c.delta).label("total")).group_by(moves.c.account).subquery()
    query = (select(PointsAccount.id, PointsAccount.balance, func.coalesce(summed.c.total, 0))
             .outerjoin(summed, summed.c.account == PointsAccount.id)
             .where(PointsAccount.balance != func.coalesce(summed.c.total, 0)))
    with reading(engine) as session:
        return [(int(a), int(b), int(c)) for a, b, c in session.execute(query)]


def expire(engine: Engine, *, standard: Standard, now: datetime | None = None) -> int:
    """Points past their life (volunteer.points.expire_after_years) go back to the issuer, oldest first: what a
    volunteer received before the cut-off, less everything that has left their account since they started (spent
    points are the oldest; what expired already has left too). A transfer that was reversed counts on neither side
    (a redemption cancelled the same day spent nothing), nor does the reversal. One transaction; returns the points
    expired."""
    if standard.expire_after_years is None:
        return 0
    now = now or clock.now()
    cutoff = shift_years(clock.local(now), -standard.expire_after_years)
    volunteer = Holder.VOLUNTEER.value
    undone = aliased(PointsTransfer)
    standing = (PointsTransfer.kind != Kind.REVERSAL.value,
                ~select(undone.id).where(undone.reverses == PointsTransfer.id).exists())
    earned_before = func.sum(case((PointsTransfer.at < cutoff, PointsTransfer.points), else_=0))
    total = 0
    with transaction(engine) as session:
        earned = dict(session.execute(
            select(PointsAccount.id, earned_before).join(PointsTransfer, PointsTransfer.target_id == PointsAccount.id)
            .where(PointsAccount.holder == volunteer, *standing).group_by(PointsAccount.id)).all())
        left = dict(session.execute(
            select(PointsAccount.id, func.sum(PointsTransfer.points))
            .join(PointsTransfer, PointsTransfer.source_id == PointsAccount.id)
            .where(PointsAccount.holder == volunteer, *standing).group_by(PointsAccount.id)).all())
        for account_id, before in earned.items():
            due = int(before or 0) - int(left.get(account_id, 0) or 0)
            if due <= 0:
                continue
            mine = session.get(PointsAccount, account_id)
            owner = session.get(Volunteer, mine.owner_id)
            # both accounts at once, in id order as every transfer takes them: a sign-off at the same moment waits
            row, _ = lock(session, mine, account(session, Holder.ISSUER, owner.community_id, owner.community_id))
            due = min(due, row.balance)  # its balance now, not as summed
            if due <= 0:
                continue
            transfer(session, Transfer(Account(Holder.VOLUNTEER, row.owner_id),
                                       Account(Holder.ISSUER, owner.community_id), due, Kind.EXPIRE),
                     community_id=owner.community_id, at=now, actor=SYSTEM)
            total += due
        if total:
            audit.record(session, actor=SYSTEM, action="volunteer.points_expire", entity="points_transfer",
                         entity_id=None, at=now, after={"points": total, "before": cutoff.isoformat()})
    return total
