"""Page tests (AppTest) of issue 3: navigation by role, the first admin, lockout and session ends on the login
page, masked personal data and its reveal, and a leader who is offered nothing to change."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from data_access import clock
from data_access.accounts.auth import DEMO_PASSWORD
from data_access.db import transaction
from data_access.models import AuditLog, Matter, User
from data_access.service.writes import create_matter
from tests.pages_support import app_test, page_db, run_page, texts
from ui.i18n import md_escape

COMMITTEE = ["committee", "units", "lists", "claims", "meetings"]  # what committee.read opens; chair needs more
COUNCIL = ["council", "councils", "topics", "council-meetings", "decisions"]  # council.read; the live screen needs more
FILES = {"overview": "pages/service/overview.py", "ledger": "pages/service/ledger.py",
         "intake": "pages/service/intake.py", "matter": "pages/service/matter.py",
         "users": "pages/admin/users.py", "audit": "pages/admin/audit.py",
         "committee": "pages/committee/dashboard.py", "units": "pages/committee/units.py",
         "lists": "pages/committee/lists.py", "claims": "pages/committee/claims.py",
         "meetings": "pages/committee/meetings.py", "chair": "pages/committee/chair.py",
         "council": "pages/council/overview.py", "councils": "pages/council/councils.py",
         "topics": "pages/council/topics.py", "council-meetings": "pages/council/meetings.py",
         "council-live": "pages/council/live.py", "decisions": "pages/council/decisions.py",
         "cockpit": "pages/briefing/cockpit.py"}
PAGES = list(FILES)
OFFERED = {
    "admin": {"overview", "users", "audit"},
    "leader": {"overview", "ledger", "matter", *COMMITTEE, *COUNCIL, "cockpit"},
    "secretary": {"overview", "ledger", "intake", "matter", "audit", *COMMITTEE, "chair", *COUNCIL, "council-live",
                  "cockpit"},
    "worker": {"overview", "ledger", "intake", "matter", *COMMITTEE, *COUNCIL},
    "unitrep": {"overview", *COMMITTEE, "chair"},
    "recorder": {"overview", *COUNCIL, "council-live"},
}


@pytest.fixture
def production_db(tmp_path, monkeypatch):
    with page_db(tmp_path, "prod", demo=False, monkeypatch=monkeypatch) as db:
        yield db


def logged_in(db, username: str, monkeypatch, **state):
    at = app_test(monkeypatch)
    at.session_state["user_id"] = db.users[username]
    for key, value in state.items():
        at.session_state[key] = value
    return at.run()


def offered(at) -> set[str]:
    """The pages the navigation lets this session open."""
    pages = set()
    for name in PAGES:
        try:
            at.switch_page(FILES[name])
        except ValueError:
            continue
        pages.add(name)
    return pages


@pytest.mark.parametrize("username", sorted(OFFERED))
def test_navigation_shows_only_what_the_role_can_use(demo_db, monkeypatch, username):
    at = logged_in(demo_db, username, monkeypatch)
    assert not at.exception
    assert texts(at.title) == ["书记总览"]
    assert offered(at) == OFFERED[username]


@pytest.mark.parametrize(("username", "page"), [("leader", "intake"), ("admin", "ledger"), ("worker", "audit"),
                                                ("secretary", "users"), ("unitrep", "matter"),
                                                ("admin", "committee_dashboard"), ("recorder", "committee_meetings"),
                                                ("worker", "committee_chair"), ("worker", "briefing_cockpit"),
                                                ("unitrep", "briefing_cockpit")])
def test_a_page_opened_directly_refuses_a_role_without_the_right(demo_db, username, page):
    at = run_page(page, demo_db.users[username])
    assert not at.exception
    assert texts(at.error) == ["您的角色无权使用此页面。"]
    assert not at.dataframe and not at.text_input


def test_first_run_in_production_asks_for_the_first_admin(production_db, monkeypatch):
    at = app_test(monkeypatch).run()
    assert texts(at.title) == ["创建首个管理员账号"]
    assert not at.dataframe, "no demo accounts in production"
    at.text_input(key="setup_username").input("root")
    at.text_input(key="setup_display_name").input("街道信息员")
    at.text_input(key="setup_password").input("root")
    at.text_input(key="setup_password_again").input("root")
    at.button(key="setup_save").click().run()
    assert not at.exception
    assert "密码至少需要 10 个字符。" in texts(at.error)
    assert at.text_input(key="setup_display_name").value == "街道信息员", "the input stays after an error"
    assert "user_id" not in at.session_state
    at.text_input(key="setup_password").input("a-long-password")
    at.text_input(key="setup_password_again").input("a-long-password")
    at.button(key="setup_save").click().run()
    assert not at.exception
    assert texts(at.title) == ["书记总览"], "the new admin is logged in"
    assert offered(at) == OFFERED["admin"]


def log_in(at, username: str, password: str):
    at.text_input(key="login_username").input(username)
    at.text_input(key="login_password").input(password)
    return at.button(key="login_submit").click().run()


def test_the_login_page_tells_of_a_lockout(demo_db, monkeypatch):
    at = app_test(monkeypatch).run()
    for _ in range(4):
        log_in(at, "worker", "wrong-password")
        assert texts(at.error) == ["用户名或密码错误。"]
    log_in(at, "worker", "wrong-password")
    assert texts(at.error) == ["密码已连续输错 5 次，账号锁定 15 分钟。"]
    log_in(at, "worker", DEMO_PASSWORD)
    assert at.error[0].value.startswith("账号因连续输错密码已被锁定")
    assert "user_id" not in at.session_state


def test_an_idle_session_ends_at_its_next_action(demo_db, monkeypatch):
    at = logged_in(demo_db, "secretary", monkeypatch, last_active=clock.now() - timedelta(minutes=31))
    assert not at.exception
    assert texts(at.title) == ["登录共治"]
    assert "长时间未操作" in texts(at.warning)[0]
    at = logged_in(demo_db, "secretary", monkeypatch, last_active=clock.now() - timedelta(minutes=29))
    assert texts(at.title) == ["书记总览"]


def test_disabling_an_account_stops_its_open_session(demo_db, monkeypatch):
    at = logged_in(demo_db, "worker", monkeypatch)
    assert texts(at.title) == ["书记总览"]
    with transaction(demo_db.engine) as session:
        session.execute(update(User).where(User.username == "worker").values(is_active=False))
    at.run()
    assert texts(at.title) == ["登录共治"]
    assert "登录已失效" in texts(at.warning)[0]


def hostile_matter(db):
    grant, = db.actor("secretary").grants
    return create_matter(db.engine, actor=db.actor("secretary"), settings=db.settings, data={
        "channel": "resident", "sub_source": "phone", "community_id": grant.community_id,
        "grid_id": db.grids(grant.community_id)[0], "reporter_name": "李秀英", "reporter_phone": "13812345678",
        "reporter_id_number": "11010519491231002X", "description": "楼道堆放杂物，存在消防隐患",
        "category": "environment", "urgency": "normal", "mode": "team"})


def test_personal_data_is_masked_until_an_allowed_user_asks_and_the_look_is_audited(demo_db):
    matter = hostile_matter(demo_db)
    at = run_page("matter", demo_db.users["worker"], record=matter.id)
    shown = texts(at.text)
    assert "李** 138****5678 110***********002X" in shown and "13812345678" not in " ".join(shown)
    at.button(key="matter_personal_reveal").click().run()
    assert not at.exception
    assert "李秀英 13812345678 11010519491231002X" in texts(at.text)
    assert "已显示完整个人信息，本次查看已记入审计日志。" in texts(at.caption)
    with transaction(demo_db.engine) as session:
        entry = session.execute(select(AuditLog).where(AuditLog.action == "personal.view")).scalars().one()
    assert (entry.actor_name, entry.entity_id) == ("worker", matter.id)


def test_a_leader_sees_masks_and_is_offered_nothing_to_change(demo_db):
    matter = hostile_matter(demo_db)
    at = run_page("matter", demo_db.users["leader"], record=matter.id)
    assert not at.exception
    assert "李** 138****5678 110***********002X" in texts(at.text)
    keys = [b.key for b in at.button]
    assert not any(k and (k.endswith("_save") or k == "matter_personal_reveal") for k in keys), keys
    assert not at.text_area and not at.number_input
    assert "您的角色只能查看，不能修改。" in texts(at.info)
    ledger = run_page("ledger", demo_db.users["leader"])
    assert "ledger_export_unmasked" not in [c.key for c in ledger.checkbox], "no whole-data export for the leader"
    assert "ledger_export_unmasked" in [c.key for c in run_page("ledger", demo_db.users["secretary"]).checkbox]


def test_matters_of_another_community_are_not_found(demo_db):
    grant, = demo_db.actor("secretary").grants
    other = demo_db.matter(Matter.community_id != grant.community_id)
    at = run_page("matter", demo_db.users["secretary"], record=other.id)
    assert texts(at.info) == ["未找到该事项，或不在您的查看范围内。"]
    at = run_page("matter", demo_db.users["leader"], record=other.id)
    assert at.subheader[0].value.startswith(other.number)


def test_single_sign_on_is_offered_only_when_configured(demo_db, monkeypatch):
    at = app_test(monkeypatch).run()
    assert "login_sso" not in [b.key for b in at.button]
    at = app_test(monkeypatch)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32,
                          "client_id": "gongzhi", "client_secret": "s",
                          "server_metadata_url": "https://sso.example.cn/.well-known/openid-configuration"}
    at.run()
    assert not at.exception
    assert "login_sso" in [b.key for b in at.button]


def fill_analyse(at, matter_id: int):
    form = f"step{matter_id}_analyse"
    at.text_input(key=f"{form}_handler").input("张敏")
    at.text_input(key=f"{form}_supervisor").input("王丽娟")
    at.selectbox(key=f"{form}_mode").select("proxy")
    return at.button(key=f"{form}_save")


@pytest.mark.parametrize("change", ["disabled", "locked", "idle", "role removed"])
def test_a_stale_session_saves_nothing(demo_db, change):
    """Callbacks run before the page script: the save itself checks the session again."""
    from data_access.models import UserRole

    matter = hostile_matter(demo_db)
    at = run_page("matter", demo_db.users["worker"], record=matter.id)
    save = fill_analyse(at, matter.id)
    with transaction(demo_db.engine) as session:
        who = User.username == "worker"
        if change == "disabled":
            session.execute(update(User).where(who).values(is_active=False))
        elif change == "locked":
            session.execute(update(User).where(who).values(locked_until=clock.now() + timedelta(minutes=15)))
        elif change == "role removed":
            session.execute(update(UserRole).where(UserRole.user_id == demo_db.users["worker"])
                            .values(role="leader"))  # may still read the matter, no longer handle it
    if change == "idle":
        at.session_state["last_active"] = clock.now() - timedelta(hours=1)
    save.click().run()
    assert not at.exception
    assert demo_db.matter(Matter.id == matter.id).step == 1, "nothing written"
    with transaction(demo_db.engine) as session:
        assert not session.execute(select(AuditLog).where(AuditLog.action == "matter.analyse",
                                                          AuditLog.entity_id == matter.id)).first()
    if change == "role removed":
        assert "您的权限在此期间有变化，本次操作未保存。请按当前页面重新操作。" in texts(at.error)
        assert "您的角色只能查看，不能修改。" in texts(at.info), "the page now offers what the new role allows"
    else:
        assert "user_id" not in at.session_state, "the session has ended"


def test_a_display_name_made_of_markup_shows_as_typed(demo_db, monkeypatch):
    with transaction(demo_db.engine) as session:
        session.execute(update(User).where(User.username == "leader")
                        .values(display_name="![x](http://evil.example/a.png)"))
    at = logged_in(demo_db, "leader", monkeypatch)
    caption = next(c.value for c in at.sidebar.caption if c.value.startswith("当前用户"))
    assert caption == "当前用户：" + md_escape("![x](http://evil.example/a.png)"), "escaped: shows as typed"
    assert "http\\:\u2060" in caption, "and no bare link either (tests/test_md_escape.py)"
