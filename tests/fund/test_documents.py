"""The quarterly statement as words and as Word (.docx), on SQLite and PostgreSQL: every quarter of the demo fund
follows from the one before and ends at the fund's kept balance, its sums are the entries' and the payments' own, the
Word file holds every figure, payment, approver and decision, a quarter still running says 截至今日 with today's date,
the reversal shows its reason, the download is audited, and someone who may not read the fund gets nothing."""

from __future__ import annotations

import io

import docx
import pytest
from sqlalchemy import func, select

from data_access.db import reading
from data_access.demo.fund import GARDEN
from data_access.fund import queries
from data_access.fund.documents import sheet, statement_docx, yuan
from data_access.models import AuditLog, FundIncome, FundRequest
from domain.access import Actor, Grant
from domain.errors import DomainError
from domain.fund.statement import quarter_days, quarter_of
from tests.conftest import NOW
from tests.fund.support import balance, demo_fund

pytestmark = pytest.mark.db
TODAY = NOW.date()


def text_of(data: bytes) -> str:
    """Every paragraph and table cell of a .docx, one per line."""
    doc = docx.Document(io.BytesIO(data))
    cells = [cell.text for table in doc.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in doc.paragraphs] + cells)


def quarters(opened_on) -> list[tuple[int, int]]:
    year, quarter = quarter_of(opened_on)
    found = []
    while (year, quarter) <= quarter_of(TODAY):
        found.append((year, quarter))
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
    return found


def sums(engine, fund_id: int, year: int, quarter: int) -> tuple[int, int]:
    """Income received and payments made in the quarter (up to today), counted from the tables."""
    first, last = quarter_days(year, quarter)
    last = min(last, TODAY)
    with reading(engine) as session:
        received = session.execute(select(func.coalesce(func.sum(FundIncome.amount_fen), 0)).where(
            FundIncome.fund_id == fund_id, FundIncome.received_on.between(first, last))).scalar_one()
        paid = session.execute(select(func.coalesce(func.sum(FundRequest.amount_fen), 0)).where(
            FundRequest.fund_id == fund_id, FundRequest.status == "paid",
            FundRequest.paid_on.between(first, last))).scalar_one()
    return int(received), int(paid)


def test_every_quarter_of_the_demo_follows_from_the_last_and_ends_at_the_kept_balance(demo_engine, actors,
                                                                                        settings):
    fund = demo_fund(demo_engine)
    secretary = actors["secretary"]
    decisions = {d["id"]: d for d in queries.decisions(demo_engine, actor=secretary, fund_id=fund.id, today=TODAY)}
    carried, seen = fund.opening_fen, set()
    for year, quarter in quarters(fund.opened_on):
        result = queries.statement(demo_engine, actor=secretary, fund_id=fund.id, year=year, quarter=quarter,
                                   today=TODAY)
        assert result.opening_fen == carried, (year, quarter)
        assert (result.income_fen, result.spending_fen) == sums(demo_engine, fund.id, year, quarter)
        words = sheet(result, settings=settings, decisions=decisions, lang="zh", today=TODAY)
        assert words.equation == (f"期初余额 + 本期收入 − 本期支出 = 期末余额：{yuan(result.opening_fen)} + "
                                  f"{yuan(result.income_fen)} − {yuan(result.spending_fen)} = "
                                  f"{yuan(result.closing_fen)}")
        assert [value for _, value in words.summary] == [yuan(result.opening_fen), yuan(result.income_fen),
                                                         yuan(result.spending_fen), yuan(result.closing_fen)]
        assert sum(len(g.rows) for g in words.income) == len(result.income)
        assert sum(len(g.rows) for g in words.spending) == len(result.payments)
        seen |= {p["number"] for p in result.payments}
        carried = result.closing_fen
    assert carried == balance(demo_engine, fund.id), "the last quarter closes at the fund's balance"
    with reading(demo_engine) as session:
        paid = set(session.execute(select(FundRequest.number).where(FundRequest.fund_id == fund.id,
                                                                    FundRequest.status == "paid")).scalars())
    assert seen == paid, "every payment is on exactly one quarter's statement"


def test_the_word_file_holds_the_figures_payments_approvers_and_the_decision(demo_engine, actors, settings):
    fund = demo_fund(demo_engine)
    secretary = actors["secretary"]
    garden = next(q for q in quarters(fund.opened_on)
                  if any(p["decision_id"] for p in queries.statement(demo_engine, actor=secretary, fund_id=fund.id,
                                                                     year=q[0], quarter=q[1], today=TODAY).payments))
    result = queries.statement(demo_engine, actor=secretary, fund_id=fund.id, year=garden[0], quarter=garden[1],
                               today=TODAY)
    text = text_of(statement_docx(demo_engine, actor=secretary, fund_id=fund.id, year=garden[0], quarter=garden[1],
                                  settings=settings, now=NOW))
    quarter_word = "一二三四"[garden[1] - 1]
    assert f"幸福里小区公益基金 {garden[0]}年第{quarter_word}季度收支公示" in text
    for fen in (result.opening_fen, result.income_fen, result.spending_fen, result.closing_fen):
        assert yuan(fen) in text
    assert "期初余额 + 本期收入 − 本期支出 = 期末余额" in text
    for payment in result.payments:
        assert payment["number"] in text and payment["payee"] in text and yuan(payment["amount_fen"]) in text
        assert f"凭证：{payment['voucher']}" in text
        assert f"申请：{payment['requester']}" in text
        assert f"同意：{'、'.join(payment['approved_by'])}" in text and payment["approved_by"]
    assert f"议事会决议：{GARDEN}" in text
    assert "截至今日" not in text, "an ended quarter is whole"


def test_a_quarter_still_running_says_so_with_today_and_the_reversal_its_reason(demo_engine, actors, settings):
    fund = demo_fund(demo_engine)
    year, quarter = quarter_of(TODAY)
    text = text_of(statement_docx(demo_engine, actor=actors["secretary"], fund_id=fund.id, year=year,
                                  quarter=quarter, settings=settings, now=NOW))
    assert f"至{TODAY.year}年{TODAY.month}月{TODAY.day}日（截至今日）" in text
    assert f"本季度尚未结束，本公示截至今日（{TODAY.year}年{TODAY.month}月{TODAY.day}日）。" in text
    first_year, first_quarter = quarter_of(fund.opened_on)
    text = text_of(statement_docx(demo_engine, actor=actors["treasurer"], fund_id=fund.id, year=first_year,
                                  quarter=first_quarter, settings=settings, now=NOW))
    assert "冲正：与前一日同一笔捐款重复录入" in text and "已冲正" in text
    english = text_of(statement_docx(demo_engine, actor=actors["secretary"], fund_id=fund.id, year=year,
                                     quarter=quarter, settings=settings, lang="en", now=NOW))
    assert f"Q{quarter} {year}" in english and "(to date)" in english and "Opening balance" in english


def test_the_download_is_audited_and_refused_to_whoever_may_not_read_the_fund(demo_engine, actors, settings):
    fund = demo_fund(demo_engine)
    year, quarter = quarter_of(TODAY)
    statement_docx(demo_engine, actor=actors["recorder"], fund_id=fund.id, year=year, quarter=quarter,
                   settings=settings, now=NOW)
    with reading(demo_engine) as session:
        entry = session.execute(select(AuditLog).where(AuditLog.action == "export.fund_statement")).scalars().one()
    assert (entry.actor_name, entry.entity, entry.entity_id, entry.community_id) == ("recorder", "fund", fund.id,
                                                                                     fund.community_id)
    assert entry.after["year"] == year and entry.after["quarter"] == quarter and entry.after["to_date"] is True
    assert entry.after["closing_fen"] == balance(demo_engine, fund.id)
    stranger = Actor(id=None, username="other", display_name="别的社区",
                     grants=(Grant("secretary", fund.community_id + 100, None, frozenset({"fund.read"})),))
    for actor, y, q, key in ((stranger, year, quarter, "error.not_found"),
                             (actors["secretary"], year + 1, 1, "fund_error.quarter_not_started"),
                             (actors["secretary"], year, 5, "fund_error.bad_quarter")):
        with pytest.raises(DomainError) as refused:
            statement_docx(demo_engine, actor=actor, fund_id=fund.id, year=y, quarter=q, settings=settings, now=NOW)
        assert refused.value.key == key
    with reading(demo_engine) as session:
        assert session.execute(select(func.count()).select_from(AuditLog)
                               .where(AuditLog.action == "export.fund_statement")).scalar_one() == 1


@pytest.mark.parametrize("fen, shown", [(0, "¥0.00"), (5, "¥0.05"), (123450, "¥1,234.50"), (-38650, "-¥386.50"),
                                        (1_000_000_000, "¥10,000,000.00")])
def test_money_in_the_statement_is_written_as_on_screen(fen, shown):
    from ui.format import money

    assert yuan(fen) == shown == money(fen)
