"""Volunteers and teams (志愿者与服务队): the register (name, masked phone and ID number, skills, party member and
where they report, team, hours and points), paged on the server and searched by name, phone digits or code; one
volunteer's panel (change, their orders, points statement, the service-hours certificate in Word, personal data for
those who may see it); the teams of member units, the community and social organisations with their leaders; Excel
import with an error per row (nothing written on any error) and export."""

from datetime import date

import pandas as pd
import streamlit as st

from data_access import clock
from data_access.volunteer.documents import certificate
from data_access.volunteer.exchange import ImportRefused, export_volunteers, import_volunteers, volunteer_template
from data_access.volunteer.queries import VolunteerFilter, personal, volunteer_code
from data_access.volunteer.registry import save_team, save_volunteer
from domain.errors import DomainError
from ui import cached, widgets
from ui.context import export_actor, page_context
from ui.format import num, when
from ui.forms import date_field, field_error, form_message, search_box, submit, widget_key
from ui.i18n import error_text, lang, md_escape, t
from ui.volunteer.common import codes_text, community_picker, hours_text, kind_labels, team_kind_labels

SELECTED = "vvol_selected"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STATUSES = ["all", "active", "registered", "party", "inactive"]

ctx = page_context()
ctx.require("volunteer.read")
cfg = ctx.settings
size = cfg.page_size
kinds = kind_labels(ctx)
team_kinds = team_kind_labels(ctx)
st.title(t("page.volunteer_volunteers"))
st.caption(t("volunteer_reg.intro", days=cfg.volunteer.active_days))

asked = {k: str(st.query_params.get(k, "")) for k in ("community", "status") if st.query_params.get(k)}
if asked and st.session_state.get("vvol_address") != asked:  # a figure of the overview names its filter
    st.session_state["vvol_address"] = asked
    if asked.get("community", "").isdigit():
        st.session_state["vvol_community"] = int(asked["community"])
    if asked.get("status") in STATUSES:
        st.session_state["vvol_status"] = asked["status"]
opened = widgets.record_from_address(SELECTED)
if opened is not None:
    st.session_state[SELECTED] = opened
community = community_picker(ctx, "vvol_community")
manage = ctx.can("volunteer.manage", community)
teams_df = cached.read(ctx.engine, "volunteer_teams", actor=ctx.actor, community_id=community)
team_names = {int(i): str(n) for i, n in zip(teams_df["id"], teams_df["name"], strict=True)}
committee_units = cached.read(ctx.engine, "volunteer_units", actor=ctx.actor, community_id=community)

tab_people, tab_teams, tab_files = st.tabs([t("volunteer_reg.tab_volunteers"), t("volunteer_reg.tab_teams"),
                                            t("volunteer_reg.tab_files")])


def volunteer_form(form: str, row: dict | None) -> None:
    """The registration form (new when `row` is None); phone and ID number stay as stored when left empty."""
    form_message(form)
    c1, c2, c3 = st.columns(3)
    with c1:
        st.text_input(t("volunteer_reg.name"), value=row["name"] if row else "", key=widget_key(form, "name"))
        field_error(form, "name")
    with c2:
        st.text_input(t("volunteer_reg.phone"), key=widget_key(form, "phone"),
                      placeholder=row["phone"] if row else "", help=t("volunteer_reg.keep_help") if row else None)
        field_error(form, "phone")
    with c3:
        st.text_input(t("volunteer_reg.id_number"), key=widget_key(form, "id_number"),
                      placeholder=row["id_number"] if row else "", help=t("volunteer_reg.keep_help") if row else None)
        field_error(form, "id_number")
    skills = [s for s in str(row["skills"] or "").split(",") if s] if row else []
    st.multiselect(t("volunteer_reg.skills"), list(kinds), default=[s for s in skills if s in kinds],
                   key=widget_key(form, "skills"), format_func=kinds.get, placeholder=t("volunteer_reg.skills_hint"))
    field_error(form, "skills")
    d1, d2, d3 = st.columns(3)
    with d1:
        options = [None, *team_names]
        current = row.get("team_id") if row else None
        st.selectbox(t("volunteer_reg.team"), options, index=options.index(current) if current in options else 0,
                     key=widget_key(form, "team_id"),
                     format_func=lambda v: t("volunteer_reg.no_team") if v is None else team_names[v])
        field_error(form, "team_id")
    with d2:
        st.checkbox(t("volunteer_reg.party_member"), value=bool(row["party_member"]) if row else False,
                    key=widget_key(form, "party_member"))
        options = [None, *committee_units]
        current = row.get("report_unit_id") if row else None
        st.selectbox(t("volunteer_reg.report_unit"), options,
                     index=options.index(current) if current in options else 0, key=widget_key(form, "report_unit_id"),
                     format_func=lambda v: t("volunteer_reg.no_report_unit") if v is None else committee_units[v],
                     help=t("volunteer_reg.report_help"))
        field_error(form, "report_unit_id")
    with d3:
        date_field(t("volunteer_reg.registered_on"), key=widget_key(form, "registered_on"),
                   value=row["registered_on"] if row else clock.today())
        field_error(form, "registered_on")
        st.checkbox(t("volunteer_reg.active"), value=bool(row["active"]) if row else True,
                    key=widget_key(form, "active"))
    accounts = cached.read(ctx.engine, "volunteer_accounts", actor=ctx.actor, community_id=community)
    options = [None, *accounts]
    current = int(row["user_id"]) if row and widgets.known(row.get("user_id")) else None
    st.selectbox(t("volunteer_reg.account"), options, index=options.index(current) if current in options else 0,
                 key=widget_key(form, "user_id"), help=t("volunteer_reg.account_help"),
                 format_func=lambda v: t("volunteer_reg.no_account") if v is None else accounts[v])
    field_error(form, "user_id")
    fields = ["name", "phone", "id_number", "skills", "team_id", "party_member", "report_unit_id", "registered_on",
              "active", "user_id"]

    def save(values: dict):
        if row is not None:  # left empty: keep what is stored
            values = {k: v for k, v in values.items() if not (k in ("phone", "id_number") and not v)}
        saved = save_volunteer(ctx.engine, actor=ctx.actor, settings=cfg, data={**values, "community_id": community},
                               volunteer_id=row["id"] if row else None)
        st.session_state[SELECTED] = saved.id
        return saved

    st.button(t("common.save") if row else t("volunteer_reg.register"), key=f"{form}_go", type="primary",
              icon=":material/save:" if row else ":material/person_add:", on_click=submit, args=(form, fields, save),
              kwargs={"success": lambda v: t("volunteer_reg.saved", name=md_escape(v.name))})


# --- volunteers ---------------------------------------------------------------------------------------------------
with tab_people:
    if manage:
        with st.expander(t("volunteer_reg.new"), icon=":material/person_add:",
                         expanded=bool(st.session_state.get("vvol_new__errors"))):
            volunteer_form("vvol_new", None)
    f1, f2, f3, f4 = st.columns([1.4, 1, 1, 1])
    with f1:
        search = search_box(t("volunteer_reg.search"), "vvol_search", limit=40,
                            placeholder=t("volunteer_reg.search_placeholder"))
    with f2:
        team_id = widgets.filter_box(t("volunteer_reg.team"), team_names, "vvol_team", t("common.all"))
    with f3:
        skill_index = widgets.filter_box(t("volunteer_reg.skill"), dict(enumerate(kinds.values(), 1)), "vvol_skill",
                                         t("common.all"))
        skill = list(kinds)[skill_index - 1] if skill_index else None
    with f4:
        if st.session_state.get("vvol_status") not in STATUSES:
            st.session_state["vvol_status"] = "all"
        status = st.selectbox(t("volunteer_reg.status"), STATUSES, key="vvol_status",
                              format_func=lambda s: t(f"volunteer_reg.status_{s}", days=cfg.volunteer.active_days))
    flt = VolunteerFilter(community_ids=(community,), team_id=team_id, skill=skill, status=status, search=search)
    widgets.forget_on_new_search(SELECTED, flt)
    page_key = f"vvol_page_{community}_{team_id}_{skill}_{status}_{search}"
    rows, total = cached.read(ctx.engine, "volunteer_volunteers", actor=ctx.actor, flt=flt,
                              offset=widgets.page_offset(page_key, size), limit=size)
    if total == 0:
        filtered = search or team_id or skill or status != "all"
        st.info(t("volunteer_reg.none_filtered") if filtered else
                t("volunteer_reg.none_manage") if manage else t("volunteer_reg.none"), icon=":material/info:")
    else:
        widgets.pager(total, size, page_key, len(rows))
        ids = [int(i) for i in rows["id"]]
        view = pd.DataFrame({
            "code": [volunteer_code(i) for i in ids], "name": rows["name"], "phone": rows["phone"],
            "team": rows["team"].fillna(t("common.none")), "skills": [codes_text(ctx, s) for s in rows["skills"]],
            "party_member": [t("common.yes") if p else "" for p in rows["party_member"]],
            "hours": rows["hours"].astype(float), "points": rows["points"].astype(int),
            "last_served_on": [widgets.day_or_none(v) for v in rows["last_served_on"]],
            "active": [t("volunteer_reg.on_roll") if a else t("volunteer_reg.off_roll") for a in rows["active"]]})
        config = {c: st.column_config.TextColumn(t(f"volunteer_reg.col_{c}")) for c in view.columns}
        config["hours"] = st.column_config.NumberColumn(t("volunteer_reg.col_hours"), format="%.1f")
        config["points"] = st.column_config.NumberColumn(t("volunteer_reg.col_points"), format="%d")

        def on_select() -> None:
            picked = st.session_state["vvol_table"].selection.rows
            if picked and picked[0] < len(ids):
                st.session_state[SELECTED] = ids[picked[0]]

        st.caption(t("volunteer_reg.select_hint"))
        st.dataframe(view, hide_index=True, width="stretch", key="vvol_table", column_config=config,
                     on_select=on_select, selection_mode="single-row")

    # --- one volunteer ---
    selected = st.session_state.get(SELECTED)
    found = None
    if selected:
        one, _ = cached.read(ctx.engine, "volunteer_volunteers", actor=ctx.actor,
                             flt=VolunteerFilter(community_ids=(community,), search=volunteer_code(int(selected))),
                             offset=0, limit=1)
        found = one.iloc[0].to_dict() if not one.empty else None
        if found is None:
            st.session_state.pop(SELECTED, None)
    widgets.show_in_address(SELECTED, found["id"] if found else None)
    if found:
        vid = int(found["id"])
        with st.container(border=True, key="vvol_panel"):
            h1, h2 = st.columns([6, 1])
            with h1:
                st.subheader(f"{md_escape(found['name'])} · {volunteer_code(vid)}")
            with h2:
                st.button(t("volunteer_order.close"), key="vvol_close", icon=":material/close:",
                          on_click=lambda: st.session_state.pop(SELECTED, None))
            st.markdown(f"{t('volunteer_reg.col_team')}：{md_escape(found['team'])}" if widgets.known(found["team"])
                        else t("volunteer_reg.no_team"))
            m1, m2, m3 = st.columns(3)
            m1.metric(t("volunteer_reg.col_hours"), hours_text(found["hours"]), border=True)
            m2.metric(t("volunteer_reg.col_points"), num(found["points"], "#,##0"), border=True)
            m3.metric(t("volunteer_reg.col_last_served_on"), widgets.day_or_none(found["last_served_on"]), border=True)
            st.caption(t("volunteer_reg.facts", phone=found["phone"], id_number=found["id_number"],
                         skills=codes_text(ctx, found["skills"]) or t("common.none"),
                         unit=md_escape(found["report_unit"]) if widgets.known(found["report_unit"])
                         else t("common.none"),
                         registered=widgets.day_or_none(found["registered_on"])))
            b1, b2 = st.columns(2)
            with b1:
                if st.button(t("volunteer_reg.orders_of"), key="vvol_orders", icon=":material/assignment:"):
                    st.switch_page("pages/volunteer/orders.py", query_params={"volunteer": str(vid)})
            with b2:
                if ctx.can("personal.view", community) and st.button(t("volunteer_reg.show_personal"),
                                                                     key="vvol_personal", icon=":material/visibility:"):
                    try:
                        whole = personal(ctx.engine, actor=ctx.actor, volunteer_id=vid)
                        st.info(t("volunteer_reg.personal_line", **whole), icon=":material/lock_open:")
                    except DomainError as err:
                        st.error(error_text(err))
            panel = [t("volunteer_reg.statement"), t("volunteer_reg.certificate")] + \
                ([t("volunteer_reg.edit")] if manage else [])
            parts = st.tabs(panel)
            with parts[0]:
                key = f"vvol_statement_{vid}"
                lines, count, balance = cached.read(ctx.engine, "volunteer_statement", actor=ctx.actor,
                                                    volunteer_id=vid, offset=widgets.page_offset(key, 20), limit=20)
                if count == 0:
                    st.caption(t("volunteer_reg.no_points"))
                else:
                    widgets.pager(count, 20, key, len(lines))
                    st.dataframe(pd.DataFrame({
                        "at": [when(v) for v in lines["at"]],
                        "kind": [t(f"volunteer_ledger_kind.{k}") for k in lines["kind"]],
                        "points": [f"{p:+,}" for p in lines["points"]],
                        "source": [o if widgets.known(o) else r if widgets.known(r) else ""
                                   for o, r in zip(lines["order_number"], lines["redemption_number"], strict=True)]}),
                        hide_index=True, width="stretch",
                        column_config={c: st.column_config.TextColumn(t(f"volunteer_reg.st_{c}"))
                                       for c in ("at", "kind", "points", "source")})
            with parts[1]:
                year_start = date(clock.today().year, 1, 1)
                c1, c2, c3 = st.columns([1, 1, 1], vertical_alignment="bottom")
                with c1:
                    start = date_field(t("volunteer_reg.cert_start"), key=f"vvol_cert_start_{vid}", value=year_start)
                with c2:
                    end = date_field(t("volunteer_reg.cert_end"), key=f"vvol_cert_end_{vid}", value=clock.today())
                with c3:
                    make = st.button(t("volunteer_reg.cert_make"), key=f"vvol_cert_{vid}", disabled=not manage,
                                     icon=":material/workspace_premium:")
                if make:
                    try:
                        row, content = certificate(ctx.engine, actor=export_actor(ctx)(), volunteer_id=vid,
                                                   start=start, end=end, settings=cfg, lang=lang())
                        st.session_state[f"vvol_cert_file_{vid}"] = (row.serial, content)
                    except DomainError as err:
                        st.error(error_text(err), icon=":material/error:")
                made = st.session_state.get(f"vvol_cert_file_{vid}")
                if made:
                    st.success(t("volunteer_reg.cert_made", serial=made[0]))
                    st.download_button(t("volunteer_reg.cert_download"), made[1], file_name=f"{made[0]}.docx",
                                       mime=DOCX, key=f"vvol_cert_dl_{vid}", icon=":material/download:")
                st.caption(t("volunteer_reg.cert_hint"))
            if manage:
                with parts[2]:
                    volunteer_form(f"vvol_edit_{vid}", {**found, "team_id": next(
                        (i for i, n in team_names.items() if n == found["team"]), None), "report_unit_id": next(
                        (i for i, n in committee_units.items() if n == found["report_unit"]), None)})

# --- teams --------------------------------------------------------------------------------------------------------
with tab_teams:
    if teams_df.empty:
        st.info(t("volunteer_reg.no_teams_manage") if manage else t("volunteer_reg.no_teams"), icon=":material/info:")
    else:
        view = pd.DataFrame({
            "name": teams_df["name"], "kind": [team_kinds.get(k, k) for k in teams_df["kind"]],
            "unit": teams_df["unit"].fillna(""), "speciality": [codes_text(ctx, s) for s in teams_df["speciality"]],
            "leader": teams_df["leader"].fillna(t("common.none")), "members": teams_df["members"].astype(int),
            "hours": teams_df["hours"].astype(float), "open_orders": teams_df["open_orders"].astype(int),
            "active": [t("volunteer_reg.on_roll") if a else t("volunteer_reg.off_roll") for a in teams_df["active"]]})
        config = {c: st.column_config.TextColumn(t(f"volunteer_reg.tcol_{c}")) for c in view.columns}
        config["hours"] = st.column_config.NumberColumn(t("volunteer_reg.tcol_hours"), format="%.1f")
        config["members"] = st.column_config.NumberColumn(t("volunteer_reg.tcol_members"), format="%d")
        config["open_orders"] = st.column_config.NumberColumn(t("volunteer_reg.tcol_open_orders"), format="%d")
        st.dataframe(view, hide_index=True, width="stretch", column_config=config)
    if manage:
        choice = st.selectbox(t("volunteer_reg.team_to_edit"), [None, *team_names], key="vvol_team_edit",
                              format_func=lambda v: t("volunteer_reg.new_team") if v is None else team_names[v])
        team = teams_df[teams_df["id"] == choice].iloc[0].to_dict() if choice is not None else None
        form = f"vvol_team_{choice or 'new'}"
        form_message(form)
        c1, c2 = st.columns(2)
        with c1:
            st.text_input(t("volunteer_reg.team_name"), value=team["name"] if team else "",
                          key=widget_key(form, "name"))
            field_error(form, "name")
            kind_codes = list(team_kinds)
            st.selectbox(t("volunteer_reg.team_kind"), kind_codes, key=widget_key(form, "kind"),
                         index=kind_codes.index(team["kind"]) if team and team["kind"] in kind_codes else 0,
                         format_func=team_kinds.get)
            field_error(form, "kind")
        with c2:
            options = [None, *committee_units]
            current = team["unit_id"] if team and widgets.known(team["unit_id"]) else None
            st.selectbox(t("volunteer_reg.team_unit"), options, key=widget_key(form, "unit_id"),
                         index=options.index(current) if current in options else 0,
                         format_func=lambda v: t("common.none") if v is None else committee_units[v],
                         help=t("volunteer_reg.team_unit_help"))
            field_error(form, "unit_id")
            members = dict(cached.read(ctx.engine, "volunteer_choices", actor=ctx.actor, community_id=community,
                                       team_id=choice, limit=500)) if choice else \
                dict(cached.read(ctx.engine, "volunteer_choices", actor=ctx.actor, community_id=community, limit=500))
            current = team["leader_id"] if team and widgets.known(team["leader_id"]) else None
            options = [None, *members]
            st.selectbox(t("volunteer_reg.team_leader"), options, key=widget_key(form, "leader_id"),
                         index=options.index(current) if current in options else 0,
                         format_func=lambda v: t("common.none") if v is None else members[v],
                         help=t("volunteer_reg.team_leader_help"))
            field_error(form, "leader_id")
        speciality = [s for s in str(team["speciality"] or "").split(",") if s] if team else []
        st.multiselect(t("volunteer_reg.team_speciality"), list(kinds), default=[s for s in speciality if s in kinds],
                       key=widget_key(form, "speciality"), format_func=kinds.get)
        field_error(form, "speciality")
        st.checkbox(t("volunteer_reg.active"), value=bool(team["active"]) if team else True,
                    key=widget_key(form, "active"))
        st.button(t("common.save"), key=f"{form}_go", type="primary", icon=":material/save:", on_click=submit,
                  args=(form, ["name", "kind", "unit_id", "leader_id", "speciality", "active"],
                        lambda v: save_team(ctx.engine, actor=ctx.actor, settings=cfg,
                                            data={**v, "community_id": community}, team_id=choice)),
                  kwargs={"success": lambda team_row: t("volunteer_reg.team_saved", name=md_escape(team_row.name))})

# --- Excel in and out ---------------------------------------------------------------------------------------------
with tab_files:
    st.markdown(f"#### {t('volunteer_reg.export_title')}")
    st.caption(t("volunteer_reg.export_hint"))
    if st.button(t("volunteer_reg.export_make"), key="vvol_export", icon=":material/table_view:"):
        try:
            st.session_state["vvol_export_file"] = export_volunteers(ctx.engine, actor=export_actor(ctx)(),
                                                                     community_id=community, settings=cfg, lang=lang())
        except DomainError as err:
            st.error(error_text(err), icon=":material/error:")
    if st.session_state.get("vvol_export_file"):
        st.download_button(t("volunteer_reg.export_download"), st.session_state["vvol_export_file"],
                           file_name=f"volunteers-{clock.today():%Y%m%d}.xlsx", mime=XLSX, key="vvol_export_dl",
                           icon=":material/download:")
    if manage:
        st.markdown(f"#### {t('volunteer_reg.import_title')}")
        st.caption(t("volunteer_reg.import_hint"))
        st.download_button(t("volunteer_reg.template"), volunteer_template(cfg, lang()),
                           file_name="volunteer-template.xlsx", mime=XLSX, key="vvol_template",
                           icon=":material/download:")
        upload = st.file_uploader(t("volunteer_reg.import_file"), type=["xlsx"], key="vvol_upload")
        if upload is not None and st.button(t("volunteer_reg.import_go"), key="vvol_import", type="primary",
                                            icon=":material/upload_file:"):
            try:
                with st.spinner(t("volunteer_reg.importing")):
                    count = import_volunteers(ctx.engine, actor=ctx.actor, settings=cfg, community_id=community,
                                              content=upload.getvalue())
                st.cache_data.clear()
                st.success(t("volunteer_reg.imported", count=count))
            except ImportRefused as refused:
                st.error(error_text(refused), icon=":material/error:")
                st.dataframe(pd.DataFrame({
                    "row": [p.row if p.row is not None else "" for p in refused.problems],
                    "column": [p.column or "" for p in refused.problems],
                    "problem": [t(p.key, **p.params) for p in refused.problems]}),
                    hide_index=True, width="stretch",
                    column_config={c: st.column_config.TextColumn(t(f"volunteer_reg.imp_{c}"))
                                   for c in ("row", "column", "problem")})
            except DomainError as err:
                st.error(error_text(err), icon=":material/error:")
