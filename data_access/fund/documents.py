"""The quarterly public statement (季度公示) of a fund as a sheet of words and figures, and as a Word file.

`sheet` turns a `domain.fund.statement.Statement` into the text of every line and cell in one language (titles,
the period, the four balances and the line 期初余额 + 本期收入 − 本期支出 = 期末余额, income grouped by source with
every entry, spending grouped by purpose with every payment, its requester, approvers and council decision); the
page prints it as HTML (ui/fund/statement.py) and `build_statement` writes it to .docx in the house's official
layout, so that both say the same. `statement_docx` reads the statement as the actor may and records the download in
the audit trail (export.fund_statement)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt
from sqlalchemy import Engine

from data_access import audit, clock
from data_access import config as app_config
from data_access.db import transaction
from data_access.documents import (
    HEADING_FONT,
    body_paragraph,
    day_words,
    docx_bytes,
    fonts,
    heading_paragraph,
    strings,
    titled_document,
)
from data_access.fund import queries
from domain.access import Actor
from domain.fields import plain
from domain.fund.statement import Statement
from domain.settings import Settings
from i18n import translate

CELL_SIZE = Pt(10.5)  # 五号: six columns across an A4 page
MARGIN = Cm(2.0)
# landscape A4 less its margins: 25.7 cm
SUMMARY_WIDTHS = (Cm(6.4),) * 4
INCOME_WIDTHS = (Cm(3.0), Cm(9.0), Cm(4.0), Cm(9.7))
SPENDING_WIDTHS = (Cm(2.6), Cm(4.4), Cm(3.6), Cm(6.0), Cm(3.0), Cm(6.1))


def yuan(fen: int) -> str:
    """Whole fen as the UI shows money (ui.format.money): ¥1,234.50, -¥1,234.50; integers only, never a float."""
    whole, cents = divmod(abs(int(fen)), 100)
    return f"{'-' if fen < 0 else ''}¥{whole:,}.{cents:02d}"


@dataclass(frozen=True)
class Group:
    """The entries of one income source or one spending purpose: its heading (name, subtotal, count) and rows of
    cells, a cell's lines separated by newlines."""

    heading: str
    rows: list[list[str]]


@dataclass(frozen=True)
class Sheet:
    """Every text of a statement, in one language."""

    title: str
    period: str
    to_date: str | None             # the quarter is still running: 截至今日 and today's date
    council: str
    summary: list[tuple[str, str]]  # opening, income, spending, closing
    equation: str                   # 期初余额 + 本期收入 − 本期支出 = 期末余额 with the figures
    income_title: str
    income_head: list[str]
    income: list[Group]
    no_income: str
    spending_title: str
    spending_head: list[str]
    spending: list[Group]
    no_spending: str
    footer: list[str] = field(default_factory=list)


def sheet(result: Statement, *, settings: Settings, decisions: dict[int, dict], lang: str, today: date) -> Sheet:
    """The statement's words and figures in `lang`; `decisions` the fund council's decisions by id."""
    t = strings(lang, "fund_doc")
    sources = {o.code: o.label(lang) for o in settings.fund.income_sources}
    purposes = {o.code: o.label(lang) for o in settings.fund.purposes}
    separator = translate(lang, "locale.list_separator")
    none = translate(lang, "minutes.none")
    reversed_here = {e["reverses_id"] for e in result.income if e["reverses_id"] is not None}

    def income_note(entry: dict) -> str:
        if entry["reverses_id"] is not None:
            return t("reversal", reason=plain(entry["reason"] or "") or none)
        return t("reversed") if entry["id"] in reversed_here else ""

    def approvals(payment: dict) -> str:
        lines = [t("requested_by", name=plain(payment["requester"]) or none),
                 t("approved_by", names=separator.join(plain(n) for n in payment["approved_by"]) or none)]
        if payment["decision_id"] is not None:
            decision = decisions.get(payment["decision_id"])
            lines.append(t("decision", text=plain(decision["text"]), day=decision["decided_on"].isoformat())
                         if decision else t("decision_id", id=payment["decision_id"]))
        return "\n".join(lines)

    def grouped(labels: dict[str, str], totals: dict[str, int], rows: list[dict], key: str, cells) -> list[Group]:
        """A group per code with rows, in config.yaml's order (a code no longer configured last, by its code)."""
        groups = []
        for code in [*labels, *sorted(set(totals) - set(labels))]:
            mine = [r for r in rows if r[key] == code]
            if mine:
                groups.append(Group(t("group", label=labels.get(code, code), total=yuan(totals[code]),
                                      count=len(mine)), [cells(r) for r in mine]))
        return groups

    income = grouped(sources, result.income_by_source, result.income, "source", lambda e: [
        e["day"].isoformat(), plain(e["payer"]), yuan(e["amount_fen"]), income_note(e)])
    spending = grouped(purposes, result.spending_by_purpose, result.payments, "purpose", lambda p: [
        p["day"].isoformat(), f"{p['number'] or none}\n{t('voucher', voucher=plain(p['voucher'] or '') or none)}",
        plain(p["payee"]), plain(p["detail"]), yuan(p["amount_fen"]), approvals(p)])
    figures = [yuan(result.opening_fen), yuan(result.income_fen), yuan(result.spending_fen), yuan(result.closing_fen)]
    council = plain(result.fund["council"])
    return Sheet(
        title=t("title", fund=plain(result.fund["name"]), year=result.year, quarter=t(f"q{result.quarter}")),
        period=t("period", first=day_words(result.first, lang), last=day_words(result.last, lang))
        + (t("to_date_mark") if result.to_date else ""),
        to_date=t("to_date", today=day_words(today, lang)) if result.to_date else None,
        council=t("council", council=council),
        summary=list(zip((t("opening"), t("income"), t("spending"), t("closing")), figures, strict=True)),
        equation=t("equation", opening=figures[0], income=figures[1], spending=figures[2], closing=figures[3]),
        income_title=t("income_title"), income_head=[t("col_day"), t("col_payer"), t("col_amount"), t("col_note")],
        income=income, no_income=t("no_income"),
        spending_title=t("spending_title"),
        spending_head=[t("col_paid_on"), t("col_number"), t("col_payee"), t("col_detail"), t("col_amount"),
                       t("col_approvals")],
        spending=spending, no_spending=t("no_spending"),
        footer=[t("by", council=council), t("posted", day=day_words(today, lang)), t("questions")])


def statement_docx(engine: Engine, *, actor: Actor, fund_id: object, year: object, quarter: object,
                   settings: Settings | None = None, lang: str = "zh", now: datetime | None = None) -> bytes:
    """The statement of a fund's quarter as .docx bytes, for whoever may read the fund; a quarter still running is
    stated up to today (截至今日). The download is recorded in the audit trail."""
    now = now or clock.now()
    today = clock.local(now).date()
    settings = settings or app_config.settings()
    result = queries.statement(engine, actor=actor, fund_id=fund_id, year=year, quarter=quarter, today=today)
    decided = {d["id"]: d for d in queries.decisions(engine, actor=actor, fund_id=result.fund["id"], today=today)}
    data = build_statement(sheet(result, settings=settings, decisions=decided, lang=lang, today=today))
    with transaction(engine) as session:
        audit.record(session, actor=actor, action="export.fund_statement", entity="fund", entity_id=result.fund["id"],
                     community_id=result.fund["community_id"], at=now,
                     after={"year": result.year, "quarter": result.quarter, "to_date": result.to_date,
                            "closing_fen": result.closing_fen, "lang": lang, "bytes": len(data)})
    return data


def build_statement(words: Sheet) -> bytes:
    """The .docx bytes of a statement's sheet (no database access): A4 landscape for its wide tables, the house's
    title and fonts."""
    doc = titled_document(words.title)
    section = doc.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(29.7), Cm(21.0)
    for name in ("top_margin", "bottom_margin", "left_margin", "right_margin"):
        setattr(section, name, MARGIN)
    for text in (words.period, words.council):
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.CENTER
    if words.to_date:
        paragraph = doc.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(words.to_date)
        run.bold = True
        fonts(run._r, HEADING_FONT)
    table = _table(doc, [label for label, _ in words.summary], SUMMARY_WIDTHS)
    _row(table, [value for _, value in words.summary], SUMMARY_WIDTHS, bold=True)
    body_paragraph(doc, words.equation)
    for title, head, groups, empty, widths in (
            (words.income_title, words.income_head, words.income, words.no_income, INCOME_WIDTHS),
            (words.spending_title, words.spending_head, words.spending, words.no_spending, SPENDING_WIDTHS)):
        heading_paragraph(doc, title)
        if not groups:
            body_paragraph(doc, empty)
            continue
        table = _table(doc, head, widths)
        for group in groups:
            cells = table.add_row().cells
            _write(cells[0].merge(cells[-1]), group.heading, bold=True, left=True)
            for row in group.rows:
                _row(table, row, widths)
    doc.add_paragraph()
    for text in words.footer:
        doc.add_paragraph(text).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return docx_bytes(doc)


def _table(doc, head: list[str], widths: tuple):
    table = doc.add_table(rows=0, cols=len(head))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    _row(table, head, widths, bold=True)
    header = table.rows[0]._tr.get_or_add_trPr()  # the head row repeats on every page the table runs to
    header.append(header.makeelement(qn("w:tblHeader"), {}))
    return table


def _row(table, values: list[str], widths: tuple, *, bold: bool = False) -> None:
    cells = table.add_row().cells
    for cell, value, width in zip(cells, values, widths, strict=True):
        cell.width = width
        _write(cell, value, bold=bold)


def _write(cell, text: str, *, bold: bool = False, left: bool = False) -> None:
    """A cell's text, its lines broken where the sheet breaks them."""
    paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.line_spacing_rule = WD_LINE_SPACING.SINGLE
    paragraph.paragraph_format.first_line_indent = 0
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT if left or "\n" in text else WD_ALIGN_PARAGRAPH.CENTER
    for number, line in enumerate(text.split("\n")):
        run = paragraph.add_run()
        if number:
            run.add_break()
        run.add_text(line)
        run.bold = bold
        run.font.size = CELL_SIZE
        if bold:
            fonts(run._r, HEADING_FONT)
