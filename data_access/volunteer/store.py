"""The points store (积分超市): goods with their price, stock and donor, redemptions at the counter and their same-day
cancellation (store.redeem). A redemption locks the good and the volunteer's account, checks the stock and the
balance, and takes both down in one transaction with its slip number; of two counters redeeming the last unit or the
last points at once, the second finds them gone and is told so. The database's checks (stock and a volunteer's balance
never below zero) back the rule."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select

from data_access import audit, clock
from data_access.db import transaction
from data_access.models import PointsTransfer, Redemption, StoreGood, Volunteer
from data_access.rows import flush_unique, scoped_row
from data_access.volunteer import points
from data_access.volunteer.registry import community_of
from domain.access import Actor, require
from domain.errors import DomainError, ValidationFailed
from domain.fields import form
from domain.volunteer.ledger import Account, Holder, Kind, Transfer
from domain.volunteer.orders import clean_reason
from domain.volunteer.registry import check_redemption, clean_good, clean_redemption

REDEEM = "store.redeem"
SLIP_PREFIX = "DH"  # 兑换单: DH20261204000123


def save_good(engine: Engine, *, actor: Actor, data: dict, good_id: int | None = None,
              now: datetime | None = None) -> StoreGood:
    """Add a good to the store (good_id None) or change one: name unique in the community, price, stock, donor."""
    now = now or clock.now()
    data = form(data)
    with transaction(engine) as session:
        good = scoped_row(session, actor, StoreGood, good_id, permission=REDEEM) if good_id is not None else None
        community_id = good.community_id if good else community_of(actor, data.get("community_id"), REDEEM)
        names = set(session.execute(select(StoreGood.name).where(
            StoreGood.community_id == community_id, *([StoreGood.id != good.id] if good else []))).scalars())
        values = clean_good(data, names_taken=names)
        before = audit.snapshot(good)
        if good is None:
            good = StoreGood(community_id=community_id, **values, updated_at=now)
            session.add(good)
        else:
            for key, value in values.items():
                setattr(good, key, value)
            good.updated_at = now
        flush_unique(session, "name", "volunteer_error.good_name_taken", name=values["name"])
        audit.record(session, actor=actor, action="volunteer.good_update" if before else "volunteer.good_create",
                     entity="store_good", entity_id=good.id, community_id=community_id, at=now, before=before,
                     after=audit.snapshot(good))
    return good


def redeem(engine: Engine, *, actor: Actor, data: dict, now: datetime | None = None) -> Redemption:
    """Redeem `quantity` of a good for a volunteer of the good's community: stock and balance go down together, the
    points move from the volunteer's account to the store's, and the slip gets its number. Refused by field, with
    nothing written, when the stock or the balance is short."""
    now = now or clock.now()
    values = clean_redemption(form(data))
    with transaction(engine) as session:
        good = scoped_row(session, actor, StoreGood, values["good_id"], permission=REDEEM)
        require(actor, REDEEM, good.community_id)
        volunteer = session.get(Volunteer, values["volunteer_id"])
        if volunteer is None or volunteer.community_id != good.community_id:
            raise ValidationFailed({"volunteer_id": ("error.not_found", {})})
        mine, _ = points.lock(session, points.account(session, Holder.VOLUNTEER, volunteer.id, good.community_id),
                              points.account(session, Holder.STORE, good.community_id, good.community_id))
        cost = check_redemption(price=good.price, quantity=values["quantity"], stock=good.stock,
                                balance=mine.balance, on_sale=good.active)
        before = audit.snapshot(good, ["id", "name", "stock"])
        good.stock -= values["quantity"]
        good.updated_at = now
        slip = Redemption(community_id=good.community_id, volunteer_id=volunteer.id, good_id=good.id,
                          quantity=values["quantity"], points=cost, at=now, by_id=actor.id)
        session.add(slip)
        session.flush()
        slip.number = f"{SLIP_PREFIX}{clock.local(now):%Y%m%d}{slip.id:06d}"
        points.transfer(session, Transfer(Account(Holder.VOLUNTEER, volunteer.id),
                                          Account(Holder.STORE, good.community_id), cost, Kind.REDEEM),
                        community_id=good.community_id, at=now, actor=actor, redemption_id=slip.id)
        audit.record(session, actor=actor, action="volunteer.redeem", entity="redemption", entity_id=slip.id,
                     community_id=good.community_id, at=now, before=before,
                     after={**audit.snapshot(slip), "stock": good.stock})
    return slip


def cancel_redemption(engine: Engine, *, actor: Actor, redemption_id: int, reason: object,
                      now: datetime | None = None) -> Redemption:
    """Cancel a redemption the same (local) day, with a reason: its points come back by a reversing transfer and its
    units back on the shelf. Another day, or a second cancellation, is refused."""
    now = now or clock.now()
    reason = clean_reason({"reason": reason})
    with transaction(engine) as session:
        slip = scoped_row(session, actor, Redemption, redemption_id, permission=REDEEM)
        if slip.cancelled_at is not None:
            raise DomainError("volunteer_error.redemption_cancelled")
        if clock.local(slip.at).date() != clock.local(now).date():
            raise DomainError("volunteer_error.redemption_not_today")
        good = session.execute(select(StoreGood).where(StoreGood.id == slip.good_id).with_for_update()).scalars().one()
        entry = session.execute(select(PointsTransfer.id).where(PointsTransfer.redemption_id == slip.id,
                                                                PointsTransfer.kind == Kind.REDEEM.value)).scalar_one()
        before = audit.snapshot(slip)
        points.reverse(session, entry, at=now, actor=actor)
        good.stock += slip.quantity
        slip.cancelled_at, slip.cancel_reason = now, reason
        audit.record(session, actor=actor, action="volunteer.redeem_cancel", entity="redemption", entity_id=slip.id,
                     community_id=slip.community_id, at=now, before=before, after=audit.snapshot(slip))
    return slip
