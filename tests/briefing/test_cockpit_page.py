"""The cockpit page (AppTest): the leader reads the street's figures with 环比 and 同比, the ranking and the alerts,
in Chinese and in English; a secretary sees their own community; an empty database explains instead of 0%."""

from __future__ import annotations

from datetime import date

import pytest

from data_access import clock
from data_access.briefing.council import figures as council_figures
from data_access.briefing.service import figures, ranking
from data_access.briefing.volunteer import figures as volunteer_figures
from data_access.committee.queries import dashboard
from domain.briefing.changes import Month, Period
from tests.pages_support import app_test, page_db, run_page, texts
from ui.briefing.cards import change_text


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    with page_db(tmp_path, "empty", demo=False, monkeypatch=monkeypatch) as db:
        db.add_user("leader", "leader")
        yield db


def year_to_date() -> Period:
    today = clock.today()
    return Period(Month(today.year, 1), Month(today.year, today.month))


def last_three_months() -> Period:
    today = clock.today()
    return Period(Month(today.year, today.month).plus(-2), Month(today.year, today.month))


def shown_cards(at) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


def ranking_table(at):
    return next(d.value for d in at.dataframe if "community" in d.value.columns)


VOLUNTEER_TITLES = ["居民点单", "已签单", "签单率", "服务满意率", "服务时长（小时）", "发放积分", "兑换积分",
                    "活跃志愿者", "超时未接单"]
FUND_TITLES = ["基金余额", "期内收入", "期内支出", "待会签申请", "待付款申请", "大额支出待决议"]


def test_the_leader_reads_the_street_with_its_changes_ranking_and_alerts(demo_db):
    at = run_page("briefing_cockpit", demo_db.users["leader"], cockpit_period="quarter")
    assert not at.exception
    assert texts(at.title) == ["领导驾驶舱"]
    cards = shown_cards(at)
    assert list(cards) == ["受理事项", "办结率", "按期办结率", "满意率", "发回重办率", "当前超期",
                           "认领率", "完成进度", "滞后服务内容", "签订共建协议",
                           "召开议事会议", "通过决议", "决议已落实", "正在公示", "逾期未落实", *VOLUNTEER_TITLES,
                           *FUND_TITLES]
    leader = demo_db.actor("leader")
    expected = {f.key: f for f in figures(demo_db.engine, last_three_months(), None, actor=leader,
                                          today=clock.today(), count_basic=demo_db.settings.satisfaction_counts_basic)}
    assert cards["受理事项"] == f"{int(expected['accepted'].value):,}"
    assert cards["当前超期"] == f"{int(expected['overdue'].value):,}"
    closure = expected["closure_rate"]
    assert cards["办结率"] == f"{closure.value:.1%}"
    committee = dashboard(demo_db.engine, actor=leader, community_ids=None, year=clock.today().year,
                          today=clock.today(), tolerance=demo_db.settings.committee.behind_tolerance)
    assert cards["认领率"] == f"{committee.claim_rate:.1%}" and cards["完成进度"] == f"{committee.completion:.1%}"
    assert cards["滞后服务内容"] == str(committee.behind) and cards["签订共建协议"] == str(committee.agreements_signed)
    council, _ = council_figures(demo_db.engine, last_three_months(), None, actor=leader, today=clock.today())
    titles = ["召开议事会议", "通过决议", "决议已落实", "正在公示", "逾期未落实"]
    for figure, title in zip(council, titles, strict=True):
        assert cards[title] == f"{int(figure.value):,}"
    volunteer = volunteer_figures(demo_db.engine, last_three_months(), None, actor=leader, today=clock.today(),
                                  now=clock.now(), settings=demo_db.settings)
    for figure, title in zip(volunteer.figures, VOLUNTEER_TITLES, strict=True):
        assert cards[title] == (f"{figure.value:.1%}" if figure.rate else f"{figure.value:,.1f}".removesuffix(".0"))
    changes = " ".join(m.value for m in at.markdown)
    assert f"环比 {change_text(closure.vs_previous, rate=True)}" in changes
    assert f"同比 {change_text(closure.vs_last_year, rate=True)}" in changes
    table = ranking_table(at)
    assert sorted(table["community"]) == ["康和社区", "康泰社区", "康盛社区"]
    street = ranking(demo_db.engine, last_three_months(), None, actor=leader, today=clock.today(), count_basic=True)
    overdue = {row["community"]: row["overdue"] for row in street.to_dict("records")}
    alerts = texts(at.text)
    for community, count in overdue.items():
        assert (f"⚠ {community}：{count:,} 件事项超期未办结" in alerts) == bool(count)
    decisions_overdue = next(f.value for f in council if f.key == "overdue")
    assert (f"⚠ 联合党委：{committee.behind:,} 项服务内容进度滞后" in alerts) == bool(committee.behind)
    assert (f"⚠ 居民议事会：{decisions_overdue:,} 项决议逾期未落实" in alerts) == bool(decisions_overdue)
    late = int(volunteer.figure("late").value)
    assert (f"⚠ 志愿服务：{late:,} 单派单后超时未接单" in alerts) == bool(late)
    assert (f"⚠ 志愿服务：期内 {volunteer.dissatisfied:,} 单服务评价为不满意" in alerts) == bool(volunteer.dissatisfied)


def test_over_twelve_months_the_months_before_are_last_year_and_only_yoy_is_shown(demo_db):
    at = run_page("briefing_cockpit", demo_db.users["leader"], cockpit_period="12m")
    assert not at.exception
    changes = [m.value for m in at.markdown if "同比" in m.value or "环比" in m.value]
    assert len(changes) == 17, "one line per figure compared (overdue, in notice, active, late, the funds' balance " \
                               "and requests are as of today)"
    assert all("同比" in c and "环比" not in c for c in changes)


def test_the_cockpit_in_english(demo_db):
    at = run_page("briefing_cockpit", demo_db.users["leader"], lang="en")
    assert not at.exception
    assert texts(at.title) == ["Leadership cockpit"]
    assert "Closure rate" in shown_cards(at)
    assert any("vs last year" in m.value for m in at.markdown)


def test_a_secretary_sees_their_own_community_only(demo_db):
    at = run_page("briefing_cockpit", demo_db.users["secretary"])
    assert not at.exception
    assert ranking_table(at)["community"].tolist() == ["康盛社区"]


def test_a_month_chosen_changes_the_figures(demo_db):
    at = run_page("briefing_cockpit", demo_db.users["leader"])
    year = shown_cards(at)["受理事项"]
    at.segmented_control(key="cockpit_period").set_value("month").run()
    assert not at.exception
    today = clock.today()
    month = Period(Month(today.year, today.month), Month(today.year, today.month))
    one = figures(demo_db.engine, month, None, actor=demo_db.actor("leader"), today=today, count_basic=True)[0]
    assert shown_cards(at)["受理事项"] == f"{int(one.value):,}"
    assert int(year.replace(",", "")) >= int(one.value)


def test_an_empty_database_explains_instead_of_zero_percent(empty_db):
    at = run_page("briefing_cockpit", empty_db.users["leader"])
    assert not at.exception
    cards = shown_cards(at)
    assert cards["受理事项"] == "0" and cards["办结率"] == "—" and cards["满意率"] == "—"
    assert any("没有登记任何事项" in i.value for i in at.info)
    assert ranking_table(at).empty
    assert cards["居民点单"] == "0" and cards["签单率"] == "—" and cards["服务满意率"] == "—"
    assert any("还没有签单的服务时长" in c.value for c in at.caption)


@pytest.mark.parametrize(("button", "title", "check"), [
    ("cockpit_open_overdue", "民情台账", lambda at: at.checkbox(key="ledger_overdue").value is True),
    ("cockpit_open_accepted", "民情台账",
     lambda at: at.date_input(key="ledger_dates").value[0] == date(clock.today().year, 1, 1)),
    ("cockpit_open_council_overdue", "决议与公示", lambda at: at.segmented_control(key="cdec_show").value == "overdue"),
    ("cockpit_open_committee_behind", "联合党委总览", lambda at: True),
    ("cockpit_open_volunteer_late", "服务订单",
     lambda at: at.query_params.get("late") in ("1", ["1"]) and at.query_params.get("step") in ("dispatched",
                                                                                                 ["dispatched"])),
])
def test_a_figure_opens_the_records_behind_it(demo_db, monkeypatch, button, title, check):
    at = app_test(monkeypatch)
    at.session_state["user_id"] = demo_db.users["leader"]
    at.run()
    at.switch_page("pages/briefing/cockpit.py").run()
    assert texts(at.title) == ["领导驾驶舱"]
    at.button(key=button).click().run()
    assert not at.exception
    assert texts(at.title) == [title]
    assert check(at)
