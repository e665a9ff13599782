"""The real server in headless Chromium: a volunteer on a phone (390x844) records the service of an order they took and
shows the sign-off QR code; the person served opens the link shown with it on their own phone (a new browser context:
no cookies, no account), sees the order without their own name or phone, rates and signs; the volunteer's screen
says so by itself, and after a reload the order has left the open orders and the hours and points went up by the
standard (10 points an hour for elderly care). The same link opened once more says it was used."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from data_access import clock
from data_access.accounts import auth
from data_access.bootstrap import open_database
from data_access.cli import add_community
from data_access.config import load_settings
from data_access.db import transaction
from data_access.models import User, UserRole
from data_access.volunteer import orders, registry
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, WAIT, need_browser, new_page, running_server

PHONE = {"width": 390, "height": 844}
PASSWORD = "gongzhi-demo"
RECIPIENT, RECIPIENT_PHONE = "李桂兰", "13800001111"
ID_NUMBER = "11010519800101001" + "10X98765432"[sum(int(d) * w for d, w in zip(
    "11010519800101001", (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2), strict=True)) % 11]


def account(engine, username: str, name: str, role: str, community_id: int | None) -> int:
    with transaction(engine) as session:
        user = User(username=username, display_name=name, password_hash=auth.hash_password(PASSWORD),
                    created_at=clock.now())
        session.add(user)
        session.flush()
        session.add(UserRole(user_id=user.id, role=role, community_id=community_id))
        return user.id


def prepare(url: str) -> dict:
    """Before the server starts: 康盛社区, its secretary, the volunteer 张志愿 (account vtest) and an order for 李桂兰
    dispatched to them and taken."""
    settings = dataclasses.replace(load_settings(), database_url=url, demo_mode=False)
    engine = open_database(settings)
    try:
        home = add_community(engine, street="青春山街道", name="康盛社区", code="KS", grids=1)
        secretary = auth.load_actor(engine, settings, account(engine, "sectest", "测试书记", "secretary", home))
        user = account(engine, "vtest", "张志愿", "volunteer", home)
        volunteer = registry.save_volunteer(engine, actor=secretary, settings=settings, data={
            "community_id": home, "name": "张志愿", "phone": "13900000001", "id_number": ID_NUMBER,
            "skills": ["elderly"], "party_member": False, "registered_on": date(2025, 3, 1), "user_id": user}).id
        order = orders.create_order(engine, actor=secretary, settings=settings, data={
            "community_id": home, "service_kind": "elderly", "title": "陪同就医", "detail": "腿脚不便",
            "place": "幸福小区3号楼", "wanted_at": clock.now() + timedelta(hours=2), "recipient_name": RECIPIENT,
            "recipient_phone": RECIPIENT_PHONE})
        orders.dispatch(engine, actor=secretary, order_id=order.id,
                        data={"volunteer_id": volunteer, "due_at": clock.now() + timedelta(days=1)})
        orders.take(engine, actor=secretary, order_id=order.id)
        return {"order": order.id, "number": order.number, "volunteer": volunteer}
    finally:
        engine.dispose()


def metric(page, label: str) -> str:
    return page.locator('[data-testid="stMetric"]').filter(has_text=label) \
        .locator('[data-testid="stMetricValue"]').inner_text().strip()


@pytest.mark.browser
def test_a_volunteer_shows_the_qr_code_and_the_resident_signs_on_their_own_phone(tmp_path):
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    database = f"sqlite:///{tmp_path}/sign.db"
    made = prepare(database)
    oid, vid = made["order"], made["volunteer"]
    with running_server(database, demo=False) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            phone = new_page(browser, **PHONE)
            phone.goto(url)
            phone.locator(".st-key-login_username input").fill("vtest")
            phone.locator(".st-key-login_password input").fill(PASSWORD)
            phone.locator(".st-key-login_submit button").click()
            expect(phone.get_by_role("heading", name="我的志愿服务")).to_be_visible()
            card = phone.locator(f".st-key-mine_order_{oid}")
            expect(card).to_contain_text(made["number"])
            assert metric(phone, "服务时长") == "0 小时" and metric(phone, "积分余额") == "0 分"

            hours = card.locator(f".st-key-mine_{oid}_hours_{vid} input")
            hours.fill("2.5")
            hours.press("Tab")
            card.locator(f".st-key-big_record_{oid} button").click()
            expect(phone.get_by_text("已记录服务")).to_be_visible()
            card.locator(f".st-key-big_qr_{oid} button").click()
            shown = card.locator(f".st-key-mine_link_{oid} code")
            expect(shown).to_contain_text("?sign=")
            expect(card.locator('[data-testid="stImage"] img').first).to_be_visible()  # the QR code itself
            link = shown.inner_text().strip()
            assert link.startswith(url.rstrip("/"))
            assert phone.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]

            # the resident's phone: no cookies, no account
            resident = browser.new_context(viewport=PHONE, locale="zh-CN")
            theirs = resident.new_page()
            theirs.set_default_timeout(WAIT)
            theirs.goto(link)
            expect(theirs.get_by_role("heading", name="服务签单")).to_be_visible()
            expect(theirs.get_by_text(made["number"])).to_be_visible()
            expect(theirs.get_by_text("张**：2.5 小时")).to_be_visible()
            body = theirs.locator("body").inner_text()
            assert RECIPIENT not in body and RECIPIENT_PHONE not in body
            assert theirs.locator('[data-testid="stSidebar"]').count() == 0 \
                or not theirs.locator('[data-testid="stSidebar"]').is_visible()
            theirs.get_by_text("满意", exact=True).click()
            expect(theirs.get_by_role("radio", name="满意", exact=True)).to_be_checked()  # taken before the rest
            theirs.locator(".st-key-sign_comment textarea").fill("小张很耐心")
            theirs.locator(".st-key-big_sign button").click()
            expect(theirs.get_by_text("签单成功，感谢您的评价！")).to_be_visible()
            resident.close()

            # the volunteer's phone notices by itself, and after a reload shows the new hours and points
            expect(phone.get_by_text(f"订单 {made['number']} 已由服务对象签单")).to_be_visible()
            phone.reload()
            expect(phone.get_by_role("heading", name="我的志愿服务")).to_be_visible()
            expect(phone.get_by_text("目前没有待办订单")).to_be_visible()
            assert phone.locator(f".st-key-mine_order_{oid}").count() == 0
            assert metric(phone, "服务时长") == "2.5 小时" and metric(phone, "积分余额") == "25 分"
            expect(phone.locator(".st-key-mine_recent")).to_contain_text(made["number"])

            # the same link once more, on another phone: used
            again = browser.new_context(viewport=PHONE, locale="zh-CN")
            other = again.new_page()
            other.set_default_timeout(WAIT)
            other.goto(link)
            expect(other.get_by_text("本订单已签单，感谢您的评价。")).to_be_visible()
            expect(other.get_by_text("此签单链接已经使用过")).to_be_visible()
            assert other.locator(".st-key-big_sign").count() == 0
            again.close()
        finally:
            browser.close()
