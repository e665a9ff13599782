"""The Word files of a council meeting in the official layout: the minutes (会议纪要) and the public notice of its
decisions (决议公示) for the notice board, and the same notice as a printable HTML page. The layout (A4, margins
3.7/3.5/2.8/2.6 cm, a centred song-style bold title, the body in 仿宋 三号) is the one of the joint committee's
minutes (data_access/committee/minutes.py, whose helpers are reused). Every Word export is written to the audit
trail."""

from __future__ import annotations

import html
from dataclasses import dataclass
from datetime import date, datetime

import pandas as pd
from docx.enum.text import WD_ALIGN_PARAGRAPH
from sqlalchemy import Engine

from data_access import audit, clock
from data_access import config as app_config
from data_access.council.queries import CouncilMeetingDetail, meeting_detail
from data_access.db import transaction
from data_access.documents import (
    body_paragraph,
    day_words,
    docx_bytes,
    field_paragraph,
    heading_paragraph,
    strings,
    text_or_none,
    titled_document,
)
from domain.access import Actor
from domain.council.rules import CHOICES, RATINGS, REVIEW_KINDS, VOTE_KINDS, Vote, VotingRule, quorum
from domain.errors import DomainError
from domain.fields import plain
from domain.settings import Settings
from i18n import translate
from i18n.council_words import quorum_words, vote_words

ENTITY = "council_meeting"
SIGNATURE_LINE = "_" * 16


def minutes_docx(engine: Engine, *, actor: Actor, settings: Settings, meeting_id: int, lang: str = "zh",
                 now: datetime | None = None) -> bytes:
    """The meeting's minutes as .docx bytes, labels in `lang` (zh or en); needs council.read in the meeting's
    community (another community's meeting is not found). Recorded in the audit trail as export.council_minutes."""
    detail = meeting_detail(engine, actor=actor, meeting_id=meeting_id, settings=settings)
    if detail is None:
        raise DomainError("error.not_found")
    data = build_minutes(detail, settings, lang)
    _audit(engine, actor, "export.council_minutes", detail, lang, len(data), now)
    return data


def notice_docx(engine: Engine, *, actor: Actor, meeting_id: int, lang: str = "zh", now: datetime | None = None,
                settings: Settings | None = None) -> bytes:
    """The public notice (决议公示) of the meeting's passed decisions as .docx bytes; needs council.read in the
    meeting's community. DomainError council_error.nothing_to_notice when no decision of the meeting passed.
    Recorded in the audit trail as export.council_notice."""
    detail = meeting_detail(engine, actor=actor, meeting_id=meeting_id, settings=settings)
    if detail is None:
        raise DomainError("error.not_found")
    data = build_notice(detail, lang, settings=settings)
    _audit(engine, actor, "export.council_notice", detail, lang, len(data), now)
    return data


def notice_html(detail: CouncilMeetingDetail, lang: str = "zh", *, settings: Settings | None = None) -> str:
    """The same notice as a printable HTML page (A4, print CSS), for a download or a print preview. Pure: no
    database (settings: config.yaml's when not given). Raises council_error.nothing_to_notice like notice_docx."""
    notice = notice_content(detail, lang, settings=settings)
    e = html.escape
    items = "\n".join(
        "<section class=\"item\">" + f"<p class=\"text\">{e(item.heading)}</p>"
        + "".join(f"<p>{e(line)}</p>" for line in item.lines) + "</section>" for item in notice.items)
    fonts = "'Times New Roman', 'FangSong', 'STFangsong', '仿宋', serif"
    return f"""<!DOCTYPE html>
<html lang="{'en' if lang == 'en' else 'zh-CN'}">
<head>
<meta charset="utf-8">
<title>{e(notice.title)}</title>
<style>
@page {{ size: A4; margin: 3.7cm 2.6cm 3.5cm 2.8cm; }}
body {{ font-family: {fonts}; font-size: 16pt; line-height: 28pt; color: #000; max-width: 15.6cm;
       margin: 2cm auto; }}
h1 {{ font-family: 'FZXiaoBiaoSong-B05S', '方正小标宋简体', 'SimSun', '宋体', serif; font-size: 22pt;
      line-height: 36pt; text-align: center; font-weight: bold; margin: 0 0 24pt; }}
p {{ margin: 0; text-indent: 2em; }}
.item {{ margin: 0; }}
.text {{ font-weight: bold; }}
.issuer, .date {{ text-align: right; text-indent: 0; }}
.issuer {{ margin-top: 28pt; }}
.print {{ position: fixed; top: 1em; right: 1em; font-size: 12pt; }}
@media print {{ .print {{ display: none; }} body {{ margin: 0; max-width: none; }} }}
</style>
</head>
<body>
<button class="print" onclick="window.print()">{e(translate(lang, "council_notice.print"))}</button>
<h1>{e(notice.title)}</h1>
<p>{e(notice.intro)}</p>
{items}
<p>{e(notice.period)}</p>
<p>{e(notice.objection)}</p>
<p class="issuer">{e(notice.issuer)}</p>
<p class="date">{e(notice.date)}</p>
</body>
</html>
"""


# ----------------------------------------------------------------------------------------------- the minutes


def title(detail: CouncilMeetingDetail, settings: Settings | None = None, lang: str = "zh") -> str:
    """The minutes' title, e.g. 幸福里小区联席会议议事决策会会议纪要."""
    return translate(lang, "council_minutes.title", council=detail.council.name,
                     kind=_kind(detail, settings, lang, lower=True))


def build_minutes(detail: CouncilMeetingDetail, settings: Settings | None = None, lang: str = "zh") -> bytes:
    """The .docx bytes of a meeting's minutes (no database access)."""
    t = strings(lang, "council_minutes")
    meeting = detail.meeting
    rule = _rule(detail, settings)
    none = translate(lang, "minutes.none")
    doc = titled_document(title(detail, settings, lang))

    field_paragraph(doc, t("kind"), _kind(detail, settings, lang), lang)
    when = day_words(meeting.day, lang)
    if meeting.start_time is not None:
        when = t("time_value", date=when, start=f"{meeting.start_time:%H:%M}")
    field_paragraph(doc, t("time"), when, lang)
    field_paragraph(doc, t("place"), text_or_none(meeting.place) or none, lang)
    field_paragraph(doc, t("chair"), detail.chair or none, lang)
    field_paragraph(doc, t("recorder"), text_or_none(meeting.recorder) or none, lang)
    names = _attendance(detail)
    q = quorum(rule, members=len(detail.attendance), present=len(names["present"]), excused=len(names["excused"]))
    field_paragraph(doc, t("expected"), t("people", count=q.expected), lang)
    field_paragraph(doc, t("present"), _people(t, names["present"], lang), lang)
    for status in ("absent", "excused"):
        field_paragraph(doc, t(status), _joined(names[status], lang) or none, lang)
    field_paragraph(doc, t("observers"), text_or_none(meeting.observers) or none, lang)
    field_paragraph(doc, t("quorum"), quorum_words(lang, rule, q), lang)

    headings = iter(translate(lang, "council_minutes.numbers").split(","))
    heading = lambda key: heading_paragraph(doc, t("heading", number=next(headings), title=t(key)))  # noqa: E731

    heading("heading_agenda")
    if detail.agenda.empty:
        body_paragraph(doc, none)
    for n, item in enumerate(detail.agenda.itertuples(index=False), start=1):
        if meeting.kind in REVIEW_KINDS and text_or_none(item.decision_text):
            body_paragraph(doc, t("item_review", n=n, text=item.decision_text))
        else:
            body_paragraph(doc, t("item", n=n, topic=text_or_none(item.topic) or none))
        body_paragraph(doc, t("said", minutes=item.minutes) if text_or_none(item.minutes) else t("not_said"))

    if meeting.kind in VOTE_KINDS or not detail.decisions.empty:
        heading("heading_decisions")
        if detail.decisions.empty:
            body_paragraph(doc, none)
        for n, row in enumerate(detail.decisions.itertuples(index=False), start=1):
            body_paragraph(doc, t("decision", n=n, topic=text_or_none(row.topic) or row.text))
            field_paragraph(doc, t("method"), translate(lang, f"council.method_{row.method}"), lang)
            ballots = _ballots(detail, int(row.id), lang)
            if ballots:
                field_paragraph(doc, t("ballots"), ballots, lang)
            field_paragraph(doc, t("result"), _vote_words(lang, rule, row), lang)
            field_paragraph(doc, t("text"), row.text, lang)
            if row.status == "passed":
                field_paragraph(doc, t("owner"), text_or_none(row.owner) or none, lang)
                field_paragraph(doc, t("due"), day_words(_date(row.due), lang), lang)
                field_paragraph(doc, t("notice"), _period(row, lang) or none, lang)

    if meeting.kind in REVIEW_KINDS or not detail.reviews.empty:
        heading("heading_reviews")
        if detail.reviews.empty:
            body_paragraph(doc, none)
        for n, review in enumerate(detail.reviews.itertuples(index=False), start=1):
            body_paragraph(doc, t("item_review", n=n, text=review.decision_text))
            field_paragraph(doc, t("reporter"), review.reporter, lang)
            field_paragraph(doc, t("report"), review.report, lang)
            field_paragraph(doc, t("ratings"), _tally(detail, int(review.id), lang) or none, lang)
            outcome = translate(lang, f"council.outcome_{review.outcome}")
            if text_or_none(review.reason):
                outcome = t("outcome_reason", outcome=outcome, reason=review.reason)
            field_paragraph(doc, t("outcome"), outcome, lang)

    heading("heading_summary")
    body_paragraph(doc, text_or_none(meeting.summary) or none)

    doc.add_paragraph()
    for key in ("sign_chair", "sign_recorder", "sign_members"):
        _signature(doc, t(key))
    return docx_bytes(doc)


# ----------------------------------------------------------------------------------------------- the notice


@dataclass(frozen=True)
class NoticeItem:
    heading: str
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Notice:
    """The words of a public notice, shared by the Word file and the HTML page."""

    title: str
    intro: str
    items: tuple[NoticeItem, ...]
    period: str
    objection: str
    issuer: str
    date: str


def notice_content(detail: CouncilMeetingDetail, lang: str = "zh", *, settings: Settings | None = None) -> Notice:
    """The notice of a meeting's passed decisions; council_error.nothing_to_notice when none passed. The period is
    the earliest start to the latest end of the decisions' notices (each decision names its own when they differ);
    the notice is dated its first day (the meeting day when no notice is set)."""
    t = strings(lang, "council_notice")
    passed = detail.decisions[detail.decisions["status"] == "passed"]
    if passed.empty:
        raise DomainError("council_error.nothing_to_notice")
    rule = _rule(detail, settings)
    none = translate(lang, "minutes.none")
    meeting = detail.meeting
    names = _attendance(detail)
    q = quorum(rule, members=len(detail.attendance), present=len(names["present"]), excused=len(names["excused"]))
    kind = _kind(detail, settings, lang, lower=True)
    periods = {_period(row, lang) for row in passed.itertuples(index=False)}
    items = []
    for n, row in enumerate(passed.itertuples(index=False), start=1):
        lines = [t("result", words=_vote_words(lang, rule, row)), t("owner", owner=text_or_none(row.owner) or none),
                 t("due", due=day_words(_date(row.due), lang))]
        if len(periods) > 1:
            lines.append(t("item_period", period=_period(row, lang) or none))
        items.append(NoticeItem(heading=t("item", n=n, text=row.text), lines=tuple(lines)))
    starts = [d for d in (_date(v) for v in passed["notice_start"]) if d is not None]
    ends = [d for d in (_date(v) for v in passed["notice_end"]) if d is not None]
    period = (translate(lang, "council_minutes.period", start=day_words(min(starts), lang),
                        end=day_words(max(ends), lang)) if starts and ends else none)
    return Notice(
        title=t("title", council=detail.council.name, kind=kind),
        intro=t("intro", date=day_words(meeting.day, lang), council=detail.council.name, kind=kind, expected=q.expected,
                present=q.present),
        items=tuple(items), period=t("period", period=period), objection=t("objection"),
        issuer=detail.council.name, date=day_words(min(starts) if starts else meeting.day, lang))


def build_notice(detail: CouncilMeetingDetail, lang: str = "zh", *, settings: Settings | None = None) -> bytes:
    """The .docx bytes of the notice (no database access)."""
    notice = notice_content(detail, lang, settings=settings)
    doc = titled_document(notice.title)
    body_paragraph(doc, notice.intro)
    for item in notice.items:
        body_paragraph(doc, item.heading)
        for line in item.lines:
            body_paragraph(doc, line)
    body_paragraph(doc, notice.period)
    body_paragraph(doc, notice.objection)
    doc.add_paragraph()
    for text in (notice.issuer, notice.date):
        paragraph = doc.add_paragraph(plain(text))
        paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    return docx_bytes(doc)


# ----------------------------------------------------------------------------------------------- shared


def _audit(engine: Engine, actor: Actor, action: str, detail: CouncilMeetingDetail, lang: str, size: int,
           now: datetime | None) -> None:
    with transaction(engine) as session:
        audit.record(session, actor=actor, action=action, entity=ENTITY, entity_id=detail.meeting.id,
                     community_id=detail.meeting.community_id, at=now or clock.now(),
                     after={"lang": lang, "status": detail.meeting.status, "bytes": size})


def _settings(settings: Settings | None) -> Settings:
    return settings if settings is not None else app_config.settings()


def _rule(detail: CouncilMeetingDetail, settings: Settings | None) -> VotingRule:
    try:
        return _settings(settings).council.rule(detail.council.kind)
    except KeyError:  # a kind no longer configured: the default rule (more than half)
        return VotingRule()


def _kind(detail: CouncilMeetingDetail, settings: Settings | None, lang: str, *, lower: bool = False) -> str:
    """The meeting kind's configured label (in English lower-cased inside a sentence)."""
    code = detail.meeting.kind
    label = next((k.label(lang) for k in _settings(settings).council.meeting_kinds if k.code == code), code)
    return label[:1].lower() + label[1:] if lower and lang == "en" else label


def _date(value) -> date | None:
    return None if value is None or pd.isna(value) else value


def _joined(names: list[str], lang: str) -> str:
    return translate(lang, "minutes.separator").join(names)


def _people(t, names: list[str], lang: str) -> str:
    return t("people_named", count=len(names), names=_joined(names, lang)) if names else t("people", count=0)


def _attendance(detail: CouncilMeetingDetail) -> dict[str, list[str]]:
    """The names of the members by attendance status (in the detail's seat order)."""
    names: dict[str, list[str]] = {"present": [], "absent": [], "excused": []}
    for row in detail.attendance.itertuples(index=False):
        names.setdefault(row.status, []).append(row.name)
    return names


def _vote_words(lang: str, rule: VotingRule, row) -> str:
    """The recorded vote in words, as decided then (the stored status and quorum)."""
    passed = row.status == "passed"
    return vote_words(lang, rule, votes_for=int(row.votes_for), against=int(row.against), abstain=int(row.abstain),
                      quorum_met=bool(row.quorum_met),
                      vote=Vote(base=int(row.present), votes_for=int(row.votes_for), needed=0, passed=passed))


def _period(row, lang: str) -> str | None:
    start, end = _date(row.notice_start), _date(row.notice_end)
    if start is None or end is None:
        return None
    return translate(lang, "council_minutes.period", start=day_words(start, lang), end=day_words(end, lang))


def _ballots(detail: CouncilMeetingDetail, decision_id: int, lang: str) -> str:
    """同意：张伟、李娜；反对：赵强 - the named ballots of a decision, by choice."""
    ballots = detail.ballots[detail.ballots["decision_id"] == decision_id]
    groups = []
    for choice in CHOICES:
        names = ballots[ballots["choice"] == choice]["name"].tolist()
        if names:
            groups.append(translate(lang, "council_minutes.ballot_group",
                                    choice=translate(lang, f"council.choice_{choice}"), names=_joined(names, lang)))
    return translate(lang, "council_minutes.ballot_separator").join(groups)


def _tally(detail: CouncilMeetingDetail, review_id: int, lang: str) -> str:
    """满意3人、基本满意1人、不满意1人 - the ratings of a report (ratings nobody gave are left out)."""
    ratings = detail.ratings[detail.ratings["review_id"] == review_id]["rating"].tolist()
    return _joined([translate(lang, "council_minutes.rating_count", rating=translate(lang, f"council.rating_{r}"),
                              count=ratings.count(r)) for r in RATINGS if r in ratings], lang)


def _signature(doc, label: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.first_line_indent = 0
    paragraph.add_run(label + SIGNATURE_LINE)
