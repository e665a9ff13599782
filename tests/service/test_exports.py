"""The 365 ledger in Excel (data_access/service/exports.py), opened again with openpyxl: every column a secretary
files through the six steps, dates and times as date cells, counts and the score as numbers, labels for codes,
empty cells for what is missing."""

from __future__ import annotations

import io
from datetime import date, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from data_access import clock
from data_access.db import reading
from data_access.models import Grid, Matter
from data_access.service import queries as q
from data_access.service.exports import ledger_xlsx
from data_access.service.writes import create_matter
from tests.conftest import NOW

pytestmark = pytest.mark.db
TODAY = NOW.date()
FILED = ["督办人", "延期次数", "办理结果", "反馈内容", "反馈方式", "评议结果", "评议意见", "评议时间", "考核得分",
         "销号时间", "提级督办", "匿名反映"]


def _export(engine, settings, actor, lang="zh"):
    data = ledger_xlsx(engine, q.MatterFilter(community_ids=(1,)), actor=actor, today=TODAY, lang=lang,
                       settings=settings, now=NOW)
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    rows = {row[header.index("事项编号" if lang == "zh" else "Matter no.")].value:
            {h: c for h, c in zip(header, row, strict=True)} for row in sheet.iter_rows(min_row=2)}
    return header, rows


def _is_date_format(cell) -> bool:
    return "yy" in cell.number_format and "dd" in cell.number_format


def test_the_export_has_every_filed_column_with_typed_cells(demo_engine, settings, actors):
    with reading(demo_engine) as session:
        closed = session.execute(select(Matter).where(Matter.community_id == 1, Matter.closed_at.is_not(None),
                                                      Matter.score.is_not(None), Matter.evaluation.is_not(None))
                                 .order_by(Matter.id)).scalars().first()
    assert closed is not None, "the demo street has closed matters"
    header, rows = _export(demo_engine, settings, actors["secretary"])
    assert header[:4] == ["事项编号", "台账编号", "登记时间", "社区"]
    assert set(FILED) <= set(header), set(FILED) - set(header)
    row = rows[closed.number]

    for column in ("登记时间", "评议时间", "销号时间", "办理时限"):
        cell = row[column]
        assert isinstance(cell.value, datetime), (column, cell.value)  # openpyxl reads a date cell as datetime
        assert _is_date_format(cell), (column, cell.number_format)
    local = clock.local(closed.closed_at).replace(tzinfo=None)
    assert row["销号时间"].value == local.replace(microsecond=0), "closed at, local time"
    assert row["登记时间"].value == clock.local(closed.registered_at).replace(tzinfo=None, microsecond=0)
    assert row["销号时间"].number_format == row["登记时间"].number_format == "yyyy-mm-dd hh:mm"
    assert row["办理时限"].value.date() == closed.deadline and row["办理时限"].number_format == "yyyy-mm-dd"

    assert row["考核得分"].value == closed.score and isinstance(row["考核得分"].value, int)
    assert row["延期次数"].value == closed.extension_count and isinstance(row["延期次数"].value, int)
    assert isinstance(row["重办次数"].value, int)
    assert row["督办人"].value == closed.supervisor and row["办理结果"].value == closed.result
    assert row["评议结果"].value == {"satisfied": "满意", "basic": "基本满意",
                                     "dissatisfied": "不满意"}[closed.evaluation]
    methods = {m.code: m.label("zh") for m in settings.feedback_methods}
    assert row["反馈方式"].value == methods[closed.feedback_method]
    assert row["当前步骤"].value == "已销号"
    assert row["提级督办"].value in ("是", "否") and row["匿名反映"].value in ("是", "否")


def test_an_open_matter_leaves_what_is_not_filed_yet_empty(demo_engine, settings, actors):
    with reading(demo_engine) as session:
        grid = session.execute(select(Grid.id).where(Grid.community_id == 1)).scalars().first()
    matter = create_matter(demo_engine, actor=actors["secretary"], settings=settings, now=NOW, data={
        "channel": "cadre", "sub_source": "home_visit", "community_id": 1, "grid_id": grid, "anonymous": True,
        "description": "小区路灯不亮", "category": "property", "urgency": "normal", "mode": "team",
        "registered_at": NOW - timedelta(hours=1)})
    header, rows = _export(demo_engine, settings, actors["secretary"])
    row = rows[matter.number]
    for column in ("台账编号", "承办人", "督办人", "办理结果", "反馈内容", "反馈方式", "评议结果", "评议意见",
                   "评议时间", "考核得分", "销号时间", "反映人", "联系电话", "身份证号"):
        assert row[column].value is None, (column, row[column].value)
    assert row["匿名反映"].value == "是" and row["延期次数"].value == 0 and row["当前步骤"].value == "分析民情"
    assert isinstance(row["办理时限"].value, datetime) and row["办理时限"].value.date() >= date(2026, 11, 20)
    values = [c.value for r in rows.values() for c in r.values()]
    assert not [v for v in values if isinstance(v, str) and v.strip() in ("nan", "None", "NaT", "NaN")]
    codes = {"satisfied", "basic", "dissatisfied", "phone", "visit", "wechat", "notice", "True", "False"}
    assert not [v for v in values if isinstance(v, str) and v in codes], "labels, not codes"


def test_english_headers_and_labels(demo_engine, settings, actors):
    header, rows = _export(demo_engine, settings, actors["secretary"], lang="en")
    assert {"Supervisor", "Assessment score", "Closed at", "Evaluated at", "Feedback method"} <= set(header)
    evaluations = {r["Evaluation"].value for r in rows.values()} - {None}
    assert evaluations and evaluations <= {"Satisfied", "Mostly satisfied", "Dissatisfied"}, evaluations
