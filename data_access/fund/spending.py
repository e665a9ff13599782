"""Spending requests (支出申请) from request to payment: a co-manager requests, the others approve or reject with a
comment, a large spending is tied to a passed council decision, the requester may withdraw it, and a worker records
the payment once the rule of its amount is met. Every state goes on the request's timeline and into the audit trail,
in one transaction. A payment locks the request, then the fund: of two payments the balance covers only one of,
the second finds the balance already down."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from data_access import audit, clock
from data_access.db import transaction
from data_access.fund import files
from data_access.fund.access import PAY, SETUP, counting, fund_row, manager_of
from data_access.models import CouncilDecision, Fund, FundEvent, FundIncome, FundRequest, FundSignature
from data_access.rows import flush_unique
from domain.access import Actor, can, require
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from domain.fields import is_id
from domain.fund.rules import (
    Standing,
    check_payment,
    check_signature,
    clean_payment,
    clean_reason,
    clean_request,
    clean_signature,
    decision_problem,
    ready_on,
    standing,
    tier_for,
)
from domain.settings import Settings

FIELDS = ["id", "fund_id", "number", "purpose", "amount_fen", "payee", "detail", "requester_id", "approvals_needed",
          "needs_decision", "decision_id", "status", "closed_reason", "paid_on", "voucher", "paid_by"]


def _event(session: Session, request: FundRequest, action: str, actor: Actor, at: datetime,
           note: str | None = None) -> None:
    session.add(FundEvent(request_id=request.id, community_id=request.community_id, action=action, note=note,
                          by_id=actor.id, at=at))


def _decision(session: Session, fund: Fund, decision_id: int | None, today: date, *, field: str,
              request_id: int | None = None) -> None:
    """A decision linked to a request must be the fund's council's and passed (its notice may still run), and back
    no other request still open or paid: one decision, one spending."""
    if decision_id is None:
        return
    row = session.get(CouncilDecision, decision_id)
    if row is None or row.council_id != fund.council_id:
        raise ValidationFailed({field: ("fund_error.decision_other_council", {})})
    if row.status != "passed":
        raise ValidationFailed({field: ("fund_error.decision_not_passed", {})})
    used = session.execute(select(FundRequest.number).where(
        FundRequest.decision_id == decision_id, FundRequest.status.in_(("pending", "paid")),
        *([FundRequest.id != request_id] if request_id else []))).scalars().first()
    if used is not None:
        raise ValidationFailed({field: ("fund_error.decision_used", {"number": used})})


def _ready_on(session: Session, request: FundRequest, stand: Standing) -> date:
    """The first day the request could have been paid: its last counted approval, the day after its decision's
    notice (a payment is never dated before either)."""
    approved = session.execute(select(FundSignature.at).where(FundSignature.request_id == request.id,
                                                              FundSignature.user_id.in_(stand.approved_by))).scalars()
    notice_end = None
    if request.needs_decision and request.decision_id is not None:
        notice_end = session.get(CouncilDecision, request.decision_id).notice_end
    return ready_on(requested_on=clock.local(request.requested_at).date(),
                    approved_on=[clock.local(at).date() for at in approved], notice_end=notice_end)


def _short_since(session: Session, fund: Fund, day: date, amount_fen: int) -> bool:
    """Whether paying `amount_fen` on `day` would take the fund below zero on that day or any day since: the balance
    at the end of each day from `day` on, less the amount, must stay at or above zero."""
    moves = defaultdict(int)
    for on, fen in session.execute(select(FundIncome.received_on, FundIncome.amount_fen)
                                   .where(FundIncome.fund_id == fund.id, FundIncome.received_on >= day)):
        moves[on] += fen
    for on, fen in session.execute(select(FundRequest.paid_on, FundRequest.amount_fen)
                                   .where(FundRequest.fund_id == fund.id, FundRequest.status == "paid",
                                          FundRequest.paid_on >= day)):
        moves[on] -= fen
    balance = fund.balance_fen - sum(moves.values())  # at the start of `day`
    lowest = balance
    for on in sorted(moves):
        balance += moves[on]
        lowest = min(lowest, balance) if on > day else balance  # the first day's own moves count for that day
    return lowest < amount_fen


def standing_of(session: Session, request: FundRequest, fund: Fund, today: date) -> Standing:
    """Where the request stands today against its rule: counting co-managers, signatures, its decision."""
    signatures = session.execute(select(FundSignature.user_id, FundSignature.choice)
                                 .where(FundSignature.request_id == request.id)).all()
    decision_ok = False
    if request.decision_id is not None:
        row = session.get(CouncilDecision, request.decision_id)
        decision_ok = row is not None and decision_problem(
            council_id=row.council_id, fund_council_id=fund.council_id, status=row.status,
            notice_end=row.notice_end, today=today) is None
    return standing(requester_id=request.requester_id, approvals_needed=request.approvals_needed,
                    needs_decision=request.needs_decision, decision_ok=decision_ok,
                    counting=[uid for uid, _, _ in counting(session, fund.id, today)],
                    signatures=[(uid, choice) for uid, choice in signatures])


def request_spending(engine: Engine, *, actor: Actor, settings: Settings, fund_id: object, data: object,
                     now: datetime | None = None) -> FundRequest:
    """A co-manager requests a spending; the rule of its amount (from config) is kept with it."""
    now = now or clock.now()
    today = clock.local(now).date()
    with transaction(engine) as session:
        fund = fund_row(session, actor, fund_id, today)
        manager_of(session, actor, fund, today)
        values = clean_request(data, purposes=[p.code for p in settings.fund.purposes],
                               most_fen=settings.fund.max_amount_fen, max_file_mb=settings.fund.max_file_mb)
        attached = values.pop("files")
        _decision(session, fund, values["decision_id"], today, field="decision_id")
        tier = tier_for(values["amount_fen"], settings.fund.cosign)
        request = FundRequest(fund_id=fund.id, community_id=fund.community_id, **values, requester_id=actor.id,
                              requested_at=now, approvals_needed=tier.approvals, needs_decision=tier.decision,
                              updated_at=now)
        session.add(request)
        session.flush()
        request.number = f"{settings.fund.request_prefix}{clock.local(now):%Y%m%d}{request.id:06d}"
        names = files.attach(session, fund_id=fund.id, community_id=fund.community_id, owner="request",
                             owner_id=request.id, files=attached, actor=actor, at=now)
        _event(session, request, "requested", actor, now)
        audit.record(session, actor=actor, action="fund.request", entity="fund_request", entity_id=request.id,
                     community_id=fund.community_id, at=now, after=audit.snapshot(request, FIELDS) | {"files": names})
    return request


def _locked_request(session: Session, actor: Actor, request_id: object, today: date) -> tuple[FundRequest, Fund]:
    """The request (locked) and its fund, if the actor may read the fund."""
    request = None
    if is_id(request_id):
        request = session.execute(select(FundRequest).where(FundRequest.id == request_id).with_for_update()
                                  .execution_options(populate_existing=True)).scalars().first()
    if request is None:
        raise DomainError("error.not_found")
    return request, fund_row(session, actor, request.fund_id, today)


def sign(engine: Engine, *, actor: Actor, request_id: object, data: object, now: datetime | None = None) -> FundRequest:
    """A co-manager approves or rejects (with a comment). One signature per person; never the requester's; a
    rejection ends the request."""
    now = now or clock.now()
    today = clock.local(now).date()
    values = clean_signature(data)
    with transaction(engine) as session:
        request, fund = _locked_request(session, actor, request_id, today)
        manager = manager_of(session, actor, fund, today)
        signed = session.execute(select(FundSignature.id).where(FundSignature.request_id == request.id,
                                                                FundSignature.user_id == actor.id)).first()
        check_signature(status=request.status, is_requester=request.requester_id == actor.id, counts=True,
                        signed=signed is not None)
        before = audit.snapshot(request, FIELDS)
        session.add(FundSignature(request_id=request.id, community_id=request.community_id, user_id=actor.id,
                                  member_id=manager.member_id, choice=values["choice"], comment=values["comment"],
                                  at=now))
        flush_unique(session, "choice", "fund_error.signed_already")
        if values["choice"] == "reject":
            request.status, request.closed_reason, request.closed_at = "rejected", values["comment"], now
        request.updated_at = now
        _event(session, request, "approved" if values["choice"] == "approve" else "rejected", actor, now,
               values["comment"])
        if values["choice"] == "approve" and standing_of(session, request, fund, today).met:
            _event(session, request, "ready", actor, now)
        audit.record(session, actor=actor, action=f"fund.{values['choice']}", entity="fund_request",
                     entity_id=request.id, community_id=request.community_id, at=now, before=before,
                     after=audit.snapshot(request, FIELDS) | {"signature": values["choice"],
                                                             "comment": values["comment"]})
    return request


def link_decision(engine: Engine, *, actor: Actor, request_id: object, decision_id: object,
                  now: datetime | None = None) -> FundRequest:
    """A co-manager ties a pending request to the council decision it rests on (passed; its notice may still run,
    the payment waits for its end)."""
    now = now or clock.now()
    today = clock.local(now).date()
    with transaction(engine) as session:
        request, fund = _locked_request(session, actor, request_id, today)
        manager_of(session, actor, fund, today)
        if request.status != "pending":
            raise DomainError(f"fund_error.request_{request.status}")
        if not request.needs_decision:
            raise DomainError("fund_error.decision_not_needed")
        signed = session.execute(select(FundSignature.id).where(FundSignature.request_id == request.id)).first()
        if request.decision_id is not None and signed:
            raise DomainError("fund_error.decision_relink_signed")
        if not is_id(decision_id):
            raise ValidationFailed({"decision_id": ("error.required", {})})
        _decision(session, fund, decision_id, today, field="decision_id", request_id=request.id)
        before = audit.snapshot(request, FIELDS)
        request.decision_id, request.updated_at = decision_id, now
        _event(session, request, "decision", actor, now)
        session.flush()
        if standing_of(session, request, fund, today).met:
            _event(session, request, "ready", actor, now)
        audit.record(session, actor=actor, action="fund.decision", entity="fund_request", entity_id=request.id,
                     community_id=request.community_id, at=now, before=before, after=audit.snapshot(request, FIELDS))
    return request


def withdraw(engine: Engine, *, actor: Actor, request_id: object, data: object,
             now: datetime | None = None) -> FundRequest:
    """The requester (or whoever sets the fund up) withdraws a request before it is paid, with a reason."""
    now = now or clock.now()
    today = clock.local(now).date()
    reason = clean_reason(data)
    with transaction(engine) as session:
        request, fund = _locked_request(session, actor, request_id, today)
        if request.requester_id != actor.id and not can(actor, SETUP, fund.community_id):
            raise PermissionDenied("fund_error.only_requester_withdraws")
        if request.status != "pending":
            raise DomainError(f"fund_error.request_{request.status}")
        before = audit.snapshot(request, FIELDS)
        request.status, request.closed_reason, request.closed_at, request.updated_at = "withdrawn", reason, now, now
        _event(session, request, "withdrawn", actor, now, reason)
        audit.record(session, actor=actor, action="fund.withdraw", entity="fund_request", entity_id=request.id,
                     community_id=request.community_id, at=now, before=before, after=audit.snapshot(request, FIELDS))
    return request


def pay(engine: Engine, *, actor: Actor, settings: Settings, request_id: object, data: object,
        now: datetime | None = None) -> FundRequest:
    """A worker records the payment of a request whose rule is met (day, voucher number, voucher file); the fund's
    balance goes down by it and can never go below zero."""
    now = now or clock.now()
    today = clock.local(now).date()
    with transaction(engine) as session:
        request, fund = _locked_request(session, actor, request_id, today)
        require(actor, PAY, fund.community_id)
        parties = {request.requester_id, *session.execute(select(FundSignature.user_id).where(
            FundSignature.request_id == request.id)).scalars()}
        if actor.id in parties:
            raise PermissionDenied("fund_error.payer_is_party")
        fund = session.execute(select(Fund).where(Fund.id == fund.id).with_for_update()
                               .execution_options(populate_existing=True)).scalars().one()
        stand = standing_of(session, request, fund, today)
        check_payment(status=request.status, standing=stand, balance_fen=fund.balance_fen,
                      amount_fen=request.amount_fen)
        values = clean_payment(data, today=today, ready_on=_ready_on(session, request, stand),
                               max_file_mb=settings.fund.max_file_mb)
        if _short_since(session, fund, values["paid_on"], request.amount_fen):
            raise ValidationFailed({"paid_on": ("fund_error.balance_short_since", {})})
        before = audit.snapshot(request, FIELDS) | {"balance_fen": fund.balance_fen}
        request.status, request.paid_on, request.voucher = "paid", values["paid_on"], values["voucher"]
        request.paid_by, request.paid_at, request.updated_at = actor.id, now, now
        fund.balance_fen -= request.amount_fen
        fund.updated_at = now
        names = files.attach(session, fund_id=fund.id, community_id=fund.community_id, owner="payment",
                             owner_id=request.id, files=values["files"], actor=actor, at=now)
        _event(session, request, "paid", actor, now, values["voucher"])
        audit.record(session, actor=actor, action="fund.pay", entity="fund_request", entity_id=request.id,
                     community_id=request.community_id, at=now, before=before,
                     after=audit.snapshot(request, FIELDS) | {"balance_fen": fund.balance_fen, "files": names})
    return request
