"""The public-welfare funds in the leadership briefing, on SQLite and PostgreSQL: the figures are the rows they come
from (the period's income and payments summed by hand, 环比 and 同比 against the months before and last year, the
balance the funds keep) and agree with the fund overview's requests; a signature and a payment move them; the scope
keeps to fund.read; the big screen has a fund slide (the slide count grows by one) and the cockpit a fund section."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from data_access.briefing import display
from data_access.briefing.content import gather
from data_access.briefing.fund import figures
from data_access.briefing.service import first_day
from data_access.db import reading
from data_access.fund import queries, spending
from data_access.models import Fund, FundIncome, FundRequest
from data_access.service.kpis import month_end
from domain.access import Actor, Grant
from domain.briefing.changes import Month, Period, change
from domain.briefing.screen import SLIDES
from tests.conftest import NOW
from tests.fund.support import balance, demo_fund

pytestmark = pytest.mark.db
TODAY = NOW.date()
YEAR = Period(Month(TODAY.year, 1), Month(TODAY.year, TODAY.month))
QUARTER = Period(Month(TODAY.year, TODAY.month).plus(-2), Month(TODAY.year, TODAY.month))


def by_hand(engine, period: Period, community_ids=None) -> tuple[int, int]:
    """Income received and payments made in the period's days, summed from the tables."""
    first, last = first_day(period.first), month_end(first_day(period.last))
    with reading(engine) as session:
        where = [] if community_ids is None else [FundIncome.community_id.in_(community_ids)]
        received = session.execute(select(func.coalesce(func.sum(FundIncome.amount_fen), 0)).where(
            *where, FundIncome.received_on >= first, FundIncome.received_on <= last)).scalar_one()
        where = [] if community_ids is None else [FundRequest.community_id.in_(community_ids)]
        paid = session.execute(select(func.coalesce(func.sum(FundRequest.amount_fen), 0)).where(
            *where, FundRequest.status == "paid", FundRequest.paid_on >= first, FundRequest.paid_on <= last)
        ).scalar_one()
    return int(received), int(paid)


def request_id(engine, detail: str) -> int:
    with reading(engine) as session:
        return session.execute(select(FundRequest.id).where(FundRequest.detail == detail)).scalar_one()


@pytest.mark.parametrize("period", [YEAR, QUARTER], ids=["year", "quarter"])
def test_the_figures_are_the_rows_they_come_from(demo_engine, actors, period):
    leader = actors["leader"]
    got = figures(demo_engine, period, None, actor=leader, today=TODAY)
    income, paid = by_hand(demo_engine, period)
    assert (got.income.value, got.spending.value) == (income, paid) and income > 0 and paid > 0
    before, year_ago = by_hand(demo_engine, period.previous()), by_hand(demo_engine, period.last_year())
    assert got.income.vs_previous == change(income, before[0], rate=False, better="up")
    assert got.income.vs_last_year == change(income, year_ago[0], rate=False, better="up")
    moved = change(paid, before[1], rate=False, better="up")
    assert (got.spending.vs_previous.delta, got.spending.vs_previous.direction) == (moved.delta, moved.direction)
    assert got.spending.vs_previous.good is None, "spending more or less is neither good nor bad"
    with reading(demo_engine) as session:
        funds, kept = session.execute(select(func.count(), func.sum(Fund.balance_fen))).one()
    assert (got.funds, got.balance_fen) == (funds, kept)


def test_the_requests_waiting_are_the_overview_s_and_a_signature_and_a_payment_move_them(demo_engine, actors,
                                                                                       settings):
    fund = demo_fund(demo_engine)
    secretary = actors["secretary"]

    def both() -> tuple[tuple[int, int, int], tuple[int, int, int]]:
        got = figures(demo_engine, YEAR, None, actor=secretary, today=TODAY)
        seen = queries.overview(demo_engine, actor=secretary, year=TODAY.year, today=TODAY)
        return (got.waiting, got.to_pay, got.large), (len(seen["waiting"]), len(seen["to_pay"]), len(seen["large"]))

    mine, overview = both()
    assert mine == overview == (2, 1, 1), "the demo: two waiting for a signature, one to pay, one large"
    party = request_id(demo_engine, "元旦联欢活动奖品和茶点")  # the treasurer's, approved by the convener, needs two
    spending.sign(demo_engine, actor=actors["recorder"], request_id=party, data={"choice": "approve"},
                  now=NOW + timedelta(minutes=1))
    mine, overview = both()
    assert mine == overview == (1, 2, 1)
    spent_before = figures(demo_engine, YEAR, None, actor=secretary, today=TODAY).spending.value
    spending.pay(demo_engine, actor=actors["worker"], settings=settings, request_id=party,
                 data={"paid_on": TODAY, "voucher": "PZ-TEST-1"}, now=NOW + timedelta(minutes=2))
    after = figures(demo_engine, YEAR, None, actor=secretary, today=TODAY)
    assert (after.waiting, after.to_pay, after.large) == (1, 1, 1)
    assert after.spending.value == spent_before + 240_000
    assert after.balance_fen == balance(demo_engine, fund.id)


def test_the_scope_keeps_to_fund_read(demo_engine, actors, settings):
    fund = demo_fund(demo_engine)
    other = Actor(id=None, username="other", display_name="别的社区",
                  grants=(Grant("secretary", fund.community_id + 1, None, frozenset({"fund.read", "briefing.read"})),))
    nothing = figures(demo_engine, YEAR, None, actor=other, today=TODAY)
    assert (nothing.funds, nothing.balance_fen, nothing.income.value, nothing.spending.value, nothing.waiting) == \
        (0, 0, 0, 0, 0)
    leader = actors["leader"]
    narrowed = figures(demo_engine, YEAR, (fund.community_id + 1,), actor=leader, today=TODAY)
    assert narrowed.funds == 0 and narrowed.income.value == 0
    assert figures(demo_engine, YEAR, (fund.community_id,), actor=leader, today=TODAY).income.value == \
        by_hand(demo_engine, YEAR, (fund.community_id,))[0]
    reader = Actor(id=None, username="display", display_name="大屏", grants=(
        Grant("display", None, None, frozenset({"briefing.read", "overview.read", "council.read"})),))
    assert gather(demo_engine, YEAR, None, actor=reader, today=TODAY, settings=settings).fund is None
    screen = display.screen_actor(leader, None)
    assert gather(demo_engine, YEAR, None, actor=screen, today=TODAY, settings=settings).fund is not None, \
        "a display link reads the funds where its creator may"


def test_the_big_screen_has_a_fund_slide_and_an_empty_scope_says_what_comes(demo_engine, actors, settings):
    from dataclasses import replace

    from ui.briefing import screen

    briefing = gather(demo_engine, YEAR, None, actor=actors["leader"], today=TODAY, settings=settings)
    shown = screen.slides(briefing, SLIDES, {})
    assert [s["name"] for s in shown] == list(SLIDES) and len(SLIDES) == 8 and "fund" in SLIDES
    slide = next(s["html"] for s in shown if s["name"] == "fund")
    f = briefing.fund
    for fen in (f.balance_fen, f.income.value, f.spending.value):
        whole, cents = divmod(fen, 100)
        assert f"¥{whole:,}.{cents:02d}" in slide
    assert "小区公益基金" in slide and "待会签申请" in slide and "大额支出待决议" in slide
    assert "long" not in slide
    city = replace(briefing, fund=replace(f, balance_fen=12_345_678_900))  # a city's ¥123,456,789.00
    slide = next(s["html"] for s in screen.slides(city, ("fund",), {}))
    assert '<div class="fig long"><div class="label">基金余额</div><div class="value">¥123,456,789.00</div>' in slide, \
        "a long sum is set smaller to stay inside its panel"
    empty = gather(demo_engine, YEAR, None, actor=Actor(id=None, username="x", display_name="x", grants=(
        Grant("display", 999, None, frozenset({"briefing.read", "fund.read"})),)), today=TODAY, settings=settings)
    slide = next(s["html"] for s in screen.slides(empty, ("fund",), {}))
    assert "本范围内还没有小区公益基金" in slide and "¥0.00" in slide


def test_the_cockpit_shows_the_funds(demo_db):
    from data_access import clock
    from tests.pages_support import run_page

    at = run_page("briefing_cockpit", demo_db.users["leader"], cockpit_period="year")
    assert not at.exception
    cards = {m.label: m.value for m in at.metric}
    today = clock.today()
    got = figures(demo_db.engine, Period(Month(today.year, 1), Month(today.year, today.month)), None,
                  actor=demo_db.actor("leader"), today=today)
    assert cards["基金余额"] == f"¥{got.balance_fen // 100:,}.{got.balance_fen % 100:02d}"
    assert cards["期内支出"] == f"¥{got.spending.value // 100:,}.{got.spending.value % 100:02d}"
    assert (cards["待会签申请"], cards["待付款申请"], cards["大额支出待决议"]) == \
        (str(got.waiting), str(got.to_pay), str(got.large))


def test_the_briefing_text_and_its_word_file_state_the_funds(demo_engine, actors, settings):
    import io
    from dataclasses import replace

    import docx

    from data_access.briefing.content import facts
    from data_access.briefing.documents import build
    from data_access.fund.documents import yuan
    from i18n.briefing_words import briefing_text

    briefing = gather(demo_engine, YEAR, None, actor=actors["leader"], today=TODAY, settings=settings)
    f = briefing.fund
    text = briefing_text("zh", facts("zh", briefing, {}))
    assert text.split("\n\n")[-1].startswith(f"小区公益基金：1个基金目前余额合计{yuan(f.balance_fen)}；"
                                             f"期内收入{yuan(f.income.value)}")
    assert f"目前{f.waiting}笔支出申请待共管人会签，{f.to_pay}笔待登记付款，{f.large}笔大额支出待议事会决议。" in text
    lines = [p.text for p in docx.Document(io.BytesIO(build(text, title="简报", day=TODAY, lang="zh"))).paragraphs]
    assert [line for line in lines if "小区公益基金：" in line] == [lines[6]] and lines[6].startswith("五、")
    assert "小区公益基金" not in briefing_text("zh", facts("zh", replace(briefing, fund=None), {})), \
        "no fund paragraph without fund.read"
