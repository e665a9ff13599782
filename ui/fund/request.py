"""One spending request on the spending page: the request in the page's address (?request=), the cards of what waits
for the actor (their signature, or a payment to record), and the request's panel: its facts, rule and where it
stands, signatures, council decision, files, timeline, and the forms the record says the actor may use now (sign,
link a decision, withdraw, pay)."""

from __future__ import annotations

import streamlit as st

from data_access import clock
from data_access.fund import spending as writes
from domain.errors import DomainError
from domain.fund.rules import Standing
from ui import cached
from ui.context import PageContext
from ui.format import day, money, when
from ui.forms import date_field, field_error, form_message, submit, widget_key
from ui.fund.common import event_label, purpose_labels, status_label
from ui.fund.forms import confirm_box, decision_box, downloads, files_field
from ui.fund.tables import fact_lines, rule_text
from ui.i18n import join, md_escape, t

PARAM = "request"
ACTIONS = ("sign", "pay", "link", "withdraw")
STATUS_TONES = {"pending": "orange", "paid": "green", "rejected": "red", "withdrawn": "gray"}


# --- the request in the address ----------------------------------------------------------------------------------

def from_address(key: str) -> int | None:
    """The request named by the address (?request=) when this session did not put it there (a link from the
    overview, a bookmark, a reload): the page opens it."""
    asked = str(st.query_params.get(PARAM, ""))
    if not asked.isdigit() or asked == st.session_state.get(f"{key}__address"):
        return None
    st.session_state[f"{key}__address"] = asked
    return int(asked)


def show_in_address(key: str, request_id: int | None) -> None:
    """Mirror the open request into the address, so that it can be reloaded, bookmarked and shared."""
    if request_id is None:
        st.query_params.pop(PARAM, None)
        st.session_state.pop(f"{key}__address", None)
    else:
        st.query_params[PARAM] = str(int(request_id))
        st.session_state[f"{key}__address"] = str(int(request_id))


def record(ctx: PageContext, request_id: int | None) -> dict | None:
    """The request's record, or None when there is none the actor may read."""
    if request_id is None:
        return None
    try:
        return cached.read(ctx.engine, "fund_request", actor=ctx.actor, request_id=request_id)
    except DomainError:
        return None


# --- what waits for the actor ------------------------------------------------------------------------------------

def waiting(ctx: PageContext, fund_id: int) -> tuple[list[dict], list[dict]]:
    """The fund's pending requests that wait for the actor's signature, and those the actor may pay now."""
    found = cached.read(ctx.engine, "fund_queue", actor=ctx.actor, fund_id=fund_id)
    return found["to_sign"], found["to_pay"]


def cards(ctx: PageContext, records: list[dict], *, title: str, button: str, open_request) -> None:
    """The requests as cards that fit a phone, each with a button that opens it below."""
    if not records:
        return
    st.subheader(title)
    purposes = purpose_labels(ctx)
    for columns_start in range(0, len(records), 3):
        row = records[columns_start:columns_start + 3]
        for column, item in zip(st.columns(3), row, strict=False):
            request, stand = item["request"], item["standing"]
            with column, st.container(border=True, key=f"fund_card_{request.id}"):
                st.markdown(f"**{money(request.amount_fen)}** · {purposes.get(request.purpose, request.purpose)}")
                st.markdown(md_escape(request.detail))
                st.caption(t("fund_pages.request.card_line", number=md_escape(request.number or ""),
                             requester=md_escape(item["requester"]), payee=md_escape(request.payee),
                             approved=len(stand.approved_by), needed=stand.needed))
                st.button(button, key=f"fund_card_open_{request.id}", width="stretch", icon=":material/draw:",
                          on_click=open_request, args=(request.id,))


# --- one request's panel -----------------------------------------------------------------------------------------

def status_badge(status: str) -> str:
    return f":{STATUS_TONES.get(status, 'gray')}-badge[{status_label(status)}]"


def decision_line(item: dict) -> str:
    """The council decision the request rests on, or what it still needs."""
    decision, request = item["decision"], item["request"]
    if decision is not None:
        over = decision["notice_end"] is not None and decision["notice_end"] < clock.today()
        state = t("fund_pages.decision.notice_over") if over and decision["status"] == "passed" else \
            t("fund_pages.decision.in_notice", until=day(decision["notice_end"]))
        return t("fund_pages.request.decision_is", text=md_escape(decision["text"]),
                 day=day(decision["decided_on"]), state=state)
    return t("fund_pages.request.decision_missing") if request.needs_decision else t("common.none")


def standing_text(item: dict) -> str:
    """Where a pending request stands: who is still to sign and how many approvals it lacks, or that its signatures
    are complete (and whether it still waits for its decision)."""
    stand: Standing = item["standing"]
    if stand.short:
        names = join(md_escape(n) for n in item["waiting_for"]) or t("common.none")
        return t("fund_pages.request.still_short", names=names, short=stand.short)
    if stand.needs_decision and not stand.decision_ok:
        return t("fund_pages.request.signed_wait_decision")
    return t("fund_pages.request.rule_met")


def facts(ctx: PageContext, item: dict) -> None:
    request, stand = item["request"], item["standing"]
    m1, m2, m3 = st.columns(3)
    m1.metric(t("fund_pages.request.amount"), money(request.amount_fen))
    m2.metric(t("fund_pages.request.approved"), f"{len(stand.approved_by)} / {stand.needed}")
    m3.metric(t("fund_pages.request.balance"), money(item["fund"]["balance_fen"]))
    lines = [
        (t("fund_pages.request.payee"), md_escape(request.payee)),
        (t("fund_pages.request.detail"), md_escape(request.detail)),
        (t("fund_pages.request.requester"), t("fund_pages.request.requested_by", name=md_escape(item["requester"]),
                                              at=when(request.requested_at))),
        (t("fund_pages.request.rule"), rule_text(request.approvals_needed, request.needs_decision)),
    ]
    if request.status == "pending":
        lines.append((t("fund_pages.request.standing"), standing_text(item)))
    if request.needs_decision or item["decision"] is not None:
        lines.append((t("fund_pages.request.decision"), decision_line(item)))
    if request.status == "paid":
        lines.append((t("fund_pages.request.paid"), t("fund_pages.request.paid_line", day=day(request.paid_on),
                                                      voucher=md_escape(request.voucher or ""),
                                                      name=md_escape(item["paid_by"] or ""))))
    if request.status in ("rejected", "withdrawn") and request.closed_reason:
        lines.append((t(f"fund_pages.request.closed_{request.status}"), md_escape(request.closed_reason)))
    st.markdown(fact_lines(lines))
    if request.status == "pending" and request.needs_decision and not stand.decision_ok:
        st.warning(t("fund_pages.request.needs_decision"), icon=":material/gavel:")


def signatures(item: dict) -> None:
    st.markdown(f"**{t('fund_pages.request.signatures')}**")
    if not item["signatures"]:
        st.caption(t("fund_pages.request.no_signatures"))
        return
    for sig in item["signatures"]:
        icon = ":material/check_circle:" if sig["choice"] == "approve" else ":material/cancel:"
        choice = t(f"fund_pages.request.choice_{sig['choice']}")
        counted = "" if sig["counts"] else t("fund_pages.request.not_counted")
        comment = t("fund_pages.request.comment_is", comment=md_escape(sig["comment"])) if sig["comment"] else ""
        st.markdown(f"{icon} **{md_escape(sig['name'])}** {choice} · {when(sig['at'])}{counted}{comment}")


def timeline(item: dict) -> None:
    for step in item["timeline"]:
        note = f" · {md_escape(step['note'])}" if step["note"] else ""
        st.markdown(f"- {when(step['at'])} · **{event_label(step['action'])}** · {md_escape(step['by'])}{note}")


def panel(ctx: PageContext, item: dict, *, on_close) -> None:
    """The request's panel; `on_close` forgets it."""
    request = item["request"]
    purposes = purpose_labels(ctx)
    with st.container(border=True, key="fund_request_panel"):
        h1, h2 = st.columns([6, 1])
        with h1:
            st.subheader(f"{md_escape(request.number or '')} · {purposes.get(request.purpose, request.purpose)}")
            st.markdown(f"{status_badge(request.status)} {md_escape(item['fund']['name'])}")
        with h2:
            st.button(t("fund_pages.request.close"), key="fund_request_close", icon=":material/close:",
                      on_click=on_close)
        facts(ctx, item)
        signatures(item)
        if item["files"] or item["payment_files"]:
            st.markdown(f"**{t('fund_pages.request.files')}**")
            downloads(ctx, item["files"] + item["payment_files"], key=f"fund_request_file_{request.id}")
        actions(ctx, item)
        with st.expander(t("fund_pages.request.timeline"), icon=":material/history:",
                         expanded=request.status != "pending"):
            timeline(item)


def why_not_payable(item: dict) -> str:
    """Why a worker cannot pay a pending request yet, in the words the payment would be refused with."""
    stand: Standing = item["standing"]
    request = item["request"]
    if stand.needs_decision and not stand.decision_ok:
        return t("fund_error.decision_missing")
    if not stand.met:
        return t("fund_error.not_approved", short=stand.short)
    if request.amount_fen > item["fund"]["balance_fen"]:
        return t("fund_error.balance_too_low")
    return ""


def actions(ctx: PageContext, item: dict) -> None:
    """The forms the record allows the actor now, as tabs; otherwise a line saying why there is none."""
    request = item["request"]
    for form in ACTIONS:  # shown here: once saved, the form that saved may no longer be offered
        form_message(f"fund_{form}_{request.id}")
    tabs = []
    if item["may_sign"]:
        tabs.append((t("fund_pages.request.tab_sign"), lambda: sign_form(ctx, item)))
    if item["may_pay"]:
        tabs.append((t("fund_pages.request.tab_pay"), lambda: pay_form(ctx, item)))
    if item["may_link"]:
        tabs.append((t("fund_pages.request.tab_link"), lambda: link_form(ctx, item)))
    if item["may_withdraw"]:
        tabs.append((t("fund_pages.request.tab_withdraw"), lambda: withdraw_form(ctx, item)))
    pending = request.status == "pending"
    if pending and request.requester_id == ctx.actor.id:
        st.info(t("fund_pages.request.own_request"), icon=":material/info:")
    elif pending and ctx.can("fund.pay", item["fund"]["community_id"]) and not item["may_pay"]:
        st.info(why_not_payable(item), icon=":material/hourglass_top:")
    elif not tabs:
        st.caption(t("fund_pages.request.nothing_for_you" if pending else "fund_pages.request.closed"))
    if not tabs:
        return
    for tab, (_, draw) in zip(st.tabs([name for name, _ in tabs]), tabs, strict=True):
        with tab:
            draw()


def sign_form(ctx: PageContext, item: dict) -> None:
    """签字: approve, or reject with a comment (required)."""
    request = item["request"]
    form = f"fund_sign_{request.id}"
    st.radio(t("fund_pages.request.choice"), ["approve", "reject"], key=widget_key(form, "choice"), horizontal=True,
             index=None, format_func=lambda c: t(f"fund_pages.request.choice_{c}"))  # chosen, never a default
    field_error(form, "choice")
    st.text_area(t("fund_pages.request.comment"), key=widget_key(form, "comment"), height=70,
                 placeholder=t("fund_pages.request.comment_placeholder"))
    field_error(form, "comment")
    st.button(t("fund_pages.request.sign"), key=f"{form}_go", type="primary", icon=":material/draw:",
              on_click=submit, args=(form, ["choice", "comment"], lambda v: writes.sign(
                  ctx.engine, actor=ctx.actor, request_id=request.id, data=v)),
              kwargs={"success": lambda r: t("fund_pages.request.signed_rejected" if r.status == "rejected"
                                             else "fund_pages.request.signed_approved")})


def link_form(ctx: PageContext, item: dict) -> None:
    """关联议事会决议: a passed decision of the fund's council (its notice must be over before payment)."""
    request = item["request"]
    form = f"fund_link_{request.id}"
    st.caption(t("fund_pages.request.link_hint"))
    if not decision_box(ctx, form, item["fund"]["id"], optional=False):
        return
    st.button(t("fund_pages.request.link"), key=f"{form}_go", type="primary", icon=":material/gavel:",
              on_click=submit, args=(form, ["decision_id"], lambda v: writes.link_decision(
                  ctx.engine, actor=ctx.actor, request_id=request.id, decision_id=v["decision_id"])),
              kwargs={"success": t("fund_pages.request.linked")})


def withdraw_form(ctx: PageContext, item: dict) -> None:
    """撤回: with a reason, after ticking the confirmation."""
    request = item["request"]
    form = f"fund_withdraw_{request.id}"
    st.text_area(t("fund_pages.request.reason"), key=widget_key(form, "reason"), height=70)
    field_error(form, "reason")
    sure = confirm_box(form, t("fund_pages.request.withdraw_confirm", number=md_escape(request.number or "")))
    st.button(t("fund_pages.request.withdraw"), key=f"{form}_go", icon=":material/undo:", disabled=not sure,
              on_click=submit, args=(form, ["reason"], lambda v: writes.withdraw(
                  ctx.engine, actor=ctx.actor, request_id=request.id, data=v)),
              kwargs={"success": t("fund_pages.request.withdrawn")})


def pay_form(ctx: PageContext, item: dict) -> None:
    """登记付款 (fund.pay): the day paid, the voucher number and the voucher's file."""
    request = item["request"]
    form = f"fund_pay_{request.id}"
    st.caption(t("fund_pages.request.pay_hint", amount=money(request.amount_fen), payee=md_escape(request.payee)))
    c1, c2 = st.columns(2)
    with c1:
        date_field(t("fund_pages.request.paid_on"), key=widget_key(form, "paid_on"), value=clock.today())
        field_error(form, "paid_on")
    with c2:
        st.text_input(t("fund_pages.request.voucher"), key=widget_key(form, "voucher"),
                      placeholder=t("fund_pages.request.voucher_placeholder"))
        field_error(form, "voucher")
    files_field(ctx, form, t("fund_pages.request.voucher_files"))
    st.button(t("fund_pages.request.pay"), key=f"{form}_go", type="primary", icon=":material/payments:",
              on_click=submit, args=(form, ["paid_on", "voucher", "files"], lambda v: writes.pay(
                  ctx.engine, actor=ctx.actor, settings=ctx.settings, request_id=request.id, data=v)),
              kwargs={"success": lambda r: t("fund_pages.request.paid_saved", number=md_escape(r.number or ""),
                                             amount=money(r.amount_fen))})

