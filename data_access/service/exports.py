"""Excel export of the filtered ledger: Chinese headers, frozen header row, readable widths, safe cells. Every
column a secretary files through the six steps is there; times and dates are date cells, counts and the score
number cells, coded columns their labels, and a missing value an empty cell.

Reporters' names, phone and ID numbers are masked unless the user asks for them whole and may see them
(per row, "personal.view" where the matter is). Every export is written to the audit trail.
"""

from __future__ import annotations

import io
import numbers
from datetime import date, datetime

import pandas as pd
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine

from data_access import audit, clock
from data_access.db import transaction
from data_access.service.queries import MatterFilter, ledger_chunks
from domain.access import Actor, scope
from domain.fields import plain
from domain.personal import MASKS, PERSONAL_FIELDS
from domain.service.workflow import Evaluation
from domain.settings import Settings
from i18n import translate

EXPORT_LIMIT = 200_000
# (column, header key, width)
COLUMNS = [("number", "field.number", 20), ("ledger_no", "field.ledger_no", 20),
           ("registered_at", "field.registered_at", 18),
           ("community", "field.community", 12), ("grid", "field.grid", 14), ("channel", "field.channel", 14),
           ("sub_source", "field.sub_source", 14), ("category", "field.category", 12),
           ("urgency", "field.urgency", 10), ("mode", "field.mode", 14), ("description", "field.description", 50),
           ("reporter_name", "field.reporter_name", 10), ("reporter_phone", "field.reporter_phone", 14),
           ("reporter_id_number", "field.reporter_id_number", 20),
           ("anonymous", "field.anonymous", 10), ("step", "field.step", 12),
           ("handler", "field.handler", 10), ("supervisor", "field.supervisor", 10),
           ("deadline", "field.deadline", 12), ("extension_count", "field.extension_count", 10),
           ("result", "field.result", 40), ("feedback_content", "field.content", 40),
           ("feedback_method", "field.method", 12), ("evaluation", "field.evaluation", 12),
           ("evaluation_comment", "field.comment", 30), ("evaluated_at", "field.evaluated_at", 18),
           ("score", "field.score", 10), ("closed_at", "field.closed_at", 18),
           ("reopen_count", "field.reopen_count", 10), ("escalated", "field.escalated", 10),
           ("overdue", "field.overdue", 10)]
DATETIME_FORMAT, DATE_FORMAT, COUNT_FORMAT = "yyyy-mm-dd hh:mm", "yyyy-mm-dd", "0"
# columns written as typed cells: local times, dates and whole numbers, each with its Excel number format
CELL_FORMATS = {"registered_at": DATETIME_FORMAT, "evaluated_at": DATETIME_FORMAT, "closed_at": DATETIME_FORMAT,
                "deadline": DATE_FORMAT, "extension_count": COUNT_FORMAT, "score": COUNT_FORMAT,
                "reopen_count": COUNT_FORMAT}
FORMULA_START = ("=", "+", "-", "@")


def safe_cell(value):
    """A text as a spreadsheet cell: without the control characters Excel refuses (a form feed pasted from Word, in
    rows stored before typed text was cleaned), and kept as text when a spreadsheet would run it as a formula."""
    if isinstance(value, str):
        value = plain(value)
        if value.startswith(FORMULA_START):
            return "'" + value
    return value


def code_labels(settings: Settings, lang: str) -> dict[str, dict]:
    """code -> label maps for the coded ledger columns."""
    subs = {s.code: s.label(lang) for c in settings.channels for s in c.sub_sources}
    yes_no = {True: translate(lang, "common.yes"), False: translate(lang, "common.no")}
    return {
        "channel": {c.code: c.label(lang) for c in settings.channels}, "sub_source": subs,
        "category": {c.code: c.label(lang) for c in settings.categories},
        "urgency": {u.code: u.label(lang) for u in settings.urgencies},
        "mode": {m.code: m.label(lang) for m in settings.modes},
        "step": {i: translate(lang, f"step.{i}") for i in range(1, 8)},
        "overdue": yes_no, "anonymous": yes_no, "escalated": yes_no,
        "feedback_method": {m.code: m.label(lang) for m in settings.feedback_methods},
        "evaluation": {e.value: translate(lang, f"evaluation.{e.value}") for e in Evaluation},
    }


def _plain(value):
    """A DataFrame value as a spreadsheet takes it: None for a missing one (None, NaN, NaT), a naive local datetime
    for a timestamp (shown as it was read, in Asia/Shanghai), a whole number as int, numpy scalars as Python's."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    if isinstance(value, pd.Timestamp):
        return value.tz_localize(None).to_pydatetime() if value.tzinfo else value.to_pydatetime()
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        return int(value)
    if isinstance(value, numbers.Real) and not isinstance(value, bool):
        return int(value) if float(value).is_integer() else float(value)
    return value


def new_sheet(book: Workbook, title: str, columns: list[tuple[str, str, int]], lang: str):
    """A write-only sheet in the house style: a bold white-on-red header of `columns` (name, header key, width),
    frozen, with the columns' widths."""
    sheet = book.create_sheet(title)
    sheet.freeze_panes = "A2"
    for index, (_, _, width) in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_font, header_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="C0392B")
    header = []
    for _, key, _ in columns:
        cell = WriteOnlyCell(sheet, value=translate(lang, key))
        cell.font, cell.fill = header_font, header_fill
        header.append(cell)
    sheet.append(header)
    return sheet


def ledger_xlsx(engine: Engine, flt: MatterFilter, *, actor: Actor, today: date, lang: str, settings: Settings,
                unmasked: bool = False, now: datetime | None = None) -> bytes:
    """The filtered ledger (newest first, at most EXPORT_LIMIT rows) as an .xlsx file, recorded in the audit trail.

    With `unmasked`, personal fields are whole in the rows where the actor holds "personal.view"."""
    book = Workbook(write_only=True)
    sheet = new_sheet(book, translate(lang, "ledger.sheet"), COLUMNS, lang)
    maps = code_labels(settings, lang)
    formats = [CELL_FORMATS.get(c) for c, _, _ in COLUMNS]
    may_see = scope(actor, "personal.view") if unmasked else None
    rows = whole = 0
    for frame in ledger_chunks(engine, flt, actor=actor, today=today, limit=EXPORT_LIMIT):
        for column, mapping in maps.items():
            frame[column] = frame[column].map(lambda v, m=mapping: m.get(v, v))
        keep = [bool(may_see and may_see.allows(c, g)) for c, g in zip(frame["community_id"], frame["grid_id"],
                                                                         strict=True)]
        for field in PERSONAL_FIELDS:
            frame[field] = [MASKS[field](v) if isinstance(v, str) and not k else (v if isinstance(v, str) else None)
                            for v, k in zip(frame[field], keep, strict=True)]
        for row in frame[[c for c, _, _ in COLUMNS]].itertuples(index=False):
            sheet.append([_typed(sheet, _plain(v), f) if f else safe_cell(_plain(v))
                          for v, f in zip(row, formats, strict=True)])
        rows += len(frame)
        whole += sum(keep)
    out = io.BytesIO()
    book.save(out)
    _record_export(engine, actor, flt, rows=rows, whole=whole, now=now or clock.now())
    return out.getvalue()


def _typed(sheet, value, number_format: str):
    """A date, time or number cell with its number format (an empty cell when there is no value)."""
    if value is None:
        return None
    cell = WriteOnlyCell(sheet, value=value)
    cell.number_format = number_format
    return cell


def _record_export(engine: Engine, actor: Actor, flt: MatterFilter, *, rows: int, whole: int, now: datetime) -> None:
    """The export in the audit trail: who, when, which filter, how many rows, how many with personal data whole."""
    shown = audit.described(flt)
    covered = scope(actor, "matter.read").community_ids(flt.community_ids)
    community = covered[0] if covered and len(covered) == 1 else None  # so the community's secretary sees it
    with transaction(engine) as session:
        audit.record(session, actor=actor, action="export.ledger", entity="matter", entity_id=None,
                     community_id=community, at=now,
                     after={"filter": shown, "rows": rows, "personal": "whole" if whole else "masked",
                            "rows_with_personal_whole": whole})
