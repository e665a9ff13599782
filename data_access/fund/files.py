"""The files attached to a fund's records (receipts, quotes and invoices, payment vouchers): stored with the record in
its transaction, listed without their content, read one at a time by whoever may read the fund. Their content never
goes into the audit trail; the audit names them and their size."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access import audit, clock
from data_access.db import transaction
from data_access.fund.access import fund_row
from data_access.models import FundFile
from domain.access import Actor
from domain.errors import DomainError
from domain.files import Attachment

OWNERS = ("income", "request", "payment")


def attach(session: Session, *, fund_id: int, community_id: int, owner: str, owner_id: int,
           files: list[Attachment], actor: Actor, at: datetime) -> list[dict]:
    """Store `files` for the record; returns their names and sizes for the audit."""
    for item in files:
        session.add(FundFile(fund_id=fund_id, community_id=community_id, owner=owner, owner_id=owner_id,
                             name=item.name, kind=item.kind, size=len(item.data), data=item.data,
                             created_by=actor.id, created_at=at))
    return [{"name": item.name, "size": len(item.data)} for item in files]


def listed(session: Session, owner: str, owner_ids: list[int]) -> dict[int, list[dict]]:
    """owner id -> its files (id, name, kind, size), without their content."""
    found: dict[int, list[dict]] = {}
    if not owner_ids:
        return found
    rows = session.execute(select(FundFile.id, FundFile.owner_id, FundFile.name, FundFile.kind, FundFile.size)
                           .where(FundFile.owner == owner, FundFile.owner_id.in_(owner_ids)).order_by(FundFile.id))
    for file_id, owner_id, name, kind, size in rows:
        found.setdefault(owner_id, []).append({"id": file_id, "name": name, "kind": kind, "size": size})
    return found


def content(engine: Engine, *, actor: Actor, file_id: object, now: datetime | None = None) -> tuple[str, str, bytes]:
    """(name, media type, bytes) of one file, if the actor may read its fund. A receipt or a voucher may carry the
    personal data of those helped: each download is in the audit trail (its name and size, not its content)."""
    now = now or clock.now()
    with transaction(engine) as session:
        row = None
        if isinstance(file_id, int) and not isinstance(file_id, bool) and 0 < file_id < 2**31:
            row = session.get(FundFile, file_id)
        if row is None:
            raise DomainError("error.not_found")
        fund_row(session, actor, row.fund_id, clock.local(now).date())
        audit.record(session, actor=actor, action="export.fund_file", entity="fund_file", entity_id=row.id,
                     community_id=row.community_id, at=now,
                     after={"name": row.name, "size": row.size, "owner": row.owner, "owner_id": row.owner_id})
        return row.name, row.kind, row.data
