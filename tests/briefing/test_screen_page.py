"""The big screen page (AppTest through app.py, as the server runs it): a display link shows the slides of its
scope with the figures of the briefing, no login; the address picks theme, interval and slides, and bad values are
noted, not obeyed; a bad, revoked or expired link shows a page with no figures; a database that goes away leaves
the last figures on screen with the reconnecting banner, and the screen recovers by itself."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from data_access import clock
from data_access.briefing import content, display
from data_access.db import transaction
from data_access.models import Community, Matter
from domain.briefing.changes import Month, Period
from domain.briefing.screen import SLIDES
from domain.personal import mask_name
from tests.pages_support import app_test, page_db, run_page
from ui import context


def screen(at) -> dict:
    """What the page sent to the screen component."""
    assert not at.exception, at.exception
    components = at.get("bidi_component")
    assert len(components) == 1
    return json.loads(components[0].proto.json)


def visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", html)


def open_link(token: str, **params) -> dict:
    at = app_test()
    at.query_params["display"] = token
    for key, value in params.items():
        at.query_params[key] = value
    return screen(at.run())


def year_so_far() -> Period:
    today = clock.today()
    return Period(Month(today.year, 1), Month(today.year, today.month))


@pytest.fixture
def token(demo_db) -> str:
    return display.demo_token(demo_db.engine, demo_db.settings, "街道大厅大屏")


def test_the_demo_link_shows_every_slide_of_the_street_with_the_briefing_s_figures(demo_db, token):
    shown = open_link(token)
    assert [s["name"] for s in shown["slides"]] == list(SLIDES)
    assert shown["title"] == "青春山街道 · 全街道" and shown["theme"] == "dark"
    assert shown["intervalMs"] == demo_db.settings.briefing.rotate_seconds * 1000
    assert shown["updated"].startswith("数据更新于 ") and not shown["offline"]
    opened = display.open_link(demo_db.engine, demo_db.settings, token)
    expected = content.gather(demo_db.engine, year_so_far(), None, actor=opened.actor, today=clock.today(),
                              settings=demo_db.settings)
    slide = {s["name"]: visible(s["html"]) for s in shown["slides"]}
    service = slide["service"]
    assert f"{int(expected.figure('accepted').value):,}" in service
    assert f"{expected.figure('closure_rate').value:.1%}" in service
    assert f"{expected.committee.completion:.1%}" in slide["committee"]
    volunteer = expected.volunteer
    assert f"{int(volunteer.figure('requested').value):,}" in slide["volunteer"]
    assert f"{volunteer.figure('satisfaction_rate').value:.1%}" in slide["volunteer"]
    assert f"{volunteer.figure('hours').value:,.1f}".removesuffix(".0") in slide["volunteer"]
    for name in volunteer.honour["name"]:  # a screen without login: the honour roll's names masked
        assert mask_name(name) in slide["volunteer"] and name not in slide["volunteer"]
    ranking = slide["ranking"]
    assert all(name in ranking for name in ("康盛社区", "康和社区", "康泰社区"))
    sent = json.dumps(shown, ensure_ascii=False)
    with transaction(demo_db.engine) as session:
        residents = session.execute(select(Matter.reporter_name, Matter.reporter_phone)
                                    .where(Matter.reporter_name.is_not(None)).limit(200)).all()
    assert residents and not any(name in sent or (phone and phone in sent) for name, phone in residents), \
        "no resident's name or phone reaches the screen"


def test_the_address_picks_theme_interval_and_slides_and_bad_values_are_noted(demo_db, token):
    shown = open_link(token, theme="light", interval="20", slides="ranking,service")
    assert (shown["theme"], shown["intervalMs"]) == ("light", 20000)
    assert [s["name"] for s in shown["slides"]] == ["ranking", "service"]
    shown = open_link(token, theme="neon", interval="0", slides="bogus")
    assert (shown["theme"], shown["intervalMs"]) == ("dark", demo_db.settings.briefing.rotate_seconds * 1000)
    first = visible(shown["slides"][0]["html"])
    assert "主题“neon”不存在" in first and "轮播间隔“0”无效" in first and "页面 bogus 不存在" in first
    assert "轮播间隔“100000”无效" in visible(open_link(token, interval="100000")["slides"][0]["html"])


def test_user_typed_names_are_text_on_the_slides_never_markup(demo_db, token):
    with transaction(demo_db.engine) as session:
        session.execute(update(Community).values(name=Community.name + "<b>康</b><img src=x onerror=alert(1)>"))
    for slide in open_link(token, slides="ranking,alerts")["slides"]:
        assert "&lt;b&gt;康&lt;/b&gt;&lt;img src=x onerror=alert(1)&gt;" in slide["html"], slide["name"]
        assert "<img" not in slide["html"] and "<b>康" not in slide["html"]


def test_the_address_cannot_show_slides_the_link_does_not_allow(demo_db):
    token = display.create(demo_db.engine, demo_db.settings, actor=demo_db.actor("leader"),
                           data={"name": "只看排名", "community_id": None, "slides": ["ranking"], "days": 1})
    shown = open_link(token, slides="council,alerts,ranking")
    assert [s["name"] for s in shown["slides"]] == ["ranking"]
    assert "council" in visible(shown["slides"][0]["html"])  # the note says what was left out


@pytest.mark.parametrize("bad", ["nonsense", "1.1.forged", ""])
def test_a_bad_token_shows_a_page_without_figures(demo_db, bad):
    at = app_test()
    at.query_params["display"] = bad or " "
    shown = screen(at.run())
    assert [s["name"] for s in shown["slides"]] == ["message"]
    assert "展示链接无效" in shown["slides"][0]["html"] and not re.search(r"\d", visible(shown["slides"][0]["html"]))


def test_a_revoked_link_shows_its_page_at_the_next_refresh(demo_db, token):
    at = app_test()
    at.query_params["display"] = token
    assert len(screen(at.run())["slides"]) == len(SLIDES)
    display.revoke(demo_db.engine, actor=demo_db.actor("leader"), link_id=int(token.split(".")[0]))
    shown = screen(at.run())
    assert [s["name"] for s in shown["slides"]] == ["message"] and "展示链接已撤销" in shown["slides"][0]["html"]


def test_an_expired_link_says_so(demo_db, token):
    with transaction(demo_db.engine) as session:
        from data_access.models import DisplayLink
        session.execute(update(DisplayLink).values(expires_at=clock.now() - timedelta(minutes=1)))
    assert "展示链接已过期" in open_link(token)["slides"][0]["html"]


def test_when_the_database_goes_away_the_last_figures_stay_and_the_screen_recovers(demo_db, token, tmp_path):
    at = app_test()
    at.query_params["display"] = token
    before = screen(at.run())
    path = tmp_path / "demo.db"
    path.rename(tmp_path / "away.db")
    context.current_engine().dispose()  # the app's open connections go: the next read finds no database
    try:
        away = screen(at.run())
    finally:
        context.current_engine().dispose()
        path.unlink(missing_ok=True)
        (tmp_path / "away.db").rename(path)
    assert away["offline"] is True and away["slides"] == before["slides"], "the last figures, with the banner"
    back = screen(at.run())
    assert back["offline"] is False and back["slides"] == before["slides"]


def test_the_logged_in_leader_sees_the_street_in_english_and_a_secretary_their_community(demo_db):
    at = run_page("briefing_screen", demo_db.users["leader"], lang="en")
    shown = screen(at)
    assert shown["title"] == "青春山街道 · Whole street" and shown["locale"] == "en-GB"
    assert "365 refined service" in shown["slides"][1]["html"]
    honour = content.gather(demo_db.engine, year_so_far(), None, actor=demo_db.actor("leader"), today=clock.today(),
                            settings=demo_db.settings).volunteer.honour
    volunteer = visible(next(s for s in shown["slides"] if s["name"] == "volunteer")["html"])
    assert "Volunteer service" in volunteer and all(name in volunteer for name in honour["name"]), \
        "a leader logged in reads the honour roll's names"
    shown = screen(run_page("briefing_screen", demo_db.users["secretary"]))
    assert shown["title"] == "青春山街道 · 康盛社区"
    ranking = visible(next(s for s in shown["slides"] if s["name"] == "ranking")["html"])
    assert "康盛社区" in ranking and "康和社区" not in ranking


def test_an_empty_database_shows_slides_that_say_what_comes(tmp_path, monkeypatch):
    with page_db(tmp_path, "empty", demo=False, monkeypatch=monkeypatch) as db:
        db.add_user("leader", "leader")
        shown = screen(run_page("briefing_screen", db.users["leader"]))
    assert shown["title"] == "全街道", "no street yet: the scope alone, no stray separator"
    overview = visible(shown["slides"][0]["html"])
    assert "本年度尚未登记民情事项" in overview and "—" in overview
    assert "本范围内还没有社区" in visible(next(s for s in shown["slides"] if s["name"] == "ranking")["html"])


def test_a_reader_without_volunteer_read_gets_no_volunteer_slide(demo_db):
    from dataclasses import replace

    from domain.access import Actor, Grant
    from ui.briefing import screen as slides

    reader = Actor(id=None, username="display", display_name="大屏", grants=(
        Grant("display", None, None, frozenset({"briefing.read", "overview.read", "council.read"})),))
    briefing = content.gather(demo_db.engine, year_so_far(), None, actor=reader, today=clock.today(),
                              settings=demo_db.settings)
    assert briefing.volunteer is None
    assert not [a for a in briefing.alerts if a.kind.startswith("volunteer")]
    names = [s["name"] for s in slides.slides(briefing, SLIDES, {})]
    assert "volunteer" not in names and "council" in names
    with_it = replace(briefing, volunteer=content.gather(
        demo_db.engine, year_so_far(), None, actor=demo_db.actor("leader"), today=clock.today(),
        settings=demo_db.settings).volunteer)
    assert "volunteer" in [s["name"] for s in slides.slides(with_it, SLIDES, {})]
