"""The work briefing (工作简报) as a Word file in the layout of an official document: the title, the date, the text
as numbered sections (一、二、…), page numbers in the footer, and Chinese fonts set as East Asian typefaces. The text
is the one the user read and may have edited on the cockpit; it is cleaned as everything typed is. Every export is
written to the audit trail."""

from __future__ import annotations

import io
import re
from datetime import date, datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from sqlalchemy import Engine

from data_access import audit, clock
from data_access.db import transaction
from data_access.documents import BODY_FONT, a4_page, body_paragraph, body_styles, day_words, fonts, title_paragraph
from domain.access import Actor, require
from domain.fields import Errors, plain
from i18n import translate

NUMERALS = "一二三四五六七八九"
OWN_NUMBER = re.compile(r"^(?:[一二三四五六七八九十]+、|[0-9]+(?:[、．]|\.\s))\s*")  # a number the writer typed first


def numeral(n: int) -> str:
    """1 to 99 in Chinese numerals as an official document numbers its sections (十, 十一, 二十三); digits beyond."""
    if not 1 <= n <= 99:
        return str(n)
    tens, ones = divmod(n, 10)
    return (("" if tens == 1 else NUMERALS[tens - 1]) + "十" if tens else "") + (NUMERALS[ones - 1] if ones else "")


class BriefingErrors(Errors):
    """The briefing's text and title as the cockpit's text area and title field give them (typed, so limited)."""

    LIMITS = {"text": 20_000, "title": 100}


def clean_briefing(text: object, title: object) -> tuple[str, str]:
    """The text and title of a briefing document: plain text within BriefingErrors.LIMITS, else
    ValidationFailed."""
    errors = BriefingErrors()
    values = errors.text({"text": text}, "text", required=False), errors.text({"title": title}, "title", required=False)
    errors.raise_if_any()
    return values


def sections(text: str) -> list[str]:
    """The text's paragraphs (parted by blank lines), cleaned, without empty ones."""
    return [p for p in (plain(part) for part in plain(text).split("\n\n")) if p]


def build(text: str, *, title: str, day: date, lang: str) -> bytes:
    """The .docx bytes (no database access)."""
    doc = Document()
    a4_page(doc)
    body_styles(doc)
    title_paragraph(doc, title)
    dated = doc.add_paragraph(day_words(day, lang))
    dated.alignment = WD_ALIGN_PARAGRAPH.CENTER
    for number, part in enumerate(sections(text), start=1):
        prefix = f"{numeral(number)}、" if lang == "zh" else f"{number}. "
        body_paragraph(doc, prefix + OWN_NUMBER.sub("", part))  # the document numbers; a typed number would repeat
    _page_numbers(doc, lang)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _page_numbers(doc, lang: str) -> None:
    """"— 1 —" centred in the footer of every page (a PAGE field, so Word and WPS count the pages)."""
    paragraph = doc.sections[0].footer.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    before, after = translate(lang, "briefing_text.page_number").split("{page}")
    paragraph.add_run(before)
    run = paragraph.add_run()
    for kind, text in (("begin", None), (None, " PAGE "), ("separate", None), (None, "1"), ("end", None)):
        if kind:
            element = OxmlElement("w:fldChar")
            element.set(qn("w:fldCharType"), kind)
        else:
            element = OxmlElement("w:instrText" if text == " PAGE " else "w:t")
            element.set(qn("xml:space"), "preserve")
            element.text = text
        run._r.append(element)
    paragraph.add_run(after)
    for r in paragraph.runs:
        fonts(r._r, BODY_FONT)


def briefing_docx(engine: Engine, *, actor: Actor, text: str, title: str, period: str, lang: str = "zh",
                  community_id: int | None = None, now: datetime | None = None) -> bytes:
    """The briefing as .docx bytes; needs briefing.read (in the community, or street-wide without one). Recorded
    in the audit trail as export.briefing."""
    require(actor, "briefing.read", community_id)
    now = now or clock.now()
    text, title = clean_briefing(text, title)
    data = build(text, title=title, day=clock.local(now).date(), lang=lang)
    with transaction(engine) as session:
        audit.record(session, actor=actor, action="export.briefing", entity="briefing", entity_id=None,
                     community_id=community_id, at=now,
                     after={"format": "docx", "period": plain(period)[:40], "lang": lang, "bytes": len(data)})
    return data
