"""Claims and progress (认领与进度): the items still to claim, the claims of my unit (a unit's representative) or of
every unit (the secretary), and for a chosen claim its history, the progress form and the withdrawal."""

import math

import pandas as pd
import streamlit as st

from data_access import clock
from data_access.committee.meetings import progress_file
from data_access.committee.writes import claim_item, claim_project, record_progress, withdraw_claim
from domain.committee.rules import PERCENT, QUANTITY, may_act_for_unit
from ui import cached, widgets
from ui.committee import common as cui
from ui.context import export_actor, page_context
from ui.format import num, pct
from ui.forms import date_field, errors_key, field_error, form_message, submit, widget_key
from ui.i18n import md_escape, t

CLAIM = "claim_new"
CLAIM_PROJECT = "claim_project"
SELECTED = "claims_selected"
MINE = "claims_mine"
STATUSES = ["active", "withdrawn", "all"]

ctx = page_context()
ctx.require("committee.read")
today = clock.today()
size = ctx.settings.page_size
tolerance = ctx.settings.committee.behind_tolerance
exclusive = ctx.settings.committee.exclusive
st.title(t("claims.title"))
st.caption(t("claims.intro_exclusive") if exclusive else t("claims.intro_shared"))

c1, c2 = st.columns([3, 1])
with c1:
    community = cui.community_picker(ctx, "claims_community")
with c2:
    year = cui.year_picker("claims_year")
manage = ctx.can("committee.manage", community)
units = cached.read(ctx.engine, "committee_units", actor=ctx.actor, community_id=community, year=year)
active_units = units[units["active"].astype(bool)] if not units.empty else units
own = {int(r.id): str(r.name) for r in active_units.itertuples()
       if widgets.known(r.representative_id) and int(r.representative_id) == ctx.actor.id}
# the units the actor may claim for: all active ones with committee.manage, else those they represent
claimable_units = {int(r.id): str(r.name) for r in active_units.itertuples()} if manage else \
    (own if ctx.can("committee.claim", community) else {})


def key(form: str, field: str) -> str:
    return widget_key(form, field)


def has_errors(form: str) -> bool:
    return bool(st.session_state.get(errors_key(form)))


def unit_choice(form: str) -> None:
    st.selectbox(t("cfield.unit"), list(claimable_units), format_func=claimable_units.get, key=key(form, "unit_id"),
                 index=0 if len(claimable_units) == 1 else None, placeholder=t("common.choose"))
    field_error(form, "unit_id")


# --- items still to claim ----------------------------------------------------------------------------------------

st.subheader(t("claims.open_items") if exclusive else t("claims.open_items_shared"))
form_message(CLAIM)  # here, as the claimed item leaves the list (and the form, with the last one)
form_message(CLAIM_PROJECT)
show = "unclaimed" if exclusive else "all"
page_key = "claims_items_page"
items, total = cached.read(ctx.engine, "committee_items", actor=ctx.actor, community_ids=(community,), year=year,
                           show=show, today=today, offset=widgets.page_offset(page_key, size), limit=size,
                           tolerance=tolerance)
if not exclusive and not items.empty:
    items = items[~items["complete"].astype(bool)]  # shared claims: what is complete is no longer open
if items.empty:
    st.success(t("claims.no_open_items", year=year), icon=":material/task_alt:")
else:
    widgets.pager(total, size, page_key, len(items))
    item_names = {int(i): f"{p} · {n}" for i, p, n in zip(items["id"], items["project"], items["name"], strict=True)}
    item_ids = list(item_names)

    def on_item_select() -> None:
        rows = st.session_state["claims_items_table"].selection.rows
        if rows and rows[0] < len(item_ids):
            st.session_state[key(CLAIM, "item_id")] = item_ids[rows[0]]

    if not claimable_units:
        cui.items_table(items, key="claims_items_table")
    else:
        st.caption(t("claims.pick_hint"))
        cui.items_table(items, key="claims_items_table", on_select=on_item_select)
        with st.container(border=True):
            st.markdown(f"**{t('claims.claim_item')}**")
            k1, k2, k3 = st.columns([3, 2, 1])
            with k1:
                st.selectbox(t("cfield.item"), item_ids, format_func=item_names.get, key=key(CLAIM, "item_id"),
                             index=None, placeholder=t("common.choose"))
                field_error(CLAIM, "item_id")
            with k2:
                unit_choice(CLAIM)
            with k3:
                if exclusive:  # one unit answers for the whole (rest of the) target: nothing to choose
                    st.caption(t("claims.pledge_help_exclusive"))
                else:
                    st.number_input(t("cfield.pledge"), value=None, min_value=float(QUANTITY.low),
                                    max_value=float(QUANTITY.high), step=1.0,
                                    key=key(CLAIM, "pledge"), help=t("claims.pledge_help_shared"))
                    field_error(CLAIM, "pledge")

            def claim(values: dict):
                widgets.require_chosen(values, "item_id", "unit_id")
                return claim_item(ctx.engine, actor=ctx.actor, settings=ctx.settings, item_id=values["item_id"],
                                  unit_id=values["unit_id"], pledge=None if exclusive else values["pledge"])

            st.button(t("claims.claim"), key="claim_new_save", type="primary", icon=":material/back_hand:",
                      on_click=submit, args=(CLAIM, ["item_id", "unit_id", "pledge"], claim),
                      kwargs={"success": lambda c: t("claims.claimed", pledge=num(c.pledge, "#,##0.##"))})

if claimable_units:
    projects = cached.read(ctx.engine, "committee_projects", actor=ctx.actor, community_id=community, year=year)
    open_projects = {int(r.id): str(r.name) for r in projects.itertuples()
                     if r.items and (r.claimed_items < r.items or not exclusive) and r.complete_items < r.items}
    if open_projects:
        with st.expander(t("claims.claim_project"), expanded=has_errors(CLAIM_PROJECT), icon=":material/select_all:"):
            st.caption(t("claims.claim_project_hint"))
            p1, p2 = st.columns([3, 2])
            with p1:
                st.selectbox(t("cfield.project"), list(open_projects), format_func=open_projects.get,
                             key=key(CLAIM_PROJECT, "project_id"), index=None, placeholder=t("common.choose"))
                field_error(CLAIM_PROJECT, "project_id")
            with p2:
                unit_choice(CLAIM_PROJECT)

            def claim_all(values: dict):
                widgets.require_chosen(values, "project_id", "unit_id")
                return claim_project(ctx.engine, actor=ctx.actor, settings=ctx.settings,
                                     project_id=values["project_id"], unit_id=values["unit_id"])

            st.button(t("claims.claim_project_save"), key="claim_project_save", icon=":material/back_hand:",
                      on_click=submit, args=(CLAIM_PROJECT, ["project_id", "unit_id"], claim_all),
                      kwargs={"success": lambda claims: t("claims.project_claimed", count=len(claims))})
elif not manage and ctx.can("committee.claim", community):
    st.info(t("claims.not_a_representative"), icon=":material/info:")

# --- the claims --------------------------------------------------------------------------------------------------

st.subheader(t("claims.claims"))
f1, f2 = st.columns(2)
with f1:
    if own and not manage:
        mine = st.toggle(t("claims.only_mine"), value=True, key=MINE)
    else:
        mine = False
    unit_options = own if mine else {int(r.id): str(r.name) for r in units.itertuples()}
    unit_filter = widgets.filter_box(t("cfield.unit"), unit_options, "claims_unit",
                                 t("claims.my_units") if mine else t("common.all"))
with f2:
    status = st.segmented_control(t("cfield.status"), STATUSES, default="active", key="claims_status", required=True,
                                  format_func=lambda s: t(f"cfield.claim_{s}"))
if mine and unit_filter is None:
    parts = [cached.read(ctx.engine, "committee_claims", actor=ctx.actor, community_id=community, unit_id=u,
                         status=status, year=year, today=today, tolerance=tolerance) for u in own]
    claims = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
else:
    claims = cached.read(ctx.engine, "committee_claims", actor=ctx.actor, community_id=community, unit_id=unit_filter,
                         status=status, year=year, today=today, tolerance=tolerance)

claim_ids = [int(i) for i in claims["id"]]


def on_claim_select() -> None:
    rows = st.session_state["claims_table"].selection.rows
    st.session_state[SELECTED] = claim_ids[rows[0]] if rows and rows[0] < len(claim_ids) else None


def claim_state(status: str, behind: bool, share: float) -> str:
    if status != "active":
        return t("cfield.claim_withdrawn")
    if share >= 1:
        return t("cfield.state_complete")
    return t("cfield.state_behind") if behind else t("cfield.state_on_track")


if claims.empty:
    st.info(t("claims.none_mine") if mine else t("claims.none", year=year), icon=":material/info:")
else:
    behind = int(claims["behind"].sum())
    st.caption(t("claims.count", count=len(claims), behind=behind) + " · " + t("claims.select_hint"))
    view = pd.DataFrame({
        "unit": claims["unit"], "project": claims["project"], "item": claims["item"],
        "pledge": [f"{num(p, '#,##0.##')} {u}" for p, u in zip(claims["pledge"], claims["unit_label"], strict=True)],
        "done": [num(d, "#,##0.##") for d in claims["done"]], "share": claims["share"],
        "last_update": [widgets.day_or_none(v) for v in claims["last_update_on"]],
        "state": [claim_state(s, b, f) for s, b, f in zip(claims["status"], claims["behind"], claims["share"],
                                                          strict=True)]})
    st.dataframe(view, hide_index=True, width="stretch", key="claims_table", on_select=on_claim_select,
                 selection_mode="single-row", column_config={
                     "unit": t("cfield.unit"), "project": t("cfield.project"), "item": t("cfield.item"),
                     "pledge": t("cfield.pledge"), "done": t("cfield.done"),
                     "share": widgets.share_column(t("cfield.share")), "last_update": t("cfield.last_update"),
                     "state": t("cfield.state")})

# --- the chosen claim --------------------------------------------------------------------------------------------

selected = st.session_state.get(SELECTED)
if selected not in claim_ids:
    if selected is not None:  # e.g. just withdrawn, and only active claims are listed: say so here
        form_message(f"withdraw_{selected}")
        form_message(f"progress_{selected}")
        st.session_state.pop(SELECTED, None)
    if not claims.empty:
        st.info(t("claims.choose"), icon=":material/touch_app:")
    st.stop()

claim = claims.iloc[claim_ids.index(selected)]
cid = int(claim["id"])
st.divider()
head, close = st.columns([5, 1])
with head:
    st.subheader(t("claims.claim_title", unit=md_escape(claim["unit"]), item=md_escape(claim["item"])))
    label = md_escape(widgets.text_or_empty(claim["unit_label"]))
    facts = [t("claims.fact_project", project=md_escape(claim["project"])),
             t("claims.fact_pledge", pledge=num(claim["pledge"], "#,##0.##"), unit=label,
               target=num(claim["target"], "#,##0.##")),
             t("claims.fact_done", done=num(claim["done"], "#,##0.##"), share=pct(claim["share"])),
             t("claims.fact_period", start=widgets.day_or_none(claim["period_start"]),
               end=widgets.day_or_none(claim["period_end"])),
             t("claims.fact_claimed_on", day=widgets.day_or_none(claim["claimed_on"]))]
    st.caption(" · ".join(facts))
    if claim["status"] != "active":
        st.warning(t("claims.withdrawn_note", day=widgets.day_or_none(claim["withdrawn_on"]),
                     reason=md_escape(widgets.text_or_empty(claim["withdraw_reason"]))), icon=":material/undo:")
    elif claim["behind"]:
        st.warning(t("claims.behind_note"), icon=":material/schedule:")
with close:
    if st.button(t("claims.close"), key=f"claims_close_{cid}", icon=":material/close:"):
        st.session_state.pop(SELECTED, None)
        st.session_state.pop("claims_table", None)
        st.rerun()

representative = int(claim["representative_id"]) if widgets.known(claim["representative_id"]) else None
may_act = claim["status"] == "active" and may_act_for_unit(ctx.actor, "committee.claim", community, representative)
PROGRESS = f"progress_{cid}"
WITHDRAW = f"withdraw_{cid}"
for form in (PROGRESS, WITHDRAW):  # the outcome of the last save, also once the claim has changed
    form_message(form)

if may_act:
    progress_tab, withdraw_tab, history_tab = st.tabs([t("claims.progress"), t("claims.withdraw"),
                                                       t("claims.history")])
    with progress_tab:
        c1, c2 = st.columns(2)
        with c1:
            date_field(t("cfield.on"), value=today, key=key(PROGRESS, "on"))
            field_error(PROGRESS, "on")
        with c2:
            mode = st.radio(t("claims.mode"), ["done", "percent"], horizontal=True, key=key(PROGRESS, "mode"),
                            format_func=lambda m: t(f"claims.mode_{m}", unit=label))
        if mode == "done":
            st.number_input(t("claims.done_label", unit=label, pledge=num(claim["pledge"], "#,##0.##")),
                            value=None, min_value=float(QUANTITY.low), max_value=float(QUANTITY.high), step=1.0,
                            key=key(PROGRESS, "done"), placeholder=num(claim["done"], "0.##"),
                            help=t("claims.done_help"))
            field_error(PROGRESS, "done")
        else:
            st.number_input(t("claims.percent_label"), value=None, min_value=float(PERCENT.low),
                            max_value=float(PERCENT.high), step=5.0, key=key(PROGRESS, "percent"),
                            placeholder=f"{claim['share'] * 100:.0f}")
            field_error(PROGRESS, "percent")
            field_error(PROGRESS, "done")
        st.text_area(t("cfield.note"), key=key(PROGRESS, "note"), height=80,
                     placeholder=t("claims.note_placeholder"))
        field_error(PROGRESS, "note")
        st.file_uploader(t("claims.file", mb=ctx.settings.committee.max_file_mb), key=key(PROGRESS, "file"),
                         type=["jpg", "jpeg", "png", "pdf", "doc", "docx", "xls", "xlsx"],
                         max_upload_size=max(1, math.ceil(ctx.settings.committee.max_file_mb)))
        field_error(PROGRESS, "file_data")
        field_error(PROGRESS, "file_name")

        def save_progress(values: dict):
            upload = values.pop("file")
            if values.pop("mode") == "percent":
                values.pop("done", None)
            else:
                values.pop("percent", None)
            if upload is not None:
                values |= {"file_name": upload.name, "file_type": upload.type, "file_data": upload.getvalue()}
            return record_progress(ctx.engine, actor=ctx.actor, settings=ctx.settings, claim_id=cid, data=values)

        st.button(t("claims.progress_save"), key=f"{PROGRESS}_save", type="primary", icon=":material/save:",
                  on_click=submit, args=(PROGRESS, ["on", "mode", "done", "percent", "note", "file"], save_progress),
                  kwargs={"success": lambda u: t("claims.progress_saved", done=num(u.done, "#,##0.##"),
                                                 day=widgets.day_or_none(u.on))})
    with withdraw_tab:
        st.caption(t("claims.withdraw_hint"))
        st.text_area(t("cfield.reason"), key=key(WITHDRAW, "reason"), height=80)
        field_error(WITHDRAW, "reason")
        st.button(t("claims.withdraw_save"), key=f"{WITHDRAW}_save", icon=":material/undo:", on_click=submit,
                  args=(WITHDRAW, ["reason"], lambda v: withdraw_claim(ctx.engine, actor=ctx.actor, claim_id=cid,
                                                                       reason=v["reason"])),
                  kwargs={"success": t("claims.withdrawn")})
else:
    history_tab = st.container()
    if claim["status"] == "active":
        st.caption(t("claims.read_only_other") if ctx.can("committee.claim", community) else t("common.read_only"))

with history_tab:
    st.markdown(f"**{t('claims.history')}**")
    history = cached.read(ctx.engine, "committee_claim_history", actor=ctx.actor, claim_id=cid)
    if history.empty:
        st.info(t("claims.no_history"), icon=":material/info:")
    else:
        st.dataframe(pd.DataFrame({
            "on": [widgets.day_or_none(v) for v in history["on"]],
            "done": [num(d, "#,##0.##") for d in history["done"]],
            "note": history["note"].fillna(""), "file_name": history["file_name"].fillna(""),
            "meeting": [t("claims.at_meeting") if widgets.known(m) else "" for m in history["meeting_id"]],
            "by": history["by"].fillna(t("common.none"))}), hide_index=True, width="stretch",
            key=f"claims_history_{cid}", column_config={
                "on": t("cfield.on"), "done": t("cfield.done"),
                "note": st.column_config.TextColumn(t("cfield.note"), width="large"), "file_name": t("cfield.file"),
                "meeting": t("claims.meeting"), "by": t("claims.by")})
        checked = export_actor(ctx)
        for update_id, name in zip(history["id"], history["file_name"], strict=True):
            if widgets.known(name):  # the file is read on click, as the session stands then
                st.download_button(t("claims_file.download", name=md_escape(name)), key=f"claims_file_{update_id}",
                                   data=lambda u=int(update_id): (progress_file(ctx.engine, actor=checked(),
                                                                                update_id=u) or ("", "", b""))[2],
                                   file_name=name, icon=":material/attach_file:")
