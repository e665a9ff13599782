"""The three lists (三张清单): needs (typed in, or raised from a resident matter), the resources each unit offers, and
the year's projects with their service items (target, period, beneficiaries, progress)."""

import pandas as pd
import streamlit as st

from data_access import clock
from data_access.committee.writes import need_from_matter, save_item, save_need, save_project, save_resource
from data_access.service.queries import find_by_number
from domain.committee.rules import NEED_SOURCES, QUANTITY
from domain.errors import ValidationFailed
from domain.fields import YEARS
from ui import cached, widgets
from ui.committee import common as cui
from ui.context import page_context
from ui.forms import date_field, errors_key, field_error, form_message, submit, widget_key
from ui.i18n import md_escape, t

NEED = "need_new"
NEED_FIELDS = ["title", "detail", "raised_on", "project_id"]
FROM_MATTER = "need_matter"
RESOURCE = "resource_new"
RESOURCE_FIELDS = ["unit_id", "kind", "title", "detail"]
PROJECT = "project_new"
PROJECT_FIELDS = ["name", "detail", "year", "need_id"]
ITEM = "item_new"
ITEM_FIELDS = ["project_id", "name", "target", "unit", "frequency", "period_start", "period_end", "beneficiaries"]
SHOWN_PROJECT = "lists_project"

ctx = page_context()
ctx.require("committee.read")
today = clock.today()
size = ctx.settings.page_size
st.title(t("lists.title"))
st.caption(t("lists.intro"))

c1, c2 = st.columns([3, 1])
with c1:
    community = cui.community_picker(ctx, "lists_community")
with c2:
    year = cui.year_picker("lists_year")
manage = ctx.can("committee.manage", community)
claimer = ctx.can("committee.claim", community)
units = cached.read(ctx.engine, "committee_units", actor=ctx.actor, community_id=community, year=year)
active_units = units[units["active"].astype(bool)] if not units.empty else units
projects = cached.read(ctx.engine, "committee_projects", actor=ctx.actor, community_id=community, year=year)
project_names = {int(i): str(n) for i, n in zip(projects["id"], projects["name"], strict=True)}


def key(form: str, field: str) -> str:
    return widget_key(form, field)


def has_errors(form: str) -> bool:
    return bool(st.session_state.get(errors_key(form)))


def text(form: str, field: str, *, area: bool = False, label: str | None = None, **kwargs) -> None:
    (st.text_area if area else st.text_input)(t(label or f"cfield.{field}"), key=key(form, field), **kwargs)
    field_error(form, field)


def choice(form: str, field: str, options: dict, *, label: str | None = None, **kwargs) -> None:
    st.selectbox(t(label or f"cfield.{field}"), list(options), format_func=options.get, key=key(form, field),
                 placeholder=t("common.choose"), **kwargs)
    field_error(form, field)


needs_tab, resources_tab, projects_tab = st.tabs([t("lists.needs"), t("lists.resources"), t("lists.projects")])

# --- needs -------------------------------------------------------------------------------------------------------

with needs_tab:
    needs = cached.read(ctx.engine, "committee_needs", actor=ctx.actor, community_id=community, year=year)
    sources = {s: t(f"cfield.source_{s}") for s in NEED_SOURCES}
    if manage:
        def from_matter(values: dict):
            number = (values["number"] or "").strip()
            if not number:
                raise ValidationFailed({"number": ("error.required", {})})
            matter_id = find_by_number(ctx.engine, number, actor=ctx.actor)
            if matter_id is None:
                raise ValidationFailed({"number": ("lists.matter_not_found", {"number": number})})
            return need_from_matter(ctx.engine, actor=ctx.actor, matter_id=matter_id)

        with st.expander(t("lists.need_new"), expanded=has_errors(NEED) or has_errors(FROM_MATTER),
                         icon=":material/add_comment:"):
            st.markdown(f"**{t('lists.need_from_matter')}**")
            m1, m2 = st.columns([3, 1], vertical_alignment="bottom")
            with m1:
                st.text_input(t("cfield.matter_number"), key=key(FROM_MATTER, "number"),
                              placeholder=t("lists.matter_number_placeholder"))
                field_error(FROM_MATTER, "number")
            with m2:
                st.button(t("lists.need_from_matter_save"), key="need_matter_save", icon=":material/input:",
                          on_click=submit, args=(FROM_MATTER, ["number"], from_matter),
                          kwargs={"success": lambda n: t("lists.need_saved", title=md_escape(n.title))})
            field_error(FROM_MATTER, "matter_id")
            form_message(FROM_MATTER)
            st.divider()
            st.markdown(f"**{t('lists.need_typed')}**")
            text(NEED, "title")
            text(NEED, "detail", area=True, height=80)
            n2, n3 = st.columns(2)
            with n2:
                date_field(t("cfield.raised_on"), value=today, key=key(NEED, "raised_on"))
                field_error(NEED, "raised_on")
            with n3:
                choice(NEED, "project_id", project_names, index=None, label="cfield.answered_by")
            st.button(t("lists.need_create"), key="need_new_save", type="primary", icon=":material/add:",
                      on_click=submit, args=(NEED, NEED_FIELDS, lambda v: save_need(
                          ctx.engine, actor=ctx.actor, data=dict(v, community_id=community, source="entered"))),
                      kwargs={"success": lambda n: t("lists.need_saved", title=md_escape(n.title))})
            form_message(NEED)
    if needs.empty:
        st.info(t("lists.no_needs") if manage else t("lists.no_needs_read"), icon=":material/info:")
    else:
        view = pd.DataFrame({"title": needs["title"], "source": [sources.get(x, x) for x in needs["source"]],
                             "matter_number": needs["matter_number"].fillna(""), "project": needs["project"],
                             "raised_on": [widgets.day_or_none(v) for v in needs["raised_on"]],
                             "detail": needs["detail"].fillna("")})
        view["project"] = view["project"].fillna(t("lists.not_answered"))
        st.caption(t("cfield.count", count=f"{len(needs):,}"))
        st.dataframe(view, hide_index=True, width="stretch", key="lists_needs_table", column_config={
            "title": t("cfield.title"), "source": t("cfield.source"), "matter_number": t("cfield.matter_number"),
            "project": t("cfield.answered_by"), "raised_on": t("cfield.raised_on"),
            "detail": st.column_config.TextColumn(t("cfield.detail"), width="large")})

# --- resources ---------------------------------------------------------------------------------------------------

with resources_tab:
    resources = cached.read(ctx.engine, "committee_resources", actor=ctx.actor, community_id=community)
    kinds = cui.resource_labels(ctx)
    if manage:
        own = {int(r.id): str(r.name) for r in active_units.itertuples()}
    elif claimer:
        own = {int(r.id): str(r.name) for r in active_units.itertuples() if r.representative_id == ctx.actor.id}
    else:
        own = {}
    def add_resource(values: dict):
        widgets.require_chosen(values, "unit_id")
        return save_resource(ctx.engine, actor=ctx.actor, settings=ctx.settings, data=values)

    if own:
        with st.expander(t("lists.resource_new"), expanded=has_errors(RESOURCE), icon=":material/volunteer_activism:"):
            r1, r2 = st.columns(2)
            with r1:
                choice(RESOURCE, "unit_id", own, index=0 if len(own) == 1 else None, label="cfield.unit")
            with r2:
                choice(RESOURCE, "kind", kinds, index=None, label="cfield.resource_kind")
            text(RESOURCE, "title")
            text(RESOURCE, "detail", area=True, height=80)
            st.button(t("lists.resource_create"), key="resource_new_save", type="primary", icon=":material/add:",
                      on_click=submit, args=(RESOURCE, RESOURCE_FIELDS, add_resource),
                      kwargs={"success": lambda r: t("lists.resource_saved", title=md_escape(r.title))})
            form_message(RESOURCE)
    if resources.empty:
        st.info(t("lists.no_resources") if own else t("lists.no_resources_read"), icon=":material/info:")
    else:
        view = pd.DataFrame({"unit": resources["unit"], "kind": [kinds.get(k, k) for k in resources["kind"]],
                             "title": resources["title"], "detail": resources["detail"].fillna("")})
        st.caption(t("cfield.count", count=f"{len(resources):,}"))
        st.dataframe(view, hide_index=True, width="stretch", key="lists_resources_table", column_config={
            "unit": t("cfield.unit"), "kind": t("cfield.resource_kind"), "title": t("cfield.title"),
            "detail": st.column_config.TextColumn(t("cfield.detail"), width="large")})

# --- projects and their items ------------------------------------------------------------------------------------

with projects_tab:
    if manage:
        with st.expander(t("lists.project_new"), expanded=has_errors(PROJECT), icon=":material/add_task:"):
            p1, p2 = st.columns([3, 1])
            with p1:
                text(PROJECT, "name")
            with p2:
                st.number_input(t("cfield.year"), min_value=YEARS.low, max_value=YEARS.high, step=1, value=year,
                                key=key(PROJECT, "year"))
                field_error(PROJECT, "year")
            text(PROJECT, "detail", area=True, height=80)
            open_needs = {}
            if "project_id" in needs:
                open_needs = {int(r.id): str(r.title) for r in needs.itertuples() if not widgets.known(r.project_id)}
            choice(PROJECT, "need_id", open_needs, index=None, disabled=not open_needs,
                   help=t("lists.need_link_help"))
            st.button(t("lists.project_create"), key="project_new_save", type="primary", icon=":material/add:",
                      on_click=submit, args=(PROJECT, PROJECT_FIELDS, lambda v: save_project(
                          ctx.engine, actor=ctx.actor, data=dict(v, community_id=community))),
                      kwargs={"success": lambda p: t("lists.project_saved", name=md_escape(p.name))})
            form_message(PROJECT)
    if projects.empty:
        st.info(t("lists.no_projects", year=year) if manage else t("lists.no_projects_read", year=year),
                icon=":material/info:")
        st.stop()
    project_ids = [int(i) for i in projects["id"]]

    def on_project_select() -> None:
        rows = st.session_state["lists_projects_table"].selection.rows
        st.session_state[SHOWN_PROJECT] = project_ids[rows[0]] if rows and rows[0] < len(project_ids) else widgets.ALL

    st.caption(t("lists.projects_count", count=len(projects), year=year) + " · " + t("lists.project_hint"))
    st.dataframe(pd.DataFrame({"name": projects["name"], "detail": projects["detail"].fillna(""),
                               "items": projects["items"], "claimed_items": projects["claimed_items"],
                               "progress": projects["progress"]}),
                 hide_index=True, width="stretch", key="lists_projects_table", on_select=on_project_select,
                 selection_mode="single-row", column_config={
                     "name": t("cfield.project"), "detail": st.column_config.TextColumn(t("cfield.detail"),
                                                                                       width="large"),
                     "items": st.column_config.NumberColumn(t("cfield.items"), format="%d"),
                     "claimed_items": st.column_config.NumberColumn(t("cfield.claimed_items"), format="%d"),
                     "progress": widgets.share_column(t("cfield.progress"))})

    st.markdown(f"#### {t('lists.items')}")
    shown = widgets.filter_box(t("cfield.project"), project_names, SHOWN_PROJECT, t("lists.all_projects"))
    page_key = f"lists_items_page_{shown}"
    items, total = cached.read(ctx.engine, "committee_items", actor=ctx.actor, community_ids=(community,), year=year,
                               project_id=shown, today=today, offset=widgets.page_offset(page_key, size), limit=size,
                               tolerance=ctx.settings.committee.behind_tolerance)
    if total == 0:
        st.info(t("lists.no_items") if manage else t("lists.no_items_read"), icon=":material/info:")
    else:
        widgets.pager(total, size, page_key, len(items))
        cui.items_table(items, key="lists_items_table")
    if manage:
        with st.expander(t("lists.item_new"), expanded=has_errors(ITEM) or total == 0, icon=":material/add_task:"):
            choice(ITEM, "project_id", project_names, label="cfield.project",
                   index=None if shown is None else list(project_names).index(shown))
            text(ITEM, "name")
            i1, i2, i3 = st.columns(3)
            with i1:
                st.number_input(t("cfield.target"), min_value=float(QUANTITY.low),
                                max_value=float(QUANTITY.high), value=None, step=1.0, key=key(ITEM, "target"),
                                placeholder="12")
                field_error(ITEM, "target")
            with i2:
                text(ITEM, "unit", label="cfield.measure", placeholder=t("lists.unit_placeholder"))
            with i3:
                text(ITEM, "frequency", placeholder=t("lists.frequency_placeholder"))
            d1, d2 = st.columns(2)
            with d1:
                date_field(t("cfield.period_start"), value=None, key=key(ITEM, "period_start"))
                field_error(ITEM, "period_start")
            with d2:
                date_field(t("cfield.period_end"), value=None, key=key(ITEM, "period_end"))
                field_error(ITEM, "period_end")
            text(ITEM, "beneficiaries", placeholder=t("lists.beneficiaries_placeholder"))
            st.button(t("lists.item_create"), key="item_new_save", type="primary", icon=":material/add:",
                      on_click=submit, args=(ITEM, ITEM_FIELDS, lambda v: save_item(ctx.engine, actor=ctx.actor,
                                                                                    data=v)),
                      kwargs={"success": lambda i: t("lists.item_saved", name=md_escape(i.name))})
            form_message(ITEM)
