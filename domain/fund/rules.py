"""Rules of the estate public-welfare fund: money typed in yuan kept as whole fen, the input of a fund, an income
entry, its correction, a spending request, a signature and a payment; the co-signature rule of an amount and where a
request stands against it; and the council decision a large spending waits for. Pure: no storage, no Streamlit."""

from __future__ import annotations

import re
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation, localcontext

from domain.errors import DomainError
from domain.fields import Errors, form, value_of
from domain.files import clean_attachments

LIMITS = {"name": 60, "payer": 60, "payee": 60, "detail": 1000, "note": 500, "reason": 300, "comment": 300,
          "voucher": 40}
FEN = 100
# an amount as typed: digits with thousands commas in their places (or none) and a decimal point, e.g. 1,234.50
TYPED_AMOUNT = re.compile(r"-?(\d{1,3}(,\d{3})+|\d+)(\.\d+)?")
STATUSES = ("pending", "rejected", "withdrawn", "paid")
OPEN = "pending"


class _Errors(Errors):
    LIMITS = LIMITS


@dataclass(frozen=True)
class Tier:
    """One co-signature rule: amounts up to `up_to_fen` (None: any amount) need `approvals` signatures of co-managers
    other than the requester (None: all of them), and a passed council decision past its notice when `decision`."""

    up_to_fen: int | None
    approvals: int | None
    decision: bool = False


def tier_for(amount_fen: int, tiers: Iterable[Tier]) -> Tier:
    """The first rule whose limit covers the amount (the configured rules end with one without a limit)."""
    for tier in tiers:
        if tier.up_to_fen is None or amount_fen <= tier.up_to_fen:
            return tier
    raise DomainError("fund_error.no_rule")


def fen_of(value: object) -> tuple[int | None, str | None]:
    """A typed amount of yuan as whole fen, or the message key of why not: not a number, more than two decimals.
    Takes text ("1,234.50", "¥12"), int, float (by its shortest repr) or Decimal."""
    if isinstance(value, bool) or value is None:
        return None, "error.not_a_number"
    if isinstance(value, float):
        value = repr(value)
    if isinstance(value, str):
        value = value.strip().removeprefix("¥").removeprefix("￥").strip()
        if len(value) > 40 or not TYPED_AMOUNT.fullmatch(value):
            return None, "error.not_a_number"
        value = value.replace(",", "")
    if not isinstance(value, str | int | Decimal):
        return None, "error.not_a_number"
    with localcontext() as context:
        context.prec = 120
        try:
            number = Decimal(value)
            if not number.is_finite():
                return None, "error.not_a_number"
            fen = number * FEN
            if fen != fen.to_integral_value():
                return None, "fund_error.amount_decimals"
            return int(fen), None
        except (InvalidOperation, ValueError, ArithmeticError):
            return None, "error.not_a_number"


def amount(errors: Errors, data: dict, field: str, *, most_fen: int, zero: bool = False) -> int:
    """The field's amount in fen: required, above zero (or zero when `zero`), at most two decimals, at most most_fen."""
    value = value_of(data, field)
    if value is None or (isinstance(value, str) and not value.strip()):
        errors.add(field, "error.required")
        return 0
    fen, problem = fen_of(value)
    if problem:
        errors.add(field, problem)
        return 0
    if fen < 0 or (fen == 0 and not zero):
        errors.add(field, "fund_error.amount_positive" if not zero else "fund_error.amount_not_negative")
    elif fen > most_fen:
        errors.add(field, "fund_error.amount_too_large", most=f"{most_fen // FEN:,}")
    return fen


def clean_fund(data: object, *, most_fen: int, today: date, names_taken: Collection[str]) -> dict:
    """A fund: its name (unique in the community), the council whose co-managers hold it, the day it opened and the
    opening balance (zero allowed)."""
    data, errors = form(data), _Errors()
    name = errors.text(data, "name", required=True)
    if name and name in names_taken:
        errors.add("name", "fund_error.name_taken")
    values = {"name": name, "council_id": errors.ident(data, "council_id", required=True),
              "opened_on": errors.day(data, "opened_on", required=True, today=today),
              "opening_fen": amount(errors, data, "opening", most_fen=most_fen, zero=True)}
    errors.raise_if_any()
    return values


def clean_income(data: object, *, sources: Collection[str], most_fen: int, today: date, opened_on: date,
                 max_file_mb: float) -> dict:
    """An income entry: the day (not before the fund opened, not after today), source, payer, amount, note and
    receipt files (images or PDF)."""
    data, errors = form(data), _Errors()
    received = errors.day(data, "received_on", required=True, today=today, recent=True)
    if received and received < opened_on:
        errors.add("received_on", "fund_error.before_opening", opened=opened_on.isoformat())
    values = {"received_on": received, "source": errors.choice(data, "source", sources),
              "payer": errors.text(data, "payer", required=True),
              "amount_fen": amount(errors, data, "amount", most_fen=most_fen),
              "note": errors.text(data, "note", required=False) or None,
              "files": clean_attachments(errors, data, "files", max_mb=max_file_mb)}
    errors.raise_if_any()
    return values


def clean_reason(data: object, field: str = "reason") -> str:
    """The required reason of a correction, a withdrawal or a rejection."""
    data, errors = form(data), _Errors()
    reason = errors.text(data, field, required=True, limit="reason")
    errors.raise_if_any()
    return reason


def clean_request(data: object, *, purposes: Collection[str], most_fen: int, max_file_mb: float) -> dict:
    """A spending request: purpose, amount, payee, what it is for, quotes or invoices, and the council decision it
    rests on (optional here; a large spending cannot be paid without one)."""
    data, errors = form(data), _Errors()
    values = {"purpose": errors.choice(data, "purpose", purposes),
              "amount_fen": amount(errors, data, "amount", most_fen=most_fen),
              "payee": errors.text(data, "payee", required=True),
              "detail": errors.text(data, "detail", required=True),
              "decision_id": errors.ident(data, "decision_id", required=False),
              "files": clean_attachments(errors, data, "files", max_mb=max_file_mb)}
    errors.raise_if_any()
    return values


def clean_signature(data: object) -> dict:
    """A signature: approve or reject; a rejection needs a comment."""
    data, errors = form(data), _Errors()
    choice = errors.choice(data, "choice", ("approve", "reject"))
    comment = errors.text(data, "comment", required=choice == "reject")
    errors.raise_if_any()
    return {"choice": choice, "comment": comment or None}


def clean_payment(data: object, *, today: date, ready_on: date, max_file_mb: float) -> dict:
    """A payment: the day paid (not before the day its rule was met: its last counted approval, and the day after
    its council decision's notice; not after today), the voucher number, the voucher's file."""
    data, errors = form(data), _Errors()
    paid = errors.day(data, "paid_on", required=True, today=today, recent=True)
    if paid and paid < ready_on:
        errors.add("paid_on", "fund_error.paid_before_ready", ready=ready_on.isoformat())
    values = {"paid_on": paid, "voucher": errors.text(data, "voucher", required=True),
              "files": clean_attachments(errors, data, "files", max_mb=max_file_mb)}
    errors.raise_if_any()
    return values


@dataclass(frozen=True)
class Standing:
    """Where a pending request stands: the co-managers whose approval counts and have given it, those still to sign,
    how many approvals it needs, whether its council decision is in place, and whether the rule is met."""

    approved_by: tuple[int, ...]
    waiting_for: tuple[int, ...]
    needed: int
    decision_ok: bool
    needs_decision: bool

    @property
    def short(self) -> int:
        return max(self.needed - len(self.approved_by), 0)

    @property
    def possible(self) -> bool:
        """Enough co-managers other than the requester remain to meet the rule."""
        return self.needed > 0 and len(self.approved_by) + len(self.waiting_for) >= self.needed

    @property
    def met(self) -> bool:
        return self.needed > 0 and self.short == 0 and (self.decision_ok or not self.needs_decision)


def standing(*, requester_id: int, approvals_needed: int | None, needs_decision: bool, decision_ok: bool,
             counting: Collection[int], signatures: Iterable[tuple[int, str]]) -> Standing:
    """Where a request stands. `counting`: the accounts of the fund's co-managers who count today (active, still on
    the council); `signatures`: (account, choice). The requester never counts; a signature of someone who no longer
    counts is kept on the record but not counted."""
    eligible = [uid for uid in counting if uid != requester_id]
    approved = tuple(uid for uid, choice in signatures if choice == "approve" and uid in eligible)
    signed = {uid for uid, _ in signatures}
    waiting = tuple(uid for uid in eligible if uid not in signed)
    needed = len(eligible) if approvals_needed is None else approvals_needed
    return Standing(approved, waiting, needed, decision_ok, needs_decision)


def check_signature(*, status: str, is_requester: bool, counts: bool, signed: bool) -> None:
    """May this co-manager sign this request now? One signature per person, never the requester's, only on a
    pending request, only by a co-manager who counts."""
    if status != OPEN:
        raise DomainError(f"fund_error.request_{status}")
    if is_requester:
        raise DomainError("fund_error.requester_cannot_sign")
    if not counts:
        raise DomainError("fund_error.not_a_comanager")
    if signed:
        raise DomainError("fund_error.signed_already")


def check_payment(*, status: str, standing: Standing, balance_fen: int, amount_fen: int) -> None:
    """May the request be paid now? Pending, its rule met (and its decision in place), the balance covering it."""
    if status != OPEN:
        raise DomainError(f"fund_error.request_{status}")
    if standing.needs_decision and not standing.decision_ok:
        raise DomainError("fund_error.decision_missing")
    if not standing.met:
        raise DomainError("fund_error.not_approved", short=standing.short)
    if amount_fen > balance_fen:
        raise DomainError("fund_error.balance_too_low")


def ready_on(*, requested_on: date, approved_on: Iterable[date], notice_end: date | None) -> date:
    """The first day a request could be paid: its last counted approval, and the day after its decision's notice."""
    days = [requested_on, *approved_on]
    if notice_end is not None:
        days.append(notice_end + timedelta(days=1))
    return max(days)


def decision_problem(*, council_id: int, fund_council_id: int, status: str, notice_end: date | None,
                     today: date) -> str | None:
    """Why a council decision cannot back a large spending today (a message key), or None: it must be the fund's
    council's, passed, and past its notice period (公示期满)."""
    if council_id != fund_council_id:
        return "fund_error.decision_other_council"
    if status != "passed":
        return "fund_error.decision_not_passed"
    if notice_end is None or notice_end >= today:
        return "fund_error.decision_in_notice"
    return None
