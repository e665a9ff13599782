"""The secretary's overview (书记总览): KPIs, pipeline, trend, splits, overdue list, for a period and community."""


import pandas as pd
import streamlit as st

from data_access import clock
from data_access.service.kpis import month_end, months_back
from data_access.service.queries import MatterFilter
from domain.service.kpi import Counts, compute
from domain.service.workflow import Step
from ui import cached, charts
from ui.context import page_context
from ui.format import pct
from ui.i18n import join, labels, md_escape, t
from ui.kpi import card
from ui.service.tables import matter_table
from ui.widgets import filter_box, open_record

ctx = page_context()
ctx.require("overview.read")
cfg = ctx.settings
today = clock.today()
st.title(t("overview.title"))


PRESETS = {"month": 0, "quarter": 2, "year": today.month - 1, "12m": 11}
communities = dict(cached.read(ctx.engine, "communities", actor=ctx.actor))
c1, c2, c3 = st.columns([4, 2, 2])  # the periods' names in English need the room
with c1:
    preset = st.segmented_control(t("overview.period"), [*PRESETS, "custom"], default="12m", key="overview_period",
                                  format_func=lambda p: t(f"overview.period_{p}"), required=True)
with c2:
    if preset == "custom":
        months = [months_back(today, n) for n in range(36)]
        m1, m2 = st.columns(2)
        start = m1.selectbox(t("overview.month_from"), months, index=11, key="overview_from",
                             format_func=lambda d: f"{d:%Y-%m}")
        end = m2.selectbox(t("overview.month_to"), months, index=0, key="overview_to",
                           format_func=lambda d: f"{d:%Y-%m}")
        if end < start:
            start, end = end, start
        end = min(month_end(end), today)
    else:
        start, end = months_back(today, PRESETS[preset]), today
        st.caption(t("overview.period_months", start=f"{start:%Y-%m}", end=f"{end:%Y-%m}"))
with c3:
    community = filter_box(t("overview.community"), communities, "overview_community", t("overview.all_communities"))

chosen = None if community is None else (community,)
data = cached.read(ctx.engine, "overview", chosen, start, end, actor=ctx.actor, today=today)
counts = data.counts
kpis = compute(counts, count_basic=cfg.satisfaction_counts_basic)

# --- what needs action first: the overdue matters (only for roles that read matters: the list names them) ---------

if ctx.can("matter.read"):
    st.subheader(t("overview.overdue"))
    overdue, n_overdue = cached.read(ctx.engine, "overdue", MatterFilter(community_ids=chosen), actor=ctx.actor,
                                     today=today)
    if n_overdue == 0:
        st.success(t("overview.no_overdue"), icon=":material/task_alt:")
    else:
        st.caption(t("overview.overdue_count", count=f"{n_overdue:,}", shown=len(overdue)))
        selected = matter_table(overdue, cfg, key="overview_overdue")
        if selected is not None:
            open_record("pages/service/matter.py", selected)

# --- then the period's figures and charts --------------------------------------------------------------------------

cols = st.columns(6)
satisfaction_def = "def_satisfaction_rate_basic" if cfg.satisfaction_counts_basic else "def_satisfaction_rate_strict"
with cols[0]:
    card(t("overview.accepted"), counts.accepted if counts.accepted else None, kind="count",
         definition=t("overview.def_accepted"), why_empty=t("overview.why_no_matters"))
with cols[1]:
    card(t("overview.closure_rate"), kpis.closure_rate, definition=t("overview.def_closure_rate"),
         why_empty=t("overview.why_no_matters"), good=cfg.good_rate)
with cols[2]:
    card(t("overview.on_time_rate"), kpis.on_time_rate, definition=t("overview.def_on_time_rate"),
         why_empty=t("overview.why_no_due"), good=cfg.good_rate)
with cols[3]:
    card(t("overview.satisfaction_rate"), kpis.satisfaction_rate, definition=t(f"overview.{satisfaction_def}"),
         why_empty=t("overview.why_no_rated"), good=cfg.satisfaction_floor)
with cols[4]:
    card(t("overview.reopen_rate"), kpis.reopen_rate, definition=t("overview.def_reopen_rate"),
         why_empty=t("overview.why_no_rated"), good=1 - cfg.good_rate, higher_is_better=False)
with cols[5]:
    card(t("overview.avg_days"), kpis.avg_handling_days, kind="days", definition=t("overview.def_avg_days"),
         why_empty=t("overview.why_no_closed"))

if counts.accepted == 0:
    st.info(t("overview.empty"), icon=":material/info:")
else:
    satisfaction = data.communities
    if not satisfaction.empty:
        shares = {row.community: compute(Counts(evaluations=row.evaluations, satisfied=row.satisfied,
                                                basic=row.basic), count_basic=cfg.satisfaction_counts_basic)
                  .satisfaction_rate for row in satisfaction.itertuples()}
        below = [name for name, share in shares.items() if share is not None and share < cfg.satisfaction_floor]
        floor = pct(cfg.satisfaction_floor)
        if below:
            st.warning(t("overview.below_floor", floor=floor, names=join(map(md_escape, below))),
                       icon=":material/warning:")
        else:
            st.success(t("overview.all_above_floor", floor=floor), icon=":material/verified:")

    left, right = st.columns(2, gap="large")
    with left:
        st.subheader(t("overview.pipeline"))
        found = data.steps.set_index("code")["count"]
        steps = pd.DataFrame({"name": [t(f"step.{s}") for s in Step],
                              "count": [int(found.get(int(s), 0)) for s in Step]})
        st.altair_chart(charts.bars(steps, category="name", value="count", category_title=t("field.step"),
                                    value_title=t("overview.count"), horizontal=False,
                                    sort=list(steps["name"])), width="stretch")
    with right:
        st.subheader(t("overview.trend"))
        trend = data.months
        st.altair_chart(charts.monthly(trend, month_title=t("overview.month"), count_title=t("overview.count"),
                                       series_title=t("overview.series"),
                                       names={"accepted": t("overview.trend_accepted"),
                                              "closed": t("overview.trend_closed")}), width="stretch")
    splits = [("channel", data.channels, cfg.channels), ("mode", data.modes, cfg.modes),
              ("category", data.categories, cfg.categories)]
    for column, (field, split, options) in zip(st.columns(3, gap="large"), splits, strict=True):
        with column:
            st.subheader(t(f"overview.by_{field}"))
            names = labels(options)
            split = split.assign(name=split["code"].map(lambda c, n=names: n.get(c, c)))
            st.altair_chart(charts.bars(split, category="name", value="count", category_title=t(f"field.{field}"),
                                        value_title=t("overview.count")), width="stretch")
