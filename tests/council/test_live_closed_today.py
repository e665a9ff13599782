"""The live screen keeps a meeting closed today, with its downloads, after a reload or a new login."""

from __future__ import annotations

from data_access.council.meetings import close_meeting
from tests.council.test_meeting_pages import download_labels, estate  # noqa: F401  (the fixture)
from tests.pages_support import app_test, run_page, texts


def test_a_meeting_closed_today_stays_on_the_live_screen(estate):  # noqa: F811
    estate.open(estate.meeting_id, *list(estate.members)[:5])
    close_meeting(estate.db.engine, actor=estate.db.actor("recorder"), meeting_id=estate.meeting_id, summary="结束")
    at = run_page("council_live", estate.db.users["recorder"])  # a new session: nothing remembered
    assert not at.exception
    assert not texts(at.info), texts(at.info)
    assert download_labels(at), "the minutes and the notice can still be downloaded"


def test_leaving_a_meeting_closed_today_opens_its_record(estate):  # noqa: F811
    estate.open(estate.meeting_id, *list(estate.members)[:5])
    close_meeting(estate.db.engine, actor=estate.db.actor("recorder"), meeting_id=estate.meeting_id, summary="结束")
    app = app_test()
    app.session_state["user_id"] = estate.db.users["recorder"]
    app.run()
    app.switch_page("pages/council/live.py").run()
    app.button(key="council_live_leave").click().run()
    assert not app.exception
    assert texts(app.title) == ["议事会议"] and app.query_params["id"] == str(estate.meeting_id)
    assert app.selectbox(key="council_meetings_pick").value == estate.meeting_id
