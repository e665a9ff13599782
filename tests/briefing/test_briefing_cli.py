"""The shell command `briefing`: a user's briefing of a period written as PowerPoint or Word and audited as theirs;
a bad period, an unknown or disabled account and one without briefing.read are refused in Chinese, exit code 1,
and no file is written."""

from __future__ import annotations

import io
import re

import docx
import pytest
from pptx import Presentation
from sqlalchemy import select, update

from data_access import cli
from data_access.db import reading, transaction
from data_access.models import AuditLog, User
from domain.briefing.changes import Month, Period
from domain.errors import DomainError
from i18n import translate

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture
def database(demo_engine, monkeypatch):
    """The demo database as the command's (demo mode off, so nothing is seeded)."""
    monkeypatch.setenv("GONGZHI_DATABASE_URL", demo_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("GONGZHI_DEMO", "0")
    return demo_engine


def run(*args: str) -> int:
    return cli.main(["briefing", *args])


@pytest.mark.db
def test_the_briefing_is_written_as_powerpoint_and_as_word(database, tmp_path, capsys):
    pptx_file, docx_file = tmp_path / "简报.pptx", tmp_path / "简报.docx"
    assert run("--user", "leader", "--period", "2026-01..2026-11", "--format", "pptx", "--out", str(pptx_file)) == 0
    shown = capsys.readouterr().out
    assert str(pptx_file) in shown and f"{pptx_file.stat().st_size:,}" in shown
    deck = Presentation(io.BytesIO(pptx_file.read_bytes()))
    headings = [next(s.text_frame.text for s in slide.shapes if s.has_text_frame) for slide in deck.slides]
    assert headings[1:6] == ["365精细化服务", "联合党委", "居民议事会", "志愿服务", "社区排名"]
    assert any(shape.has_chart for shape in deck.slides[1].shapes)
    assert run("--user", "leader", "--period", "2026-11", "--format", "docx", "--community", "KH", "--lang", "en",
               "--out", str(docx_file)) == 0
    document = docx.Document(io.BytesIO(docx_file.read_bytes()))
    assert document.paragraphs[0].text == "Work briefing: 康和社区, 11/2026"
    with reading(database) as session:
        entries = session.execute(select(AuditLog).where(AuditLog.action == "export.briefing")
                                  .order_by(AuditLog.id)).scalars().all()
    assert [(e.actor_name, e.after["format"], e.after["period"], e.after["lang"]) for e in entries] == [
        ("leader", "pptx", "2026-01..2026-11", "zh"), ("leader", "docx", "2026-11..2026-11", "en")]
    assert entries[1].community_id is not None


@pytest.mark.db
@pytest.mark.parametrize(("user", "period", "key"), [
    ("leader", "2026-1..2026-11", "cli.bad_period"),
    ("leader", "2026-13", "cli.bad_period"),
    ("leader", "2026-11..2026-01", "cli.bad_period"),
    ("nobody", "2026-11", "cli.unknown_user"),
    ("disabled", "2026-11", "cli.inactive_user"),
    ("worker", "2026-11", "cli.no_briefing_right"),
])
def test_a_refusal_is_one_chinese_line_and_writes_nothing(database, tmp_path, capsys, user, period, key):
    if user == "disabled":
        with transaction(database) as session:
            session.execute(update(User).where(User.username == "leader").values(is_active=False))
        user = "leader"
    out = tmp_path / "简报.pptx"
    assert run("--user", user, "--period", period, "--out", str(out)) == 1
    error = capsys.readouterr().err.strip()
    assert error == translate("zh", key, user=user, period=period) and CJK.search(error)
    assert not out.exists()
    with reading(database) as session:
        assert not session.execute(select(AuditLog).where(AuditLog.action == "export.briefing")).first()


@pytest.mark.parametrize(("text", "period"), [
    ("2026-01..2026-11", Period(Month(2026, 1), Month(2026, 11))),
    (" 2025-12..2026-02 ", Period(Month(2025, 12), Month(2026, 2))),
    ("2026-11", Period(Month(2026, 11), Month(2026, 11))),
])
def test_periods_are_read(text, period):
    assert cli.parse_period(text) == period


@pytest.mark.parametrize("text", ["", "2026", "2026-00", "2026-11..", "2026-11..2026-13", "26-01..26-11",
                                  "2026-11–2026-12"])
def test_a_bad_period_is_refused(text):
    with pytest.raises(DomainError) as refused:
        cli.parse_period(text)
    assert refused.value.key == "cli.bad_period"
