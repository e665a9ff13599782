"""Building blocks of the council's record pages (overview, councils, topics, decisions): labels of the stored codes,
the decision table, the vote of a stored decision in words, a topic's chain as a vertical timeline, and pure Altair
builders for decisions per quarter and participation."""

from __future__ import annotations

import html
from dataclasses import dataclass

import altair as alt
import pandas as pd
import streamlit as st

from data_access import clock
from domain.council.rules import Vote, VotingRule
from ui import widgets
from ui.charts import ACCENT, SECOND
from ui.context import PageContext
from ui.council.common import vote_text
from ui.format import day, num, pct
from ui.i18n import labels, t

CHAIN = ("opinion", "topic", "discussion", "decision", "notice", "follow_up", "review")
DECISION_SHOWS = ("all", "passed", "in_notice", "overdue", "due_for_review", "reviewed", "not_carried")
OPEN_STAGES = ("raised", "discussed", "rejected")  # a topic that may still be withdrawn (no passing vote yet)
TONES = {"passed": "good", "carried_out": "good", "partly": "warn", "rejected": "bad", "invalid": "bad",
         "not": "bad"}
TONE_COLOURS = {"good": "#1e8449", "warn": "#ca6f1e", "bad": "#c0392b", "plain": "#5d6d7e"}
QUARTER_SERIES = ("passed", "carried_out", "partly")
SERIES_COLOURS = {"passed": SECOND, "carried_out": "#1e8449", "partly": "#e67e22"}


# --- labels ------------------------------------------------------------------------------------------------------


def code_label(prefix: str, code: object) -> str:
    """The label of a stored code (council.<prefix>_<code>); — when there is none."""
    return t(f"council.{prefix}_{code}") if widgets.known(code) and code else t("common.none")


def meeting_kinds(ctx: PageContext) -> dict[str, str]:
    return labels(ctx.settings.council.meeting_kinds)


def seats(ctx: PageContext) -> dict[str, str]:
    return labels(ctx.settings.council.seats)


def council_kinds(ctx: PageContext) -> dict[str, str]:
    return labels(ctx.settings.council.kinds)


def period(start: object, end: object) -> str:
    """"2026-05-01 ~ 2026-05-08"; — when neither is known."""
    if not widgets.known(start) and not widgets.known(end):
        return t("common.none")
    return f"{widgets.day_or_none(start)} ~ {widgets.day_or_none(end)}"


def as_date(value: object):
    """A DataFrame date cell as a datetime.date (None when empty)."""
    if not widgets.known(value):
        return None
    return value.date() if isinstance(value, pd.Timestamp) else value


def year_picker(key: str) -> int:
    """The year whose meetings and decisions are counted: this year by default."""
    this_year = clock.today().year
    years = list(range(this_year + 1, this_year - 5, -1))
    names = {y: t("council_page.year_value", year=y) for y in years}  # a fixed mapping: see code_labels
    return st.selectbox(t("council_page.year"), years, index=1, key=key, format_func=names.get)


def rate_text(rate: object) -> str:
    return f"{float(rate):.0%}" if widgets.known(rate) else t("common.none")


# --- figures -----------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A KPI card that opens its records: `key` names its button; a value None shows "—" and `why_empty`."""

    key: str
    title: str
    value: float | int | None
    definition: str
    kind: str = "count"  # or "rate"
    note: str = ""
    why_empty: str = ""


def figure_row(figures: list[Figure], on_open, *, button_label: str, prefix: str = "cov_open_") -> None:
    """The cards side by side (equal height, the note inside), under them a row of buttons that open each one's
    records (on_open(figure.key); button keys `prefix` + key), and under those the reason of every figure that
    could not be computed."""
    for col, fig in zip(st.columns(len(figures)), figures, strict=True):
        with col:
            text = pct(fig.value) if fig.kind == "rate" else num(fig.value, "#,##0")
            note = fig.note if fig.value is not None or not fig.why_empty else t("council_page.no_value")
            st.metric(fig.title, text, delta=note or None, delta_color="off", delta_arrow="off", border=True,
                      height="stretch", help=fig.definition)
    for col, fig in zip(st.columns(len(figures)), figures, strict=True):
        col.button(button_label, key=f"{prefix}{fig.key}", icon=":material/zoom_in:", on_click=on_open,
                   args=(fig.key,), width="stretch")
    for fig in figures:
        if fig.value is None and fig.why_empty:
            st.caption(f"{fig.title}：{fig.why_empty}")


# --- decisions ---------------------------------------------------------------------------------------------------


def follow_up_text(matter_number: object, need_id: object) -> str:
    """What carries the decision out: the 365 matter's number and/or the joint committee's need."""
    parts = []
    if widgets.known(matter_number) and matter_number:
        parts.append(t("council_page.follow_matter", number=matter_number))
    if widgets.known(need_id):
        parts.append(t("council_page.follow_need"))
    return "；".join(parts) if parts else t("common.none")


def decision_state(status: object, overdue: object, outcome: object) -> str:
    """"通过 · 超期", "通过 · 已落实", "通过 · 部分落实 · 超期"."""
    parts = [code_label("decision", status)]
    if widgets.known(outcome) and outcome:
        parts.append(code_label("outcome", outcome))
    if widgets.known(overdue) and bool(overdue):
        parts.append(t("council_page.overdue_flag"))
    return " · ".join(parts)


DECISION_COLUMNS = ["community", "council", "meeting_day", "topic", "text", "state", "owner", "due", "notice",
                    "follow_up"]


def decisions_view(df: pd.DataFrame) -> pd.DataFrame:
    """data_access.council.queries.decisions rows as the table shows them (labels, days, follow-up in words)."""
    return pd.DataFrame({
        "community": df["community"].fillna(""), "council": df["council"].fillna(""),
        "meeting_day": [widgets.day_or_none(v) for v in df["meeting_day"]],
        "topic": df["topic"].fillna(t("common.none")), "text": df["text"].fillna(""),
        "state": [decision_state(s, o, r) for s, o, r in zip(df["status"], df["overdue"], df["outcome"], strict=True)],
        "owner": df["owner"].fillna(t("common.none")), "due": [widgets.day_or_none(v) for v in df["due"]],
        "notice": [period(a, b) for a, b in zip(df["notice_start"], df["notice_end"], strict=True)],
        "follow_up": [follow_up_text(m, n) for m, n in zip(df["matter_number"], df["need_id"], strict=True)]})


def decisions_table(df: pd.DataFrame, *, key: str, with_community: bool = False, on_select="ignore") -> int | None:
    """Decisions (data_access.council.queries.decisions) with their state, owner, due, notice and follow-up; rows
    selectable with an `on_select` callback, or ("rerun") returning the position of the row picked."""
    shown = [c for c in DECISION_COLUMNS if with_community or c != "community"]
    config = {c: st.column_config.TextColumn(t(f"council_page.col_{c}")) for c in shown}
    config["text"] = st.column_config.TextColumn(t("council_page.col_text"), width="large")
    selection = {"on_select": on_select, "selection_mode": "single-row"} if on_select != "ignore" else {}
    event = st.dataframe(decisions_view(df)[shown], hide_index=True, width="stretch", key=key, column_config=config,
                         **selection)
    rows = event.selection.rows if on_select == "rerun" and event is not None else []
    return rows[0] if rows and rows[0] < len(df) else None


def open_decision(row: dict) -> None:
    """Open a decision's panel on the decisions page from another page (row: id and meeting_id)."""
    st.session_state["cdec_selected"] = (int(row["id"]), int(row["meeting_id"]))
    st.switch_page("pages/council/decisions.py")


def stored_vote_text(ctx: PageContext, kind: str | None, row: dict) -> str:
    """The vote of a stored decision in words, as decided then (its status, not a recount under today's rule)."""
    try:
        rule = ctx.settings.council.rule(kind) if kind else None
    except KeyError:
        rule = None
    rule = rule or VotingRule()
    votes_for, against, abstain = (int(row.get(k) or 0) for k in ("votes_for", "against", "abstain"))
    passed = row.get("status") == "passed"
    return vote_text(rule, votes_for=votes_for, against=against, abstain=abstain,
                     quorum_met=bool(row.get("quorum_met", row.get("status") != "invalid")),
                     vote=Vote(base=0, votes_for=votes_for, needed=0, passed=passed))


# --- the topic's chain -------------------------------------------------------------------------------------------


def status_label(step: str, status: object) -> str:
    """A step's status: a decision's (通过) or a review's outcome (已落实)."""
    if not widgets.known(status) or not status:
        return ""
    if step == "review":
        return code_label("outcome", status)
    if step == "decision":
        return code_label("decision", status)
    return ""


def timeline_entries(steps: pd.DataFrame, *, kinds: dict[str, str], source: str | None = None,
                     source_text: str = "", raised_on=None) -> list[dict]:
    """The chain opinions -> topic -> discussion -> decision -> notice -> follow-up -> review, each step with the
    rows that reached it (day, meeting kind, text, status) or one greyed entry when it was not reached. A topic
    not raised at an opinion meeting shows where it came from (a 365 matter, a member) as its first step."""
    entries = []
    for step in CHAIN:
        rows = steps[steps["step"] == step] if not steps.empty else steps
        if rows.empty and step == "opinion" and source and source != "opinion":
            entries.append({"step": step, "label": t("council_page.step_source"), "day": day(raised_on)
                            if raised_on else "", "kind": code_label("source", source), "text": source_text,
                            "status": "", "tone": "plain", "reached": True})
            continue
        if rows.empty:
            entries.append({"step": step, "label": t(f"council_page.step_{step}"), "day": "", "kind": "",
                            "text": t("council_page.step_not_reached"), "status": "", "tone": "plain",
                            "reached": False})
            continue
        for row in rows.to_dict("records"):
            kind = row.get("meeting_kind")
            status = row.get("status")
            entries.append({
                "step": step, "label": t(f"council_page.step_{step}"), "day": widgets.day_or_none(row.get("day")),
                "kind": kinds.get(kind, str(kind)) if widgets.known(kind) and kind else "",
                "text": str(row["text"]) if widgets.known(row.get("text")) else "",
                "status": status_label(step, status),
                "tone": TONES.get(status, "plain") if widgets.known(status) else "plain", "reached": True})
    return entries


def timeline_html(entries: list[dict]) -> str:
    """The entries as a vertical timeline (inline styles only; every text escaped). Steps not reached are grey."""
    parts = ['<div class="council-timeline" style="margin:0.25rem 0 1rem 0.5rem;">']
    last = len(entries) - 1
    for index, entry in enumerate(entries):
        reached = entry["reached"]
        colour = TONE_COLOURS[entry["tone"]] if reached else "#bfc5cc"
        dot = (f"background:{colour};border:3px solid {colour};" if reached
               else "background:transparent;border:3px solid #bfc5cc;")
        line = "border-left:3px solid " + ("transparent;" if index == last else "#d5d8dc;")
        badge = ""
        if entry["status"]:
            badge = (f'<span style="margin-left:0.5rem;padding:0.05rem 0.55rem;border-radius:0.8rem;font-size:0.85rem;'
                     f'color:#fff;background:{colour};">{html.escape(entry["status"])}</span>')
        meta = " · ".join(html.escape(x) for x in (entry["day"], entry["kind"]) if x)
        meta_html = (f'<span style="margin-left:0.6rem;color:#5d6d7e;font-size:0.95rem;">{meta}</span>'
                     if meta else "")
        opacity = "1" if reached else "0.55"
        parts.append(
            f'<div class="council-step step-{html.escape(entry["step"])} {"reached" if reached else "pending"}" '
            f'style="position:relative;padding:0 0 1.1rem 1.6rem;margin-left:0.55rem;{line}opacity:{opacity};">'
            f'<span style="position:absolute;left:-0.62rem;top:0.1rem;width:0.95rem;height:0.95rem;'
            f'border-radius:50%;box-sizing:border-box;{dot}"></span>'
            f'<div style="font-size:1.08rem;"><b>{html.escape(entry["label"])}</b>{meta_html}{badge}</div>'
            f'<div style="white-space:pre-wrap;margin-top:0.2rem;color:{"inherit" if reached else "#7f8c8d"};">'
            f'{html.escape(entry["text"])}</div></div>')
    parts.append("</div>")
    return "".join(parts)


# --- charts ------------------------------------------------------------------------------------------------------


def quarter_bars(df: pd.DataFrame, *, names: dict[str, str], quarter_names: dict[int, str], quarter_title: str,
                 count_title: str, series_title: str) -> alt.Chart:
    """Grouped bars per quarter: one bar per series (`names`: column -> legend label), labelled with the count."""
    long = df.melt(id_vars="quarter", value_vars=list(names), var_name="series", value_name="count")
    long["quarter_name"] = long["quarter"].map(lambda q: quarter_names.get(int(q), str(q)))
    long["series_name"] = long["series"].map(names)
    long["count"] = long["count"].fillna(0).astype(int)
    order = [quarter_names[q] for q in sorted(quarter_names)]
    series = list(names.values())
    colours = [SERIES_COLOURS.get(code, ACCENT) for code in names]
    base = alt.Chart(long).encode(
        x=alt.X("quarter_name:N", title=quarter_title, sort=order, axis=alt.Axis(labelAngle=0)),
        xOffset=alt.XOffset("series_name:N", sort=series),
        y=alt.Y("count:Q", title=count_title, axis=alt.Axis(tickMinStep=1)),
        tooltip=[alt.Tooltip("quarter_name:N", title=quarter_title), alt.Tooltip("series_name:N", title=series_title),
                 alt.Tooltip("count:Q", title=count_title)])
    bars = base.mark_bar(cornerRadiusEnd=3).encode(
        color=alt.Color("series_name:N", title=series_title, sort=series,
                        scale=alt.Scale(domain=series, range=colours), legend=alt.Legend(orient="top")))
    text = base.mark_text(dy=-8).encode(text=alt.Text("count:Q"))
    return (bars + text).properties(height=300)
