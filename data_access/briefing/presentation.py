"""The leadership briefing as a 16:9 PowerPoint deck: a title slide; a slide per area the reader may see (the 365
figures, the joint committee, the resident council, volunteer service), each with its figures and a native, editable
chart; the communities ranked; the alerts; and the briefing text over as many slides as it needs. Every run, table
cell and chart text carries both the Latin and the East Asian typeface and its language, so PowerPoint and WPS
render Chinese in 微软雅黑. Names typed by users go in as plain text. Every export is written to the audit trail."""

from __future__ import annotations

import io
import math
import re
import unicodedata
from datetime import datetime

from babel.numbers import format_decimal
from pptx import Presentation
from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE
from pptx.enum.text import PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt
from sqlalchemy import Engine

from data_access import audit, clock
from data_access.briefing.content import Briefing, scope_name
from data_access.briefing.documents import clean_briefing, sections
from data_access.briefing.service import Figure
from data_access.db import transaction
from data_access.documents import day_words
from domain.access import Actor, require
from domain.fields import plain
from domain.settings import Settings
from i18n import translate
from i18n.briefing_words import (
    COUNCIL_LABELS,
    LOCALES,
    SERVICE_LABELS,
    VOLUNTEER_LABELS,
    alert_text,
    count,
    hours,
    percent,
    period_words,
)

EA_FONT, LATIN_FONT = "微软雅黑", "Arial"
LANG_TAGS = {"zh": "zh-CN", "en": "en-US"}
WIDTH, HEIGHT = Emu(12192000), Emu(6858000)  # 13.333 x 7.5 in
ACCENT, GREY, DARK = RGBColor(0xB7, 0x1C, 0x1C), RGBColor(0x8C, 0x8C, 0x8C), RGBColor(0x26, 0x26, 0x26)
LIGHT, WHITE = RGBColor(0xF4, 0xF4, 0xF4), RGBColor(0xFF, 0xFF, 0xFF)
GOOD, BAD = RGBColor(0x1B, 0x7F, 0x3B), RGBColor(0xC6, 0x28, 0x28)
MARGIN = Inches(0.6)
RANKED = 15
ALERTS = 8  # alert lines in the deck: one slide, as on the big screen
FIGURE_WIDTHS = [2.0, 1.3, 2.9]  # inches: figure, value, 同比 (or a note)
AS_OF_TODAY = {"overdue", "in_notice", "active", "late"}  # counted today, not compared (in every area)
TEXT_SIZE, LINE_UNITS, PAGE_LINES = 20, 80, 14  # a text slide: about 80 half-width characters a line, 14 lines


def typefaces(rpr, lang: str) -> None:
    """Give run properties (a:rPr; in a chart a:defRPr too) the Latin and East Asian typefaces and the language:
    python-pptx's font.name sets only a:latin, and PowerPoint and WPS take Chinese from a:ea."""
    rpr.set("lang", LANG_TAGS[lang])
    latin = rpr.get_or_add_latin()
    latin.set("typeface", LATIN_FONT)
    ea = rpr.find(qn("a:ea"))
    if ea is None:
        ea = rpr.makeelement(qn("a:ea"), {})
        latin.addnext(ea)
    ea.set("typeface", EA_FONT)


def _write(frame, lines: list[str], lang: str, *, size: float, bold: bool = False, colour: RGBColor = DARK,
           space: float = 0, align: PP_ALIGN = PP_ALIGN.LEFT) -> None:
    """Replace a text frame's text by `lines`, one paragraph (of one plain-text run) each; sizes in points."""
    frame.word_wrap = True
    frame.text = ""
    for number, line in enumerate(lines):
        paragraph = frame.paragraphs[0] if number == 0 else frame.add_paragraph()
        paragraph.space_after, paragraph.alignment = Pt(space), align
        run = paragraph.add_run()
        run.text = line
        run.font.size, run.font.bold = Pt(size), bold
        run.font.color.rgb = colour
        typefaces(run.font._rPr, lang)


def _box(slide, left, top, width, height, lines: list[str], lang: str, **style) -> None:
    _write(slide.shapes.add_textbox(left, top, width, height).text_frame, lines, lang, **style)


def _slide(deck, heading: str, note: str, lang: str):
    """A blank slide with its heading, a rule under it and a grey note (the scope and period)."""
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    _box(slide, MARGIN, Inches(0.3), WIDTH - 2 * MARGIN, Inches(0.6), [heading], lang, size=28, bold=True,
         colour=ACCENT)
    rule = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, MARGIN, Inches(0.95), WIDTH - MARGIN, Inches(0.95))
    rule.line.color.rgb, rule.line.width = ACCENT, Pt(1.5)
    _box(slide, MARGIN, Inches(1.0), WIDTH - 2 * MARGIN, Inches(0.4), [note], lang, size=14, colour=GREY)
    return slide


def _table(slide, rows: list[list[str]], widths: list[float], lang: str, *, left, top, row_height,
           size: float = 14, colours: dict[tuple[int, int], RGBColor] | None = None) -> None:
    """A native table: the first row a header in the accent colour, the others on alternating shades."""
    shape = slide.shapes.add_table(len(rows), len(widths), left, top, Inches(sum(widths)), row_height * len(rows))
    table = shape.table
    for column, width in zip(table.columns, widths, strict=True):
        column.width = Inches(width)
    for r, row in enumerate(rows):
        table.rows[r].height = row_height
        for c, text in enumerate(row):
            cell = table.cell(r, c)
            cell.fill.solid()
            cell.fill.fore_color.rgb = ACCENT if r == 0 else LIGHT if r % 2 else WHITE
            colour = WHITE if r == 0 else (colours or {}).get((r, c), DARK)
            _write(cell.text_frame, [text], lang, size=size, bold=r == 0, colour=colour)


def _chart(slide, kind, categories: list[str], series: dict[str, list[float | None]], lang: str, *,
           number_format: str = "#,##0", labels: bool = True, maximum: float | None = None) -> None:
    """A native chart on the right of an area slide, its text in the deck's typefaces."""
    data = CategoryChartData(number_format=number_format)
    data.categories = categories
    for name, values in series.items():
        data.add_series(name, values)
    chart = slide.shapes.add_chart(kind, Inches(6.9), Inches(1.6), Inches(5.85), Inches(5.4), data).chart
    chart.has_title = False
    chart.has_legend = len(series) > 1
    if chart.has_legend:
        chart.legend.position, chart.legend.include_in_layout = XL_LEGEND_POSITION.BOTTOM, False
    for colour, drawn in zip((ACCENT, GREY), chart.plots[0].series, strict=False):
        drawn.format.fill.solid()
        drawn.format.fill.fore_color.rgb = colour
    if labels:
        plot = chart.plots[0]
        plot.has_data_labels = True
        plot.data_labels.number_format, plot.data_labels.number_format_is_linked = number_format, False
    axis = chart.value_axis
    axis.tick_labels.number_format, axis.tick_labels.number_format_is_linked = number_format, False
    axis.minimum_scale = 0
    if maximum is not None:
        axis.maximum_scale = maximum
    chart.font.size, chart.font.name = Pt(12), LATIN_FONT
    for rpr in chart._chartSpace.iter(qn("a:defRPr"), qn("a:rPr"), qn("a:endParaRPr")):
        typefaces(rpr, lang)


def _change(lang: str, figure: Figure) -> tuple[str, RGBColor]:
    """The figure's 同比 in words ("▲ +2.1个百分点", "持平", "无可比数据") and its colour (green when good)."""
    moved = figure.vs_last_year
    if figure.key in AS_OF_TODAY:
        return translate(lang, "briefing.snapshot"), GREY
    if moved.direction is None:
        return translate(lang, "briefing.no_compare"), GREY
    if moved.direction == "flat":
        return translate(lang, "briefing.flat"), GREY
    if moved.delta is None:
        words = translate(lang, "briefing.from_zero")
    else:
        signed = format_decimal(moved.delta * 100, "+#,##0.0;-#,##0.0", locale=LOCALES[lang])
        words = translate(lang, "briefing.points", value=signed) if figure.rate else f"{signed}%"
    return f"{'▲' if moved.direction == 'up' else '▼'} {words}", GOOD if moved.good else BAD


def _value(lang: str, figure: Figure) -> str:
    if figure.rate:
        return percent(lang, figure.value)
    return hours(lang, figure.value) if figure.key == "hours" else count(lang, figure.value)


def _figure_rows(lang: str, figures: list[Figure], labels: dict[str, str], slide, *,
                 row_height: float = 0.6) -> None:
    """The area's figures as a table on the left: name, value, 同比."""
    rows = [[translate(lang, "briefing_deck.figure"), translate(lang, "briefing_deck.value"),
             translate(lang, "briefing.vs_last_year")]]
    colours = {}
    for number, figure in enumerate(figures, start=1):
        words, colours[(number, 2)] = _change(lang, figure)
        rows.append([translate(lang, labels[figure.key]), _value(lang, figure), words])
    _table(slide, rows, FIGURE_WIDTHS, lang, colours=colours, left=MARGIN, top=Inches(1.6),
           row_height=Inches(row_height))


def _service(deck, b: Briefing, note: str, lang: str) -> None:
    slide = _slide(deck, translate(lang, "briefing.service"), note, lang)
    _figure_rows(lang, b.service, SERVICE_LABELS, slide)
    months = [str(b.period.first.plus(n)) for n in range(b.period.months)]
    by_month = {str(m): (int(a), int(c)) for m, a, c in zip(b.months["month"], b.months["accepted"],
                                                            b.months["closed"], strict=True)}
    _chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, months,
           {translate(lang, "overview.trend_accepted"): [by_month.get(m, (0, 0))[0] for m in months],
            translate(lang, "overview.trend_closed"): [by_month.get(m, (0, 0))[1] for m in months]}, lang,
           labels=len(months) <= 6)


def _committee(deck, b: Briefing, lang: str) -> None:
    c = b.committee
    year = translate(lang, "briefing.year_figure", year=c.year)
    slide = _slide(deck, translate(lang, "briefing.committee"), f"{scope_name(lang, b)} · {year}", lang)
    rows = [[translate(lang, "briefing_deck.figure"), translate(lang, "briefing_deck.value"),
             translate(lang, "briefing_deck.remark")],
            [translate(lang, "briefing.claim_rate"), percent(lang, c.claim_rate), year],
            [translate(lang, "briefing.completion"), percent(lang, c.completion), year],
            [translate(lang, "briefing.behind"), count(lang, c.behind),
             translate(lang, "briefing.of_which_overdue", count=count(lang, c.overdue))],
            [translate(lang, "briefing.agreements"), count(lang, c.signed),
             translate(lang, "briefing.of_units", units=count(lang, c.units))]]
    _table(slide, rows, FIGURE_WIDTHS, lang, left=MARGIN, top=Inches(1.6), row_height=Inches(0.6))
    _chart(slide, XL_CHART_TYPE.BAR_CLUSTERED,
           [translate(lang, "briefing.claim_rate"), translate(lang, "briefing.completion")],
           {year: [c.claim_rate, c.completion]}, lang, number_format="0.0%", maximum=1.0)


def _council(deck, b: Briefing, note: str, lang: str, settings: Settings) -> None:
    slide = _slide(deck, translate(lang, "briefing.council"), note, lang)
    _figure_rows(lang, b.council, COUNCIL_LABELS, slide)
    kinds = {o.code: o.label(lang) for o in settings.council.meeting_kinds}
    codes = [*kinds, *(code for code in b.meeting_kinds if code not in kinds)]
    _chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, [kinds.get(code, code) for code in codes],
           {translate(lang, "briefing_deck.meetings_by_kind"): [b.meeting_kinds.get(code, 0) for code in codes]},
           lang)


def _volunteer(deck, b: Briefing, note: str, lang: str) -> None:
    """Nine figures (rows a little lower than the other areas') with the top of the honour roll under them, and the
    hours of each month of the period."""
    v = b.volunteer
    slide = _slide(deck, translate(lang, "briefing_volunteer.title"), note, lang)
    _figure_rows(lang, v.figures, VOLUNTEER_LABELS, slide, row_height=0.45)
    if v.honour.empty:
        roll = translate(lang, "briefing_volunteer.no_honour")
    else:
        roll = translate(lang, "briefing_text.list_separator").join(
            translate(lang, "briefing_volunteer.honour_one_text", name=str(r["name"]), hours=hours(lang, r["hours"]))
            for r in v.honour.to_dict("records"))
    _box(slide, MARGIN, Inches(6.2), Inches(sum(FIGURE_WIDTHS)), Inches(1.0),
         [translate(lang, "briefing_volunteer.honour_line", list=roll)], lang, size=12, colour=DARK)
    months = v.hours_by_month
    _chart(slide, XL_CHART_TYPE.COLUMN_CLUSTERED, [str(m) for m in months["month"]],
           {translate(lang, "briefing_volunteer.hours_by_month"): [float(h) for h in months["hours"]]}, lang,
           number_format="#,##0.0", labels=len(months) <= 6)


def _ranking(deck, b: Briefing, note: str, lang: str) -> None:
    top = b.ranking.sort_values("accepted", ascending=False, kind="stable").head(RANKED)
    heading = translate(lang, "briefing.ranking")
    slide = _slide(deck, heading, f"{note} · {translate(lang, 'briefing_deck.ranking_note', count=len(top))}", lang)
    rates = ("closure_rate", "on_time_rate", "satisfaction_rate", "reopen_rate")
    rows = [[translate(lang, "briefing.community"), translate(lang, "overview.accepted"),
             *(translate(lang, f"overview.{r}") for r in rates), translate(lang, "briefing.overdue")]]
    for row in top.to_dict("records"):
        rows.append([str(row["community"]), count(lang, int(row["accepted"])),
                     *(percent(lang, None if _missing(row[r]) else row[r]) for r in rates),
                     count(lang, int(row["overdue"]))])
    _table(slide, rows, [3.3, 1.5, 1.5, 1.5, 1.5, 1.5, 1.5], lang, left=MARGIN, top=Inches(1.5),
           row_height=Inches(0.32), size=12)


def _missing(value) -> bool:
    """A ranking rate with nothing to count: None, or NaN once pandas holds it."""
    return value is None or (isinstance(value, float) and math.isnan(value))


def _width(text: str) -> int:
    """The text's width in half-width characters (a Chinese character counts two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _lines(text: str) -> int:
    return max(1, math.ceil(_width(text) / LINE_UNITS))


def _parts(paragraph: str) -> list[str]:
    """A paragraph cut at sentence ends (a sentence too long for a slide anywhere) into parts that fit one."""
    limit = (PAGE_LINES - 1) * LINE_UNITS
    pieces = []
    for sentence in re.split(r"(?<=[。；！？])|(?<=[.;!?] )", paragraph):
        while sentence:  # the longest start that fits, found in one pass (a pasted text may have no sentence end)
            width = cut = 0
            for ch in sentence:
                width += _width(ch)
                if width > limit:
                    break
                cut += 1
            cut = max(cut, 1)
            pieces.append(sentence[:cut])
            sentence = sentence[cut:]
    parts = [""]
    for piece in pieces:
        if parts[-1] and _width(parts[-1] + piece) > limit:
            parts.append("")
        parts[-1] += piece
    return [p for p in parts if p]


def pages(paragraphs: list[str]) -> list[list[str]]:
    """Paragraphs packed into slides of PAGE_LINES lines (half a line between paragraphs); none overflows."""
    result: list[list[str]] = [[]]
    used = 0.0
    for part in (part for paragraph in paragraphs for part in _parts(paragraph)):
        cost = _lines(part) + 0.5
        if result[-1] and used + cost > PAGE_LINES:
            result.append([])
            used = 0.0
        result[-1].append(part)
        used += cost
    return result


def _text_slides(deck, heading: str, note: str, paragraphs: list[str], lang: str,
                 colour: RGBColor = DARK) -> None:
    """The paragraphs under `heading`, continued on further slides as `pages` parts them."""
    for number, page in enumerate(pages(paragraphs)):
        title = heading if number == 0 else translate(lang, "briefing_deck.continued", heading=heading)
        slide = _slide(deck, title, note, lang)
        _box(slide, MARGIN, Inches(1.6), WIDTH - 2 * MARGIN, Inches(5.6), page, lang, size=TEXT_SIZE,
             colour=colour, space=10)


def _title_slide(deck, b: Briefing, title: str, lang: str) -> None:
    slide = deck.slides.add_slide(deck.slide_layouts[6])
    band = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, Inches(2.2), WIDTH, Inches(1.6))
    band.fill.solid()
    band.fill.fore_color.rgb = ACCENT
    band.line.fill.background()
    _write(band.text_frame, [title], lang, size=36, bold=True, colour=WHITE, align=PP_ALIGN.CENTER)
    place = " · ".join(name for name in (b.street, scope_name(lang, b)) if name)
    _box(slide, MARGIN, Inches(4.2), WIDTH - 2 * MARGIN, Inches(1.6),
         [place, period_words(lang, b.period), day_words(b.today, lang)], lang, size=22, colour=DARK,
         space=8, align=PP_ALIGN.CENTER)


def build(briefing: Briefing, *, lang: str, text: str, title: str, settings: Settings) -> bytes:
    """The .pptx bytes (no database access)."""
    deck = Presentation()
    deck.slide_width, deck.slide_height = WIDTH, HEIGHT
    deck.core_properties.title = title = plain(title)
    b = briefing
    note = f"{scope_name(lang, b)} · {period_words(lang, b.period)}"
    _title_slide(deck, b, title, lang)
    _service(deck, b, note, lang)
    if b.committee is not None:
        _committee(deck, b, lang)
    if b.council is not None:
        _council(deck, b, note, lang, settings)
    if b.volunteer is not None:
        _volunteer(deck, b, note, lang)
    _ranking(deck, b, note, lang)
    alerts = [alert_text(lang, a, floor=b.floor) for a in b.alerts[:ALERTS]]
    if len(b.alerts) > ALERTS:  # a meeting's deck keeps to one slide of alerts; the cockpit lists them all
        alerts.append(translate(lang, "screen.more_alerts", count=count(lang, len(b.alerts) - ALERTS)))
    _text_slides(deck, translate(lang, "briefing.alerts"), note,
                 alerts or [translate(lang, "briefing.no_alerts", floor=percent(lang, b.floor))], lang,
                 colour=BAD if alerts else GOOD)
    _text_slides(deck, translate(lang, "briefing.text"), note,
                 [line for part in sections(text) for line in part.splitlines() if line.strip()], lang)
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def briefing_pptx(engine: Engine, *, actor: Actor, briefing: Briefing, text: str, title: str, lang: str,
                  settings: Settings, now: datetime | None = None) -> bytes:
    """The briefing as .pptx bytes; needs briefing.read (in the briefing's community, or anywhere without one).
    Recorded in the audit trail as export.briefing."""
    require(actor, "briefing.read", briefing.community_id)
    now = now or clock.now()
    text, title = clean_briefing(text, title)
    data = build(briefing, lang=lang, text=text, title=title, settings=settings)
    period = f"{briefing.period.first}..{briefing.period.last}"
    with transaction(engine) as session:
        audit.record(session, actor=actor, action="export.briefing", entity="briefing", entity_id=None,
                     community_id=briefing.community_id, at=now,
                     after={"format": "pptx", "period": period, "lang": lang, "bytes": len(data)})
    return data
