"""Page tests (Streamlit AppTest) of the staff's volunteer pages: the orders page takes a request from 点单 to 评单
through its forms, refuses bad input next to the field writing nothing, and opens with the overview's filter from the
address; the volunteers page registers a volunteer and refuses a second registration of the same ID number; the
overview's figures are the data's; each page says what to do on an empty community; a volunteer's account cannot
open the staff pages."""

from __future__ import annotations

from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from data_access import clock
from data_access.db import reading
from data_access.models import AuditLog, OrderEvent, Volunteer, VolunteerOrder
from data_access.volunteer import orders as vo
from data_access.volunteer import registry
from domain.volunteer.orders import Step
from i18n import translate
from tests.pages_support import page_db, run_page, texts
from tests.volunteer.support import id_number

ID_A, ID_B = "11010519491231002X", id_number(7)


def zh(key: str, **params) -> str:
    return translate("zh", key, **params)


def count(db, model, *conditions) -> int:
    with reading(db.engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


@pytest.fixture
def place(tmp_path, monkeypatch):
    """An empty app database with one community, its secretary, a street leader and a volunteer's account."""
    with page_db(tmp_path, "volunteer", demo=False, monkeypatch=monkeypatch) as db:
        community, db.grid_ids = db.add_place("康盛社区", "KS")
        db.add_user("sec", "secretary", community)
        db.add_user("lead", "leader")
        db.add_user("vol", "volunteer", community)
        db.community = community
        yield db


def volunteer(db, name: str = "王丽", id_number: str = ID_A) -> int:
    return registry.save_volunteer(db.engine, actor=db.actor("sec"), settings=db.settings, data={
        "name": name, "phone": "13812341234", "id_number": id_number, "skills": ["elderly"],
        "registered_on": clock.today(), "community_id": db.community}).id


def test_empty_community_says_what_to_do_next(place):
    for page, key in (("volunteer_orders", "volunteer_order.none_manage"),
                      ("volunteer_volunteers", "volunteer_reg.none_manage"),
                      ("volunteer_overview", "volunteer_ov.empty_manage")):
        at = run_page(page, place.users["sec"])
        assert not at.exception
        assert zh(key) in texts(at.info), page
    at = run_page("volunteer_overview", place.users["lead"])
    assert zh("volunteer_ov.empty_read") in texts(at.info)


def test_a_volunteer_account_cannot_open_the_staff_pages(place):
    for page in ("volunteer_orders", "volunteer_volunteers", "volunteer_overview"):
        at = run_page(page, place.users["vol"])
        assert zh("error.page_not_allowed") in texts(at.error), page
        assert not at.dataframe


def test_register_a_volunteer_then_the_same_id_number_is_refused_next_to_the_field(place):
    at = run_page("volunteer_volunteers", place.users["sec"])
    at.text_input(key="vvol_new_name").input("王丽")
    at.text_input(key="vvol_new_phone").input("13812341234")
    at.text_input(key="vvol_new_id_number").input(ID_A.lower())
    at.multiselect(key="vvol_new_skills").select("elderly").select("errand")
    at.button(key="vvol_new_go").click().run()
    assert not at.exception
    assert count(place, Volunteer) == 1
    with reading(place.engine) as session:
        row = session.execute(select(Volunteer)).scalars().one()
    assert (row.id_number, row.skills) == (ID_A, "elderly,errand")
    assert any("王丽" in str(d.value) for d in at.dataframe)  # the register lists them at once

    at.text_input(key="vvol_new_name_r1").input("王丽丽")
    at.text_input(key="vvol_new_phone_r1").input("13900001111")
    at.text_input(key="vvol_new_id_number_r1").input(ID_A)
    at.button(key="vvol_new_go").click().run()
    assert zh("volunteer_error.id_number_taken") in texts(at.error)
    assert at.text_input(key="vvol_new_name_r1").value == "王丽丽"  # the input stays
    assert count(place, Volunteer) == 1


def test_a_request_goes_from_order_to_rating_on_the_orders_page(place):
    helper = volunteer(place)
    at = run_page("volunteer_orders", place.users["sec"])
    # 点单 without what is wanted: refused next to the field, nothing written
    at.text_input(key="vord_new_place").input("幸福里小区3号楼")
    at.text_input(key="vord_new_recipient_name").input("李大爷")
    at.button(key="vord_new_go").click().run()
    assert zh("error.required") in texts(at.error)
    assert count(place, VolunteerOrder) == 0
    assert at.text_input(key="vord_new_place").value == "幸福里小区3号楼"

    at.text_input(key="vord_new_title").input("陪同就医")
    at.button(key="vord_new_go").click().run()
    assert not at.exception
    with reading(place.engine) as session:
        order = session.execute(select(VolunteerOrder)).scalars().one()
    assert order.step == Step.REQUESTED and order.title == "陪同就医"
    assert any(order.number in str(h.value) for h in at.subheader)  # the new order's panel is open

    # 派单: the volunteer free at that time is suggested and chosen
    assert any("王丽" in str(m.value) for m in at.markdown)
    at.selectbox(key=f"vo_dispatch_{order.id}_volunteer_id").select(helper)
    at.button(key=f"vo_dispatch_{order.id}_go").click().run()
    assert not at.exception
    assert _step(place, order.id) == Step.DISPATCHED

    at.button(key=f"vo_take_{order.id}_go").click().run()
    assert _step(place, order.id) == Step.TAKEN

    at.multiselect(key=f"vo_service_{order.id}_who").unselect(helper)  # nobody served: refused
    at.button(key=f"vo_service_{order.id}_go").click().run()
    assert zh("error.required") in texts(at.error)
    assert _step(place, order.id) == Step.TAKEN
    at.multiselect(key=f"vo_service_{order.id}_who").select(helper).run()
    at.number_input(key=f"vo_service_{order.id}_h_{helper}").set_value(2.5)
    at.button(key=f"vo_service_{order.id}_go").click().run()
    assert _step(place, order.id) == Step.SERVED

    at.button(key=f"vo_sign_{order.id}_go").click().run()
    assert _step(place, order.id) == Step.SIGNED
    at.radio(key=f"vo_rate_{order.id}_rating").set_value("dissatisfied")
    at.text_area(key=f"vo_rate_{order.id}_comment").input("来晚了")
    at.button(key=f"vo_rate_{order.id}_go").click().run()
    with reading(place.engine) as session:
        done = session.get(VolunteerOrder, order.id)
        hours = session.get(Volunteer, helper).hours_tenths
        events = session.execute(select(OrderEvent.action).where(OrderEvent.order_id == order.id)
                                 .order_by(OrderEvent.id)).scalars().all()
        audited = session.execute(select(func.count()).select_from(AuditLog).where(
            AuditLog.entity == "volunteer_order", AuditLog.entity_id == order.id)).scalar_one()
    assert (done.step, done.rating, done.flagged, hours) == (Step.RATED, "dissatisfied", True, 25)
    assert events == ["request", "dispatch", "take", "record_service", "sign_off", "rate"]
    assert audited == 6
    assert zh("volunteer_order.flagged") in " ".join(str(m.value) for m in at.markdown)


def _step(db, order_id: int) -> int:
    with reading(db.engine) as session:
        return session.get(VolunteerOrder, order_id).step


def test_the_overview_figures_open_the_orders_page_with_their_filter(place):
    helper = volunteer(place)
    staff = place.actor("sec")
    team = registry.save_team(place.engine, actor=staff, settings=place.settings, data={
        "community_id": place.community, "name": "红色管家服务队", "kind": "community", "leader_id": helper})
    now = clock.now()
    long_ago = now - timedelta(hours=place.settings.volunteer.take_within_hours + 5)
    wanted = datetime.combine(clock.today() + timedelta(days=2), time(9), tzinfo=clock.ZONE)
    ids = []
    for title in ("陪同就医", "代买药品"):
        order = vo.create_order(place.engine, actor=staff, settings=place.settings, now=long_ago, data={
            "community_id": place.community, "service_kind": "elderly", "title": title, "place": "3号楼",
            "wanted_at": wanted, "recipient_name": "李大爷"})
        vo.dispatch(place.engine, actor=staff, order_id=order.id, now=long_ago,
                    data={"volunteer_id": helper, "due_at": wanted})
        ids.append(order.id)
    vo.take(place.engine, actor=staff, order_id=ids[1], now=long_ago + timedelta(hours=1))
    vo.record_service(place.engine, actor=staff, order_id=ids[1], rows=[{"volunteer_id": helper, "hours": 3}])
    vo.sign_off(place.engine, actor=staff, settings=place.settings, order_id=ids[1], method="phone")

    at = run_page("volunteer_overview", place.users["sec"])
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[zh("volunteer_ov.requested")] == "2"
    assert metrics[zh("volunteer_ov.late_now")] == "1"
    assert metrics[zh("volunteer_ov.registered")] == "1"
    assert metrics[zh("volunteer_ov.hours")] == "3.0"
    # dispatched to the volunteer alone, the order is their team's: its hours are the team's
    with reading(place.engine) as session:
        assert session.get(VolunteerOrder, ids[1]).team_id == team.id

    # the figure's button opens the orders page with ?step=dispatched&late=1: the late order alone
    orders = page_with_address(place, "volunteer_orders", step="dispatched", late="1")
    assert list(orders.dataframe[0].value["title"]) == ["陪同就医"]
    orders = page_with_address(place, "volunteer_orders", step="cancelled")
    assert zh("volunteer_order.none_filtered") in texts(orders.info)


def page_with_address(db, name: str, **params: str):
    """A page opened at an address with query parameters, as a link or switch_page opens it."""
    from streamlit.testing.v1 import AppTest

    from tests.pages_support import PAGES, TIMEOUT
    at = AppTest.from_file(str(PAGES[name]), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.session_state["user_id"] = db.users["sec"]
    return at.run()


def test_a_team_service_matter_raises_an_order_linked_both_ways(place):
    from data_access.service.writes import create_matter

    matter = create_matter(place.engine, actor=place.actor("sec"), settings=place.settings, data={
        "channel": "resident", "sub_source": "phone", "community_id": place.community, "grid_id": place.grid_ids[0],
        "anonymous": True, "description": "独居老人需要每周代买药品", "category": "request", "urgency": "normal",
        "mode": "proxy", "registered_at": None})
    at = run_page("matter", place.users["sec"], record=matter.id)
    assert zh("volunteer_order.of_matter_none") in [str(c.value) for c in at.caption]
    assert at.button(key="matter_raise_order")

    orders = page_with_address(place, "volunteer_orders", matter=matter.number)
    assert orders.text_input(key="vord_new_matter_number").value == matter.number  # filled in from the matter
    orders.text_input(key="vord_new_title").input("每周代买药品")
    orders.text_input(key="vord_new_place").input("幸福里小区7号楼")
    orders.text_input(key="vord_new_recipient_name").input("赵奶奶")
    orders.button(key="vord_new_go").click().run()
    with reading(place.engine) as session:
        order = session.execute(select(VolunteerOrder)).scalars().one()
    assert order.matter_id == matter.id

    back = run_page("matter", place.users["sec"], record=matter.id)
    assert any(order.number in str(m.value) for m in back.markdown)  # the matter lists its order

    other = create_matter(place.engine, actor=place.actor("sec"), settings=place.settings, data={
        "channel": "resident", "sub_source": "phone", "community_id": place.community, "grid_id": place.grid_ids[0],
        "anonymous": True, "description": "路灯不亮已有一周", "category": "environment", "urgency": "normal",
        "mode": "digital", "registered_at": None})
    digital = run_page("matter", place.users["sec"], record=other.id)  # not served by a team or as an errand
    assert "matter_raise_order" not in [b.key for b in digital.button]


def test_a_volunteer_is_linked_to_their_login_account_and_an_edit_keeps_the_link(place):
    helper = volunteer(place)
    account = place.users["vol"]
    at = run_page("volunteer_volunteers", place.users["sec"], record=helper)
    form = f"vvol_edit_{helper}"
    assert at.selectbox(key=f"{form}_user_id").value is None
    at.selectbox(key=f"{form}_user_id").select(account)
    at.button(key=f"{form}_go").click().run()
    with reading(place.engine) as session:
        assert session.get(Volunteer, helper).user_id == account
    # a later edit of something else keeps the account linked (the form shows it chosen)
    at = run_page("volunteer_volunteers", place.users["sec"], record=helper)
    assert at.selectbox(key=f"{form}_user_id").value == account
    at.text_input(key=f"{form}_name").input("王丽华")
    at.button(key=f"{form}_go").click().run()
    with reading(place.engine) as session:
        row = session.get(Volunteer, helper)
    assert (row.name, row.user_id) == ("王丽华", account)
    at = run_page("volunteer_volunteers", place.users["sec"], record=helper)
    at.selectbox(key=f"{form}_user_id").select_index(0)  # 不关联账号
    at.button(key=f"{form}_go").click().run()
    with reading(place.engine) as session:
        assert session.get(Volunteer, helper).user_id is None


def test_phone_digits_find_a_volunteer_only_for_those_who_may_see_phones(place):
    """Searching the last digits of a phone would recover a masked number digit by digit: only an actor holding
    personal.view there searches phones; the street leader's digits find nothing."""
    from data_access.volunteer.queries import VolunteerFilter, volunteer_choices, volunteers_page

    volunteer(place)
    for who, found in (("sec", 1), ("lead", 0)):
        _, total = volunteers_page(place.engine, actor=place.actor(who), flt=VolunteerFilter(search="1234"))
        assert total == found, who
    assert volunteer_choices(place.engine, actor=place.actor("lead"), community_id=place.community,
                             search="341234") == []
    assert len(volunteers_page(place.engine, actor=place.actor("lead"), flt=VolunteerFilter(search="王丽"))[0]) == 1


def test_a_volunteer_records_hours_for_themselves_and_their_team_only(place):
    from domain.errors import ValidationFailed

    staff = place.actor("sec")
    mine, stranger = volunteer(place), volunteer(place, "赵强", ID_B)
    registry.save_volunteer(place.engine, actor=staff, settings=place.settings, volunteer_id=mine,
                            data={"name": "王丽", "registered_on": clock.today(), "user_id": place.users["vol"]})
    wanted = datetime.combine(clock.today() + timedelta(days=1), time(9), tzinfo=clock.ZONE)
    order = vo.create_order(place.engine, actor=staff, settings=place.settings, data={
        "community_id": place.community, "service_kind": "elderly", "title": "陪同就医", "place": "3号楼",
        "wanted_at": wanted, "recipient_name": "李大爷"})
    vo.dispatch(place.engine, actor=staff, order_id=order.id, data={"volunteer_id": mine, "due_at": wanted})
    me = place.actor("vol")
    vo.take(place.engine, actor=me, order_id=order.id)
    with pytest.raises(ValidationFailed) as refused:
        vo.record_service(place.engine, actor=me, order_id=order.id,
                          rows=[{"volunteer_id": mine, "hours": 2}, {"volunteer_id": stranger, "hours": 8}])
    assert "volunteer.2" in refused.value.errors
    vo.record_service(place.engine, actor=me, order_id=order.id, rows=[{"volunteer_id": mine, "hours": 2}])
    vo.record_service(place.engine, actor=staff, order_id=order.id,  # staff record whoever served
                      rows=[{"volunteer_id": mine, "hours": 2}, {"volunteer_id": stranger, "hours": 1}])
    with reading(place.engine) as session:
        taken = session.execute(select(AuditLog.before, AuditLog.after).where(
            AuditLog.entity_id == order.id, AuditLog.action == "volunteer.order_take")).one()
    assert taken.before["step"] == Step.DISPATCHED and taken.after["step"] == Step.TAKEN
