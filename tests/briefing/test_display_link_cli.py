"""The shell command `display-link`: whoever sets up a wall screen gets a working URL printed; an account without
briefing.display, an unknown one and bad days are refused in Chinese with exit code 1 and nothing made."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from sqlalchemy import func, select

from data_access import cli
from data_access.briefing import display
from data_access.db import reading
from data_access.models import DisplayLink


@pytest.fixture
def database(demo_engine, monkeypatch):
    monkeypatch.setenv("GONGZHI_DATABASE_URL", demo_engine.url.render_as_string(hide_password=False))
    monkeypatch.setenv("GONGZHI_DEMO", "0")
    return demo_engine


def links(engine) -> int:
    with reading(engine) as session:
        return session.execute(select(func.count()).select_from(DisplayLink)).scalar_one()


@pytest.mark.db
def test_the_printed_url_opens_the_screen_of_the_chosen_scope(database, settings, capsys):
    assert cli.main(["display-link", "--user", "leader", "--name", "街道大厅大屏", "--days", "30"]) == 0
    url = capsys.readouterr().out.strip()
    assert url.startswith(settings.briefing.base_url + "/?display=")
    opened = display.open_link(database, settings, parse_qs(urlsplit(url).query)["display"][0])
    assert opened.name == "街道大厅大屏" and opened.community_id is None
    assert cli.main(["display-link", "--user", "secretary", "--name", "康盛社区活动室", "--community", "KS",
                     "--slides", "service,ranking"]) == 0
    opened = display.open_link(database, settings, parse_qs(urlsplit(capsys.readouterr().out).query)["display"][0])
    assert opened.slides == ("service", "ranking") and opened.community_id is not None


@pytest.mark.db
@pytest.mark.parametrize(("args", "message"), [
    (["--user", "worker", "--name", "大屏"], "没有管理展示链接的权限"),
    (["--user", "secretary", "--name", "大屏"], "没有管理展示链接的权限"),
    (["--user", "nobody", "--name", "大屏"], "nobody"),
    (["--user", "leader", "--name", "大屏", "--days", "0"], "有效天数应为 1～366 之间的整数"),
    (["--user", "leader", "--name", "大屏", "--slides", "bogus"], "bogus"),
    (["--user", "leader", "--name", "  "], "name")])
def test_refusals_say_why_and_make_nothing(database, capsys, args, message):
    before = links(database)
    assert cli.main(["display-link", *args]) == 1
    assert message in capsys.readouterr().err
    assert links(database) == before
