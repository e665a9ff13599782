"""The Word minutes of a meeting (data_access.committee.minutes), opened again with python-docx."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from datetime import date, timedelta

import docx
import pytest
from docx.oxml.ns import qn
from docx.shared import Pt

from data_access.committee import meetings as cm
from data_access.committee.minutes import build, minutes_docx
from data_access.db import transaction
from data_access.models import Claim, ProgressUpdate
from domain.errors import DomainError
from tests.committee.test_meetings import (
    LAST_MEETING,
    TODAY,
    add_action,
    add_claim,
    add_meeting,
    audits,
    build_committee,
    opened,
)
from tests.conftest import NOW

pytestmark = pytest.mark.db
CLOSED = NOW + timedelta(hours=1, minutes=35)


@pytest.fixture
def held(engine, settings):
    """A committee whose second progress meeting of 2026 was held today and closed: two units present, one
    absent, three claims on the agenda (one updated during the meeting), a decision, two action items (one done
    at the meeting) and an action item carried over from the first meeting."""
    c = build_committee(engine, settings)
    first = add_meeting(c, day=LAST_MEETING, chair="B")
    add_action(c, first, text="修缮社区活动室", owner="李工", due=date(2026, 10, 31))
    behind = add_claim(c, unit="C", name="垃圾分类宣传", target=50, done=5, last_update=date(2026, 6, 1))
    add_claim(c, unit="B", name="青少年课堂", target=20, done=19, last_update=date(2026, 9, 1))
    add_claim(c, unit="A", name="助老服务", target=100, done=90, last_update=date(2026, 11, 1))
    meeting = opened(c, place="康盛社区党群服务中心三楼会议室")
    run = {"engine": engine, "actor": c.actor("repa"), "meeting_id": meeting.id, "now": NOW}
    cm.set_attendance(**run, rows=[{"unit_id": c.units["A"], "present": True, "attendee": "张伟"},
                                   {"unit_id": c.units["B"], "present": True, "attendee": None},
                                   {"unit_id": c.units["C"], "present": False, "attendee": None}])
    with transaction(engine) as s:  # progress entered at the meeting for unit C
        s.add(ProgressUpdate(claim_id=behind, community_id=c.community_id, on=TODAY, done=20, note="已开展两场",
                             meeting_id=meeting.id, created_at=NOW))
        s.get(Claim, behind).done = 20
        s.get(Claim, behind).last_update_on = TODAY
    detail = cm.meeting_detail(engine, actor=c.actor("repa"), meeting_id=meeting.id)
    cm.mark_agenda_item(**run, agenda_item_id=int(detail.agenda.iloc[1]["id"]), discussed=True, seconds=180,
                        note="年底前补齐宣传场次")
    cm.add_outcome(**run, data={"kind": "decision", "text": "下次推进会在第一技工学校召开"})
    cm.add_outcome(**run, data={"kind": "action", "text": "组织冬季义诊", "owner": "王医生",
                                "owner_unit_id": c.units["B"], "due": date(2026, 12, 15)})
    quick = cm.add_outcome(**run, data={"kind": "action", "text": "张贴通知", "owner": "社区"})
    cm.finish_action_item(c.engine, actor=c.actor("repa"), action_item_id=quick.id, meeting_id=meeting.id, now=NOW)
    cm.close_meeting(c.engine, actor=c.actor("repa"), meeting_id=meeting.id, summary="各单位进展总体顺利。",
                     now=CLOSED)
    return c, meeting.id


def _open(data: bytes):
    return docx.Document(io.BytesIO(data))


def _texts(document) -> list[str]:
    return [p.text for p in document.paragraphs]


def _after(texts: list[str], heading: str, stop: str) -> list[str]:
    start = texts.index(heading)
    end = next(i for i in range(start + 1, len(texts)) if texts[i].startswith(stop))
    return texts[start + 1:end]


def test_the_minutes_hold_what_the_meeting_recorded(held):
    c, meeting_id = held
    document = _open(minutes_docx(c.engine, actor=c.actor("leader"), meeting_id=meeting_id, now=CLOSED))
    texts = _texts(document)
    assert texts[0] == "康盛社区联合党委2026年第2次推进会会议纪要"
    assert "时间：2026年11月20日 10:00—11:35" in texts
    assert "地点：康盛社区党群服务中心三楼会议室" in texts
    assert "主持人：代表repa（轮值书记，市路桥公司）" in texts
    assert "出席单位：市路桥公司（张伟）、第一技工学校" in texts
    assert "缺席单位：康盛物业、社区卫生服务站" in texts
    agenda = _after(texts, "一、会议议程与进展", "二、")
    assert agenda == ["（一）进度滞后的事项",
                      "1. 康盛物业：垃圾分类宣传项目·垃圾分类宣传，已完成 20/50次（40%）（本次会议填报）"
                      "；说明：年底前补齐宣传场次",
                      "（二）上次会议以来未更新的事项",
                      "1. 第一技工学校：青少年课堂项目·青少年课堂，已完成 19/20次（95%）",
                      "（三）其他认领事项",
                      "1. 市路桥公司：助老服务项目·助老服务，已完成 90/100次（90%）"]
    assert _after(texts, "二、会议决定", "三、") == ["1. 下次推进会在第一技工学校召开"]
    assert texts[-2:] == ["五、会议小结", "各单位进展总体顺利。"]

    actions, carried = document.tables
    assert [[cell.text for cell in row.cells] for row in actions.rows] == [
        ["事项", "责任人/单位", "完成时限", "状态"],
        ["组织冬季义诊", "王医生（第一技工学校）", "2026年12月15日", "未完成"],
        ["张贴通知", "社区", "无", "已完成"]]
    assert [[cell.text for cell in row.cells] for row in carried.rows] == [
        ["事项", "责任人/单位", "完成时限", "状态"],
        ["修缮社区活动室", "李工", "2026年10月31日", "未完成"]]


def test_the_minutes_follow_the_official_layout(held):
    c, meeting_id = held
    document = _open(minutes_docx(c.engine, actor=c.actor("secretary"), meeting_id=meeting_id))
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


def test_the_export_is_audited_and_needs_the_community(held):
    c, meeting_id = held
    minutes_docx(c.engine, actor=c.actor("worker"), meeting_id=meeting_id, now=CLOSED)
    entry = audits(c.engine, "export.minutes")[0]
    assert (entry.entity, entry.entity_id, entry.community_id, entry.actor_name) == \
        ("committee_meeting", meeting_id, c.community_id, "worker")
    assert entry.after["lang"] == "zh"
    with pytest.raises(DomainError) as err:
        minutes_docx(c.engine, actor=c.actor("other_secretary"), meeting_id=meeting_id)
    assert err.value.key == "error.not_found"
    assert len(audits(c.engine, "export.minutes")) == 1


def test_english_minutes_and_empty_sections(engine, settings):
    c = build_committee(engine, settings)
    meeting = opened(c, place=None)
    cm.set_attendance(engine, actor=c.actor("repa"), meeting_id=meeting.id, now=NOW,
                      rows=[{"unit_id": c.units["A"], "present": True, "attendee": "Zhang Wei"}])
    cm.close_meeting(engine, actor=c.actor("repa"), meeting_id=meeting.id, summary=None, now=NOW)
    texts = _texts(_open(minutes_docx(engine, actor=c.actor("repa"), meeting_id=meeting.id, lang="en")))
    assert texts[0] == "康盛社区 joint party committee: minutes of progress meeting no. 1 of 2026"
    assert "Date: 2026-11-20 10:00-10:00" in texts and "Place: —" in texts
    assert "Units present: 市路桥公司 (Zhang Wei)" in texts
    for heading, stop in (("1. Agenda and progress", "2. "), ("2. Decisions", "3. "), ("3. Action items", "4. "),
                          ("4. Action items carried over from earlier meetings", "5. ")):
        assert _after(texts, heading, stop) == ["—"]
    assert texts[-2:] == ["5. Summary", "—"]


def test_text_pasted_from_word_with_control_characters_still_makes_minutes(engine, settings):
    """Word's line break (\\v) and other control characters are refused by .docx files and PostgreSQL: the
    decision is stored without them, and the minutes are written."""
    c = build_committee(engine, settings)
    meeting = opened(c)
    run = {"engine": engine, "actor": c.actor("repa"), "meeting_id": meeting.id, "now": NOW}
    saved = cm.add_outcome(**run, data={"kind": "decision", "text": "第一条\x0b第二条\x00\x1f"})
    assert saved.text == "第一条\n第二条"
    document = _open(minutes_docx(engine, actor=c.actor("leader"), meeting_id=meeting.id, now=NOW))
    assert any("第一条" in text and "第二条" in text for text in _texts(document))


# --- a meeting whose optional fields are all empty ---------------------------------------------------------------

CHINESE_NUMBERS = "一二三四五六七八九十"


def _all_text(document) -> str:
    """Every paragraph and table cell of a Word file, one per line."""
    cells = [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    return "\n".join([p.text for p in document.paragraphs] + cells)


def assert_official(document, codes=()) -> None:
    """No empty value printed as nan, None, NaT or a raw code; the sub-section numbers （一）（二）… of every
    heading run without a gap."""
    text = _all_text(document)
    for word in ("nan", "None", "NaT", "NaN", "null", *codes):
        assert word not in text, f"{word!r} printed in: {text}"
    numbers = [CHINESE_NUMBERS.index(m) + 1 for m in re.findall(r"^（([一二三四五六七八九十])）", text, re.M)]
    assert numbers == list(range(1, len(numbers) + 1)), numbers


def test_minutes_with_every_optional_field_empty(engine, settings):
    """No place, no summary, notes, owners and due dates left out, no claim without an update (so no 'stale'
    section): nothing prints as nan or None, and the agenda's sections are numbered （一）（二） without a gap."""
    c = build_committee(engine, settings)
    first = add_meeting(c, day=LAST_MEETING, chair="B")
    add_action(c, first, text="修缮社区活动室", owner=None, due=None)
    add_claim(c, unit="C", name="垃圾分类宣传", target=50, done=5, last_update=date(2026, 10, 1))
    add_claim(c, unit="A", name="助老服务", target=100, done=90, last_update=date(2026, 11, 1))
    meeting = opened(c, place=None)
    run = {"engine": engine, "actor": c.actor("repa"), "meeting_id": meeting.id, "now": NOW}
    cm.set_attendance(**run, rows=[{"unit_id": c.units["A"], "present": True, "attendee": None}])
    detail = cm.meeting_detail(engine, actor=c.actor("repa"), meeting_id=meeting.id)
    first_claim = int(detail.agenda[detail.agenda["claim_id"].notna()].iloc[0]["id"])
    cm.mark_agenda_item(**run, agenda_item_id=first_claim, discussed=True, seconds=60, note="")
    cm.add_outcome(**run, data={"kind": "action", "text": "组织冬季义诊", "owner": "社区"})
    cm.close_meeting(engine, actor=c.actor("repa"), meeting_id=meeting.id, summary=None, now=CLOSED)
    document = _open(minutes_docx(engine, actor=c.actor("repa"), meeting_id=meeting.id, now=CLOSED))
    assert_official(document, codes=("behind", "stale", "rest", "progress"))
    agenda = _after(_texts(document), "一、会议议程与进展", "二、")
    assert [line for line in agenda if line.startswith("（")] == ["（一）进度滞后的事项", "（二）其他认领事项"]
    for lang in ("zh", "en"):
        for table in _open(minutes_docx(engine, actor=c.actor("repa"), meeting_id=meeting.id, lang=lang)).tables:
            assert all(cell.text for r in table.rows for cell in r.cells)
    # pandas gives NULL back as NaN (or NaT) as often as None: the same meeting with every NULL a NaN, and the
    # pledge of a claim unknown
    detail = cm.meeting_detail(engine, actor=c.actor("repa"), meeting_id=meeting.id)
    agenda = detail.agenda.copy()
    agenda["unit_label"] = agenda["unit_label"].where(agenda["claim_id"].isna(), other=None)
    agenda.loc[agenda["claim_id"].notna(), "share"] = float("nan")
    nan_detail = replace(detail, **{name: _as_nan(getattr(detail, name))
                                    for name in ("attendance", "outcomes", "progress")}, agenda=_as_nan(agenda))
    assert_official(_open(build(nan_detail)), codes=("behind", "stale", "rest", "progress"))


def _as_nan(frame):
    return frame.astype(object).map(lambda v: float("nan") if v is None else v)
