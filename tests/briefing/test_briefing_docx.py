"""The work briefing as a Word file: reopened with python-docx it has the title, the date, the text as numbered
sections in the official fonts (East Asian typeface set), a page number field, and its export is in the audit
trail; hostile or pasted text is written without failing."""

from __future__ import annotations

import io

import docx
import pytest
from sqlalchemy import select

from data_access.briefing.documents import briefing_docx, build, sections
from data_access.db import reading
from data_access.models import AuditLog
from domain.errors import PermissionDenied
from tests.conftest import NOW

TEXT = "2026年1—11月，全街道共受理民情事项1,234件。\n\n联合党委：认领率89.5%。\n\n居民议事会：通过决议18项。"


def reopened(data: bytes):
    return docx.Document(io.BytesIO(data))


def test_the_file_is_an_official_document_with_numbered_sections():
    document = reopened(build(TEXT, title="全街道2026年1—11月工作简报", day=NOW.date(), lang="zh"))
    lines = [p.text for p in document.paragraphs if p.text.strip()]
    assert lines == ["全街道2026年1—11月工作简报", "2026年11月20日", "一、2026年1—11月，全街道共受理民情事项1,234件。",
                     "二、联合党委：认领率89.5%。", "三、居民议事会：通过决议18项。"]
    fonts = document.styles["Normal"].element.rPr.rFonts
    assert fonts.get("{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia") == "仿宋"
    footer = document.sections[0].footer.paragraphs[0]
    assert "PAGE" in footer._p.xml and footer.text.startswith("— ")


def test_pasted_control_characters_and_markup_are_written_as_text():
    text = "第一段\x0c含换页符 **加粗** <b>x</b>\x00\n\n\n\n第二段"
    assert sections(text) == ["第一段含换页符 **加粗** <b>x</b>", "第二段"]
    lines = [p.text for p in reopened(build(text, title="简报", day=NOW.date(), lang="en")).paragraphs]
    assert "1. 第一段含换页符 **加粗** <b>x</b>" in lines and "2. 第二段" in lines


@pytest.mark.db
def test_an_export_is_audited_and_needs_the_right(demo_engine, actors):
    data = briefing_docx(demo_engine, actor=actors["leader"], text=TEXT, title="简报", period="2026-01..2026-11",
                         now=NOW)
    assert reopened(data).paragraphs[0].text == "简报"
    with reading(demo_engine) as session:
        entry = session.execute(select(AuditLog).where(AuditLog.action == "export.briefing")).scalars().one()
    assert entry.actor_name == "leader" and entry.after["period"] == "2026-01..2026-11"
    with pytest.raises(PermissionDenied):
        briefing_docx(demo_engine, actor=actors["worker"], text=TEXT, title="简报", period="x", now=NOW)


def test_sections_past_ten_keep_chinese_numerals_and_a_typed_number_is_not_repeated():
    from data_access.briefing.documents import numeral

    assert [numeral(n) for n in (1, 9, 10, 11, 19, 20, 23, 99, 100)] == [
        "一", "九", "十", "十一", "十九", "二十", "二十三", "九十九", "100"]
    text = "\n\n".join(["一、总体情况良好", "2. 第二段", "89.5%的事项按期办结"] + [f"第{n}段" for n in range(4, 13)])
    lines = [p.text for p in reopened(build(text, title="简报", day=NOW.date(), lang="zh")).paragraphs]
    assert lines[2:5] == ["一、总体情况良好", "二、第二段", "三、89.5%的事项按期办结"]
    assert lines[11:14] == ["十、第10段", "十一、第11段", "十二、第12段"]


@pytest.mark.db
def test_the_cockpit_s_text_gives_volunteer_service_its_numbered_section_for_a_reader_of_it(demo_engine, actors,
                                                                                            settings):
    from dataclasses import replace

    from data_access.briefing.content import facts, gather
    from domain.briefing.changes import Month, Period
    from i18n.briefing_words import briefing_text

    briefing = gather(demo_engine, Period(Month(2026, 1), Month(2026, 11)), None, actor=actors["leader"],
                      today=NOW.date(), settings=settings)
    for shown, numbers in ((briefing, ["一、", "二、", "三、", "四、"]), (replace(briefing, volunteer=None), None)):
        text = briefing_text("zh", facts("zh", shown, {}))
        lines = [p.text for p in reopened(build(text, title="简报", day=NOW.date(), lang="zh")).paragraphs]
        section = [line for line in lines if "志愿服务：" in line]
        if numbers is None:
            assert section == [], "no volunteer section without volunteer.read"
        else:
            assert [line[:2] for line in lines[2:6]] == numbers and section == [lines[5]]
            assert lines[5].startswith("四、志愿服务：期内")
