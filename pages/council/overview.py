"""The councils' overview (议事总览): meetings of the 三会一评 held in the year by kind, decisions passed, in notice,
overdue and due for review, the carried-out and participation rates; decisions per quarter, participation per seat
and per member; every figure opens its records below (the overdue decisions first)."""

from datetime import date

import pandas as pd
import streamlit as st

from data_access import clock
from ui import cached, charts, widgets
from ui.context import page_context
from ui.council import records as cr
from ui.council.common import community_picker
from ui.format import day
from ui.i18n import t

SHOW = "cov_show"
KIND = "cov_kind"
SEAT = "cov_seat"
SHOWS = ["overdue", "in_notice", "due_for_review", "passed", "reviewed", "not_carried", "meetings", "participation"]

YEARLY = ("passed", "reviewed", "not_carried")  # figures counted over the decisions made in the chosen year

ctx = page_context()
ctx.require("council.read")
today = clock.today()
size = ctx.settings.page_size
st.title(t("page.council_overview"))
st.caption(t("council_page.ov_intro"))

c1, c2 = st.columns([3, 1])
with c1:
    community = community_picker(ctx, "cov_community", allow_all=True)
with c2:
    year = cr.year_picker("cov_year")
chosen = None if community is None else (community,)
data = cached.read(ctx.engine, "council_overview", actor=ctx.actor, community_ids=chosen, year=year, today=today)
kinds = cr.meeting_kinds(ctx)
seat_names = cr.seats(ctx)

if not data.councils:
    manage = ctx.can("council.manage", community) if community is not None else ctx.can("council.manage")
    st.info(t("council_page.ov_empty_manage") if manage else t("council_page.ov_empty_read"), icon=":material/info:")
    st.stop()

st.caption(t("council_page.ov_facts", councils=data.councils, members=data.members, topics=data.topics_open,
             day=day(today)))


def show(what: str) -> None:
    """Callback: open the records behind a figure (a meeting kind's figure: that kind's meetings)."""
    if what in kinds:
        st.session_state[SHOW], st.session_state[KIND] = "meetings", what
    else:
        st.session_state[SHOW] = what
    if what == "participation":
        st.session_state[SEAT] = widgets.ALL


open_label = t("council_page.open")
st.markdown(f"#### {t('council_page.ov_meetings', year=year)}")
cr.figure_row([cr.Figure(code, name, int(data.meetings.get(code, 0)),
                         t("council_page.def_meetings", kind=name, year=year)) for code, name in kinds.items()],
              show, button_label=open_label)
st.markdown(f"#### {t('council_page.ov_decisions')}")
cr.figure_row([
    cr.Figure("passed", t("council_page.kpi_passed"), data.passed, t("council_page.def_passed", year=year),
              note=t("council_page.passed_of", decisions=data.decisions, invalid=data.invalid)),
    cr.Figure("in_notice", t("council_page.kpi_in_notice"), data.in_notice, t("council_page.def_in_notice")),
    cr.Figure("overdue", t("council_page.kpi_overdue"), data.overdue, t("council_page.def_overdue")),
    cr.Figure("due_for_review", t("council_page.kpi_due_for_review"), data.due_for_review,
              t("council_page.def_due_for_review")),
    cr.Figure("reviewed", t("council_page.kpi_carried_out_rate"), data.carried_out_rate,
              t("council_page.def_carried_out_rate"), kind="rate", why_empty=t("council_page.why_no_reviews"),
              note=t("council_page.carried_out_of", carried_out=data.carried_out, reviewed=data.reviewed)),
    cr.Figure("participation", t("council_page.kpi_participation"), data.participation,
              t("council_page.def_participation", year=year), kind="rate",
              why_empty=t("council_page.why_no_meetings", year=year))], show, button_label=open_label)

# --- decisions per quarter and participation per seat ------------------------------------------------------------

left, right = st.columns(2, gap="large")
with left:
    st.subheader(t("council_page.ov_quarterly", year=year))
    quarters = cached.read(ctx.engine, "council_quarterly", actor=ctx.actor, community_ids=chosen, year=year)
    if quarters.empty or not int(quarters["decisions"].sum()):
        st.info(t("council_page.no_decisions_year", year=year), icon=":material/info:")
    else:
        names = {s: t(f"council_page.series_{s}") for s in cr.QUARTER_SERIES}
        quarter_names = {q: t("council_page.quarter", quarter=q) for q in range(1, 5)}
        st.altair_chart(cr.quarter_bars(quarters, names=names, quarter_names=quarter_names,
                                        quarter_title=t("council_page.quarter_axis"),
                                        count_title=t("council_page.decision_count"),
                                        series_title=t("council_page.series")), width="stretch",
                        key="cov_quarter_chart")
        st.caption(t("council_page.quarterly_note"))
by_member, by_seat = cached.read(ctx.engine, "council_participation", actor=ctx.actor, community_ids=chosen,
                                 year=year)
with right:
    st.subheader(t("council_page.ov_by_seat", year=year))
    rated = by_seat.dropna(subset=["rate"]) if not by_seat.empty else by_seat
    if rated.empty:
        st.info(t("council_page.why_no_meetings", year=year), icon=":material/info:")
    else:
        seat_codes = [str(s) for s in rated["seat"]]
        chart = pd.DataFrame({"name": [seat_names.get(s, s) for s in seat_codes],
                              "seat_index": [list(seat_names).index(s) if s in seat_names else -1
                                             for s in seat_codes],
                              "rate": rated["rate"].astype(float)}).sort_values("rate")

        def on_seat() -> None:
            picked = charts.picked(st.session_state.get("cov_seat_chart"), "seat_index")
            if picked is not None and 0 <= picked < len(seat_names):
                st.session_state[SHOW] = "participation"
                st.session_state[SEAT] = picked + 1  # 0 is "all" in the filter

        st.altair_chart(charts.progress_bars(chart, category="name", value="rate",
                                          category_title=t("council_page.seat"), value_title=t("council_page.rate"),
                                          key_field="seat_index",
                                          order=list(chart["name"])),
                        width="stretch", key="cov_seat_chart", selection_mode=[charts.PICK], on_select=on_seat)
        st.caption(t("council_page.seat_hint"))

# --- the records behind the figures -------------------------------------------------------------------------------

st.subheader(t("council_page.records"))
if st.session_state.get(SHOW) not in SHOWS:
    st.session_state[SHOW] = "overdue"
show_names = {s: t(f"council_page.show_{s}") for s in SHOWS}  # a fixed mapping: see ui.council_meeting.code_labels
what = st.segmented_control(t("council_page.show"), SHOWS, key=SHOW, required=True, format_func=show_names.get)

if what == "meetings":
    kind = widgets.filter_box(t("council_page.meeting_kind"), kinds, KIND, t("common.all"))
    page_key = f"cov_meetings_page_{kind}"
    rows, total = cached.read(ctx.engine, "council_meetings", actor=ctx.actor, community_ids=chosen, kind=kind,
                              status="closed", date_from=date(year, 1, 1), date_to=date(year, 12, 31),
                              offset=widgets.page_offset(page_key, size), limit=size)
    if total == 0:
        st.info(t("council_page.no_meetings_kind", year=year), icon=":material/info:")
    else:
        widgets.pager(total, size, page_key, len(rows))
        view = pd.DataFrame({
            "day": [widgets.day_or_none(v) for v in rows["day"]], "community": rows["community"].fillna(""),
            "council": rows["council"].fillna(""), "kind": [kinds.get(k, k) for k in rows["kind"]],
            "place": rows["place"].fillna(t("common.none")), "chair": rows["chair"].fillna(t("common.none")),
            "attendance": [t("council_page.attendance_value", present=int(p), expected=int(e))
                           for p, e in zip(rows["present"].fillna(0), rows["expected"].fillna(0), strict=True)],
            "topics": rows["topics"].fillna(0).astype(int), "decisions": rows["decisions"].fillna(0).astype(int)})
        shown = [c for c in view.columns if community is None or c != "community"]
        config = {c: st.column_config.TextColumn(t(f"council_page.col_{c}")) for c in shown}
        config |= {c: st.column_config.NumberColumn(t(f"council_page.col_{c}"), format="%d")
                   for c in ("topics", "decisions")}
        st.dataframe(view[shown], hide_index=True, width="stretch", key="cov_meetings_table", column_config=config)
        st.caption(t("council_page.meetings_hint"))
elif what == "participation":
    seat_options = {i + 1: name for i, name in enumerate(seat_names.values())}
    seat_pick = widgets.filter_box(t("council_page.seat"), seat_options, SEAT, t("common.all"))
    members_view = by_member
    if seat_pick is not None and not members_view.empty:
        members_view = members_view[members_view["seat"] == list(seat_names)[seat_pick - 1]]
    if members_view.empty:
        st.info(t("council_page.why_no_meetings", year=year), icon=":material/info:")
    else:
        ordered = members_view.assign(_none=members_view["rate"].isna()).sort_values(["_none", "rate", "name"])
        view = pd.DataFrame({"name": ordered["name"], "council": ordered["council"],
                             "seat": [seat_names.get(s, s) for s in ordered["seat"]],
                             "expected": ordered["expected"].fillna(0).astype(int),
                             "present": ordered["present"].fillna(0).astype(int),
                             "excused": ordered["excused"].fillna(0).astype(int),
                             "rate": ordered["rate"].astype(float)})
        st.caption(t("council_page.participation_hint", count=len(view)))
        st.dataframe(view, hide_index=True, width="stretch", key="cov_members_table", column_config={
            "name": t("council_page.col_member"), "council": t("council_page.col_council"),
            "seat": t("council_page.seat"),
            "expected": st.column_config.NumberColumn(t("council_page.col_expected"), format="%d"),
            "present": st.column_config.NumberColumn(t("council_page.col_present"), format="%d"),
            "excused": st.column_config.NumberColumn(t("council_page.col_excused"), format="%d"),
            "rate": widgets.share_column(t("council_page.rate"))})
else:
    in_year = what in YEARLY  # the year's figures list the year's decisions; the others are as of today
    page_key = f"cov_decisions_page_{what}_{year if in_year else ''}"
    rows, total = cached.read(ctx.engine, "council_decisions", actor=ctx.actor, community_ids=chosen, show=what,
                              today=today, year=year if in_year else None, offset=widgets.page_offset(page_key, size),
                              limit=size)
    if in_year:
        st.caption(t("council_page.decided_in_year", year=year))
    if total == 0:
        st.info(t(f"council_page.none_{what}"), icon=":material/info:")
    else:
        widgets.pager(total, size, page_key, len(rows))
        st.caption(t("council_page.decisions_hint"))
        picked_row = cr.decisions_table(rows, key="cov_decisions_table", with_community=community is None,
                                        on_select="rerun")
        if picked_row is not None:  # drill down: the decision's panel on its page
            st.session_state["cdec_selected"] = (int(rows["id"].iloc[picked_row]),
                                                 int(rows["meeting_id"].iloc[picked_row]))
            st.switch_page("pages/council/decisions.py")
