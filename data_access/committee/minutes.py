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
from docx.shared import Cm
from sqlalchemy import Engine

from data_access import audit, clock
from data_access.committee.meetings import MeetingDetail, meeting_detail
from data_access.db import transaction
from data_access.documents import (
    HEADING_FONT,
    TABLE_SIZE,
    a4_page,
    body_paragraph,
    body_styles,
    day_words,
    field_paragraph,
    fonts,
    heading_paragraph,
    text_or_none,
    title_paragraph,
)
from domain.access import Actor
from domain.committee.meetings import attendance_summary
from domain.errors import DomainError
from domain.fields import plain
from i18n import translate

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
    a4_page(doc)
    body_styles(doc)
    title_paragraph(doc, title(detail, lang))

    field_paragraph(doc, t("time"), _when(detail, lang), lang)
    field_paragraph(doc, t("place"), text_or_none(meeting.place) or t("none"), lang)
    chair_unit, representative = text_or_none(detail.chair), text_or_none(detail.chair_representative)
    chair = t("chair_value", name=representative, unit=chair_unit) if chair_unit and representative \
        else (chair_unit or t("none"))
    field_paragraph(doc, t("chair"), chair, lang)
    present, absent = attendance_summary(
        ((r.unit, bool(r.present), text_or_none(r.attendee)) for r in detail.attendance.itertuples(index=False)),
        with_attendee=t("attendee", unit="{unit}", attendee="{attendee}"))
    field_paragraph(doc, t("present"), t("separator").join(present) or t("none"), lang)
    field_paragraph(doc, t("absent"), t("separator").join(absent) or t("none"), lang)

    cutoff = clock.local(meeting.closed_at).date() if meeting.closed_at else None
    heading_paragraph(doc, t("heading_agenda"))
    claims = detail.agenda[detail.agenda["claim_id"].notna()]
    recorded = set(detail.progress["claim_id"])
    if claims.empty:
        body_paragraph(doc, t("none"))
    # the sections present are numbered in order: an empty section is left out and takes no number
    present = [section for section in SECTIONS if (claims["section"] == section).any()]
    for number, section in zip(t("numbers").split(","), present, strict=False):
        rows = claims[claims["section"] == section]
        body_paragraph(doc, t("section", number=number, title=t(f"section_{section}")))
        for n, row in enumerate(rows.itertuples(index=False), start=1):
            line = t("agenda_line", n=n, unit=_text(row.unit, t), project=_text(row.project, t),
                     item=_text(row.item, t), done=_num(row.done), target=_num(row.target),
                     unit_label=text_or_none(row.unit_label) or "", percent=f"{_share(row.share) * 100:.0f}%")
            if row.claim_id in recorded:
                line += t("recorded_now")
            if text_or_none(row.note):
                line += t("note", note=row.note)
            body_paragraph(doc, line)

    heading_paragraph(doc, t("heading_decisions"))
    decisions = detail.outcomes[detail.outcomes["kind"] == "decision"]
    if decisions.empty:
        body_paragraph(doc, t("none"))
    for n, row in enumerate(decisions.itertuples(index=False), start=1):
        body_paragraph(doc, t("decision_line", n=n, text=_text(row.text, t)))

    heading_paragraph(doc, t("heading_actions"))
    actions = detail.outcomes[detail.outcomes["kind"] == "action"]
    _action_table(doc, [(_text(r.text, t), _owner(r.owner, r.owner_unit, t), r.due,
                         _done_by(r.done, r.done_on, cutoff))
                        for r in actions.itertuples(index=False)], t, lang)

    heading_paragraph(doc, t("heading_carried"))
    carried = detail.agenda[detail.agenda["action_item_id"].notna()]
    _action_table(doc, [(_text(r.text, t), _owner(r.owner, r.unit, t), r.due, _true(r.finished))
                        for r in carried.itertuples(index=False)], t, lang)

    heading_paragraph(doc, t("heading_summary"))
    body_paragraph(doc, text_or_none(meeting.summary) or t("none"))

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


# ----------------------------------------------------------------------------------------------- formatting


def _num(value) -> str:
    if value is None or pd.isna(value):
        return "0"
    return f"{float(value):g}"


def _share(value) -> float:
    """A share of the pledge done (0 when unknown: NULL comes back from pandas as None or NaN)."""
    return 0.0 if value is None or pd.isna(value) else float(value)


def _true(value) -> bool:
    """A flag that may be NULL (None, or NaN from pandas): only a real true counts."""
    return False if value is None or pd.isna(value) else bool(value)


def _text(value, t) -> str:
    """A text cell, 无 when empty."""
    return text_or_none(value) or t("none")


def _when(detail: MeetingDetail, lang: str) -> str:
    meeting = detail.meeting
    day = day_words(meeting.day, lang)
    if meeting.opened_at and meeting.closed_at:
        return translate(lang, "minutes.time_range", date=day, start=f"{clock.local(meeting.opened_at):%H:%M}",
                         end=f"{clock.local(meeting.closed_at):%H:%M}")
    return day


def _owner(owner, unit, t) -> str:
    owner, unit = text_or_none(owner), text_or_none(unit)
    if owner and unit and unit != owner:
        return t("owner_with_unit", owner=owner, unit=unit)
    return owner or unit or t("none")


def _done_by(done, done_on, cutoff: date | None) -> bool:
    """Done as the minutes record it: by the day the meeting closed (live while it is open)."""
    if not _true(done):
        return False
    return cutoff is None or done_on is None or pd.isna(done_on) or done_on <= cutoff


def _action_table(doc, rows: list[tuple], t, lang: str) -> None:
    """事项, 责任人/单位, 完成时限, 状态; a paragraph 无 when there is none."""
    if not rows:
        body_paragraph(doc, t("none"))
        return
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, key in zip(table.rows[0].cells, ("col_text", "col_owner", "col_due", "col_status"), strict=True):
        _cell(cell, t(key), bold=True)
    for text, owner, due, done in rows:
        cells = table.add_row().cells
        values = (text, owner, day_words(due, lang), t("status_done") if done else t("status_open"))
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
    run = paragraph.add_run(plain(str(text)))
    run.bold = bold
    run.font.size = TABLE_SIZE
    if bold:
        fonts(run._r, HEADING_FONT)
