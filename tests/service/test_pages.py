"""Page tests (Streamlit AppTest): every page renders on an empty and on a demo database, and what a user does on
it (log in, record a matter, move it a step, filter the ledger, read the overview) shows on the page."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from data_access import clock
from data_access.accounts.auth import DEMO_PASSWORD
from data_access.db import transaction
from data_access.models import Matter, MatterEvent
from data_access.service.writes import advance_matter, create_matter
from domain.service.workflow import Action, Step
from tests.pages_support import PageDb, app_test, page_db, run_page, texts

DASH = "—"
RATE = re.compile(r"^\d{1,3}(,\d{3})*\.\d%$")
NO_MATTERS = "所选期间没有登记事项，无法计算。"
OVERVIEW_EMPTY = "所选期间和社区没有登记任何事项。"
EXPIRED = "您的账户已停用或登录已失效，请重新登录。"
LEDGER_EMPTY = "没有符合条件的事项。"
BAD_PHONE = "电话号码格式不正确：请填写 11 位手机号（如 13812345678）或带区号的固定电话（如 0477-1234567）。"


@pytest.fixture
def empty_db(tmp_path, monkeypatch):
    """A migrated database without demo data (GONGZHI_DEMO=0) and one street leader to log in with."""
    with page_db(tmp_path, "empty", demo=False, monkeypatch=monkeypatch) as db:
        assert db.users == {}, "a non-demo database starts without accounts"
        db.add_user("leader", "leader")
        yield db


def home_community(db: PageDb, username: str = "secretary") -> int:
    """The community a community-scoped demo account works in."""
    grant, = db.actor(username).grants
    return grant.community_id


def new_matter(db: PageDb, community_id: int, *, description: str = "3号楼楼道灯损坏多日未修，夜间出行不便",
               by: str = "secretary") -> Matter:
    """A matter just recorded (step 1, 分析民情)."""
    return create_matter(db.engine, actor=db.actor(by), settings=db.settings, data={
        "channel": "resident", "sub_source": "phone", "community_id": community_id,
        "grid_id": db.grids(community_id)[0], "anonymous": False, "reporter_name": "李秀英",
        "reporter_phone": "13812345678", "description": description, "category": "environment",
        "urgency": "normal", "mode": "team", "registered_at": None})


def advance_to(db: PageDb, matter: Matter, step: Step) -> None:
    """Move a matter through the method up to `step`, as the secretary would."""
    forms = [(Action.ANALYSE, {"handler": "张敏", "supervisor": "王丽娟", "mode": "team", "note": ""}),
             (Action.REGISTER, {"ledger_no": f"TZ-TEST-{matter.id}", "deadline": matter.deadline}),
             (Action.COMPLETE, {"result": "已安排物业更换灯具"}),
             (Action.FEEDBACK, {"content": "已电话告知居民", "method": "phone"})]
    for action, data in forms[:step - 1]:
        advance_matter(db.engine, actor=db.actor("secretary"), settings=db.settings, matter_id=matter.id,
                       action=action, data=data)
    assert db.matter(Matter.id == matter.id).step == step


def overdue_condition(community_id: int):
    return (Matter.community_id == community_id, Matter.step <= int(Step.HANDLE), Matter.deadline < clock.today())


# --- login (app.py) --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("demo", [False, True], ids=["empty", "demo"])
def test_login_page_renders(demo, request, monkeypatch):
    db = request.getfixturevalue("demo_db" if demo else "empty_db")
    at = app_test(monkeypatch).run()
    assert not at.exception
    assert texts(at.title) == ["登录共治"]
    assert [w.label for w in at.text_input] == ["用户名", "密码"]
    assert "login_submit" in [b.key for b in at.button]
    assert not at.sidebar.button, "nobody is logged in: no logout button"
    if demo:
        assert texts(at.subheader) == ["演示账户"]
        assert DEMO_PASSWORD in at.info[0].value
        assert len(at.dataframe[0].value) == len(db.users)
    else:
        assert not at.subheader and not at.dataframe, "the demo accounts are listed only in demo mode"


def test_login_with_wrong_password_shows_the_error(demo_db, monkeypatch):
    at = app_test(monkeypatch).run()
    at.text_input(key="login_username").input("secretary")
    at.text_input(key="login_password").input("not-the-password")
    at.button(key="login_submit").click().run()
    assert not at.exception
    assert texts(at.error) == ["用户名或密码错误。"]
    assert "user_id" not in at.session_state
    assert texts(at.title) == ["登录共治"]


def test_login_with_right_password_opens_the_overview(demo_db, monkeypatch):
    at = app_test(monkeypatch).run()
    at.text_input(key="login_username").input("secretary")
    at.text_input(key="login_password").input(DEMO_PASSWORD)
    at.button(key="login_submit").click().run()
    assert not at.exception
    assert at.session_state["user_id"] == demo_db.users["secretary"]
    assert not at.error
    assert texts(at.title) == ["书记总览"], "the default page after login is the overview"
    assert [b.key for b in at.sidebar.button] == ["logout"]
    assert "当前用户：康盛社区书记 王丽娟" in texts(at.sidebar.caption)
    assert "login_password" not in at.session_state, "the password is not kept in the session"
    # the navigation offers the secretary's pages, the intake among them
    at.switch_page("pages/service/intake.py").run()
    assert texts(at.title) == ["登记民情"]
    # logging out returns to the login form
    at.sidebar.button(key="logout").click().run()
    assert "user_id" not in at.session_state
    assert texts(at.title) == ["登录共治"]


def test_navigation_offers_intake_only_to_roles_that_may_record(demo_db, monkeypatch):
    at = app_test(monkeypatch)
    at.session_state["user_id"] = demo_db.users["leader"]
    at.run()
    assert not at.exception
    assert texts(at.title) == ["书记总览"]
    with pytest.raises(ValueError):
        at.switch_page("pages/service/intake.py")
    at.switch_page("pages/service/ledger.py").run()
    assert texts(at.title) == ["民情台账"]


# --- every page renders ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("page, title", [("overview", "书记总览"), ("ledger", "民情台账"), ("intake", "登记民情"),
                                         ("matter", "事项办理")])
def test_pages_render_on_demo_data(demo_db, page, title):
    community_id = home_community(demo_db)
    some_matter = demo_db.matter(Matter.community_id == community_id)
    at = run_page(page, demo_db.users["secretary"], record=some_matter.id)
    assert not at.exception
    assert texts(at.title) == [title]
    assert EXPIRED not in texts(at.warning)
    if page == "matter":
        assert at.subheader[0].value.startswith(some_matter.number)


def test_pages_ask_for_a_new_login_when_the_user_is_gone(empty_db):
    at = run_page("overview", 999)
    assert not at.exception
    assert texts(at.warning) == [EXPIRED]
    assert not at.metric


def test_overview_on_an_empty_database_explains_instead_of_zero_percent(empty_db):
    at = run_page("overview", empty_db.users["leader"])
    assert not at.exception
    assert texts(at.title) == ["书记总览"]
    metrics = {m.label: m.value for m in at.metric}
    assert metrics == dict.fromkeys(["受理事项", "办结率", "按期办结率", "满意率", "发回重办率", "平均办理天数"], DASH)
    captions = texts(at.caption)
    assert NO_MATTERS in captions
    assert {"所选期间没有到期事项。", "所选期间没有经过群众评议的事项。", "所选期间没有已销号事项。"} <= set(captions)
    assert not any("%" in value for value in metrics.values())
    assert any(OVERVIEW_EMPTY in text for text in texts(at.info))
    assert texts(at.success) == ["目前没有超期事项。"]


def test_ledger_on_an_empty_database_shows_the_empty_state(empty_db):
    at = run_page("ledger", empty_db.users["leader"])
    assert not at.exception
    assert texts(at.title) == ["民情台账"]
    assert not at.dataframe
    assert any(LEDGER_EMPTY in text for text in texts(at.info))
    assert at.get("download_button")[0].proto.disabled, "nothing to export"


def test_intake_refuses_a_role_that_records_nothing(empty_db):
    at = run_page("intake", empty_db.users["leader"])
    assert not at.exception
    assert texts(at.error) == ["您的角色无权使用此页面。"]
    assert "intake_save" not in [b.key for b in at.button]


def test_intake_with_one_community_preselects_it(empty_db):
    community_id, grid_ids = empty_db.add_place()
    empty_db.add_user("secretary", "secretary", community_id)
    at = run_page("intake", empty_db.users["secretary"])
    assert not at.exception
    assert at.selectbox(key="intake_community_id").value == community_id
    assert at.selectbox(key="intake_grid_id").options == ["测试第1网格", "测试第2网格"]
    assert at.selectbox(key="intake_sub_source").disabled, "no sub-source before a channel is chosen"
    assert "intake_save" in [b.key for b in at.button]


def test_matter_page_on_an_empty_database_asks_to_choose(empty_db):
    at = run_page("matter", empty_db.users["leader"])
    assert not at.exception
    assert texts(at.title) == ["事项办理"]
    assert texts(at.info) == ["请从“民情台账”点选一个事项，或在上方输入编号查找。"]
    at = run_page("matter", empty_db.users["leader"], record=12345)
    assert not at.exception
    assert texts(at.info) == ["未找到该事项，或不在您的查看范围内。"]


# --- intake ------------------------------------------------------------------------------------------------------


def fill_intake(at, db: PageDb, community_id: int, *, phone: str, description: str):
    """Fill the intake form as a user would: choosing a channel and community offers their sub-sources and grids."""
    at.selectbox(key="intake_channel").select("resident")
    at.selectbox(key="intake_community_id").select(community_id)
    at.run()
    assert at.selectbox(key="intake_sub_source").options == ["来电", "来访", "12345热线转办", "来信"]
    at.selectbox(key="intake_sub_source").select("phone")
    at.selectbox(key="intake_grid_id").select(db.grids(community_id)[1])
    at.text_input(key="intake_reporter_name").input("李秀英")
    at.text_input(key="intake_reporter_phone").input(phone)
    at.text_area(key="intake_description").input(description)
    at.selectbox(key="intake_category").select("environment")
    at.selectbox(key="intake_urgency").select("urgent")
    at.selectbox(key="intake_mode").select("team")
    return at.run()


def test_intake_saves_a_matter(demo_db):
    community_id = home_community(demo_db)
    before = demo_db.count_matters()
    description = "5号楼2单元门口垃圾桶满溢三天未清运，气味很大"
    at = run_page("intake", demo_db.users["secretary"])
    fill_intake(at, demo_db, community_id, phone="13812345678", description=description)
    assert not at.exception
    assert any(text.startswith("办理时限：1 个工作日，截止") for text in texts(at.info)), "the deadline preview"

    at.button(key="intake_save").click().run()
    assert not at.exception
    assert not at.error
    (message,) = texts(at.success)
    found = re.fullmatch(r"已登记事项 (MQ\d{15})，进入“分析民情”步骤。", message)
    assert found, message
    number = found.group(1)

    assert demo_db.count_matters() == before + 1
    saved = demo_db.matter(Matter.number == number)
    assert saved is not None
    assert (saved.description, saved.community_id, saved.grid_id) == (description, community_id,
                                                                      demo_db.grids(community_id)[1])
    assert (saved.channel, saved.sub_source, saved.category, saved.urgency, saved.mode) == (
        "resident", "phone", "environment", "urgent", "team")
    assert (saved.reporter_name, saved.reporter_phone, saved.step) == ("李秀英", "13812345678", Step.ANALYSE)
    assert saved.created_by == demo_db.users["secretary"]
    # the form is emptied for the next matter, and offers to open the saved one
    assert [area.value for area in at.text_area] == [""], "the form starts afresh after a save"
    assert next(s for s in at.selectbox if s.label == "收集途径").value is None
    assert "intake_open_saved" in [b.key for b in at.button]
    # through the app (its navigation knows the matter page): the button opens the matter, its id in the address
    app = app_test()
    app.session_state["user_id"] = demo_db.users["secretary"]
    app.session_state["intake__result"] = saved
    app.run()
    app.switch_page("pages/service/intake.py").run()
    app.button(key="intake_open_saved").click().run()
    assert not app.exception
    assert app.subheader[0].value.startswith(number) and app.query_params["id"] == str(saved.id)


@pytest.mark.parametrize(("days", "message"), [
    (-1, "登记时间不能晚于现在。"),
    (6 * 365, "登记时间最早可补录到 30 天前（{earliest}）：请核对日期。"),
])
def test_a_registration_date_outside_the_window_is_refused_by_the_field_and_kept(demo_db, days, message):
    community_id = home_community(demo_db)
    before = demo_db.count_matters()
    at = run_page("intake", demo_db.users["secretary"])
    fill_intake(at, demo_db, community_id, phone="13812345678", description="小区东门路灯损坏，夜间很暗")
    typed = clock.today() - timedelta(days=days)
    at.date_input(key="intake_registered_date").set_value(typed).run()
    at.button(key="intake_save").click().run()
    assert not at.exception and not at.success
    earliest = (clock.now() - timedelta(days=30)).date().isoformat()
    assert message.format(earliest=earliest) in [e.replace("\\", "") for e in texts(at.error)]  # as shown
    assert at.date_input(key="intake_registered_date").value == typed, "the date on screen is the one typed"
    assert demo_db.count_matters() == before, "nothing was written"


def test_over_long_text_is_refused_with_its_limit_and_length_and_kept(demo_db):
    """A paste beyond a field's limit is not dropped (a widget's max_chars made the browser ignore it, and the
    matter was saved without its reporter): the form says the limit and the length, and keeps the text."""
    community_id = home_community(demo_db)
    before = demo_db.count_matters()
    at = run_page("intake", demo_db.users["secretary"])
    fill_intake(at, demo_db, community_id, phone="13812345678", description="路" * 1001)
    at.text_input(key="intake_reporter_name").input("名" * 31)
    at.button(key="intake_save").click().run()
    assert not at.success and demo_db.count_matters() == before
    shown = set(texts(at.error))
    assert {"内容太长：最多 30 个字，当前 31 个字。", "内容太长：最多 1000 个字，当前 1001 个字。"} <= shown
    assert at.text_input(key="intake_reporter_name").value == "名" * 31
    assert at.text_area(key="intake_description").value == "路" * 1001


def test_intake_bad_input_shows_errors_by_the_fields_and_keeps_the_input(demo_db):
    community_id = home_community(demo_db)
    before = demo_db.count_matters()
    at = run_page("intake", demo_db.users["secretary"])
    fill_intake(at, demo_db, community_id, phone="12345", description="灯坏")
    at.button(key="intake_save").click().run()
    assert not at.exception
    assert not at.success

    errors = texts(at.error)
    assert "有 2 项内容需要修改，请查看标红的提示。" in errors
    assert BAD_PHONE in errors
    assert "内容太短，至少需要 5 个字。" in errors
    assert demo_db.count_matters() == before, "nothing was written"

    # the messages stand under their fields: the phone error in the small column of the phone input
    phone_column = min((c for c in at.columns if "intake_reporter_phone" in [w.key for w in c.text_input]),
                       key=lambda c: len(c.children))
    assert texts(phone_column.error) == [BAD_PHONE]

    # what was typed and chosen is still there
    assert at.text_input(key="intake_reporter_phone").value == "12345"
    assert at.text_input(key="intake_reporter_name").value == "李秀英"
    assert at.text_area(key="intake_description").value == "灯坏"
    assert at.selectbox(key="intake_channel").value == "resident"
    assert at.selectbox(key="intake_sub_source").value == "phone"
    assert at.selectbox(key="intake_category").value == "environment"

    # correcting the two fields saves the matter and clears the messages
    at.text_input(key="intake_reporter_phone").input("0477-1234567")
    at.text_area(key="intake_description").input("小区东门路灯损坏，夜间很暗")
    at.button(key="intake_save").click().run()
    assert not at.error
    assert texts(at.success)[0].startswith("已登记事项 ")
    assert demo_db.count_matters() == before + 1


# --- matter ------------------------------------------------------------------------------------------------------


def test_analysing_a_matter_moves_the_page_to_the_next_step(demo_db):
    matter = new_matter(demo_db, home_community(demo_db))
    at = run_page("matter", demo_db.users["secretary"], record=matter.id)
    assert not at.exception
    assert at.subheader[0].value.startswith(f"{matter.number} · 分析民情")
    assert "#### 下一步：分析民情" in texts(at.markdown)

    form = f"step{matter.id}_analyse"
    at.text_input(key=f"{form}_handler").input("张敏")
    at.text_input(key=f"{form}_supervisor").input("王丽娟")
    at.selectbox(key=f"{form}_mode").select("proxy")
    at.text_area(key=f"{form}_note").input("先联系物业核实情况")
    at.button(key=f"{form}_save").click().run()
    assert not at.exception
    assert not at.error

    assert texts(at.success) == ["已完成“分析民情”。"]
    assert at.subheader[0].value.startswith(f"{matter.number} · 建立台账")
    assert "#### 下一步：建立台账" in texts(at.markdown)
    assert f"step{matter.id}_register_save" in [b.key for b in at.button], "the next step's form is shown"
    assert f"{form}_save" not in [b.key for b in at.button]
    timeline = at.dataframe[-1].value
    assert list(timeline["what"]) == ["登记事项", "分析民情"]
    assert timeline["detail"].iloc[-1] == "先联系物业核实情况；承办人：张敏；督办人：王丽娟；服务方式：代办服务"

    saved = demo_db.matter(Matter.id == matter.id)
    assert (saved.step, saved.handler, saved.supervisor, saved.mode) == (Step.LEDGER, "张敏", "王丽娟", "proxy")


def test_analyse_without_handler_shows_the_error_and_stays(demo_db):
    matter = new_matter(demo_db, home_community(demo_db))
    at = run_page("matter", demo_db.users["secretary"], record=matter.id)
    form = f"step{matter.id}_analyse"
    at.text_input(key=f"{form}_supervisor").input("王丽娟")
    at.button(key=f"{form}_save").click().run()
    assert not at.exception
    assert "此项为必填项。" in texts(at.error)
    assert at.text_input(key=f"{form}_supervisor").value == "王丽娟"
    assert at.subheader[0].value.startswith(f"{matter.number} · 分析民情")
    assert demo_db.matter(Matter.id == matter.id).step == Step.ANALYSE


@pytest.mark.parametrize("username, message", [
    ("worker", "您的角色不能执行“群众评议”，需由社区书记办理。"),
    ("leader", "您的角色只能查看，不能修改。"),
])
def test_evaluation_is_left_to_the_secretary(demo_db, username, message):
    matter = new_matter(demo_db, home_community(demo_db))
    advance_to(demo_db, matter, Step.EVALUATE)
    at = run_page("matter", demo_db.users[username], record=matter.id)
    assert not at.exception
    assert at.subheader[0].value.startswith(f"{matter.number} · 群众评议")
    assert message in texts(at.info)
    assert not at.radio, "no evaluation form"
    assert not [b for b in at.button if b.key and b.key.startswith(f"step{matter.id}_")]

    secretary = run_page("matter", demo_db.users["secretary"], record=matter.id)
    assert secretary.radio(key=f"step{matter.id}_evaluate_evaluation").options == ["满意", "基本满意", "不满意"]
    assert f"step{matter.id}_evaluate_save" in [b.key for b in secretary.button]


def test_matter_found_by_its_number(demo_db):
    matter = new_matter(demo_db, home_community(demo_db))
    at = run_page("matter", demo_db.users["secretary"])
    at.text_input(key="matter_find_number").input(f" {matter.number} ")
    at.button[0].click().run()
    assert not at.exception
    assert at.subheader[0].value.startswith(matter.number)
    assert at.query_params["id"] == str(matter.id), "the address names the matter found: it can be copied"
    at.text_input(key="matter_find_number").input("MQ000000000000")
    at.button[0].click().run()
    assert texts(at.error) == ["没有找到编号为“MQ000000000000”的事项，或不在您的查看范围内。请核对编号。"]
    assert not at.subheader, "the matter opened before is not left beneath the message"
    assert "id" not in at.query_params
    at.run()  # any later rerun: the old matter does not come back
    assert not at.subheader and texts(at.info) == ["请从“民情台账”点选一个事项，或在上方输入编号查找。"]
    # a pasted text far longer than any number is refused in the same words, not searched for
    at.text_input(key="matter_find_number").input("M" * 500)
    at.button[0].click().run()
    assert not at.exception and not at.subheader and len(at.error) == 1


def test_matter_outside_the_scope_is_not_shown(demo_db):
    mine = home_community(demo_db)
    other = demo_db.matter(Matter.community_id != mine)
    at = run_page("matter", demo_db.users["worker"], record=other.id)
    assert not at.exception
    assert texts(at.info) == ["未找到该事项，或不在您的查看范围内。"]
    assert not at.subheader


# --- ledger ------------------------------------------------------------------------------------------------------


def ledger_total(caption: str) -> int:
    found = re.match(r"第 (\d+) / (\d+) 页，共 ([\d,]+) 条", caption)
    assert found, caption
    return int(found.group(3).replace(",", ""))


def test_ledger_shows_one_page_and_the_total(demo_db):
    community_id = home_community(demo_db)
    total = demo_db.count_matters(Matter.community_id == community_id)
    size = demo_db.settings.page_size
    assert total > size, "the demo data fills more than one page"
    at = run_page("ledger", demo_db.users["secretary"])
    assert not at.exception
    (caption,) = [c for c in texts(at.caption) if c.startswith("第 ")]
    assert ledger_total(caption) == total
    assert caption.startswith(f"第 1 / {-(-total // size)} 页")
    table = at.dataframe[0].value
    assert len(table) == size
    in_scope = {n for (n,) in _numbers(demo_db, Matter.community_id == community_id)}
    assert set(table["number"]) <= in_scope, "only the secretary's community"

    at.number_input(key="ledger_page").set_value(-(-total // size)).run()
    assert len(at.dataframe[0].value) == total - size * (-(-total // size) - 1)


def _numbers(db: PageDb, *conditions):
    with transaction(db.engine) as session:
        return session.execute(select(Matter.number).where(*conditions)).all()


def test_ledger_overdue_only(demo_db):
    community_id = home_community(demo_db)
    overdue = {n for (n,) in _numbers(demo_db, *overdue_condition(community_id))}
    assert 0 < len(overdue) <= demo_db.settings.page_size
    at = run_page("ledger", demo_db.users["secretary"])
    assert "否" in set(at.dataframe[0].value["overdue"])
    at.checkbox(key="ledger_overdue").check().run()
    assert not at.exception
    table = at.dataframe[0].value
    assert set(table["overdue"]) == {"是"}
    assert set(table["number"]) == overdue
    (caption,) = [c for c in texts(at.caption) if c.startswith("第 ")]
    assert ledger_total(caption) == len(overdue)
    # the folded filters say how many are in use, so that a filtered list is never taken for the whole ledger
    assert [e.label for e in at.expander] == ["筛选条件（已选 1 项）"]


def test_ledger_puts_the_search_first_and_folds_the_filters(demo_db):
    """On a phone eight filter boxes would stand between the search and the table: the search comes first and the
    filters fold away under a title."""
    at = run_page("ledger", demo_db.users["secretary"])
    assert [e.label for e in at.expander] == ["筛选条件"]
    assert "ledger_text" not in [w.key for w in at.expander[0].text_input]
    assert "ledger_step" in [w.key for w in at.expander[0].selectbox]


def test_ledger_search(demo_db):
    matter = new_matter(demo_db, home_community(demo_db), description="独一无二的测试描述：9号楼电梯异响")
    at = run_page("ledger", demo_db.users["secretary"])
    at.text_input(key="ledger_text").input("独一无二的测试描述").run()
    assert not at.exception
    assert list(at.dataframe[0].value["number"]) == [matter.number]
    at.text_input(key="ledger_text").input("zzq-没有这样的事项-xyz").run()
    assert not at.exception
    assert not at.dataframe
    assert any(LEDGER_EMPTY in text for text in texts(at.info))
    assert at.get("download_button")[0].proto.disabled


# --- overview ----------------------------------------------------------------------------------------------------


def test_overview_shows_percentages_on_demo_data(demo_db):
    community_id = home_community(demo_db)
    at = run_page("overview", demo_db.users["secretary"])
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    for label in ("办结率", "按期办结率", "满意率", "发回重办率"):
        assert RATE.match(metrics[label]), (label, metrics[label])
    assert re.fullmatch(r"\d+\.\d", metrics["平均办理天数"])

    # the numbers are those of the period shown and the secretary's community
    (period,) = [c for c in texts(at.caption) if re.fullmatch(r"按登记月份统计：\d{4}-\d\d ~ \d{4}-\d\d", c)]
    first, last = (date.fromisoformat(m + "-01") for m in period.split("：")[1].split(" ~ "))
    assert last == clock.today().replace(day=1)
    start, end = clock.day_start(first), clock.day_start(clock.today())
    in_period = (Matter.community_id == community_id, Matter.registered_at >= start,
                 Matter.registered_at < end + timedelta(days=1))
    accepted = demo_db.count_matters(*in_period)
    closed = demo_db.count_matters(*in_period, Matter.step == int(Step.CLOSED))
    assert int(metrics["受理事项"].replace(",", "")) == accepted
    assert abs(float(metrics["办结率"].rstrip("%")) - 100 * closed / accepted) < 0.051
    charts = {"各步骤事项数", "月度趋势", "按收集途径", "按服务方式", "按事项类别", "超期事项"}
    assert charts <= set(texts(at.subheader))
    n_overdue = demo_db.count_matters(*overdue_condition(community_id))
    assert any(c.startswith(f"当前共有 {n_overdue} 件事项超过办理时限未办结") for c in texts(at.caption))
    assert not any(OVERVIEW_EMPTY in text for text in texts(at.info))


def test_overview_for_a_period_without_matters_shows_dashes_and_why(demo_db):
    at = run_page("overview", demo_db.users["secretary"])
    at.button_group(key="overview_period").set_value("custom").run()
    today = clock.today()
    months = at.selectbox(key="overview_from").options
    assert len(months) == 36 and months[0] == f"{today:%Y-%m}"
    at.selectbox(key="overview_from").set_value(date.fromisoformat(months[-1] + "-01"))
    at.selectbox(key="overview_to").set_value(date.fromisoformat(months[-13] + "-01"))
    at.run()
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert set(metrics.values()) == {DASH}
    assert "0.0%" not in metrics.values()
    assert NO_MATTERS in texts(at.caption)
    assert any(OVERVIEW_EMPTY in text for text in texts(at.info))
    assert "各步骤事项数" not in texts(at.subheader), "no empty charts"


def test_recorded_matter_counts_in_the_overview(empty_db):
    community_id, _ = empty_db.add_place()
    empty_db.add_user("secretary", "secretary", community_id)
    new_matter(empty_db, community_id, by="secretary")
    at = run_page("overview", empty_db.users["leader"])
    assert not at.exception
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["受理事项"] == "1"
    assert metrics["办结率"] == "0.0%", "one matter, none closed: a real 0%"
    assert metrics["满意率"] == DASH, "nothing evaluated yet"
    with transaction(empty_db.engine) as session:
        assert session.execute(select(MatterEvent.action)).scalars().all() == ["record"]


def test_user_text_on_the_matter_page_shows_literally(demo_db):
    hostile = "![x](http://evil.example/a.png) [点我](javascript:alert(1)) <script>alert(1)</script>"
    matter = create_matter(demo_db.engine, actor=demo_db.actor("secretary"), settings=demo_db.settings, data={
        "channel": "resident", "sub_source": "phone", "community_id": home_community(demo_db),
        "grid_id": demo_db.grids(home_community(demo_db))[0], "reporter_name": "*张*", "description": hostile,
        "category": "request", "urgency": "normal", "mode": "team"})
    at = run_page("matter", demo_db.users["secretary"], record=matter.id)
    assert not at.exception
    assert hostile in [text.value for text in at.text], "the description is shown as plain text"
    rendered = " ".join(texts(at.markdown) + texts(at.caption) + texts(at.subheader))
    assert "evil.example" not in rendered and "javascript:" not in rendered, "user text never goes through Markdown"


@pytest.mark.parametrize("page", ["overview", "ledger", "intake", "matter"])
def test_every_page_speaks_english_when_chosen(demo_db, page):
    at = run_page(page, demo_db.users["secretary"], lang="en", record=1)
    assert not at.exception
    titles = {"overview": "Secretary's overview", "ledger": "Matter ledger", "intake": "New matter",
              "matter": "Matter handling"}
    assert at.title[0].value == titles[page]
    shown = " ".join(texts(at.markdown) + texts(at.caption) + texts(at.subheader) + [w.label for w in at.selectbox])
    assert not re.search(r"[\u4e00-\u9fff]{2,}(?:率|数|期)", shown), "no Chinese KPI labels left in English"
