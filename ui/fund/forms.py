"""The fund's forms (errors next to the field, input kept on error, cleared after a save): opening a fund, naming and
removing a co-manager, recording income and reversing an entry, requesting a spending; the receipt and voucher
uploads and the download buttons of a record's files."""

from __future__ import annotations

import math

import streamlit as st

from data_access import clock
from data_access.fund import files as fund_files
from data_access.fund import funds as fund_writes
from data_access.fund import income as income_writes
from data_access.fund import spending as spending_writes
from domain.errors import DomainError
from domain.fund.rules import fen_of, tier_for
from ui import cached, widgets
from ui.context import PageContext, export_actor
from ui.format import day, money
from ui.forms import date_field, field_error, form_message, submit, widget_key
from ui.fund.common import purpose_labels, source_labels
from ui.fund.tables import rule_text
from ui.i18n import md_escape, t

OPEN_FORM, ADD_FORM, REMOVE_FORM, INCOME_FORM, REQUEST_FORM = (
    "fund_open", "fund_manager_add", "fund_manager_remove", "fund_income_new", "fund_request_new")


def files_field(ctx: PageContext, form: str, label: str) -> None:
    """Several images or PDFs (receipts, quotes, invoices, vouchers), told by their bytes when saved: the browser
    takes any file somewhat above the limit, so that a wrong kind or size is refused in Chinese next to the field
    (domain.files) rather than in Streamlit's English."""
    most = ctx.settings.fund.max_file_mb
    st.file_uploader(label, key=widget_key(form, "files"), accept_multiple_files=True,
                     max_upload_size=math.ceil(most) + 5)
    st.caption(t("fund_pages.files_help", mb=f"{most:g}"))
    field_error(form, "files")


def downloads(ctx: PageContext, files: list[dict], *, key: str) -> None:
    """A download button per file; its content is read on click, as the session stands then."""
    checked = export_actor(ctx)

    def content(file_id: int) -> bytes:
        try:
            return fund_files.content(ctx.engine, actor=checked(), file_id=file_id)[2]
        except DomainError:
            return b""

    for item in files:
        st.download_button(t("fund_pages.file_download", name=md_escape(item["name"]),
                             size=f"{max(1, math.ceil(item['size'] / 1024)):,}"),
                           data=lambda i=int(item["id"]): content(i), file_name=item["name"], mime=item["kind"],
                           key=f"{key}_{item['id']}", icon=":material/attach_file:", on_click="ignore")


def confirm_box(form: str, label: str) -> bool:
    """A box to tick before an action that cannot be undone; its button stays disabled until then."""
    return st.checkbox(label, key=widget_key(form, "confirm"))


# --- funds and co-managers ---------------------------------------------------------------------------------------

def open_fund_form(ctx: PageContext, community_id: int, taken_councils: set[int], *, pick_key: str) -> None:
    """设立基金 for a council of the community that has none yet: name, council, opening day and balance."""
    form = OPEN_FORM
    form_message(form)
    councils = cached.read(ctx.engine, "council_councils", actor=ctx.actor, community_id=community_id)
    free = {int(i): f"{n}（{e}）" if widgets.known(e) and e else str(n)
            for i, n, e, a in zip(councils["id"], councils["name"], councils["estate"], councils["active"],
                                  strict=True) if a and int(i) not in taken_councils}
    if not free:
        st.info(t("fund_pages.funds.no_free_council"), icon=":material/info:")
        return
    c1, c2 = st.columns(2)
    with c1:
        st.selectbox(t("fund_pages.funds.council"), list(free), key=widget_key(form, "council_id"), index=None,
                     format_func=free.get, placeholder=t("common.choose"))
        field_error(form, "council_id")
    with c2:
        st.text_input(t("fund_pages.funds.name"), key=widget_key(form, "name"),
                      placeholder=t("fund_pages.funds.name_placeholder"))
        field_error(form, "name")
    d1, d2 = st.columns(2)
    with d1:
        date_field(t("fund_pages.funds.opened_on"), key=widget_key(form, "opened_on"), value=clock.today())
        field_error(form, "opened_on")
    with d2:
        st.text_input(t("fund_pages.funds.opening"), key=widget_key(form, "opening"), placeholder="12000.00",
                      help=t("fund_pages.amount_help"))
        field_error(form, "opening")

    def save(values: dict):
        fund = fund_writes.open_fund(ctx.engine, actor=ctx.actor, settings=ctx.settings, data=values)
        st.session_state[pick_key] = fund.id
        return fund

    st.button(t("fund_pages.funds.open"), key=f"{form}_go", type="primary", icon=":material/add_card:",
              on_click=submit, args=(form, ["council_id", "name", "opened_on", "opening"], save),
              kwargs={"success": lambda f: t("fund_pages.funds.opened", name=md_escape(f.name),
                                             balance=money(f.opening_fen))})


def add_manager_form(ctx: PageContext, fund: dict, managers: list[dict]) -> None:
    """指定共管人: a member of the fund's council in office and the account they sign with (holding the co-manager
    role); those already co-managing are not offered."""
    form = ADD_FORM
    form_message(form)
    found = cached.read(ctx.engine, "fund_candidates", actor=ctx.actor, fund_id=fund["id"])
    busy_members = {m["member_id"] for m in managers if m["active"]}
    busy_users = {m["user_id"] for m in managers if m["active"]}
    members = {m["id"]: " · ".join(x for x in (m["name"], m["title"] or "") if x)
               for m in found["members"] if m["id"] not in busy_members}
    accounts = {a["id"]: f"{a['name']} ({a['username']})" for a in found["accounts"] if a["id"] not in busy_users}
    if not members:
        st.info(t("fund_pages.funds.no_members"), icon=":material/info:")
        return
    if not accounts:
        st.info(t("fund_pages.funds.all_accounts_busy" if found["accounts"] else "fund_pages.funds.no_accounts"),
                icon=":material/info:")
        return
    c1, c2 = st.columns(2)
    with c1:
        st.selectbox(t("fund_pages.funds.member"), list(members), key=widget_key(form, "member_id"), index=None,
                     format_func=members.get, placeholder=t("common.choose"))
        field_error(form, "member_id")
    with c2:
        st.selectbox(t("fund_pages.funds.account"), list(accounts), key=widget_key(form, "user_id"), index=None,
                     format_func=accounts.get, placeholder=t("common.choose"),
                     help=t("fund_pages.funds.account_help"))
        field_error(form, "user_id")

    def save(values: dict):
        widgets.require_chosen(values, "member_id", "user_id")
        return fund_writes.add_manager(ctx.engine, actor=ctx.actor, settings=ctx.settings, fund_id=fund["id"],
                                       member_id=values["member_id"], user_id=values["user_id"])

    st.button(t("fund_pages.funds.add"), key=f"{form}_go", type="primary", icon=":material/person_add:",
              on_click=submit, args=(form, ["member_id", "user_id"], save),
              kwargs={"success": t("fund_pages.funds.added")})


def remove_manager_form(ctx: PageContext, managers: list[dict]) -> None:
    """移除共管人, after ticking the confirmation: their signatures stay, they no longer count."""
    form = REMOVE_FORM
    form_message(form)
    active = {m["id"]: m["name"] for m in managers if m["active"]}
    if not active:
        st.caption(t("fund_pages.funds.none_to_remove"))
        return
    key = widget_key(form, "manager_id")
    if st.session_state.get(key) not in (None, *active):
        st.session_state.pop(key)
    chosen = st.selectbox(t("fund_pages.funds.remove_who"), list(active), key=key, index=None,
                          format_func=active.get, placeholder=t("common.choose"))
    field_error(form, "manager_id")
    sure = confirm_box(form, t("fund_pages.funds.remove_confirm",
                               name=md_escape(active[chosen]) if chosen in active else "…"))

    def save(values: dict):
        widgets.require_chosen(values, "manager_id")
        return fund_writes.remove_manager(ctx.engine, actor=ctx.actor, manager_id=values["manager_id"])

    st.button(t("fund_pages.funds.remove"), key=f"{form}_go", icon=":material/person_remove:",
              disabled=not sure or chosen is None, on_click=submit, args=(form, ["manager_id", "confirm"], save),
              kwargs={"success": t("fund_pages.funds.removed_saved")})


# --- income ------------------------------------------------------------------------------------------------------

def income_form(ctx: PageContext, fund: dict) -> None:
    """登记收入: the day received, source, payer, amount typed in yuan, note and receipt files."""
    form = INCOME_FORM
    form_message(form)
    sources = source_labels(ctx)
    c1, c2, c3 = st.columns([1, 1, 1])
    with c1:
        date_field(t("fund_pages.income.received_on"), key=widget_key(form, "received_on"), value=clock.today())
        field_error(form, "received_on")
    with c2:
        st.selectbox(t("fund_pages.income.source"), list(sources), key=widget_key(form, "source"), index=None,
                     format_func=sources.get, placeholder=t("common.choose"))
        field_error(form, "source")
    with c3:
        st.text_input(t("fund_pages.income.amount"), key=widget_key(form, "amount"), placeholder="1500.00",
                      help=t("fund_pages.amount_help"))
        field_error(form, "amount")
    st.text_input(t("fund_pages.income.payer"), key=widget_key(form, "payer"),
                  placeholder=t("fund_pages.income.payer_placeholder"))
    field_error(form, "payer")
    st.text_area(t("fund_pages.income.note"), key=widget_key(form, "note"), height=70)
    field_error(form, "note")
    files_field(ctx, form, t("fund_pages.income.receipts"))

    def save(values: dict):
        return income_writes.record_income(ctx.engine, actor=ctx.actor, settings=ctx.settings, fund_id=fund["id"],
                                           data=values)

    st.button(t("fund_pages.income.save"), key=f"{form}_go", type="primary", icon=":material/add:", on_click=submit,
              args=(form, ["received_on", "source", "payer", "amount", "note", "files"], save),
              kwargs={"success": lambda e: t("fund_pages.income.saved", amount=money(e.amount_fen),
                                             payer=md_escape(e.payer))})


def reverse_key(entry: dict) -> str:
    return f"fund_reverse_{entry['id']}"


def reverse_form(ctx: PageContext, entry: dict) -> None:
    """冲正: a reversing entry with its reason, after ticking the confirmation; never an edit of the entry. Its message
    is shown by the page (form_message(reverse_key(entry))), as the form goes once the entry is reversed."""
    form = reverse_key(entry)
    st.text_area(t("fund_pages.income.reason"), key=widget_key(form, "reason"), height=70,
                 placeholder=t("fund_pages.income.reason_placeholder"))
    field_error(form, "reason")
    sure = confirm_box(form, t("fund_pages.income.reverse_confirm", amount=money(entry["amount_fen"]),
                               payer=md_escape(entry["payer"]), day=day(entry["received_on"])))
    st.button(t("fund_pages.income.reverse"), key=f"{form}_go", icon=":material/undo:", disabled=not sure,
              on_click=submit, args=(form, ["reason"], lambda v: income_writes.reverse_income(
                  ctx.engine, actor=ctx.actor, income_id=entry["id"], data=v)),
              kwargs={"success": lambda e: t("fund_pages.income.reversed_saved", amount=money(e.amount_fen))})


# --- a spending request ------------------------------------------------------------------------------------------

def decision_text(row: dict) -> str:
    """A council decision as an option: day, its words (shortened), and whether its notice is over."""
    words = row["text"] if len(row["text"]) <= 48 else row["text"][:47] + "…"
    state = t("fund_pages.decision.notice_over") if row["notice_over"] else \
        t("fund_pages.decision.in_notice", until=day(row["notice_end"]))
    return f"{day(row['decided_on'])} {words}（{state}）"


def decision_box(ctx: PageContext, form: str, fund_id: int, *, optional: bool) -> bool:
    """The passed decisions of the fund's council to choose from; False (with what to do) when there is none."""
    rows = cached.read(ctx.engine, "fund_decisions", actor=ctx.actor, fund_id=fund_id)
    if not rows:
        st.caption(t("fund_pages.decision.none"))
        return False
    found = {r["id"]: decision_text(r) for r in rows}
    key = widget_key(form, "decision_id")
    if st.session_state.get(key) not in (None, *found):
        st.session_state.pop(key)
    st.selectbox(t("fund_pages.decision.optional" if optional else "fund_pages.decision.label"), list(found),
                 key=key, index=None, format_func=found.get, placeholder=t("fund_pages.decision.placeholder"))
    field_error(form, "decision_id")
    return True


def rule_preview(ctx: PageContext, typed: object) -> None:
    """The rule the typed amount will need, under the amount."""
    fen, problem = fen_of(typed) if typed else (None, "empty")
    if problem or fen is None or fen <= 0:
        st.caption(t("fund_pages.spending.rule_hint"))
        return
    tier = tier_for(fen, ctx.settings.fund.cosign)
    st.caption(t("fund_pages.spending.rule_for", amount=money(fen), rule=rule_text(tier.approvals, tier.decision)))


def request_form(ctx: PageContext, fund: dict, *, on_saved) -> None:
    """提出支出申请 (a co-manager): purpose, amount typed in yuan, payee, what it is for, quotes or invoices, and the
    council decision it rests on (optional; a large spending is paid only with one)."""
    form = REQUEST_FORM
    form_message(form)
    purposes = purpose_labels(ctx)
    c1, c2 = st.columns(2)
    with c1:
        st.selectbox(t("fund_pages.spending.purpose"), list(purposes), key=widget_key(form, "purpose"), index=None,
                     format_func=purposes.get, placeholder=t("common.choose"))
        field_error(form, "purpose")
    with c2:
        typed = st.text_input(t("fund_pages.spending.amount"), key=widget_key(form, "amount"), placeholder="480.00",
                              help=t("fund_pages.amount_help"))
        field_error(form, "amount")
        rule_preview(ctx, typed)
    st.text_input(t("fund_pages.spending.payee"), key=widget_key(form, "payee"),
                  placeholder=t("fund_pages.spending.payee_placeholder"))
    field_error(form, "payee")
    st.text_area(t("fund_pages.spending.detail"), key=widget_key(form, "detail"), height=80,
                 placeholder=t("fund_pages.spending.detail_placeholder"))
    field_error(form, "detail")
    files_field(ctx, form, t("fund_pages.spending.quotes"))
    has_decisions = decision_box(ctx, form, fund["id"], optional=True)
    fields = ["purpose", "amount", "payee", "detail", "files", *(["decision_id"] if has_decisions else [])]

    def save(values: dict):
        request = spending_writes.request_spending(ctx.engine, actor=ctx.actor, settings=ctx.settings,
                                                   fund_id=fund["id"], data=values)
        on_saved(request.id)
        return request

    st.button(t("fund_pages.spending.submit"), key=f"{form}_go", type="primary", icon=":material/send:",
              on_click=submit, args=(form, fields, save),
              kwargs={"success": lambda r: t("fund_pages.spending.submitted", number=md_escape(r.number))})
