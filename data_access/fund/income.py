"""Income entries (收入) with their receipts, and their corrections: a reversing entry with a reason, never an edit.
Each moves the fund's kept balance in the same transaction, with the fund locked."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, select

from data_access import audit, clock
from data_access.db import transaction
from data_access.fund import files
from data_access.fund.access import fund_row, may_record_income
from data_access.models import FundIncome
from data_access.rows import flush_unique
from domain.access import Actor
from domain.errors import DomainError, PermissionDenied
from domain.fields import is_id
from domain.fund.rules import clean_income, clean_reason
from domain.settings import Settings

FIELDS = ["id", "fund_id", "received_on", "source", "payer", "amount_fen", "note", "reverses_id", "reason"]


def record_income(engine: Engine, *, actor: Actor, settings: Settings, fund_id: object, data: object,
                  now: datetime | None = None) -> FundIncome:
    """Record money received, with its receipt files; the balance rises by it."""
    now = now or clock.now()
    today = clock.local(now).date()
    with transaction(engine) as session:
        fund = fund_row(session, actor, fund_id, today, lock=True)
        if not may_record_income(session, actor, fund, today):
            raise PermissionDenied("error.permission", permission="fund.pay")
        values = clean_income(data, sources=[s.code for s in settings.fund.income_sources],
                              most_fen=settings.fund.max_amount_fen, today=today, opened_on=fund.opened_on,
                              max_file_mb=settings.fund.max_file_mb)
        attached = values.pop("files")
        before = {"balance_fen": fund.balance_fen}
        entry = FundIncome(fund_id=fund.id, community_id=fund.community_id, **values, created_by=actor.id,
                           created_at=now)
        session.add(entry)
        fund.balance_fen += entry.amount_fen
        fund.updated_at = now
        session.flush()
        names = files.attach(session, fund_id=fund.id, community_id=fund.community_id, owner="income",
                             owner_id=entry.id, files=attached, actor=actor, at=now)
        audit.record(session, actor=actor, action="fund.income", entity="fund_income", entity_id=entry.id,
                     community_id=fund.community_id, at=now, before=before,
                     after=audit.snapshot(entry, FIELDS) | {"balance_fen": fund.balance_fen, "files": names})
    return entry


def reverse_income(engine: Engine, *, actor: Actor, income_id: object, data: object,
                   now: datetime | None = None) -> FundIncome:
    """Correct an income entry by a reversing entry dated today with the reason; an entry is reversed at most once,
    a reversal is never reversed, and a correction that would take the balance below zero is refused."""
    now = now or clock.now()
    today = clock.local(now).date()
    reason = clean_reason(data)
    with transaction(engine) as session:
        original = session.get(FundIncome, income_id) if is_id(income_id) else None
        if original is None:
            raise DomainError("error.not_found")
        fund = fund_row(session, actor, original.fund_id, today, lock=True)
        if not may_record_income(session, actor, fund, today):
            raise PermissionDenied("error.permission", permission="fund.pay")
        if original.reverses_id is not None:
            raise DomainError("fund_error.reversal_of_reversal")
        if session.execute(select(FundIncome.id).where(FundIncome.reverses_id == original.id)).first():
            raise DomainError("fund_error.reversed_already")
        if fund.balance_fen < original.amount_fen:
            raise DomainError("fund_error.balance_too_low")
        before = audit.snapshot(original, FIELDS) | {"balance_fen": fund.balance_fen}
        entry = FundIncome(fund_id=fund.id, community_id=fund.community_id,
                           received_on=max(today, original.received_on), source=original.source,
                           payer=original.payer, amount_fen=-original.amount_fen, reverses_id=original.id,
                           reason=reason, created_by=actor.id, created_at=now)
        session.add(entry)
        fund.balance_fen -= original.amount_fen
        fund.updated_at = now
        flush_unique(session, "reason", "fund_error.reversed_already")
        audit.record(session, actor=actor, action="fund.income_reverse", entity="fund_income", entity_id=entry.id,
                     community_id=fund.community_id, at=now, before=before,
                     after=audit.snapshot(entry, FIELDS) | {"balance_fen": fund.balance_fen})
    return entry
