"""The leadership briefing as PowerPoint: reopened with python-pptx the deck is 16:9, has a slide per area the
reader may see, native charts holding the briefing's figures, the East Asian typeface and language on every run
and in every chart, user text as typed, a slide more when the text is long, and one audited export."""

from __future__ import annotations

import io

import pytest
from pptx import Presentation
from pptx.oxml.ns import qn
from pptx.util import Inches
from sqlalchemy import select, update

from data_access.briefing.content import facts, gather
from data_access.briefing.presentation import PAGE_LINES, _lines, briefing_pptx, build, pages
from data_access.db import reading, transaction
from data_access.models import AuditLog, Community
from domain.access import Actor, Grant
from domain.briefing.changes import Month, Period
from domain.errors import PermissionDenied
from i18n import translate
from i18n.briefing_words import briefing_text, percent
from tests.conftest import NOW

PERIOD = Period(Month(2026, 1), Month(2026, 11))
TITLE = "全街道2026年1—11月工作简报"
HEADINGS = ["briefing.service", "briefing.committee", "briefing.council", "briefing_volunteer.title",
            "briefing.ranking", "briefing.alerts", "briefing.text"]


def briefing_of(engine, actor, settings, community_id=None):
    return gather(engine, PERIOD, community_id, actor=actor, today=NOW.date(), settings=settings)


def deck(briefing, settings, *, lang="zh", text=None):
    text = briefing_text(lang, facts(lang, briefing, {})) if text is None else text
    return Presentation(io.BytesIO(build(briefing, lang=lang, text=text, title=TITLE, settings=settings)))


def first_text(slide) -> str:
    return next(s.text_frame.text for s in slide.shapes if s.has_text_frame and s.text_frame.text)


def charts(presentation) -> list:
    return [shape.chart for slide in presentation.slides for shape in slide.shapes if shape.has_chart]


def texts(presentation) -> list[str]:
    """Every paragraph of every text box and table cell."""
    return [text for slide in presentation.slides for text in texts_of(slide)]


def texts_of(slide) -> list[str]:
    found = []
    for shape in slide.shapes:
        frames = [c.text_frame for row in shape.table.rows for c in row.cells] if shape.has_table \
            else [shape.text_frame] if shape.has_text_frame else []
        found += [p.text for frame in frames for p in frame.paragraphs]
    return found


@pytest.mark.db
def test_a_reader_of_every_area_gets_a_slide_for_each(demo_engine, actors, settings):
    presentation = deck(briefing_of(demo_engine, actors["leader"], settings), settings)
    assert presentation.slide_width * 9 == presentation.slide_height * 16
    assert abs(presentation.slide_width - Inches(13.333)) < Inches(0.01)
    slides = list(presentation.slides)[:len(HEADINGS) + 1]  # the text may go on over one more slide
    assert first_text(slides[0]) == TITLE
    assert [first_text(s) for s in slides[1:]] == [translate("zh", key) for key in HEADINGS]
    assert [sum(s.has_chart for s in slide.shapes) for slide in slides] == [0, 1, 1, 1, 1, 0, 0, 0]
    ranking = next(s for s in slides[5].shapes if s.has_table).table
    assert len(ranking.rows) == 1 + 3 and ranking.cell(1, 0).text  # the demo's three communities under a header


@pytest.mark.db
def test_a_reader_without_the_committee_gets_no_committee_slide(demo_engine, settings):
    actor = Actor(id=2, username="leader", display_name="领导", grants=(
        Grant("leader", None, None, frozenset({"briefing.read", "overview.read", "council.read"})),))
    briefing = briefing_of(demo_engine, actor, settings)
    assert briefing.committee is None and briefing.council is not None and briefing.volunteer is None
    slides = list(deck(briefing, settings).slides)
    assert [first_text(s) for s in slides[1:len(HEADINGS) - 1]] == [
        translate("zh", key) for key in HEADINGS if key not in ("briefing.committee", "briefing_volunteer.title")]


@pytest.mark.db
def test_the_volunteer_slide_lists_its_figures_and_the_top_of_the_honour_roll(demo_engine, actors, settings):
    briefing = briefing_of(demo_engine, actors["leader"], settings)
    heading = translate("zh", "briefing_volunteer.title")
    slide = next(s for s in deck(briefing, settings).slides if first_text(s) == heading)
    table = next(s for s in slide.shapes if s.has_table).table
    rows = {table.cell(r, 0).text: table.cell(r, 1).text for r in range(1, len(table.rows))}
    v = briefing.volunteer
    assert rows[translate("zh", "briefing_volunteer.requested")] == f"{int(v.figure('requested').value):,}"
    assert rows[translate("zh", "briefing_volunteer.sign_off_rate")] == percent("zh", v.figure("sign_off_rate").value)
    assert rows[translate("zh", "briefing_volunteer.active")] == f"{int(v.figure('active').value):,}"
    assert len(rows) == 9
    line = next(p for p in texts_of(slide) if p.startswith(translate("zh", "briefing_volunteer.honour")))
    assert all(name in line for name in v.honour["name"])


@pytest.mark.db
def test_the_charts_are_native_and_hold_the_briefings_figures(demo_engine, actors, settings):
    briefing = briefing_of(demo_engine, actors["leader"], settings)
    service, committee, council, volunteer = charts(deck(briefing, settings))
    months = [str(PERIOD.first.plus(n)) for n in range(PERIOD.months)]
    assert list(service.plots[0].categories) == months
    accepted, closed = (dict(zip(months, s.values, strict=True)) for s in service.plots[0].series)
    assert len(briefing.months) == 11 and briefing.months["accepted"].sum() > 0
    for month, n_accepted, n_closed in briefing.months.itertuples(index=False):
        assert (accepted[month], closed[month]) == (n_accepted, n_closed)
    assert committee.plots[0].series[0].values == pytest.approx(
        (briefing.committee.claim_rate, briefing.committee.completion))
    kinds = settings.council.meeting_kinds
    assert list(council.plots[0].categories) == [k.label("zh") for k in kinds]
    assert council.plots[0].series[0].values == tuple(briefing.meeting_kinds.get(k.code, 0) for k in kinds)
    assert sum(council.plots[0].series[0].values) == briefing.figure("meetings").value > 0
    assert list(volunteer.plots[0].categories) == months
    hours = briefing.volunteer.hours_by_month
    assert volunteer.plots[0].series[0].values == pytest.approx(tuple(hours["hours"]))
    assert sum(hours["hours"]) == pytest.approx(briefing.volunteer.figure("hours").value)


@pytest.mark.db
@pytest.mark.parametrize(("lang", "tag"), [("zh", "zh-CN"), ("en", "en-US")])
def test_every_run_and_chart_carries_the_east_asian_typeface_and_language(demo_engine, actors, settings, lang,
                                                                          tag):
    presentation = deck(briefing_of(demo_engine, actors["leader"], settings), settings, lang=lang)
    runs = []
    for slide in presentation.slides:
        for shape in slide.shapes:
            frames = [c.text_frame for row in shape.table.rows for c in row.cells] if shape.has_table \
                else [shape.text_frame] if shape.has_text_frame else []
            runs += [run for frame in frames for p in frame.paragraphs for run in p.runs]
    assert len(runs) > 100
    for run in runs:
        rpr = run._r.find(qn("a:rPr"))
        assert rpr.get("lang") == tag, run.text
        assert rpr.find(qn("a:ea")).get("typeface") == "微软雅黑", run.text
        assert rpr.find(qn("a:latin")) is not None
    for chart in charts(presentation):
        xml = chart.part.blob.decode("utf-8")
        assert '<a:ea typeface="微软雅黑"/>' in xml and f'lang="{tag}"' in xml
        properties = list(chart._chartSpace.iter(qn("a:defRPr")))
        assert properties and all(p.find(qn("a:ea")) is not None and p.get("lang") == tag for p in properties)


@pytest.mark.db
def test_names_and_text_typed_by_users_are_written_verbatim(demo_engine, actors, settings):
    name = "**康和** <b>社区</b> [点我](http://x) &amp; ${x}"
    with transaction(demo_engine) as session:
        session.execute(update(Community).where(Community.code == "KH").values(name=name))
    briefing = briefing_of(demo_engine, actors["leader"], settings)
    typed = "第一段 **加粗** <i>斜体</i>\x07\n\n第二段 # 标题"
    written = texts(deck(briefing, settings, text=typed))
    assert name in written  # its ranking row's cell
    assert any(line.startswith(name + "：") for line in written)  # its alerts
    assert "第一段 **加粗** <i>斜体</i>" in written and "第二段 # 标题" in written


@pytest.mark.db
def test_a_long_text_goes_over_more_slides_and_loses_nothing(engine, street_leader, settings):
    paragraphs = [f"第{n}段：" + "辖区各社区民情事项办理情况良好，群众满意度稳步提升。" * 6 for n in range(12)]
    paragraphs.append("一句没有标点的超长文字" * 80)
    presentation = deck(briefing_of(engine, street_leader, settings), settings, text="\n\n".join(paragraphs))
    heading = translate("zh", "briefing.text")
    shown = [s for s in list(presentation.slides)[1:] if first_text(s).startswith(heading)]
    assert len(shown) > 2
    assert first_text(shown[1]) == translate("zh", "briefing_deck.continued", heading=heading)
    body = [p.text for slide in shown for p in list(slide.shapes)[-1].text_frame.paragraphs]
    assert "".join(body) == "".join(paragraphs)
    assert all(sum(_lines(p) + 0.5 for p in page) <= PAGE_LINES for page in pages(paragraphs))


@pytest.mark.db
def test_an_empty_database_builds_a_deck(engine, street_leader, settings):
    briefing = briefing_of(engine, street_leader, settings)
    presentation = deck(briefing, settings)
    assert len(presentation.slides) == 8
    service, *_, volunteer = charts(presentation)
    assert len(list(service.plots[0].categories)) == 11 and set(service.plots[0].series[0].values) == {0}
    assert len(list(volunteer.plots[0].categories)) == 11 and set(volunteer.plots[0].series[0].values) == {0}
    assert translate("zh", "briefing_volunteer.honour_line", list=translate("zh", "briefing_volunteer.no_honour")) \
        in texts(presentation)
    no_alerts = translate("zh", "briefing.no_alerts", floor=percent("zh", settings.satisfaction_floor))
    assert no_alerts in texts(presentation)


@pytest.mark.db
def test_an_export_is_audited_once_and_needs_the_right(demo_engine, actors, settings):
    briefing = briefing_of(demo_engine, actors["leader"], settings)
    data = briefing_pptx(demo_engine, actor=actors["leader"], briefing=briefing, text="正文", title="简报",
                         lang="zh", settings=settings, now=NOW)
    assert len(Presentation(io.BytesIO(data)).slides) == 8
    with pytest.raises(PermissionDenied):
        briefing_pptx(demo_engine, actor=actors["worker"], briefing=briefing, text="正文", title="简报", lang="zh",
                      settings=settings, now=NOW)
    with reading(demo_engine) as session:
        entries = session.execute(select(AuditLog).where(AuditLog.action == "export.briefing")).scalars().all()
    assert [(e.actor_name, e.entity, e.after) for e in entries] == [
        ("leader", "briefing", {"format": "pptx", "period": "2026-01..2026-11", "lang": "zh", "bytes": len(data)})]


def test_many_alerts_keep_to_one_slide_and_say_how_many_more(demo_engine, actors, settings):
    from dataclasses import replace

    from domain.briefing.alerts import Alert

    many = replace(briefing_of(demo_engine, actors["leader"], settings),
                   alerts=[Alert("overdue", n + 1, f"社区{n}") for n in range(30)])
    alert_slides = [s for s in deck(many, settings).slides if first_text(s).startswith("预警")]
    assert len(alert_slides) == 1
    lines = [p.text for shape in alert_slides[0].shapes if shape.has_text_frame
             for p in shape.text_frame.paragraphs if p.text]
    assert "社区0：1 件事项超期未办结" in lines and "社区7：8 件事项超期未办结" in lines
    assert "社区8：9 件事项超期未办结" not in lines and lines[-1] == "另有 22 条预警，请在领导驾驶舱查看。"
