"""The fund's writes on the demo fund, on SQLite and PostgreSQL: a spending requested, co-signed and paid shows in the
quarter's statement; the rule of each amount; what a requester, a second signature, a withdrawal and a co-manager who
left the council may not do; a large spending waiting for the council's decision and its notice; income and its
correction; bad input refused with nothing written; who sees which fund; the audit trail without the files."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from data_access import clock
from data_access.accounts import users
from data_access.accounts.auth import login
from data_access.council import writes as council_writes
from data_access.db import reading
from data_access.fund import funds, income, queries, spending
from data_access.models import AuditLog, Council, CouncilMember, FundManager
from domain.errors import DomainError, PermissionDenied, ValidationFailed
from tests.conftest import NOW
from tests.fund.support import (
    PDF,
    PNG,
    PUBLIC_INCOME,
    balance,
    books,
    counts,
    decision,
    demo_fund,
    garden_decision,
    garden_number,
)

pytestmark = pytest.mark.db
TODAY = NOW.date()


def _request(engine, actor, settings, fund_id, yuan, **more):
    data = {"purpose": "hygiene", "amount": yuan, "payee": "康盛日用品商店", "detail": "楼道消毒液"} | more
    return spending.request_spending(engine, actor=actor, settings=settings, fund_id=fund_id, data=data, now=NOW)


def _pay(engine, actor, settings, request_id, now=NOW, **more):
    data = {"paid_on": clock.local(now).date(), "voucher": "PZ2026-900"} | more
    return spending.pay(engine, actor=actor, settings=settings, request_id=request_id, data=data, now=now)


def _refused(key, call, *args, **kwargs):
    with pytest.raises(DomainError) as refused:
        call(*args, **kwargs)
    assert refused.value.key == key, refused.value
    return refused.value


def test_a_spending_requested_signed_and_paid_shows_in_the_statement(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    before = balance(demo_engine, fund.id)
    request = _request(demo_engine, actors["recorder"], settings, fund.id, "386.50")
    assert request.number.startswith("ZC20261120") and request.approvals_needed == 1
    spending.sign(demo_engine, actor=actors["treasurer"], request_id=request.id, data={"choice": "approve"}, now=NOW)
    paid = _pay(demo_engine, actors["worker"], settings, request.id, files=[("凭证.pdf", PDF)])
    assert paid.status == "paid" and balance(demo_engine, fund.id) == before - 38650 == books(demo_engine, fund.id)
    statement = queries.statement(demo_engine, actor=actors["secretary"], fund_id=fund.id, year=2026, quarter=4,
                                  today=TODAY)
    shown = next(p for p in statement.payments if p["id"] == request.id)
    assert shown["amount_fen"] == 38650 and shown["approved_by"] == ["林春梅"] and shown["requester"] == "孙雅琴"
    assert statement.to_date and statement.closing_fen == balance(demo_engine, fund.id)
    record = queries.request_record(demo_engine, actor=actors["recorder"], request_id=request.id, today=TODAY)
    assert [e["action"] for e in record["timeline"]] == ["requested", "approved", "ready", "paid"]
    assert [f["name"] for f in record["payment_files"]] == ["凭证.pdf"]


def test_a_middle_amount_needs_both_other_co_managers(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    request = _request(demo_engine, actors["convener"], settings, fund.id, "2680", purpose="culture")
    spending.sign(demo_engine, actor=actors["treasurer"], request_id=request.id, data={"choice": "approve"}, now=NOW)
    refused = _refused("fund_error.not_approved", _pay, demo_engine, actors["worker"], settings, request.id)
    assert refused.params == {"short": 1}
    spending.sign(demo_engine, actor=actors["recorder"], request_id=request.id, data={"choice": "approve"}, now=NOW)
    assert _pay(demo_engine, actors["worker"], settings, request.id).status == "paid"
    _refused("fund_error.request_paid", _pay, demo_engine, actors["worker"], settings, request.id)


def test_the_requester_never_signs_one_person_signs_once_and_nobody_after_withdrawal(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    request = _request(demo_engine, actors["convener"], settings, fund.id, "2000", purpose="relief")
    approve = {"choice": "approve"}
    _refused("fund_error.requester_cannot_sign", spending.sign, demo_engine, actor=actors["convener"],
             request_id=request.id, data=approve, now=NOW)
    spending.sign(demo_engine, actor=actors["treasurer"], request_id=request.id, data=approve, now=NOW)
    _refused("fund_error.signed_already", spending.sign, demo_engine, actor=actors["treasurer"],
             request_id=request.id, data={"choice": "reject", "comment": "改主意了"}, now=NOW)
    _refused("fund_error.only_requester_withdraws", spending.withdraw, demo_engine, actor=actors["treasurer"],
             request_id=request.id, data={"reason": "不需要了"}, now=NOW)
    spending.withdraw(demo_engine, actor=actors["convener"], request_id=request.id, data={"reason": "改由共建单位赞助"},
                      now=NOW)
    _refused("fund_error.request_withdrawn", spending.sign, demo_engine, actor=actors["recorder"],
             request_id=request.id, data=approve, now=NOW)
    _refused("fund_error.request_withdrawn", _pay, demo_engine, actors["worker"], settings, request.id)
    record = queries.request_record(demo_engine, actor=actors["secretary"], request_id=request.id, today=TODAY)
    assert [e["action"] for e in record["timeline"]] == ["requested", "approved", "withdrawn"]
    assert not record["may_sign"] and not record["may_pay"] and not record["may_withdraw"]


def test_a_rejection_needs_a_comment_and_ends_the_request(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    request = _request(demo_engine, actors["convener"], settings, fund.id, "300")
    with pytest.raises(ValidationFailed) as refused:
        spending.sign(demo_engine, actor=actors["recorder"], request_id=request.id, data={"choice": "reject"}, now=NOW)
    assert refused.value.errors["comment"][0] == "error.required"
    spending.sign(demo_engine, actor=actors["recorder"], request_id=request.id,
                  data={"choice": "reject", "comment": "上月刚买过"}, now=NOW)
    _refused("fund_error.request_rejected", spending.sign, demo_engine, actor=actors["treasurer"],
             request_id=request.id, data={"choice": "approve"}, now=NOW)


def test_a_payment_before_approval_is_refused_and_writes_nothing(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    request = _request(demo_engine, actors["convener"], settings, fund.id, "480")
    before, kept = counts(demo_engine), balance(demo_engine, fund.id)
    _refused("fund_error.not_approved", _pay, demo_engine, actors["worker"], settings, request.id)
    assert counts(demo_engine) == before and balance(demo_engine, fund.id) == kept
    _refused("error.permission", _pay, demo_engine, actors["secretary"], settings, request.id)  # pays: fund.pay only


def test_a_large_spending_waits_for_a_passed_decision_and_its_notice(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    garden = decision(demo_engine, PUBLIC_INCOME)
    asked = clock.day_start(garden.notice_start).replace(hour=10)  # asked while the decision is in its notice
    request = spending.request_spending(demo_engine, actor=actors["treasurer"], settings=settings, fund_id=fund.id,
                                        now=asked, data={"purpose": "upkeep", "amount": "18600", "payee": "盛和物业",
                                                         "detail": "中心花园补植"})
    assert request.approvals_needed is None and request.needs_decision
    for who in ("convener", "recorder"):
        spending.sign(demo_engine, actor=actors[who], request_id=request.id, data={"choice": "approve"}, now=asked)
    waiting = queries.overview(demo_engine, actor=actors["secretary"], year=asked.year, today=asked.date())
    assert request.id in [r["id"] for r in waiting["large"]]
    _refused("fund_error.decision_missing", _pay, demo_engine, actors["worker"], settings, request.id, now=asked)
    spending.link_decision(demo_engine, actor=actors["convener"], request_id=request.id, decision_id=garden.id,
                           now=asked)
    _refused("fund_error.decision_missing", _pay, demo_engine, actors["worker"], settings, request.id, now=asked)
    after = clock.day_start(garden.notice_end + timedelta(days=1)).replace(hour=9)
    early = garden.notice_end  # dated back into the notice period: refused next to the day
    with pytest.raises(ValidationFailed) as refused:
        _pay(demo_engine, actors["worker"], settings, request.id, now=after, paid_on=early)
    assert refused.value.errors["paid_on"][0] == "fund_error.paid_before_ready"
    assert _pay(demo_engine, actors["worker"], settings, request.id, now=after).status == "paid"
    record = queries.request_record(demo_engine, actor=actors["secretary"], request_id=request.id, today=after.date())
    assert [e["action"] for e in record["timeline"]] == ["requested", "approved", "approved", "decision", "paid"]


def test_one_decision_backs_one_spending_and_is_not_swapped_after_signatures(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    garden = garden_decision(demo_engine)   # the demo's garden renovation was paid on it
    other = decision(demo_engine, PUBLIC_INCOME)
    request = _request(demo_engine, actors["convener"], settings, fund.id, "20000", purpose="upkeep")
    with pytest.raises(ValidationFailed) as refused:
        spending.link_decision(demo_engine, actor=actors["convener"], request_id=request.id, decision_id=garden.id,
                               now=NOW)
    assert refused.value.errors["decision_id"] == ("fund_error.decision_used", {"number": garden_number(demo_engine)})
    spending.link_decision(demo_engine, actor=actors["convener"], request_id=request.id, decision_id=other.id, now=NOW)
    spending.sign(demo_engine, actor=actors["treasurer"], request_id=request.id, data={"choice": "approve"}, now=NOW)
    _refused("fund_error.decision_relink_signed", spending.link_decision, demo_engine, actor=actors["convener"],
             request_id=request.id, decision_id=other.id, now=NOW)
    small = _request(demo_engine, actors["convener"], settings, fund.id, "200")
    _refused("fund_error.decision_not_needed", spending.link_decision, demo_engine, actor=actors["convener"],
             request_id=small.id, decision_id=other.id, now=NOW)
    second = _request(demo_engine, actors["treasurer"], settings, fund.id, "30000", purpose="upkeep")
    with pytest.raises(ValidationFailed) as refused:
        spending.link_decision(demo_engine, actor=actors["treasurer"], request_id=second.id, decision_id=other.id,
                               now=NOW)
    assert refused.value.errors["decision_id"][0] == "fund_error.decision_used"


def test_a_payment_is_never_dated_where_the_balance_would_have_been_short(demo_engine, settings, actors):
    fund, _, _ = _second_fund(demo_engine, settings, actors, opening="100", opened=TODAY - timedelta(days=30))
    asked = NOW - timedelta(days=10)
    request = spending.request_spending(demo_engine, actor=actors["convener"], settings=settings, fund_id=fund.id,
                                        now=asked, data={"purpose": "relief", "amount": "300", "payee": "困难家庭",
                                                         "detail": "取暖补助"})
    spending.sign(demo_engine, actor=actors["treasurer"], request_id=request.id, data={"choice": "approve"}, now=asked)
    income.record_income(demo_engine, actor=actors["worker"], settings=settings, fund_id=fund.id, now=NOW,
                         data={"received_on": TODAY - timedelta(days=2), "source": "donation", "payer": "爱心企业",
                               "amount": "500"})
    with pytest.raises(ValidationFailed) as refused:   # on that day the fund held ¥100
        _pay(demo_engine, actors["worker"], settings, request.id, paid_on=TODAY - timedelta(days=5))
    assert refused.value.errors["paid_on"][0] == "fund_error.balance_short_since"
    _pay(demo_engine, actors["worker"], settings, request.id, paid_on=TODAY - timedelta(days=2))
    assert balance(demo_engine, fund.id) == 30_000 == books(demo_engine, fund.id)


def test_neither_the_requester_nor_a_co_signer_records_the_payment(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    request = _request(demo_engine, actors["convener"], settings, fund.id, "150")
    spending.sign(demo_engine, actor=actors["recorder"], request_id=request.id, data={"choice": "approve"}, now=NOW)
    for who in ("convener", "recorder"):   # each given the worker's role as well
        users.set_roles(demo_engine, actor=actors["admin"], settings=settings, user_id=actors[who].id, now=NOW,
                        roles=[{"role": "fund_manager", "community_id": fund.community_id},
                               {"role": "worker", "community_id": fund.community_id}])
    for who in ("convener", "recorder"):
        both = login(demo_engine, settings, who, "gongzhi-demo", now=NOW).actor
        with pytest.raises(PermissionDenied) as refused:
            _pay(demo_engine, both, settings, request.id)
        assert refused.value.key == "fund_error.payer_is_party"
    assert _pay(demo_engine, actors["worker"], settings, request.id).status == "paid"


def test_a_disabled_account_stops_counting_and_a_member_signs_with_a_new_one(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    request = _request(demo_engine, actors["convener"], settings, fund.id, "2500", purpose="culture")
    spending.sign(demo_engine, actor=actors["treasurer"], request_id=request.id, data={"choice": "approve"}, now=NOW)
    spending.sign(demo_engine, actor=actors["recorder"], request_id=request.id, data={"choice": "approve"}, now=NOW)
    users.set_active(demo_engine, actor=actors["admin"], user_id=actors["treasurer"].id, active=False, now=NOW)
    _refused("fund_error.not_approved", _pay, demo_engine, actors["worker"], settings, request.id)
    with reading(demo_engine) as session:
        row = session.execute(select(FundManager).where(FundManager.fund_id == fund.id,
                                                        FundManager.user_id == actors["treasurer"].id)).scalars().one()
    funds.remove_manager(demo_engine, actor=actors["secretary"], manager_id=row.id, now=NOW)
    users.set_roles(demo_engine, actor=actors["admin"], settings=settings, user_id=actors["teamlead"].id, now=NOW,
                    roles=[{"role": "team_lead", "community_id": fund.community_id},
                           {"role": "fund_manager", "community_id": fund.community_id}])
    named = funds.add_manager(demo_engine, actor=actors["secretary"], settings=settings, fund_id=fund.id,
                              member_id=row.member_id, user_id=actors["teamlead"].id, now=NOW)
    assert named.id == row.id and named.active   # 林春梅's seat, signing with her new account
    new_login = login(demo_engine, settings, "teamlead", "gongzhi-demo", now=NOW).actor
    spending.sign(demo_engine, actor=new_login, request_id=request.id, data={"choice": "approve"}, now=NOW)
    assert _pay(demo_engine, actors["worker"], settings, request.id).status == "paid"


def test_only_a_passed_decision_of_the_funds_council(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    request = _request(demo_engine, actors["convener"], settings, fund.id, "24000", purpose="upkeep")
    with reading(demo_engine) as session:
        from data_access.models import CouncilDecision
        other = session.execute(select(CouncilDecision.id).where(CouncilDecision.council_id != fund.council_id,
                                                                 CouncilDecision.status == "passed")).scalars().first()
        rejected = session.execute(select(CouncilDecision.id).where(CouncilDecision.council_id == fund.council_id,
                                                                    CouncilDecision.status == "rejected")).scalar_one()
    for decision_id, key in ((other, "fund_error.decision_other_council"), (rejected, "fund_error.decision_not_passed"),
                             (None, "error.required")):
        with pytest.raises(ValidationFailed) as refused:
            spending.link_decision(demo_engine, actor=actors["convener"], request_id=request.id,
                                   decision_id=decision_id, now=NOW)
        assert refused.value.errors["decision_id"][0] == key


def test_a_co_manager_who_leaves_the_council_stops_counting(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    request = _request(demo_engine, actors["convener"], settings, fund.id, "450")
    spending.sign(demo_engine, actor=actors["recorder"], request_id=request.id, data={"choice": "approve"}, now=NOW)
    with reading(demo_engine) as session:
        member = session.execute(select(CouncilMember).where(CouncilMember.council_id == fund.council_id,
                                                             CouncilMember.name == "孙雅琴")).scalars().one()
    council_writes.save_member(demo_engine, actor=actors["secretary"], settings=settings, member_id=member.id, now=NOW,
                               data={"name": member.name, "seat": member.seat, "title": member.title,
                                     "term_start": member.term_start, "term_end": TODAY - timedelta(days=1),
                                     "active": False, "convener": False})
    _refused("fund_error.not_approved", _pay, demo_engine, actors["worker"], settings, request.id)
    # no longer sees the fund, let alone requests from it
    _refused("error.not_found", _request, demo_engine, actors["recorder"], settings, fund.id, "100")
    _refused("error.not_found", queries.request_record, demo_engine, actor=actors["recorder"], request_id=request.id,
             today=TODAY)
    record = queries.request_record(demo_engine, actor=actors["secretary"], request_id=request.id, today=TODAY)
    assert record["waiting_for"] == ["林春梅"] and record["signatures"][0]["counts"] is False
    spending.sign(demo_engine, actor=actors["treasurer"], request_id=request.id, data={"choice": "approve"}, now=NOW)
    assert _pay(demo_engine, actors["worker"], settings, request.id).status == "paid"


def test_income_and_its_correction_move_the_balance(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    before = balance(demo_engine, fund.id)
    entry = income.record_income(demo_engine, actor=actors["worker"], settings=settings, fund_id=fund.id, now=NOW,
                                 data={"received_on": TODAY, "source": "donation", "payer": "爱心居民 李女士",
                                       "amount": "1,000.00", "files": [("收据.jpg", b"\xff\xd8\xff\xe0" + b"0" * 9)]})
    assert balance(demo_engine, fund.id) == before + 100_000
    reversal = income.reverse_income(demo_engine, actor=actors["convener"], income_id=entry.id,
                                     data={"reason": "捐款人改为捐物"}, now=NOW)
    assert reversal.amount_fen == -100_000 and reversal.reverses_id == entry.id
    assert balance(demo_engine, fund.id) == before == books(demo_engine, fund.id)
    _refused("fund_error.reversed_already", income.reverse_income, demo_engine, actor=actors["worker"],
             income_id=entry.id, data={"reason": "再冲一次"}, now=NOW)
    _refused("fund_error.reversal_of_reversal", income.reverse_income, demo_engine, actor=actors["worker"],
             income_id=reversal.id, data={"reason": "冲正的冲正"}, now=NOW)
    with pytest.raises(ValidationFailed) as refused:
        income.reverse_income(demo_engine, actor=actors["worker"], income_id=entry.id, data={"reason": " "}, now=NOW)
    assert refused.value.errors["reason"][0] == "error.required"
    page, total = queries.income(demo_engine, actor=actors["recorder"], fund_id=fund.id, today=TODAY)
    assert page[0]["id"] == reversal.id and page[1]["reversed_by"] == reversal.id and total >= 30
    _refused("error.permission", income.record_income, demo_engine, actor=actors["secretary"], settings=settings,
             fund_id=fund.id, data={}, now=NOW)


def _second_fund(engine, settings, actors, opening="0", opened=TODAY):
    """A fund of 康盛社区居民议事会 with `convener` and `treasurer` signing as two of its members."""
    with reading(engine) as session:
        council = session.execute(select(Council).where(Council.name == "康盛社区居民议事会")).scalars().one()
        members = session.execute(select(CouncilMember.id).where(CouncilMember.council_id == council.id,
                                                                 CouncilMember.active.is_(True))
                                  .order_by(CouncilMember.id)).scalars().all()
    fund = funds.open_fund(engine, actor=actors["secretary"], settings=settings, now=NOW,
                           data={"name": "康盛社区公益基金", "council_id": council.id, "opened_on": opened,
                                 "opening": opening})
    for member, who in zip(members, ("convener", "treasurer"), strict=False):
        funds.add_manager(engine, actor=actors["secretary"], settings=settings, fund_id=fund.id, member_id=member,
                          user_id=actors[who].id, now=NOW)
    return fund, council, members


def test_a_correction_never_takes_the_balance_below_zero(demo_engine, settings, actors):
    fund, _, _ = _second_fund(demo_engine, settings, actors)
    entry = income.record_income(demo_engine, actor=actors["worker"], settings=settings, fund_id=fund.id, now=NOW,
                                 data={"received_on": TODAY, "source": "grant", "payer": "街道", "amount": "100"})
    request = _request(demo_engine, actors["convener"], settings, fund.id, "80")
    spending.sign(demo_engine, actor=actors["treasurer"], request_id=request.id, data={"choice": "approve"}, now=NOW)
    _pay(demo_engine, actors["worker"], settings, request.id)
    _refused("fund_error.balance_too_low", income.reverse_income, demo_engine, actor=actors["worker"],
             income_id=entry.id, data={"reason": "录错"}, now=NOW)
    assert balance(demo_engine, fund.id) == 2000


def test_a_payment_the_balance_does_not_cover_is_refused(demo_engine, settings, actors):
    fund, _, _ = _second_fund(demo_engine, settings, actors, opening="300")
    request = _request(demo_engine, actors["convener"], settings, fund.id, "300.01")
    spending.sign(demo_engine, actor=actors["treasurer"], request_id=request.id, data={"choice": "approve"}, now=NOW)
    _refused("fund_error.balance_too_low", _pay, demo_engine, actors["worker"], settings, request.id)
    assert balance(demo_engine, fund.id) == 30000


@pytest.mark.parametrize("amount, key", [("0", "fund_error.amount_positive"), ("-5", "fund_error.amount_positive"),
                                         ("12.345", "fund_error.amount_decimals"),
                                         ("10000000.01", "fund_error.amount_too_large"),
                                         ("一百", "error.not_a_number")])
def test_a_bad_amount_is_refused_next_to_the_field_with_nothing_written(demo_engine, settings, actors, amount, key):
    fund = demo_fund(demo_engine)
    before = counts(demo_engine)
    with pytest.raises(ValidationFailed) as refused:
        _request(demo_engine, actors["convener"], settings, fund.id, amount)
    assert refused.value.errors["amount"][0] == key
    with pytest.raises(ValidationFailed) as refused:
        income.record_income(demo_engine, actor=actors["worker"], settings=settings, fund_id=fund.id, now=NOW,
                             data={"received_on": TODAY, "source": "donation", "payer": "张先生", "amount": amount})
    assert refused.value.errors["amount"][0] == key
    assert counts(demo_engine) == before


@pytest.mark.parametrize("files, key", [([("报价.exe", b"MZ\x90\x00" * 10)], "file_error.not_image_or_pdf"),
                                        ([("报价.pdf", b"<html>not a pdf</html>")], "file_error.not_image_or_pdf"),
                                        ([("扫描.png", PNG + b"\x00" * (10 * 1024 * 1024))], "file_error.too_large")])
def test_a_file_that_is_no_image_or_pdf_or_too_large_is_refused(demo_engine, settings, actors, files, key):
    fund = demo_fund(demo_engine)
    before = counts(demo_engine)
    with pytest.raises(ValidationFailed) as refused:
        _request(demo_engine, actors["convener"], settings, fund.id, "100", files=files)
    assert refused.value.errors["files"][0] == key
    assert counts(demo_engine) == before


def test_who_sees_and_does_what(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    second, _, _ = _second_fund(demo_engine, settings, actors)
    seen = {name: {f["name"] for f in queries.funds(demo_engine, actor=actors[name], today=TODAY)}
            for name in ("secretary", "worker", "leader", "recorder", "convener", "volunteer")}
    assert seen["secretary"] == seen["worker"] == seen["leader"] == {fund.name, second.name}
    assert seen["recorder"] == {fund.name}          # a co-manager sees only the funds they co-manage
    assert seen["convener"] == {fund.name, second.name} and seen["volunteer"] == set()
    _refused("error.not_found", queries.statement, demo_engine, actor=actors["recorder"], fund_id=second.id,
             year=2026, quarter=4, today=TODAY)
    _refused("error.not_found", queries.overview, demo_engine, actor=actors["volunteer"], year=2026,
             fund_id=fund.id, today=TODAY)
    with pytest.raises(PermissionDenied):
        _request(demo_engine, actors["leader"], settings, fund.id, "100")   # reads, changes nothing
    _refused("error.not_found", _request, demo_engine, actors["recorder"], settings, second.id, "100")


def test_every_write_is_audited_with_before_and_after_and_never_the_files(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    request = _request(demo_engine, actors["convener"], settings, fund.id, "100", files=[("报价.png", PNG)])
    spending.sign(demo_engine, actor=actors["recorder"], request_id=request.id, data={"choice": "approve"}, now=NOW)
    _pay(demo_engine, actors["worker"], settings, request.id, files=[("凭证.pdf", PDF)])
    with reading(demo_engine) as session:
        rows = session.execute(select(AuditLog).where(AuditLog.entity == "fund_request",
                                                      AuditLog.entity_id == request.id).order_by(AuditLog.id)).scalars()
        trail = [(r.action, r.actor_name, r.before, r.after) for r in rows]
    assert [(a, who) for a, who, _, _ in trail] == [("fund.request", "convener"), ("fund.approve", "recorder"),
                                                     ("fund.pay", "worker")]
    assert trail[2][2]["status"] == "pending" and trail[2][3]["status"] == "paid"
    assert trail[2][2]["balance_fen"] - trail[2][3]["balance_fen"] == 10000
    assert trail[0][3]["files"] == [{"name": "报价.png", "size": len(PNG)}]
    dumped = json.dumps([t[2:] for t in trail], ensure_ascii=False, default=str)
    assert "PNG" not in dumped and "%PDF" not in dumped  # names and sizes only, never the content


def test_opening_a_fund_and_naming_co_managers(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    with pytest.raises(ValidationFailed) as refused:
        funds.open_fund(demo_engine, actor=actors["secretary"], settings=settings, now=NOW,
                        data={"name": "另一个基金", "council_id": fund.council_id, "opened_on": TODAY, "opening": "0"})
    assert refused.value.errors["council_id"][0] == "fund_error.council_has_fund"
    second, council, members = _second_fund(demo_engine, settings, actors, opening="12,000.5")
    assert second.opening_fen == second.balance_fen == 1_200_050
    with pytest.raises(ValidationFailed) as refused:   # the worker's account holds no fund_manager role
        funds.add_manager(demo_engine, actor=actors["secretary"], settings=settings, fund_id=second.id,
                          member_id=members[3], user_id=actors["worker"].id, now=NOW)
    assert refused.value.errors["user_id"][0] == "fund_error.account_cannot_manage"
    with pytest.raises(ValidationFailed) as refused:   # one account, one seat
        funds.add_manager(demo_engine, actor=actors["secretary"], settings=settings, fund_id=second.id,
                          member_id=members[3], user_id=actors["convener"].id, now=NOW)
    assert refused.value.errors["member_id"][0] == "fund_error.manager_already"
    with reading(demo_engine) as session:
        stranger = session.execute(select(CouncilMember.id).where(CouncilMember.council_id != council.id)).scalar()
        row = session.execute(select(FundManager.id).where(FundManager.fund_id == second.id,
                                                           FundManager.user_id == actors["treasurer"].id)).scalar_one()
    with pytest.raises(ValidationFailed) as refused:
        funds.add_manager(demo_engine, actor=actors["secretary"], settings=settings, fund_id=second.id,
                          member_id=stranger, user_id=actors["recorder"].id, now=NOW)
    assert refused.value.errors["member_id"][0] == "error.not_found"
    with pytest.raises(PermissionDenied):
        funds.remove_manager(demo_engine, actor=actors["worker"], manager_id=row, now=NOW)
    funds.remove_manager(demo_engine, actor=actors["secretary"], manager_id=row, now=NOW)
    listed = queries.managers(demo_engine, actor=actors["secretary"], fund_id=second.id, today=TODAY)
    assert [(m["name"], m["counts"]) for m in listed][-1][1] is False
    _refused("error.not_found", _request, demo_engine, actors["treasurer"], settings, second.id, "1")


def test_a_file_download_is_audited_by_name_and_only_for_those_who_read_the_fund(demo_engine, settings, actors):
    from data_access.fund import files

    fund = demo_fund(demo_engine)
    entry = income.record_income(demo_engine, actor=actors["worker"], settings=settings, fund_id=fund.id, now=NOW,
                                 data={"received_on": TODAY, "source": "donation", "payer": "王女士", "amount": "50",
                                       "files": [("收据.pdf", PDF)]})
    with reading(demo_engine) as session:
        from data_access.models import FundFile
        file_id = session.execute(select(FundFile.id).where(FundFile.owner == "income",
                                                            FundFile.owner_id == entry.id)).scalar_one()
    assert files.content(demo_engine, actor=actors["recorder"], file_id=file_id, now=NOW) == (
        "收据.pdf", "application/pdf", PDF)
    _refused("error.not_found", files.content, demo_engine, actor=actors["volunteer"], file_id=file_id, now=NOW)
    with reading(demo_engine) as session:
        trail = session.execute(select(AuditLog).where(AuditLog.action == "export.fund_file")).scalars().all()
    assert [(a.actor_name, a.entity_id, a.after["name"], a.after["size"]) for a in trail] == [
        ("recorder", file_id, "收据.pdf", len(PDF))]
