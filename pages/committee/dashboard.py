"""The joint committee's overview (联合党委总览): claim rate, completion, items overdue, behind or without an update,
agreements signed, progress by unit and by project, the ranking of units; every figure opens its records below."""

from functools import partial

import pandas as pd
import streamlit as st

from data_access import clock
from ui import cached, charts, widgets
from ui.committee import common as cui
from ui.context import page_context
from ui.format import day
from ui.i18n import join, md_escape, t
from ui.kpi import card

SHOW = "cdash_show"
UNIT = "cdash_unit"
PROJECT = "cdash_project"
NAMES = "cdash_names"  # names of the units and projects picked by a click: {("unit"|"project", id): name}
ITEM_SHOWS = ["all", "claimed", "unclaimed", "complete", "overdue", "behind", "stale"]
SHOWS = ["units", *ITEM_SHOWS, "agreements"]

ctx = page_context()
ctx.require("committee.read")
today = clock.today()
size = ctx.settings.page_size
tolerance = ctx.settings.committee.behind_tolerance
st.title(t("cdash.title"))
st.caption(t("cdash.intro"))

c1, c2 = st.columns([3, 1])
with c1:
    community = cui.community_picker(ctx, "cdash_community", allow_all=True)
with c2:
    year = cui.year_picker("cdash_year")
chosen = None if community is None else (community,)
data = cached.read(ctx.engine, "committee_dashboard", actor=ctx.actor, community_ids=chosen, year=year, today=today,
                   tolerance=tolerance)


def show(what: str, unit_id: int | None = None, project_id: int | None = None, name: str | None = None) -> None:
    """Callback: open the records behind a figure (of one unit or project when given)."""
    st.session_state[SHOW] = what
    st.session_state[UNIT] = unit_id or widgets.ALL
    st.session_state[PROJECT] = project_id or widgets.ALL
    if name is not None:
        kind, chosen_id = ("unit", unit_id) if unit_id is not None else ("project", project_id)
        st.session_state.setdefault(NAMES, {})[(kind, chosen_id)] = name


def figure(what: str, title: str, value, *, kind: str, definition: str, why_empty: str, note: str = "") -> None:
    """A KPI card, a line under it and the button that opens its records."""
    card(title, value, kind=kind, definition=definition, why_empty=why_empty)
    st.caption(note or "\u00a0")  # a line in every card's column keeps the buttons level
    st.button(t("cdash.open"), key=f"cdash_open_{what}", icon=":material/zoom_in:", on_click=show, args=(what,),
              width="stretch")


nothing = data.listed == 0
why_no_items = t("cdash.why_no_items", year=year)
cols = st.columns(4)
with cols[0]:
    figure("claimed", t("cdash.claim_rate"), None if nothing else data.claim_rate, kind="rate",
           definition=t("cdash.def_claim_rate"), why_empty=why_no_items,
           note=t("cdash.claimed_of", claimed=f"{data.claimed:,}", listed=f"{data.listed:,}"))
with cols[1]:
    figure("complete", t("cdash.completion"), None if nothing else data.completion, kind="rate",
           definition=t("cdash.def_completion"), why_empty=why_no_items,
           note=t("cdash.complete_of", complete=f"{data.complete:,}", listed=f"{data.listed:,}"))
with cols[2]:
    figure("units", t("cdash.units"), data.units or None, kind="count", definition=t("cdash.def_units"),
           why_empty=t("cdash.why_no_units"))
with cols[3]:
    figure("agreements", t("cdash.agreements"), data.agreements_signed if data.units else None, kind="count",
           definition=t("cdash.def_agreements", year=year), why_empty=t("cdash.why_no_units"),
           note=t("cdash.unsigned_count", count=f"{data.agreements_due:,}") if data.agreements_due
           else (t("cdash.all_signed") if data.units else ""))
if not nothing:  # 完成度 and 已完成 count differently: say how, next to the figures
    st.caption(t("cdash.completion_vs_complete"))
cols = st.columns(4)
with cols[0]:
    figure("overdue", t("cdash.overdue"), None if nothing else data.overdue, kind="count",
           definition=t("cdash.def_overdue"), why_empty=why_no_items)
with cols[1]:
    figure("behind", t("cdash.behind"), None if nothing else data.behind, kind="count",
           definition=t("cdash.def_behind", tolerance=f"{tolerance:.0%}"), why_empty=why_no_items)
with cols[2]:
    figure("stale", t("cdash.stale"), None if nothing else data.stale, kind="count",
           definition=t("cdash.def_stale"), why_empty=why_no_items)
with cols[3]:
    figure("unclaimed", t("cdash.unclaimed"), None if nothing else data.listed - data.claimed, kind="count",
           definition=t("cdash.def_unclaimed"), why_empty=why_no_items)

meetings = [t("cdash.meetings", count=data.meetings_held, year=year) if data.meetings_held
            else t("cdash.no_meetings", year=year)]
if data.last_meeting_day:
    meetings.append(t("cdash.last_meeting", day=day(data.last_meeting_day)))
if data.next_meeting_day:
    meetings.append(t("cdash.next_meeting", day=day(data.next_meeting_day)))
st.caption(" · ".join(meetings))

if nothing and not data.units:
    st.info(t("cdash.empty", year=year), icon=":material/info:")
    st.stop()

# --- progress by unit and by project ------------------------------------------------------------------------------

by_unit: pd.DataFrame = data.by_unit
by_project: pd.DataFrame = data.by_project


def unit_name(unit: object, community_name: object) -> str:
    return f"{unit} · {community_name}" if community is None else str(unit)


def on_chart(key: str, field: str, what: str, names: dict[int, str]) -> None:
    """Callback of a click on a chart's bar: show that unit's or project's items."""
    chosen_id = charts.picked(st.session_state.get(key), field)
    if chosen_id is not None:
        show(what, name=names.get(chosen_id), **{field: chosen_id})


left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("cdash.by_unit"))
    rated = by_unit.dropna(subset=["fulfilment"])
    if rated.empty:
        st.info(t("cdash.no_claims"), icon=":material/info:")
    else:
        names = {int(i): unit_name(u, c) for i, u, c in zip(rated["unit_id"], rated["unit"], rated["community"],
                                                            strict=True)}
        chart = pd.DataFrame({"name": list(names.values()), "unit_id": list(names), "fulfilment": rated["fulfilment"]})
        if data.ranked_units > len(by_unit):
            st.caption(t("cdash.top_units", count=len(by_unit), total=f"{data.ranked_units:,}"))
        st.altair_chart(charts.progress_bars(chart, category="name", value="fulfilment",
                                          category_title=t("cfield.unit"), value_title=t("cfield.fulfilment"),
                                          key_field="unit_id",
                                          order=list(chart["name"])),
                        width="stretch", key="cdash_unit_chart", selection_mode=[charts.PICK],
                        on_select=partial(on_chart, "cdash_unit_chart", "unit_id", "claimed", names))
with right:
    st.subheader(t("cdash.by_project"))
    progressing = by_project.dropna(subset=["progress"])
    if progressing.empty:
        st.info(t("cdash.no_projects", year=year), icon=":material/info:")
    else:
        names = {int(i): unit_name(p, c) for i, p, c in zip(progressing["project_id"], progressing["project"],
                                                            progressing["community"], strict=True)}
        chart = pd.DataFrame({"name": list(names.values()), "project_id": list(names),
                              "progress": progressing["progress"]})
        if data.projects > len(by_project):
            st.caption(t("cdash.top_projects", count=len(by_project), total=f"{data.projects:,}"))
        st.altair_chart(charts.progress_bars(chart, category="name", value="progress",
                                          category_title=t("cfield.project"), value_title=t("cfield.progress"),
                                          key_field="project_id",
                                          order=list(chart["name"])),
                        width="stretch", key="cdash_project_chart", selection_mode=[charts.PICK],
                        on_select=partial(on_chart, "cdash_project_chart", "project_id", "all", names))
st.caption(t("cdash.chart_hint"))

# --- the records behind the figures -------------------------------------------------------------------------------

st.subheader(t("cdash.records"))
if st.session_state.get(SHOW) not in SHOWS:
    st.session_state[SHOW] = "units"
what = st.segmented_control(t("cdash.show"), SHOWS, key=SHOW, required=True,
                            format_func=lambda s: t(f"cdash.show_{s}"))

if what == "units":
    st.caption(t("cdash.ranking_hint"))
    page_key = "cdash_units_page"
    ranking, total = cached.read(ctx.engine, "committee_unit_ranking", actor=ctx.actor, community_ids=chosen, year=year,
                                 offset=widgets.page_offset(page_key, size), limit=size, today=today)
    if total == 0:
        st.info(t("cdash.why_no_units"), icon=":material/info:")
    else:
        widgets.pager(total, size, page_key, len(ranking))
        page_rows = [(int(i), unit_name(u, c)) for i, u, c in zip(ranking["unit_id"], ranking["unit"],
                                                                  ranking["community"], strict=True)]

        def open_unit() -> None:
            rows = st.session_state["cdash_units_table"].selection.rows
            if rows and rows[0] < len(page_rows):
                unit_id, name = page_rows[rows[0]]
                show("claimed", unit_id=unit_id, name=name)

        columns = ["rank", "unit", *(["community"] if community is None else []), "claims", "fulfilment"]
        st.dataframe(ranking[columns], hide_index=True, key="cdash_units_table", on_select=open_unit,
                     selection_mode="single-row", width="stretch", column_config={
                         "rank": st.column_config.NumberColumn(t("cfield.rank"), format="%d"),
                         "unit": st.column_config.TextColumn(t("cfield.unit")),
                         "community": st.column_config.TextColumn(t("cfield.community")),
                         "claims": st.column_config.NumberColumn(t("cfield.claims"), format="%d"),
                         "fulfilment": widgets.share_column(t("cfield.fulfilment"))})
elif what == "agreements":
    if community is None:
        st.info(t("cdash.agreements_pick_community"), icon=":material/info:")
    else:
        agreements = cached.read(ctx.engine, "committee_agreements", actor=ctx.actor, community_id=community,
                                 year=year)
        if agreements.empty:
            st.info(t("cdash.why_no_units"), icon=":material/info:")
        else:
            unsigned = cui.unsigned(agreements)
            if unsigned.empty:
                st.success(t("units.all_signed", year=year), icon=":material/verified:")
            else:
                st.warning(t("units.unsigned", year=year, count=len(unsigned),
                             names=join(md_escape(n) for n in unsigned["unit"])), icon=":material/warning:")
            cui.agreements_table(agreements, key="cdash_agreements_table")
else:
    units: dict[int, str] = {}
    projects: dict[int, str] = {}
    if community is not None:
        listed = cached.read(ctx.engine, "committee_units", actor=ctx.actor, community_id=community, year=year)
        units = {int(i): str(n) for i, n in zip(listed["id"], listed["name"], strict=True)}
        listed = cached.read(ctx.engine, "committee_projects", actor=ctx.actor, community_id=community, year=year)
        projects = {int(i): str(n) for i, n in zip(listed["id"], listed["name"], strict=True)}
    else:
        units = {int(i): unit_name(u, c) for i, u, c in zip(by_unit["unit_id"], by_unit["unit"], by_unit["community"],
                                                            strict=True)}
        projects = {int(i): unit_name(p, c) for i, p, c in zip(by_project["project_id"], by_project["project"],
                                                               by_project["community"], strict=True)}
    picked_names = st.session_state.get(NAMES, {})
    for key, kind, known in ((UNIT, "unit", units), (PROJECT, "project", projects)):
        current = st.session_state.get(key)
        if current and current not in known and (kind, current) in picked_names:  # clicked beyond the top ones
            known[current] = picked_names[(kind, current)]
    f1, f2 = st.columns(2)
    with f1:
        unit_id = widgets.filter_box(t("cfield.unit"), units, UNIT, t("common.all"))
    with f2:
        project_id = widgets.filter_box(t("cfield.project"), projects, PROJECT, t("common.all"))
    page_key = f"cdash_items_page_{what}_{unit_id}_{project_id}"
    items, total = cached.read(ctx.engine, "committee_items", actor=ctx.actor, community_ids=chosen, year=year,
                               show=what, unit_id=unit_id, project_id=project_id, today=today,
                               offset=widgets.page_offset(page_key, size), limit=size, tolerance=tolerance)
    if total == 0:
        st.info(t(f"cdash.none_{what}"), icon=":material/info:")
    else:
        widgets.pager(total, size, page_key, len(items))
        cui.items_table(items, key="cdash_items_table", with_community=community is None)
