"""The minutes of a joint committee meeting (会议纪要) as a Word file in the usual official layout: A4, margins
3.7/3.5/2.8/2.6 cm, a centred title in a song-style bold font, the body in 仿宋 三号 (16 pt), then time, place,
chair, units present and absent, the agenda with each claim's progress, decisions, the action items as a table and
the action items carried over from earlier meetings. Every export is written to the audit trail."""

from __future__ import annotations

import io
from datetime import date, datetime

import pandas as pd
from docx import Document
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from sqlalchemy import Engine

from data_access import audit, clock
from data_access.committee.meetings import MeetingDetail, meeting_detail
from data_access.db import transaction
from domain.access import Actor
from domain.committee.meetings import attendance_summary
from domain.errors import DomainError
from i18n import translate

TITLE_FONT = "方正小标宋简体"  # song-style bold of official documents (Word falls back to 宋体 where it is missing)
BODY_FONT, HEADING_FONT, LATIN_FONT = "仿宋", "黑体", "Times New Roman"
BODY_SIZE, TITLE_SIZE, TABLE_SIZE = Pt(16), Pt(22), Pt(14)  # 三号, 二号, 四号
MARGINS = {"top_margin": Cm(3.7), "bottom_margin": Cm(3.5), "left_margin": Cm(2.8), "right_margin": Cm(2.6)}
SECTIONS = ("behind", "stale", "rest")


def minutes_docx(engine: Engine, *, actor: Actor, meeting_id: int, lang: str = "zh",
                 now: datetime | None = None) -> bytes:
    """The meeting's minutes as .docx bytes, labels in `lang` (zh or en); needs committee.read in the meeting's
    community (another community's meeting is not found). Recorded in the audit trail as export.minutes."""
    detail = meeting_detail(engine, actor=actor, meeting_id=meeting_id)
    if detail is None:
        raise DomainError("error.not_found")
    data = build(detail, lang)
    with transaction(engine) as session:
        audit.record(session, actor=actor, action="export.minutes", entity="committee_meeting", entity_id=meeting_id,
                     community_id=detail.meeting.community_id, at=now or clock.now(),
                     after={"lang": lang, "status": detail.meeting.status, "bytes": len(data)})
    return data


def title(detail: MeetingDetail, lang: str = "zh") -> str:
    """The minutes' title, e.g. 康盛社区联合党委2026年第5次推进会会议纪要."""
    meeting = detail.meeting
    if meeting.kind == "progress" and detail.number:
        return translate(lang, "minutes.title_progress", community=detail.community, year=meeting.day.year,
                         number=detail.number)
    return translate(lang, "minutes.title_annual", community=detail.community, year=meeting.day.year)


def build(detail: MeetingDetail, lang: str = "zh") -> bytes:
    """The .docx bytes of a meeting's minutes (no database access)."""
    t = lambda key, **params: translate(lang, f"minutes.{key}", **params)  # noqa: E731
    meeting = detail.meeting
    doc = Document()
    _page(doc)
    _styles(doc)
    _title(doc, title(detail, lang))

    _field(doc, t("time"), _when(detail, lang), lang)
    _field(doc, t("place"), meeting.place or t("none"), lang)
    chair = t("chair_value", name=detail.chair_representative, unit=detail.chair) \
        if detail.chair and detail.chair_representative else (detail.chair or t("none"))
    _field(doc, t("chair"), chair, lang)
    present, absent = attendance_summary(
        ((r.unit, bool(r.present), _text(r.attendee)) for r in detail.attendance.itertuples(index=False)),
        with_attendee=t("attendee", unit="{unit}", attendee="{attendee}"))
    _field(doc, t("present"), t("separator").join(present) or t("none"), lang)
    _field(doc, t("absent"), t("separator").join(absent) or t("none"), lang)

    cutoff = clock.local(meeting.closed_at).date() if meeting.closed_at else None
    _heading(doc, t("heading_agenda"))
    claims = detail.agenda[detail.agenda["claim_id"].notna()]
    recorded = set(detail.progress["claim_id"])
    if claims.empty:
        _body(doc, t("none"))
    for section in SECTIONS:
        rows = claims[claims["section"] == section]
        if rows.empty:
            continue
        _body(doc, t(f"section_{section}"))
        for n, row in enumerate(rows.itertuples(index=False), start=1):
            line = t("agenda_line", n=n, unit=row.unit, project=row.project, item=row.item, done=_num(row.done),
                     target=_num(row.target), unit_label=row.unit_label or "",
                     percent=f"{(row.share or 0) * 100:.0f}%")
            if row.claim_id in recorded:
                line += t("recorded_now")
            if _text(row.note):
                line += t("note", note=row.note)
            _body(doc, line)

    _heading(doc, t("heading_decisions"))
    decisions = detail.outcomes[detail.outcomes["kind"] == "decision"]
    if decisions.empty:
        _body(doc, t("none"))
    for n, row in enumerate(decisions.itertuples(index=False), start=1):
        _body(doc, t("decision_line", n=n, text=row.text))

    _heading(doc, t("heading_actions"))
    actions = detail.outcomes[detail.outcomes["kind"] == "action"]
    _action_table(doc, [(r.text, _owner(r.owner, r.owner_unit, t), r.due, _done_by(r.done, r.done_on, cutoff))
                        for r in actions.itertuples(index=False)], t, lang)

    _heading(doc, t("heading_carried"))
    carried = detail.agenda[detail.agenda["action_item_id"].notna()]
    _action_table(doc, [(r.text, _owner(r.owner, r.unit, t), r.due, bool(r.finished))
                        for r in carried.itertuples(index=False)], t, lang)

    _heading(doc, t("heading_summary"))
    _body(doc, meeting.summary or t("none"))

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------------------------- formatting


def _text(value) -> str | None:
    """A text cell of a DataFrame, None when empty (pandas gives NaN for NULL)."""
    return value if isinstance(value, str) and value else None


def _num(value) -> str:
    if value is None or pd.isna(value):
        return "0"
    return f"{float(value):g}"


def _day(day: date | None, lang: str) -> str:
    if day is None or pd.isna(day):
        return translate(lang, "minutes.none")
    return translate(lang, "minutes.date", year=day.year, month=day.month, day=day.day)


def _when(detail: MeetingDetail, lang: str) -> str:
    meeting = detail.meeting
    day = _day(meeting.day, lang)
    if meeting.opened_at and meeting.closed_at:
        return translate(lang, "minutes.time_range", date=day, start=f"{clock.local(meeting.opened_at):%H:%M}",
                         end=f"{clock.local(meeting.closed_at):%H:%M}")
    return day


def _owner(owner, unit, t) -> str:
    owner, unit = _text(owner), _text(unit)
    if owner and unit and unit != owner:
        return t("owner_with_unit", owner=owner, unit=unit)
    return owner or unit or t("none")


def _done_by(done, done_on, cutoff: date | None) -> bool:
    """Done as the minutes record it: by the day the meeting closed (live while it is open)."""
    if not done:
        return False
    return cutoff is None or done_on is None or pd.isna(done_on) or done_on <= cutoff


def _fonts(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the Latin and East Asian fonts of a run or style (w:rFonts w:ascii/w:hAnsi/w:eastAsia)."""
    fonts = element.get_or_add_rPr().get_or_add_rFonts()
    fonts.set(qn("w:ascii"), latin)
    fonts.set(qn("w:hAnsi"), latin)
    fonts.set(qn("w:eastAsia"), east_asia)


def _page(doc) -> None:
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for name, value in MARGINS.items():
        setattr(section, name, value)


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    _fonts(normal.element, BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)


def _title(doc, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing = Pt(36)
    paragraph.paragraph_format.space_after = Pt(24)
    run = paragraph.add_run(text)
    run.bold = True
    run.font.size = TITLE_SIZE
    _fonts(run._r, TITLE_FONT, TITLE_FONT)
    doc.core_properties.title = text


def _field(doc, label: str, value: str, lang: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(32)
    run = paragraph.add_run(label + translate(lang, "minutes.colon"))
    _fonts(run._r, HEADING_FONT)
    paragraph.add_run(value)


def _heading(doc, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(32)
    paragraph.paragraph_format.keep_with_next = True
    _fonts(paragraph.add_run(text)._r, HEADING_FONT)


def _body(doc, text: str) -> None:
    paragraph = doc.add_paragraph(text)
    paragraph.paragraph_format.first_line_indent = Pt(32)


def _action_table(doc, rows: list[tuple], t, lang: str) -> None:
    """事项, 责任人/单位, 完成时限, 状态; a paragraph 无 when there is none."""
    if not rows:
        _body(doc, t("none"))
        return
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, key in zip(table.rows[0].cells, ("col_text", "col_owner", "col_due", "col_status"), strict=True):
        _cell(cell, t(key), bold=True)
    for text, owner, due, done in rows:
        cells = table.add_row().cells
        values = (text, owner, _day(due, lang), t("status_done") if done else t("status_open"))
        for cell, value in zip(cells, values, strict=True):
            _cell(cell, value)
    for row in table.rows:
        for cell, width in zip(row.cells, (Cm(7.4), Cm(4.0), Cm(2.8), Cm(1.4)), strict=True):
            cell.width = width


def _cell(cell, text: str, bold: bool = False) -> None:
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    if bold:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = paragraph.add_run(str(text))
    run.bold = bold
    run.font.size = TABLE_SIZE
    if bold:
        _fonts(run._r, HEADING_FONT)
