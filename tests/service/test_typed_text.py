"""Typed text goes through one cleaning step (domain.fields.plain) before any check or write, reads that take typed
text clean it too, and every document writes any stored text, rows stored before the cleaning included. On SQLite
and PostgreSQL, where a NUL character stops the driver."""

from __future__ import annotations

import io

import docx
import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from data_access.accounts.auth import login
from data_access.db import transaction
from data_access.models import Matter
from data_access.service import queries as q
from data_access.service.exports import ledger_xlsx
from data_access.service.writes import create_matter
from tests.conftest import NOW

pytestmark = pytest.mark.db
HOSTILE = "楼道\x00灯\x0c坏了\x1b三天\x7f"  # a NUL, a form feed pasted from Word, an escape, a delete


def new_matter(engine, settings, actor, **changes):
    from tests.service.test_matters import grid_of

    data = {"channel": "resident", "sub_source": "phone", "community_id": 1, "grid_id": grid_of(engine, 1),
            "anonymous": False, "reporter_name": "李\x00秀英", "reporter_phone": "138\x0c12345678",
            "description": HOSTILE, "category": "environment", "urgency": "normal", "mode": "team",
            "registered_at": None} | changes
    return create_matter(engine, actor=actor, settings=settings, data=data, now=NOW)


def test_a_matters_typed_text_is_saved_without_control_characters(demo_engine, settings, actors):
    matter = new_matter(demo_engine, settings, actors["secretary"])
    assert (matter.description, matter.reporter_name, matter.reporter_phone) == ("楼道灯坏了三天", "李秀英",
                                                                                "13812345678")


def test_reads_that_take_typed_text_clean_it(demo_engine, settings, actors):
    matter = new_matter(demo_engine, settings, actors["secretary"])
    secretary = actors["secretary"]
    assert q.find_by_number(demo_engine, f"\x00{matter.number}\x0c", actor=secretary) == matter.id
    flt = q.MatterFilter(community_ids=(1,), text="楼道\x00灯")
    assert q.count_matters(demo_engine, flt, actor=secretary, today=NOW.date()) >= 1
    assert login(demo_engine, settings, "secre\x00tary", "wrong-password", now=NOW).error == "login.failed"


def test_the_ledger_export_writes_text_stored_before_the_cleaning(demo_engine, settings, actors):
    matter = new_matter(demo_engine, settings, actors["secretary"])
    with transaction(demo_engine) as session:  # as a row written before typed text was cleaned
        session.execute(update(Matter).where(Matter.id == matter.id)
                        .values(description="楼道灯坏了\x0c三天\x1b", handler="王\x0b伟"))
    data = ledger_xlsx(demo_engine, q.MatterFilter(community_ids=(1,)), actor=actors["secretary"],
                       today=NOW.date(), lang="zh", settings=settings, now=NOW)
    sheet = load_workbook(io.BytesIO(data)).active
    header = [c.value for c in sheet[1]]
    row = next(r for r in sheet.iter_rows(min_row=2, values_only=True) if r[0] == matter.number)
    assert row[header.index("事项描述")] == "楼道灯坏了三天"
    assert row[header.index("承办人")] == "王\n伟"


def test_the_committee_minutes_write_a_summary_stored_before_the_cleaning(demo_engine, actors):
    from sqlalchemy import select

    from data_access.committee.minutes import minutes_docx
    from data_access.models import CommitteeMeeting

    with transaction(demo_engine) as session:
        meeting = session.execute(select(CommitteeMeeting).where(CommitteeMeeting.status == "closed")
                                  .order_by(CommitteeMeeting.id)).scalars().first()
        meeting.summary, meeting.place = "会议听取了\x0c各单位进展\x1f。", "社区\x1b会议室"  # PostgreSQL stores no NUL
        meeting_id = meeting.id
    data = minutes_docx(demo_engine, actor=actors["leader"], meeting_id=meeting_id)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)
    assert "会议听取了各单位进展。" in text and "社区会议室" in text
