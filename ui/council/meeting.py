"""Building blocks shared by the council meeting pages (议事会议 and 会议主持): labels and badges, the quorum of a
meeting and the result of a vote as they are typed (in words, green when met), the record of a meeting (facts,
attendance, agenda with minutes, decisions with their vote and ballots, reviews with their ratings) and the Word
downloads of the minutes and the public notice.

Meeting reads are not cached: a meeting being held changes from minute to minute, and every page that shows it must
show what was just recorded.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import pandas as pd
import streamlit as st

from data_access.council import minutes as council_minutes
from domain.council.rules import (
    ATTENDANCE,
    CHOICES,
    OUTCOMES,
    RATINGS,
    VOTE_METHODS,
    Quorum,
    Vote,
    VotingRule,
    check_votes,
    quorum,
    vote,
)
from domain.errors import ValidationFailed
from ui.context import PageContext, export_actor
from ui.council.common import kind_label, quorum_text, vote_text
from ui.format import day, when
from ui.i18n import labels, lang, md_escape, t
from ui.projector import duration
from ui.widgets import known

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
STATUS_COLOURS = {"planned": "blue", "open": "green", "closed": "gray"}
DECISION_COLOURS = {"passed": "green", "rejected": "red", "invalid": "orange"}
OUTCOME_COLOURS = {"carried_out": "green", "partly": "orange", "not": "red"}
VOTING_KINDS = ("decision", "ad_hoc")  # meeting kinds that vote on their topics
REVIEW_KIND = "review"
P = "council_meeting_page"


# --- labels --------------------------------------------------------------------------------------------------------


def meeting_kinds(ctx: PageContext) -> dict[str, str]:
    """code -> label of the configured meeting kinds, in their configured order."""
    return labels(ctx.settings.council.meeting_kinds)


def meeting_kind(ctx: PageContext, code: str) -> str:
    return meeting_kinds(ctx).get(code, t("council.kind_unknown"))


def seat_label(ctx: PageContext, code: object) -> str:
    return labels(ctx.settings.council.seats).get(code, str(code)) if known(code) else t("common.none")


def code_label(prefix: str, code: object) -> str:
    """The label of a stored code (council.<prefix>_<code>), — when empty."""
    return t(f"council.{prefix}_{code}") if known(code) and code else t("common.none")


CODES = {"attendance": ATTENDANCE, "method": VOTE_METHODS, "choice": CHOICES, "rating": RATINGS, "outcome": OUTCOMES}


def code_labels(prefix: str) -> dict[str, str]:
    """code -> label of one list of stored codes (for a widget's format_func: a fixed mapping, since format_func may
    be called again outside the page run)."""
    return {code: code_label(prefix, code) for code in CODES[prefix]}


def status_badge(status: str) -> str:
    return f":{STATUS_COLOURS.get(status, 'gray')}-badge[{code_label('meeting', status)}]"


def decision_badge(status: str) -> str:
    return f":{DECISION_COLOURS.get(status, 'gray')}-badge[{code_label('decision', status)}]"


def outcome_badge(outcome: str) -> str:
    return f":{OUTCOME_COLOURS.get(outcome, 'gray')}-badge[{code_label('outcome', outcome)}]"


def title(ctx: PageContext, detail) -> str:
    """"幸福里小区联席会议议事决策会"."""
    return t(f"{P}.title", council=detail.council.name, kind=meeting_kind(ctx, detail.meeting.kind))


def clock_time(value) -> str:
    return value.strftime("%H:%M") if value is not None and known(value) else ""


def when_text(meeting) -> str:
    """The day and start time of a meeting: "2026-11-20 19:00"."""
    return f"{day(meeting.day)} {clock_time(meeting.start_time)}".strip()


def text_or_none(value: object) -> str:
    return str(value) if known(value) and str(value).strip() else t("common.none")


# --- the quorum and the vote, in words -----------------------------------------------------------------------------


def rule_of(ctx: PageContext, detail) -> VotingRule:
    return ctx.settings.council.rule(detail.council.kind)


@dataclass(frozen=True)
class Counts:
    """The attendance of a meeting: members expected (rows), present, excused, absent."""

    members: int
    present: int
    excused: int

    @property
    def absent(self) -> int:
        return self.members - self.present - self.excused


def counts(statuses) -> Counts:
    tally = Counter(s for s in statuses if s)
    return Counts(members=sum(tally.values()), present=tally.get("present", 0), excused=tally.get("excused", 0))


def saved_counts(detail) -> Counts:
    att = detail.attendance
    return counts(att["status"]) if not att.empty else Counts(0, 0, 0)


def quorum_of(rule: VotingRule, c: Counts) -> Quorum:
    return quorum(rule, members=c.members, present=c.present, excused=c.excused)


def coloured(text: str, good: bool) -> str:
    return f":{'green' if good else 'red'}[**{md_escape(text)}**]"


def quorum_line(rule: VotingRule, c: Counts, *, key: str) -> Quorum:
    """"应到9人，实到6人，超过半数，符合规定" in green (met) or red, in a container keyed `key`."""
    q = quorum_of(rule, c)
    with st.container(key=key):
        st.markdown(coloured(quorum_text(rule, q), q.met))
        if c.excused or c.absent:
            st.caption(t(f"{P}.absent_excused", absent=c.absent, excused=c.excused))
    return q


@dataclass(frozen=True)
class Preview:
    """What a vote being typed would record: the words, and passed / rejected / invalid / refused / bad."""

    text: str
    result: str

    @property
    def good(self) -> bool:
        return self.result == "passed"


def preview_vote(ctx: PageContext, rule: VotingRule, c: Counts, *, votes_for: int, against: int,
                 abstain: int) -> Preview:
    """The result of the counts as typed, by the rule of the council and its attendance as checked in."""
    try:
        check_votes(votes_for=votes_for, against=against, abstain=abstain, present=c.present)
    except ValidationFailed as err:
        key, params = next(iter(err.errors.values()))
        return Preview(t(key, **params), "bad")
    q = quorum_of(rule, c)
    if not q.met:
        if ctx.settings.council.no_quorum == "refuse":
            return Preview(t("council_error.no_quorum", words=quorum_text(rule, q)), "refused")
        return Preview(vote_text(rule, votes_for=votes_for, against=against, abstain=abstain, quorum_met=False),
                       "invalid")
    v = vote(rule, votes_for=votes_for, against=against, abstain=abstain, present=c.present, members=c.members)
    words = vote_text(rule, votes_for=votes_for, against=against, abstain=abstain, quorum_met=True, vote=v)
    return Preview(words, "passed" if v.passed else "rejected")


def recorded_vote_text(ctx: PageContext, detail, row) -> str:
    """The vote words of a recorded decision, as it was decided then (its status and quorum snapshot)."""
    passed = row.status == "passed"
    recorded = Vote(base=int(row.present), votes_for=int(row.votes_for), needed=0, passed=passed)
    return vote_text(rule_of(ctx, detail), votes_for=int(row.votes_for), against=int(row.against),
                     abstain=int(row.abstain), quorum_met=bool(row.quorum_met), vote=recorded)


# --- the record of a meeting ---------------------------------------------------------------------------------------


def facts(ctx: PageContext, detail) -> None:
    """Kind, time, place, chair, recorder and observers of the meeting."""
    m = detail.meeting
    rows = [(f"{P}.kind", meeting_kind(ctx, m.kind)), (f"{P}.when", when_text(m)),
            (f"{P}.place", text_or_none(m.place)), (f"{P}.chair", text_or_none(detail.chair)),
            (f"{P}.recorder", text_or_none(m.recorder)), (f"{P}.observers", text_or_none(m.observers))]
    cols = st.columns(len(rows))
    for col, (key, value) in zip(cols, rows, strict=True):
        col.caption(t(key))
        col.text(value)


def attendance_table(ctx: PageContext, detail, *, key: str) -> None:
    att = detail.attendance
    if att.empty:
        st.info(t(f"{P}.attendance_later") if detail.meeting.status == "planned" else t(f"{P}.attendance_none"),
                icon=":material/info:")
        return
    view = pd.DataFrame({
        "name": att["name"], "seat": [seat_label(ctx, s) for s in att["seat"]],
        "title": att["title"].fillna(""), "status": [code_label("attendance", s) for s in att["status"]],
        "checked_in_at": [when(v.to_pydatetime() if isinstance(v, pd.Timestamp) else v) if known(v) else ""
                          for v in att["checked_in_at"]]})
    st.dataframe(view, hide_index=True, key=key, width="stretch", column_config={
        "name": t(f"{P}.col_name"), "seat": t(f"{P}.col_seat"), "title": t(f"{P}.col_title"),
        "status": t(f"{P}.col_status"), "checked_in_at": t(f"{P}.col_checked_in")})


def item_heading(row) -> str:
    """What an agenda item is about: its topic, or the decision under review."""
    if known(row.topic) and row.topic:
        return str(row.topic)
    return str(row.decision_text) if known(row.decision_text) and row.decision_text else t("common.none")


def agenda_record(detail) -> None:
    """Each agenda item with what was said on it."""
    ag = detail.agenda
    if ag.empty:
        st.info(t(f"{P}.agenda_empty"), icon=":material/info:")
        return
    for row in ag.sort_values("position").itertuples(index=False):
        stage = f" :gray-badge[{code_label('stage', row.topic_stage)}]" if known(row.topic_stage) else ""
        done = f" :green-badge[{t(f'{P}.discussed')}]" if bool(row.discussed) else ""
        st.markdown(f"**{int(row.position)}. {md_escape(item_heading(row))}**{stage}{done}")
        if known(row.decision_text) and row.decision_text and row.decision_text != item_heading(row):
            st.caption(t(f"{P}.agenda_decision", text=md_escape(row.decision_text)))
        if known(row.minutes) and row.minutes:
            st.text(row.minutes)
        else:
            st.caption(t(f"{P}.no_minutes"))
        if known(row.seconds) and int(row.seconds):
            st.caption(t(f"{P}.time_spent", duration=duration(row.seconds)))


def decision_block(ctx: PageContext, detail, row) -> None:
    """One decision: its topic, text, method, vote in words, owner, due, notice and follow-up."""
    with st.container(border=True):
        topic = md_escape(row.topic) if known(row.topic) and row.topic else t("common.none")
        st.markdown(f"{decision_badge(row.status)} **{topic}**")
        st.text(row.text)
        st.markdown(coloured(recorded_vote_text(ctx, detail, row), row.status == "passed"))
        parts = [t(f"{P}.method_is", method=code_label("method", row.method))]
        if row.status == "passed":
            parts += [t(f"{P}.owner_is", owner=text_or_none(row.owner)),
                      t(f"{P}.due_is", due=day(row.due) if known(row.due) else t("common.none"))]
            if known(row.notice_start) and known(row.notice_end):
                parts.append(t(f"{P}.notice_is", start=day(row.notice_start), end=day(row.notice_end)))
        if known(row.matter_number) and row.matter_number:
            parts.append(t(f"{P}.matter_is", number=row.matter_number))
        if known(row.need_id) and row.need_id:
            parts.append(t(f"{P}.need_linked"))
        st.caption(" · ".join(md_escape(p) for p in parts))
        if known(row.outcome) and row.outcome:
            st.markdown(t(f"{P}.outcome_is", outcome=outcome_badge(row.outcome)))
        ballots = detail.ballots[detail.ballots["decision_id"] == row.id] if not detail.ballots.empty \
            else detail.ballots
        if not ballots.empty:
            st.caption(t(f"{P}.ballots_is", ballots=t(f"{P}.list_sep").join(
                f"{md_escape(b.name)} {code_label('choice', b.choice)}" for b in ballots.itertuples(index=False))))


def decisions_record(ctx: PageContext, detail) -> None:
    if detail.decisions.empty:
        st.caption(t(f"{P}.decisions_none"))
        return
    for row in detail.decisions.itertuples(index=False):
        decision_block(ctx, detail, row)


def rating_tally(ratings: pd.DataFrame) -> str:
    """"满意 5、基本满意 1、不满意 0"."""
    tally = Counter(ratings["rating"]) if not ratings.empty else Counter()
    return t(f"{P}.tally_sep").join(t(f"{P}.tally_item", rating=code_label("rating", r), count=tally.get(r, 0))
                                    for r in ("satisfied", "basic", "unsatisfied"))


def review_block(detail, row) -> None:
    with st.container(border=True):
        st.markdown(f"{outcome_badge(row.outcome)} **{md_escape(text_or_none(row.decision_text))}**")
        st.caption(t(f"{P}.reporter_is", reporter=md_escape(row.reporter)))
        st.text(row.report)
        ratings = detail.ratings[detail.ratings["review_id"] == row.id] if not detail.ratings.empty \
            else detail.ratings
        st.caption(t(f"{P}.ratings_is", tally=rating_tally(ratings)))
        if known(row.reason) and row.reason:
            st.caption(t(f"{P}.reason_is", reason=md_escape(row.reason)))


def reviews_record(detail) -> None:
    if detail.reviews.empty:
        st.caption(t(f"{P}.reviews_none"))
        return
    for row in detail.reviews.itertuples(index=False):
        review_block(detail, row)


# --- downloads -----------------------------------------------------------------------------------------------------


def has_passed(detail) -> bool:
    return not detail.decisions.empty and bool((detail.decisions["status"] == "passed").any())


def file_stem(ctx: PageContext, detail, what: str) -> str:
    m = detail.meeting
    return t(f"{P}.{what}_file", council=detail.council.name, kind=meeting_kind(ctx, m.kind), day=f"{m.day:%Y-%m-%d}")


def downloads(ctx: PageContext, detail, *, key: str) -> None:
    """会议纪要（Word） and, when a decision passed, 决议公示（Word） and its printable page; each built when clicked,
    as the user is then (the Word exports are audited). Keys: {key}_minutes, {key}_notice, {key}_notice_html."""
    checked = export_actor(ctx)  # the session is checked again when the file is built
    language = lang()  # read here: the file is built on another thread, which has no session
    engine, settings, meeting_id = ctx.engine, ctx.settings, detail.meeting.id
    cols = st.columns(3)
    cols[0].download_button(
        t(f"{P}.minutes"), data=lambda: council_minutes.minutes_docx(engine, actor=checked(), settings=settings,
                                                      meeting_id=meeting_id, lang=language),
        file_name=f"{file_stem(ctx, detail, 'minutes')}.docx", mime=DOCX, key=f"{key}_minutes",
        icon=":material/description:", on_click="ignore", help=t(f"{P}.minutes_help"))
    if not has_passed(detail):
        cols[1].caption(t(f"{P}.notice_none"))
        return
    cols[1].download_button(
        t(f"{P}.notice"), data=lambda: council_minutes.notice_docx(engine, actor=checked(), meeting_id=meeting_id,
                                                                    lang=language, settings=settings),
        file_name=f"{file_stem(ctx, detail, 'notice')}.docx", mime=DOCX, key=f"{key}_notice",
        icon=":material/campaign:", on_click="ignore", help=t(f"{P}.notice_help"))
    cols[2].download_button(
        t(f"{P}.notice_print"), data=lambda: council_minutes.notice_html(detail, lang=language, settings=settings),
        file_name=f"{file_stem(ctx, detail, 'notice')}.html", mime="text/html", key=f"{key}_notice_html",
        icon=":material/print:", on_click="ignore", help=t(f"{P}.notice_print_help"))


def kind_name(ctx: PageContext, detail) -> str:
    """The council's kind (居民议事会, 小区联席会议)."""
    return kind_label(ctx, detail.council.kind)

