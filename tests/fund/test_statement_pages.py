"""Page tests (Streamlit AppTest) of the fund overview and the quarterly statement: on an empty database each says
what to do next; on the demo the overview's figures and request lists are the overview's reads, and the statement
opens on the current quarter, marked 截至今日 with today's date, its figures balancing and closing at the fund's
balance; an ended quarter is whole and lists its payments with their approvers and decision; whoever holds no fund
permission is turned away; typed text on the printed sheet is text, never markup."""

from __future__ import annotations

import re

import pytest

from data_access import clock
from data_access.demo.fund import FUND, GARDEN
from data_access.fund import queries
from data_access.fund.documents import Group, Sheet, yuan
from domain.fund.statement import quarter_of
from i18n import translate
from tests.fund.support import balance, demo_fund
from tests.pages_support import page_db, run_page, texts
from ui.fund.statement import sheet_html


def zh(key: str, **params) -> str:
    return translate("zh", key, **params)


def sheet_text(at) -> str:
    """The printed sheet's text (its HTML without tags, entities read back)."""
    body = "".join(h.proto.body for h in at.get("html") if "gz-statement" in h.proto.body)
    return re.sub(r"<[^>]+>", " ", body.split("</style>")[-1]).replace("&amp;", "&")


@pytest.fixture
def empty(tmp_path, monkeypatch):
    """An empty app database with one community, its secretary and worker, and a member unit's representative."""
    with page_db(tmp_path, "fund", demo=False, monkeypatch=monkeypatch) as db:
        community, _ = db.add_place("康盛社区", "KS")
        db.add_user("sec", "secretary", community)
        db.add_user("work", "worker", community)
        db.add_user("rep", "unitrep", community)
        yield db


def test_empty_pages_say_what_to_do_next_and_others_are_turned_away(empty):
    for page in ("fund_overview", "fund_statement"):
        at = run_page(page, empty.users["sec"])
        assert not at.exception
        assert zh("fund_ui.no_funds") in texts(at.info), page
        assert not at.get("html") or not sheet_text(at).strip()
    at = run_page("fund_overview", empty.users["sec"])
    assert [b.label for b in at.button] == [zh("fund_ov.set_up")], "the secretary may open a fund"
    assert not run_page("fund_overview", empty.users["work"]).button, "a worker may not"
    for page in ("fund_overview", "fund_statement"):
        at = run_page(page, empty.users["rep"])
        assert zh("error.page_not_allowed") in texts(at.error), page
        assert not at.metric and not at.get("html")


def test_the_overview_shows_the_funds_figures_and_who_is_still_to_sign(demo_db):
    fund = demo_fund(demo_db.engine)
    year = clock.today().year
    data = queries.overview(demo_db.engine, actor=demo_db.actor("secretary"), year=year)
    for user in ("secretary", "recorder", "leader"):
        at = run_page("fund_overview", demo_db.users[user])
        assert not at.exception, user
        metrics = {m.label: m.value for m in at.metric}
        assert metrics[zh("fund_ov.balance")] == yuan(balance(demo_db.engine, fund.id)), user
        assert metrics[zh("fund_ov.income", year=year)] == yuan(sum(r["amount_fen"] for r in data["income"]))
        assert metrics[zh("fund_ov.spending", year=year)] == yuan(sum(r["amount_fen"] for r in data["spending"]))
        for name in ("waiting", "to_pay", "large"):
            assert metrics[zh(f"fund_ov.{name}")] == str(len(data[name])), (user, name)
        assert data["waiting"] and data["to_pay"] and data["large"], "the demo has every kind of request"
        tables = [d.value for d in at.dataframe]  # waiting, to pay, large
        waiting = tables[0]
        assert list(waiting["number"]) == [r["number"] for r in data["waiting"]]
        assert list(waiting["waiting_for"]) == ["、".join(r["waiting_for"]) for r in data["waiting"]]
        assert list(tables[2]["number"]) == [r["number"] for r in data["large"]]
    at = run_page("fund_overview", demo_db.users["secretary"], fov_year=year - 1)
    earlier = queries.overview(demo_db.engine, actor=demo_db.actor("secretary"), year=year - 1)
    assert {m.label: m.value for m in at.metric}[zh("fund_ov.income", year=year - 1)] == \
        yuan(sum(r["amount_fen"] for r in earlier["income"]))


def test_a_secretary_of_another_community_sees_no_fund(demo_db):
    other = demo_db.add_user("other_sec", "secretary", demo_fund(demo_db.engine).community_id + 1)
    at = run_page("fund_overview", other)
    assert zh("fund_ui.no_funds") in texts(at.info) and not at.metric


def test_the_statement_opens_on_the_current_quarter_to_date_and_balances(demo_db):
    fund = demo_fund(demo_db.engine)
    today = clock.today()
    year, quarter = quarter_of(today)
    at = run_page("fund_statement", demo_db.users["recorder"])
    assert not at.exception
    assert [s.value for s in at.selectbox] == [fund.id, year, quarter]
    text = sheet_text(at)
    words = zh("fund_doc.q" + str(quarter))
    assert f"{FUND} {year}年第{words}季度收支公示" in text
    today_words = f"{today.year}年{today.month}月{today.day}日"
    assert f"至{today_words}（截至今日）" in text and f"本公示截至今日（{today_words}）" in text
    result = queries.statement(demo_db.engine, actor=demo_db.actor("recorder"), fund_id=fund.id, year=year,
                               quarter=quarter, today=today)
    assert result.closing_fen == balance(demo_db.engine, fund.id)
    assert (f"期初余额 + 本期收入 − 本期支出 = 期末余额：{yuan(result.opening_fen)} + {yuan(result.income_fen)} − "
            f"{yuan(result.spending_fen)} = {yuan(result.closing_fen)}") in text
    for entry in result.income:
        assert entry["payer"] in text and yuan(entry["amount_fen"]) in text
    before = (year, quarter - 1) if quarter > 1 else (year - 1, 4)
    at.selectbox(key="fst_year").set_value(before[0]).run()
    at.selectbox(key="fst_quarter").set_value(before[1]).run()
    assert not at.exception and "截至今日" not in sheet_text(at)
    assert f"{before[0]}年第{zh('fund_doc.q' + str(before[1]))}季度收支公示" in sheet_text(at)


def test_an_ended_quarter_is_whole_and_lists_each_payment_with_its_approvals(demo_db):
    fund = demo_fund(demo_db.engine)
    secretary = demo_db.actor("secretary")
    today = clock.today()
    ended = [quarter_of(fund.opened_on)]
    while ended[-1] < quarter_of(today):
        y, q = ended[-1]
        ended.append((y + 1, 1) if q == 4 else (y, q + 1))
    with_decision = next((y, q) for y, q in ended[:-1] if any(
        p["decision_id"] for p in queries.statement(demo_db.engine, actor=secretary, fund_id=fund.id, year=y,
                                                    quarter=q, today=today).payments))
    at = run_page("fund_statement", demo_db.users["secretary"], fst_year=with_decision[0],
                  fst_quarter=with_decision[1])
    assert not at.exception
    text = sheet_text(at)
    assert "截至今日" not in text
    result = queries.statement(demo_db.engine, actor=secretary, fund_id=fund.id, year=with_decision[0],
                               quarter=with_decision[1], today=today)
    for payment in result.payments:
        assert payment["number"] in text and payment["payee"] in text
        assert f"同意：{'、'.join(payment['approved_by'])}" in text
    assert f"议事会决议：{GARDEN}" in text
    assert yuan(result.closing_fen) in text


def test_typed_text_on_the_sheet_is_text_never_markup():
    hostile = '<img src=x onerror="alert(1)">**粗体**'
    words = Sheet(title=hostile, period="p", to_date=None, council=hostile, summary=[("a", "¥1.00")] * 4,
                  equation="e", income_title="i", income_head=["d", "p", "a", "n"],
                  income=[Group(hostile, [["2026-01-01", hostile, "¥1.00", hostile]])], no_income="",
                  spending_title="s", spending_head=["d", "n", "p", "f", "a", "w"], spending=[], no_spending="none",
                  footer=[hostile])
    page = sheet_html(words)
    assert "<img" not in page and "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;**粗体**" in page
    assert page.count("&lt;img") == 6


def test_both_pages_in_english(demo_db):
    year, quarter = quarter_of(clock.today())
    at = run_page("fund_statement", demo_db.users["secretary"], lang="en")
    assert not at.exception
    assert f"{FUND}: income and spending, Q{quarter} {year}" in sheet_text(at) and "(to date)" in sheet_text(at)
    assert at.selectbox(key="fst_quarter").options[-1] == f"Quarter {quarter}"
    at = run_page("fund_overview", demo_db.users["secretary"], lang="en")
    assert not at.exception
    assert {"Balance", f"Income {year}", "Waiting for signatures", "Large spending awaiting a decision"} <= \
        {m.label for m in at.metric}


def test_a_fund_s_typed_name_shows_as_typed(demo_db):
    from sqlalchemy import update

    from data_access.db import transaction
    from data_access.models import Fund

    name = "**幸福里** <b>[公益](javascript:x)</b>"
    with transaction(demo_db.engine) as session:
        session.execute(update(Fund).values(name=name))
    at = run_page("fund_overview", demo_db.users["secretary"])
    assert at.selectbox(key="fov_only").options == [name], "a selectbox's options are plain text"
    at = run_page("fund_statement", demo_db.users["secretary"])
    assert f"{name} " in sheet_text(at).replace("&lt;", "<").replace("&gt;", ">")
    assert "<b>[公益]" not in "".join(h.proto.body for h in at.get("html")), "never markup on the sheet"
