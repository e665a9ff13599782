"""Page tests (Streamlit AppTest) of the fund's working pages. 基金与共管人: a secretary opens a fund and names and
removes co-managers, a co-manager who left the council is shown as no longer counting; 基金收入: income recorded with a
receipt and an entry reversed with its reason; 支出与会签: a co-manager sees first what waits for their signature,
requests a spending, signs, links a decision and withdraws; a worker pays a ready request; a requester cannot sign;
a request opens from the address (?request=). Every form's bad input is refused in Chinese next to its field with
nothing written; each page says what to do on an empty database; a co-manager sees only the funds they co-manage."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from data_access import clock
from data_access.council import writes as council_writes
from data_access.db import reading
from data_access.fund import funds as fund_writes
from data_access.models import (
    AuditLog,
    Council,
    CouncilDecision,
    Fund,
    FundEvent,
    FundFile,
    FundIncome,
    FundManager,
    FundRequest,
    FundSignature,
)
from i18n import translate
from tests.fund.support import PDF, PNG, PUBLIC_INCOME, balance, books, demo_fund
from tests.pages_support import PAGES, TIMEOUT, page_db, run_page, texts


def zh(key: str, **params) -> str:
    return translate("zh", key, **params)


def count(db, model, *conditions) -> int:
    with reading(db.engine) as session:
        return session.execute(select(func.count()).select_from(model).where(*conditions)).scalar_one()


def one(db, model, *conditions):
    with reading(db.engine) as session:
        return session.execute(select(model).where(*conditions).order_by(model.id.desc())).scalars().first()


def request_of(db, detail: str) -> FundRequest:
    return one(db, FundRequest, FundRequest.detail == detail)


def page_at(name: str, user_id: int, **params: str) -> AppTest:
    """A page opened at an address with query parameters (?request=), as a link or a bookmark opens it."""
    at = AppTest.from_file(str(PAGES[name]), default_timeout=TIMEOUT)
    for key, value in params.items():
        at.query_params[key] = value
    at.session_state["user_id"] = user_id
    return at.run()


def all_text(at) -> str:
    return " ".join(texts(at.markdown) + texts(at.caption) + texts(at.info) + texts(at.warning) + texts(at.success))


@pytest.fixture
def place(tmp_path, monkeypatch):
    """An empty app database with one community, its secretary and worker, two accounts holding the co-manager role,
    a volunteer's account, and an estate joint meeting with three members in office."""
    with page_db(tmp_path, "fund", demo=False, monkeypatch=monkeypatch) as db:
        community, _ = db.add_place("康盛社区", "KS")
        db.add_user("sec", "secretary", community)
        db.add_user("work", "worker", community)
        db.add_user("zhou", "fund_manager", community)
        db.add_user("lin", "fund_manager", community)
        db.add_user("vol", "volunteer", community)
        staff = db.actor("sec")
        council = council_writes.save_council(db.engine, actor=staff, settings=db.settings, data={
            "community_id": community, "name": "幸福里小区联席会议", "kind": "estate_joint", "estate": "幸福里小区",
            "established_on": date(2025, 1, 6)})
        db.members = {name: council_writes.save_member(db.engine, actor=staff, settings=db.settings, data={
            "council_id": council.id, "name": name, "seat": seat, "term_start": date(2025, 1, 6)}).id
            for name, seat in (("周明远", "party"), ("林春梅", "owners_committee"), ("孙雅琴", "resident"))}
        db.community, db.council = community, council.id
        yield db


def open_fund(db) -> Fund:
    return fund_writes.open_fund(db.engine, actor=db.actor("sec"), settings=db.settings, data={
        "name": "幸福里小区公益基金", "council_id": db.council, "opened_on": date(2025, 1, 6), "opening": "12000"})


# --- every page on an empty database ------------------------------------------------------------------------------

def test_every_page_says_what_to_do_next_on_an_empty_database(place):
    at = run_page("fund_funds", place.users["sec"])
    assert not at.exception
    assert zh("fund_pages.funds.none_setup") in texts(at.info)
    assert at.button(key="fund_open_go")  # the form to open one is there
    for page in ("fund_income", "fund_spending"):
        for user in ("sec", "work", "zhou"):
            at = run_page(page, place.users[user])
            assert not at.exception, (page, user)
            assert zh("fund_ui.no_funds") in texts(at.info), (page, user)
    at = run_page("fund_funds", place.users["zhou"])  # a co-manager not yet named cannot open funds
    assert zh("fund_ui.no_funds") in texts(at.info)
    assert not at.button


def test_an_account_without_the_fund_cannot_open_its_pages(place):
    for page in ("fund_funds", "fund_income", "fund_spending"):
        at = run_page(page, place.users["vol"])
        assert zh("error.page_not_allowed") in texts(at.error), page
        assert not at.dataframe


# --- funds and co-managers ----------------------------------------------------------------------------------------

def test_the_secretary_opens_a_fund_and_names_and_removes_co_managers(place):
    at = run_page("fund_funds", place.users["sec"])
    at.selectbox(key="fund_open_council_id").select(place.council)
    at.text_input(key="fund_open_name").input("幸福里小区公益基金")
    at.text_input(key="fund_open_opening").input("12000.005")
    at.button(key="fund_open_go").click().run()
    assert zh("fund_error.amount_decimals") in texts(at.error)  # next to the opening balance
    assert count(place, Fund) == 0
    assert at.text_input(key="fund_open_name").value == "幸福里小区公益基金"  # the input stays

    at.text_input(key="fund_open_opening").input("12,000.50")
    at.button(key="fund_open_go").click().run()
    assert not at.exception
    fund = one(place, Fund)
    assert (fund.opening_fen, fund.balance_fen, fund.council_id) == (1_200_050, 1_200_050, place.council)
    assert zh("fund_pages.funds.opened", name="幸福里小区公益基金", balance="¥12,000.50") in texts(at.success)
    assert zh("fund_pages.funds.no_managers_setup") in texts(at.info)

    # naming a co-manager without choosing: refused next to both boxes, nothing written
    at.button(key="fund_manager_add_go").click().run()
    assert texts(at.error).count(zh("error.required")) == 2
    assert count(place, FundManager) == 0
    for name, user in (("周明远", "zhou"), ("林春梅", "lin")):
        at.selectbox(key=_key(at, "fund_manager_add_member_id")).select(place.members[name])
        at.selectbox(key=_key(at, "fund_manager_add_user_id")).select(place.users[user])
        at.button(key="fund_manager_add_go").click().run()
        assert not at.exception
    assert count(place, FundManager, FundManager.active.is_(True)) == 2
    assert zh("fund_pages.funds.all_accounts_busy") in texts(at.info)  # both accounts with the role are taken
    table = at.dataframe[1].value
    assert set(table["name"]) == {"周明远", "林春梅"}
    assert set(table["state"]) == {zh("fund_pages.funds.counts")}

    # removing one: the button waits for the confirmation
    manager = one(place, FundManager, FundManager.user_id == place.users["lin"])
    at.selectbox(key="fund_manager_remove_manager_id").select(manager.id).run()
    assert at.button(key="fund_manager_remove_go").disabled
    at.checkbox(key="fund_manager_remove_confirm").check().run()
    at.button(key="fund_manager_remove_go").click().run()
    assert not at.exception
    assert one(place, FundManager, FundManager.id == manager.id).active is False
    assert zh("fund_pages.funds.removed") in set(at.dataframe[1].value["state"])
    assert count(place, AuditLog, AuditLog.action.like("fund.%")) == 4  # open, two named, one removed


def _key(at, prefix: str) -> str:
    """The key of a form's widget in its current round (a save starts a new round of keys)."""
    keys = [w.key for w in at.selectbox if w.key and (w.key == prefix or w.key.startswith(prefix + "_r"))]
    assert keys, prefix
    return keys[-1]


def test_a_co_manager_who_left_the_council_is_shown_as_no_longer_counting(place):
    fund = open_fund(place)
    staff = place.actor("sec")
    for name, user in (("周明远", "zhou"), ("林春梅", "lin")):
        fund_writes.add_manager(place.engine, actor=staff, settings=place.settings, fund_id=fund.id,
                                member_id=place.members[name], user_id=place.users[user])
    council_writes.save_member(place.engine, actor=staff, settings=place.settings, member_id=place.members["林春梅"],
                               data={"name": "林春梅", "seat": "owners_committee", "term_start": date(2025, 1, 6),
                                     "active": False})
    at = run_page("fund_funds", place.users["sec"])
    assert not at.exception
    states = dict(zip(at.dataframe[1].value["name"], at.dataframe[1].value["state"], strict=True))
    assert states == {"周明远": zh("fund_pages.funds.counts"), "林春梅": zh("fund_pages.funds.left_council")}
    assert zh("fund_pages.funds.left_warning", names="林春梅") in texts(at.warning)
    assert [m.value for m in at.metric if m.label == zh("fund_pages.funds.counting")] == ["1"]
    # and she no longer sees the fund at all: a co-manager sees only the funds they count in
    at = run_page("fund_spending", place.users["lin"])
    assert zh("fund_ui.no_funds") in texts(at.info)


# --- income -------------------------------------------------------------------------------------------------------

def test_income_is_recorded_with_its_receipt_and_reversed_with_a_reason(place):
    fund = open_fund(place)
    at = run_page("fund_income", place.users["work"])
    assert zh("fund_pages.income.none_record") in texts(at.info)
    at.selectbox(key="fund_income_new_source").select("grant")
    at.text_input(key="fund_income_new_payer").input("康盛街道办事处")
    at.text_input(key="fund_income_new_amount").input("-50")
    at.file_uploader(key="fund_income_new_files").set_value(("收据.png", b"not a picture", "image/png"))
    at.button(key="fund_income_new_go").click().run()
    errors = texts(at.error)
    assert zh("fund_error.amount_positive") in errors
    assert zh("file_error.not_image_or_pdf", name="收据\\.png") in errors  # the name as typed, not Markdown
    assert count(place, FundIncome) == 0 and count(place, FundFile) == 0
    assert at.text_input(key="fund_income_new_payer").value == "康盛街道办事处"

    at.text_input(key="fund_income_new_amount").input("50000")
    at.file_uploader(key="fund_income_new_files").set_value([("收据.png", PNG, "image/png"),
                                                             ("到账通知.pdf", PDF, "application/pdf")])
    at.button(key="fund_income_new_go").click().run()
    assert not at.exception
    entry = one(place, FundIncome)
    assert (entry.source, entry.payer, entry.amount_fen) == ("grant", "康盛街道办事处", 5_000_000)
    assert count(place, FundFile, FundFile.owner == "income", FundFile.owner_id == entry.id) == 2
    assert balance(place.engine, fund.id) == 1_200_000 + 5_000_000
    assert zh("fund_pages.income.saved", amount="¥50,000.00", payer="康盛街道办事处") in texts(at.success)
    table = at.dataframe[0].value
    assert list(table["amount"]) == ["¥50,000.00"] and list(table["receipts"]) == ["2"]

    # the entry opened: its receipts to download, and 冲正 with a required reason behind a confirmation
    at = run_page("fund_income", place.users["work"], fincome_selected=entry.id)
    assert [b.label for b in at.get("download_button")] == [
        zh("fund_pages.file_download", name="收据\\.png", size="1"),
        zh("fund_pages.file_download", name="到账通知\\.pdf", size="1")]
    form = f"fund_reverse_{entry.id}"
    at.checkbox(key=f"{form}_confirm").check().run()
    at.button(key=f"{form}_go").click().run()
    assert zh("error.required") in texts(at.error)
    assert count(place, FundIncome) == 1
    at.text_area(key=f"{form}_reason").input("与另一笔重复录入")
    at.button(key=f"{form}_go").click().run()
    assert not at.exception
    reversal = one(place, FundIncome, FundIncome.reverses_id == entry.id)
    assert (reversal.amount_fen, reversal.reason) == (-5_000_000, "与另一笔重复录入")
    assert balance(place.engine, fund.id) == 1_200_000 == books(place.engine, fund.id)
    table = at.dataframe[0].value
    assert list(table["mark"]) == [zh("fund_pages.income.reversal_of", id=entry.id),
                                   zh("fund_pages.income.reversed", id=reversal.id)]
    assert list(table["note"])[0] == zh("fund_pages.income.reason_is", reason="与另一笔重复录入")
    assert zh("fund_pages.income.reversed_saved", amount="-¥50,000.00") in texts(at.success)
    assert not any(b.key == f"{form}_go" for b in at.button)  # a reversed entry is not reversed again


def test_staff_who_only_read_see_income_without_the_forms(place):
    open_fund(place)
    at = run_page("fund_income", place.users["sec"])
    assert not at.exception
    assert zh("fund_pages.income.none") in texts(at.info)
    assert not at.button


# --- spending on the demo ---------------------------------------------------------------------------------------

@pytest.fixture
def demo(tmp_path, monkeypatch):
    with page_db(tmp_path, "demo", demo=True, monkeypatch=monkeypatch) as db:
        db.fund = demo_fund(db.engine)
        yield db


def pending_of(db, username: str) -> list[FundRequest]:
    with reading(db.engine) as session:
        return list(session.execute(select(FundRequest).where(
            FundRequest.status == "pending", FundRequest.requester_id == db.users[username])
            .order_by(FundRequest.id)).scalars())


def test_a_co_manager_sees_first_what_waits_for_their_signature(demo):
    at = run_page("fund_spending", demo.users["recorder"])
    assert not at.exception
    waiting = [b.key for b in at.button if b.key and b.key.startswith("fund_card_open_")]
    assert waiting  # the demo has requests waiting for the recorder
    assert texts(at.subheader)[0] == zh("fund_pages.spending.to_sign", count=len(waiting))
    with reading(demo.engine) as session:
        signed = set(session.execute(select(FundSignature.request_id).where(
            FundSignature.user_id == demo.users["recorder"])).scalars())
        mine = set(session.execute(select(FundRequest.id).where(
            FundRequest.requester_id == demo.users["recorder"])).scalars())
    ids = {int(k.rsplit("_", 1)[1]) for k in waiting}
    assert not ids & (signed | mine)
    # the worker sees what is ready to pay, the secretary neither list
    at = run_page("fund_spending", demo.users["worker"])
    assert zh("fund_pages.spending.to_pay", count=1) in texts(at.subheader)
    at = run_page("fund_spending", demo.users["secretary"])
    assert texts(at.subheader) == [zh("fund_pages.spending.all")]


def test_a_co_manager_sees_only_the_funds_they_co_manage(demo):
    staff = demo.actor("secretary")
    with reading(demo.engine) as session:
        other = session.execute(select(Council.id).where(Council.community_id == demo.fund.community_id,
                                                         Council.id != demo.fund.council_id)).scalars().first()
    fund_writes.open_fund(demo.engine, actor=staff, settings=demo.settings, data={
        "name": "康盛社区公益基金", "council_id": other, "opened_on": clock.today(), "opening": "500"})
    at = run_page("fund_spending", demo.users["secretary"])
    assert len(at.selectbox(key="fspend_fund").options) == 2
    for page in ("fund_spending", "fund_income", "fund_funds"):
        at = run_page(page, demo.users["recorder"])
        assert not at.exception
        assert at.selectbox(key=PICKS[page]).options == [demo.fund.name], page


PICKS = {"fund_spending": "fspend_fund", "fund_income": "fincome_fund", "fund_funds": "ffunds_fund"}


def test_a_spending_is_requested_signed_and_paid(demo):
    before = balance(demo.engine, demo.fund.id)
    at = run_page("fund_spending", demo.users["recorder"])
    form = "fund_request_new"
    at.selectbox(key=f"{form}_purpose").select("hygiene")
    at.text_input(key=f"{form}_amount").input("0")
    at.text_input(key=f"{form}_payee").input("绿康消杀服务部")
    at.text_area(key=f"{form}_detail").input("冬季楼道消杀")
    at.button(key=f"{form}_go").click().run()
    assert zh("fund_error.amount_positive") in texts(at.error)
    assert not pending_of(demo, "recorder") or all(r.detail != "冬季楼道消杀" for r in pending_of(demo, "recorder"))
    assert at.text_input(key=f"{form}_payee").value == "绿康消杀服务部"

    at.text_input(key=f"{form}_amount").input("450")
    at.file_uploader(key=f"{form}_files").set_value(("报价单.pdf", PDF, "application/pdf"))
    at.button(key=f"{form}_go").click().run()
    assert not at.exception
    request = request_of(demo, "冬季楼道消杀")
    assert (request.amount_fen, request.approvals_needed, request.status) == (45_000, 1, "pending")
    assert count(demo, FundFile, FundFile.owner == "request", FundFile.owner_id == request.id) == 1
    assert any(request.number in h for h in texts(at.subheader))  # its panel is open
    text = all_text(at)
    assert zh("fund_pages.rule.some", n=1) in text and zh("fund_pages.request.own_request") in texts(at.info)
    assert zh("fund_pages.request.still_short", short=1, names="周明远、林春梅") in text
    # a requester cannot sign their own request: no form to sign it
    assert not any(b.key == f"fund_sign_{request.id}_go" for b in at.button)

    # the treasurer rejects without a comment: refused next to the comment, nothing written
    at = page_at("fund_spending", demo.users["treasurer"], request=str(request.id))
    sign = f"fund_sign_{request.id}"
    at.radio(key=f"{sign}_choice").set_value("reject")
    at.button(key=f"{sign}_go").click().run()
    assert zh("error.required") in texts(at.error)
    assert count(demo, FundSignature, FundSignature.request_id == request.id) == 0
    at.radio(key=f"{sign}_choice").set_value("approve")
    at.text_area(key=f"{sign}_comment").input("同意，注意留存消杀记录")
    at.button(key=f"{sign}_go").click().run()
    assert not at.exception
    assert zh("fund_pages.request.signed_approved") in texts(at.success)
    assert zh("fund_pages.request.rule_met") in all_text(at)
    with reading(demo.engine) as session:
        events = session.execute(select(FundEvent.action).where(FundEvent.request_id == request.id)
                                 .order_by(FundEvent.id)).scalars().all()
    assert events == ["requested", "approved", "ready"]

    # the worker pays it: the voucher is required, then the balance goes down by it
    at = page_at("fund_spending", demo.users["worker"], request=str(request.id))
    pay = f"fund_pay_{request.id}"
    at.button(key=f"{pay}_go").click().run()
    assert zh("error.required") in texts(at.error)
    assert one(demo, FundRequest, FundRequest.id == request.id).status == "pending"
    at.text_input(key=f"{pay}_voucher").input("PZ2026-099")
    at.file_uploader(key=f"{pay}_files").set_value(("凭证.png", PNG, "image/png"))
    at.button(key=f"{pay}_go").click().run()
    assert not at.exception
    paid = one(demo, FundRequest, FundRequest.id == request.id)
    assert (paid.status, paid.voucher, paid.paid_on) == ("paid", "PZ2026-099", clock.today())
    assert balance(demo.engine, demo.fund.id) == before - 45_000 == books(demo.engine, demo.fund.id)
    assert zh("fund_pages.request.paid_saved", number=paid.number, amount="¥450.00") in texts(at.success)
    assert [e.action for e in _events(demo, request.id)][-1] == "paid"


def _events(db, request_id: int) -> list[FundEvent]:
    with reading(db.engine) as session:
        return list(session.execute(select(FundEvent).where(FundEvent.request_id == request_id)
                                    .order_by(FundEvent.id)).scalars())


def test_a_worker_pays_the_ready_request_of_the_demo(demo):
    at = run_page("fund_spending", demo.users["worker"])
    ready = [b.key for b in at.button if b.key and b.key.startswith("fund_card_open_")]
    assert len(ready) == 1
    request_id = int(ready[0].rsplit("_", 1)[1])
    amount = one(demo, FundRequest, FundRequest.id == request_id).amount_fen
    before = balance(demo.engine, demo.fund.id)
    at.button(key=ready[0]).click().run()
    at.text_input(key=f"fund_pay_{request_id}_voucher").input("PZ2026-100")
    at.button(key=f"fund_pay_{request_id}_go").click().run()
    assert not at.exception
    assert one(demo, FundRequest, FundRequest.id == request_id).status == "paid"
    assert balance(demo.engine, demo.fund.id) == before - amount
    assert not [b for b in at.button if b.key and b.key.startswith("fund_card_open_")]  # nothing left to pay


def test_a_large_request_waits_for_a_decision_and_is_not_payable_yet(demo):
    large = one(demo, FundRequest, FundRequest.status == "pending", FundRequest.needs_decision.is_(True))
    at = page_at("fund_spending", demo.users["worker"], request=str(large.id))
    assert not at.exception
    assert zh("fund_pages.request.needs_decision") in texts(at.warning)
    assert zh("fund_error.decision_missing") in texts(at.info)
    assert zh("fund_pages.request.signed_wait_decision") in all_text(at)
    assert not any(b.key == f"fund_pay_{large.id}_go" for b in at.button)

    # its requester links the council's decision (a passed one of the fund's council)
    requester = next(u for u, i in demo.users.items() if i == large.requester_id)
    at = page_at("fund_spending", demo.users[requester], request=str(large.id))
    link = f"fund_link_{large.id}"
    at.button(key=f"{link}_go").click().run()
    assert zh("error.required") in texts(at.error)
    with reading(demo.engine) as session:
        decision = session.execute(select(CouncilDecision.id).where(CouncilDecision.text.startswith(PUBLIC_INCOME))) \
            .scalar_one()
    at.selectbox(key=f"{link}_decision_id").select(decision)
    at.button(key=f"{link}_go").click().run()
    assert not at.exception
    assert one(demo, FundRequest, FundRequest.id == large.id).decision_id == decision
    assert zh("fund_pages.request.linked") in texts(at.success)


def test_a_requester_withdraws_with_a_reason_after_confirming(demo):
    request = pending_of(demo, "convener")[0]
    at = page_at("fund_spending", demo.users["convener"], request=str(request.id))
    form = f"fund_withdraw_{request.id}"
    assert at.button(key=f"{form}_go").disabled
    at.checkbox(key=f"{form}_confirm").check().run()
    at.button(key=f"{form}_go").click().run()
    assert zh("error.required") in texts(at.error)
    assert one(demo, FundRequest, FundRequest.id == request.id).status == "pending"
    at.text_area(key=f"{form}_reason").input("改由物业维修基金支付")
    at.button(key=f"{form}_go").click().run()
    assert not at.exception
    done = one(demo, FundRequest, FundRequest.id == request.id)
    assert (done.status, done.closed_reason) == ("withdrawn", "改由物业维修基金支付")
    assert zh("fund_pages.request.withdrawn") in texts(at.success)
    assert zh("fund_pages.request.closed") in texts(at.caption)


def test_a_request_opens_from_the_address_and_a_stranger_id_does_not(demo):
    paid = one(demo, FundRequest, FundRequest.status == "paid", FundRequest.decision_id.is_not(None))
    at = page_at("fund_spending", demo.users["secretary"], request=str(paid.id))
    assert not at.exception
    assert any(paid.number in h for h in texts(at.subheader))
    text = all_text(at)
    assert zh("fund_pages.decision.notice_over") in text and zh("fund_pages.request.closed") in texts(at.caption)
    assert at.query_params["request"] == str(paid.id)  # kept in the address for a reload or a bookmark
    assert [b for b in at.get("download_button")]  # its quote and its payment voucher
    at = page_at("fund_spending", demo.users["secretary"], request="999999")
    assert zh("fund_pages.spending.not_found") in texts(at.warning)
    assert "request" not in at.query_params
