"""The big screen's slides as HTML, and the browser component that shows them (screen.js, screen.css): rotation,
pause, arrow keys and the clock run in the browser; Python only sends new figures. Every name typed by a user is
escaped here, so nothing on a slide is markup that came from the database."""

from __future__ import annotations

import html
from pathlib import Path
from urllib.parse import urlsplit

import streamlit as st

from data_access import clock
from data_access.briefing.content import Briefing
from data_access.briefing.service import Figure
from domain.briefing.changes import Change
from domain.personal import mask_name
from i18n.briefing_words import COUNCIL_LABELS, SERVICE_LABELS, VOLUNTEER_LABELS, alert_text, period_words
from ui.briefing.cards import ARROWS, change_text, value_text
from ui.format import money, num, pct
from ui.i18n import labels, lang, t

HERE = Path(__file__).parent
COMPONENT = st.components.v2.component("gongzhi_screen", html="", css=(HERE / "screen.css").read_text(),
                                        js=(HERE / "screen.js").read_text())
LOCALES = {"zh": "zh-CN", "en": "en-GB"}
RANKED = 10  # communities on the ranking slide
ALERTS = 8   # lines on the alerts slide
LONG_VALUE = 11  # characters of a value beyond which it is set smaller, to stay inside its panel


def _e(text: object) -> str:
    return html.escape(str(text))


def _change(moved: Change, rate: bool, *, label: str) -> str:
    css = {True: "good", False: "bad", None: "none"}[moved.good]
    return f'<div class="change {css}">{ARROWS.get(moved.direction or "", "")} {_e(label)} ' \
           f'{_e(change_text(moved, rate=rate))}</div>'


def _figure(label: str, value: str, *, below: str = "", hero: bool = False) -> str:
    long = " long" if len(value) > LONG_VALUE else ""  # a city's money: ¥123,456,789.00
    return f'<div class="fig{" hero" if hero else ""}{long}"><div class="label">{_e(label)}</div>' \
           f'<div class="value">{_e(value)}</div>{below}</div>'


def _compared(figure: Figure, label: str, *, hero: bool = False, snapshot: bool = False,
              shown: str | None = None) -> str:
    below = f'<div class="note">{_e(t("briefing.snapshot"))}</div>' if snapshot else \
        _change(figure.vs_last_year, figure.rate, label=t("briefing.vs_last_year"))
    return _figure(label, value_text(figure) if shown is None else shown, below=below, hero=hero)


def _slide(name: str, title: str, body: str, *, small: str = "") -> dict:
    heading = f"<h2>{_e(title)}{f'<small>{_e(small)}</small>' if small else ''}</h2>"
    return {"name": name, "html": f'<section class="slide {name}">{heading}{body}</section>'}


def _overview(b: Briefing, period: str) -> dict:
    parts = [_compared(b.figure("accepted"), t("overview.accepted"), hero=True),
             _compared(b.figure("satisfaction_rate"), t("overview.satisfaction_rate"), hero=True),
             _compared(b.figure("overdue"), t("briefing.overdue"), hero=True, snapshot=True)]
    if b.committee is not None:
        parts.append(_figure(t("briefing.completion"), pct(b.committee.completion), hero=True,
                             below=f'<div class="note">{_e(t("briefing.year_figure", year=b.committee.year))}</div>'))
    elif b.council is not None:
        parts.append(_compared(b.figure("passed"), t("briefing.passed"), hero=True))
    empty = "" if b.figure("accepted").value else f'<div class="note">{_e(t("screen.no_matters"))}</div>'
    grid = f'<div class="grid g{len(parts)}">{"".join(parts)}</div>'
    return _slide("overview", t("screen.slide_overview"), grid + empty, small=period)


def _bars(b: Briefing) -> str:
    months = b.months.tail(12)
    if months.empty or not months["accepted"].sum():
        return ""
    top = max(int(months["accepted"].max()), 1)
    bars = "".join(f'<div style="height:{max(int(n) / top * 100, 1):.1f}%" title="{int(n)}"></div>'
                   for n in months["accepted"])
    axis = "".join(f"<span>{_e(str(m)[5:7])}</span>" for m in months["month"])
    return f'<div class="note">{_e(t("screen.monthly_accepted"))}</div><div class="bars">{bars}</div>' \
           f'<div class="axis">{axis}</div>'


def _service(b: Briefing, period: str) -> dict:
    cells = "".join(_compared(f, t(SERVICE_LABELS[f.key]), snapshot=f.key == "overdue") for f in b.service)
    return _slide("service", t("briefing.service"), f'<div class="grid g3">{cells}</div>{_bars(b)}', small=period)


def _committee(b: Briefing) -> dict:
    c = b.committee
    cells = [_figure(t("briefing.claim_rate"), pct(c.claim_rate), hero=True),
             _figure(t("briefing.completion"), pct(c.completion), hero=True),
             _figure(t("briefing.behind"), num(c.behind, "#,##0"), hero=True,
                     below=f'<div class="note">{_e(t("briefing.of_which_overdue", count=num(c.overdue, "#,##0")))}'
                           f'</div>'),
             _figure(t("briefing.agreements"), num(c.signed, "#,##0"), hero=True,
                     below=f'<div class="note">{_e(t("briefing.of_units", units=num(c.units, "#,##0")))}</div>')]
    return _slide("committee", t("briefing.committee"), f'<div class="grid g4">{"".join(cells)}</div>',
                  small=t("briefing.year_figure", year=c.year))


def _council(b: Briefing, period: str, kind_labels: dict[str, str]) -> dict:
    cells = "".join(_compared(f, t(COUNCIL_LABELS[f.key]), snapshot=f.key in ("in_notice", "overdue"), hero=True)
                    for f in b.council)
    kinds = " · ".join(f"{label} {b.meeting_kinds[code]}" for code, label in kind_labels.items()
                       if b.meeting_kinds.get(code)) or t("briefing.none_held")
    return _slide("council", t("briefing.council"), f'<div class="grid g5">{cells}</div>'
                  f'<div class="note">{_e(kinds)}</div>', small=period)


def _volunteer(b: Briefing, period: str, *, public: bool) -> dict:
    """Nine figures in three rows beside the honour roll; on a screen opened by a display link (no login) the
    volunteers' names are masked as on the public sign-off page."""
    v = b.volunteer
    cells = "".join(_compared(f, t(VOLUNTEER_LABELS[f.key]), snapshot=f.key in ("active", "late")) for f in v.figures)
    empty = "" if v.figure("requested").value or v.figure("signed").value else \
        f'<div class="note">{_e(t("briefing_volunteer.no_orders"))}</div>'
    if v.honour.empty:
        roll = f'<div class="note">{_e(t("briefing_volunteer.no_honour"))}</div>'
    else:
        def row(rank: int, r: dict) -> str:
            name = mask_name(r["name"]) if public else r["name"]
            team = f"<small>{_e(r['team'])}</small>" if r["team"] else ""
            served = t("briefing_volunteer.honour_hours", hours=num(r["hours"], "#,##0.#"))
            return f'<li><span class="rank">{rank}</span><span class="who">{_e(name)}{team}</span>' \
                   f'<span class="hrs">{_e(served)}</span></li>'

        roll = "<ol>" + "".join(row(rank, r) for rank, r in enumerate(v.honour.to_dict("records"), start=1)) + "</ol>"
    honour = f'<div class="honour"><div class="label">{_e(t("briefing_volunteer.honour"))}</div>{roll}</div>'
    return _slide("volunteer", t("briefing_volunteer.title"),
                  f'<div class="split"><div class="grid g3">{cells}</div>{honour}</div>{empty}', small=period)


def _fund(b: Briefing, period: str) -> dict:
    """The funds' balance today, the period's income and spending with 同比, and the requests waiting today."""
    f = b.fund
    today = f'<div class="note">{_e(t("briefing.snapshot"))}</div>'
    cells = [_figure(t("briefing_fund.balance"), money(f.balance_fen),
                     below=f'<div class="note">{_e(t("briefing_fund.funds_note", count=num(f.funds, "#,##0")))}'
                           f'</div>'),
             _compared(f.income, t("briefing_fund.income"), shown=money(f.income.value)),
             _compared(f.spending, t("briefing_fund.spending"), shown=money(f.spending.value)),
             *(_figure(t(f"briefing_fund.{key}"), num(getattr(f, key), "#,##0"), below=today)
               for key in ("waiting", "to_pay", "large"))]
    empty = "" if f.funds else f'<div class="note">{_e(t("briefing_fund.no_funds"))}</div>'
    return _slide("fund", t("briefing_fund.title"), f'<div class="grid g3">{"".join(cells)}</div>{empty}',
                  small=period)


def _ranking(b: Briefing, period: str) -> dict:
    rows = b.ranking.sort_values(["accepted", "community_id"], ascending=[False, True]).head(RANKED)
    if rows.empty:
        return _slide("ranking", t("briefing.ranking"), f'<div class="message">{_e(t("screen.no_communities"))}</div>')
    head = "<th></th>" + "".join(f"<th>{_e(t(k))}</th>" for k in ("briefing.community", "overview.accepted",
                                                     "overview.closure_rate", "overview.satisfaction_rate",
                                                     "briefing.overdue"))
    body = "".join(f'<tr><td class="rank">{rank}</td><td class="name">{_e(r["community"])}</td>'
                   f'<td>{_e(num(r["accepted"], "#,##0"))}</td><td>{_e(pct(r["closure_rate"]))}</td>'
                   f'<td>{_e(pct(r["satisfaction_rate"]))}</td><td>{_e(num(r["overdue"], "#,##0"))}</td></tr>'
                   for rank, r in enumerate(rows.to_dict("records"), start=1))
    more = len(b.ranking) - len(rows)
    note = f'<div class="note">{_e(t("screen.more_communities", count=more))}</div>' if more > 0 else ""
    return _slide("ranking", t("briefing.ranking"), f"<table><tr>{head}</tr>{body}</table>{note}", small=period)


def _alerts(b: Briefing) -> dict:
    if not b.alerts:
        return _slide("alerts", t("briefing.alerts"),
                      f'<div class="calm">✓ {_e(t("briefing.no_alerts", floor=pct(b.floor)))}</div>')
    lines = "".join(f"<li>{_e(alert_text(lang(), a, floor=b.floor))}</li>" for a in b.alerts[:ALERTS])
    more = len(b.alerts) - ALERTS
    note = f'<div class="note">{_e(t("screen.more_alerts", count=more))}</div>' if more > 0 else ""
    return _slide("alerts", t("briefing.alerts"), f'<ul class="alerts">{lines}</ul>{note}')


def slides(b: Briefing, names: tuple[str, ...], kind_labels: dict[str, str], *, public: bool = False) -> list[dict]:
    """The chosen slides in their order, each {name, html}; an area the scope may not read has no slide. `public`:
    the screen was opened by a display link, without login (volunteers' names are masked)."""
    period = period_words(lang(), b.period)
    made = {"overview": lambda: _overview(b, period), "service": lambda: _service(b, period),
            "committee": lambda: _committee(b) if b.committee is not None else None,
            "council": lambda: _council(b, period, kind_labels) if b.council is not None else None,
            "volunteer": lambda: _volunteer(b, period, public=public) if b.volunteer is not None else None,
            "fund": lambda: _fund(b, period) if b.fund is not None else None,
            "ranking": lambda: _ranking(b, period), "alerts": lambda: _alerts(b)}
    return [slide for slide in (made[name]() for name in names) if slide is not None]


def message(title: str, detail: str) -> list[dict]:
    """One slide that only says something (a revoked link, no data)."""
    return [{"name": "message", "html": f'<div class="message">{_e(title)}<p>{_e(detail)}</p></div>'}]


def show(slide_list: list[dict], *, title: str, theme: str, interval: int, refresh: int, updated: str,
         offline: bool = False, notes: list[str] | None = None) -> None:
    """Mount (or feed new figures to) the screen component."""
    if notes:
        banner = f'<div class="notes">{"".join(f"<div>{_e(n)}</div>" for n in notes)}</div>'
        slide_list = [{**s, "html": banner + s["html"]} for s in slide_list]
    COMPONENT(key="screen", data={
        "slides": slide_list, "title": title, "theme": theme, "intervalMs": interval * 1000,
        "refreshMs": refresh * 1000, "servedAt": int(clock.now().timestamp() * 1000), "updated": updated,
        "offline": offline, "locale": LOCALES[lang()], "zone": str(clock.ZONE),
        "words": {"paused": t("screen.paused"), "offline": t("screen.offline")}})


def screen_url(token: str, settings) -> str:
    """A display link's address on this server as the browser reached it (config's base_url when unknown)."""
    parts = urlsplit(st.context.url or "")
    prefix = "/".join(p for p in (st.get_option("server.baseUrlPath") or "").split("/") if p)
    base = f"{parts.scheme}://{parts.netloc}{'/' + prefix if prefix else ''}" if parts.netloc \
        else settings.briefing.base_url
    return f"{base}/?display={token}"


def kind_labels(settings) -> dict[str, str]:
    return labels(settings.council.meeting_kinds)
