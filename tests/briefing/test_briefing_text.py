"""The briefing text: the formal wording of a work briefing, Chinese and English, and on the cockpit every figure
in it is the figure on the screen."""

from __future__ import annotations

from collections import Counter

from sqlalchemy import select

from data_access import clock
from data_access.db import reading
from data_access.models import Matter
from domain.briefing.changes import Change, Month, Period, change
from i18n.briefing_words import BriefingFacts, CommitteeYear, VolunteerFacts, briefing_text, period_words, yoy
from tests.pages_support import run_page

NONE = Change(None, None, None)


def facts(**changes) -> BriefingFacts:
    service = {"accepted": (1234, change(1234, 1100, rate=False, better="up")),
               "closure_rate": (1180 / 1234, change(0.956, 0.935, rate=True, better="up")),
               "on_time_rate": (0.9, NONE), "satisfaction_rate": (0.912, change(0.912, 0.93, rate=True, better="up")),
               "reopen_rate": (0.05, NONE), "overdue": (12, NONE)}
    service.update(changes)
    return BriefingFacts(
        period=Period(Month(2026, 1), Month(2026, 11)), scope="全街道", service=service, closed=1180, floor=0.85,
        below_floor=["康和社区"], top_categories=[("物业管理", 0.217), ("环境卫生", 0.18), ("投诉举报", 0.169)],
        committee=CommitteeYear(2026, 0.895, 0.897, 24, 19, 22),
        council={"meetings": (44, NONE), "passed": (18, NONE), "carried_out": (12, NONE), "in_notice": (0, NONE),
                 "overdue": (8, NONE)})


def test_the_text_reads_as_a_work_briefing():
    text = briefing_text("zh", facts())
    assert text.startswith("2026年1—11月，全街道共受理民情事项1,234件，同比增长12.2%，办结1,180件，办结率95.6%，"
                           "同比上升2.1个百分点；按期办结率90.0%；满意率91.2%，同比下降1.8个百分点；发回重办率5.0%。")
    assert "目前超期未办结事项12件。满意率低于85.0%的社区：康和社区。" in text
    assert "受理最多的3类事项为物业管理（21.7%）、环境卫生（18.0%）、投诉举报（16.9%）。" in text
    assert ("联合党委：2026年度服务内容认领率89.5%，完成进度89.7%，24项服务内容进度滞后；"
            "19家成员单位签订共建协议书（共22家）。") in text
    assert ("居民议事会：期内召开议事会议44次，表决通过决议18项，经述职评议已落实决议12项；"
            "目前0项决议正在公示，8项决议逾期未落实。") in text


VOLUNTEER = VolunteerFacts(
    figures={"requested": (120, change(120, 100, rate=False, better="up")), "signed": (98, NONE),
             "sign_off_rate": (0.875, change(0.875, 0.85, rate=True, better="up")),
             "satisfaction_rate": (0.95, NONE), "hours": (312.5, change(312.5, 250, rate=False, better="up")),
             "points_issued": (3125, NONE), "points_redeemed": (800, NONE), "active": (86, NONE), "late": (2, NONE)},
    dissatisfied=3, honour=[("王丽娟", 62.0), ("程超", 55.5)])


def test_volunteer_service_is_the_last_paragraph_when_read():
    text = briefing_text("zh", BriefingFacts(**{**facts().__dict__, "volunteer": VOLUNTEER}))
    assert text.split("\n\n")[-1] == (
        "志愿服务：期内居民点单120单，同比增长20.0%，已签单98单，签单率87.5%，同比上升2.5个百分点；服务满意率95.0%；"
        "志愿者服务312.5小时，同比增长25.0%，发放积分3,125分，兑换积分800分。目前活跃志愿者86人，2单派单后超时未接单。"
        "期内3单服务评价为不满意。光荣榜前2名：王丽娟（62小时）、程超（55.5小时）。")
    english = briefing_text("en", BriefingFacts(**{**facts().__dict__, "volunteer": VOLUNTEER})).split("\n\n")[-1]
    assert english.startswith("Volunteer service: residents requested 120 services (up 20.0% year on year) and 98 "
                              "were signed off; sign-off rate 87.5% (up 2.5 points year on year)")
    assert english.endswith("Honour roll, top 2: 王丽娟 (62 h), 程超 (55.5 h).")
    assert "志愿服务" not in briefing_text("zh", facts()), "without volunteer.read, no paragraph"


def test_the_same_text_in_english():
    text = briefing_text("en", facts())
    assert text.startswith("In 1–11/2026, 全街道 accepted 1,234 residents' matters (up 12.2% year on year) and closed "
                           "1,180; closure rate 95.6% (up 2.1 points year on year)")
    assert "Communities with a satisfaction rate below 85.0%: 康和社区." in text


def test_periods_and_changes_in_words():
    assert period_words("zh", Period(Month(2026, 11), Month(2026, 11))) == "2026年11月"
    assert period_words("zh", Period(Month(2025, 12), Month(2026, 2))) == "2025年12月—2026年2月"
    assert yoy("zh", change(3, 3, rate=False, better="up"), rate=False) == "，同比持平"
    assert yoy("zh", change(5, 0, rate=False, better="up"), rate=False) == "", "no percentage of nothing"
    assert yoy("zh", NONE, rate=True) == ""


def test_a_period_without_matters_says_so_without_rates():
    text = briefing_text("zh", facts(accepted=(0, NONE), overdue=(0, NONE)))
    assert text.startswith("2026年1—11月，全街道未受理民情事项。目前没有超期未办结事项。")
    assert "办结率" not in text and "受理最多" not in text


def test_on_the_cockpit_every_figure_in_the_text_is_on_the_screen(demo_db):
    at = run_page("briefing_cockpit", demo_db.users["leader"], cockpit_period="quarter")
    assert not at.exception
    text = at.text_area[0].value
    cards = {m.label: m.value for m in at.metric}
    for label in ("办结率", "按期办结率", "满意率", "发回重办率"):
        assert f"{label}{cards[label]}" in text, label
    assert f"共受理民情事项{cards['受理事项']}件" in text
    assert f"目前超期未办结事项{cards['当前超期']}件" in text
    assert f"召开议事会议{cards['召开议事会议']}次" in text and f"认领率{cards['认领率']}" in text
    assert f"居民点单{cards['居民点单']}单" in text and f"已签单{cards['已签单']}单" in text
    assert f"签单率{cards['签单率']}" in text and f"服务满意率{cards['服务满意率']}" in text
    assert f"志愿者服务{cards['服务时长（小时）']}小时" in text and f"活跃志愿者{cards['活跃志愿者']}人" in text
    # the three categories most recorded, by hand from the matters of the last three months
    today = clock.today()
    first = Month(today.year, today.month).plus(-2)
    with reading(demo_db.engine) as session:
        rows = session.execute(select(Matter.registered_at, Matter.category)).all()
    recent = [c for at_, c in rows if (clock.local(at_).year, clock.local(at_).month) >= (first.year, first.month)]
    top = Counter(recent).most_common(1)[0]
    labels = {c.code: c.zh for c in demo_db.settings.categories}
    assert f"受理最多的3类事项为{labels[top[0]]}（{top[1] / len(recent):.1%}）" in text
