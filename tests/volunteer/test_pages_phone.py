"""Page tests (Streamlit AppTest) of the volunteer's phone screen, the resident's sign-off page and the points store's
counter. A volunteer takes an order, records the service, shows the QR code; the link opened without an account
shows the order without the resident's data, rates and signs, thanks through a rerun and says "used" when opened
again; the hours and points appear on the volunteer's screen. Refused input says why next to the field, keeps what was
typed and writes nothing. A team leader takes a team order for a member. The counter finds a volunteer by the code a
scanner types, redeems, shows the slip, refuses a redemption above the balance and cancels one the same day; the
goods tab adds and changes goods. Empty states say what to do."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_access import clock
from data_access.db import reading, transaction
from data_access.models import (
    PointsAccount,
    Redemption,
    ServiceRecord,
    SignOffLink,
    StoreGood,
    Volunteer,
    VolunteerOrder,
)
from data_access.volunteer import orders as vo
from data_access.volunteer import registry, store
from data_access.volunteer.queries import volunteer_code
from domain.volunteer.ledger import Holder
from domain.volunteer.orders import Step
from tests.pages_support import ROOT, TIMEOUT, app_test, page_db, texts

MINE, STORE = ROOT / "pages" / "volunteer" / "mine.py", ROOT / "pages" / "volunteer" / "store.py"
WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
CHECK = "10X98765432"
RECIPIENT, RECIPIENT_PHONE = "李桂兰", "13800001111"


def id_number(serial: int) -> str:
    """A valid resident ID number (GB 11643)."""
    body = f"11010519800101{serial:03d}"
    return body + CHECK[sum(int(d) * w for d, w in zip(body, WEIGHTS, strict=True)) % 11]


@pytest.fixture
def db(tmp_path, monkeypatch):
    """康盛社区 with a secretary, a counter worker, the volunteer 张志愿 (account `vol`), the team 红马甲服务队 led by
    王队长 (account `lead`) with the member 钱队员 (no account), 孙志愿 (no account) and an account `nobody` holding
    the volunteer role without a registration."""
    with page_db(tmp_path, "vphone", demo=False, monkeypatch=monkeypatch) as db:
        home, _ = db.add_place("康盛社区", "KS")
        for name, role in (("secretary", "secretary"), ("worker", "worker"), ("vol", "volunteer"),
                           ("lead", "team_lead"), ("nobody", "volunteer")):
            db.add_user(name, role, home)
        secretary = db.actor("secretary")

        def add(name, serial, **changes):
            return registry.save_volunteer(db.engine, actor=secretary, settings=db.settings, data={
                "community_id": home, "name": name, "phone": f"1390000{serial:04d}", "id_number": id_number(serial),
                "skills": ["elderly"], "party_member": False, "registered_on": date(2025, 3, 1)} | changes).id

        db.home = home
        db.vols = {"vol": add("张志愿", 1, user_id=db.users["vol"]), "lead": add("王队长", 2, user_id=db.users["lead"])}
        db.team = registry.save_team(db.engine, actor=secretary, settings=db.settings, data={
            "community_id": home, "name": "红马甲服务队", "kind": "community", "speciality": ["elderly"],
            "leader_id": db.vols["lead"]}).id
        db.vols["member"] = add("钱队员", 3, team_id=db.team)
        db.vols["spare"] = add("孙志愿", 4)
        yield db


def order(db, to: Step, *, volunteer: str | None = "vol", team: bool = False, title: str = "陪同就医") -> int:
    """An order of 康盛社区 for 李桂兰, dispatched to `volunteer` (or the team) and taken up to step `to`."""
    secretary = db.actor("secretary")
    made = vo.create_order(db.engine, actor=secretary, settings=db.settings, data={
        "community_id": db.home, "service_kind": "elderly", "title": title, "detail": "腿脚不便",
        "place": "幸福小区3号楼", "wanted_at": clock.now() + timedelta(days=1), "recipient_name": RECIPIENT,
        "recipient_phone": RECIPIENT_PHONE})
    if to >= Step.DISPATCHED:
        vo.dispatch(db.engine, actor=secretary, order_id=made.id, data={
            "volunteer_id": db.vols[volunteer] if volunteer else None, "team_id": db.team if team else None,
            "due_at": clock.now() + timedelta(days=2)})
    if to >= Step.TAKEN:
        vo.take(db.engine, actor=secretary, order_id=made.id)
    if to >= Step.SERVED:
        vo.record_service(db.engine, actor=secretary, order_id=made.id,
                          rows=[{"volunteer_id": db.vols[volunteer], "hours": 2}])
    return made.id


def mine(db, username: str, at: AppTest | None = None) -> AppTest:
    if at is None:
        at = AppTest.from_file(str(MINE), default_timeout=TIMEOUT)
        at.session_state["user_id"] = db.users[username]
    at.run()
    assert not at.exception, at.exception
    return at


def row(db, model, row_id: int):
    with reading(db.engine) as session:
        return session.get(model, row_id)


def count(db, model, *conditions) -> int:
    with reading(db.engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


def balance(db, key: str) -> int:
    with reading(db.engine) as session:
        return session.execute(select(PointsAccount.balance).where(
            PointsAccount.holder == Holder.VOLUNTEER.value, PointsAccount.owner_id == db.vols[key])).scalar_one()


def shown(at: AppTest) -> str:
    return "\n".join(texts(at.title) + texts(at.subheader) + texts(at.markdown) + texts(at.caption) + texts(at.info)
                     + texts(at.success) + texts(at.warning) + texts(at.error)
                     + [f"{m.label}\n{m.value}" for m in at.metric])


def button(at: AppTest, key: str):
    return at.button(key=key)


def widget(elements, key: str):
    """The widget of a form's field whatever round of keys the form is in (ui.forms.widget_key)."""
    found = [e for e in elements if e.key == key or str(e.key).startswith(f"{key}_r")]
    assert len(found) == 1, [e.key for e in elements]
    return found[0]


def open_link(token: str, at: AppTest | None = None) -> AppTest:
    """The sign-off link opened through app.py as the resident's phone opens it (no login)."""
    if at is None:
        at = app_test()
        at.query_params["sign"] = token
    at.run()
    assert not at.exception, at.exception
    return at


# --- 我的志愿服务 ---------------------------------------------------------------------------------------------------

def test_an_account_without_a_volunteer_record_is_told_what_to_do(db):
    at = mine(db, "nobody")
    assert "还没有关联志愿者登记" in shown(at) and "nobody" in shown(at)
    assert "社区工作人员" in shown(at)


def test_nothing_open_says_where_orders_will_appear(db):
    at = mine(db, "vol")
    text = shown(at)
    assert "张志愿" in text and "目前没有待办订单" in text and "还没有积分记录" in text
    assert volunteer_code(db.vols["vol"]) in text  # the code under its QR, for the counter
    at.button(key="big_certificate").click()
    mine(db, "vol", at)
    assert "没有经签单确认的志愿服务记录" in "\n".join(texts(at.error))
    assert not [b for b in at.get("download_button")]


def test_take_record_show_the_code_sign_on_the_residents_phone_and_see_hours_and_points(db):
    oid = order(db, Step.DISPATCHED)
    number = row(db, VolunteerOrder, oid).number
    at = mine(db, "vol")
    assert number in shown(at) and "陪同就医" in shown(at)
    button(at, f"big_take_{oid}").click()
    mine(db, "vol", at)
    assert row(db, VolunteerOrder, oid).step == Step.TAKEN
    assert f"已接单 {number}" in shown(at)

    widget(at.number_input, f"mine_{oid}_hours_{db.vols['vol']}").set_value(2.5)
    button(at, f"big_record_{oid}").click()
    mine(db, "vol", at)
    assert row(db, VolunteerOrder, oid).step == Step.SERVED
    assert row(db, VolunteerOrder, oid).hours_tenths == 25

    button(at, f"big_qr_{oid}").click()
    mine(db, "vol", at)
    link = [c.value for c in at.code if "?sign=" in str(c.value)]
    assert len(link) == 1 and "有效至" in shown(at)
    token = link[0].split("?sign=")[1]
    assert count(db, SignOffLink, SignOffLink.order_id == oid, SignOffLink.used_at.is_(None)) == 1

    phone = open_link(token)
    page = shown(phone)
    assert number in page and "陪同就医" in page and "2.5 小时" in page
    assert RECIPIENT not in page and RECIPIENT_PHONE not in page and "张志愿" not in page  # the volunteer masked
    phone.button(key="big_sign").click()  # no rating yet: asked for, nothing written
    open_link(token, phone)
    assert "此项为必填项" in shown(phone) and row(db, VolunteerOrder, oid).step == Step.SERVED
    phone.radio(key="sign_rating").set_value("satisfied")
    phone.text_area(key="sign_comment").input("小张很耐心")
    phone.button(key="big_sign").click()
    open_link(token, phone)
    assert "签单成功，感谢您的评价" in shown(phone)
    signed = row(db, VolunteerOrder, oid)
    assert signed.step == Step.RATED and signed.rating == "satisfied" and signed.sign_method == "link"
    open_link(token, phone)  # a rerun of the same session keeps the thanks
    assert "签单成功，感谢您的评价" in shown(phone)

    again = open_link(token)  # the link opened again elsewhere: used, said kindly
    assert "本订单已签单，感谢您的评价" in shown(again) and "已经使用过" in shown(again)
    assert not again.button

    at = mine(db, "vol")
    text = shown(at)
    assert "目前没有待办订单" in text
    assert "2.5 小时" in text and "25 分" in text  # 10 points an hour for elderly care
    assert f"{number} · 陪同就医" in text and "满意" in text
    assert "+25 分" in text and "服务积分" in text
    assert row(db, Volunteer, db.vols["vol"]).hours_tenths == 25 and balance(db, "vol") == 25

    at.button(key="big_certificate").click()  # the service-hours certificate of this year so far
    mine(db, "vol", at)
    assert "已生成证明 康盛志证" in shown(at)
    assert at.session_state["mine_certificate_file"][1][:2] == b"PK"  # a .docx is a zip file
    assert len(at.get("download_button")) == 1


def test_hours_beyond_the_day_are_refused_next_to_the_field_keeping_what_was_typed(db):
    busy = order(db, Step.TAKEN, title="代买药品")
    vo.record_service(db.engine, actor=db.actor("secretary"), order_id=busy,
                      rows=[{"volunteer_id": db.vols["vol"], "hours": 20}])
    oid = order(db, Step.TAKEN)
    at = mine(db, "vol")
    hours = widget(at.number_input, f"mine_{oid}_hours_{db.vols['vol']}")
    hours.set_value(5.0)
    button(at, f"big_record_{oid}").click()
    mine(db, "vol", at)
    assert "当天已记录 20" in "\n".join(texts(at.error))
    assert widget(at.number_input, f"mine_{oid}_hours_{db.vols['vol']}").value == 5.0
    assert row(db, VolunteerOrder, oid).step == Step.TAKEN and count(db, ServiceRecord,
                                                                     ServiceRecord.order_id == oid) == 0


def test_a_volunteer_found_by_name_is_recorded_with_their_own_hours(db):
    """Who served with them is one of their team: the leader finds a member by name and records both; a volunteer of
    no team (or one outside it) is not offered, so no one gives hours and points to a stranger."""
    oid = order(db, Step.TAKEN, volunteer="lead")
    at = mine(db, "lead")
    at.text_input(key=f"mine_find_{oid}").input("孙志")  # not of the team
    mine(db, "lead", at)
    assert not [s for s in at.selectbox if s.key == f"mine_pick_{oid}"]
    at.text_input(key=f"mine_find_{oid}").input("钱队")
    mine(db, "lead", at)
    button(at, f"mine_add_{oid}").click()
    mine(db, "lead", at)
    widget(at.number_input, f"mine_{oid}_hours_{db.vols['lead']}").set_value(2.0)
    widget(at.number_input, f"mine_{oid}_hours_{db.vols['member']}").set_value(1.5)
    button(at, f"big_record_{oid}").click()
    mine(db, "lead", at)
    with reading(db.engine) as session:
        served = dict(session.execute(select(ServiceRecord.volunteer_id, ServiceRecord.tenths)
                                      .where(ServiceRecord.order_id == oid)).all())
    assert served == {db.vols["lead"]: 20, db.vols["member"]: 15}
    assert "钱队员" in shown(at)  # the card shows who was recorded


def test_a_volunteer_cannot_search_fellow_volunteers_by_phone_digits(db):
    oid = order(db, Step.TAKEN, volunteer="lead")
    at = mine(db, "lead")
    at.text_input(key=f"mine_find_{oid}").input("0003")  # 钱队员's phone ends so
    mine(db, "lead", at)
    assert not [s for s in at.selectbox if s.key == f"mine_pick_{oid}"]
    assert "没有找到" in shown(at)


def test_declining_needs_a_reason_and_sends_the_order_back(db):
    oid = order(db, Step.DISPATCHED)
    number = row(db, VolunteerOrder, oid).number
    at = mine(db, "vol")
    at.button(key=f"mine_decline_{oid}").click()
    mine(db, "vol", at)
    assert "此项为必填项" in "\n".join(texts(at.error)) and row(db, VolunteerOrder, oid).step == Step.DISPATCHED
    at.text_input(key=f"mine_{oid}_reason").input("当天要出差")
    at.button(key=f"mine_decline_{oid}").click()
    mine(db, "vol", at)
    assert row(db, VolunteerOrder, oid).step == Step.REQUESTED
    assert f"已拒单 {number}" in shown(at) and "目前没有待办订单" in shown(at)


def test_a_team_leader_takes_a_team_order_for_a_member(db):
    oid = order(db, Step.DISPATCHED, volunteer=None, team=True)
    assert "本队订单" not in shown(mine(db, "vol"))  # not the volunteer's, who is not in the team
    at = mine(db, "lead")
    assert "本队订单，待认领" in shown(at) and "红马甲服务队 队长" in shown(at)
    taker = at.selectbox(key=f"mine_{oid}_volunteer_id")
    assert set(taker.options) >= {"王队长", "钱队员"} and taker.value == db.vols["lead"]
    taker.set_value(db.vols["member"])
    button(at, f"big_take_{oid}").click()
    mine(db, "lead", at)
    taken = row(db, VolunteerOrder, oid)
    assert taken.step == Step.TAKEN and taken.volunteer_id == db.vols["member"]
    assert "已接单" in shown(at) and "目前没有待办订单" in shown(at)  # now the member's order


def test_the_qr_code_of_a_redispatched_order_stops_working(db):
    oid = order(db, Step.SERVED)
    token, _ = vo.make_link(db.engine, actor=db.actor("vol"), settings=db.settings, order_id=oid)
    vo.dispatch(db.engine, actor=db.actor("secretary"), order_id=oid, redispatch=True, data={
        "volunteer_id": db.vols["spare"], "due_at": clock.now() + timedelta(days=1), "reason": "改由孙志愿服务"})
    at = open_link(token)
    assert "签单二维码已过期" in shown(at) and "重新生成" in shown(at) and not at.button


def test_an_unknown_or_expired_link_says_what_to_do(db):
    at = open_link("not-a-real-token-at-all")
    assert "签单链接无效" in shown(at) and "重新出示" in shown(at)
    oid = order(db, Step.SERVED)
    token, _ = vo.make_link(db.engine, actor=db.actor("vol"), settings=db.settings, order_id=oid)
    with transaction(db.engine) as session:
        link = session.execute(select(SignOffLink).where(SignOffLink.order_id == oid)).scalars().one()
        link.expires_at = clock.now() - timedelta(minutes=1)
    at = open_link(token)
    assert "签单二维码已过期" in shown(at) and not at.button
    assert row(db, VolunteerOrder, oid).step == Step.SERVED


def test_the_sign_off_page_is_calm_while_the_database_is_away(db, tmp_path):
    from ui import context

    oid = order(db, Step.SERVED)
    token, _ = vo.make_link(db.engine, actor=db.actor("vol"), settings=db.settings, order_id=oid)
    at = app_test()
    at.query_params["sign"] = token
    open_link(token, at)
    db.engine.dispose()
    context.current_engine().dispose()  # the last connection checkpoints the file's write-ahead log into it
    (tmp_path / "vphone.db").rename(tmp_path / "away.db")
    try:
        at.run()
        assert "数据库暂时无法连接" in shown(at)
        assert not at.exception and "sqlite" not in shown(at).lower()
    finally:
        context.current_engine().dispose()
        (tmp_path / "away.db").rename(tmp_path / "vphone.db")
    open_link(token, at)
    assert "确认签单" in [b.label for b in at.button], shown(at)


# --- 积分超市 -------------------------------------------------------------------------------------------------------

def counter(db, at: AppTest | None = None) -> AppTest:
    if at is None:
        at = AppTest.from_file(str(STORE), default_timeout=TIMEOUT)
        at.session_state["user_id"] = db.users["worker"]
    at.run()
    assert not at.exception, at.exception
    return at


def earn(db, key: str, hours: float) -> None:
    """Signed-off service of `hours` by volunteer `key` (10 points an hour)."""
    oid = order(db, Step.TAKEN, volunteer=key)
    vo.record_service(db.engine, actor=db.actor("secretary"), order_id=oid,
                      rows=[{"volunteer_id": db.vols[key], "hours": hours}])
    vo.sign_off(db.engine, actor=db.actor("secretary"), settings=db.settings, order_id=oid, method="phone")


def test_an_empty_store_says_to_add_the_first_good(db):
    at = counter(db)
    assert "还没有商品" in shown(at)
    at.text_input(key="store_find").input(volunteer_code(db.vols["vol"]))
    counter(db, at)
    assert "张志愿" in shown(at) and "积分超市还没有可兑换的商品" in shown(at)


def test_no_volunteer_found_says_what_to_check(db):
    at = counter(db)
    at.text_input(key="store_find").input("不存在的人")
    counter(db, at)
    assert "没有找到志愿者" in shown(at)


def test_the_counter_redeems_by_scanned_code_prints_the_slip_refuses_too_much_and_cancels(db):
    earn(db, "vol", 5)  # 50 points
    soap = store.save_good(db.engine, actor=db.actor("worker"), data={
        "community_id": db.home, "name": "洗衣液", "price": 20, "stock": 3, "donor": "爱心超市"}).id
    at = counter(db)
    at.text_input(key="store_find").input(volunteer_code(db.vols["vol"]))  # what a USB scanner types
    counter(db, at)
    assert "张志愿" in shown(at) and "50 分" in shown(at)
    at.selectbox(key="store_redeem_good_id").set_value(soap)
    at.number_input(key="store_redeem_quantity").set_value(3)
    counter(db, at)
    assert "余额只有 50 分" in shown(at)  # said before the click
    at.button(key="store_redeem_save").click()
    counter(db, at)
    assert "积分余额不足" in "\n".join(texts(at.error))
    assert at.number_input(key="store_redeem_quantity").value == 3
    assert count(db, Redemption) == 0 and row(db, StoreGood, soap).stock == 3 and balance(db, "vol") == 50

    at.number_input(key="store_redeem_quantity").set_value(2)
    at.button(key="store_redeem_save").click()
    counter(db, at)
    slip = row(db, Redemption, 1)
    assert slip is not None and slip.points == 40
    assert f"兑换成功，兑换单号 {slip.number}" in shown(at)
    page = "\n".join(str(h.proto.body) for h in at.get("html"))
    assert slip.number in page and "洗衣液" in page and "40 分" in page and "@media print" in page
    assert row(db, StoreGood, soap).stock == 1 and balance(db, "vol") == 10
    assert "10 分" in shown(at)

    at.button(key="store_cancel_save").click()  # nothing chosen, no reason
    counter(db, at)
    assert "此项为必填项" in "\n".join(texts(at.error))
    at.selectbox(key="store_cancel_redemption_id").set_value(slip.id)
    at.text_input(key="store_cancel_reason").input("志愿者改换其他商品")
    at.button(key="store_cancel_save").click()
    counter(db, at)
    assert f"已撤销兑换单 {slip.number}" in shown(at)
    assert row(db, Redemption, slip.id).cancelled_at is not None
    assert row(db, StoreGood, soap).stock == 3 and balance(db, "vol") == 50


def test_the_goods_tab_adds_and_changes_goods_with_errors_next_to_the_field(db):
    at = counter(db)
    at.text_input(key="store_good_new_name").input("毛巾")
    at.button(key="store_good_new_save").click()
    counter(db, at)
    assert "此项为必填项" in "\n".join(texts(at.error)) and count(db, StoreGood) == 0
    assert at.text_input(key="store_good_new_name").value == "毛巾"
    at.number_input(key="store_good_new_price").set_value(15)
    at.number_input(key="store_good_new_stock").set_value(10)
    at.text_input(key="store_good_new_donor").input("康盛物业")
    at.button(key="store_good_new_save").click()
    counter(db, at)
    assert "已保存商品“毛巾”" in shown(at)
    with reading(db.engine) as session:
        towel = session.execute(select(StoreGood)).scalars().one()
    assert (towel.price, towel.stock, towel.donor, towel.active) == (15, 10, "康盛物业", True)
    assert "在售商品" in shown(at)
    at.selectbox(key="store_edit_pick").set_value(towel.id)
    counter(db, at)
    at.number_input(key=f"store_good_{towel.id}_price").set_value(12)
    at.checkbox(key=f"store_good_{towel.id}_active").uncheck()
    at.button(key=f"store_good_{towel.id}_save").click()
    counter(db, at)
    changed = row(db, StoreGood, towel.id)
    assert changed.price == 12 and not changed.active
