"""The real server in headless Chromium on a demo street whose every typed text (the names of the street, its
communities, grids, member units, councils, members and people, places, topics, decisions, matters' texts, notes,
summaries...) reads `**XB** [点我](http://evil.example/) <script>alert(1)</script> <b>BB</b> http://evil.example
www.evil.example a@evil.example`: every page, as a role that sees it (the secretary, including chair mode and the live
council screen in the middle of a meeting and an opened record of each kind; the street leader; the administrator;
the wall screen of a display link), shows that text literally and makes no link to evil.example, no bold from it and
no script (ui.i18n.md_escape, docs/architecture.md)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlmodel import AutoString, SQLModel

from data_access.accounts.auth import DEMO_PASSWORD
from tests.browser.support import CHROMIUM, CHROMIUM_ARGS, login, need_browser, new_page, running_server

HOSTILE = ("**XB** [点我](http://evil.example/) <script>alert(1)</script> <b>BB</b> http://evil.example "
           "www.evil.example a@evil.example")
WORD_JOINER = "\u2060"  # md_escape's invisible joiner: not part of what the reader sees

# table -> the columns whose text a user types (an administrator for the street, its communities and grids); each is
# set to "<column><id> " + HOSTILE wherever it holds a value. The audit trail is append-only: its newest entries get
# the hostile names by a write made after the others changed
TYPED = {
    "street": ["name"], "community": ["name"], "grid": ["name"],
    "user_account": ["display_name"], "audit_log": ["actor_name"], "display_link": ["name"],
    "member_unit": ["name", "party_org", "liaison", "volunteer_team", "speciality"],
    "agreement": ["commitments"], "need": ["title", "detail"], "resource": ["title", "detail"],
    "project": ["name", "detail"], "service_item": ["name", "unit", "frequency", "beneficiaries"],
    "claim": ["withdraw_reason"], "progress_update": ["note", "file_name"],
    "committee_meeting": ["place", "summary"], "meeting_attendance": ["attendee"], "agenda_item": ["note"],
    "action_item": ["text", "owner"],
    "council": ["name", "estate"], "council_member": ["name", "title"],
    "council_topic": ["title", "detail", "withdraw_reason"],
    "council_meeting": ["place", "recorder", "observers", "summary"], "council_agenda_item": ["minutes"],
    "council_decision": ["text", "owner"], "council_review": ["reporter", "report", "reason"],
    "matter": ["reporter_name", "description", "handler", "supervisor", "ledger_no", "result", "feedback_content",
               "evaluation_comment"],
    "matter_event": ["actor_name", "note"],
    "volunteer": ["name"], "volunteer_team": ["name"], "store_good": ["name", "donor"],
    "volunteer_order": ["title", "detail", "place", "recipient_name", "cancel_reason", "comment"],
    "order_event": ["actor_name", "note"], "redemption": ["cancel_reason"],
    "fund": ["name"], "fund_file": ["name"], "fund_income": ["payer", "note", "reason"],
    "fund_request": ["payee", "detail", "closed_reason", "voucher"], "fund_event": ["note"],
    "fund_signature": ["comment"],
}
# the other text columns: codes, numbers and secrets the application makes or checks (a phone number or an ID number
# is refused unless it has that form), never free text
NOT_TYPED = {
    "user_account": ["username", "email", "password_hash"], "user_session": ["token_hash", "end_reason"],
    "user_role": ["role"], "audit_log": ["action", "entity"], "community": ["code"], "display_link": ["slides"],
    "matter_tally": ["month", "dim", "code"], "member_unit": ["kind", "liaison_phone"], "agreement": ["status"],
    "need": ["source"], "resource": ["kind"], "claim": ["status"], "progress_update": ["file_type"],
    "committee_meeting": ["kind", "status"], "agenda_item": ["section"], "action_item": ["kind"],
    "council": ["kind"], "council_member": ["seat"], "council_topic": ["source", "stage"],
    "council_meeting": ["kind", "status"], "council_attendance": ["status"],
    "council_decision": ["method", "status", "outcome"], "council_ballot": ["choice"],
    "council_review": ["outcome"], "council_rating": ["rating"],
    "matter": ["number", "channel", "sub_source", "reporter_phone", "reporter_id_number", "category", "urgency",
               "mode", "feedback_method", "evaluation"],
    "matter_event": ["action"],
    "volunteer": ["phone", "id_number", "skills"], "volunteer_team": ["kind", "speciality"],
    "volunteer_order": ["number", "service_kind", "recipient_phone", "sign_method", "rating", "signed_month"],
    "order_event": ["action"], "volunteer_tally": ["month", "dim", "code"], "points_account": ["holder"],
    "points_transfer": ["kind"], "sign_off_link": ["token_hash"], "redemption": ["number"],
    "certificate": ["serial"],
    "fund_file": ["kind", "owner"], "fund_income": ["source"], "fund_request": ["number", "purpose", "status"],
    "fund_event": ["action"], "fund_signature": ["choice"],
}

# every element and its text, open shadow roots included (the big screen's component); what markup the page made
INSPECT = r"""() => {
  const all = [];
  const walk = root => { for (const el of root.querySelectorAll('*')) { all.push(el);
                                                                      if (el.shadowRoot) walk(el.shadowRoot); } };
  walk(document);
  const html = e => e.outerHTML.slice(0, 300);
  const text = [document.body.innerText,
                ...all.filter(e => e.shadowRoot).map(e => e.shadowRoot.textContent),
                ...all.filter(e => e.tagName === 'INPUT' || e.tagName === 'TEXTAREA').map(e => e.value)].join('\n');
  return {
    links: all.filter(e => /evil\.example/i.test((e.getAttribute('href') || '') + (e.getAttribute('src') || '')))
              .map(html),
    bold: all.filter(e => ['STRONG', 'B', 'EM', 'I', 'DEL', 'CODE'].includes(e.tagName)
                          && /^(XB|BB|点我)$/.test(e.textContent.trim())).map(html),
    scripts: all.filter(e => e.tagName === 'SCRIPT' && e.textContent.includes('alert(1)')).map(html),
    text: text,
  };
}"""


def text_columns() -> dict[str, set[str]]:
    import data_access.models  # noqa: F401  (the tables)

    return {table.name: {c.name for c in table.columns if isinstance(c.type, (AutoString, sa.String))}
            for table in SQLModel.metadata.sorted_tables}


def test_every_text_column_is_typed_or_a_code():
    """A new text column must be placed in TYPED (and so made hostile below) or in NOT_TYPED."""
    listed = {table: set(TYPED.get(table, [])) | set(NOT_TYPED.get(table, [])) for table in text_columns()}
    assert {t: c for t, c in text_columns().items() if c != listed[t]} == {}


def hostile_street(database: str, monkeypatch) -> dict:
    """The demo street, today's progress meeting and council decision meeting opened and partly checked in (so chair
    mode and the live screen show their agenda and summary), then every typed text made hostile. Returns the display
    link's token and the ids of the records to open."""
    from data_access.accounts.auth import login as check_login
    from data_access.bootstrap import open_database
    from data_access.briefing import display
    from data_access.committee import meetings as committee
    from data_access.config import load_settings
    from data_access.council import meetings as council
    from data_access.db import reading
    from data_access.models import (
        CommitteeMeeting,
        CouncilDecision,
        CouncilMeeting,
        CouncilTopic,
        FundRequest,
        Matter,
        MeetingAttendance,
        UserRole,
        Volunteer,
        VolunteerOrder,
    )
    from data_access.models import CouncilAttendance as Present
    from data_access.volunteer import orders as volunteer_orders

    monkeypatch.setenv("GONGZHI_DATABASE_URL", database)
    monkeypatch.setenv("GONGZHI_DEMO", "1")
    settings = load_settings()
    engine = open_database(settings)
    try:
        token = display.demo_token(engine, settings, "街道大厅大屏")
        secretary = check_login(engine, settings, "secretary", DEMO_PASSWORD).actor
        with reading(engine) as session:
            home = session.execute(sa.select(UserRole.community_id).where(UserRole.user_id == secretary.id)).scalar()
            progress = session.execute(sa.select(CommitteeMeeting.id).where(
                CommitteeMeeting.community_id == home, CommitteeMeeting.status == "planned")
                .order_by(CommitteeMeeting.day)).scalars().first()
            held = session.execute(sa.select(CouncilMeeting.id).where(
                CouncilMeeting.community_id == home, CouncilMeeting.status == "planned",
                CouncilMeeting.kind == "decision").order_by(CouncilMeeting.day)).scalars().first()
        committee.open_meeting(engine, actor=secretary, settings=settings, meeting_id=progress)
        council.open_meeting(engine, actor=secretary, meeting_id=held)
        with reading(engine) as session:
            units = session.execute(sa.select(MeetingAttendance.unit_id).where(
                MeetingAttendance.meeting_id == progress).order_by(MeetingAttendance.unit_id)).scalars().all()
            members = session.execute(sa.select(Present.member_id).where(Present.meeting_id == held)
                                      .order_by(Present.member_id)).scalars().all()
        committee.set_attendance(engine, actor=secretary, meeting_id=progress,
                                 rows=[{"unit_id": u, "present": i < len(units) - 2, "attendee": "到会"}
                                       for i, u in enumerate(units)])
        council.check_in(engine, actor=secretary, meeting_id=held,
                         rows=[{"member_id": m, "status": "present" if i < len(members) - 2 else
                                ("excused" if i == len(members) - 2 else "absent")} for i, m in enumerate(members)])
        with reading(engine) as session:
            ids = {
                "matter": session.execute(sa.select(CouncilDecision.matter_id).where(
                    CouncilDecision.community_id == home, CouncilDecision.matter_id.is_not(None))).scalar()
                or session.execute(sa.select(Matter.id).where(Matter.community_id == home)).scalar(),
                "decision": session.execute(sa.select(CouncilDecision.id).where(
                    CouncilDecision.community_id == home, CouncilDecision.outcome.is_not(None))).scalar(),
                "topic": session.execute(sa.select(CouncilTopic.id).where(CouncilTopic.community_id == home)
                                         .order_by(CouncilTopic.stage != "withdrawn", CouncilTopic.id)).scalar(),
                **{f"{kind}_meeting": session.execute(sa.select(CouncilMeeting.id).where(
                    CouncilMeeting.community_id == home, CouncilMeeting.status == "closed",
                    CouncilMeeting.kind == kind).order_by(CouncilMeeting.day.desc())).scalar()
                   for kind in ("decision", "review")},
                "order": session.execute(sa.select(VolunteerOrder.id).where(
                    VolunteerOrder.community_id == home, VolunteerOrder.comment.is_not(None))).scalar(),
                "volunteer": session.execute(sa.select(Volunteer.id).where(Volunteer.community_id == home,
                                                                           Volunteer.hours_tenths > 0)).scalar(),
                **{f"fund_{status}": session.execute(sa.select(FundRequest.id).where(
                    FundRequest.community_id == home, FundRequest.status == status)
                    .order_by(FundRequest.decision_id.is_(None), FundRequest.id)).scalars().first()
                   for status in ("rejected", "paid")},
            }
            served = session.execute(sa.select(VolunteerOrder.id).where(
                VolunteerOrder.community_id == home, VolunteerOrder.step == 4)).scalar()
        sign_token, _ = volunteer_orders.make_link(engine, actor=secretary, settings=settings, order_id=served)
        with engine.begin() as connection:
            tables = SQLModel.metadata.tables
            for table, columns in TYPED.items():
                for column in columns if table != "audit_log" else []:
                    rows = tables[table]
                    key = sa.cast(next(iter(rows.primary_key.columns)), sa.String)  # every row's text differs
                    connection.execute(sa.update(rows).where(rows.c[column].is_not(None)).values(
                        {column: sa.literal(column) + key + sa.literal(" " + HOSTILE)}))
        secretary = check_login(engine, settings, "secretary", DEMO_PASSWORD).actor  # now named HOSTILE
        committee.set_attendance(engine, actor=secretary, meeting_id=progress, rows=[
            {"unit_id": units[0], "present": True, "attendee": "到会代表"}])
    finally:
        engine.dispose()
    assert token and all(ids.values()), ids
    return {"token": token, "sign": sign_token, **ids}


def check(page, where: str, problems: list[str]) -> None:
    """The page as it stands: no link to evil.example, no bold, italics or code made of the text, no script from
    it, and the text shown as typed somewhere."""
    found = page.evaluate(INSPECT)
    for kind in ("links", "bold", "scripts"):
        problems += [f"{where}: {kind}: {html}" for html in found[kind]]
    if HOSTILE not in found["text"].replace(WORD_JOINER, ""):
        problems.append(f"{where}: the text is not shown literally")


def settled(page) -> None:
    """The page has run to its end (and is not about to run again)."""
    from playwright.sync_api import expect

    app = page.locator('[data-testid="stApp"]')
    for _ in range(2):
        expect(page.locator("h1, .screen .place").first).to_be_visible()  # a page's title; the big screen
        expect(app).to_have_attribute("data-test-script-state", "notRunning")
        page.wait_for_timeout(400)


def visit(page, url: str, path: str, problems: list[str]) -> None:
    page.goto(f"{url}/{path}")
    settled(page)
    check(page, path, problems)


def click_first_row(page, table: str) -> None:
    """Select the first row of a dataframe keyed `table` (its selection box, under the header)."""
    grid = page.locator(f".st-key-{table} [data-testid='stDataFrameResizable']")
    grid.scroll_into_view_if_needed()
    box = grid.bounding_box()
    page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)


@pytest.mark.browser
def test_hostile_text_shows_literally_on_every_page(tmp_path, monkeypatch):
    need_browser()
    from playwright.sync_api import expect, sync_playwright

    database = f"sqlite:///{tmp_path}/hostile.db"
    street = hostile_street(database, monkeypatch)
    problems: list[str] = []
    with running_server(database) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = None
        try:
            # the secretary: every page of the community, the records opened, chair mode and the live screen
            page = new_page(browser, width=1600, height=1100)
            page.goto(url)
            login(page, "secretary")
            for path in ("overview", "ledger", "intake", f"matter?id={street['matter']}", "cockpit", "screen",
                         "display-links", "committee", "lists", "meetings", "council", "councils",
                         f"topics?id={street['topic']}", f"decisions?id={street['decision']}",
                         f"council-meetings?id={street['decision_meeting']}",
                         f"council-meetings?id={street['review_meeting']}", "audit", "volunteer", "orders",
                         f"orders?id={street['order']}", f"volunteers?id={street['volunteer']}", "store"):
                visit(page, url, path, problems)
            for path in ("funds", f"spending?request={street['fund_rejected']}",
                         f"spending?request={street['fund_paid']}"):
                visit(page, url, path, problems)
            visit(page, url, "income", problems)
            grid = page.locator("[class*='st-key-fincome_table_'] [data-testid='stDataFrameResizable']")
            box = grid.bounding_box()
            page.mouse.click(box["x"] + 18, box["y"] + 35 + 17)
            expect(page.locator(".st-key-fincome_panel")).to_be_visible()
            settled(page)
            check(page, "income (an entry opened)", problems)
            visit(page, url, "units", problems)
            click_first_row(page, "units_table")
            expect(page.locator("[class*='st-key-unit_edit_'][class*='_save']")).to_be_visible()
            settled(page)
            check(page, "units (a unit opened)", problems)
            visit(page, url, "claims", problems)
            click_first_row(page, "claims_table")
            expect(page.locator("[class*='st-key-claims_close_']")).to_be_visible()
            settled(page)
            check(page, "claims (a claim opened)", problems)
            visit(page, url, "chair", problems)  # the meeting's first agenda item
            page.locator(".st-key-chair_to_summary button").click()
            expect(page.get_by_role("heading", name="会议小结")).to_be_visible()
            settled(page)
            check(page, "chair (summary)", problems)
            visit(page, url, "council-live", problems)  # the first topic, its history and the vote
            page.locator(".st-key-council_live_to_summary button").click()
            expect(page.get_by_role("heading", name="会议小结")).to_be_visible()
            settled(page)
            check(page, "council-live (summary)", problems)
            page.locator(".st-key-council_live_summary_attendance button").click()
            expect(page.locator("[class*='st-key-council_live_attendance_status_']").first).to_be_visible()
            settled(page)
            check(page, "council-live (check-in)", problems)
            page.close()

            # a co-manager of the estate's fund: what waits for her signature, a request opened from its card
            page = new_page(browser, width=1600, height=1100)
            page.goto(url)
            login(page, "recorder")
            visit(page, url, "spending", problems)
            page.locator("[class*='st-key-fund_card_open_'] button").first.click()
            expect(page.locator(".st-key-fund_request_panel")).to_be_visible()
            settled(page)
            check(page, "spending (a co-manager's request opened)", problems)
            page.close()

            # the street leader: every community at once
            page = new_page(browser, width=1600, height=1100)
            page.goto(url)
            login(page, "leader")
            for path in ("overview", "cockpit", "committee", "council", "volunteer"):
                visit(page, url, path, problems)
            page.close()

            # a volunteer's own screen, and the person they served opening the sign-off link without a login
            page = new_page(browser, width=1024, height=1100)
            page.goto(url)
            login(page, "volunteer")
            visit(page, url, "my-service", problems)
            page.close()
            page = new_page(browser, width=390, height=844)
            visit(page, url, f"?sign={street['sign']}", problems)
            page.close()

            # the administrator: the accounts and the audit trail
            page = new_page(browser, width=1600, height=1100)
            page.goto(url)
            login(page, "admin")
            visit(page, url, "users", problems)
            click_first_row(page, "users_table")
            expect(page.get_by_role("tab").first).to_be_visible()
            settled(page)
            check(page, "users (an account opened)", problems)
            visit(page, url, "audit", problems)
            page.close()

            # the wall screen of the street hall: no login
            page = new_page(browser, width=1920, height=1080)
            page.goto(f"{url}/?display={street['token']}")
            expect(page.locator(".screen .place")).to_contain_text("evil.example")
            check(page, "the wall screen", problems)
        except Exception:
            if page is not None and not page.is_closed():
                page.screenshot(path=str(tmp_path / "failed.png"), full_page=True)
                print(f"screenshot: {tmp_path / 'failed.png'}")
            raise
        finally:
            browser.close()
    assert problems == [], "\n".join(problems)
