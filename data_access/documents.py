"""Word files in the usual layout of official documents, shared by every area's documents: A4 with margins
3.7/3.5/2.8/2.6 cm, a centred title in a song-style bold font, the body in 仿宋 三号 (16 pt) on a 28 pt line,
headings in 黑体, and both the Latin and the East Asian typeface set on every style and run (Word and WPS take
Chinese from w:eastAsia)."""

from __future__ import annotations

import io
from datetime import date

import pandas as pd
from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from domain.fields import plain
from i18n import translate

TITLE_FONT = "方正小标宋简体"  # song-style bold of official documents (Word falls back to 宋体 where it is missing)
BODY_FONT, HEADING_FONT, LATIN_FONT = "仿宋", "黑体", "Times New Roman"
BODY_SIZE, TITLE_SIZE, TABLE_SIZE = Pt(16), Pt(22), Pt(14)  # 三号, 二号, 四号
MARGINS = {"top_margin": Cm(3.7), "bottom_margin": Cm(3.5), "left_margin": Cm(2.8), "right_margin": Cm(2.6)}


def titled_document(text: str):
    """A new Word document in the official layout (A4, its margins and styles) opening with its title."""
    doc = Document()
    a4_page(doc)
    body_styles(doc)
    title_paragraph(doc, text)
    return doc


def docx_bytes(doc) -> bytes:
    """The document as the bytes of a .docx file."""
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def strings(lang: str, prefix: str):
    """t(key, **params): the strings under `prefix` in the document's language."""
    return lambda key, **params: translate(lang, f"{prefix}.{key}", **params)


def fonts(element, east_asia: str, latin: str = LATIN_FONT) -> None:
    """Set the Latin and East Asian fonts of a run or style (w:rFonts w:ascii/w:hAnsi/w:eastAsia)."""
    names = element.get_or_add_rPr().get_or_add_rFonts()
    names.set(qn("w:ascii"), latin)
    names.set(qn("w:hAnsi"), latin)
    names.set(qn("w:eastAsia"), east_asia)


def a4_page(doc) -> None:
    """A4 with the margins of official documents."""
    section = doc.sections[0]
    section.page_width, section.page_height = Cm(21.0), Cm(29.7)
    for name, value in MARGINS.items():
        setattr(section, name, value)


def body_styles(doc) -> None:
    """The Normal style: 仿宋 三号 on an exact 28 pt line."""
    normal = doc.styles["Normal"]
    normal.font.size = BODY_SIZE
    fonts(normal.element, BODY_FONT)
    fmt = normal.paragraph_format
    fmt.line_spacing_rule, fmt.line_spacing = WD_LINE_SPACING.EXACTLY, Pt(28)
    fmt.space_before = fmt.space_after = Pt(0)


def title_paragraph(doc, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    paragraph.paragraph_format.line_spacing = Pt(36)
    paragraph.paragraph_format.space_after = Pt(24)
    run = paragraph.add_run(plain(text))
    run.bold = True
    run.font.size = TITLE_SIZE
    fonts(run._r, TITLE_FONT, TITLE_FONT)
    doc.core_properties.title = plain(text)


def field_paragraph(doc, label: str, value: str, lang: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(32)
    run = paragraph.add_run(label + translate(lang, "minutes.colon"))
    fonts(run._r, HEADING_FONT)
    paragraph.add_run(plain(value))


def heading_paragraph(doc, text: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = Pt(32)
    paragraph.paragraph_format.keep_with_next = True
    fonts(paragraph.add_run(plain(text))._r, HEADING_FONT)


def body_paragraph(doc, text: str) -> None:
    paragraph = doc.add_paragraph(plain(text))
    paragraph.paragraph_format.first_line_indent = Pt(32)


def day_words(day: date | None, lang: str) -> str:
    if day is None or pd.isna(day):
        return translate(lang, "minutes.none")
    return translate(lang, "minutes.date", year=day.year, month=day.month, day=day.day)


def text_or_none(value) -> str | None:
    """A stored text as a document prints it, None when empty (pandas gives NaN for NULL). Made plain: a row
    stored before typed text was cleaned may hold control characters, which Word files cannot."""
    return (plain(value) or None) if isinstance(value, str) else None
