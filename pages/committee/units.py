"""Member units and co-building agreements (成员单位与共建协议): the units of a community's committee, adding and
changing them, the agreed order of the rotating chair, and each unit's agreement for the year (who has not signed)."""

import pandas as pd
import streamlit as st

from data_access import clock
from data_access.committee.writes import save_agreement, save_unit, set_rotation
from domain.committee.rules import AGREEMENT_STATUSES, PARTY_MEMBERS
from domain.fields import YEARS
from ui import cached, widgets
from ui.committee import common as cui
from ui.context import page_context
from ui.format import num
from ui.forms import date_field, errors_key, field_error, form_message, number_bounds, submit, widget_key
from ui.i18n import join, md_escape, t

NEW = "unit_new"
UNIT_FIELDS = ["name", "kind", "party_org", "liaison", "liaison_phone", "party_members", "volunteer_team",
               "speciality", "representative_id", "joined_on", "left_on"]
SELECTED = "units_selected"
AGREEMENT_NEW = "agreement_new"
AGREEMENT_FIELDS = ["unit_id", "year", "status", "signed_on", "commitments"]
AGREEMENT_SELECTED = "units_agreement_selected"
ROTATION = "rotation"

ctx = page_context()
ctx.require("committee.read")
today = clock.today()
st.title(t("units.title"))
st.caption(t("units.intro"))

c1, c2 = st.columns([3, 1])
with c1:
    community = cui.community_picker(ctx, "units_community")
with c2:
    year = cui.year_picker("units_year")
manage = ctx.can("committee.manage", community)
may_see_phone = ctx.can("personal.view", community)
kinds = cui.kind_labels(ctx)
units = cached.read(ctx.engine, "committee_units", actor=ctx.actor, community_id=community, year=year)
reps = cached.read(ctx.engine, "committee_representatives", actor=ctx.actor, community_id=community) if manage else {}


def has_errors(form: str) -> bool:
    return bool(st.session_state.get(errors_key(form)))


def unit_form(form: str, record: dict | None) -> None:
    """The fields of a unit, filled from `record` when changing one; each with its message."""
    def key(field: str) -> str:
        return widget_key(form, field)

    value = record or {}
    c1, c2, c3 = st.columns(3)
    with c1:
        st.text_input(t("cfield.name"), value=value.get("name", ""), key=key("name"))
        field_error(form, "name")
        st.text_input(t("cfield.party_org"), value=value.get("party_org") or "", key=key("party_org"))
        field_error(form, "party_org")
        members = int(value.get("party_members") or 0)
        st.number_input(t("cfield.party_members"), **number_bounds(PARTY_MEMBERS, members), step=1, value=members,
                        key=key("party_members"))
        field_error(form, "party_members")
    with c2:
        kind_options = list(kinds)
        st.selectbox(t("cfield.kind"), kind_options, format_func=kinds.get, key=key("kind"),
                     index=kind_options.index(value["kind"]) if value.get("kind") in kinds else None,
                     placeholder=t("common.choose"))
        field_error(form, "kind")
        st.text_input(t("cfield.liaison"), value=value.get("liaison") or "", key=key("liaison"))
        field_error(form, "liaison")
        st.text_input(t("cfield.liaison_phone"), value=value.get("liaison_phone") or "", key=key("liaison_phone"),
                      placeholder="13812345678", disabled=record is not None and not may_see_phone,
                      help=None if may_see_phone else t("units.phone_masked"))
        field_error(form, "liaison_phone")
    with c3:
        st.text_input(t("cfield.volunteer_team"), value=value.get("volunteer_team") or "", key=key("volunteer_team"))
        field_error(form, "volunteer_team")
        current = value.get("representative_id")
        choices = dict(reps)
        if current and current not in choices:  # kept even when the account no longer holds the role
            choices[current] = str(value.get("representative") or current)
        rep_options = [widgets.ALL, *choices]
        st.selectbox(t("cfield.representative"), rep_options, key=key("representative_id"),
                     index=rep_options.index(current) if current in rep_options else 0,
                     format_func=lambda r: t("units.no_representative") if r == widgets.ALL else choices[r],
                     help=t("units.representative_help"))
        field_error(form, "representative_id")
        d1, d2 = st.columns(2)
        with d1:
            date_field(t("cfield.joined_on"), value=value.get("joined_on") or today, key=key("joined_on"))
            field_error(form, "joined_on")
        with d2:
            date_field(t("cfield.left_on"), value=value.get("left_on"), key=key("left_on"))
            field_error(form, "left_on")
    st.text_area(t("cfield.speciality"), value=value.get("speciality") or "", key=key("speciality"),
                 height=68)
    field_error(form, "speciality")


def unit_data(values: dict, record: dict | None) -> dict:
    data = dict(values, community_id=community, representative_id=values["representative_id"] or None)
    if record is not None and not may_see_phone:
        data.pop("liaison_phone")  # shown masked: left as it is
    return data


# --- the units ---------------------------------------------------------------------------------------------------

st.subheader(t("units.units"))
if manage:
    with st.expander(t("units.new"), expanded=has_errors(NEW) or units.empty, icon=":material/add_business:"):
        unit_form(NEW, None)
        st.button(t("units.create"), key="unit_new_save", type="primary", icon=":material/add:", on_click=submit,
                  args=(NEW, UNIT_FIELDS, lambda v: save_unit(ctx.engine, actor=ctx.actor, settings=ctx.settings,
                                                              data=unit_data(v, None))),
                  kwargs={"success": lambda u: t("units.created", name=md_escape(u.name))})
        form_message(NEW)

if units.empty:
    st.info(t("units.empty") if manage else t("units.empty_read"), icon=":material/info:")
    st.stop()

view = pd.DataFrame({
    "rota_position": units["rota_position"], "name": units["name"],
    "kind": [kinds.get(k, k) for k in units["kind"]], "party_org": units["party_org"],
    "liaison": units["liaison"], "liaison_phone": units["liaison_phone"], "party_members": units["party_members"],
    "volunteer_team": units["volunteer_team"], "representative": units["representative"],
    "joined_on": [widgets.day_or_none(v) for v in units["joined_on"]],
    "active": [t("units.active") if a else t("units.left", day=widgets.day_or_none(d))
               for a, d in zip(units["active"], units["left_on"], strict=True)],
    "agreement": [t(f"cfield.agreement_{s}") if widgets.known(s) else t("cfield.agreement_none")
                  for s in units["agreement_status"]],
    "claims": units["claims"], "fulfilment": units["fulfilment"]})
for column in ("party_org", "liaison", "liaison_phone", "volunteer_team", "representative"):
    view[column] = view[column].fillna("")
unit_ids = [int(i) for i in units["id"]]


def on_unit_select() -> None:
    rows = st.session_state["units_table"].selection.rows
    st.session_state[SELECTED] = unit_ids[rows[0]] if rows and rows[0] < len(unit_ids) else None


text_columns = ["name", "kind", "party_org", "liaison", "liaison_phone", "volunteer_team", "representative",
                "joined_on", "active", "agreement"]
config = {c: st.column_config.TextColumn(t(f"cfield.{c}")) for c in text_columns}
config |= {"rota_position": st.column_config.NumberColumn(t("cfield.rota_position"), format="%d"),
           "party_members": st.column_config.NumberColumn(t("cfield.party_members"), format="%d"),
           "claims": st.column_config.NumberColumn(t("cfield.claims"), format="%d"),
           "fulfilment": widgets.share_column(t("cfield.fulfilment"))}
st.caption(t("units.count", count=len(units), active=int(units["active"].sum()))
           + (" · " + t("units.select_hint") if manage else ""))
st.dataframe(view, hide_index=True, column_config=config, key="units_table", width="stretch",
             **({"on_select": on_unit_select, "selection_mode": "single-row"} if manage else {}))

selected = st.session_state.get(SELECTED)
if manage and selected in unit_ids:
    record = units.iloc[unit_ids.index(selected)].to_dict()
    for field in ("joined_on", "left_on"):
        record[field] = record[field] if widgets.known(record[field]) else None
        if isinstance(record[field], pd.Timestamp):
            record[field] = record[field].date()
    record["representative_id"] = int(record["representative_id"]) if widgets.known(record["representative_id"]) \
        else None
    form = f"unit_edit_{selected}"
    with st.container(border=True):
        st.markdown(f"**{t('units.edit', name=md_escape(record['name']))}**")
        unit_form(form, record)
        b1, b2 = st.columns([1, 5])
        with b1:
            st.button(t("common.save"), key=f"{form}_save", type="primary", icon=":material/save:", on_click=submit,
                      args=(form, UNIT_FIELDS, lambda v: save_unit(ctx.engine, actor=ctx.actor, settings=ctx.settings,
                                                                   data=unit_data(v, record), unit_id=selected)),
                      kwargs={"success": lambda u: t("units.updated", name=md_escape(u.name))})
        with b2:
            if st.button(t("units.close"), key=f"{form}_close", icon=":material/close:"):
                st.session_state.pop(SELECTED, None)
                st.rerun()
        form_message(form)

# --- the rotation ------------------------------------------------------------------------------------------------

st.subheader(t("units.rotation"))
active = units[units["active"].astype(bool)]
names = {int(r.id): str(r.name) for r in active.itertuples()}
rota = active.dropna(subset=["rota_position"]).sort_values("rota_position")
order = [int(i) for i in rota["id"]]
if order:
    st.markdown(" → ".join(f"{n}\\. {md_escape(names[u])}" for n, u in enumerate(order, start=1)))
else:
    st.info(t("units.no_rotation") if manage else t("units.no_rotation_read"), icon=":material/info:")
if manage:
    st.multiselect(t("units.rotation_order"), list(names), default=order, format_func=names.get,
                   key=widget_key(ROTATION, "order"), help=t("units.rotation_help"), placeholder=t("common.choose"))
    field_error(ROTATION, "order")
    st.button(t("units.rotation_save"), key="units_rotation_save", icon=":material/autorenew:", on_click=submit,
              args=(ROTATION, ["order"], lambda v: set_rotation(ctx.engine, actor=ctx.actor, community_id=community,
                                                                order=list(v["order"] or []))),
              kwargs={"success": t("units.rotation_saved")})
    form_message(ROTATION)

# --- the agreements of the year ---------------------------------------------------------------------------------

st.subheader(t("units.agreements", year=year))
agreements = cached.read(ctx.engine, "committee_agreements", actor=ctx.actor, community_id=community, year=year)
statuses = {s: t(f"cfield.agreement_{s}") for s in AGREEMENT_STATUSES}
unsigned = cui.unsigned(agreements)
if agreements.empty:
    st.info(t("units.no_active_units"), icon=":material/info:")
else:
    if unsigned.empty:
        st.success(t("units.all_signed", year=year), icon=":material/verified:")
    else:
        st.warning(t("units.unsigned", year=year, count=len(unsigned),
                     names=join(md_escape(n) for n in unsigned["unit"])), icon=":material/warning:")
    rows = [(int(u), int(a) if widgets.known(a) else None) for u, a in zip(agreements["unit_id"],
                                                                     agreements["agreement_id"], strict=True)]

    def on_agreement_select() -> None:
        picked_rows = st.session_state["units_agreements_table"].selection.rows
        unit_id, agreement_id = rows[picked_rows[0]] if picked_rows and picked_rows[0] < len(rows) else (None, None)
        st.session_state[AGREEMENT_SELECTED] = agreement_id
        if unit_id is not None and agreement_id is None and unit_id in names:  # none yet: start one for this unit
            st.session_state[widget_key(AGREEMENT_NEW, "unit_id")] = unit_id

    cui.agreements_table(agreements, key="units_agreements_table", on_select=on_agreement_select if manage else None)
    if manage:
        st.caption(t("units.agreement_hint"))


def agreement_form(form: str, record: dict | None) -> None:
    def key(field: str) -> str:
        return widget_key(form, field)

    value = record or {}
    c1, c2, c3, c4 = st.columns([3, 1, 1, 1])
    with c1:
        options = list(names) if record is None else [value["unit_id"]]
        unit_names = names if record is None else {value["unit_id"]: value["unit"]}
        st.selectbox(t("cfield.unit"), options, format_func=unit_names.get, key=key("unit_id"), index=None
                     if record is None else 0, placeholder=t("common.choose"), disabled=record is not None)
        field_error(form, "unit_id")
    with c2:
        st.number_input(t("cfield.year"), min_value=YEARS.low, max_value=YEARS.high, step=1,
                        value=int(value.get("year") or year),
                        key=key("year"), disabled=record is not None)
        field_error(form, "year")
    with c3:
        current = value.get("status") or "signed"
        st.selectbox(t("cfield.status"), list(statuses), format_func=statuses.get, key=key("status"),
                     index=list(statuses).index(current))
        field_error(form, "status")
    with c4:
        date_field(t("cfield.signed_on"), value=value.get("signed_on") if record is not None else today,
                   key=key("signed_on"))
        field_error(form, "signed_on")
    st.text_area(t("cfield.commitments"), value=value.get("commitments") or "", key=key("commitments"), height=90,
                 placeholder=t("units.commitments_placeholder"))
    field_error(form, "commitments")


if manage and names:
    chosen_agreement = st.session_state.get(AGREEMENT_SELECTED)
    by_id = {int(a): r for a, r in zip(agreements["agreement_id"], agreements.to_dict("records"), strict=True)
             if widgets.known(a)}
    if chosen_agreement in by_id:
        row = by_id[chosen_agreement]
        record = {"unit_id": int(row["unit_id"]), "unit": row["unit"], "year": year, "status": row["status"],
                  "signed_on": row["signed_on"] if widgets.known(row["signed_on"]) else None,
                  "commitments": row["commitments"]}
        if isinstance(record["signed_on"], pd.Timestamp):
            record["signed_on"] = record["signed_on"].date()
        form = f"agreement_edit_{chosen_agreement}"
        with st.container(border=True):
            st.markdown(f"**{t('units.agreement_edit', unit=md_escape(row['unit']), year=year)}**")
            agreement_form(form, record)
            st.button(t("common.save"), key=f"{form}_save", type="primary", icon=":material/save:", on_click=submit,
                      args=(form, AGREEMENT_FIELDS, lambda v: save_agreement(
                          ctx.engine, actor=ctx.actor, data=dict(v, unit_id=record["unit_id"], year=year),
                          agreement_id=chosen_agreement)),
                      kwargs={"success": t("units.agreement_saved")})
            form_message(form)
    with st.expander(t("units.agreement_new"), expanded=has_errors(AGREEMENT_NEW) or not unsigned.empty,
                     icon=":material/contract_edit:"):
        agreement_form(AGREEMENT_NEW, None)
        st.button(t("units.agreement_create"), key="agreement_new_save", type="primary", icon=":material/add:",
                  on_click=submit, args=(AGREEMENT_NEW, AGREEMENT_FIELDS, lambda v: save_agreement(
                      ctx.engine, actor=ctx.actor, data=v)),
                  kwargs={"success": t("units.agreement_saved")})
        form_message(AGREEMENT_NEW)
st.caption(t("units.party_members_total", count=num(int(units["party_members"].sum()), "#,##0")))
