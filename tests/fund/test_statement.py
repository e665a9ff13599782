"""The quarterly public statement on the demo fund, every quarter since it opened: opening + income - spending =
closing, each quarter opening where the one before closed, the sums by source and purpose equal the entries
listed, the running quarter marked 截至今日 and closing at today's balance, and every payment listed with the
co-managers whose signatures met its rule. The demo itself: the accounts, every kind of income and request."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from data_access.db import reading
from data_access.fund import queries
from data_access.models import FundIncome, FundManager, FundRequest, User
from domain.fund.statement import quarter_of
from tests.conftest import NOW
from tests.fund.support import books, demo_fund, garden_decision

pytestmark = pytest.mark.db
TODAY = NOW.date()


def _quarters(first, last):
    year, quarter = quarter_of(first)
    while (year, quarter) <= quarter_of(last):
        yield year, quarter
        year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def test_every_quarter_of_the_demo_balances_and_follows_on(demo_engine, actors):
    fund = demo_fund(demo_engine)
    quarters = list(_quarters(fund.opened_on, TODAY))
    assert len(quarters) == 5
    closing = fund.opening_fen
    for year, quarter in quarters:
        statement = queries.statement(demo_engine, actor=actors["secretary"], fund_id=fund.id, year=year,
                                      quarter=quarter, today=TODAY)
        assert statement.opening_fen == closing, (year, quarter)
        assert statement.income_fen == sum(e["amount_fen"] for e in statement.income)
        assert statement.spending_fen == sum(p["amount_fen"] for p in statement.payments)
        assert statement.closing_fen == statement.opening_fen + statement.income_fen - statement.spending_fen
        assert statement.income and statement.payments, (year, quarter)   # a year of activity in every quarter
        for payment in statement.payments:
            assert payment["approved_by"] and payment["requester"] not in payment["approved_by"]
        closing = statement.closing_fen
    assert statement.to_date and statement.last == TODAY
    assert closing == fund.balance_fen == books(demo_engine, fund.id)


def test_a_statement_shows_corrections_and_the_large_spending_with_its_decision(demo_engine, actors):
    fund = demo_fund(demo_engine)
    everything = [queries.statement(demo_engine, actor=actors["recorder"], fund_id=fund.id, year=y, quarter=q,
                                    today=TODAY) for y, q in _quarters(fund.opened_on, TODAY)]
    reversals = [e for s in everything for e in s.income if e["reverses_id"]]
    assert len(reversals) == 1 and reversals[0]["amount_fen"] < 0 and reversals[0]["reason"]
    garden = garden_decision(demo_engine)
    large = [p for s in everything for p in s.payments if p["decision_id"] == garden.id]
    assert len(large) == 1 and large[0]["day"] > garden.notice_end and len(large[0]["approved_by"]) == 2


def test_the_demo_fund_has_its_co_managers_and_every_kind_of_entry(demo_engine, settings, actors):
    fund = demo_fund(demo_engine)
    with reading(demo_engine) as session:
        managers = set(session.execute(select(User.username).join(FundManager, FundManager.user_id == User.id)
                                       .where(FundManager.fund_id == fund.id)).scalars())
        sources = set(session.execute(select(FundIncome.source).where(FundIncome.fund_id == fund.id)).scalars())
        states = dict(session.execute(select(FundRequest.status, func.count()).where(FundRequest.fund_id == fund.id)
                                      .group_by(FundRequest.status)).all())
        purposes = set(session.execute(select(FundRequest.purpose).where(FundRequest.status == "paid")).scalars())
    assert managers == {"convener", "treasurer", "recorder"}
    assert sources == {s.code for s in settings.fund.income_sources}
    assert purposes == {p.code for p in settings.fund.purposes}
    assert set(states) == {"pending", "paid", "rejected", "withdrawn"}
    overview = queries.overview(demo_engine, actor=actors["secretary"], year=TODAY.year, today=TODAY)
    assert [r["waiting_for"] for r in overview["waiting"]] == [["孙雅琴", "林春梅"], ["孙雅琴"]]
    assert len(overview["to_pay"]) == 1 and len(overview["large"]) == 1
    assert overview["large"][0]["amount_fen"] == 2_400_000 and overview["large"][0]["decision_id"] is None


@pytest.mark.parametrize("days", [0, 45, 400])
def test_the_demo_is_sound_on_another_day(engine, settings, days):
    """Seeded on another day the demo still balances in every quarter (its dates follow today)."""
    from data_access.accounts.auth import login
    from data_access.demo import street

    if engine.dialect.name != "sqlite":
        pytest.skip("the demo's dates are the same on both databases")
    now = NOW + timedelta(days=days)
    assert street.seed(engine, settings, now=now)
    secretary = login(engine, settings, "secretary", "gongzhi-demo", now=now).actor
    fund = demo_fund(engine)
    closing = fund.opening_fen
    for year, quarter in _quarters(fund.opened_on, now.date()):
        statement = queries.statement(engine, actor=secretary, fund_id=fund.id, year=year, quarter=quarter,
                                      today=now.date())
        assert statement.opening_fen == closing
        closing = statement.closing_fen
    assert closing == fund.balance_fen == books(engine, fund.id)
