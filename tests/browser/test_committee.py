"""The real server in headless Chromium: the demo's rotating secretary runs the next progress meeting in chair
mode (opens it, sees the generated agenda, checks in, records progress, closes it), downloads the minutes, which
open again with python-docx, and finds the new progress on the committee dashboard."""

from __future__ import annotations

import io
import re

import pytest
from sqlalchemy import select

from data_access.accounts.auth import DEMO_PASSWORD
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, login, need_browser, new_page, running_server

SECTIONS = ["上次待办", "进度滞后", "未更新", "其他"]



def _tick(box) -> None:
    """Check a checkbox. Each tick reruns the page, and a click that lands while the page redraws can be lost:
    look again and click again (never twice on a box already ticked)."""
    from playwright.sync_api import expect

    for _ in range(3):
        if box.locator("input").is_checked():
            return
        box.locator("label").click()
        try:
            expect(box.locator("input")).to_be_checked(timeout=10_000)
            return
        except AssertionError:
            continue
    expect(box.locator("input")).to_be_checked()


def _database(url: str):
    """The server's database (the same SQLite file), to look at what the pages wrote."""
    from data_access.config import load_settings
    from data_access.db import make_engine

    return make_engine(url), load_settings()


def _open_meeting(engine, settings):
    """The meeting the chair just opened, the items it goes through, and the first claim among them whose item is not
    complete yet."""
    from data_access.accounts.auth import login as check_login
    from data_access.committee.meetings import meeting_detail
    from data_access.db import transaction
    from data_access.models import Claim, CommitteeMeeting, ServiceItem
    from domain.committee.meetings import on_agenda

    actor = check_login(engine, settings, "unitrep", DEMO_PASSWORD).actor
    with transaction(engine) as session:
        meeting_id = session.execute(select(CommitteeMeeting.id).where(CommitteeMeeting.status == "open")).scalar_one()
        incomplete = set(session.execute(select(Claim.id).join(ServiceItem, ServiceItem.id == Claim.item_id)
                                         .where(ServiceItem.done < ServiceItem.target,
                                                Claim.done < Claim.pledge)).scalars())
    detail = meeting_detail(engine, actor=actor, meeting_id=meeting_id)
    agenda = detail.agenda[detail.agenda["section"].map(on_agenda)]  # what the meeting goes through
    agenda = agenda.sort_values("position").reset_index(drop=True)
    index = next(i for i, row in agenda.iterrows() if row["claim_id"] in incomplete)
    return detail, agenda, index


def _completed(page) -> tuple[int, int]:
    """The dashboard's 已完成 x / 共 y 项."""
    line = page.get_by_text(re.compile(r"已完成 [\d,]+ / 共 [\d,]+ 项"))
    line.wait_for()
    done, listed = re.search(r"已完成 ([\d,]+) / 共 ([\d,]+) 项", line.inner_text()).groups()
    return int(done.replace(",", "")), int(listed.replace(",", ""))


@pytest.mark.browser
def test_rotating_secretary_runs_the_next_progress_meeting_and_downloads_the_minutes(tmp_path):
    need_browser()
    import docx
    from playwright.sync_api import expect, sync_playwright

    url_db = f"sqlite:///{tmp_path}/committee.db"
    with running_server(url_db) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        engine, settings = _database(url_db)
        try:
            page = new_page(browser, width=1600, height=1100, accept_downloads=True)
            page.goto(url)
            login(page, "unitrep", DEMO_PASSWORD)
            nav = page.locator('[data-testid="stSidebarNav"]')

            # the dashboard before the meeting
            nav.get_by_role("link", name="联合党委总览").click()
            expect(page.get_by_role("heading", name="联合党委总览")).to_be_visible()
            complete_before, listed = _completed(page)

            # chair mode: today's meeting, chaired by the unit unitrep represents, waits to be opened
            nav.get_by_role("link", name="主持模式").click()
            expect(page.get_by_role("heading", name="主持模式")).to_be_visible()
            expect(page.get_by_text("今天的推进会")).to_be_visible()
            page.locator(".st-key-chair_open button").click()

            # check-in: all units but the last two present, the first one with its attendee named
            present = page.locator('[class*="st-key-chair_attendance_present_"]')
            expect(page.locator(".st-key-chair_attendance_save button")).to_be_visible()  # below the last row
            units = present.count()
            assert units >= 10, "one row per active member unit of 康盛社区"
            for index in range(units - 2):
                _tick(present.nth(index))
            attendee = page.locator('[class*="st-key-chair_attendance_attendee_"] input').first
            attendee.fill("赵建国")
            page.locator(".st-key-chair_attendance_save button").click()

            # the generated agenda, one item at a time
            position = page.get_by_text(re.compile(r"议题 1 / \d+"))
            expect(position).to_be_visible()
            detail, agenda, target = _open_meeting(engine, settings)
            total = len(agenda)
            assert f"议题 1 / {total}" in position.inner_text()
            sections = [SECTIONS[["carried", "behind", "stale", "rest"].index(s)] for s in agenda["section"]]
            assert sections == sorted(sections, key=SECTIONS.index), "open action items, then claims behind schedule"
            expect(page.locator('[data-testid="stMain"]').get_by_text(sections[0], exact=True).first).to_be_visible()
            page.locator(".st-key-chair_next button").click()
            expect(page.get_by_text(f"议题 2 / {total}")).to_be_visible()
            page.locator(".st-key-chair_prev button").click()
            expect(page.get_by_text(f"议题 1 / {total}")).to_be_visible()
            for n in range(1, target + 1):
                page.locator(".st-key-chair_next button").click()
                expect(page.get_by_text(f"议题 {n + 1} / {total}")).to_be_visible()

            # progress on that claim, entered by the rotating secretary: the whole pledge is now done
            row = agenda.iloc[target]
            expect(page.get_by_text(row["item"], exact=True).first).to_be_visible()
            pledge = float(row["pledge"])
            done = page.locator(f".st-key-chair_progress_{row['id']}_done input")
            done.fill(f"{pledge:g}")
            done.press("Enter")
            page.locator(f".st-key-chair_progress_{row['id']}_note input").fill("推进会上补报")
            page.locator(f".st-key-chair_progress_{row['id']}_save button").click()
            expect(page.get_by_text(f"进度已保存：累计完成 {pledge:g}。")).to_be_visible()

            # the summary to confirm, and closing
            page.locator(".st-key-chair_to_summary button").click()
            expect(page.get_by_role("heading", name="会议小结")).to_be_visible()
            expect(page.get_by_text(f"{units - 2} / {units}", exact=True)).to_be_visible()
            page.locator(".st-key-chair_close_summary textarea").fill("会议听取了各单位认领事项进展。")
            page.locator(".st-key-chair_close_summary textarea").press("Tab")
            page.locator(".st-key-chair_close").get_by_role("button", name="结束会议").click()
            expect(page.get_by_text("推进会已结束。可下载会议纪要。")).to_be_visible()

            # the minutes, in Word
            with page.expect_download() as download:
                page.locator(".st-key-chair_minutes").get_by_role("button", name="会议纪要（Word）").click()
            held = detail.meeting.day
            assert download.value.suggested_filename == f"推进会纪要-{held:%Y-%m-%d}.docx"
            minutes = docx.Document(io.BytesIO(open(download.value.path(), "rb").read()))
            lines = [para.text for para in minutes.paragraphs if para.text.strip()]
            assert re.fullmatch(rf"康盛社区联合党委{held.year}年第\d+次推进会会议纪要", lines[0]), lines[0]
            attendance = {units_line.split("：")[0]: units_line for units_line in lines
                          if units_line.startswith(("出席单位", "缺席单位"))}
            names = list(detail.attendance["unit"])
            assert all(name in attendance["出席单位"] for name in names[:-2])
            assert all(name in attendance["缺席单位"] for name in names[-2:])
            assert "赵建国" in attendance["出席单位"]
            assert any(row["item"] in line for line in lines), "the progress is in the minutes"

            # the dashboard shows the new progress
            nav.get_by_role("link", name="联合党委总览").click()
            expect(page.get_by_role("heading", name="联合党委总览")).to_be_visible()
            expect(page.get_by_text(f"已完成 {complete_before + 1:,} / 共 {listed:,} 项")).to_be_visible()
        except Exception:
            page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)
            print(f"screenshot: {tmp_path / 'failed.png'}")
            raise
        finally:
            engine.dispose()
            browser.close()
