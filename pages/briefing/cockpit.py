"""领导驾驶舱 (the leadership cockpit): the figures that matter for a period and a scope, each with 环比 and 同比, the
communities ranked by every figure, and the alerts."""

from functools import partial

import streamlit as st

from data_access import clock
from data_access.briefing import content
from data_access.briefing.documents import briefing_docx
from data_access.briefing.presentation import briefing_pptx
from data_access.briefing.service import Figure, first_day
from data_access.service.kpis import month_end
from domain.briefing.changes import Change, Month, Period
from i18n import translate
from i18n.briefing_words import alert_text, briefing_text, period_words
from ui import cached, widgets
from ui.briefing.cards import figure_card
from ui.context import export_actor, page_context
from ui.format import money, pct
from ui.i18n import labels, lang, md_escape, t

ctx = page_context()
ctx.require("briefing.read")
cfg = ctx.settings
today = clock.today()
st.title(t("briefing.title"))

this_month = Month(today.year, today.month)
PRESETS = {"month": 0, "quarter": 2, "year": today.month - 1, "12m": 11}
communities = dict(cached.read(ctx.engine, "communities", actor=ctx.actor))
c1, c2, c3 = st.columns([4, 2, 2])  # the periods' names in English need the room
with c1:
    preset = st.segmented_control(t("overview.period"), [*PRESETS, "custom"], default="year", key="cockpit_period",
                                  format_func=lambda p: t(f"overview.period_{p}"), required=True)
with c2:
    if preset == "custom":
        months = [this_month.plus(-n) for n in range(36)]
        m1, m2 = st.columns(2)
        one = m1.selectbox(t("overview.month_from"), months, index=11, key="cockpit_from", format_func=str)
        other = m2.selectbox(t("overview.month_to"), months, index=0, key="cockpit_to", format_func=str)
        period = Period(min(one, other), max(one, other))
    else:
        period = Period(this_month.plus(-PRESETS[preset]), this_month)
with c3:
    community = widgets.filter_box(t("overview.community"), communities, "cockpit_community", t("briefing.street"))
st.caption(t("briefing.caption", start=str(period.first), end=str(period.last),
             scope=t("briefing.street") if community is None else md_escape(communities[community])))

start_day, end_day = first_day(period.first), min(month_end(first_day(period.last)), today)


def records(key: str, page: str, permission: str, **state) -> None:
    """A link under a figure to the records behind it: the page opens with its filters set to them."""
    if ctx.can(permission) and st.button(t("briefing.records"), key=f"cockpit_open_{key}", type="tertiary",
                                          icon=":material/open_in_new:"):
        st.session_state.update(state)
        st.switch_page(page)


LEDGER = {"ledger_community": community or widgets.ALL, "ledger_grid": widgets.ALL, "ledger_step": widgets.ALL,
          "ledger_channel": widgets.ALL, "ledger_mode": widgets.ALL, "ledger_category": widgets.ALL, "ledger_text": ""}
basic = cfg.satisfaction_counts_basic
briefing = cached.read(ctx.engine, "briefing", period, community, actor=ctx.actor, today=today, settings=cfg)
figures = briefing.service
satisfaction_def = "def_satisfaction_rate_basic" if basic else "def_satisfaction_rate_strict"
CARDS = {  # figure -> (title, definition, why empty)
    "accepted": ("overview.accepted", "overview.def_accepted", "overview.why_no_matters"),
    "closure_rate": ("overview.closure_rate", "overview.def_closure_rate", "overview.why_no_matters"),
    "on_time_rate": ("overview.on_time_rate", "overview.def_on_time_rate", "overview.why_no_due"),
    "satisfaction_rate": ("overview.satisfaction_rate", f"overview.{satisfaction_def}", "overview.why_no_rated"),
    "reopen_rate": ("overview.reopen_rate", "overview.def_reopen_rate", "overview.why_no_rated"),
    "overdue": ("briefing.overdue", "briefing.def_overdue", "briefing.why_no_overdue"),
}

whole_year = period.previous() == period.last_year()  # 环比 would repeat 同比
st.subheader(t("briefing.service"))
for column, figure in zip(st.columns(len(figures)), figures, strict=True):
    title, definition, why_empty = CARDS[figure.key]
    with column:
        overdue = figure.key == "overdue"
        figure_card(figure, title=t(title), definition=t(definition), why_empty=t(why_empty),
                    note=t("briefing.snapshot") if overdue else None, whole_year=whole_year,
                    then=partial(records, figure.key, "pages/service/ledger.py", "matter.read", **LEDGER,
                                 ledger_dates=() if overdue else (start_day, end_day), ledger_overdue=overdue))
if figures[0].value == 0:
    st.info(t("briefing.empty"), icon=":material/info:")

committee = briefing.committee
if committee is not None:
    st.subheader(t("briefing.committee"))
    year = committee.year
    none = Change(None, None, None)
    COMMITTEE_CARDS = [  # figure, title, definition, why empty, note
        (Figure("claim_rate", committee.claim_rate, True, "up", none, none), "briefing.claim_rate",
         "briefing.def_claim_rate", "briefing.why_no_items", t("briefing.year_figure", year=year)),
        (Figure("completion", committee.completion, True, "up", none, none), "briefing.completion",
         "briefing.def_completion", "briefing.why_no_items", t("briefing.year_figure", year=year)),
        (Figure("behind", committee.behind, False, "down", none, none), "briefing.behind",
         "briefing.def_behind", "", t("briefing.of_which_overdue", count=f"{committee.overdue:,}")),
        (Figure("agreements", committee.signed, False, "up", none, none), "briefing.agreements",
         "briefing.def_agreements", "", t("briefing.of_units", units=f"{committee.units:,}")),
    ]
    for column, (figure, title, definition, why_empty, note) in zip(st.columns(len(COMMITTEE_CARDS)),
                                                                     COMMITTEE_CARDS, strict=True):
        with column:
            figure_card(figure, title=t(title), definition=t(definition), why_empty=t(why_empty) if why_empty else "",
                        note=note, key=f"committee_{figure.key}",
                        then=partial(records, f"committee_{figure.key}", "pages/committee/dashboard.py",
                                     "committee.read", cdash_community=community or widgets.ALL, cdash_year=year))

council, kinds = briefing.council, briefing.meeting_kinds
if council is not None:
    st.subheader(t("briefing.council"))
    DECISION_SHOW = {"passed": "passed", "carried_out": "reviewed", "in_notice": "in_notice", "overdue": "overdue"}
    COUNCIL_CARDS = {"meetings": ("briefing.meetings", "briefing.def_meetings"),
                     "passed": ("briefing.passed", "briefing.def_passed"),
                     "carried_out": ("briefing.carried_out", "briefing.def_carried_out"),
                     "in_notice": ("briefing.in_notice", "briefing.def_in_notice"),
                     "overdue": ("briefing.council_overdue", "briefing.def_council_overdue")}
    for column, figure in zip(st.columns(len(council)), council, strict=True):
        title, definition = COUNCIL_CARDS[figure.key]
        with column:
            if figure.key == "meetings":
                link = partial(records, "council_meetings", "pages/council/meetings.py", "council.read",
                               council_meetings_community=community or widgets.ALL)
            else:
                link = partial(records, f"council_{figure.key}", "pages/council/decisions.py", "council.read",
                               cdec_community=community or widgets.ALL, cdec_search="",
                               cdec_show=DECISION_SHOW[figure.key])
            figure_card(figure, title=t(title), definition=t(definition), why_empty="", key=f"council_{figure.key}",
                        note=t("briefing.snapshot") if figure.key in ("in_notice", "overdue") else None,
                        whole_year=whole_year, then=link)
    st.caption(" · ".join(f"{label} {kinds[code]}" for code, label in labels(cfg.council.meeting_kinds).items()
                          if kinds.get(code)) or t("briefing.none_held"))

volunteer = briefing.volunteer
if volunteer is not None:
    st.subheader(t("briefing_volunteer.title"))
    span = {"from": start_day.isoformat(), "to": end_day.isoformat()} | ({} if community is None
                                                                        else {"community": str(community)})
    ORDERS, VOLUNTEERS = "pages/volunteer/orders.py", "pages/volunteer/volunteers.py"
    VOLUNTEER_LINKS = {  # figure -> the page and address of its records (the overview's links)
        "requested": (ORDERS, span), "signed": (ORDERS, span | {"step": "signed"}),
        "sign_off_rate": (ORDERS, span | {"step": "signed"}), "satisfaction_rate": (ORDERS, span | {"step": "rated"}),
        "hours": (ORDERS, span | {"step": "signed"}),
        "active": (VOLUNTEERS, {"status": "active"} | ({} if community is None else {"community": str(community)})),
        "late": (ORDERS, {"step": "dispatched", "late": "1"} | ({} if community is None
                                                               else {"community": str(community)}))}

    def volunteer_records(key: str) -> None:
        if key in VOLUNTEER_LINKS and st.button(t("briefing.records"), key=f"cockpit_open_volunteer_{key}",
                                                 type="tertiary", icon=":material/open_in_new:"):
            page, address = VOLUNTEER_LINKS[key]
            st.switch_page(page, query_params=address)

    why = {"sign_off_rate": "why_no_orders", "satisfaction_rate": "why_no_rated"}
    definitions = {"satisfaction_rate": "def_satisfaction_rate_basic" if basic else "def_satisfaction_rate"}
    for row in (volunteer.figures[:5], volunteer.figures[5:]):
        for column, figure in zip(st.columns(5), row, strict=False):
            snapshot = figure.key in ("active", "late")
            with column:
                figure_card(figure, title=t(f"briefing_volunteer.{figure.key}"), key=f"volunteer_{figure.key}",
                            definition=t(f"briefing_volunteer.{definitions.get(figure.key, f'def_{figure.key}')}",
                                         days=cfg.volunteer.active_days, hours=cfg.volunteer.take_within_hours),
                            why_empty=t(f"briefing_volunteer.{why.get(figure.key, 'why_no_orders')}"),
                            note=t("briefing.snapshot") if snapshot else None, whole_year=whole_year,
                            then=partial(volunteer_records, figure.key))
    st.markdown(f"##### {t('briefing_volunteer.honour')}")
    if volunteer.honour.empty:
        st.caption(t("briefing_volunteer.no_honour"))
    else:
        roll = volunteer.honour.assign(rank=range(1, len(volunteer.honour) + 1))[["rank", "name", "team", "hours"]]
        st.dataframe(roll, hide_index=True, key="cockpit_honour", column_config={
            "rank": st.column_config.NumberColumn(t("volunteer_ov.rank"), format="%d"),
            "name": st.column_config.TextColumn(t("volunteer_ov.name")),
            "team": st.column_config.TextColumn(t("volunteer_ov.team")),
            "hours": st.column_config.NumberColumn(t("volunteer_ov.hours_total"), format="%.1f")})

fund = briefing.fund
if fund is not None:
    st.subheader(t("briefing_fund.title"))
    none = Change(None, None, None)
    FUND_CARDS = [  # figure, value shown, note (None: its changes); money in a row, the requests in another
        (Figure("balance", fund.balance_fen, False, "up", none, none), money(fund.balance_fen),
         t("briefing_fund.funds_note", count=f"{fund.funds:,}")),
        (fund.income, money(fund.income.value), None), (fund.spending, money(fund.spending.value), None),
        *((Figure(key, getattr(fund, key), False, "down", none, none), f"{getattr(fund, key):,}",
           t("briefing.snapshot")) for key in ("waiting", "to_pay", "large"))]
    for column, (figure, shown, note) in zip([*st.columns(3), *st.columns(3)], FUND_CARDS, strict=True):
        with column:
            figure_card(figure, title=t(f"briefing_fund.{figure.key}"), definition=t(f"briefing_fund.def_{figure.key}"),
                        why_empty=t("briefing_fund.why_no_funds"), note=note, whole_year=whole_year,
                        key=f"fund_{figure.key}", shown=shown,
                        then=partial(records, f"fund_{figure.key}", "pages/fund/overview.py", "fund.read",
                                     fov_year=period.last.year, fov_fund=widgets.ALL))
    if not fund.funds:
        st.caption(t("briefing_fund.no_funds"))

st.subheader(t("briefing.alerts"))
alerts = [alert_text(lang(), alert, floor=briefing.floor) for alert in briefing.alerts]
if alerts:
    with st.container(border=True, key="cockpit_alerts"):
        for alert in alerts:
            st.text(f"⚠ {alert}")  # community names are typed by users: shown as text, never Markdown
else:
    st.success(t("briefing.no_alerts", floor=pct(cfg.satisfaction_floor)), icon=":material/check_circle:")

st.subheader(t("briefing.ranking"))
st.caption(t("briefing.ranking_hint"))
rates = ("closure_rate", "on_time_rate", "satisfaction_rate", "reopen_rate")
config = {"community": st.column_config.TextColumn(t("briefing.community")),
          "accepted": st.column_config.NumberColumn(t("overview.accepted"), format="%d"),
          "overdue": st.column_config.NumberColumn(t("briefing.overdue"), format="%d")}
config |= {r: st.column_config.ProgressColumn(t(f"overview.{r}"), min_value=0.0, max_value=1.0, format="percent")
           for r in rates}
st.dataframe(briefing.ranking.drop(columns="community_id").sort_values("accepted", ascending=False), hide_index=True,
             column_config=config, width="stretch", key="cockpit_ranking")
st.subheader(t("briefing.text"))
facts = content.facts(lang(), briefing, labels(cfg.categories))
text_key = f"cockpit_text_{lang()}_{period.first}_{period.last}_{community or 0}"
edited = st.text_area(t("briefing.text_label"), value=briefing_text(lang(), facts), height=300, key=text_key,
                      help=t("briefing.text_help"))  # an edit reruns the page, so the download takes it
language, checked = lang(), export_actor(ctx)
title = translate(language, "briefing_text.docx_title", scope=facts.scope, period=period_words(language, period))
d1, d2 = st.columns(2)
d1.download_button(
    t("briefing.download_docx"), icon=":material/description:", key="cockpit_docx", file_name=f"{title}.docx",
    mime="application/vnd.openxmlformats-officedocument.wordprocessingml.document", width="stretch",
    data=lambda: briefing_docx(ctx.engine, actor=checked(), text=edited, title=title,
                               period=f"{period.first}..{period.last}", lang=language, community_id=community))
d2.download_button(
    t("briefing.download_pptx"), icon=":material/slideshow:", key="cockpit_pptx", file_name=f"{title}.pptx",
    mime="application/vnd.openxmlformats-officedocument.presentationml.presentation", width="stretch",
    data=lambda: briefing_pptx(ctx.engine, actor=checked(), briefing=briefing, text=edited, title=title,
                               lang=language, settings=cfg))
