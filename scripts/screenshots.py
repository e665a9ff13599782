"""Take the README screenshots: start the app on a fresh demo database and photograph each screen.

    .venv/bin/python scripts/screenshots.py   (needs Debian's chromium at /usr/bin/chromium and fonts-noto-cjk)
    SHOTS_ONLY=cockpit .venv/bin/python scripts/screenshots.py   (the cockpit alone)
    SHOTS_ONLY=screen .venv/bin/python scripts/screenshots.py    (the big screen's slides and the display links)
    SHOTS_ONLY=en .venv/bin/python scripts/screenshots.py        (every page in English: <name>-en.png)
    SHOTS_ONLY=phone .venv/bin/python scripts/screenshots.py     (a grid worker's path at 390x844: phone-<name>.png)
    SHOTS_ONLY=outage .venv/bin/python scripts/screenshots.py    (the calm page of a database away, wide and phone)
    SHOTS_ONLY=volunteer .venv/bin/python scripts/screenshots.py (a volunteer's phone, a resident signing, the store)
    SHOTS_ONLY=fund_pages .venv/bin/python scripts/screenshots.py (the fund's pages and its statement)

The full run takes every page in Chinese (<name>.png), then in English, then the phone path.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.browser.support import CHROMIUM_ARGS, login, running_server  # noqa: E402

OUT = ROOT / "docs" / "screenshots"
# (user, page title key, file name) of the pages taken in English
EVERY_PAGE = [("secretary", "page.overview", "overview"), ("secretary", "page.ledger", "ledger"),
              ("secretary", "page.intake", "intake"), ("secretary", "page.matter", "matter"),
              ("secretary", "page.committee_dashboard", "committee"), ("secretary", "page.committee_units", "units"),
              ("secretary", "page.committee_lists", "lists"), ("secretary", "page.committee_claims", "claims"),
              ("secretary", "page.committee_meetings", "meetings"), ("secretary", "page.council_overview", "council"),
              ("secretary", "page.council_councils", "councils"), ("secretary", "page.council_topics", "topics"),
              ("secretary", "page.council_meetings", "council_meetings"),
              ("secretary", "page.council_decisions", "decisions"), ("unitrep", "page.committee_chair", "chair"),
              ("recorder", "page.council_live", "live"), ("leader", "page.briefing_cockpit", "cockpit"),
              ("leader", "page.briefing_links", "display_links"), ("admin", "page.users", "users"),
              ("admin", "page.audit", "audit")]


def first_open_number(page, url: str) -> str:
    """The number of a matter still in handling, from the demo database."""
    from sqlalchemy import create_engine, text

    engine = create_engine(os.environ["SHOTS_DB"])
    with engine.connect() as conn:
        query = "SELECT number FROM matter WHERE step = 3 AND community_id = 1 ORDER BY id DESC LIMIT 1"
        return conn.execute(text(query)).scalar_one()


def chair_mode(page) -> None:
    """The demo's rotating secretary opens today's progress meeting, checks in and shows the first agenda item."""
    login(page, "unitrep")
    page.get_by_role("link", name="主持模式").click()
    page.locator(".st-key-chair_open button").click()
    page.locator(".st-key-chair_attendance_save button").wait_for()
    page.locator(".st-key-chair_attendance_save button").click()
    for _ in range(12):  # past last meeting's unfinished action items, to the first claim behind schedule
        page.locator(".st-key-chair_next button").wait_for()
        page.wait_for_timeout(1500)
        if page.get_by_text("进度滞后", exact=True).first.is_visible():
            break
        page.locator(".st-key-chair_next button").click()
    page.locator(".st-key-chair_next button").wait_for()
    page.set_viewport_size({"width": 1440, "height": 1500})
    page.wait_for_timeout(4000)
    page.screenshot(path=OUT / "chair.png")
    page.set_viewport_size({"width": 1440, "height": 1000})


def click_row(page, grid, row: int) -> None:
    """Select a row of a table (its selection marker; 1 is the first), which opens the row below the table."""
    grid.wait_for()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 12, box["y"] + 18 + 35 * row)


def logout(page) -> None:
    page.locator(".st-key-logout button").click()
    page.locator(".st-key-login_username input").wait_for()


def sign_in(page, username: str) -> None:
    """Log in in either language (support.login waits for the Chinese logout button)."""
    page.locator(".st-key-login_username input").fill(username)
    page.locator(".st-key-login_password input").fill("gongzhi-demo")
    page.locator(".st-key-login_submit button").click()
    page.locator(".st-key-logout").wait_for(state="attached")


def choose_language(page, lang: str) -> None:
    """Switch the session's language in the sidebar (it is kept across logins)."""
    box = page.locator(".st-key-lang input")
    box.scroll_into_view_if_needed()  # below a long menu (the leader's), out of sight
    box.click()
    page.get_by_role("option", name={"zh": "中文", "en": "English"}[lang], exact=True).click()
    page.wait_for_timeout(2000)


def english_pages(page) -> None:
    """Every page of the menu in English at 1440 wide, each as its Chinese shot's name with -en; the matter page with
    a matter in handling opened."""
    from i18n import translate

    user = None
    for username, title, name in EVERY_PAGE:
        if username != user:
            if user is not None:
                logout(page)
            sign_in(page, username)
            choose_language(page, "en")  # a logout forgets the language
            user = username
        page.get_by_role("link", name=translate("en", title), exact=True).click()
        page.locator('[data-testid="stMain"] h1').first.wait_for()
        if name == "matter":
            page.locator(".st-key-matter_find_number input").fill(first_open_number(page, ""))
            page.keyboard.press("Enter")
        page.set_viewport_size({"width": 1440, "height": 1000 if name in ("ledger", "intake") else 1700})
        page.wait_for_timeout(3500)
        page.screenshot(path=OUT / f"{name}-en.png")
        page.set_viewport_size({"width": 1440, "height": 1000})
    choose_language(page, "zh")
    logout(page)


def phone_path(page) -> None:
    """A grid worker on a home visit, on a phone (390x844): the menu, recording a matter, the ledger, a matter."""
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, "worker")

    def pick(link: str) -> None:
        page.locator('[data-testid="stExpandSidebarButton"]').click()
        page.wait_for_timeout(1200)
        if link == "登记民情":
            page.screenshot(path=OUT / "phone-menu.png")
        page.locator('[data-testid="stSidebar"]').get_by_role("link", name=link).click()
        page.get_by_role("heading", name=link).first.wait_for()
        page.wait_for_timeout(2500)

    pick("登记民情")
    page.screenshot(path=OUT / "phone-intake.png")
    pick("民情台账")
    page.locator('[data-testid="stDataFrame"]').first.scroll_into_view_if_needed()
    page.wait_for_timeout(1500)
    page.screenshot(path=OUT / "phone-ledger.png")
    pick("事项办理")
    page.locator(".st-key-matter_find_number input").fill(first_open_number(page, ""))
    page.keyboard.press("Enter")
    page.get_by_text("办理过程").first.wait_for()
    page.wait_for_timeout(2500)
    page.screenshot(path=OUT / "phone-matter.png")
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.locator('[data-testid="stExpandSidebarButton"]').click()
    logout(page)


def council_pages(page) -> None:
    """The secretary's council pages, with a topic's timeline, a meeting's record and a decision opened."""
    # (link, file, table, row): a topic whose loop has closed, a closed meeting, the newest decision
    for link, name, table, row in [("议事总览", "council", None, 0), ("议事组织", "councils", None, 0),
                                   ("议题", "topics", ".st-key-ctopics_table", 5),
                                   ("议事会议", "council_meetings", ".st-key-council_meetings_table", 4),
                                   ("决议与公示", "decisions", ".st-key-cdec_table", 1)]:
        page.get_by_role("link", name=link, exact=True).click()
        page.get_by_role("heading", name=link).first.wait_for()
        page.wait_for_timeout(2500)
        if table:
            click_row(page, page.locator(table).last, row)
        page.set_viewport_size({"width": 1440, "height": 1900})
        page.wait_for_timeout(3500)
        page.screenshot(path=OUT / f"{name}.png")
        page.set_viewport_size({"width": 1440, "height": 1000})


def live_meeting(page) -> None:
    """The demo's recorder opens today's decision meeting, checks everyone in and types a vote."""
    login(page, "recorder")
    page.get_by_role("link", name="会议主持").click()
    page.locator(".st-key-council_live_open button").click()
    page.locator(".st-key-council_live_all_present button").click()
    page.wait_for_timeout(2000)
    radios = page.locator('[class*="st-key-council_live_attendance_status_"]')
    for index in (7, 8):  # two absent, so the quorum line has something to say
        radios.nth(index).get_by_text("缺席", exact=True).click()
        page.wait_for_timeout(800)
    page.set_viewport_size({"width": 1440, "height": 1500})
    page.wait_for_timeout(2500)
    page.screenshot(path=OUT / "live_checkin.png")
    page.locator(".st-key-council_live_attendance_save button").click()
    for field, value in (("votes_for", "6"), ("against", "1"), ("abstain", "0")):
        box = page.locator(f'[class*="st-key-council_live_vote_"][class*="_{field}"] input').first
        box.fill(value)
        box.press("Tab")
        page.wait_for_timeout(800)
    page.set_viewport_size({"width": 1440, "height": 1700})
    page.wait_for_timeout(3000)
    page.screenshot(path=OUT / "live.png")
    page.set_viewport_size({"width": 1440, "height": 1000})


def cockpit(page) -> None:
    """The leader's cockpit, at 1440 wide and on a phone."""
    login(page, "leader")
    page.get_by_role("link", name="领导驾驶舱").click()
    page.get_by_role("heading", name="社区排名").wait_for()
    page.set_viewport_size({"width": 1440, "height": 1100})
    page.wait_for_timeout(3000)
    page.screenshot(path=OUT / "cockpit.png")
    page.set_viewport_size({"width": 1440, "height": 3000})
    page.wait_for_timeout(2500)
    page.screenshot(path=OUT / "cockpit_full.png")
    page.set_viewport_size({"width": 390, "height": 2400})
    page.wait_for_timeout(2500)
    page.screenshot(path=OUT / "cockpit_phone.png")
    page.set_viewport_size({"width": 1440, "height": 1000})


def big_screen(page, url: str) -> None:
    """Every slide of the demo's display link at 1920x1080 (dark), one in the light theme, the first slide at
    1280x720 and on a 3840x1080 spliced wall; then the leader's display links page."""
    from data_access.briefing import display
    from data_access.config import load_settings
    from data_access.db import make_engine
    from domain.briefing.screen import SLIDES

    engine = make_engine(os.environ["SHOTS_DB"])
    token = display.demo_token(engine, load_settings(), "街道大厅大屏")
    engine.dispose()
    page.set_viewport_size({"width": 1920, "height": 1080})
    page.goto(f"{url}/?display={token}&interval=3600")
    position = page.locator(".screen .position")
    position.wait_for()
    page.wait_for_timeout(2500)
    for number, name in enumerate(SLIDES, start=1):
        page.wait_for_function(f"() => [...document.querySelectorAll('*')].some(e => "
                               f"e.shadowRoot?.querySelector('.position')?.textContent === '{number}/{len(SLIDES)}')")
        page.wait_for_timeout(600)
        page.screenshot(path=OUT / f"screen_{name}.png")
        page.keyboard.press("ArrowRight")
    for size, name, query in [((1920, 1080), "screen_light", "&theme=light&slides=service"),
                              ((1920, 1080), "screen_volunteer_light", "&theme=light&slides=volunteer"),
                              ((1280, 720), "screen_720", "&slides=service"),
                              ((3840, 1080), "screen_wall", "&slides=service")]:
        page.set_viewport_size({"width": size[0], "height": size[1]})
        page.goto(f"{url}/?display={token}&interval=3600{query}")
        position.wait_for()
        page.wait_for_timeout(2500)
        page.screenshot(path=OUT / f"{name}.png")
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(url)
    login(page, "leader")
    page.get_by_role("link", name="展示链接").click()
    page.get_by_role("heading", name="已有链接").wait_for()
    page.set_viewport_size({"width": 1440, "height": 1300})
    page.wait_for_timeout(2500)
    page.screenshot(path=OUT / "display_links.png")
    page.set_viewport_size({"width": 1440, "height": 1000})


def demo_volunteer_code() -> str:
    """The volunteer code of the demo account `volunteer` (what the store's scanner types)."""
    from sqlalchemy import create_engine, text

    from data_access.volunteer.queries import volunteer_code

    engine = create_engine(os.environ["SHOTS_DB"])
    with engine.connect() as conn:
        query = ("SELECT v.id FROM volunteer v JOIN user_account u ON u.id = v.user_id "
                 "WHERE u.username = 'volunteer'")
        return volunteer_code(conn.execute(text(query)).scalar_one())


def demo_order(step: int) -> int:
    """The newest order of the demo at `step` (domain.volunteer.orders.Step)."""
    from sqlalchemy import create_engine, text

    with create_engine(os.environ["SHOTS_DB"]).connect() as conn:
        return conn.execute(text("SELECT id FROM volunteer_order WHERE step = :s ORDER BY id DESC LIMIT 1"),
                            {"s": step}).scalar_one()


def volunteer_staff(browser, url: str) -> None:
    """The secretary's volunteer pages at 1440 wide: the overview, an order waiting for dispatch with the suggestions,
    the register with a volunteer open."""
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page.set_default_timeout(60_000)
    page.goto(url)
    login(page, "secretary")
    for path, marker, name, height in (("volunteer", "光荣榜（累计服务时长）", "volunteer-overview", 2300),
                                       (f"orders?id={demo_order(1)}", "推荐志愿者（该时段空闲，技能对口优先）",
                                        "volunteer-orders", 2000),
                                       ("volunteers?id=1", "积分明细", "volunteer-volunteers", 2000)):
        page.goto(f"{url}/{path}")
        page.get_by_text(marker).first.wait_for()
        page.set_viewport_size({"width": 1440, "height": height})
        page.wait_for_timeout(3000)
        page.screenshot(path=OUT / f"{name}.png")
        page.set_viewport_size({"width": 1440, "height": 1000})
    page.close()


def volunteer_phone(browser, url: str) -> None:
    """The demo volunteer on a phone (390 wide): their open orders with the sign-off QR code of the served one; the
    link opened on the resident's phone (no login), rated; then the points store's counter at 1440 wide after a
    redemption for that volunteer, found by the code a scanner types."""
    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone.set_default_timeout(60_000)
    phone.goto(url)
    sign_in(phone, "volunteer")
    phone.get_by_role("heading", name="我的志愿服务").wait_for()
    phone.locator('[class*="st-key-big_qr_"] button').first.click()
    link = phone.locator('[class*="st-key-mine_link_"] code').first
    link.wait_for()
    address = link.inner_text().strip()
    phone.set_viewport_size({"width": 390, "height": 2600})
    phone.locator('[data-testid="stMain"]').evaluate("main => main.scrollTo(0, 0)")  # Streamlit scrolls inside it
    phone.wait_for_timeout(2500)
    phone.screenshot(path=OUT / "volunteer-mine-phone.png")
    phone.close()
    resident = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN")
    theirs = resident.new_page()
    theirs.set_default_timeout(60_000)
    theirs.goto(address)
    theirs.get_by_role("heading", name="服务签单").wait_for()
    theirs.get_by_text("满意", exact=True).click()
    theirs.locator(".st-key-sign_comment textarea").fill("志愿者很耐心，谢谢！")
    theirs.get_by_role("heading", name="服务签单").click()  # the comment applies when it loses the focus
    theirs.wait_for_timeout(2000)
    theirs.screenshot(path=OUT / "volunteer-sign-phone.png")
    resident.close()
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page.set_default_timeout(60_000)
    page.goto(url)
    login(page, "secretary")
    page.get_by_role("link", name="积分超市").click()
    page.get_by_role("heading", name="积分超市").wait_for()
    page.locator(".st-key-store_find input").fill(demo_volunteer_code())
    page.keyboard.press("Enter")
    page.locator(".st-key-store_volunteer").wait_for()
    page.locator(".st-key-store_redeem_good_id input").click()
    page.get_by_role("option").first.click()
    page.wait_for_timeout(1500)
    page.locator(".st-key-store_redeem_save button").click()
    page.locator(".gz-slip").wait_for()
    page.set_viewport_size({"width": 1440, "height": 1600})
    page.wait_for_timeout(3000)
    page.screenshot(path=OUT / "volunteer-store.png")
    page.close()


# --- the fund's working pages: funds and co-managers, income, spending and co-signing (issue 17) -------------------

def fund_pages(browser, url: str) -> None:
    """The secretary's funds and co-managers, the worker's income page with the newest entry reversed, the treasurer's
    spending page with the request waiting for her signature opened from its card (all 1440 wide), the recorder
    co-manager's spending page on a phone (390 wide) with what waits for her and one request opened, and the
    secretary's fund overview and the running quarter's public statement (1440 wide)."""
    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page.set_default_timeout(60_000)
    page.goto(url)
    login(page, "secretary")
    page.goto(f"{url}/funds")
    page.get_by_text("共管人").first.wait_for()
    page.set_viewport_size({"width": 1440, "height": 1250})
    page.wait_for_timeout(3500)
    page.screenshot(path=OUT / "fund_funds.png")
    page.close()

    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page.set_default_timeout(60_000)
    page.goto(url)
    login(page, "worker")
    page.goto(f"{url}/income")
    grid = page.locator("[class*='st-key-fincome_table_'] [data-testid='stDataFrameResizable']")
    page.set_viewport_size({"width": 1440, "height": 1350})
    page.wait_for_timeout(2500)
    click_row(page, grid, 1)  # the newest entry, entered with a wrong amount: reversed with its reason
    page.locator(".st-key-fincome_panel").wait_for()
    page.locator(".st-key-fincome_panel summary").click()
    page.locator('[class*="st-key-fund_reverse_"] textarea').fill("金额录错：本月场地租金为400元，重新登记")
    page.get_by_role("heading", name="基金收入").click()  # the reason applies when it loses the focus
    page.wait_for_timeout(1500)
    page.locator('[class*="st-key-fund_reverse_"] [data-testid="stCheckbox"] label').click()
    page.wait_for_timeout(1500)
    page.locator('[class*="st-key-fund_reverse_"][class*="_go"] button').click()
    page.get_by_text("已冲正，记入").first.wait_for()
    page.locator('[data-testid="stMain"]').evaluate("main => main.scrollTo(0, 0)")
    page.wait_for_timeout(3500)
    page.screenshot(path=OUT / "fund_income.png")
    page.close()

    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page.set_default_timeout(60_000)
    page.goto(url)
    login(page, "treasurer")
    page.goto(f"{url}/spending")
    page.locator('[class*="st-key-fund_card_open_"] button').first.click()
    page.locator(".st-key-fund_request_panel").wait_for()
    page.set_viewport_size({"width": 1440, "height": 2000})
    page.wait_for_timeout(3500)
    page.screenshot(path=OUT / "fund_spending.png")
    page.close()

    phone = browser.new_page(viewport={"width": 390, "height": 844}, locale="zh-CN")
    phone.set_default_timeout(60_000)
    phone.goto(url)
    sign_in(phone, "recorder")
    phone.wait_for_timeout(2000)  # the session's cookie is written after the first screen
    phone.goto(f"{url}/spending")
    phone.locator('[class*="st-key-fund_card_open_"] button').first.click()
    phone.locator(".st-key-fund_request_panel").wait_for()
    phone.set_viewport_size({"width": 390, "height": 3200})
    phone.locator('[data-testid="stMain"]').evaluate("main => main.scrollTo(0, 0)")
    phone.wait_for_timeout(3500)
    phone.screenshot(path=OUT / "fund_phone.png")
    phone.close()

    page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page.set_default_timeout(60_000)
    page.goto(url)
    login(page, "secretary")
    page.goto(f"{url}/fund")
    page.get_by_role("heading", name="等待会签的申请").wait_for()
    page.set_viewport_size({"width": 1440, "height": 2000})
    page.wait_for_timeout(4000)
    page.screenshot(path=OUT / "fund_overview.png")
    page.set_viewport_size({"width": 1440, "height": 1000})
    page.goto(f"{url}/fund-statement")
    page.locator(".gz-statement").wait_for()
    page.set_viewport_size({"width": 1440, "height": 1600})
    page.wait_for_timeout(3500)
    page.screenshot(path=OUT / "fund_statement.png")
    page.close()


def outage(browser) -> None:
    """The page everyone sees while the database cannot be reached (here: a PostgreSQL address nobody answers)."""
    with running_server("postgresql://gongzhi:wrong@127.0.0.1:9/nowhere", demo=False) as url:
        for size, name in (({"width": 1440, "height": 700}, "outage"), ({"width": 390, "height": 844}, "phone-outage")):
            page = browser.new_page(viewport=size, locale="zh-CN")
            page.goto(url)
            page.get_by_text("数据库暂时无法连接").wait_for(timeout=60_000)
            page.wait_for_timeout(1500)
            page.screenshot(path=OUT / f"{name}.png")
            page.close()


def main() -> None:
    from playwright.sync_api import sync_playwright

    if os.environ.get("SHOTS_ONLY") == "outage":
        with sync_playwright() as p:
            outage(p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                     args=CHROMIUM_ARGS))
        return
    with tempfile.TemporaryDirectory() as tmp, running_server(db := f"sqlite:///{tmp}/shots.db") as url, \
            sync_playwright() as p:
        os.environ["SHOTS_DB"] = db
        browser = p.chromium.launch(executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                                    args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
        page.set_default_timeout(60_000)  # a rerun on a busy machine can take longer than Playwright's 30 s
        page.goto(url)
        page.get_by_text("演示账户").wait_for()
        page.locator('[data-testid="stDataFrame"]').wait_for()  # the demo accounts' table draws last
        page.wait_for_timeout(2000)
        page.screenshot(path=OUT / "login.png")
        if os.environ.get("SHOTS_ONLY") == "cockpit":
            cockpit(page)
            return
        if os.environ.get("SHOTS_ONLY") == "screen":
            big_screen(page, url)
            return
        if os.environ.get("SHOTS_ONLY") == "en":
            english_pages(page)
            return
        if os.environ.get("SHOTS_ONLY") == "phone":
            phone_path(page)
            return
        if os.environ.get("SHOTS_ONLY") == "volunteer":
            volunteer_staff(browser, url)
            volunteer_phone(browser, url)
            return
        if os.environ.get("SHOTS_ONLY") == "fund_pages":
            fund_pages(browser, url)
            return
        login(page, "secretary")
        for link, marker, name in [("书记总览", "各步骤事项数", "overview"), ("民情台账", "筛选条件", "ledger"),
                                   ("登记民情", "事项描述", "intake"), ("事项办理", "办理过程", "matter")]:
            page.get_by_role("link", name=link).click()
            if name == "matter":
                page.locator(".st-key-matter_find_number input").fill(first_open_number(page, url))
                page.keyboard.press("Enter")
            page.get_by_text(marker).first.wait_for()
            # Streamlit scrolls inside its own container, so a tall window shows the whole screen
            page.set_viewport_size({"width": 1440, "height": 1900 if name in ("overview", "matter") else 1000})
            page.wait_for_timeout(2500)
            page.screenshot(path=OUT / f"{name}.png")
            page.set_viewport_size({"width": 1440, "height": 1000})
        for link, heading, name in [("联合党委总览", "联合党委总览", "committee"),
                                    ("成员单位", "成员单位与共建协议", "units"), ("三张清单", "三张清单", "lists"),
                                    ("认领与进度", "认领与进度", "claims"), ("推进会", "推进会", "meetings")]:
            page.get_by_role("link", name=link, exact=True).click()
            page.get_by_role("heading", name=heading).first.wait_for()
            page.set_viewport_size({"width": 1440, "height": 1700})
            page.wait_for_timeout(3500)
            page.screenshot(path=OUT / f"{name}.png")
            page.set_viewport_size({"width": 1440, "height": 1000})
        council_pages(page)
        logout(page)
        chair_mode(page)
        logout(page)
        live_meeting(page)
        logout(page)
        cockpit(page)
        logout(page)
        big_screen(page, url)
        logout(page)
        login(page, "admin")
        for link, marker, name in [("账号管理", "新建账号", "users"), ("审计日志", "筛选条件", "audit")]:
            page.get_by_role("link", name=link).click()
            page.get_by_text(marker).first.wait_for()
            grid = page.locator('[data-testid="stDataFrame"]').first
            grid.wait_for()
            box = grid.bounding_box()
            row = 3 if name == "audit" else 1  # the audit's newest rows are the two logins: open a matter step
            page.mouse.click(box["x"] + 12, box["y"] + 18 + 35 * row)  # a row's selection marker: open it below
            page.set_viewport_size({"width": 1440, "height": 1700})
            page.wait_for_timeout(3000)
            page.screenshot(path=OUT / f"{name}.png")
            page.set_viewport_size({"width": 1440, "height": 1000})
        logout(page)
        english_pages(page)
        phone_path(page)
        browser.close()


if __name__ == "__main__":
    main()
