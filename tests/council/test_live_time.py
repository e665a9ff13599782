"""The time used on an agenda item: counted by the live screen's timer, saved with the item, and shown in words
(ui/projector.py duration_words) in the live screen's summary and the meeting record - never as a rounded decimal
of minutes ("用时 0.0 分钟" for an item the timer showed at 00:11)."""

from __future__ import annotations

import pytest

import ui.projector
from tests.council.test_meeting_pages import build_estate
from tests.pages_support import page_db, run_page, texts
from ui.projector import duration_words


@pytest.mark.parametrize(("seconds", "zh", "en"), [
    (0, "0 秒", "0 s"), (2, "2 秒", "2 s"), (11, "11 秒", "11 s"), (59, "59 秒", "59 s"), (60, "1 分钟", "1 min"),
    (95, "1 分 35 秒", "1 min 35 s"), (600, "10 分钟", "10 min"), (3725, "62 分 5 秒", "62 min 5 s"),
    (None, "0 秒", "0 s"), (float("nan"), "0 秒", "0 s"), (11.9, "11 秒", "11 s")])
def test_time_used_in_words(seconds, zh, en):
    assert duration_words(seconds, "zh") == zh
    assert duration_words(seconds, "en") == en


class FakeClock:
    """time.time() of ui.projector (the item's clock), moved by hand."""

    def __init__(self) -> None:
        self.now = 1_800_000_000.0

    def time(self) -> float:
        return self.now


@pytest.fixture
def estate(tmp_path, monkeypatch):
    with page_db(tmp_path, "council", demo=False, monkeypatch=monkeypatch) as db:
        place = build_estate(db)
        place.meeting_id = place.plan()
        place.open(place.meeting_id, "张丽华", "李建国", "王秀英")
        yield place


def test_the_summary_shows_the_time_the_timer_counted(estate, monkeypatch):
    clock = FakeClock()
    monkeypatch.setattr(ui.projector, "time", clock)
    at = run_page("council_live", estate.user("recorder"))
    assert not at.exception
    assert "议题 1 / 2" in "\n".join(texts(at.markdown))
    first, second = estate.agenda(estate.meeting_id)
    clock.now += 11
    at.button(key="council_live_next").click().run()
    assert not at.exception
    clock.now += 95
    at.button(key="council_live_next").click().run()
    assert not at.exception
    assert "会议小结" in texts(at.subheader)
    assert [a.seconds for a in estate.agenda(estate.meeting_id)] == [11, 95]
    captions = texts(at.caption)
    assert "用时 11 秒" in captions and "用时 1 分 35 秒" in captions, captions
    assert not [c for c in captions if "分钟" in c and "." in c]


def test_checking_in_again_in_the_middle_of_an_item_keeps_its_time(estate, monkeypatch):
    """Going back to the check-in saves the time the item has been on screen, without marking it discussed."""
    clock = FakeClock()
    monkeypatch.setattr(ui.projector, "time", clock)
    at = run_page("council_live", estate.user("recorder"))
    clock.now += 40
    at.button(key="council_live_to_attendance").click().run()
    assert not at.exception
    first, _ = estate.agenda(estate.meeting_id)
    assert (first.seconds, first.discussed) == (40, False)
