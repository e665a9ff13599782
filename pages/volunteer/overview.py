"""The volunteer overview (志愿服务总览) of a year: volunteers registered and active, teams, orders by step, the
average time to take and to sign off, sign-off and satisfaction rates, hours by team and by month, points issued and
redeemed, and the honour roll (光荣榜) by hours. Every figure opens the records behind it: the orders page or the
volunteers page with the figure's filter in the address."""

from datetime import date

import pandas as pd
import streamlit as st

from data_access import clock
from domain.volunteer.orders import Step
from ui import cached, charts
from ui.context import page_context
from ui.format import num, pct
from ui.i18n import t
from ui.volunteer.common import community_picker, step_label

ctx = page_context()
ctx.require("volunteer.read")
cfg = ctx.settings
today = clock.today()
st.title(t("page.volunteer_overview"))
st.caption(t("volunteer_ov.intro"))

c1, c2 = st.columns([3, 1])
with c1:
    community = community_picker(ctx, "vov_community", allow_all=True)
with c2:
    years = list(range(today.year, today.year - 6, -1))
    if st.session_state.get("vov_year") not in years:
        st.session_state["vov_year"] = today.year
    year = st.selectbox(t("volunteer_ov.year"), years, key="vov_year")
start, end = date(year, 1, 1), min(date(year, 12, 31), today) if year == today.year else date(year, 12, 31)
chosen = None if community is None else (community,)
data = cached.read(ctx.engine, "volunteer_overview", actor=ctx.actor, community_ids=chosen,
                   start=start, end=end)
if data is None or (data.registered == 0 and data.requested == 0 and data.teams == 0):
    manage = ctx.can("volunteer.manage", community) if community is not None else ctx.can("volunteer.manage")
    st.info(t("volunteer_ov.empty_manage") if manage else t("volunteer_ov.empty_read"), icon=":material/info:")
    st.stop()
period = {"from": start.isoformat(), "to": end.isoformat()}
community_arg = {} if community is None else {"community": str(community)}


def to_orders(**params: str) -> None:
    st.switch_page("pages/volunteer/orders.py", query_params={**community_arg, **params})


def to_volunteers(status: str) -> None:
    st.switch_page("pages/volunteer/volunteers.py", query_params={**community_arg, "status": status})


def figure_row(figures: list[tuple]) -> None:
    """Cards side by side (equal height), and under them a row with the button that opens each one's records
    (figures without records to open get none): (key, title, value, definition, note, go)."""
    for col, (_, title, value, help_text, note, _go) in zip(st.columns(4), figures, strict=False):
        col.metric(title, value, delta=note, delta_color="off", delta_arrow="off", border=True, help=help_text,
                   height="stretch")
    if any(go for *_, go in figures):
        for col, (key, *_, go) in zip(st.columns(4), figures, strict=False):
            if go is not None and col.button(t("volunteer_ov.open"), key=f"vov_open_{key}",
                                             icon=":material/zoom_in:", width="stretch"):
                go()


def minutes(value: float | None) -> str:
    if value is None:
        return t("common.none")
    return t("volunteer_ov.hours_short", hours=num(value / 60, "#,##0.0")) if value >= 60 else \
        t("volunteer_ov.minutes_short", minutes=num(value, "#,##0"))


st.markdown(f"#### {t('volunteer_ov.people')}")
figure_row([
    ("registered", t("volunteer_ov.registered"), num(data.registered, "#,##0"), t("volunteer_ov.def_registered"),
     None, lambda: to_volunteers("registered")),
    ("active", t("volunteer_ov.active"), num(data.active, "#,##0"),
     t("volunteer_ov.def_active", days=cfg.volunteer.active_days),
     t("volunteer_ov.share_of", share=pct(data.active / data.registered)) if data.registered else None,
     lambda: to_volunteers("active")),
    ("party", t("volunteer_ov.party_members"), num(data.party_members, "#,##0"), t("volunteer_ov.def_party"), None,
     lambda: to_volunteers("party")),
    ("teams", t("volunteer_ov.teams"), num(data.teams, "#,##0"), t("volunteer_ov.def_teams"), None, None)])

st.markdown(f"#### {t('volunteer_ov.orders', year=year)}")
open_now = sum(data.by_step[s.code] for s in (Step.REQUESTED, Step.DISPATCHED, Step.TAKEN, Step.SERVED))
figure_row([
    ("requested", t("volunteer_ov.requested"), num(data.requested, "#,##0"),
     t("volunteer_ov.def_requested", year=year), t("volunteer_ov.open_note", open=open_now),
     lambda: to_orders(**period)),
    ("late", t("volunteer_ov.late_now"), num(data.late_now, "#,##0"),
     t("volunteer_ov.def_late", hours=cfg.volunteer.take_within_hours), None,
     lambda: to_orders(step="dispatched", late="1")),
    ("flagged", t("volunteer_ov.flagged"), num(data.flagged, "#,##0"), t("volunteer_ov.def_flagged"), None,
     lambda: to_orders(flagged="1", **period)),
    ("signed", t("volunteer_ov.sign_off_rate"), pct(data.sign_off_rate), t("volunteer_ov.def_sign_off"),
     t("volunteer_ov.signed_note", signed=data.by_step["signed"] + data.by_step["rated"]),
     lambda: to_orders(step="signed", **period))])
figure_row([
    ("take", t("volunteer_ov.avg_take"), minutes(data.avg_take_minutes), t("volunteer_ov.def_take"), None, None),
    ("sign", t("volunteer_ov.avg_sign"), minutes(data.avg_sign_minutes), t("volunteer_ov.def_sign"), None, None),
    ("satisfaction", t("volunteer_ov.satisfaction"), pct(data.satisfaction_rate),
     t("volunteer_ov.def_satisfaction_basic" if cfg.satisfaction_counts_basic else "volunteer_ov.def_satisfaction"),
     None, lambda: to_orders(step="rated", **period)),
    ("hours", t("volunteer_ov.hours"), num(data.hours, "#,##0.0"), t("volunteer_ov.def_hours"), None,
     lambda: to_orders(step="signed", **period))])
figure_row([
    ("issued", t("volunteer_ov.points_issued"), num(data.points_issued, "#,##0"), t("volunteer_ov.def_issued"), None,
     None),
    ("redeemed", t("volunteer_ov.points_redeemed"), num(data.points_redeemed, "#,##0"), t("volunteer_ov.def_redeemed"),
     None, (lambda: st.switch_page("pages/volunteer/store.py")) if ctx.can("store.redeem") else None)])

# --- charts: a click on a bar opens its orders -----------------------------------------------------------------
g1, g2 = st.columns(2)
with g1:
    st.markdown(f"##### {t('volunteer_ov.by_step')}")
    steps = [s for s in Step]
    by_step = pd.DataFrame({"code": [s.code for s in steps], "step": [step_label(s) for s in steps],
                            "orders": [data.by_step[s.code] for s in steps]})
    chart = charts.bars(by_step, category="step", value="orders", category_title=t("volunteer_ov.step"),
                        value_title=t("volunteer_ov.orders_count"), sort=list(by_step["step"]), key_field="code")
    event = st.altair_chart(chart, width="stretch", on_select="rerun", key="vov_steps")
    if step_picked := charts.picked_code(event, "code"):
        to_orders(step=step_picked, **period)
with g2:
    st.markdown(f"##### {t('volunteer_ov.by_month')}")
    months = pd.DataFrame({"month": [f"{year}-{m:02d}" for m in range(1, 13)]})
    months = months.merge(data.hours_by_month, on="month", how="left").fillna({"hours": 0.0})
    months["label"] = [t("volunteer_ov.month_label", month=int(m[5:])) for m in months["month"]]
    chart = charts.bars(months, category="label", value="hours", category_title=t("volunteer_ov.month"),
                        value_title=t("volunteer_ov.hours_axis"), horizontal=False, sort=list(months["label"]),
                        key_field="month")
    event = st.altair_chart(chart, width="stretch", on_select="rerun", key="vov_months")
    if month_picked := charts.picked_code(event, "month"):
        to_orders(step="signed", month=month_picked)

g3, g4 = st.columns(2)
with g3:
    st.markdown(f"##### {t('volunteer_ov.by_team')}")
    if data.hours_by_team.empty:
        st.caption(t("volunteer_ov.no_hours"))
    else:
        teams = data.hours_by_team.head(15).copy()
        teams["team"] = [n if n else t("volunteer_ov.no_team") for n in teams["team"]]
        teams["team_id"] = teams["team_id"].fillna(0).astype(int)
        chart = charts.bars(teams, category="team", value="hours", category_title=t("volunteer_ov.team"),
                            value_title=t("volunteer_ov.hours_axis"), key_field="team_id")
        event = st.altair_chart(chart, width="stretch", on_select="rerun", key="vov_teams")
        team_picked = charts.picked(event, "team_id")
        if team_picked:
            to_orders(step="signed", team=str(team_picked), **period)
with g4:
    st.markdown(f"##### {t('volunteer_ov.honour')}")
    if data.honour.empty:
        st.caption(t("volunteer_ov.no_hours"))
    else:
        honour = pd.DataFrame({"rank": range(1, len(data.honour) + 1), "name": data.honour["name"],
                               "team": data.honour["team"].fillna(t("common.none")),
                               "hours": data.honour["hours"].astype(float)})
        ids = [int(i) for i in data.honour["volunteer_id"]]

        def open_volunteer() -> None:
            picked_rows = st.session_state["vov_honour"].selection.rows
            if picked_rows and picked_rows[0] < len(ids):
                st.session_state["vov_go_volunteer"] = ids[picked_rows[0]]

        st.dataframe(honour, hide_index=True, width="stretch", key="vov_honour", on_select=open_volunteer,
                     selection_mode="single-row",
                     column_config={"rank": st.column_config.NumberColumn(t("volunteer_ov.rank"), format="%d"),
                                    "name": st.column_config.TextColumn(t("volunteer_ov.name")),
                                    "team": st.column_config.TextColumn(t("volunteer_ov.team")),
                                    "hours": st.column_config.ProgressColumn(
                                        t("volunteer_ov.hours_total"), format="%.1f", min_value=0.0,
                                        max_value=float(honour["hours"].max()))})
        st.caption(t("volunteer_ov.honour_hint"))
        go = st.session_state.pop("vov_go_volunteer", None)
        if go:
            st.switch_page("pages/volunteer/volunteers.py", query_params={**community_arg, "id": str(go)})
