"""The audit trail (审计日志): filter, page, open an entry to compare before and after, export. Read-only:
there is no way to edit or delete an entry here (the database refuses it anyway).

An entry opens from the table's selection, or from st.session_state["audit_entry_id"] (set by another page or
a test) when no row is selected.
"""

import math

import streamlit as st

from data_access import clock
from data_access.accounts import audit_trail as trail
from data_access.accounts.audit_trail import ACTION_GROUPS, ACTIONS, ENTITIES, EXPORT_LIMIT, AuditFilter
from domain.fields import IDS
from ui import cached
from ui.context import export_actor, page_context
from ui.format import when
from ui.forms import date_field, search_box
from ui.i18n import lang, relabel, t

ctx = page_context()
ctx.require("audit.read")
language = lang()  # read here: the export is built on another thread, which has no session
today = clock.today()
st.title(t("page.audit"))
st.caption(t("audit.intro"))

ALL, NO_COMMUNITY = "", "none"  # "" rather than None: a None option would keep its label after a language switch
CHANGED_STYLE = "background-color: #fdebd0; font-weight: 600"
communities = dict(cached.read(ctx.engine, "audit_communities", actor=ctx.actor))
community_options = [ALL, *communities] + ([NO_COMMUNITY] if trail.street_wide(ctx.actor) else [])
names = {ALL: t("common.all"), NO_COMMUNITY: t("audit.no_community"), **communities}


def action_name(code: str | None) -> str:
    return t("common.all") if not code else trail.action_label(language, code)


def entity_name(code: str | None) -> str:
    return t("common.all") if not code else trail.entity_label(language, code)


def field_name(field: str) -> str:
    text = t(f"field.{field}")
    return field if text == f"field.{field}" else f"{text} · {field}"


with st.expander(t("audit.filters"), expanded=True, icon=":material/filter_alt:"):
    c1, c2, c3 = st.columns(3)
    with c1:
        actor_name = search_box(t("audit.actor"), "audit_actor", limit=40, help=t("audit.actor_help"))
        relabel("audit_action")
        action = st.selectbox(t("audit.action"), [ALL, *ACTION_GROUPS, *ACTIONS], key="audit_action",
                              format_func=action_name, accept_new_options=True)
    with c2:
        relabel("audit_entity")
        entity = st.selectbox(t("audit.entity"), [ALL, *ENTITIES], key="audit_entity", format_func=entity_name)
        entity_id = st.number_input(t("audit.entity_id"), min_value=IDS.low, max_value=IDS.high, value=None, step=1,
                                    key="audit_entity_id")
    with c3:
        relabel("audit_community")
        community = st.selectbox(t("audit.community"), community_options, key="audit_community",
                                 format_func=lambda v: names.get(v, str(v)))
        dates = date_field(t("audit.dates"), value=(), key="audit_dates")

flt = AuditFilter(
    actor_name=actor_name or None, action=action or None, entity=entity or None,
    community_id=community if isinstance(community, int) else None, without_community=community == NO_COMMUNITY,
    entity_id=int(entity_id) if entity_id else None,
    date_from=dates[0] if len(dates) > 0 else None, date_to=dates[1] if len(dates) > 1 else None)

size = ctx.settings.page_size
total = cached.read(ctx.engine, "audit_count", flt, actor=ctx.actor, cap=EXPORT_LIMIT)
shown_total = f"{EXPORT_LIMIT:,}+" if total > EXPORT_LIMIT else f"{total:,}"  # beyond that, narrow by date
pages = max(1, math.ceil(min(total, EXPORT_LIMIT) / size))
page = st.number_input(t("audit.page_input"), min_value=1, max_value=pages, value=1, step=1, key="audit_page")
# the page counts again (up to the cap) to read a page in the older half from the oldest end
df = cached.read(ctx.engine, "audit_page", flt, actor=ctx.actor, page=min(page, pages), page_size=size,
                 count_up_to=EXPORT_LIMIT)

selected_id = None
if df.empty:
    st.info(t("audit.empty"), icon=":material/info:")
else:
    st.caption(t("common.page", page=min(page, pages), pages=pages, total=shown_total) + " · " + t("audit.open_hint"))
    view = df.assign(action=df["action"].map(action_name), entity=df["entity"].map(entity_name),
                     community=df["community"].fillna(t("common.none")))
    config = {"id": st.column_config.NumberColumn(t("audit.col_id"), format="%d"),
              "at": st.column_config.DatetimeColumn(t("audit.col_at"), format="YYYY-MM-DD HH:mm:ss"),
              "actor_name": t("audit.col_actor"), "action": t("audit.col_action"), "entity": t("audit.col_entity"),
              "entity_id": st.column_config.NumberColumn(t("audit.col_entity_id"), format="%d"),
              "community": t("audit.col_community"), "summary": t("audit.col_summary")}
    event = st.dataframe(view, hide_index=True, column_config=config, on_select="rerun",
                         selection_mode="single-row", key="audit_table")
    rows = event.selection.rows if event is not None else []
    if rows and rows[0] < len(df):
        selected_id = int(df.iloc[rows[0]]["id"])

entry_id = selected_id if selected_id is not None else st.session_state.get("audit_entry_id")
if entry_id is not None:
    st.divider()
    shown = trail.entry(ctx.engine, int(entry_id), actor=ctx.actor)
    if shown is None:
        st.warning(t("audit.entry_not_found"), icon=":material/search_off:")
    else:
        st.subheader(t("audit.entry_title", id=shown.id))
        facts = [("audit.col_at", when(shown.at)), ("audit.col_actor", shown.actor_name),
                 ("audit.col_action", f"{action_name(shown.action)} ({shown.action})"),
                 ("audit.col_entity", f"{entity_name(shown.entity)} #{shown.entity_id or t('common.none')}"),
                 ("audit.col_community", shown.community or t("common.none"))]
        for column, (key, value) in zip(st.columns(len(facts)), facts, strict=True):
            with column:
                st.caption(t(key))
                st.text(value)
        if shown.masked:
            st.caption(t("audit.masked_note"))
        compared = trail.side_by_side(shown.before, shown.after)
        if compared.empty:
            st.info(t("audit.no_values"), icon=":material/info:")
        else:
            if st.toggle(t("audit.changed_only"), key="audit_changed_only"):
                compared = compared[compared["changed"]].reset_index(drop=True)
            changed = compared["changed"].to_numpy()
            compared = compared.assign(field=compared["field"].map(field_name))
            styled = compared.style.apply(lambda row: [CHANGED_STYLE if changed[row.name] else ""] * len(row), axis=1)
            st.dataframe(styled, hide_index=True, key="audit_compare", column_config={
                "field": t("audit.col_field"), "before": t("audit.col_before"), "after": t("audit.col_after"),
                "changed": st.column_config.CheckboxColumn(t("audit.col_changed"))})
    if selected_id is None:
        st.button(t("audit.close"), key="audit_close", icon=":material/close:",
                  on_click=lambda: st.session_state.pop("audit_entry_id", None))

st.divider()
checked = export_actor(ctx)  # the session is checked again when the file is built
st.download_button(
    t("audit.export"), data=lambda: trail.trail_xlsx(ctx.engine, flt, actor=checked(), lang=language),
    file_name=f"{t('audit.sheet')}-{today:%Y%m%d}.xlsx", key="audit_export", icon=":material/download:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", disabled=total == 0,
    help=t("audit.export_hint", limit=f"{EXPORT_LIMIT:,}"), on_click="ignore")
if total > EXPORT_LIMIT:
    st.warning(t("audit.export_too_many", total=shown_total, limit=f"{EXPORT_LIMIT:,}"))
