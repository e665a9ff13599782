"""The real server in headless Chromium: the demo's council recorder runs today's decision meeting of
幸福里小区联席会议 on the live screen (opens it, checks members in and sees the quorum in words, records what was
said, enters a vote whose result shows before it is saved, confirms the summary and closes), downloads the minutes,
which open again with python-docx; then the secretary finds the decision with its notice period on 决议与公示 and
turns it into a 365 matter, whose page links back to the decision."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from data_access.accounts.auth import DEMO_PASSWORD
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, login, need_browser, new_page, running_server

COUNCIL = "幸福里小区联席会议"


def _database(url: str):
    from data_access.config import load_settings
    from data_access.db import make_engine

    return make_engine(url), load_settings()


def _todays_meeting(engine):
    """Today's planned decision meeting of the estate joint meeting: its id, expected members and first topic."""
    from data_access.db import reading
    from data_access.models import Council, CouncilAgendaItem, CouncilMeeting, CouncilTopic

    with reading(engine) as session:
        meeting = session.execute(select(CouncilMeeting).join(Council, Council.id == CouncilMeeting.council_id)
                                  .where(Council.name == COUNCIL, CouncilMeeting.status == "planned",
                                         CouncilMeeting.kind == "decision")).scalars().one()
        topics = session.execute(select(CouncilTopic.id, CouncilTopic.title)
                                 .join(CouncilAgendaItem, CouncilAgendaItem.topic_id == CouncilTopic.id)
                                 .where(CouncilAgendaItem.meeting_id == meeting.id)
                                 .order_by(CouncilAgendaItem.position)).all()
    return meeting, topics


def _logout(page) -> None:
    page.get_by_role("button", name="退出登录").click()
    page.locator(".st-key-login_username input").wait_for()


@pytest.mark.browser
def test_recorder_runs_a_decision_meeting_and_the_secretary_follows_it_up(tmp_path):
    need_browser()
    import docx
    from playwright.sync_api import expect, sync_playwright

    url_db = f"sqlite:///{tmp_path}/council.db"
    with running_server(url_db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        engine, _ = _database(url_db)
        try:
            page = new_page(browser, width=1600, height=1100, accept_downloads=True)
            page.goto(url)
            login(page, "recorder", DEMO_PASSWORD)
            nav = page.locator('[data-testid="stSidebarNav"]')
            meeting, topics = _todays_meeting(engine)
            topic_id, topic = topics[0]

            # the live screen offers today's meeting; the recorder opens it
            nav.get_by_role("link", name="会议主持").click()
            expect(page.get_by_role("heading", name="会议主持")).to_be_visible()
            page.locator(".st-key-council_live_open button").click()

            # check-in: nine expected; six present, one excused; the quorum line updates before saving
            radios = page.locator('[class*="st-key-council_live_attendance_status_"]')
            expect(radios).to_have_count(9)  # the estate joint meeting has nine members
            for index in range(6):
                radios.nth(index).get_by_text("出席", exact=True).click()
                expect(radios.nth(index).locator("input").first).to_be_checked()
            radios.nth(6).get_by_text("请假", exact=True).click()
            quorum = page.locator(".st-key-council_live_quorum")
            expect(quorum).to_contain_text("应到9人，实到6人，超过半数，符合规定")
            page.locator(".st-key-council_live_attendance_save button").click()

            # the first topic in large type; what was said is recorded
            expect(page.locator(".st-key-council_live_huge_topic")).to_contain_text(topic)
            note = page.locator(f".st-key-council_live_note_{_agenda_item(engine, meeting.id, topic_id)} textarea")
            note.fill("物业介绍了实施方案与费用，居民代表建议分批实施、夜间施工限时。")
            page.locator(".st-key-council_live_note_save button").click()

            # the vote: the result is stated as the counts are typed, then recorded with owner and due date
            form = f"council_live_vote_{topic_id}"
            for field, value in (("votes_for", "5"), ("against", "1"), ("abstain", "0")):
                box = page.locator(f'[class*="st-key-{form}_{field}"] input')
                box.fill(value)
                box.press("Tab")
            result = page.locator(".st-key-council_live_vote_result")
            expect(result).to_contain_text("同意5票、反对1票、弃权0票，超过到会人数半数，表决通过")
            page.locator(f'[class*="st-key-{form}_text"] textarea').fill(f"同意“{topic}”实施方案，先行实施最急需的部分")
            owner = page.locator(f'[class*="st-key-{form}_owner"] input')
            owner.fill("物业公司 李经理")
            owner.press("Tab")
            due_day = meeting.day.replace(year=meeting.day.year + 1, month=3, day=31)
            _type_date(page.locator(f'[class*="st-key-{form}_due"]'), due_day)
            page.locator(f".st-key-{form}_save button").click()
            expect(page.get_by_text("表决已记录：通过。")).to_be_visible()
            decision = _decision(engine, meeting.id, topic_id)
            assert (decision.status, decision.votes_for, decision.present, decision.expected) == ("passed", 5, 6, 9)
            assert decision.owner == "物业公司 李经理" and decision.due == due_day

            # the summary to confirm, then close
            page.locator(".st-key-council_live_to_summary button").first.click()
            summary = page.locator('[class*="st-key-council_live_close_summary"] textarea')
            summary.fill("会议表决通过一项决议，进入公示。")
            summary.press("Tab")
            page.locator(".st-key-council_live_close").get_by_role("button", name="确认并结束会议").click()
            expect(page.locator(".st-key-council_live_download_minutes")).to_be_visible()

            # the minutes in Word
            with page.expect_download() as download:
                page.locator(".st-key-council_live_download_minutes").get_by_role(
                    "button", name="会议纪要（Word）").click()
            minutes = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
            lines = [para.text for para in minutes.paragraphs if para.text.strip()]
            assert lines[0] == f"{COUNCIL}议事决策会会议纪要", lines[0]
            text = "\n".join(lines)
            assert "应到9人，实到6人，超过半数，符合规定" in text
            assert "同意5票、反对1票、弃权0票，超过到会人数半数，表决通过" in text
            assert f"同意“{topic}”实施方案" in text and "物业公司 李经理" in text
            assert "夜间施工限时" in text, "what was said is in the minutes"

            # the secretary: the decision is in notice, and becomes a 365 matter linked both ways
            _logout(page)
            login(page, "secretary", DEMO_PASSWORD)
            nav.get_by_role("link", name="决议与公示").click()
            expect(page.get_by_role("heading", name="决议与公示")).to_be_visible()
            start, end = decision.notice_start, decision.notice_end
            assert (end - start).days == 7
            _follow_up(page, expect, decision)
            number = _matter_number(engine, decision.id)
            assert number, "the decision now names its follow-up matter"
            expect(page.get_by_text(number).filter(visible=True).first).to_be_visible()

            # ...and the matter's page links back to the decision it carries out
            page.locator(".st-key-cdec_open_matter button").click()
            back = page.locator(".st-key-matter_council")
            expect(back).to_contain_text("来自议事会决议")
            expect(back).to_contain_text(decision.text)
        except Exception:
            page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)
            print(f"screenshot: {tmp_path / 'failed.png'}")
            raise
        finally:
            engine.dispose()
            browser.close()


def _type_date(field, day) -> None:
    """Type a day into a Streamlit date input: its year, month and day are separate spin buttons that move on by
    themselves as digits are typed."""
    field.locator('[data-type="year"]').click()
    page = field.page
    page.keyboard.type(f"{day:%Y%m%d}")
    page.keyboard.press("Tab")


def _agenda_item(engine, meeting_id: int, topic_id: int) -> int:
    from data_access.db import reading
    from data_access.models import CouncilAgendaItem

    with reading(engine) as session:
        return session.execute(select(CouncilAgendaItem.id).where(CouncilAgendaItem.meeting_id == meeting_id,
                                                                  CouncilAgendaItem.topic_id == topic_id)).scalar_one()


def _decision(engine, meeting_id: int, topic_id: int):
    from data_access.db import reading
    from data_access.models import CouncilDecision

    with reading(engine) as session:
        return session.execute(select(CouncilDecision).where(CouncilDecision.meeting_id == meeting_id,
                                                             CouncilDecision.topic_id == topic_id)).scalars().one()


def _matter_number(engine, decision_id: int) -> str | None:
    from data_access.db import reading
    from data_access.models import CouncilDecision, Matter

    with reading(engine) as session:
        return session.execute(select(Matter.number).join(CouncilDecision, CouncilDecision.matter_id == Matter.id)
                               .where(CouncilDecision.id == decision_id)).scalar()


def _choose(page, label: str, option: str | None = None) -> None:
    """Pick an option of the Streamlit selectbox labelled `label` (a combo box; the first option when none is
    named). Each pick reruns the page, and a list opened while it redraws can close again: open it again."""
    from playwright.sync_api import expect

    box = page.get_by_role("combobox", name=label, exact=True)
    for _ in range(3):
        box.click()
        options = page.get_by_role("listbox").get_by_role("option")
        wanted = options.first if option is None else options.filter(has_text=option).first
        try:
            wanted.wait_for(timeout=10_000)
            text = wanted.inner_text()
            wanted.click(timeout=10_000)
            expect(box).to_have_value(text.strip(), timeout=10_000)
            return
        except Exception:  # the list closed under the click: look again
            page.keyboard.press("Escape")
    raise AssertionError(f"could not choose {option or 'an option'} in {label}")


def _follow_up(page, expect, decision) -> None:
    """Find the decision on 决议与公示 by its text, check its notice period, and turn it into a 365 matter."""
    search = page.locator(".st-key-cdec_search input")
    search.fill(decision.text)
    search.press("Enter")
    table = page.locator(".st-key-cdec_table")
    expect(page.get_by_text("共 1 条")).to_be_visible()
    box = table.locator('[data-testid="stDataFrameResizable"]').bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)  # the first row's selection box, under the header
    panel = page.locator(".st-key-cdec_panel")
    expect(panel).to_contain_text(decision.text)
    expect(panel).to_contain_text(f"{decision.notice_start:%Y-%m-%d}")
    expect(panel).to_contain_text(f"{decision.notice_end:%Y-%m-%d}")
    panel.get_by_role("tab", name="转为365事项").click()
    form = f"cdec_follow_matter_{decision.id}"
    _choose(page, "所属网格")
    _choose(page, "事项类别", "投诉举报")
    _choose(page, "服务方式", "组团服务")
    page.locator(f".st-key-{form}_save button").click()
    expect(page.get_by_text(re.compile(r"已登记365事项 \S+。"))).to_be_visible()
