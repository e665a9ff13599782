"""The fund's rules without a database: amounts typed in yuan kept as fen, the co-signature rule of an amount from
config.yaml, where a request stands, who may sign and when a payment may be made, the council decision a large
spending rests on, the statement's quarter, and attachments told by their bytes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from domain.errors import DomainError, ValidationFailed
from domain.fields import Errors
from domain.files import clean_attachments, kind_of
from domain.fund.rules import (
    check_payment,
    check_signature,
    clean_income,
    clean_request,
    decision_problem,
    fen_of,
    standing,
    tier_for,
)
from domain.fund.statement import quarter_days, statement_days

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.4\n%\xe2\xe3\n1 0 obj\n"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 16
MOST = 10_000_000 * 100


@pytest.mark.parametrize("typed, fen", [("1,234.50", 123450), ("¥12", 1200), (" 0.01 ", 1), ("12.340", 1234),
                                        (3, 300), (0.1, 10), (Decimal("99.99"), 9999), ("10000000", MOST)])
def test_amounts_typed_in_yuan_are_kept_as_whole_fen(typed, fen):
    assert fen_of(typed) == (fen, None)


@pytest.mark.parametrize("typed, key", [("12.345", "fund_error.amount_decimals"), (1.005, "fund_error.amount_decimals"),
                                        ("1e3", "error.not_a_number"), ("1_000", "error.not_a_number"),
                                        ("12,3.4", "error.not_a_number"), ("12.", "error.not_a_number"),
                                        ("abc", "error.not_a_number"), (float("nan"), "error.not_a_number"),
                                        (Decimal("sNaN"), "error.not_a_number"), (None, "error.not_a_number"),
                                        (True, "error.not_a_number"), ([1], "error.not_a_number")])
def test_an_amount_that_is_no_sum_of_fen_is_refused(typed, key):
    assert fen_of(typed) == (None, key)


@given(st.integers(0, MOST))
def test_every_sum_of_fen_survives_being_typed(fen):
    assert fen_of(f"{fen // 100:,}.{fen % 100:02d}") == (fen, None)


@pytest.mark.parametrize("typed, key", [("0", "fund_error.amount_positive"), ("-5", "fund_error.amount_positive"),
                                        ("1.234", "fund_error.amount_decimals"),
                                        ("10000000.01", "fund_error.amount_too_large"), ("", "error.required")])
def test_a_request_refuses_a_bad_amount_next_to_the_field(settings, typed, key):
    with pytest.raises(ValidationFailed) as refused:
        clean_request({"purpose": "hygiene", "amount": typed, "payee": "商店", "detail": "消毒液"},
                      purposes=["hygiene"], most_fen=settings.fund.max_amount_fen, max_file_mb=10)
    assert refused.value.errors["amount"][0] == key


def test_income_cannot_be_dated_before_the_fund_opened_or_after_today():
    data = {"source": "donation", "payer": "张先生", "amount": "500"}
    opened, today = date(2026, 1, 1), date(2026, 11, 20)
    for day, key in ((date(2025, 12, 31), "fund_error.before_opening"), (date(2026, 11, 21), "error.date_in_future")):
        with pytest.raises(ValidationFailed) as refused:
            clean_income(data | {"received_on": day}, sources=["donation"], most_fen=MOST, today=today,
                         opened_on=opened, max_file_mb=10)
        assert refused.value.errors["received_on"][0] == key


def test_the_rule_of_an_amount_comes_from_config(settings):
    tiers = settings.fund.cosign
    assert tier_for(50_000, tiers).approvals == 1                       # ¥500: one other co-manager
    assert tier_for(50_001, tiers).approvals == 2                       # ¥500.01: two
    assert tier_for(500_000, tiers).approvals == 2                      # ¥5,000
    large = tier_for(500_001, tiers)                                    # above: all, and a council decision
    assert large.approvals is None and large.decision


def test_the_requester_never_counts_and_one_who_left_stops_counting():
    # co-managers 1, 2, 3; 1 requests; 4 signed while a co-manager but has left the council since
    stand = standing(requester_id=1, approvals_needed=2, needs_decision=False, decision_ok=False, counting=[1, 2, 3],
                     signatures=[(1, "approve"), (4, "approve"), (2, "approve")])
    assert stand.approved_by == (2,) and stand.waiting_for == (3,) and stand.short == 1 and not stand.met
    done = standing(requester_id=1, approvals_needed=2, needs_decision=False, decision_ok=False, counting=[1, 2, 3],
                    signatures=[(2, "approve"), (3, "approve")])
    assert done.met and done.waiting_for == ()


def test_all_co_managers_and_a_decision_for_a_large_spending():
    signed = [(2, "approve"), (3, "approve")]
    without = standing(requester_id=1, approvals_needed=None, needs_decision=True, decision_ok=False,
                       counting=[1, 2, 3], signatures=signed)
    assert without.short == 0 and not without.met
    with_decision = standing(requester_id=1, approvals_needed=None, needs_decision=True, decision_ok=True,
                             counting=[1, 2, 3], signatures=signed)
    assert with_decision.met
    alone = standing(requester_id=1, approvals_needed=None, needs_decision=False, decision_ok=False, counting=[1],
                     signatures=[])
    assert not alone.possible and not alone.met  # a request nobody else can sign is never met


@pytest.mark.parametrize("kwargs, key", [
    ({"status": "pending", "is_requester": True, "counts": True, "signed": False}, "fund_error.requester_cannot_sign"),
    ({"status": "pending", "is_requester": False, "counts": True, "signed": True}, "fund_error.signed_already"),
    ({"status": "pending", "is_requester": False, "counts": False, "signed": False}, "fund_error.not_a_comanager"),
    ({"status": "withdrawn", "is_requester": False, "counts": True, "signed": False}, "fund_error.request_withdrawn"),
    ({"status": "paid", "is_requester": False, "counts": True, "signed": False}, "fund_error.request_paid"),
])
def test_who_may_sign(kwargs, key):
    with pytest.raises(DomainError) as refused:
        check_signature(**kwargs)
    assert refused.value.key == key


def test_a_payment_needs_the_rule_met_and_the_balance():
    short = standing(requester_id=1, approvals_needed=2, needs_decision=False, decision_ok=False, counting=[1, 2, 3],
                     signatures=[(2, "approve")])
    met = standing(requester_id=1, approvals_needed=1, needs_decision=False, decision_ok=False, counting=[1, 2],
                   signatures=[(2, "approve")])
    for stand, balance, key in ((short, 10_000, "fund_error.not_approved"), (met, 99, "fund_error.balance_too_low")):
        with pytest.raises(DomainError) as refused:
            check_payment(status="pending", standing=stand, balance_fen=balance, amount_fen=100)
        assert refused.value.key == key
    check_payment(status="pending", standing=met, balance_fen=100, amount_fen=100)  # the last fen may be spent


def test_a_decision_backs_a_spending_once_passed_and_its_notice_is_over():
    today = date(2026, 11, 20)
    base = {"council_id": 7, "fund_council_id": 7, "status": "passed", "today": today}
    assert decision_problem(**base, notice_end=date(2026, 11, 19)) is None
    assert decision_problem(**base, notice_end=today) == "fund_error.decision_in_notice"
    assert decision_problem(**base | {"status": "rejected"}, notice_end=None) == "fund_error.decision_not_passed"
    assert decision_problem(**base | {"council_id": 8}, notice_end=None) == "fund_error.decision_other_council"


def test_quarters_and_the_statement_cut_at_today():
    assert quarter_days(2026, 4) == (date(2026, 10, 1), date(2026, 12, 31))
    assert quarter_days(2024, 1) == (date(2024, 1, 1), date(2024, 3, 31))
    today = date(2026, 11, 20)
    assert statement_days(2026, 4, today=today, opened_on=date(2025, 10, 1)) == (date(2026, 10, 1), today, True)
    assert statement_days(2026, 3, today=today, opened_on=date(2025, 10, 1))[2] is False
    for year, quarter, key in ((2027, 1, "fund_error.quarter_not_started"),
                               (2025, 2, "fund_error.quarter_before_opening"), (2026, 5, "fund_error.bad_quarter"),
                               ("2026", 1, "fund_error.bad_quarter")):
        with pytest.raises(DomainError) as refused:
            statement_days(year, quarter, today=today, opened_on=date(2025, 10, 1))
        assert refused.value.key == key


def test_attachments_are_images_or_pdf_by_their_bytes_and_within_the_limit():
    assert [kind_of(b) for b in (PNG, PDF, JPEG, b"MZ\x90\x00", b"")] == [
        "image/png", "application/pdf", "image/jpeg", None, None]
    errors = Errors()
    kept = clean_attachments(errors, {"files": [("收据.png", PNG), ("报价.pdf", PDF)]}, "files", max_mb=10)
    assert [a.kind for a in kept] == ["image/png", "application/pdf"] and not errors
    for files, key in (([("invoice.pdf", b"MZ\x90\x00 not a pdf")], "file_error.not_image_or_pdf"),
                       ([("big.png", PNG + b"\x00" * (10 * 1024 * 1024))], "file_error.too_large"),
                       ("a file", "file_error.not_files")):
        errors = Errors()
        assert clean_attachments(errors, {"files": files}, "files", max_mb=10) == []
        assert errors["files"][0] == key
