"""The committee's pages in the order a reader acts: the overview says what 完成度 and 已完成 count; a progress
meeting's agenda is the open action items and the claims behind schedule, the other items in a collapsed list; a
meeting closed today stays in chair mode with its minutes."""

from __future__ import annotations

import re

from data_access.committee.meetings import close_meeting
from tests.committee.test_meeting_pages import committee  # noqa: F401  (the fixture)
from tests.pages_support import run_page, texts

MINUTES = "会议纪要（Word）"


def test_dashboard_says_what_completion_and_complete_count(demo_db):
    at = run_page("committee_dashboard", demo_db.users["leader"])
    assert not at.exception
    (completion,) = [m for m in at.metric if m.label == "完成度"]
    assert "加权进度" in completion.proto.help and "部分完成" in completion.proto.help
    assert any("只数进度达到 100% 的事项" in c for c in texts(at.caption))
    at = run_page("committee_dashboard", demo_db.users["leader"], lang="en")
    assert any("only the items at 100%" in c for c in texts(at.caption))


def test_meeting_agenda_shows_what_is_behind_and_lists_the_rest_collapsed(demo_db):
    at = run_page("committee_chair", demo_db.users["unitrep"])
    at.button(key="chair_open").click().run()
    boxes = [c for c in at.checkbox if c.key.startswith("chair_attendance_present_")]
    boxes[0].check()
    at.button(key="chair_attendance_save").click().run()
    assert not at.exception
    total = int(re.search(r"议题 1 / (\d+)", "\n".join(texts(at.markdown))).group(1))
    others = [e for e in at.expander if e.label.startswith("其他事项")]
    assert len(others) == 1, "the other items in one collapsed list in chair mode"
    hidden = int(re.search(r"（(\d+) 项）", others[0].label).group(1))

    at = run_page("committee_meetings", demo_db.users["secretary"])
    assert not at.exception
    main, rest = [d.value for d in at.dataframe if "section" in d.value.columns]
    assert len(main) == total, "chair mode walks the same items the meetings page shows as the agenda"
    assert set(main["section"]) <= {"上次待办", "进度滞后"}
    assert len(rest) == hidden and len(rest) > 0
    assert not set(rest["section"]) & {"上次待办", "进度滞后"}
    assert list(main["position"]) == sorted(main["position"]) and list(rest["position"]) == sorted(rest["position"])
    assert [e.label for e in at.expander if e.label.startswith("其他事项")] == [others[0].label]
    from domain.committee.meetings import on_agenda
    assert on_agenda("behind") and on_agenda("carried") and not on_agenda("stale") and not on_agenda("rest")


def test_a_meeting_closed_today_stays_in_chair_mode_with_its_minutes(committee):  # noqa: F811
    committee.open()
    committee.attend("A")
    close_meeting(committee.db.engine, actor=committee.db.actor("rep_a"), meeting_id=committee.meeting_id,
                  summary="按议程进行")
    at = run_page("committee_chair", committee.user("rep_a"))  # a new session: nothing remembered
    assert not at.exception
    assert not any("今天没有要主持的推进会" in i for i in texts(at.info))
    assert any("推进会已结束" in s for s in texts(at.success))
    assert [d.proto.label for d in at.get("download_button")] == [MINUTES]
