"""The display links page (AppTest): the leader makes a link and gets its address, sees it listed, renames and
revokes it; bad input is refused next to its field with what was typed kept; a worker may not use the page."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from data_access.briefing import display
from data_access.db import transaction
from data_access.models import AuditLog
from tests.pages_support import run_page, texts


def token_in(code: str) -> str:
    return parse_qs(urlsplit(code).query)["display"][0]


def test_the_leader_makes_a_link_gets_its_address_and_revokes_it(demo_db):
    at = run_page("briefing_links", demo_db.users["leader"])
    assert not at.exception and texts(at.title) == ["展示链接"]
    assert list(at.dataframe[0].value["name"]) == ["街道大厅大屏"], "the demo's link is listed"
    at.text_input(key="display_new_name").input("二楼会议室")
    at.multiselect(key="display_new_slides").set_value(["service", "alerts"])
    at.button(key="display_create").click().run()
    assert not at.exception
    assert any("已创建“二楼会议室”" in s for s in texts(at.success))
    url = at.code[0].value
    opened = display.open_link(demo_db.engine, demo_db.settings, token_in(url))
    assert opened.name == "二楼会议室" and opened.slides == ("service", "alerts")
    assert list(at.dataframe[0].value["name"]) == ["二楼会议室", "街道大厅大屏"]

    at.selectbox(key="display_pick").set_value(opened.link_id).run()
    at.text_input(key="display_rename_name").input("二楼小会议室")
    at.button(key="display_rename_save").click().run()
    assert not at.exception and "已重命名。" in texts(at.success)
    assert display.open_link(demo_db.engine, demo_db.settings, token_in(url)).name == "二楼小会议室"
    at.checkbox(key=f"display_revoke_ok_{opened.link_id}").check().run()
    at.button(key="display_revoke").click().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert table.loc[table["name"] == "二楼小会议室", "status"].item() == "已撤销"
    listed = display.links(demo_db.engine, demo_db.settings, actor=demo_db.actor("leader"))
    assert listed.loc[listed["id"] == opened.link_id, "status"].item() == "revoked"
    with transaction(demo_db.engine) as session:
        actions = session.execute(select(AuditLog.action).where(AuditLog.entity_id == opened.link_id,
                                                                AuditLog.entity == "display_link")
                                  .order_by(AuditLog.id)).scalars().all()
    assert actions == ["display.create", "display.use", "display.rename", "display.revoke"]  # used once, above


def test_an_empty_name_is_refused_next_to_its_field(demo_db):
    at = run_page("briefing_links", demo_db.users["leader"])
    at.text_input(key="display_new_name").input("   ")
    at.button(key="display_create").click().run()
    assert any("必填" in e or "请填写" in e for e in texts(at.error)), texts(at.error)
    assert len(display.links(demo_db.engine, demo_db.settings, actor=demo_db.actor("leader"))) == 1


def test_a_worker_may_not_manage_links(demo_db):
    at = run_page("briefing_links", demo_db.users["worker"])
    assert not at.exception and any("无权" in e for e in texts(at.error)) and not at.dataframe
