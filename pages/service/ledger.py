"""The ledger (民情台账): filter, sort and page on the server, highlight overdue rows, open, export."""

import math

import streamlit as st

from data_access import clock
from data_access.service.exports import EXPORT_LIMIT, ledger_xlsx
from data_access.service.queries import SORTS, MatterFilter
from ui import cached
from ui.context import export_actor, page_context
from ui.forms import date_field, search_box
from ui.i18n import labels, lang, t
from ui.service.tables import matter_table
from ui.widgets import ALL, filter_box, open_record

ctx = page_context()
ctx.require("matter.read")
cfg = ctx.settings
today = clock.today()
st.title(t("ledger.title"))

communities = dict(cached.read(ctx.engine, "communities", actor=ctx.actor, permission="matter.read"))
steps = {i: t(f"step.{i}") for i in range(1, 8)}


def choose(label: str, options: dict, key: str):
    return filter_box(label, options, key, t("common.all"))


FILTERS = ("ledger_community", "ledger_grid", "ledger_step", "ledger_channel", "ledger_mode", "ledger_category",
           "ledger_dates", "ledger_overdue")
text = search_box(t("ledger.search"), "ledger_text", limit=100)  # first: what a grid worker on a phone looks up
chosen = sum(1 for k in FILTERS if st.session_state.get(k) not in (None, ALL, (), False))
# folded unless some are in use (a phone would scroll past eight boxes to reach the table); the title counts them
with st.expander(t("ledger.filters_chosen", count=chosen) if chosen else t("ledger.filters"), expanded=chosen > 0,
                 key="ledger_filters", icon=":material/filter_alt:"):
    c1, c2, c3, c4 = st.columns(4)
    with c1:
        community = choose(t("field.community"), communities, "ledger_community")
        grids = dict(cached.read(ctx.engine, "grids", community, actor=ctx.actor))
        grid = choose(t("field.grid"), grids, "ledger_grid")
    with c2:
        step = choose(t("field.step"), steps, "ledger_step")
        channel = choose(t("field.channel"), labels(cfg.channels), "ledger_channel")
    with c3:
        mode = choose(t("field.mode"), labels(cfg.modes), "ledger_mode")
        category = choose(t("field.category"), labels(cfg.categories), "ledger_category")
    with c4:
        dates = date_field(t("ledger.date_range"), value=(), key="ledger_dates")
        overdue_only = st.checkbox(t("ledger.overdue_only"), key="ledger_overdue")

flt = MatterFilter(
    community_ids=None if community is None else (community,), grid_id=grid, step=step, channel=channel, mode=mode,
    category=category, overdue_only=overdue_only, text=text or "",
    date_from=dates[0] if len(dates) > 0 else None, date_to=dates[1] if len(dates) > 1 else None)

c1, c2, c3 = st.columns([2, 1, 3])
with c1:
    sort = st.selectbox(t("ledger.sort"), list(SORTS), key="ledger_sort", format_func=lambda s: t(f"ledger.sort_{s}"))
with c2:
    descending = st.toggle(t("ledger.descending"), value=True, key="ledger_desc")

size = cfg.page_size
total = cached.read(ctx.engine, "count", flt, actor=ctx.actor, today=today)
pages = max(1, math.ceil(total / size))
with c3:
    page = st.number_input(t("ledger.page_input"), min_value=1, max_value=pages, value=1, step=1, key="ledger_page")
df = cached.read(ctx.engine, "ledger", flt, actor=ctx.actor, today=today, page=min(page, pages), page_size=size,
                 sort=sort, descending=descending)

if df.empty:
    st.info(t("common.empty_filtered"), icon=":material/info:")
else:
    st.caption(t("common.page", page=min(page, pages), pages=pages, total=f"{total:,}") + " · " + t("ledger.open_hint"))
    selected = matter_table(df, cfg, key="ledger_table")
    if selected is not None:
        open_record("pages/service/matter.py", selected)

language = lang()  # read here: the file is built on another thread, which has no session
checked = export_actor(ctx)  # the session is checked again when the file is built
unmasked = ctx.can("personal.view") and st.checkbox(t("ledger.export_unmasked"), key="ledger_export_unmasked",
                                                    help=t("ledger.export_unmasked_help"))
st.download_button(
    t("ledger.export"), data=lambda: ledger_xlsx(ctx.engine, flt, actor=checked(), today=today, lang=language,
                                                 settings=cfg, unmasked=unmasked),
    file_name=f"{t('ledger.sheet')}-{today:%Y%m%d}.xlsx", key="ledger_export", icon=":material/download:",
    mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", disabled=total == 0,
    help=t("ledger.export_hint", limit=f"{EXPORT_LIMIT:,}"), on_click="ignore")
if total > EXPORT_LIMIT:
    st.warning(t("ledger.export_too_many", total=f"{total:,}", limit=f"{EXPORT_LIMIT:,}"))
