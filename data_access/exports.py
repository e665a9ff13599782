"""Excel export of the filtered ledger: Chinese headers, frozen header row, readable widths, safe cells."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from sqlalchemy import Engine

from data_access.service_queries import MatterFilter, ledger_chunks
from domain.settings import Settings
from i18n import translate

EXPORT_LIMIT = 200_000
# (column, header key, width)
COLUMNS = [("number", "field.number", 20), ("ledger_no", "field.ledger_no", 20),
           ("registered_at", "field.registered_at", 18),
           ("community", "field.community", 12), ("grid", "field.grid", 14), ("channel", "field.channel", 14),
           ("sub_source", "field.sub_source", 14), ("category", "field.category", 12),
           ("urgency", "field.urgency", 10), ("mode", "field.mode", 14), ("description", "field.description", 50),
           ("step", "field.step", 12),
           ("handler", "field.handler", 10), ("deadline", "field.deadline", 12),
           ("reopen_count", "field.reopen_count", 10), ("overdue", "field.overdue", 10)]
FORMULA_START = ("=", "+", "-", "@")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is kept as text (leading apostrophe)."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def code_labels(settings: Settings, lang: str) -> dict[str, dict]:
    """code -> label maps for the coded ledger columns."""
    subs = {s.code: s.label(lang) for c in settings.channels for s in c.sub_sources}
    return {
        "channel": {c.code: c.label(lang) for c in settings.channels}, "sub_source": subs,
        "category": {c.code: c.label(lang) for c in settings.categories},
        "urgency": {u.code: u.label(lang) for u in settings.urgencies},
        "mode": {m.code: m.label(lang) for m in settings.modes},
        "step": {i: translate(lang, f"step.{i}") for i in range(1, 8)},
        "overdue": {True: translate(lang, "common.yes"), False: translate(lang, "common.no")},
    }


def ledger_xlsx(engine: Engine, flt: MatterFilter, *, today: date, lang: str, settings: Settings) -> bytes:
    """The filtered ledger (newest first, at most EXPORT_LIMIT rows) as an .xlsx file."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(translate(lang, "ledger.sheet"))
    sheet.freeze_panes = "A2"
    for index, (_, _, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    header_font, header_fill = Font(bold=True, color="FFFFFF"), PatternFill("solid", fgColor="C0392B")
    header = []
    for _, key, _ in COLUMNS:
        cell = WriteOnlyCell(sheet, value=translate(lang, key))
        cell.font, cell.fill = header_font, header_fill
        header.append(cell)
    sheet.append(header)
    maps = code_labels(settings, lang)
    for frame in ledger_chunks(engine, flt, today=today, limit=EXPORT_LIMIT):
        frame["registered_at"] = frame["registered_at"].dt.strftime("%Y-%m-%d %H:%M")
        for column, mapping in maps.items():
            frame[column] = frame[column].map(lambda v, m=mapping: m.get(v, v))
        for row in frame[[c for c, _, _ in COLUMNS]].itertuples(index=False):
            sheet.append([safe_cell(v) for v in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
