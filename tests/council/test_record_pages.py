"""Page tests (Streamlit AppTest) of the council's record pages: the overview, councils and members, topics with
their timeline, decisions with their notice and follow-up, and the link back from a 365 matter's page. Each renders
for the secretary, the street leader, the recorder and a community worker, and on an empty database with a message
saying what to do next; refused input keeps the input and says why next to the field, writing nothing; a saved row
shows at once; read-only roles get no forms; the follow-ups are offered only with the permissions they need."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

import pytest
import streamlit as st
from sqlalchemy import func, select

from data_access import clock
from data_access.council.meetings import check_in, close_meeting, open_meeting, plan_meeting, record_vote
from data_access.council.writes import follow_up_matter, follow_up_need, save_council, save_member, save_topic
from data_access.db import reading, transaction
from data_access.models import (
    AuditLog,
    Council,
    CouncilDecision,
    CouncilMember,
    CouncilTopic,
    Matter,
    Need,
)
from data_access.service.writes import create_matter
from domain.council.rules import TOPIC_STAGES
from i18n import translate
from tests.pages_support import app_test, page_db, run_page, texts
from ui.council import records as cr

PAGES = ["council_overview", "council_councils", "council_topics", "council_decisions"]
TITLES = {"council_overview": "议事总览", "council_councils": "议事组织", "council_topics": "议题",
          "council_decisions": "决议与公示"}
USERS = ("secretary", "leader", "recorder", "worker")
FORM_KEYS = {"council_new_save", "member_new_save", "topic_new_save"}
FORM_PREFIXES = ("council_edit_", "member_edit_", "topic_withdraw_", "cdec_assign_", "cdec_notice_",
                 "cdec_follow_")


def zh(key: str, **params) -> str:
    return translate("zh", key, **params)


def count(db, model, *conditions) -> int:
    with reading(db.engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


def at_day(day: date, hour: int = 9) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=clock.ZONE)


def hold_decision_meeting(db, council_id: int, day: date, votes: list[dict], absent: int = 1) -> int:
    """A decision meeting on `day` with the topics of `votes` on its agenda, every member but `absent` present,
    each vote recorded, closed: its id."""
    secretary = db.actor("secretary")
    now = at_day(day)
    meeting = plan_meeting(db.engine, actor=secretary, settings=db.settings, now=now, data={
        "council_id": council_id, "kind": "decision", "day": day, "start_time": time(19), "place": "社区议事厅",
        "chair_id": db.members["王建国"], "recorder": "孙雅琴", "topic_ids": [v["topic_id"] for v in votes]})
    open_meeting(db.engine, actor=secretary, meeting_id=meeting.id, now=now)
    names = list(db.members)
    check_in(db.engine, actor=secretary, meeting_id=meeting.id, now=now,
             rows=[{"member_id": db.members[n], "status": "present" if i < len(names) - absent else "absent"}
                   for i, n in enumerate(names)])
    for vote in votes:
        record_vote(db.engine, actor=secretary, settings=db.settings, meeting_id=meeting.id, now=now,
                    data={"method": "hands", "abstain": 0, **vote})
    close_meeting(db.engine, actor=secretary, meeting_id=meeting.id, summary="会议按议程完成表决。",
                  now=at_day(day, 21))
    return meeting.id


@pytest.fixture
def db(tmp_path, monkeypatch):
    """康盛社区's resident council (five members, 王建国 convening) with four topics: 加装电梯 decided 40 days ago
    (passed 4:0, due 10 days ago: overdue), 停车收费 rejected at the same meeting, 充电桩 passed five days ago
    (in notice, due in a month) and 楼道堆物 just raised. Accounts: the secretary, the street leader, the recorder
    and a community worker of 康盛社区."""
    with page_db(tmp_path, "council", demo=False, monkeypatch=monkeypatch) as db:
        community_id, grids = db.add_place("康盛社区", "KS")
        db.add_user("secretary", "secretary", community_id)
        db.add_user("leader", "leader")
        db.add_user("recorder", "recorder", community_id)
        db.add_user("worker", "worker", community_id)
        secretary, today = db.actor("secretary"), clock.today()
        long_ago = at_day(today - timedelta(days=400))
        council = save_council(db.engine, actor=secretary, settings=db.settings, now=long_ago, data={
            "community_id": community_id, "name": "康盛社区居民议事会", "kind": "resident_council",
            "established_on": today - timedelta(days=400), "active": True})
        db.members = {}
        for name, seat, convener in (("王建国", "party", True), ("李秀英", "residents_committee", False),
                                     ("张伟", "owners_committee", False), ("刘洋", "property", False),
                                     ("陈静", "resident", False)):
            db.members[name] = save_member(db.engine, actor=secretary, settings=db.settings, now=long_ago, data={
                "council_id": council.id, "name": name, "seat": seat, "title": None,
                "term_start": today - timedelta(days=400), "active": True, "convener": convener}).id
        db.topics = {}
        for title, days in (("加装电梯费用分摊", 45), ("小区停车收费调整", 45), ("增设电动车充电桩", 10),
                            ("楼道堆物清理", 0)):
            db.topics[title] = save_topic(db.engine, actor=secretary, now=at_day(today - timedelta(days=days)), data={
                "council_id": council.id, "title": title, "source": "member", "member_id": db.members["李秀英"],
                "raised_on": today - timedelta(days=days)}).id
        first = today - timedelta(days=40)
        db.first_meeting = hold_decision_meeting(db, council.id, first, [
            {"topic_id": db.topics["加装电梯费用分摊"], "text": "按楼层系数分摊加装电梯费用", "votes_for": 4,
             "against": 0, "owner": "刘洋", "due": today - timedelta(days=10)},
            {"topic_id": db.topics["小区停车收费调整"], "text": "停车费每月上调50元", "votes_for": 1, "against": 3}])
        second = today - timedelta(days=5)
        db.second_meeting = hold_decision_meeting(db, council.id, second, [
            {"topic_id": db.topics["增设电动车充电桩"], "text": "在3号楼旁增设充电桩12个", "votes_for": 3, "against": 1,
             "owner": "张伟", "due": today + timedelta(days=30), "notice_end": today + timedelta(days=2)}])
        with reading(db.engine) as session:
            db.decisions = dict(session.execute(select(CouncilDecision.text, CouncilDecision.id)).all())
        db.community_id, db.grids, db.council_id = community_id, grids, council.id
        yield db


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    """No council at all: a community with its secretary, recorder and worker, and the street leader."""
    with page_db(tmp_path, "empty", demo=False, monkeypatch=monkeypatch) as db:
        community_id, _ = db.add_place("康盛社区", "KS")
        db.add_user("secretary", "secretary", community_id)
        db.add_user("leader", "leader")
        db.add_user("recorder", "recorder", community_id)
        db.add_user("worker", "worker", community_id)
        db.community_id = community_id
        yield db


# --- helpers -----------------------------------------------------------------------------------------------------


def _children(node) -> list:
    children = getattr(node, "children", None) or {}
    return list(children.values()) if isinstance(children, dict) else list(children)


def message_under(at, key: str) -> str | None:
    """The error shown right under the widget `key` (where ui.forms.field_error puts a field's message)."""
    def search(node):
        children = _children(node)
        for index, child in enumerate(children):
            if getattr(child, "key", None) == key:
                after = children[index + 1] if index + 1 < len(children) else None
                return after.value if type(after).__name__ == "Error" else ""
            found = search(child)
            if found is not None:
                return found
        return None
    return search(at.main) or None


def form_keys(at) -> set[str]:
    """The keys of every input widget and button on the page."""
    keys = set()
    for kind in ("button", "text_input", "text_area", "number_input", "date_input", "selectbox", "multiselect",
                 "radio", "checkbox"):
        keys |= {w.key for w in at.get(kind) if w.key}
    return keys


def writable(keys: set[str]) -> set[str]:
    return {k for k in keys if k in FORM_KEYS or k.startswith(FORM_PREFIXES)}


def table_with(at, column: str):
    """The first table on the page with this column (a table nobody selects in carries no key)."""
    return next(d.value for d in at.dataframe if column in d.value.columns)


def html_of(at) -> str:
    return "".join(h.proto.body for h in at.get("html"))


def selected_decision(db, text: str) -> tuple[int, int]:
    with reading(db.engine) as session:
        row = session.execute(select(CouncilDecision.id, CouncilDecision.meeting_id)
                              .where(CouncilDecision.text == text)).one()
    return int(row.id), int(row.meeting_id)


# --- every page renders ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_for_each_role(db, page):
    for user in USERS:
        at = run_page(page, db.users[user])
        assert not at.exception, (user, at.exception)
        assert texts(at.title) == [TITLES[page]]
        assert not at.error, (user, texts(at.error))


@pytest.mark.parametrize("page", PAGES)
def test_pages_on_an_empty_database_say_what_to_do(empty_db, page):
    for user in ("secretary", "leader", "recorder"):
        at = run_page(page, empty_db.users[user])
        assert not at.exception, (user, at.exception)
        assert texts(at.title) == [TITLES[page]]
        assert not at.error
        infos = " ".join(texts(at.info))
        manage = user == "secretary"
        if page == "council_overview":
            assert zh("council_page.ov_empty_manage" if manage else "council_page.ov_empty_read") in infos
        elif page == "council_councils":
            assert zh("council_page.cc_empty" if manage else "council_ui.no_councils") in infos
            assert ("council_new_save" in form_keys(at)) is manage
        elif page == "council_topics":
            assert zh("council_ui.no_councils") in infos
        else:
            assert zh("council_page.no_decisions") in infos


@pytest.mark.parametrize("page", PAGES)
def test_pages_in_english(db, page):
    at = run_page(page, db.users["secretary"], lang="en")
    assert not at.exception
    assert texts(at.title) == [translate("en", f"page.{page}")]
    assert not at.error


# --- the overview ------------------------------------------------------------------------------------------------


def test_the_overview_shows_the_figures_and_opens_their_records(db):
    at = run_page("council_overview", db.users["leader"])
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["议事决策会"] == "2"
    assert metrics["群众意见收集会"] == "0"
    assert metrics[zh("council_page.kpi_passed")] == "2"
    assert metrics[zh("council_page.kpi_in_notice")] == "1"
    assert metrics[zh("council_page.kpi_overdue")] == "1"
    assert metrics[zh("council_page.kpi_due_for_review")] == "1"
    assert metrics[zh("council_page.kpi_carried_out_rate")] == "—"
    assert metrics[zh("council_page.kpi_participation")] == "80.0%"  # 4 of 5 at each meeting
    deltas = {m.label: m.delta for m in at.metric}
    assert deltas[zh("council_page.kpi_passed")] == zh("council_page.passed_of", decisions=3, invalid=0)
    assert deltas[zh("council_page.kpi_carried_out_rate")] == zh("council_page.no_value")
    assert zh("council_page.kpi_carried_out_rate") + "：" + zh("council_page.why_no_reviews") in texts(at.caption)
    # the overdue decisions first
    assert at.segmented_control(key="cov_show").value == "overdue"
    assert list(at.dataframe(key="cov_decisions_table").value["text"]) == ["按楼层系数分摊加装电梯费用"]
    at.button(key="cov_open_in_notice").click().run()
    assert list(at.dataframe(key="cov_decisions_table").value["text"]) == ["在3号楼旁增设充电桩12个"]
    at.button(key="cov_open_decision").click().run()
    meetings = table_with(at, "attendance")
    assert len(meetings) == 2 and set(meetings["attendance"]) == {"4/5"}
    at.button(key="cov_open_participation").click().run()
    members = table_with(at, "excused")
    assert list(members["name"])[0] == "陈静", "the member absent twice comes first"
    assert list(members["rate"])[0] == 0.0
    assert not writable(form_keys(at))


def test_the_overview_on_a_year_without_meetings_explains_the_empty_rates(db):
    at = run_page("council_overview", db.users["secretary"], cov_year=clock.today().year - 2)
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[zh("council_page.kpi_participation")] == "—"
    year = clock.today().year - 2
    assert zh("council_page.kpi_participation") + "：" + zh("council_page.why_no_meetings", year=year) \
        in texts(at.caption)
    assert zh("council_page.no_decisions_year", year=year) in texts(at.info)


# --- councils and members ----------------------------------------------------------------------------------------


def test_a_council_with_a_name_taken_is_refused_next_to_the_name_and_the_input_kept(db):
    at = run_page("council_councils", db.users["secretary"])
    at.text_input(key="council_new_name").input("康盛社区居民议事会")
    at.selectbox(key="council_new_kind").select("estate_joint")
    at.text_input(key="council_new_estate").input("幸福里小区")
    at.button(key="council_new_save").click().run()
    assert not at.exception
    assert message_under(at, "council_new_name") == zh("council_error.name_taken")
    assert at.text_input(key="council_new_name").value == "康盛社区居民议事会"
    assert at.text_input(key="council_new_estate").value == "幸福里小区"
    assert at.selectbox(key="council_new_kind").value == "estate_joint"
    assert count(db, Council) == 1
    # another name is saved, the form starts afresh and the table shows it
    at.text_input(key="council_new_name").input("幸福里小区联席会议")
    at.button(key="council_new_save").click().run()
    assert not at.exception
    assert zh("council_page.council_created", name="幸福里小区联席会议") in texts(at.success)
    assert count(db, Council, Council.estate == "幸福里小区", Council.kind == "estate_joint") == 1
    assert [w.value for w in at.text_input if w.key.startswith("council_new_name")] == [""]
    councils = at.dataframe(key="ccouncils_table").value
    assert "幸福里小区联席会议" in set(councils["name"])
    assert set(councils["kind"]) == {"居民议事会", "小区联席会议"}


def test_a_member_whose_term_ends_before_it_starts_is_refused_and_then_saved(db):
    at = run_page("council_councils", db.users["secretary"])
    members = at.dataframe(key="ccouncils_members_table").value
    assert list(members["name"])[:1] == ["王建国"] or "王建国" in set(members["name"])
    assert zh("council_page.is_convener") in set(members["convener"])
    today = clock.today()
    at.text_input(key="member_new_name").input("赵磊")
    at.selectbox(key="member_new_seat").select("grid_leader")
    at.text_input(key="member_new_title").input("第二网格网格长")
    at.date_input(key="member_new_term_start").set_value(today)
    at.date_input(key="member_new_term_end").set_value(today - timedelta(days=1))
    at.button(key="member_new_save").click().run()
    assert not at.exception
    assert message_under(at, "member_new_term_end") == zh("council_error.term_order")
    assert at.text_input(key="member_new_name").value == "赵磊"
    assert at.text_input(key="member_new_title").value == "第二网格网格长"
    assert count(db, CouncilMember) == 5
    at.date_input(key="member_new_term_end").set_value(today + timedelta(days=365 * 3))
    at.button(key="member_new_save").click().run()
    assert zh("council_page.member_created", name="赵磊") in texts(at.success)
    members = at.dataframe(key="ccouncils_members_table").value
    assert "赵磊" in set(members["name"])
    assert count(db, CouncilMember, CouncilMember.name == "赵磊", CouncilMember.seat == "grid_leader") == 1


def test_the_secretary_makes_another_member_the_convener(db):
    member = db.members["陈静"]
    at = run_page("council_councils", db.users["secretary"], ccouncils_member=member)
    assert not at.exception
    assert at.text_input(key=f"member_edit_{member}_name").value == "陈静"
    at.checkbox(key=f"member_edit_{member}_convener").check()
    at.button(key=f"member_edit_{member}_save").click().run()
    assert not at.exception
    assert zh("council_page.member_updated", name="陈静") in texts(at.success)
    with reading(db.engine) as session:
        conveners = session.execute(select(CouncilMember.name).where(CouncilMember.convener.is_(True))).scalars()
        assert list(conveners) == ["陈静"]
    assert list(at.dataframe(key="ccouncils_table").value["convener"]) == ["陈静"]


@pytest.mark.parametrize("user", ["leader", "recorder", "worker"])
def test_read_only_roles_see_no_council_forms(db, user):
    at = run_page("council_councils", db.users[user], ccouncils_member=db.members["陈静"])
    assert not at.exception
    assert not writable(form_keys(at))
    assert zh("common.read_only") in texts(at.caption)
    assert len(table_with(at, "term")) == 5


# --- topics ------------------------------------------------------------------------------------------------------


def test_topics_filter_by_stage_and_words(db):
    at = run_page("council_topics", db.users["leader"])
    assert not at.exception
    topics = at.dataframe(key="ctopics_table").value
    assert set(topics["title"]) == set(db.topics)
    assert not writable(form_keys(at))
    rejected = 1 + TOPIC_STAGES.index("rejected")
    at.selectbox(key="ctopics_stage").select(rejected).run()
    assert list(at.dataframe(key="ctopics_table").value["title"]) == ["小区停车收费调整"]
    at.selectbox(key="ctopics_stage").select(0).run()
    at.text_input(key="ctopics_search").input("充电").run()
    assert list(at.dataframe(key="ctopics_table").value["title"]) == ["增设电动车充电桩"]


def test_a_topic_from_a_matter_number_not_found_is_refused_next_to_the_number(db):
    at = run_page("council_topics", db.users["secretary"])
    at.radio(key="topic_new_source").set_value("matter").run()
    at.text_input(key="topic_new_matter_number").input("MQ-NOPE")
    at.text_input(key="topic_new_title").input("垃圾分类亭异味")
    at.button(key="topic_new_save").click().run()
    assert not at.exception
    assert message_under(at, "topic_new_matter_number") == zh("council_error.matter_not_found", number="MQ\\-NOPE")
    assert at.text_input(key="topic_new_title").value == "垃圾分类亭异味"
    assert at.text_input(key="topic_new_matter_number").value == "MQ-NOPE"
    assert count(db, CouncilTopic) == 4
    # raised by a member instead: saved, listed
    at.radio(key="topic_new_source").set_value("member").run()
    at.selectbox(key="topic_new_member_id").select(db.members["陈静"])
    at.button(key="topic_new_save").click().run()
    assert not at.exception
    assert zh("council_page.topic_created", title="垃圾分类亭异味") in texts(at.success)
    assert count(db, CouncilTopic, CouncilTopic.title == "垃圾分类亭异味",
                 CouncilTopic.member_id == db.members["陈静"]) == 1
    assert "垃圾分类亭异味" in set(at.dataframe(key="ctopics_table").value["title"])


def test_a_topics_timeline_shows_each_step_reached_and_greys_the_rest(db):
    topic = db.topics["加装电梯费用分摊"]
    at = run_page("council_topics", db.users["secretary"], ctopics_selected=topic)
    assert not at.exception
    assert "加装电梯费用分摊" in texts(at.subheader)
    page = html_of(at)
    for step in ("source", "topic", "decision", "notice"):
        assert zh(f"council_page.step_{step}") in page
    assert "按楼层系数分摊加装电梯费用" in page
    assert "step-decision reached" in page and "step-review pending" in page
    assert "step-follow_up pending" in page
    assert zh("council_page.source_member_text", name="李秀英") in page
    # a decided topic cannot be withdrawn
    assert not {k for k in form_keys(at) if k.startswith("topic_withdraw_")}


def test_the_secretary_withdraws_a_topic_with_a_reason(db):
    topic = db.topics["楼道堆物清理"]
    at = run_page("council_topics", db.users["secretary"], ctopics_selected=topic)
    at.button(key=f"topic_withdraw_{topic}_save").click().run()
    assert not at.exception
    assert message_under(at, f"topic_withdraw_{topic}_reason") == zh("error.required")
    assert count(db, CouncilTopic, CouncilTopic.id == topic, CouncilTopic.stage == "raised") == 1
    at.text_area(key=f"topic_withdraw_{topic}_reason").input("已由物业自行清理完毕")
    at.button(key=f"topic_withdraw_{topic}_save").click().run()
    assert not at.exception
    assert zh("council_page.withdrawn") in texts(at.success)
    assert count(db, CouncilTopic, CouncilTopic.id == topic, CouncilTopic.stage == "withdrawn") == 1
    today = clock.today()
    assert [w for w in texts(at.warning) if "撤回理由：已由物业自行清理完毕" in w
            and today.isoformat() in w], "the page says when and why"


def test_the_recorder_may_raise_topics_only_at_an_open_opinion_meeting(db):
    at = run_page("council_topics", db.users["recorder"])
    assert not at.exception
    assert at.radio(key="topic_new_source").options == [zh("council.source_opinion")]
    assert zh("council_page.no_open_opinion_meeting") in texts(at.caption)
    assert at.selectbox(key="topic_new_opinion_meeting_id").disabled
    # an opinion meeting is being held: the recorder notes what residents raise
    today = clock.today()
    meeting = plan_meeting(db.engine, actor=db.actor("secretary"), settings=db.settings, data={
        "council_id": db.council_id, "kind": "opinion", "day": today, "place": "3号楼下", "chair_id":
            db.members["王建国"]})
    open_meeting(db.engine, actor=db.actor("recorder"), meeting_id=meeting.id)
    st.cache_data.clear()  # written here, not through a form
    at = run_page("council_topics", db.users["recorder"])
    at.selectbox(key="topic_new_opinion_meeting_id").select(meeting.id).run()
    at.text_area(key="topic_new_opinions").input("居民反映夜间广场舞噪音扰民")
    at.text_input(key="topic_new_title").input("广场舞噪音")
    at.button(key="topic_new_save").click().run()
    assert not at.exception
    assert zh("council_page.topic_created", title="广场舞噪音") in texts(at.success)
    assert count(db, CouncilTopic, CouncilTopic.opinion_meeting_id == meeting.id) == 1


# --- decisions ---------------------------------------------------------------------------------------------------


def test_the_decisions_list_filters_and_a_decision_shows_its_vote_in_words(db):
    at = run_page("council_decisions", db.users["leader"])
    assert not at.exception
    assert len(at.dataframe(key="cdec_table").value) == 3
    at.segmented_control(key="cdec_show").set_value("overdue").run()
    rows = at.dataframe(key="cdec_table").value
    assert list(rows["text"]) == ["按楼层系数分摊加装电梯费用"]
    assert zh("council_page.overdue_flag") in rows["state"].iloc[0]
    at = run_page("council_decisions", db.users["leader"],
                  cdec_selected=selected_decision(db, "按楼层系数分摊加装电梯费用"))
    assert not at.exception
    vote = next(m.value for m in at.markdown if m.value.startswith(f"**{zh('council_page.vote')}**"))
    assert "同意4票、反对0票、弃权0票" in vote and "表决通过" in vote
    assert not writable(form_keys(at))
    # the notice of the meeting: Word and a printable page
    downloads = {b.key for b in at.get("download_button")}
    assert downloads == {"cdec_notice_docx", "cdec_notice_html"}


def test_a_notice_that_ends_before_it_starts_is_refused_next_to_its_end(db):
    decision_id, meeting_id = selected_decision(db, "在3号楼旁增设充电桩12个")
    at = run_page("council_decisions", db.users["secretary"], cdec_selected=(decision_id, meeting_id))
    form = f"cdec_notice_{decision_id}"
    start = at.date_input(key=f"{form}_notice_start").value
    at.date_input(key=f"{form}_notice_end").set_value(start - timedelta(days=1))
    at.button(key=f"{form}_save").click().run()
    assert not at.exception
    assert message_under(at, f"{form}_notice_end") == zh("council_error.notice_order")
    assert at.date_input(key=f"{form}_notice_end").value == start - timedelta(days=1)
    audits = count(db, AuditLog)
    at.date_input(key=f"{form}_notice_end").set_value(start + timedelta(days=10))
    at.button(key=f"{form}_save").click().run()
    assert zh("council_page.notice_saved") in texts(at.success)
    assert count(db, CouncilDecision, CouncilDecision.id == decision_id,
                 CouncilDecision.notice_end == start + timedelta(days=10)) == 1
    assert count(db, AuditLog) == audits + 1


def test_the_follow_ups_are_offered_only_with_the_permissions_they_need(db):
    pick = selected_decision(db, "在3号楼旁增设充电桩12个")
    decision_id = pick[0]
    follow = {f"cdec_follow_matter_{decision_id}_save", f"cdec_follow_need_{decision_id}_save"}
    at = run_page("council_decisions", db.users["secretary"], cdec_selected=pick)
    assert follow <= form_keys(at)
    for user in ("leader", "recorder", "worker"):
        at = run_page("council_decisions", db.users[user], cdec_selected=pick)
        assert not at.exception
        assert not writable(form_keys(at)), user
    # a rejected decision has no follow-up, even for the secretary
    rejected = selected_decision(db, "停车费每月上调50元")
    at = run_page("council_decisions", db.users["secretary"], cdec_selected=rejected)
    assert not at.exception
    assert not writable(form_keys(at))


def test_a_decision_becomes_a_365_matter_and_a_need_and_shows_both(db):
    decision_id, meeting_id = selected_decision(db, "在3号楼旁增设充电桩12个")
    at = run_page("council_decisions", db.users["secretary"], cdec_selected=(decision_id, meeting_id))
    form = f"cdec_follow_matter_{decision_id}"
    at.button(key=f"{form}_save").click().run()  # no grid, category or mode yet
    assert not at.exception
    assert message_under(at, f"{form}_category") == zh("error.required")
    assert count(db, Matter) == 0
    at.selectbox(key=f"{form}_grid_id").select(db.grids[0])
    at.selectbox(key=f"{form}_category").select("suggestion")
    at.selectbox(key=f"{form}_mode").select("team")
    at.button(key=f"{form}_save").click().run()
    assert not at.exception
    matter = db.matter(Matter.community_id == db.community_id)
    assert matter is not None and "在3号楼旁增设充电桩12个" in matter.description
    assert zh("council_page.matter_made", number=matter.number) in texts(at.success)
    assert f"cdec_follow_matter_{decision_id}_save" not in form_keys(at), "one matter per decision"
    assert zh("council_page.matter_linked", number=matter.number) in [m.value for m in at.markdown]
    assert "cdec_open_matter" in form_keys(at)
    at.button(key=f"cdec_follow_need_{decision_id}_save").click().run()
    assert not at.exception
    assert count(db, Need, Need.council_decision_id == decision_id) == 1
    assert zh("council_page.need_linked") in [m.value for m in at.markdown]
    row = at.dataframe(key="cdec_table").value
    follow = row[row["text"] == "在3号楼旁增设充电桩12个"]["follow_up"].iloc[0]
    assert matter.number in follow and zh("council_page.follow_need") in follow


def test_the_owner_and_due_date_are_required(db):
    decision_id, meeting_id = selected_decision(db, "按楼层系数分摊加装电梯费用")
    at = run_page("council_decisions", db.users["secretary"], cdec_selected=(decision_id, meeting_id))
    form = f"cdec_assign_{decision_id}"
    assert at.text_input(key=f"{form}_owner").value == "刘洋"
    at.text_input(key=f"{form}_owner").input("")
    at.button(key=f"{form}_save").click().run()
    assert message_under(at, f"{form}_owner") == zh("error.required")
    at.text_input(key=f"{form}_owner").input("刘洋、张伟")
    at.button(key=f"{form}_save").click().run()
    assert zh("council_page.assigned") in texts(at.success)
    assert count(db, CouncilDecision, CouncilDecision.owner == "刘洋、张伟") == 1


# --- the link back from the matter ------------------------------------------------------------------------------


def test_the_matter_page_shows_the_decision_it_carries_out(db):
    decision_id = db.decisions["在3号楼旁增设充电桩12个"]
    matter = follow_up_matter(db.engine, actor=db.actor("secretary"), settings=db.settings, decision_id=decision_id,
                              data={"grid_id": db.grids[0], "category": "suggestion", "urgency": "normal",
                                    "mode": "team", "channel": "cadre", "sub_source": "grid_patrol"})
    follow_up_need(db.engine, actor=db.actor("secretary"), decision_id=decision_id)
    at = run_page("matter", db.users["secretary"], record=matter.id)
    assert not at.exception
    lines = [m.value for m in at.markdown]
    assert zh("council_page.from_council") in " ".join(lines)
    assert any("在3号楼旁增设充电桩12个" in line and "康盛社区居民议事会" in line for line in lines)
    # through the app (its navigation knows the decisions page): the button opens the decision's panel there
    app = app_test()
    app.session_state["user_id"] = db.users["secretary"]
    app.run()
    app.query_params["id"] = str(matter.id)
    app.switch_page("pages/service/matter.py").run()
    app.button(key=f"matter_council_{decision_id}").click().run()
    assert not app.exception
    assert app.session_state["cdec_selected"] == selected_decision(db, "在3号楼旁增设充电桩12个")
    assert texts(app.title) == ["决议与公示"]
    assert "在3号楼旁增设充电桩12个" in texts(app.text)
    # a matter no decision led to has no such block
    other = create_matter(db.engine, actor=db.actor("secretary"), settings=db.settings, data={
        "channel": "resident", "sub_source": "phone", "community_id": db.community_id, "grid_id": db.grids[0],
        "anonymous": True, "description": "小区路灯不亮已有一周", "category": "environment", "urgency": "normal",
        "mode": "team", "registered_at": None})
    at = run_page("matter", db.users["secretary"], record=other.id)
    assert not at.exception
    assert zh("council_page.from_council") not in " ".join(m.value for m in at.markdown)


def test_pure_timeline_html_escapes_the_text_and_greys_what_was_not_reached():
    import pandas as pd
    steps = pd.DataFrame({"step": ["topic", "decision"], "day": [date(2026, 3, 1), date(2026, 3, 8)],
                          "meeting_id": [None, 3], "meeting_kind": [None, "decision"],
                          "text": ["<b>加装电梯</b>", "按楼层分摊"], "status": [None, "passed"]})
    entries = cr.timeline_entries(steps, kinds={"decision": "议事决策会"}, source="opinion")
    assert [e["step"] for e in entries] == list(cr.CHAIN)
    assert [e["reached"] for e in entries] == [False, True, False, True, False, False, False]
    page = cr.timeline_html(entries)
    assert "&lt;b&gt;加装电梯&lt;/b&gt;" in page and "<b>加装电梯</b>" not in page
    assert page.count("pending") == 5 and "议事决策会" in page


# --- the demo street ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page", PAGES)
def test_pages_render_on_the_demo_data(demo_db, page):
    for user in ("secretary", "leader", "recorder"):
        at = run_page(page, demo_db.users[user])
        assert not at.exception, (user, at.exception)
        assert texts(at.title) == [TITLES[page]]
        assert not at.error, (user, texts(at.error))
        assert not at.info or page != "council_overview", (user, texts(at.info))


def test_the_demo_decisions_open_with_their_chain_and_notice(demo_db):
    at = run_page("council_decisions", demo_db.users["secretary"])
    rows = at.dataframe(key="cdec_table").value
    assert len(rows) > 0
    with reading(demo_db.engine) as session:
        decision = session.execute(select(CouncilDecision).where(CouncilDecision.status == "passed",
                                                                 CouncilDecision.topic_id.is_not(None))
                                   .order_by(CouncilDecision.id)).scalars().first()
    at = run_page("council_decisions", demo_db.users["secretary"], cdec_selected=(decision.id, decision.meeting_id))
    assert not at.exception and not at.error
    assert decision.text in texts(at.text)
    assert {"cdec_notice_docx", "cdec_notice_html"} <= {b.key for b in at.get("download_button")}
    at = run_page("council_topics", demo_db.users["leader"], ctopics_selected=decision.topic_id)
    assert not at.exception and not at.error
    assert "step-decision reached" in html_of(at)


# --- English filters; user text with Markdown characters ---------------------------------------------------------


def test_the_filters_work_in_english(db):
    at = run_page("council_decisions", db.users["leader"], lang="en")
    at.segmented_control(key="cdec_show").set_value("overdue").run()
    assert not at.exception
    assert list(at.dataframe(key="cdec_table").value["text"]) == ["按楼层系数分摊加装电梯费用"]
    at = run_page("council_overview", db.users["leader"], lang="en")
    at.segmented_control(key="cov_show").set_value("in_notice").run()
    assert not at.exception
    assert list(at.dataframe(key="cov_decisions_table").value["text"]) == ["在3号楼旁增设充电桩12个"]
    last_year = clock.today().year - 1
    at.selectbox(key="cov_year").set_value(last_year).run()
    assert not at.exception
    assert at.selectbox(key="cov_year").value == last_year
    at = run_page("council_topics", db.users["secretary"], lang="en")
    at.radio(key="topic_new_source").set_value("matter").run()
    assert not at.exception
    assert at.text_input(key="topic_new_matter_number") is not None


def test_a_topic_title_with_markdown_characters_shows_as_typed(db):
    with transaction(db.engine) as session:
        session.get(CouncilTopic, db.topics["加装电梯费用分摊"]).title = "加装电梯*费用*分摊"
    at = run_page("council_topics", db.users["secretary"], ctopics_selected=db.topics["加装电梯费用分摊"])
    assert not at.exception
    assert "加装电梯\\*费用\\*分摊" in texts(at.subheader)
    at = run_page("council_decisions", db.users["secretary"],
                  cdec_selected=selected_decision(db, "按楼层系数分摊加装电梯费用"))
    assert not at.exception
    assert "加装电梯\\*费用\\*分摊" in texts(at.subheader)


def test_a_topic_a_decision_and_a_meeting_are_in_the_address_and_their_links_open_them(db):
    secretary = db.users["secretary"]
    topic = db.topics["加装电梯费用分摊"]
    at = run_page("council_topics", secretary, record=topic)
    assert not at.exception
    assert texts(at.subheader)[-1] == "加装电梯费用分摊" and at.query_params["id"] == str(topic)
    decision = db.decisions["按楼层系数分摊加装电梯费用"]
    at = run_page("council_decisions", secretary, record=decision)
    assert not at.exception
    assert at.session_state["cdec_selected"] == (decision, db.first_meeting)
    assert "按楼层系数分摊加装电梯费用" in texts(at.text) and at.query_params["id"] == str(decision)
    at = run_page("council_meetings", secretary, record=db.first_meeting)
    assert not at.exception
    assert at.selectbox(key="council_meetings_pick").value == db.first_meeting
    assert at.query_params["id"] == str(db.first_meeting)
    # an id that is nobody's (or outside the reader's scope) says so, and the address does not keep it
    for page, message in (("council_topics", "未找到该议题，或不在您的查看范围内。"),
                          ("council_decisions", "未找到该决议，或不在您的查看范围内。"),
                          ("council_meetings", "未找到该会议，或不在您的查看范围内。")):
        at = run_page(page, secretary, record=10**9)
        assert not at.exception and message in texts(at.warning), page
        assert at.query_params.get("id") != str(10**9), page


def test_a_new_search_closes_the_topic_or_decision_opened_before(db):
    """A search that finds nothing shows only that: the record opened before does not stay beneath it."""
    at = run_page("council_topics", db.users["secretary"], record=db.topics["加装电梯费用分摊"])
    assert "加装电梯费用分摊" in texts(at.subheader)
    at.text_input(key="ctopics_search").input("没有这个议题").run()
    assert not at.exception and "加装电梯费用分摊" not in texts(at.subheader)
    assert "id" not in at.query_params
    at = run_page("council_decisions", db.users["secretary"], record=db.decisions["按楼层系数分摊加装电梯费用"])
    assert "按楼层系数分摊加装电梯费用" in texts(at.text)
    at.text_input(key="cdec_search").input("没有这个决议").run()
    assert not at.exception and "按楼层系数分摊加装电梯费用" not in texts(at.text)
    # a search longer than any title is refused with its limit and length, the text kept
    at.text_input(key="cdec_search").input("长" * 61).run()
    assert "内容太长：最多 60 个字，当前 61 个字。" in texts(at.error)
    assert at.text_input(key="cdec_search").value == "长" * 61
