"""The Word minutes and the public notice of a council meeting (data_access/council/minutes.py), opened again with
python-docx, and the notice as a printable HTML page. The meetings are those of tests/council/test_queries.py."""

from __future__ import annotations

import io
import re
from dataclasses import replace

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt
from sqlalchemy import func, select

from data_access.council import queries as q
from data_access.council.minutes import build_minutes, build_notice, minutes_docx, notice_docx, notice_html
from data_access.db import reading, transaction
from data_access.models import (
    AuditLog,
    CouncilAgendaItem,
    CouncilAttendance,
    CouncilDecision,
    CouncilMeeting,
    CouncilReview,
)
from domain.errors import DomainError
from tests.conftest import NOW
from tests.council.test_queries import build

pytestmark = pytest.mark.db
CJK = re.compile(r"[\u3400-\u9fff\uff00-\uffef\u3000-\u303f]")
SIGNATURES = ["主持人（签字）：________________", "记录人（签字）：________________",
              "参会人员（签字）：________________"]


@pytest.fixture
def council(engine, settings):
    return build(engine, settings)


def _texts(data: bytes) -> list[str]:
    return [p.text for p in docx.Document(io.BytesIO(data)).paragraphs]


def _after(texts: list[str], heading: str, stop: str) -> list[str]:
    start = texts.index(heading)
    end = next(i for i in range(start + 1, len(texts)) if texts[i].startswith(stop))
    return texts[start + 1:end]


def _audits(engine, action: str) -> list[AuditLog]:
    with reading(engine) as s:
        return list(s.execute(select(AuditLog).where(AuditLog.action == action).order_by(AuditLog.id)).scalars())


def _count(engine, action: str) -> int:
    with reading(engine) as s:
        return s.execute(select(func.count()).select_from(AuditLog).where(AuditLog.action == action)).scalar_one()


def _minutes(f, settings, key: str, who: str = "recorder_a", lang: str = "zh") -> list[str]:
    return _texts(minutes_docx(f.engine, actor=f.actors[who], settings=settings, meeting_id=f.meetings[key],
                               lang=lang, now=NOW))


# --- the minutes -----------------------------------------------------------------------------------------------

def test_the_minutes_of_a_decision_meeting(council, settings):
    texts = _minutes(council, settings, "MV")
    assert texts[0] == "康盛社区居民议事会议事决策会会议纪要"
    assert texts[1:13] == [
        "会议类型：议事决策会", "时间：2026年5月20日 19:00", "地点：社区议事厅", "主持人：张伟", "记录人：孙雅琴",
        "应到：6人", "实到：5人（张伟、李娜、王芳、赵强、陈静）", "缺席：无", "请假：刘洋",
        "列席：街道办王主任、派出所李警官", "会议有效性：应到6人，实到5人，超过半数，符合规定", "一、议题及讨论情况"]
    assert _after(texts, "一、议题及讨论情况", "二、") == [
        "1. 楼道堆物清理", "讨论情况：物业承诺九月底前清理", "2. 增设电动车充电桩", "讨论情况：未记录",
        "3. 修缮活动室", "讨论情况：未记录"]
    assert _after(texts, "二、表决事项", "三、") == [
        "1. 楼道堆物清理", "表决方式：记名投票", "记名投票情况：同意：张伟、李娜、王芳；反对：赵强；弃权：陈静",
        "表决结果：同意3票、反对1票、弃权1票，超过到会人数半数，表决通过", "决议内容：清理三号楼楼道堆物",
        "责任人：康盛物业", "完成时限：2026年9月30日", "公示期：2026年5月20日至2026年5月27日",
        "2. 增设电动车充电桩", "表决方式：举手表决",
        "表决结果：同意2票、反对3票、弃权0票，未超过到会人数半数，表决未通过",
        "决议内容：在小区东侧增设电动车充电桩",
        "3. 修缮活动室", "表决方式：举手表决", "表决结果：同意4票、反对1票、弃权0票，超过到会人数半数，表决通过",
        "决议内容：拨款维修二楼活动室", "责任人：社区居委会", "完成时限：2026年10月31日",
        "公示期：2026年5月21日至2026年5月28日"]
    assert "述职评议" not in "".join(texts)
    assert texts[texts.index("三、会议小结") + 1] == "会议顺利"
    assert texts[-3:] == SIGNATURES


def test_the_minutes_of_a_vote_without_quorum(council, settings):
    texts = _minutes(council, settings, "MA", who="leader")
    assert texts[0] == "康盛社区居民议事会临时会议会议纪要"
    assert "实到：1人（张伟）" in texts and "缺席：李娜、王芳、赵强、刘洋" in texts and "请假：无" in texts
    assert "会议有效性：应到5人，实到1人，未超过半数，不符合规定" in texts
    decisions = _after(texts, "二、表决事项", "三、")
    assert "表决结果：同意1票、反对0票、弃权0票；到会人数不足，表决无效" in decisions
    assert not [line for line in decisions if line.startswith(("责任人", "完成时限", "公示期"))]


def test_the_minutes_of_a_review_meeting(council, settings):
    texts = _minutes(council, settings, "MR")
    assert texts[0] == "康盛社区居民议事会述职评议会议纪要"
    assert _after(texts, "一、议题及讨论情况", "二、") == [
        "1. 评议决议：清理三号楼楼道堆物", "讨论情况：物业汇报清理情况", "2. 评议决议：补种小区绿化",
        "讨论情况：未记录"]
    assert _after(texts, "二、述职评议", "三、") == [
        "1. 评议决议：清理三号楼楼道堆物", "汇报人：康盛物业王经理", "汇报内容：已清理楼道堆物",
        "成员评议：满意2人、基本满意1人、不满意1人", "落实情况：已落实",
        "2. 评议决议：补种小区绿化", "汇报人：物业公司", "汇报内容：完成一半", "成员评议：基本满意1人",
        "落实情况：部分落实（原因：资金未到位）"]
    assert texts[texts.index("三、会议小结") + 1] == "评议两项决议"
    assert texts[-3:] == SIGNATURES


def test_the_minutes_of_an_opinion_and_a_planned_meeting(council, settings):
    texts = _minutes(council, settings, "MO")
    assert texts[0] == "康盛社区居民议事会群众意见收集会会议纪要"
    assert "表决事项" not in "".join(texts)
    assert _after(texts, "一、议题及讨论情况", "二、") == ["1. 楼道堆物清理", "讨论情况：居民反映三号楼楼道堆物"]
    assert "请假：赵强" in texts and "缺席：王芳" in texts
    planned = _minutes(council, settings, "MP", who="secretary_a")
    assert "应到：0人" in planned and "实到：0人" in planned
    assert planned[planned.index("二、会议小结") + 1] == "无"


def test_the_minutes_follow_the_official_layout(council, settings):
    f = council
    document = docx.Document(io.BytesIO(minutes_docx(f.engine, actor=f.actors["worker_a"], settings=settings,
                                                     meeting_id=f.meetings["MV"])))
    section = document.sections[0]
    assert round(section.page_width.cm, 1) == 21.0 and round(section.page_height.cm, 1) == 29.7
    for name, cm_ in (("top_margin", 3.7), ("bottom_margin", 3.5), ("left_margin", 2.8), ("right_margin", 2.6)):
        assert getattr(section, name).cm == pytest.approx(cm_, abs=0.01), name
    title = document.paragraphs[0]
    assert title.alignment == 1  # centred
    run = title.runs[0]
    assert run.bold and run.font.size == Pt(22)
    assert run._r.rPr.rFonts.get(qn("w:eastAsia")) == "方正小标宋简体"
    normal = document.styles["Normal"]
    assert normal.font.size == Pt(16)
    assert normal.element.rPr.rFonts.get(qn("w:eastAsia")) == "仿宋"
    label = document.paragraphs[1].runs[0]  # 会议类型： in 黑体
    assert label.text == "会议类型：" and label._r.rPr.rFonts.get(qn("w:eastAsia")) == "黑体"
    assert document.core_properties.title == "康盛社区居民议事会议事决策会会议纪要"


def test_the_minutes_export_is_audited_and_needs_the_community(council, settings):
    f = council
    minutes_docx(f.engine, actor=f.actors["worker_a"], settings=settings, meeting_id=f.meetings["MV"], now=NOW)
    [entry] = _audits(f.engine, "export.council_minutes")
    assert (entry.entity, entry.entity_id, entry.community_id, entry.actor_name, entry.actor_id) == \
        ("council_meeting", f.meetings["MV"], f.a, "worker_a", f.actors["worker_a"].id)
    assert entry.after["lang"] == "zh" and entry.after["status"] == "closed" and entry.after["bytes"] > 0
    for who in ("worker_b", "unitrep_a"):
        with pytest.raises(DomainError) as err:
            minutes_docx(f.engine, actor=f.actors[who], settings=settings, meeting_id=f.meetings["MV"])
        assert err.value.key == "error.not_found"
    with pytest.raises(DomainError) as err:
        minutes_docx(f.engine, actor=f.actors["leader"], settings=settings, meeting_id=999_999)
    assert err.value.key == "error.not_found"
    assert _count(f.engine, "export.council_minutes") == 1


def _data_strings(f, key: str) -> list[str]:
    """Every text the database holds about a meeting (names, titles, minutes ...), longest first."""
    detail = q.meeting_detail(f.engine, actor=f.actors["leader"], meeting_id=f.meetings[key])
    values = {detail.council.name, detail.community, detail.chair, detail.meeting.place, detail.meeting.recorder,
              detail.meeting.observers, detail.meeting.summary}
    for frame in (detail.attendance, detail.agenda, detail.decisions, detail.ballots, detail.reviews,
                  detail.ratings):
        for column in frame.columns:
            values |= {v for v in frame[column] if isinstance(v, str)}
    return sorted((v for v in values if v), key=len, reverse=True)


@pytest.mark.parametrize("key", ["MV", "MA", "MR", "MX"])
def test_english_minutes_have_no_chinese_labels(council, settings, key):
    f = council
    texts = _minutes(f, settings, key, lang="en")
    data = _data_strings(f, key)
    for text in texts:
        for value in data:
            text = text.replace(value, "")
        assert not CJK.search(text), text
    if key == "MV":
        assert texts[0] == "康盛社区居民议事会: minutes of the decision meeting"
        assert texts[1:3] == ["Meeting: Decision meeting", "Date: 2026-05-20 19:00"]
        assert "Present: 5 (张伟, 李娜, 王芳, 赵强, 陈静)" in texts
        assert "Quorum: Expected 6, present 5: more than half, the meeting is quorate" in texts
        assert "Named vote: For: 张伟, 李娜, 王芳; Against: 赵强; Abstain: 陈静" in texts
        assert "Public notice: 2026-05-20 to 2026-05-27" in texts
        assert texts[-3:] == ["Chair (signature): ________________", "Recorder (signature): ________________",
                              "Members present (signature): ________________"]


# --- the notice ------------------------------------------------------------------------------------------------

def test_the_notice_of_the_passed_decisions(council, settings):
    f = council
    data = notice_docx(f.engine, actor=f.actors["secretary_a"], meeting_id=f.meetings["MV"], now=NOW)
    texts = _texts(data)
    assert texts == [
        "关于康盛社区居民议事会议事决策会决议的公示",
        "2026年5月20日，康盛社区居民议事会召开议事决策会，应到6人，实到5人，经表决通过以下决议，现予公示：",
        "1. 清理三号楼楼道堆物", "表决结果：同意3票、反对1票、弃权1票，超过到会人数半数，表决通过", "责任人：康盛物业",
        "完成时限：2026年9月30日", "公示期：2026年5月20日至2026年5月27日",
        "2. 拨款维修二楼活动室", "表决结果：同意4票、反对1票、弃权0票，超过到会人数半数，表决通过",
        "责任人：社区居委会", "完成时限：2026年10月31日", "公示期：2026年5月21日至2026年5月28日",
        "公示期：2026年5月20日至2026年5月28日", "如有异议，请于公示期内向社区居委会反映。", "",
        "康盛社区居民议事会", "2026年5月20日"]
    assert "增设电动车充电桩" not in "".join(texts)  # rejected: not on the notice
    document = docx.Document(io.BytesIO(data))
    assert document.paragraphs[-1].alignment == 2  # issuer and date on the right
    assert round(document.sections[0].top_margin.cm, 1) == 3.7
    [entry] = _audits(f.engine, "export.council_notice")
    assert (entry.entity, entry.entity_id, entry.community_id, entry.actor_name, entry.after["lang"]) == \
        ("council_meeting", f.meetings["MV"], f.a, "secretary_a", "zh")


def test_a_notice_with_one_period_states_it_once(council):
    f = council
    texts = _texts(notice_docx(f.engine, actor=f.actors["leader"], meeting_id=f.meetings["MX"]))
    assert texts[1] == ("2026年11月18日，康盛社区居民议事会召开议事决策会，应到5人，实到3人，"
                        "经表决通过以下决议，现予公示：")
    assert texts[2:8] == ["1. 划定临时停车区", "表决结果：同意3票、反对0票、弃权0票，超过到会人数半数，表决通过",
                          "责任人：社区居委会", "完成时限：2026年11月30日", "公示期：2026年11月18日至2026年11月25日",
                          "如有异议，请于公示期内向社区居委会反映。"]
    assert texts[-1] == "2026年11月18日"


@pytest.mark.parametrize("key", ["MA", "MR", "MP"])
def test_nothing_to_notice_without_a_passed_decision(council, key):
    f = council
    with pytest.raises(DomainError) as err:
        notice_docx(f.engine, actor=f.actors["secretary_a"], meeting_id=f.meetings[key])
    assert err.value.key == "council_error.nothing_to_notice"
    detail = q.meeting_detail(f.engine, actor=f.actors["secretary_a"], meeting_id=f.meetings[key])
    with pytest.raises(DomainError) as err:
        notice_html(detail)
    assert err.value.key == "council_error.nothing_to_notice"
    assert _count(f.engine, "export.council_notice") == 0


def test_the_notice_export_needs_the_community(council):
    f = council
    with pytest.raises(DomainError) as err:
        notice_docx(f.engine, actor=f.actors["worker_b"], meeting_id=f.meetings["MV"])
    assert err.value.key == "error.not_found"
    assert _count(f.engine, "export.council_notice") == 0


def test_the_english_notice(council):
    f = council
    texts = _texts(notice_docx(f.engine, actor=f.actors["leader"], meeting_id=f.meetings["MX"], lang="en"))
    assert texts[0] == "Public notice of the decisions of the decision meeting of 康盛社区居民议事会"
    assert texts[1] == ("On 2026-11-18 康盛社区居民议事会 held a decision meeting with 5 members expected and 3 "
                        "present. The following decisions were passed by vote and are hereby made public:")
    assert "Public notice period: 2026-11-18 to 2026-11-25" in texts
    data = _data_strings(f, "MX")
    for text in texts:
        for value in data:
            text = text.replace(value, "")
        assert not CJK.search(text), text


def test_the_notice_as_a_printable_page(council):
    f = council
    with transaction(f.engine) as s:
        s.get(CouncilDecision, f.decisions["D4"]).text = "划定<临时>停车区 & 夜间开放"
    detail = q.meeting_detail(f.engine, actor=f.actors["secretary_a"], meeting_id=f.meetings["MX"])
    page = notice_html(detail)
    assert page.startswith("<!DOCTYPE html>") and "size: A4" in page and "@media print" in page
    assert "<h1>关于康盛社区居民议事会议事决策会决议的公示</h1>" in page
    assert "1. 划定&lt;临时&gt;停车区 &amp; 夜间开放" in page and "<临时>" not in page
    for words in ("表决结果：同意3票、反对0票、弃权0票，超过到会人数半数，表决通过", "责任人：社区居委会",
                  "完成时限：2026年11月30日", "公示期：2026年11月18日至2026年11月25日",
                  "如有异议，请于公示期内向社区居委会反映。", "<p class=\"date\">2026年11月18日</p>"):
        assert words in page
    english = notice_html(detail, lang="en")
    assert '<html lang="en">' in english and "Public notice period: 2026-11-18 to 2026-11-25" in english
    assert _count(f.engine, "export.council_notice") == 0  # a pure function: no audit


# --- meetings whose optional fields are all empty --------------------------------------------------------------

CHINESE_NUMBERS = "一二三四五六七八九十"
CODES = ("opinion", "discussion", "decision", "review", "ad_hoc", "hands", "named", "ballot", "passed", "rejected",
         "invalid", "carried_out", "partly", "not_carried", "present", "absent", "excused", "council.", "minutes.")


def _all_text(document) -> str:
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def assert_official(data: bytes, lang: str = "zh") -> None:
    """No empty value printed as nan, None, NaT or (in Chinese) a raw code; the headings 一、二、… and any （一）（二）…
    run without a gap."""
    text = _all_text(docx.Document(io.BytesIO(data)))
    for word in ("nan", "None", "NaT", "NaN", "null", *(CODES if lang == "zh" else ())):
        assert word not in text, f"{word!r} printed in: {text}"
    for pattern in (r"^([一二三四五六七八九十])、", r"^（([一二三四五六七八九十])）"):
        numbers = [CHINESE_NUMBERS.index(m) + 1 for m in re.findall(pattern, text, re.M)]
        assert numbers == list(range(1, len(numbers) + 1)), (pattern, numbers)


def _bare_meetings(f) -> dict[str, int]:
    """A decision and a review meeting of CA1 with nothing optional filled in: no time, place, chair, recorder,
    observers or summary; an agenda item with neither topic nor minutes; a passed decision without a topic, owner,
    due date or notice; a rejected one; a review without a reason or ratings."""
    ids = {}
    with transaction(f.engine) as s:
        for key, kind in (("bare_vote", "decision"), ("bare_review", "review")):
            meeting = CouncilMeeting(community_id=f.a, council_id=f.councils["CA1"], kind=kind, day=NOW.date(),
                                     status="closed", opened_at=NOW, closed_at=NOW, updated_at=NOW)
            s.add(meeting)
            s.flush()
            ids[key] = meeting.id
            for member in ("M1", "M2", "M3"):
                s.add(CouncilAttendance(meeting_id=meeting.id, member_id=f.members[member], status="present"))
        for position, topic in ((1, None), (2, f.topics["T4"])):
            s.add(CouncilAgendaItem(meeting_id=ids["bare_vote"], position=position, topic_id=topic))
        for text, status in (("设置快递柜", "passed"), ("取消停车收费", "rejected")):
            s.add(CouncilDecision(community_id=f.a, council_id=f.councils["CA1"], meeting_id=ids["bare_vote"],
                                  text=text, method="hands", votes_for=3 if status == "passed" else 0,
                                  against=0 if status == "passed" else 3, abstain=0, expected=3, present=3,
                                  quorum_met=True, status=status, decided_on=NOW.date(), updated_at=NOW))
        s.add(CouncilAgendaItem(meeting_id=ids["bare_review"], position=1, decision_id=f.decisions["D6"]))
        s.add(CouncilReview(community_id=f.a, decision_id=f.decisions["D6"], meeting_id=ids["bare_review"],
                            reporter="社区居委会", report="已完成维修", outcome="carried_out", reviewed_on=NOW.date()))
    return ids


def _nan_detail(detail):
    """The same detail with every NULL a NaN, as pandas often gives it."""
    frames = ("attendance", "agenda", "decisions", "ballots", "reviews", "ratings")
    return replace(detail, **{name: getattr(detail, name).astype(object).map(
        lambda v: float("nan") if v is None else v) for name in frames})


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_documents_of_meetings_with_every_optional_field_empty(council, settings, lang):
    f = council
    ids = _bare_meetings(f)
    for key in ("bare_vote", "bare_review"):
        data = minutes_docx(f.engine, actor=f.actors["leader"], settings=settings, meeting_id=ids[key], lang=lang)
        assert_official(data, lang)
        detail = q.meeting_detail(f.engine, actor=f.actors["leader"], meeting_id=ids[key], settings=settings)
        assert_official(build_minutes(_nan_detail(detail), settings, lang), lang)
    none = "无" if lang == "zh" else "—"
    texts = _texts(minutes_docx(f.engine, actor=f.actors["leader"], settings=settings, meeting_id=ids["bare_vote"],
                                lang=lang))
    for label in (("地点", "主持人", "记录人", "列席", "责任人", "完成时限", "公示期") if lang == "zh"
                  else ("Place", "Chair", "Recorder", "Observers")):
        assert f"{label}{'：' if lang == 'zh' else ': '}{none}" in texts, label
    notice = notice_docx(f.engine, actor=f.actors["leader"], meeting_id=ids["bare_vote"], lang=lang)
    assert_official(notice, lang)
    detail = q.meeting_detail(f.engine, actor=f.actors["leader"], meeting_id=ids["bare_vote"], settings=settings)
    assert_official(build_notice(_nan_detail(detail), lang, settings=settings), lang)
    page = notice_html(_nan_detail(detail), lang, settings=settings)
    for word in ("nan", "NaT", "None"):
        assert word not in page
